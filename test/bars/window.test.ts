/**
 * The window's compacted layer (src/bars/window.ts) gives exactly the figures the 1-second layer it
 * stands for gives: the same price range (first bars of the high and low), sums added in the same
 * order, the same first and last second, and each minute's high and low; the price at any time and
 * per-minute cells of the seconds it keeps and does not keep, or WindowMiss; and only the seconds
 * of the stretches it was told to keep, with every liquidation row beside them.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { priceAt } from '../../src/analysis/metrics.js'
import { BarColumns, CompactTicks, type SumColumn, WindowMiss } from '../../src/bars/index.js'

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

const MINUTE = 60_000
const T0 = Date.UTC(2026, 1, 5, 0, 0, 0)

const row = fc.record({
  gap: fc.oneof(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 900 })),
  price: fc.double({ min: 10, max: 100_000, noNaN: true }),
  wick: fc.double({ min: 0, max: 0.02, noNaN: true }),
  volume: fc.double({ min: 0, max: 50, noNaN: true }),
  liquidation: fc.option(fc.double({ min: 1, max: 1e6, noNaN: true }), { freq: 4 }),
})

type Row = { gap: number; price: number; wick: number; volume: number; liquidation: number | null }

/** Trades in one layer, liquidations (in other seconds, as ingest keeps them) in another. */
function layersOf(rows: readonly Row[]): { trades: BarColumns; liquidations: BarColumns } {
  const trades = new BarColumns(1000)
  const liquidations = new BarColumns(1000)
  let t = T0
  for (const r of rows) {
    t += r.gap * 1000
    if (r.liquidation !== null) {
      const i = liquidations.slot(t)
      liquidations.liqLongUsd[i] = r.liquidation
      liquidations.hasLiquidations = true
      continue
    }
    const i = trades.slot(t)
    trades.open[i] = r.price
    trades.close[i] = r.price * (1 + r.wick / 2)
    trades.high[i] = r.price * (1 + r.wick)
    trades.low[i] = r.price * (1 - r.wick)
    trades.volume[i] = r.volume
    trades.volumeUsd[i] = r.volume * r.price
    trades.trades[i] = 1
    trades.hasPrice = trades.hasVolume = trades.hasVolumeUsd = trades.hasTrades = true
  }
  return { trades, liquidations }
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
          // Each minute with a second: its highest high and lowest low (NaN without a price).
          const minutes = new Map<number, [number, number]>()
          for (let i = 0; i < full.length; i++) {
            const minute = Math.floor(full.time[i]! / 60_000) * 60_000
            const [high, low] = minutes.get(minute) ?? [Number.NaN, Number.NaN]
            if (Number.isNaN(full.open[i]!)) minutes.set(minute, [high, low])
            else
              minutes.set(minute, [
                Number.isNaN(high) ? full.high[i]! : Math.max(high, full.high[i]!),
                Number.isNaN(low) ? full.low[i]! : Math.min(low, full.low[i]!),
              ])
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

  it('holds the minutes, not the seconds: a day of seconds in about 150 kB (the seconds took 6.9 MB)', () => {
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
    expect(compact.length).toBe(0)
    expect(compact.bytes).toBeLessThan(160_000)
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

  it('gives the 1-second layer’s figures, prices and per-minute cells, or WindowMiss', () => {
    fc.assert(
      fc.property(
        fc.array(row, { minLength: 1, maxLength: 300 }),
        fc.array(fc.integer({ min: 1, max: 299 }), { maxLength: 4 }),
        fc.array(
          fc.record({ from: fc.integer({ min: -5, max: 600 }), minutes: fc.integer({ min: 1, max: 120 }) }),
          {
            maxLength: 3,
          },
        ),
        fc.array(fc.integer({ min: -60, max: 40_000 }), { minLength: 5, maxLength: 20 }),
        (rows, cuts, stretchSpecs, probes) => {
          const { trades, liquidations } = layersOf(rows)
          const full = BarColumns.concat([trades.slice(0, trades.length)])
          full.mergeWith(liquidations)
          // Disjoint whole-minute stretches in time order.
          const stretches: { from: number; to: number }[] = []
          for (const spec of [...stretchSpecs].sort((a, b) => a.from - b.from)) {
            const from = T0 + spec.from * MINUTE
            const last = stretches[stretches.length - 1]
            if (last && from <= last.to) continue
            stretches.push({ from, to: from + spec.minutes * MINUTE })
          }
          const compact = new CompactTicks(null, stretches)
          const bounds = [
            0,
            ...[...new Set(cuts)].filter((c) => c < trades.length).sort((a, b) => a - b),
            trades.length,
          ]
          for (let k = 0; k + 1 < bounds.length; k++) compact.add(trades.slice(bounds[k]!, bounds[k + 1]!))
          compact.addBeside(liquidations)
          expect(compact.inexact).toBeNull()
          expect(compact.first).toBe(full.first)
          expect(compact.last).toBe(full.last)
          expect(compact.priceRange()).toEqual(full.priceRange())
          for (const column of ['volume', 'volumeUsd', 'trades'] as const) {
            expect(Object.is(compact.total(column), full.total(column))).toBe(true)
          }
          for (const figure of ['price', 'volume', 'openInterest'] as const) {
            expect(compact.span(figure)).toEqual(full.span(figure))
          }
          // Kept rows: every second of the stretches, and every liquidation.
          for (let i = 0; i < full.length; i++) {
            const t = full.time[i]!
            const inside = stretches.some((s) => s.from <= t && t < s.to)
            const j = compact.lowerBound(t)
            const kept = compact.time[j] === t
            expect(kept).toBe(
              inside || (!Number.isNaN(full.liqLongUsd[i]!) && full.liqLongUsd[i]! > 0) || inside,
            )
            if (kept) {
              expect(compact.close[j]).toEqual(full.close[i])
              expect(compact.volume[j]).toEqual(full.volume[i])
              expect(compact.liqLongUsd[j]).toEqual(full.liqLongUsd[i])
            }
          }
          // Per-minute cells: the same bits, on cells of 1 min, 5 min and 1 h.
          for (const step of [MINUTE, 5 * MINUTE, 60 * MINUTE]) {
            for (const column of ['volume', 'volumeUsd', 'liqLongUsd'] as const) {
              const origin = Math.floor(T0 / step) * step
              const cells = Math.ceil((full.last! + 1000 - origin) / step) + 1
              const a = new Float64Array(cells)
              const b = new Float64Array(cells)
              full.addCells(column, a, origin, step, Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY)
              compact.addCells(column, b, origin, step, Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY)
              expect(Array.from(b)).toEqual(Array.from(a))
            }
          }
          // Prices: the same close, or WindowMiss (never at a minute's start, as OI levels and buckets are).
          for (const probe of probes) {
            const t = T0 + probe * 1000 + (probe % 3 === 0 ? 0 : 437)
            for (const at of [t, Math.floor(t / MINUTE) * MINUTE]) {
              const expected = priceAt(full, at)
              try {
                expect(priceAt(compact, at)).toBe(expected)
              } catch (error) {
                if (!(error instanceof WindowMiss)) throw error
                expect(at % MINUTE).not.toBe(0)
              }
            }
          }
          // Asked for seconds it does not keep, it says so.
          const outside = T0 + 700 * MINUTE
          if (!stretches.some((s) => s.to > outside)) {
            expect(compact.keeps(outside, outside + MINUTE)).toBe(false)
            expect(() => compact.mustKeep(outside, outside + MINUTE, 'a test')).toThrow(WindowMiss)
          }
        },
      ),
      { numRuns: 400 },
    )
  })

  it('keeps a part’s seconds only inside the stretches, across file boundaries', () => {
    const layer = new BarColumns(1000)
    for (let s = 0; s < 3 * 3600; s += 10) {
      const i = layer.slot(T0 + s * 1000)
      layer.open[i] = layer.high[i] = layer.low[i] = layer.close[i] = 100 + (s % 7)
      layer.hasPrice = true
    }
    const stretch = { from: T0 + 50 * MINUTE, to: T0 + 70 * MINUTE }
    const compact = new CompactTicks(null, [stretch])
    compact.add(layer.slice(0, 360)) // the first hour
    compact.add(layer.slice(360, layer.length))
    // 20 minutes of one bar every 10 s.
    expect(compact.length).toBe(120)
    expect(compact.time[0]).toBe(stretch.from)
    expect(compact.time[compact.length - 1]).toBe(stretch.to - 10_000)
    expect(compact.seconds).toBe(layer.length)
    expect(compact.keeps(stretch.from, stretch.to)).toBe(true)
    expect(compact.keeps(stretch.from - 1000, stretch.to)).toBe(false)
  })
})
