/**
 * The window's coarse scan (src/analysis/candidates.ts) flags every price path on which the
 * 1-second path finds a leg that passes issue 7's speed test: a superset, checked against findLegs
 * and qualifies on random 1-second paths; and what it flags and does not, by hand.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { coarseCandidate, fineBarsNeeded } from '../../src/analysis/candidates.js'
import { DirectedBars, findLegs, qualifies } from '../../src/analysis/legs.js'
import { type AnalysisParams, DEFAULT_PARAMS } from '../../src/analysis/params.js'
import { BarColumns, BarStore, CompactTicks } from '../../src/bars/index.js'

const T0 = Date.UTC(2026, 1, 5, 13, 59, 31)

/** A 1-second layer from steps: seconds since the previous bar and the move of the price in %. */
function pathOf(steps: readonly { gap: number; move: number; wick: number }[]): BarColumns {
  const bars = new BarColumns(1000)
  let t = T0
  let price = 50_000
  for (const step of steps) {
    t += step.gap * 1000
    const open = price
    price = Math.max(1, price * (1 + step.move / 100))
    const i = bars.slot(t)
    bars.open[i] = open
    bars.close[i] = price
    bars.high[i] = Math.max(open, price) * (1 + step.wick / 100)
    bars.low[i] = Math.min(open, price) * (1 - step.wick / 100)
    bars.hasPrice = true
  }
  return bars
}

function compacted(layer: BarColumns): CompactTicks {
  const compact = new CompactTicks()
  compact.add(layer)
  return compact
}

function qualifyingLeg(layer: BarColumns, params: AnalysisParams): boolean {
  for (const direction of ['down', 'up'] as const) {
    const bars = new DirectedBars(layer, direction)
    if (findLegs(bars, params).some((leg) => qualifies(bars, leg, params))) return true
  }
  return false
}

describe('coarse scan', () => {
  it('flags every path on which a leg qualifies on 1-second bars (a superset)', () => {
    const step = fc.record({
      gap: fc.oneof(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 400 })),
      move: fc.oneof(
        fc.double({ min: -0.3, max: 0.3, noNaN: true }),
        fc.double({ min: -4, max: 4, noNaN: true }),
      ),
      wick: fc.constantFrom(0, 0, 0.05, 0.5, 2),
    })
    let qualified = 0
    fc.assert(
      fc.property(
        fc.array(step, { minLength: 1, maxLength: 300 }),
        fc.constantFrom(0.5, 1, 2, 5),
        fc.constantFrom(0.5, 1, 2.5, 15, 60),
        (steps, minMovePct, withinMin) => {
          const params = { ...DEFAULT_PARAMS, minMovePct, withinMin }
          const layer = pathOf(steps)
          const fine = qualifyingLeg(layer, params)
          if (fine) qualified++
          if (fine) expect(coarseCandidate(compacted(layer), params)).not.toBeNull()
        },
      ),
      { numRuns: 400 },
    )
    // The property was tried on paths with cascades, not only on quiet ones.
    expect(qualified).toBeGreaterThan(50)
  })

  it('flags a fall of 6 % in 3 minutes at the minute it ends; not a 6 % bleed over 10 hours', () => {
    const params = { ...DEFAULT_PARAMS, minMovePct: 5, withinMin: 60 }
    // Quiet for an hour, then −2 % a minute for 3 minutes (one bar a second).
    const crash = pathOf([
      ...Array.from({ length: 3600 }, () => ({ gap: 1, move: 0, wick: 0 })),
      ...Array.from({ length: 180 }, () => ({ gap: 1, move: -6 / 180, wick: 0 })),
      ...Array.from({ length: 600 }, () => ({ gap: 1, move: 0, wick: 0 })),
    ])
    // The low of −5 % is first reached in the 151st second of the fall: 13:59:31 + 3600 s + 151 s.
    const at = coarseCandidate(compacted(crash), params)
    expect(at).toBe(Date.UTC(2026, 1, 5, 15, 2, 0))
    expect(qualifyingLeg(crash, params)).toBe(true)
    const bleed = pathOf(Array.from({ length: 600 }, () => ({ gap: 60, move: -6 / 600, wick: 0 })))
    expect(coarseCandidate(compacted(bleed), params)).toBeNull()
    // A rise of 4.6 % in a minute (1.0015^30): a squeeze for --min-move 4, not for 5.
    const squeeze = pathOf(Array.from({ length: 30 }, () => ({ gap: 2, move: 0.15, wick: 0 })))
    expect(coarseCandidate(compacted(squeeze), { ...params, minMovePct: 5 })).toBeNull()
    expect(coarseCandidate(compacted(squeeze), { ...params, minMovePct: 4 })).not.toBeNull()
  })

  it('says why the compacted bars are not enough, market by market', () => {
    const params = { ...DEFAULT_PARAMS }
    const quiet = () => pathOf(Array.from({ length: 100 }, () => ({ gap: 1, move: 0.01, wick: 0 })))
    const store = new BarStore()
    const btc = store.seriesOf('binance', 'BTC-USDT-PERP')
    btc.compacted = compacted(quiet())
    btc.counts.trade = 100
    expect(fineBarsNeeded(store, params)).toEqual([])
    // A liquidation of the same series went into its 1-second bars.
    const eth = store.seriesOf('binance', 'ETH-USDT-PERP')
    eth.compacted = compacted(quiet())
    eth.liquidation({
      kind: 'liquidation',
      ts: T0,
      exchange: 'binance',
      market: 'ETH-USDT-PERP',
      symbol: 'ETHUSDT',
      source: 'binance-liquidations',
      side: 'long',
      price: 2000,
      amount: 1,
      notionalUsd: 2000,
    } as Parameters<typeof eth.liquidation>[0])
    expect(fineBarsNeeded(store, params)).toEqual(['binance:ETH-USDT-PERP: other bars of the same series'])
    // A crash on BTC's compacted price path.
    const store2 = new BarStore()
    const crashed = store2.seriesOf('binance', 'BTC-USDT-PERP')
    crashed.compacted = compacted(
      pathOf(Array.from({ length: 100 }, (_, i) => ({ gap: 1, move: i === 50 ? -7 : 0, wick: 0 }))),
    )
    expect(fineBarsNeeded(store2, params)).toEqual([
      'BTC: a move of 5 % within 60 min may end in the minute of 2026-02-05T14:00:00.000Z',
    ])
  })
})
