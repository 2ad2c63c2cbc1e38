import { describe, expect, it } from 'vitest'
import {
  analyzeBars,
  analyzeTimeline,
  DEFAULT_PARAMS,
  DirectedBars,
  findLegs,
  paramProblems,
  qualifies,
} from '../../src/analysis/index.js'
import { foldEvents } from '../../src/bars/index.js'
import type { TimelineEvent } from '../../src/timeline/event.js'
import { knots, liquidation, MIN, minuteBars, openInterest, T0, trade } from './helpers.js'

const M0 = 1500 // the crash starts 25 h into the data, so a full 24 h baseline lies before it
const at = (r: number) => T0 + (M0 + r) * MIN
const iso = (ms: number) => new Date(ms).toISOString()

/**
 * Two legs with a partial bounce (closes per minute r from M0):
 *   leg 1: 100 → 98, 94, 92, 90; bounce: 92, 93, 93, 93, 92 (3 of a 10-point move = 30 % < 35 %);
 *   leg 2: 90, 88, 85; rebound: 87, 89, 91, then 91 flat.
 * Volume 1 M USD a minute, 5 M during r0…r13 (base 50 000, taker buys 30 %).
 */
const CRASH = [98, 94, 92, 90, 92, 93, 93, 93, 92, 90, 88, 85, 87, 89, 91]
function twoLegBars() {
  const closes = [...Array<number>(M0).fill(100), ...CRASH, ...Array<number>(30).fill(91)]
  const inCrash = (i: number) => i >= M0 && i <= M0 + 13
  return minuteBars(closes, {
    volumeUsd: (i) => (inCrash(i) ? 5e6 : 1e6),
    volume: (i) => (inCrash(i) ? 50_000 : 10_000),
    takerBuyShare: (i) => (inCrash(i) ? 0.3 : 0.5),
  })
}

/** Long liquidations: 1 000 / 3 000 on even / odd minutes before the crash; the crash's at r. */
function twoLegLiquidations() {
  const events: TimelineEvent[] = []
  for (let m = 0; m < M0; m++)
    events.push(liquidation(T0 + m * MIN + 5000, 100, m % 2 === 0 ? 10 : 30, 'long'))
  const crash: [number, number, 'long' | 'short'][] = [
    [0, 200_000, 'long'],
    [1, 500_000, 'long'],
    [2, 300_000, 'long'],
    [3, 100_000, 'long'],
    [9, 150_000, 'long'],
    [10, 400_000, 'long'],
    [11, 250_000, 'long'],
    [12, 30_000, 'long'],
    [13, 15_000, 'short'],
  ]
  for (const [r, usd, side] of crash)
    events.push(liquidation(at(r) + 5000, 100, usd / 100, side, { notionalUsd: usd }))
  return events
}

function twoLegOpenInterest() {
  const levels: [number, number, number][] = [
    [-5, 1000, 100_000],
    [0, 1000, 100_000],
    [5, 900, 83_700],
    [10, 800, 70_400],
    [15, 850, 77_350],
  ]
  return levels.map(([r, base, usd]) => openInterest(at(r), base, usd))
}

const byTime = (events: TimelineEvent[]) => [...events].sort((a, b) => a.ts - b.ts)

describe('a two-leg crash with liquidations and open interest (every metric by hand)', () => {
  const events = byTime([...twoLegBars(), ...twoLegLiquidations(), ...twoLegOpenInterest()])
  const result = analyzeBars(foldEvents(events))

  it('is one down cascade with two waves', () => {
    expect(result.cascades.map((cascade) => [cascade.direction, cascade.waves])).toEqual([['down', 2]])
  })

  it('places start, extreme and end', () => {
    const cascade = result.cascades[0]!
    // start: the last 100 before the fall (the high of the r0 bar, which opened at 100);
    // extreme: the 85 low of r11; end: long liquidations below max(baseline hot level, 20 000 floor)
    // for 5 minutes from r13 (r12 still had 30 000), before the price retraced 35 % (90.25, at r14).
    expect([cascade.start, cascade.extreme, cascade.end]).toEqual([iso(at(0)), iso(at(11)), iso(at(13))])
    expect(cascade.durationSec).toBe(780) // 13 min
    expect(cascade.id).toBe('TEST-20240806T010000Z-down')
    expect(cascade.market).toBe('TEST')
  })

  it('measures price and speed', () => {
    const { price, speed } = result.cascades[0]!
    // move (85 − 100) / 100 = −15 %; end price = close of r13 = 89 → rebound (89 − 85) / 15 = 26.67 %
    expect(price).toEqual({ start: 100, extreme: 85, end: 89, movePct: -15, reboundPct: 26.67 })
    // 15 % in 11 min = 1.364 %/min; closes r0…r13: largest 1-min move ln(98/94) = 4.17 %,
    // 5-min ln(93/85) = 8.99 % (r6 → r11); a 13-minute window has no 15-minute pair
    expect(speed).toEqual({
      pctPerMin: 1.364,
      timeToExtremeSec: 660,
      max1mPct: 4.17,
      max5mPct: 8.99,
      max15mPct: null,
    })
  })

  it('measures volume against its baseline', () => {
    // window r0…r13: 14 bars × 5 M = 70 M USD, base 14 × 50 000, taker buys 30 % = 21 M, sells 49 M,
    // trades 14 × 100; per-minute mean 5 M over a 24 h median minute of 1 M = 5×
    expect(result.cascades[0]!.volume).toEqual({
      base: 700_000,
      quoteUsd: 70_000_000,
      takerBuyUsd: 21_000_000,
      takerSellUsd: 49_000_000,
      trades: 1400,
      baselineMultiple: 5,
    })
  })

  it('measures liquidations', () => {
    // longs 200 + 500 + 300 + 100 + 150 + 400 + 250 + 30 = 1 930 k; shorts 15 k (r13); 9 orders;
    // share of volume 1 945 000 / 70 000 000 = 0.0278
    const liquidations = result.cascades[0]!.liquidations!
    expect(liquidations).toMatchObject({
      count: 9,
      usd: 1_945_000,
      longUsd: 1_930_000,
      shortUsd: 15_000,
      largestUsd: 500_000,
      peakMinute: iso(at(1)),
      peakMinuteUsd: 500_000,
      shareOfVolume: 0.0278,
      observedUsd: 1_945_000,
      regime: 'capped', // Binance, dated after 2021-04-27
      // 9 seconds with a record in the 14 minutes r0…r13 = 840 s
      coverage: { seconds: 9, windowSeconds: 840, share: 0.0107 },
      // OI 1 000 at r0, lowest 800 (r10) by r15, the first level past the window: 200 TEST at the
      // window's VWAP 70 M / 700 000 = 100; taker sells 70 % close longs
      oiImplied: { base: 200, usd: 20_000, longUsd: 14_000, shortUsd: 6_000 },
    })
    // Times on the whole second: no sub-second times, so λ per minute from the share of seconds
    // taken, p = 1 − e^−λ, each record standing for λ / p: one second in 60 for r0…r12, one in
    // the 6 seconds the data still covers in r13 (the records end at r13 + 5 s).
    const scale = (p: number) => -Math.log(1 - p) / p
    const estimate = liquidations.estimatedUsd!
    expect(estimate.method).toMatch(/^capped feed, occupancy saturation model/)
    expect(estimate.value).toBeCloseTo(1_930_000 * scale(1 / 60) + 15_000 * scale(1 / 6), 0)
    expect(estimate.low).toBeGreaterThanOrEqual(1_945_000)
    expect(estimate.high).toBeGreaterThan(estimate.value)
  })

  it('measures the open-interest drawdown in USD and base units', () => {
    // start: the level at r0 (1000 / 100 000); lowest up to the window end r14: r10's 800 / 70 400
    expect(result.cascades[0]!.openInterest).toEqual({
      startUsd: 100_000,
      minUsd: 70_400,
      drawdownUsd: 29_600,
      drawdownPct: 29.6,
      startBase: 1000,
      minBase: 800,
      drawdownBasePct: 20,
    })
    expect(result.cascades[0]!.venues).toEqual([
      {
        series: 'binance:TEST-USDT-PERP',
        volumeUsd: 70_000_000,
        liquidationsUsd: 1_945_000,
        oiDrawdownPct: 29.6,
        liquidations: expect.objectContaining({ observedUsd: 1_945_000, regime: 'capped' }),
      },
    ])
  })

  it('explains itself in checkable words and states resolutions', () => {
    const cascade = result.cascades[0]!
    // baseline longs: 720 minutes of 1 000 and 720 of 3 000 → median 2 000; 500 000 / 2 000 = 250×
    expect(cascade.reasons).toEqual([
      'price fell 15.00 % in 11 min (100 → 85)',
      'long liquidations 250× the median minute of the previous 24 h ($500k in the peak minute)',
      'long positions 99 % of liquidated USD',
      'liquidations ≥ $1.95M recorded (capped feed, records in 1 % of seconds); open interest fell ' +
        '200 TEST ($20k) in the window; estimated $1.95–2.18M',
      'volume 5× the median minute of the previous 24 h',
      'taker sell share 70 %',
      '2 waves of liquidations separated by calm',
    ])
    expect(cascade.resolution).toEqual({ price: '1m', volume: '1m', liquidations: '1s', openInterest: '5m' })
  })

  it('does not take the rebound for a squeeze: its short liquidations stay under the floor', () => {
    expect(result.cascades.some((cascade) => cascade.direction === 'up')).toBe(false)
  })

  it('warns that Binance liquidation totals are lower bounds', () => {
    expect(result.warnings).toEqual([
      'binance:TEST-USDT-PERP: Binance liquidation data after 2021-04-27 holds at most one liquidation ' +
        'per symbol per second, so liquidation totals are lower bounds',
    ])
  })

  it('summarizes the market', () => {
    const [market] = result.markets
    expect(market).toMatchObject({
      market: 'TEST',
      series: ['binance:TEST-USDT-PERP'],
      first: iso(T0),
      last: iso(at(44)),
      open: 100,
      high: 100,
      low: 85,
      close: 91,
      priceSeries: 'binance:TEST-USDT-PERP',
    })
    // 1 530 + 15 bars… volume: 14 × 5 M + (1545 − 14) × 1 M
    expect(market!.volumeUsd).toBe(70_000_000 + (M0 + 45 - 14) * 1_000_000)
  })

  it('is deterministic and the same through the async timeline', async () => {
    const again = analyzeBars(foldEvents(events))
    expect(JSON.stringify(again)).toBe(JSON.stringify(result))
    async function* batches() {
      for (let i = 0; i < events.length; i += 1000) yield events.slice(i, i + 1000)
    }
    expect(JSON.stringify(await analyzeTimeline(batches(), DEFAULT_PARAMS))).toBe(JSON.stringify(result))
  })
})

describe('trades-only detection', () => {
  const result = analyzeBars(foldEvents(twoLegBars()))

  it('finds the crash from price speed and volume, with liquidations null', () => {
    // The crash, and the 85 → 91 rebound on heavy volume right after it (+7 %: a squeeze by the
    // rules, starting in the low's bar and summed from the bar after it).
    expect(result.cascades.map((c) => c.direction)).toEqual(['down', 'up'])
    expect(result.cascades[1]!.start).toBe(iso(at(12))) // the latest of the two bars that touched 85
    const cascade = result.cascades[0]!
    // /2: still an object, every figure null (never 0), the regime absent
    expect(cascade.liquidations).toEqual({
      count: null,
      usd: null,
      longUsd: null,
      shortUsd: null,
      largestUsd: null,
      peakMinute: null,
      peakMinuteUsd: null,
      shareOfVolume: null,
      observedUsd: null,
      coverage: null,
      oiImplied: null,
      estimatedUsd: null,
      regime: 'absent',
    })
    expect(cascade.openInterest).toBeNull()
    // no liquidation flow to end it: the end is where the price retraced 35 % of 15 (90.25): r14's high 91
    expect([cascade.end, cascade.price.end, cascade.price.reboundPct]).toEqual([iso(at(14)), 91, 40])
    // window r0…r11 (the rebound's cascade takes the bars after the low): 5 M a minute over 1 M
    expect(cascade.volume.baselineMultiple).toBe(5)
    expect(cascade.reasons).toContain('volume 5× the median minute of the previous 24 h')
    expect(cascade.reasons).toContain(
      'no liquidation data: detected from price speed and volume; liquidation figures need liquidation files',
    )
    expect(result.warnings[0]).toMatch(
      /^TEST: no liquidation data; liquidation figures need liquidation files/,
    )
  })

  it('needs a volume surge: the same prices on flat volume are not a cascade', () => {
    const flat = twoLegBars().map((bar) => ({ ...bar, volumeUsd: 1e6, takerBuyUsd: 5e5 }))
    expect(analyzeBars(foldEvents(flat)).cascades).toEqual([])
  })
})

describe('what is not a cascade', () => {
  it('a slow bleed of 6 % over a day, even with heavy volume and liquidations', () => {
    const closes = [
      ...Array<number>(M0).fill(100),
      ...knots([
        [0, 100],
        [1440, 94],
      ]),
    ]
    const bars = minuteBars(closes, { volumeUsd: (i) => (i >= M0 ? 5e6 : 1e6) })
    const liquidations = closes.map((_, i) => liquidation(T0 + i * MIN, 100, i >= M0 ? 5000 : 10, 'long'))
    expect(analyzeBars(foldEvents(byTime([...bars, ...liquidations]))).cascades).toEqual([])
  })

  it('a 2 % wiggle', () => {
    const closes = Array.from({ length: 3000 }, (_, i) => 100 + Math.sin((i / 30) * Math.PI))
    const bars = minuteBars(closes, { volumeUsd: (i) => (i % 60 < 10 ? 8e6 : 1e6) })
    expect(analyzeBars(foldEvents(bars)).cascades).toEqual([])
  })

  it('a fast fall without forced flow where liquidation data exists', () => {
    // the two-leg prices, but only 1 000 USD of liquidations a minute throughout: under the 20 000 floor
    const liquidations = twoLegBars().map((bar) => liquidation(bar.ts, 100, 10, 'long'))
    expect(analyzeBars(foldEvents(byTime([...twoLegBars(), ...liquidations]))).cascades).toEqual([])
  })

  it('a quiet day with no liquidations: no cascade and no error', () => {
    const trades = Array.from({ length: 86_400 / 10 }, (_, i) =>
      trade(T0 + i * 10_000, 100 + (i % 3) * 0.01, 1, 'buy'),
    )
    const result = analyzeBars(foldEvents(trades))
    expect(result.cascades).toEqual([])
    expect(result.markets[0]!.liqLongUsd).toBeNull()
  })

  it('nothing at all, or a market without prices', () => {
    expect(analyzeBars(foldEvents([]))).toEqual({
      params: DEFAULT_PARAMS,
      markets: [],
      cascades: [],
      episodes: [],
      events: [],
      warnings: [],
    })
    const oiOnly = analyzeBars(foldEvents([openInterest(T0, 1, 100)]))
    expect(oiOnly.cascades).toEqual([])
    expect(oiOnly.warnings).toEqual(['TEST: no prices (trades or klines), so no cascade can be detected'])
  })
})

describe('mixed resolution: 1-minute klines with hourly aggregator liquidations', () => {
  // Hourly CoinGlass-style buckets for BTC: 10 000 USD of longs an hour, 5 M in the crash hour (25 h in).
  const hourly = Array.from({ length: 27 }, (_, h) => ({
    ...minuteBars([0])[0]!,
    ts: T0 + h * 3_600_000,
    durationMs: 3_600_000,
    exchange: 'coinglass',
    market: 'BTC-USD-AGG',
    open: null,
    close: null,
    volume: null,
    volumeUsd: null,
    takerBuyUsd: null,
    trades: null,
    liqLongUsd: h === 25 ? 5_000_000 : 10_000,
    liqShortUsd: 0,
  }))
  const klines = twoLegBars().map((bar) => ({ ...bar, market: 'BTC-USDT-PERP' }))
  const result = analyzeBars(foldEvents(byTime([...klines, ...hourly])))

  it('finds the crash on minutes and gives hourly liquidations as hourly figures', () => {
    expect(result.cascades).toHaveLength(1)
    const cascade = result.cascades[0]!
    expect([cascade.start, cascade.extreme]).toEqual([iso(at(0)), iso(at(11))])
    // the window r0…r14 lies in the 25th hour: its whole bucket counts, never spread over minutes
    expect(cascade.liquidations).toEqual({
      count: null,
      usd: 5_000_000,
      longUsd: 5_000_000,
      shortUsd: 0,
      largestUsd: null,
      peakMinute: null,
      peakMinuteUsd: null,
      shareOfVolume: 0.0704, // 5 M / 71 M of volume
      observedUsd: 5_000_000,
      coverage: null, // hourly buckets
      oiImplied: null,
      // an aggregate of capped feeds, and no open interest of its scope to bound it
      estimatedUsd: {
        value: 5_000_000,
        low: 5_000_000,
        high: null,
        method: expect.stringMatching(/^the recorded sum as a lower bound/),
      },
      regime: 'aggregate',
    })
    expect(cascade.resolution).toEqual({ price: '1m', volume: '1m', liquidations: '1h' })
    // 24 hours of 10 000 before → median 10 000; 5 000 000 / 10 000 = 500×
    expect(cascade.reasons[1]).toBe(
      'long liquidations 500× the median hour of the previous 24 h ($5M in the peak hour)',
    )
    expect(result.markets[0]!.series).toEqual(['binance:BTC-USDT-PERP', 'coinglass:BTC-USD-AGG'])
    expect(result.warnings).toContain(
      'coinglass:BTC-USD-AGG: 1h buckets (aggregator data): figures from them are 1h totals and cascade ' +
        'times fall on bucket opens, not ticks',
    )
  })
})

describe('an up squeeze', () => {
  it('is found with direction up, driven by short liquidations', () => {
    const closes = [...Array<number>(M0).fill(100), 103, 107, 110, ...Array<number>(30).fill(110)]
    const bars = minuteBars(closes, { volumeUsd: (i) => (i >= M0 && i < M0 + 3 ? 5e6 : 1e6) })
    const shorts = [0, 1, 2].map((r) => liquidation(at(r) + 1000, 100, 2000, 'short'))
    const result = analyzeBars(foldEvents(byTime([...bars, ...shorts])))
    expect(result.cascades.map((cascade) => [cascade.direction, cascade.start, cascade.extreme])).toEqual([
      ['up', iso(at(0)), iso(at(2))],
    ])
    const cascade = result.cascades[0]!
    // (110 − 100) / 100 = +10 %; shorts 3 × 200 000
    expect([cascade.price.movePct, cascade.liquidations!.shortUsd, cascade.liquidations!.longUsd]).toEqual([
      10, 600_000, 0,
    ])
    expect(cascade.reasons[0]).toBe('price rose 10.00 % in 2 min (100 → 110)')
    expect(cascade.reasons).toContain('short positions 100 % of liquidated USD')
  })
})

describe('tick data: times refined to the second', () => {
  // Two hours of one 1-unit trade every 10 s at 100, then at 12:00:00 a fall of 0.5 a second to 90
  // (12:00:20) and a rise of 0.5 a second back to 100 (12:00:40), 10 units a trade; then quiet again.
  const noon = Date.UTC(2024, 7, 5, 12)
  const events: TimelineEvent[] = []
  for (let t = noon - 2 * 3_600_000; t < noon; t += 10_000) events.push(trade(t, 100, 1, 'buy'))
  for (let s = 0; s <= 40; s++) {
    const price = s <= 20 ? 100 - 0.5 * s : 90 + 0.5 * (s - 20)
    events.push(trade(noon + s * 1000, price, 10, s <= 20 ? 'sell' : 'buy'))
  }
  for (let t = noon + 60_000; t < noon + 3_600_000; t += 10_000) events.push(trade(t, 100, 1, 'buy'))
  const result = analyzeBars(foldEvents(events))

  it('places start, extreme and end on the second', () => {
    // Without liquidation data the V's second half (90 → 100 in 20 s on heavy volume) is a squeeze too.
    expect(result.cascades.map((cascade) => cascade.direction)).toEqual(['down', 'up'])
    const cascade = result.cascades[0]!
    // retrace 35 % of 10 = 3.5 → first second at or above 93.5: 12:00:27 (90 + 0.5 × 7)
    expect([cascade.start, cascade.extreme, cascade.end]).toEqual([
      '2024-08-05T12:00:00.000Z',
      '2024-08-05T12:00:20.000Z',
      '2024-08-05T12:00:27.000Z',
    ])
    expect(cascade.price).toEqual({ start: 100, extreme: 90, end: 93.5, movePct: -10, reboundPct: 35 })
    // 10 % in 20 s = 30 %/min; the 27-second window has no 1-minute pair
    expect(cascade.speed).toEqual({
      pctPerMin: 30,
      timeToExtremeSec: 20,
      max1mPct: null,
      max5mPct: null,
      max15mPct: null,
    })
    expect(cascade.resolution).toEqual({ price: '1s', volume: '1s' })
  })

  it('sums the seconds of the window', () => {
    // window 12:00:00 … 12:00:20 (21 trades of 10; the seconds after the low belong to the rebound's
    // cascade): prices 100 … 90 sum 21 × 95 = 1995 → USD 10 × 1995 = 19 950, base 210, all sells.
    // Baseline: 6 trades of 100 USD a minute = 600;
    // the 12:00 minute holds 10 × (1995 + 20 × 95.25) = 39 000 → 65×
    expect(result.cascades[0]!.volume).toEqual({
      base: 210,
      quoteUsd: 19_950,
      takerBuyUsd: 0,
      takerSellUsd: 19_950,
      trades: 21,
      baselineMultiple: 65,
    })
    expect(result.cascades[0]!.reasons).toContain('taker sell share 100 %')
  })
})

describe('markets', () => {
  const venue = (exchange: string, market: string, scale: number) =>
    twoLegBars().map((bar) => ({
      ...bar,
      exchange,
      market,
      volumeUsd: bar.volumeUsd! * scale,
      takerBuyUsd: bar.takerBuyUsd! * scale,
    }))

  it('groups venues of one asset (XBT is BTC) and takes the price of the most liquid', () => {
    const events = byTime([...venue('binance', 'BTC-USDT-PERP', 3), ...venue('bitmex', 'XBT-USD-PERP', 1)])
    const result = analyzeBars(foldEvents(events))
    expect(result.markets.map((market) => [market.market, market.series, market.priceSeries])).toEqual([
      ['BTC', ['binance:BTC-USDT-PERP', 'bitmex:XBT-USD-PERP'], 'binance:BTC-USDT-PERP'],
    ])
    const cascade = result.cascades[0]!
    expect(result.cascades.map((c) => c.direction)).toEqual(['down', 'up'])
    // volumes summed across venues over r0…r11: 12 × 5 M × 3 = 180 M and × 1 = 60 M
    expect(cascade.volume.quoteUsd).toBe(240_000_000)
    expect(cascade.venues.map((v) => [v.series, v.volumeUsd])).toEqual([
      ['binance:BTC-USDT-PERP', 180_000_000],
      ['bitmex:XBT-USD-PERP', 60_000_000],
    ])
    expect(cascade.reasons).toContain(
      'price path from binance:BTC-USDT-PERP (1m bars; the finest and most liquid of 2 venues with prices)',
    )
  })

  it('analyses each series on its own with groupBy series', () => {
    const events = byTime([...venue('binance', 'BTC-USDT-PERP', 3), ...venue('bitmex', 'XBT-USD-PERP', 1)])
    const result = analyzeBars(foldEvents(events), { ...DEFAULT_PARAMS, groupBy: 'series' })
    expect(result.markets.map((market) => market.market)).toEqual([
      'binance:BTC-USDT-PERP',
      'bitmex:XBT-USD-PERP',
    ])
    expect(result.cascades.filter((c) => c.direction === 'down').map((cascade) => cascade.market)).toEqual([
      'binance:BTC-USDT-PERP',
      'bitmex:XBT-USD-PERP',
    ])
  })
})

describe('legs on a bare path', () => {
  const legs = (closes: number[], params = DEFAULT_PARAMS) => {
    const layer = foldEvents(minuteBars(closes)).series()[0]!.buckets[0]!
    const bars = new DirectedBars(layer, 'down')
    return findLegs(bars, params).filter((leg) => qualifies(bars, leg, params))
  }

  it('keeps one leg across a small bounce and splits it across a large one', () => {
    // 100 → 90, bounce to 93 (30 % of 10), → 85: one leg
    expect(legs([100, 100, 95, 90, 93, 90, 85, 85])).toHaveLength(1)
    // 100 → 90, bounce to 95 (50 % of 10), → 85 (10.5 % below 95) two minutes later: the bounce is
    // undercut within --undercut-within (5 min), so one leg; with 1 min it stands: two legs
    expect(legs([100, 100, 95, 90, 95, 90, 85, 85])).toHaveLength(1)
    expect(
      legs([100, 100, 95, 90, 95, 90, 85, 85], { ...DEFAULT_PARAMS, undercutWithinMin: 1 }),
    ).toHaveLength(2)
  })

  it('ends a leg after mergeGapMin minutes without a new low', () => {
    const closes = [100, 94, ...Array<number>(300).fill(94), 88, ...Array<number>(10).fill(88)]
    // 94 → 88 is 6.4 %: its own fast leg, 301 min after the first low (> 240)
    expect(legs(closes)).toHaveLength(2)
    expect(legs(closes, { ...DEFAULT_PARAMS, mergeGapMin: 400 })).toHaveLength(1)
  })

  it('checks parameters', () => {
    expect(paramProblems(DEFAULT_PARAMS)).toEqual([])
    expect(paramProblems({ ...DEFAULT_PARAMS, minMovePct: 0, reboundFrac: 1.5 })).toEqual([
      'minMovePct must be a positive number, got 0',
      'reboundFrac must be between 0 and 1, got 1.5',
    ])
  })
})
