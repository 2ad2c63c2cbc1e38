/**
 * A compacted layer (src/bars/window.ts) answers what the analysis asks of it exactly as the
 * 1-second layer it stands for, or raises WindowMiss: checked on random trade paths, random
 * stretches kept, random splits into files, with liquidation rows beside.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { priceAt } from '../../src/analysis/metrics.js'
import { BarColumns, CompactTicks, WindowMiss } from '../../src/bars/index.js'

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
