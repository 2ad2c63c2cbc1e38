/**
 * Funding around cascades and episodes, by hand. The crash of detect.test.ts (trades-only): a fall
 * from 100 starting 25 h after T0 and the rebound right after it, both over by 25 h 45 min. Funding
 * rates are set every 8 h (T0 + 16 h, 24 h, 32 h, 40 h): the one in force at the start is the
 * 24 h rate, the first set after the end the 32 h rate.
 */
import { describe, expect, it } from 'vitest'
import { fundingAround } from '../../src/analysis/funding.js'
import { analyzeBars } from '../../src/analysis/index.js'
import { foldEvents } from '../../src/bars/index.js'
import type { BarEvent, FundingEvent, TimelineEvent } from '../../src/timeline/event.js'
import { MIN, minuteBars, T0 } from './helpers.js'

const HOUR = 60 * MIN
const M0 = 1500
const CRASH = [98, 94, 92, 90, 92, 93, 93, 93, 92, 90, 88, 85, 87, 89, 91]

function crashBars(): BarEvent[] {
  const closes = [...Array<number>(M0).fill(100), ...CRASH, ...Array<number>(30).fill(91)]
  const inCrash = (i: number) => i >= M0 && i <= M0 + 13
  return minuteBars(closes, {
    volumeUsd: (i) => (inCrash(i) ? 5e6 : 1e6),
    volume: (i) => (inCrash(i) ? 50_000 : 10_000),
  })
}

function funding(ts: number, rate: number, extra: Partial<FundingEvent> = {}): FundingEvent {
  return {
    ts,
    exchange: 'binance',
    symbol: 'TESTUSDT',
    market: 'TEST-USDT-PERP',
    kind: 'funding',
    source: 'binance-funding',
    fundingRate: rate,
    intervalHours: 8,
    ...extra,
  }
}

const EVERY_8H: [number, number][] = [
  [16, 0.0001],
  [24, 0.0003],
  [32, -0.0002],
  [40, 0.00005],
]

const analyze = (events: TimelineEvent[]) => analyzeBars(foldEvents([...events].sort((a, b) => a.ts - b.ts)))

describe('funding before and after a cascade', () => {
  it('the rate in force at the start, the first set after the end, from the price series', () => {
    const result = analyze([...crashBars(), ...EVERY_8H.map(([h, rate]) => funding(T0 + h * HOUR, rate))])
    expect(result.cascades.map((c) => c.direction)).toEqual(['down', 'up'])
    const expected = { before: 0.0003, after: -0.0002, series: 'binance:TEST-USDT-PERP' }
    for (const cascade of result.cascades) expect(cascade.funding).toEqual(expected)
    expect(result.episodes.map((e) => e.funding)).toEqual([expected, expected])
    // Prices are there: no funding warning.
    expect(result.warnings.join('\n')).not.toMatch(/funding/)
  })

  it('is null without funding data, and without a rate within two intervals', () => {
    const none = analyze(crashBars())
    expect(none.cascades.map((c) => c.funding)).toEqual([null, null])
    expect(none.episodes.map((e) => e.funding)).toEqual([null, null])
    // A rate set 10 days before: too old to be the one in force (reach 2 × 8 h).
    const stale = analyze([...crashBars(), funding(T0 - 10 * 24 * HOUR, 0.0001)])
    expect(stale.cascades.map((c) => c.funding)).toEqual([null, null])
  })

  it('with no rate set after the end, `after` is the one still in force', () => {
    const result = analyze([...crashBars(), funding(T0 + 16 * HOUR, 0.0001), funding(T0 + 24 * HOUR, 0.0003)])
    expect(result.cascades[0]!.funding).toEqual({
      before: 0.0003,
      after: 0.0003,
      series: 'binance:TEST-USDT-PERP',
    })
  })

  it('takes the price series’ venue first, else the first venue with funding', () => {
    const bybit = (h: number, rate: number) =>
      funding(T0 + h * HOUR, rate, { exchange: 'bybit', source: 'tardis-derivative-ticker' })
    const other = analyze([...crashBars(), bybit(24, 0.0007), bybit(32, 0.0009)])
    expect(other.cascades[0]!.funding).toEqual({
      before: 0.0007,
      after: 0.0009,
      series: 'bybit:TEST-USDT-PERP',
    })
    const both = analyze([
      ...crashBars(),
      bybit(24, 0.0007),
      bybit(32, 0.0009),
      ...EVERY_8H.map(([h, rate]) => funding(T0 + h * HOUR, rate)),
    ])
    expect(both.cascades[0]!.funding?.series).toBe('binance:TEST-USDT-PERP')
  })
})

describe('fundingAround', () => {
  const rates = [
    { ts: 0, rate: 0.1, intervalHours: 8 },
    { ts: 8 * HOUR, rate: 0.2, intervalHours: 8 },
    { ts: 16 * HOUR, rate: 0.3, intervalHours: 8 },
  ]
  it('counts a rate set at the start as in force, one set at the end as not after it', () => {
    expect(fundingAround(rates, 8 * HOUR, 10 * HOUR)).toEqual({ before: 0.2, after: 0.3 })
    expect(fundingAround(rates, 9 * HOUR, 16 * HOUR)).toEqual({ before: 0.2, after: 0.3 })
    expect(fundingAround(rates, 1 * HOUR, 8 * HOUR)).toEqual({ before: 0.1, after: 0.3 })
  })
  it('before the first rate: `before` null; more than two intervals away: null', () => {
    expect(fundingAround(rates, -HOUR, -HOUR / 2)).toEqual({ before: null, after: 0.1 })
    expect(fundingAround(rates, -17 * HOUR, -16.5 * HOUR)).toBeNull()
    expect(fundingAround(rates, 33 * HOUR, 34 * HOUR)).toBeNull()
    expect(fundingAround([], 0, 1)).toBeNull()
  })
})

describe('what a run without prices says', () => {
  it('funding files alone: the rates are read but no cascade can carry them', () => {
    const result = analyze(EVERY_8H.map(([h, rate]) => funding(T0 + h * HOUR, rate)))
    expect(result.cascades).toEqual([])
    // The market's span is that of its rates, as it has nothing else.
    expect([result.markets[0]!.first, result.markets[0]!.last]).toEqual([
      new Date(T0 + 16 * HOUR).toISOString(),
      new Date(T0 + 40 * HOUR).toISOString(),
    ])
    expect(result.warnings).toEqual([
      'TEST: no prices (trades or klines), so no cascade can be detected',
      'TEST: 4 funding rates read (binance:TEST-USDT-PERP), but funding is shown only beside a cascade: ' +
        'add trades or klines of the same market covering the same time',
    ])
  })

  it('Coinalyze-style buckets in coins alone: they need a price to be valued', () => {
    const bucket = (h: number): BarEvent => ({
      ...minuteBars([1])[0]!,
      ts: T0 + h * HOUR,
      durationMs: HOUR,
      source: 'coinalyze-liquidations',
      open: null,
      high: null,
      low: null,
      close: null,
      volume: null,
      volumeUsd: null,
      takerBuyUsd: null,
      trades: null,
      liqLongBase: 0.5,
      liqShortBase: 0.1,
    })
    const result = analyze([bucket(0), bucket(1)])
    expect(result.warnings).toContain(
      'binance:TEST-USDT-PERP: 2 liquidation buckets in base units (coins, as Coinalyze writes them) ' +
        'need a price series of the same market to be valued in USD: add trades or klines covering the same time',
    )
  })
})
