/**
 * Liquidation estimates by hand (src/analysis/liquidation-estimate.ts): coverage, the arrival-time
 * model of a capped feed, its fallbacks, open-interest closing, and scopes that never mix.
 */
import { describe, expect, it } from 'vitest'
import {
  estimateLiquidations,
  liquidationScope,
  liquidationSentence,
  METHODS,
  RANGE_ERRORS,
} from '../../src/analysis/liquidation-estimate.js'
import { groupMarkets } from '../../src/analysis/market.js'
import { foldEvents } from '../../src/bars/index.js'
import type { BarEvent, TimelineEvent } from '../../src/timeline/event.js'
import { liquidation, openInterest, T0, trade } from './helpers.js'

const byTime = (events: TimelineEvent[]) => [...events].sort((a, b) => a.ts - b.ts)

function estimate(events: TimelineEvent[], from: number, to: number, direction: 'down' | 'up' = 'down') {
  const market = groupMarkets(foldEvents(byTime(events)), 'market')[0]!
  return estimateLiquidations(market, liquidationScope(market, from, to), from, to, direction)
}

// T0 is 2024-08-05 00:00 UTC: Binance's feed is capped then.
const BLOCK = T0 + 3_600_000 // a whole 10-second (and minute) block

describe('a capped feed with sub-second times: the arrival-time model', () => {
  // Ten seconds, each with one $1 000 record at 899 ms: the kept (latest) record sits at u = 0.8995
  // of its second, 0.1005 s before its end.
  const events = Array.from({ length: 10 }, (_, s) => liquidation(BLOCK + s * 1000 + 899, 100, 10, 'long'))
  const { total } = estimate(events, BLOCK, BLOCK + 10_000)

  it('reads λ from the gaps to the seconds’ ends and counts what each record hid', () => {
    // λ = (k − 1) / Σ gaps = 9 / (10 × 0.1005) = 8.955 a second; each record hid λu = 8.055 earlier
    // ones of the same size: 10 × $1 000 × (1 + 8.055) = $90 550.
    const rate = 9 / (10 * 0.1005)
    const hidden = rate * 0.8995
    expect(total.estimatedUsd!.value).toBeCloseTo(10_000 * (1 + hidden), 1)
    expect(total.estimatedUsd!.method).toBe(METHODS.arrival)
  })

  it('gives a range of ± 3.5 standard errors, never below the recorded sum', () => {
    // λ's error: (λ Σ u·x)² / (k − 1); sizes all equal, so only the Poisson count of the hidden:
    // mean size² × hidden count.
    const rate = 9 / (10 * 0.1005)
    const hiddenCount = 10 * rate * 0.8995
    const error = Math.sqrt((rate * 10 * 0.8995 * 1000) ** 2 / 9 + 1000 ** 2 * hiddenCount)
    const value = 10_000 + hiddenCount * 1000
    expect(RANGE_ERRORS).toBe(3.5)
    expect(total.estimatedUsd!.high).toBeCloseTo(value + 3.5 * error, 1)
    expect(total.estimatedUsd!.low).toBe(10_000) // value − 3 errors is below what was recorded
  })

  it('counts coverage as the seconds holding a record', () => {
    expect(total.coverage).toEqual({ seconds: 10, windowSeconds: 10, share: 1 })
    expect(total.observedUsd).toBe(10_000)
    expect(total.regime).toBe('capped')
  })

  it('adds nothing for a calm feed whose records sit anywhere in their seconds', () => {
    // Two records, early in their seconds. The records end in second 5, so the block has 6 known
    // seconds, 4 of them empty: λ = (2 − 1) / (4 + 0.8995 + 0.4995) = 0.185, hiding little.
    const calm = [liquidation(BLOCK + 100, 100, 10, 'long'), liquidation(BLOCK + 5500, 100, 10, 'long')]
    const { total: quiet } = estimate(calm, BLOCK, BLOCK + 10_000)
    const rate = 1 / (4 + (1 - 0.1005) + (1 - 0.5005))
    expect(quiet.estimatedUsd!.value).toBeCloseTo(1000 * (1 + rate * 0.1005) + 1000 * (1 + rate * 0.5005), 1)
    expect(quiet.coverage).toEqual({ seconds: 2, windowSeconds: 10, share: 0.2 })
  })
})

describe('a capped feed the arrival times cannot read', () => {
  it('times on the whole second: λ from the share of seconds holding a record', () => {
    // 30 of a minute's 60 seconds: p = 0.5, λ = ln 2, each record stands for λ / p = 1.386.
    const events = Array.from({ length: 30 }, (_, s) => liquidation(BLOCK + s * 2000, 100, 10, 'long'))
    const last = liquidation(BLOCK + 59_000 + 999, 100, 0.001, 'short') // ends the data at the minute's end
    const { total } = estimate([...events, last], BLOCK, BLOCK + 60_000)
    expect(total.estimatedUsd!.method).toBe(METHODS.occupancy)
    const scale = Math.log(2) / (31 / 60) // 31 seconds taken, with the last one
    expect(total.estimatedUsd!.value).toBeCloseTo(
      30 * 1000 * (-Math.log(1 - 31 / 60) / (31 / 60)) + 0.1 * scale,
      0,
    )
    expect(total.estimatedUsd!.high).toBeGreaterThan(total.estimatedUsd!.value)
  })

  it('saturated seconds whose records do not sit late: the times say nothing, so occupancy', () => {
    // 70 seconds all taken, records spread evenly over their seconds (mean 0.5 < 0.6).
    const events = Array.from({ length: 120 }, (_, s) =>
      liquidation(BLOCK + s * 1000 + ((s * 397) % 1000), 100, 10, 'long'),
    )
    const { total } = estimate(events, BLOCK, BLOCK + 120_000)
    expect(total.estimatedUsd!.method).toBe(METHODS.occupancy)
    // every second of both minutes taken: λ has only a lower bound, and no open interest closes it
    expect(total.estimatedUsd!.high).toBeNull()
    expect(total.estimatedUsd!.value).toBeGreaterThan(total.observedUsd!)
  })
})

describe('open-interest closing', () => {
  // Trades at 100 (VWAP 100), 70 % taker sells; OI 1 000 → 900 → 850 → 880 every 5 minutes.
  const trades = [
    trade(BLOCK + 1_000, 100, 7, 'sell'),
    trade(BLOCK + 2_000, 100, 3, 'buy'),
    trade(BLOCK + 590_000, 100, 1, 'sell'),
    trade(BLOCK + 590_500, 100, 1, 'sell'),
  ]
  const oi = [
    openInterest(BLOCK, 1000, null),
    openInterest(BLOCK + 300_000, 900, null),
    openInterest(BLOCK + 600_000, 850, null),
    openInterest(BLOCK + 900_000, 880, null),
  ]

  it('is the decline in base units at the window’s VWAP, split by the taker flow', () => {
    // 1 000 at the start − 850 the lowest up to the first level at or after the end = 150 at $100;
    // taker sells $900 of $1 200 = 75 % → longs $11 250, shorts $3 750.
    const { total, venues } = estimate([...trades, ...oi], BLOCK, BLOCK + 600_000)
    expect(total.oiImplied).toEqual({ base: 150, usd: 15_000, longUsd: 11_250, shortUsd: 3_750 })
    expect(venues[0]!.oiImplied).toEqual(total.oiImplied)
  })

  it('without liquidation records gives an estimate marked "from open interest"; null is never 0', () => {
    const { total } = estimate([...trades, ...oi], BLOCK, BLOCK + 600_000)
    expect(total).toEqual({
      observedUsd: null,
      coverage: null,
      oiImplied: { base: 150, usd: 15_000, longUsd: 11_250, shortUsd: 3_750 },
      estimatedUsd: { value: 11_250, low: null, high: null, method: METHODS.openInterest },
      regime: 'absent',
    })
    expect(liquidationSentence(total, 'TEST')).toBe(
      'no liquidation records; open interest fell 150 TEST ($15k) in the window (positions closed, forced ' +
        'and voluntary); estimated ≈ $11.3k from open interest (longs closed)',
    )
  })

  it('a squeeze attributes to shorts; without taker sides, by direction alone', () => {
    const { total } = estimate([...trades, ...oi], BLOCK, BLOCK + 600_000, 'up')
    expect(total.estimatedUsd!.value).toBe(3_750)
    const unsided = trades.map((t) => ({ ...t, side: 'unknown' as const }))
    expect(estimate([...unsided, ...oi], BLOCK, BLOCK + 600_000, 'up').total.oiImplied).toEqual({
      base: 150,
      usd: 15_000,
      longUsd: 0,
      shortUsd: 15_000,
    })
  })

  it('needs a level every 5 minutes or better', () => {
    const hourly = oi.map((e, k) => ({ ...e, ts: BLOCK + k * 3_600_000 }))
    expect(estimate([...trades, ...hourly], BLOCK, BLOCK + 600_000).total.oiImplied).toBeNull()
  })
})

describe('scopes never mix', () => {
  // CoinGlass hourly liquidations summed over exchanges, and one venue's (Binance) 5-minute OI.
  const aggregate: BarEvent = {
    ts: BLOCK,
    exchange: 'coinglass',
    symbol: 'TEST',
    market: 'TEST-USD-AGG',
    kind: 'bar',
    source: 'coinglass-liquidations',
    durationMs: 3_600_000,
    open: null,
    high: null,
    low: null,
    close: null,
    volume: null,
    volumeUsd: null,
    takerBuyUsd: null,
    trades: null,
    liqLongUsd: 2_000_000,
    liqShortUsd: 100_000,
    openInterest: null,
    openInterestUsd: null,
  }
  const binance = [
    trade(BLOCK + 1_000, 100, 10, 'sell'),
    openInterest(BLOCK, 100_000, null),
    openInterest(BLOCK + 300_000, 60_000, null),
    openInterest(BLOCK + 600_000, 50_000, null),
  ]
  const { total, venues } = estimate([aggregate, ...binance], BLOCK, BLOCK + 600_000)

  it('an aggregate’s estimate is bounded only by open interest of its own scope (none here)', () => {
    expect(total.regime).toBe('aggregate')
    expect(total.coverage).toBeNull() // bucketed
    expect(total.observedUsd).toBe(2_100_000)
    expect(total.estimatedUsd).toEqual({
      value: 2_100_000,
      low: 2_100_000,
      high: null,
      method: METHODS.lowerBound,
    })
    // Binance's OI fell 50 000 TEST ($5M): reported, but not set against three venues' liquidations.
    expect(total.oiImplied!.base).toBe(50_000)
  })

  it('each venue has its own figures', () => {
    const [binanceVenue, coinglassVenue] = venues
    expect(binanceVenue).toMatchObject({ observedUsd: null, regime: 'absent' })
    expect(binanceVenue!.estimatedUsd!.method).toBe(METHODS.openInterest)
    expect(coinglassVenue).toMatchObject({ observedUsd: 2_100_000, regime: 'aggregate', oiImplied: null })
  })
})

describe('the sentence', () => {
  it('states the lower bound, the saturation, the open-interest closing and the range', () => {
    expect(
      liquidationSentence(
        {
          observedUsd: 98_200_000,
          coverage: { seconds: 5451, windowSeconds: 7675, share: 0.7102 },
          oiImplied: { base: 4120, usd: 141_000_000, longUsd: 100_000_000, shortUsd: 41_000_000 },
          estimatedUsd: { value: 320_000_000, low: 240_000_000, high: 410_000_000, method: METHODS.arrival },
          regime: 'capped',
        },
        'BTC',
      ),
    ).toBe(
      'liquidations ≥ $98.2M recorded (capped feed, 71 % of seconds saturated); open interest fell ' +
        '4,120 BTC ($141M) in the window; estimated $240–410M',
    )
  })

  it('of a complete feed gives the sum as it is', () => {
    expect(
      liquidationSentence(
        {
          observedUsd: 1_234_567,
          coverage: { seconds: 10, windowSeconds: 100, share: 0.1 },
          oiImplied: null,
          estimatedUsd: { value: 1_234_567, low: 1_234_567, high: 1_234_567, method: METHODS.complete },
          regime: 'complete',
        },
        'BTC',
      ),
    ).toBe('liquidations $1.23M recorded (complete feed, records in 10 % of seconds)')
  })
})
