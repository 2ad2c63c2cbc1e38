/**
 * The window's compacted layer (src/bars/window.ts) gives exactly the figures the 1-second layer it
 * stands for gives: the same price range (first bars of the high and low), sums added in the same
 * order, the same first and last second, and each minute's high and low.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { BarColumns, CompactTicks, type SumColumn } from '../../src/bars/index.js'

const SUMS: SumColumn[] = ['volume', 'volumeUsd', 'takerBuyUsd', 'takerSellUsd', 'trades']

/** One second of trades: its bar from a walk of prices (some seconds without a price). */
interface Second {
  gap: number
  priced: boolean
  open: number
  up: number
  down: number
  close: number
  volume: number
}

function layerOf(seconds: readonly Second[], from: number): BarColumns {
  const bars = new BarColumns(1000)
  let t = from
  for (const s of seconds) {
    t += s.gap * 1000
    const i = bars.slot(t)
    if (s.priced) {
      bars.open[i] = s.open
      bars.high[i] = Math.max(s.open, s.close) + s.up
      bars.low[i] = Math.min(s.open, s.close) - s.down
      bars.close[i] = s.close
      bars.hasPrice = true
    }
    bars.volume[i] = s.volume
    bars.volumeUsd[i] = s.volume * s.open
    bars.takerBuyUsd[i] = s.volume * 0.3
    bars.takerSellUsd[i] = s.volume * 0.7
    bars.trades[i] = 3
    bars.hasVolume = true
    bars.hasVolumeUsd = true
    bars.hasTaker = true
    bars.hasTrades = true
  }
  return bars
}

const second = fc.record({
  gap: fc.integer({ min: 1, max: 200 }),
  priced: fc.boolean(),
  open: fc.double({ min: 1, max: 1e5, noNaN: true }),
  up: fc.constantFrom(0, 0.1, 0.5, 3),
  down: fc.constantFrom(0, 0.1, 0.5, 3),
  close: fc.double({ min: 1, max: 1e5, noNaN: true }),
  volume: fc.double({ min: 0, max: 50, noNaN: true }),
})

/** The layer cut into consecutive parts at the given row counts (files of one series). */
function parts(layer: BarColumns, cuts: readonly number[]): BarColumns[] {
  const exported = layer.exportRows()
  const out: BarColumns[] = []
  let from = 0
  for (const cut of [...cuts.map((c) => Math.min(c, layer.length)).sort((a, b) => a - b), layer.length]) {
    if (cut <= from) continue
    out.push(
      BarColumns.importRows({
        ...exported,
        length: cut - from,
        columns: exported.columns.map((column) => column?.slice(from, cut) ?? null),
      }),
    )
    from = cut
  }
  return out
}

describe('CompactTicks', () => {
  it('gives the 1-second layer’s figures to the bit, however the seconds come in files', () => {
    fc.assert(
      fc.property(
        fc.array(second, { minLength: 1, maxLength: 400 }),
        fc.array(fc.nat(400), { maxLength: 6 }),
        (seconds, cuts) => {
          const full = layerOf(seconds, Date.UTC(2026, 1, 5, 23, 58, 7))
          const compact = new CompactTicks()
          for (const part of parts(full, cuts)) compact.add(part)
          expect(compact.inexact).toBeNull()
          expect(compact.length).toBe(0)
          expect(compact.seconds).toBe(full.length)
          expect(compact.first).toBe(full.first)
          expect(compact.last).toBe(full.last)
          expect(compact.priceRange()).toEqual(full.priceRange())
          for (const column of SUMS) expect(Object.is(compact.total(column), full.total(column))).toBe(true)
          expect(compact.hasPrice).toBe(full.hasPrice)
          expect(compact.hasTaker).toBe(true)
          // Each minute with a price: its highest high and lowest low.
          const minutes = new Map<number, [number, number]>()
          for (let i = 0; i < full.length; i++) {
            if (Number.isNaN(full.open[i]!)) continue
            const minute = Math.floor(full.time[i]! / 60_000) * 60_000
            const [high, low] = minutes.get(minute) ?? [-Infinity, Infinity]
            minutes.set(minute, [Math.max(high, full.high[i]!), Math.min(low, full.low[i]!)])
          }
          expect(compact.minutes).toBe(minutes.size)
          const kept = [...minutes].map(([t, [h, l]]) => [t, h, l])
          const got = Array.from({ length: compact.minutes }, (_, k) => [
            compact.minuteTime[k]!,
            compact.minuteHigh[k]!,
            compact.minuteLow[k]!,
          ])
          expect(got).toEqual(kept)
        },
      ),
      { numRuns: 200 },
    )
  })

  it('holds the minutes, not the seconds: a day of seconds in about 35 kB', () => {
    const compact = new CompactTicks()
    const day = Date.UTC(2026, 1, 5)
    for (let hour = 0; hour < 24; hour++) {
      const bars = new BarColumns(1000)
      for (let s = 0; s < 3600; s++) {
        const i = bars.slot(day + (hour * 3600 + s) * 1000)
        bars.open[i] = bars.high[i] = bars.low[i] = bars.close[i] = 70_000 + (s % 7)
        bars.hasPrice = true
      }
      compact.add(bars)
    }
    expect(compact.seconds).toBe(86_400)
    expect(compact.minutes).toBe(1440)
    expect(compact.bytes).toBeLessThan(50_000)
    expect(compact.priceRange()).toEqual({
      open: 70_000,
      high: 70_006,
      highAt: day + 6000,
      low: 70_000,
      lowAt: day,
      close: 70_000 + (3599 % 7),
    })
  })

  it('says when it cannot stand for the 1-second layer: files out of time order, other figures', () => {
    const day = Date.UTC(2026, 1, 5)
    const bars = (from: number) => {
      const layer = new BarColumns(1000)
      const i = layer.slot(from)
      layer.open[i] = layer.high[i] = layer.low[i] = layer.close[i] = 1
      layer.hasPrice = true
      return layer
    }
    const late = new CompactTicks()
    late.add(bars(day + 86_400_000))
    late.add(bars(day))
    expect(late.inexact).toBe('files of one series out of time order')
    const liquidated = new CompactTicks()
    const withLiquidations = bars(day)
    withLiquidations.liqLongUsd[0] = 5
    withLiquidations.hasLiquidations = true
    liquidated.add(withLiquidations)
    expect(liquidated.inexact).toBe('liquidations or open interest in the bars of trades')
  })
})
