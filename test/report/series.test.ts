/**
 * Chart series (src/analysis/series.ts): minute OHLC from ticks, flows summed on a grid that is
 * zero inside the data and absent outside it, coarse inputs kept at their own resolution, and open
 * interest carried forward, summed over venues, with gaps where a venue's level is stale.
 */
import { describe, expect, it } from 'vitest'
import {
  groupMarkets,
  liquidationTotals,
  marketSeries,
  storeSeries,
  summarizeMarket,
} from '../../src/analysis/index.js'
import { foldEvents } from '../../src/bars/index.js'
import type { BarEvent } from '../../src/timeline/event.js'
import { liquidation, MIN, openInterest, T0, trade } from '../analysis/helpers.js'

const HOUR = 3_600_000

describe('storeSeries', () => {
  it('folds ticks into minute open/high/low/close, leaving out minutes without a trade', () => {
    const store = foldEvents([
      trade(T0 + 1_000, 100, 1, 'buy'),
      trade(T0 + 20_000, 104, 1, 'buy'),
      trade(T0 + 40_000, 97, 2, 'sell'),
      trade(T0 + 59_000, 99, 1, 'sell'),
      // minute 1 has no trade; minute 2 has one
      trade(T0 + 2 * MIN + 5_000, 98, 1, 'sell'),
    ])
    const [s] = storeSeries(store, 'market', T0, T0 + HOUR)
    expect(s!.market).toBe('TEST')
    expect(s!.price).toMatchObject({
      series: 'binance:TEST-USDT-PERP',
      stepMs: MIN,
      time: [T0, T0 + 2 * MIN],
      open: [100, 98],
      high: [104, 98],
      low: [97, 98],
      close: [99, 98],
    })
    // Volume: 100 + 104 + 194 + 99 = 497 USD in minute 0; 0 in minute 1 (covered, no trade); 98 in minute 2.
    expect(s!.volume!.time).toEqual([T0, T0 + MIN, T0 + 2 * MIN])
    expect(s!.volume!.usd).toEqual([497, 0, 98])
    expect(s!.first).toBe(T0 + 1_000)
    expect(s!.last).toBe(T0 + 2 * MIN + 5_000)
  })

  it('sums liquidations per minute, long and short, on the span the data covers only', () => {
    const store = foldEvents([
      liquidation(T0 + 10 * MIN + 1_000, 100, 3, 'long'),
      liquidation(T0 + 10 * MIN + 2_000, 100, 1, 'short'),
      liquidation(T0 + 12 * MIN, 50, 2, 'long'),
    ])
    const [s] = storeSeries(store, 'market', T0, T0 + HOUR)
    // Coverage: the first liquidation's second (10:01) to the last one's second + 1 s (12:00:01): minutes 10, 11, 12.
    expect(s!.liquidations).toEqual({
      stepMs: MIN,
      time: [T0 + 10 * MIN, T0 + 11 * MIN, T0 + 12 * MIN],
      long: [300, 0, 100],
      short: [100, 0, 0],
    })
    expect(s!.price).toBeNull()
  })

  it('keeps hourly buckets hourly (never spread over minutes) and clips to [from, to)', () => {
    const hourly = (ts: number, long: number): BarEvent => ({
      ts,
      exchange: 'coinglass',
      symbol: 'BTC',
      market: 'BTC-USD-AGG',
      kind: 'bar',
      source: 'coinglass-liquidations',
      durationMs: HOUR,
      open: null,
      high: null,
      low: null,
      close: null,
      volume: null,
      volumeUsd: null,
      takerBuyUsd: null,
      trades: null,
      liqLongUsd: long,
      liqShortUsd: 1,
      openInterest: null,
      openInterestUsd: null,
    })
    const store = foldEvents([
      hourly(T0 - HOUR, 5),
      hourly(T0, 10),
      hourly(T0 + HOUR, 20),
      hourly(T0 + 2 * HOUR, 40),
    ])
    const [s] = storeSeries(store, 'market', T0, T0 + 2 * HOUR)
    expect(s!.liquidations).toEqual({ stepMs: HOUR, time: [T0, T0 + HOUR], long: [10, 20], short: [1, 1] })
  })

  it('does not add an aggregator to the exchanges it covers: each cell takes the larger, as analyze does', () => {
    const aggregate = (ts: number, long: number, short: number): BarEvent => ({
      ts,
      exchange: 'coinglass',
      symbol: 'TEST',
      market: 'TEST-USD-AGG',
      kind: 'bar',
      source: 'coinglass-liquidations',
      durationMs: HOUR,
      open: null,
      high: null,
      low: null,
      close: null,
      volume: null,
      volumeUsd: null,
      takerBuyUsd: null,
      trades: null,
      liqLongUsd: long,
      liqShortUsd: short,
      openInterest: null,
      openInterestUsd: null,
    })
    const store = foldEvents([
      // Hour 0: the aggregate says $1,000 long + $0 short; Binance's own liquidations sum to $300 + $100.
      aggregate(T0, 1_000, 0),
      liquidation(T0 + 10 * MIN, 100, 3, 'long'),
      liquidation(T0 + 20 * MIN, 100, 1, 'short'),
      // Hour 1: the aggregate says $50 + $50; Binance $200 long: the single exchange is larger.
      aggregate(T0 + HOUR, 50, 50),
      liquidation(T0 + HOUR + 5 * MIN, 100, 2, 'long'),
    ])
    const market = groupMarkets(store, 'market')[0]!
    const s = marketSeries(market, T0, T0 + 2 * HOUR)
    expect(s.liquidations).toEqual({ stepMs: HOUR, time: [T0, T0 + HOUR], long: [1_000, 200], short: [0, 0] })
    // The analysis' market totals count the same cells: 1,000 + 200 long, 0 short (not 1,000 + 300 + 50 + 200).
    expect(liquidationTotals(market)).toEqual({ longUsd: 1_200, shortUsd: 0 })
    expect(liquidationTotals(market, { from: T0 + HOUR, to: T0 + 2 * HOUR })).toEqual({
      longUsd: 200,
      shortUsd: 0,
    })
    expect(summarizeMarket(market)).toMatchObject({ liqLongUsd: 1_200, liqShortUsd: 0 })
  })

  it('carries open interest forward, sums venues, and leaves a gap where one venue is stale', () => {
    const other = { exchange: 'bybit', market: 'TEST-USDT-PERP', symbol: 'TESTUSDT', source: 'bybit' }
    const store = foldEvents([
      trade(T0, 10, 1, 'buy'),
      openInterest(T0, 100, 1_000),
      openInterest(T0 + 5 * MIN, 90, 900),
      openInterest(T0 + 10 * MIN, 80, 800),
      openInterest(T0 + 2 * MIN, 50, 500, other),
    ])
    const market = groupMarkets(store, 'market')[0]!
    // Sampling: the median gap of binance's levels is 5 min, so the grid is 5 minutes; stale after 1 h.
    const s = marketSeries(market, T0, T0 + 10 * MIN)
    expect(s.openInterest!.stepMs).toBe(5 * MIN)
    expect(s.openInterest!.time).toEqual([T0, T0 + 5 * MIN, T0 + 10 * MIN])
    // At T0 bybit has no level yet (its first is at 00:02): unknown. Then 90 + 50, 80 + 50.
    expect(s.openInterest!.base).toEqual([null, 140, 130])
    expect(s.openInterest!.usd).toEqual([null, 1_400, 1_300])
    // Three hours on, both venues' levels are older than an hour: a gap, not a flat line.
    const later = marketSeries(market, T0 + 3 * HOUR, T0 + 3 * HOUR + 10 * MIN)
    expect(later.openInterest).toBeNull()
  })
})
