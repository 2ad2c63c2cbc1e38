/**
 * Legs on bars as the data shows them (DESIGN §5.1): a wick inside the low's own bar never ends a
 * leg, a bounce undercut soon after does not either, a move inside one bar is flagged, and the
 * start never depends on --within. Hand-made hourly and minute bars, and fast-check random walks.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  analyzeBars,
  DEFAULT_PARAMS,
  DirectedBars,
  findLegs,
  groupMarkets,
  qualifies,
} from '../../src/analysis/index.js'
import { foldEvents } from '../../src/bars/index.js'
import type { BarEvent } from '../../src/timeline/event.js'
import { expectDisjoint } from './disjoint.js'

const HOUR = 3_600_000
const T0 = Date.UTC(2021, 8, 7)

/** Bars of `durationMs` from [open, high, low, close] rows. */
function ohlc(rows: readonly [number, number, number, number][], durationMs = HOUR): BarEvent[] {
  return rows.map(([open, high, low, close], i) => ({
    ts: T0 + i * durationMs,
    exchange: 'binance',
    symbol: 'TESTUSDT',
    market: 'TEST-USDT-PERP',
    kind: 'bar',
    source: 'test',
    durationMs,
    open,
    high,
    low,
    close,
    volume: null,
    volumeUsd: null,
    takerBuyUsd: null,
    trades: null,
    liqLongUsd: null,
    liqShortUsd: null,
    openInterest: null,
    openInterestUsd: null,
  }))
}

function bars(events: BarEvent[], direction: 'down' | 'up' = 'down'): DirectedBars {
  const market = groupMarkets(foldEvents(events), 'market')[0]!
  return new DirectedBars(market.price!.layer, direction)
}

const hour = (i: number) => new Date(T0 + i * HOUR).toISOString()

describe('legs on hourly bars', () => {
  it('a low wick, a close well above it, then a lower low: one leg to the lowest low', () => {
    const events = ohlc([
      [100, 101, 99, 100],
      [100, 100, 90, 97], // wick to 90, close at 97 (30 % of the move back, inside the bar)
      [97, 99, 85, 88], // the next bar undercuts: the low is here
      [88, 95, 87, 94],
      [94, 99, 93, 98],
    ])
    const result = analyzeBars(foldEvents(events))
    const down = result.cascades.filter((c) => c.direction === 'down')
    expect(down).toHaveLength(1)
    expect([down[0]!.start, down[0]!.extreme, down[0]!.price.extreme]).toEqual([hour(0), hour(2), 85])
  })

  it('a bounce beyond --rebound undercut by the next bar does not end the leg, and is named', () => {
    const directed = bars(
      ohlc([
        [100, 100, 99, 99],
        [99, 99, 90, 91],
        [91, 96, 91, 95], // +6.7 % from 90: a bounce beyond a third of the move and 5 % of the price
        [95, 95, 84, 85], // undercut in the next bar
        [85, 99, 85, 99],
      ]),
    )
    const legs = findLegs(directed, DEFAULT_PARAMS).filter((leg) => qualifies(directed, leg, DEFAULT_PARAMS))
    expect(legs).toHaveLength(1)
    expect([legs[0]!.startIdx, legs[0]!.extremeIdx]).toEqual([0, 3])
    expect(legs[0]!.swallowed).toHaveLength(1)
    expect(legs[0]!.swallowed[0]!.sizeFrac).toBeCloseTo(6 / 90, 10)
    const cascade = analyzeBars(
      foldEvents(
        ohlc([
          [100, 100, 99, 99],
          [99, 99, 90, 91],
          [91, 96, 91, 95],
          [95, 95, 84, 85],
          [85, 99, 85, 99],
        ]),
      ),
    ).cascades.find((c) => c.direction === 'down')!
    expect(cascade.reasons.join('\n')).toMatch(/counter-move of 6\.67 % .* large enough to be a squeeze/)
  })

  it('a bounce that stands (no lower low soon after) ends the leg; the next leg starts at its top', () => {
    const directed = bars(
      ohlc([
        [100, 100, 99, 99],
        [99, 99, 90, 91],
        [91, 97, 91, 96],
        [96, 97, 95, 96],
        [96, 96, 94, 95],
        [95, 95, 94, 94],
        [94, 94, 85, 86], // undercut, but hours after the bounce
      ]),
    )
    const legs = findLegs(directed, DEFAULT_PARAMS).filter((leg) => qualifies(directed, leg, DEFAULT_PARAMS))
    expect(legs.map((leg) => [leg.startIdx, leg.extremeIdx])).toEqual([
      [0, 1],
      [3, 6],
    ])
  })

  it('a fall inside one bar has start and extreme in that bar and carries withinBarMs', () => {
    const result = analyzeBars(
      foldEvents(
        ohlc([
          [99, 99.5, 98.5, 99.5],
          [100, 100, 88, 99],
          [99, 99.8, 98, 99.5],
        ]),
      ),
    )
    const cascade = result.cascades.find((c) => c.direction === 'down')!
    expect([cascade.start, cascade.extreme]).toEqual([hour(1), hour(1)])
    expect(cascade.withinBarMs).toBe(HOUR)
    expect(cascade.reasons[0]).toMatch(/ within one hour \(/)
    // The same bar's range is not also reported as a squeeze.
    expect(result.cascades.filter((c) => c.start === hour(1))).toHaveLength(1)
  })
})

/** A random walk of hourly bars with real-looking wicks. */
const walk = fc
  .array(
    fc.tuple(
      fc.double({ min: -0.08, max: 0.08, noNaN: true }),
      fc.double({ min: 0, max: 0.05, noNaN: true }),
      fc.double({ min: 0, max: 0.05, noNaN: true }),
    ),
    {
      minLength: 3,
      maxLength: 120,
    },
  )
  .map((steps) => {
    let price = 100
    return steps.map(([ret, up, down]): [number, number, number, number] => {
      const open = price
      const close = Math.max(1, open * (1 + ret))
      price = close
      return [open, Math.max(open, close) * (1 + up), Math.min(open, close) * (1 - down), close]
    })
  })

describe('properties of legs', () => {
  it('a leg found with --within W has the same start (and extreme) with any larger W', () => {
    fc.assert(
      fc.property(
        walk,
        fc.integer({ min: 30, max: 600 }),
        fc.integer({ min: 1, max: 600 }),
        (rows, w, more) => {
          const events = ohlc(rows, 15 * 60_000)
          const small = analyzeBars(foldEvents(events), {
            ...DEFAULT_PARAMS,
            withinMin: w,
            minVolumeMultiple: 0,
          })
          const large = analyzeBars(foldEvents(events), {
            ...DEFAULT_PARAMS,
            withinMin: w + more,
            minVolumeMultiple: 0,
          })
          const key = (c: { direction: string; start: string; extreme: string }) =>
            `${c.direction} ${c.start} ${c.extreme}`
          const found = new Set(large.cascades.map(key))
          // Every leg of the small window is still a leg of the large one, unless a larger move of
          // the large window now claims its bars.
          for (const cascade of small.cascades) {
            if (found.has(key(cascade))) continue
            const covered = large.cascades.some(
              (c) =>
                c.start <= cascade.extreme &&
                cascade.start <= c.extreme &&
                Math.abs(c.price.movePct) >= Math.abs(cascade.price.movePct),
            )
            expect(covered).toBe(true)
          }
        },
      ),
      { numRuns: 200 },
    )
  })

  it('within one market, cascade windows never overlap and no zero-length cascade lacks withinBarMs', () => {
    fc.assert(
      fc.property(walk, (rows) => {
        const result = analyzeBars(foldEvents(ohlc(rows)), { ...DEFAULT_PARAMS, minVolumeMultiple: 0 })
        expectDisjoint(result.cascades)
      }),
      { numRuns: 300 },
    )
  })
})
