import { describe, expect, it } from 'vitest'
import { baselineWords } from '../../src/analysis/figures.js'
import {
  baseAsset,
  CellTrack,
  calmAfter,
  countWaves,
  type FigureView,
  maxMovePct,
  openInterestFigures,
  overlapRange,
  peakCell,
  priceAt,
  priceKnownAt,
  resolutionLabel,
  robustZ,
  round,
  trailingBaseline,
  windowSums,
} from '../../src/analysis/index.js'
import { BarColumns, foldEvents } from '../../src/bars/index.js'
import { MIN, minuteBars, openInterest, T0 } from './helpers.js'

const HOUR = 3_600_000

/** A 1-minute layer from closes (open = previous close). */
function minuteLayer(closes: number[], volumeUsd: (i: number) => number = () => 100): BarColumns {
  return foldEvents(minuteBars(closes, { volumeUsd })).series()[0]!.buckets[0]!
}

/** A cell track over a single 1-minute layer whose liquidations (long) are `values`. */
function liqTrack(values: number[]): CellTrack {
  const layer = new BarColumns(MIN)
  values.forEach((value, i) => {
    layer.liqLongUsd[layer.slot(T0 + i * MIN)] = value
  })
  layer.hasLiquidations = true
  const view = { layer, resolutionMs: MIN } as FigureView
  return new CellTrack([view], () => ['liqLongUsd'])
}

describe('stats helpers', () => {
  it('robust z = 0.6745 (x − median) / MAD, infinite on a flat baseline', () => {
    // 0.6745 × (10 − 2) / 1 = 5.396
    expect(robustZ(10, 2, 1)).toBeCloseTo(5.396, 10)
    expect(robustZ(10, 0, 0)).toBe(Number.POSITIVE_INFINITY)
    expect(robustZ(0, 0, 0)).toBe(0)
  })

  it('rounds half away from zero, never to -0', () => {
    expect(round(1.005, 2)).toBe(1.01)
    expect(round(-2.675, 2)).toBe(-2.68)
    expect(Object.is(round(-0.001, 2), 0)).toBe(true)
  })

  it('labels resolutions', () => {
    expect([1000, 60_000, 300_000, HOUR, 86_400_000, 90_000].map(resolutionLabel)).toEqual([
      '1s',
      '1m',
      '5m',
      '1h',
      '1d',
      '90s',
    ])
  })

  it('groups markets by base asset, XBT as BTC', () => {
    expect(
      ['BTC-USDT-PERP', 'XBT-USD-PERP', 'BTC-USD-240628', 'eth-usdt', 'BTCUSDT', 'BTC'].map(baseAsset),
    ).toEqual(['BTC', 'BTC', 'BTC', 'ETH', 'BTC', 'BTC'])
  })
})

describe('window sums', () => {
  it('counts the buckets that overlap the window', () => {
    const layer = minuteLayer([10, 11, 12, 13, 14], (i) => (i + 1) * 100)
    // [T0 + 30 s, T0 + 2 min) touches the buckets opening at T0 and T0 + 1 min: 100 + 200 = 300
    expect(overlapRange(layer, T0 + 30_000, T0 + 2 * MIN)).toEqual([0, 2])
    expect(windowSums(layer, T0 + 30_000, T0 + 2 * MIN).volumeUsd).toBe(300)
    // [T0 + 1 min, T0 + 4 min): buckets 1, 2, 3 → 200 + 300 + 400 = 900
    expect(windowSums(layer, T0 + MIN, T0 + 4 * MIN).volumeUsd).toBe(900)
  })

  it('reads the last close at or before a time, and the close known at an instant', () => {
    const layer = minuteLayer([10, 11, 12])
    expect(priceAt(layer, T0 + MIN + 5)).toBe(11)
    expect(priceAt(layer, T0 - 1)).toBeNull()
    // At T0 + 2 min the bucket opening at T0 + 1 min has closed (11); the one opening then has not.
    expect(priceKnownAt(layer, T0 + 2 * MIN)).toBe(11)
  })
})

describe('maxMovePct: 100 · max |ln(p(t+Δ)/p(t))| over the window', () => {
  const layer = minuteLayer([100, 98, 94, 92, 90, 92, 93])

  it('over one minute', () => {
    // consecutive closes from T0: 100→98, 98→94, 94→92, 92→90, 90→92, 92→93;
    // largest |ln| = ln(98/94) = 4.167 %
    expect(maxMovePct(layer, T0, T0 + 6 * MIN, MIN)).toBeCloseTo(100 * Math.log(98 / 94), 10)
  })

  it('over five minutes', () => {
    // pairs (0,5) 100→92 and (1,6) 98→93: ln(100/92) = 8.338 % is the larger
    expect(maxMovePct(layer, T0, T0 + 6 * MIN, 5 * MIN)).toBeCloseTo(100 * Math.log(100 / 92), 10)
  })

  it('is null when the window or the bars cannot give the figure', () => {
    expect(maxMovePct(layer, T0, T0 + 6 * MIN, 15 * MIN)).toBeNull() // 6 min < 15 min
    const hourly = new BarColumns(HOUR)
    hourly.close[hourly.slot(T0)] = 1
    expect(maxMovePct(hourly, T0, T0 + 5 * HOUR, MIN)).toBeNull() // hourly bars cannot give a 1-minute move
  })

  it('carries the last price over seconds without trades', () => {
    const seconds = new BarColumns(1000)
    for (const [s, price] of [
      [0, 100],
      [10, 95],
      [70, 90],
    ] as const) {
      seconds.close[seconds.slot(T0 + s * 1000)] = price
    }
    // p(t) = 100 for t < 10 s, 95 for 10 ≤ t < 70 s, then 90. 100 → 90 never happens within 60 s
    // (p(t) = 100 needs t < 10, p(t + 60) = 90 needs t ≥ 10), so the pairs give ln(100/95) = 5.129 %
    // (t < 10) and ln(95/90) = 5.407 % (t ≥ 10): the largest is 5.407 %.
    expect(maxMovePct(seconds, T0, T0 + 80_000, MIN)).toBeCloseTo(100 * Math.log(95 / 90), 10)
  })
})

describe('baseline, peak, waves, calm', () => {
  it('takes median and MAD of the trailing hours', () => {
    // 120 minutes alternating 1000, 3000, then 500 000 at minute 120.
    const values = Array.from({ length: 120 }, (_, i) => (i % 2 === 0 ? 1000 : 3000))
    values.push(500_000)
    const track = liqTrack(values)
    const baseline = trailingBaseline(track, T0 + 120 * MIN, 1, 120)!
    // the hour before minute 120 is minutes 60…119: 30 × 1000 and 30 × 3000
    // → median (1000 + 3000) / 2 = 2000; every deviation is 1000 → MAD 1000
    expect(baseline).toEqual({ median: 2000, mad: 1000, cells: 60, wholeTrack: false, spanMs: HOUR })
    expect(peakCell(track, 100, 120)).toEqual({ cell: 120, value: 500_000 })
  })

  it('says how much of the trailing window the data cover when they begin later', () => {
    // 120 minutes of data, a 24 h baseline asked at minute 90: only 90 minutes lie before it.
    const track = liqTrack(Array.from({ length: 120 }, () => 1000))
    const baseline = trailingBaseline(track, T0 + 90 * MIN, 24, 100)!
    expect(baseline).toMatchObject({ cells: 90, wholeTrack: false, spanMs: 90 * MIN })
    expect(baselineWords(baseline, 'minute', { baselineHours: 24 })).toBe(
      'the median minute of the previous 90 min (the data begin there)',
    )
    expect(baselineWords({ ...baseline, spanMs: 24 * HOUR }, 'minute', { baselineHours: 24 })).toBe(
      'the median minute of the previous 24 h',
    )
    // One daily cell: the previous day itself, not "the median day of the previous 24 h".
    expect(baselineWords({ ...baseline, cells: 1, spanMs: 24 * HOUR }, 'day', { baselineHours: 24 })).toBe(
      'the previous day',
    )
    expect(baselineWords({ ...baseline, cells: 3, spanMs: 72 * HOUR }, 'day', { baselineHours: 72 })).toBe(
      'the median day of the previous 3 days',
    )
  })

  it('falls back to the whole track outside the cascade when the trailing window is short', () => {
    const track = liqTrack([5, 5, 100, 7, 7, 7])
    // start at cell 2: only 2 cells before it (< 60): use cells 0, 1 and 4, 5 (cascade = cells 2…3)
    // → 5, 5, 7, 7 → median 6
    const baseline = trailingBaseline(track, T0 + 2 * MIN, 24, 3)!
    expect(baseline.median).toBe(6)
    expect(baseline.wholeTrack).toBe(true)
  })

  it('counts bursts separated by enough calm cells', () => {
    // hot ≥ 100: cells 0–1 hot, 2–6 calm (5 cells), 7 hot, 8 calm, 9 hot
    const track = liqTrack([150, 120, 10, 0, 0, 0, 50, 200, 0, 110])
    expect(countWaves(track, 0, 9, 100, 5)).toBe(2) // 0–1, then 7 (5 calm between); 9 joins 7 (1 calm)
    expect(countWaves(track, 0, 9, 100, 1)).toBe(3)
    expect(countWaves(track, 2, 5, 100, 1)).toBe(1) // nothing hot: still one wave
  })

  it('finds when the flow returned to baseline', () => {
    const track = liqTrack([900, 800, 300, 50, 0, 0, 200, 0, 0, 0])
    // after cell 1, the first run of 3 cells below 100 starts at cell 3 (cells 3, 4, 5)
    expect(calmAfter(track, 1, 100, 3, 9)).toBe(T0 + 3 * MIN)
    // the run may end past the limit, but must start by it
    expect(calmAfter(track, 1, 100, 3, 3)).toBe(T0 + 3 * MIN)
    expect(calmAfter(track, 1, 100, 3, 2)).toBeNull()
    // past the end of the data counts as calm: cells 7, 8, 9 and beyond
    expect(calmAfter(track, 5, 100, 4, 9)).toBe(T0 + 7 * MIN)
  })
})

describe('open interest over a window', () => {
  /** One venue's OI layer from [minute, base, usd] levels, sampled every 5 minutes. */
  function oiView(levels: [number, number | null, number | null][]): FigureView {
    const store = foldEvents(levels.map(([m, base, usd]) => openInterest(T0 + m * MIN, base, usd)))
    return { series: store.series()[0]!, layer: store.series()[0]!.ticks, resolutionMs: 5 * MIN }
  }

  it('sums venues carried forward and finds the minimum', () => {
    const a = oiView([
      [-5, 1000, 100_000],
      [0, 1000, 100_000],
      [5, 900, 83_700],
      [10, 800, 70_400],
    ])
    const b = oiView([
      [-3, 500, 50_000],
      [7, 400, 40_000],
    ])
    const figures = openInterestFigures([a, b], () => null, T0, T0 + 12 * MIN)
    // start: a's level at T0 (1000 / 100 000) + b's at −3 min (500 / 50 000) = 1500 / 150 000
    // sums over time: 5 min: 900 + 500 = 1400 / 133 700; 7 min: 900 + 400 = 1300 / 123 700;
    // 10 min: 800 + 400 = 1200 / 110 400 → min
    expect([figures.startUsd, figures.minUsd, figures.startBase, figures.minBase]).toEqual([
      150_000, 110_400, 1500, 1200,
    ])
    // a: (100 000 − 70 400) / 100 000 = 29.6 %; b: (50 000 − 40 000) / 50 000 = 20 %
    expect(figures.venueDrawdownPct[0]).toBeCloseTo(29.6, 10)
    expect(figures.venueDrawdownPct[1]).toBe(20)
  })

  it('leaves out a venue with no level at the start, so the sum never jumps', () => {
    const a = oiView([[0, 10, 1000]])
    const late = oiView([[5, 99, 9900]])
    const figures = openInterestFigures([a, late, null], () => null, T0, T0 + 10 * MIN)
    expect([figures.startUsd, figures.minUsd, figures.venueDrawdownPct]).toEqual([
      1000,
      1000,
      [0, null, null],
    ])
  })

  it('values USD-only (inverse) levels in base units at the price of the time', () => {
    const inverse = oiView([
      [0, null, 1_000_000],
      [5, null, 900_000],
    ])
    const price = (_venue: number, t: number) => (t < T0 + 5 * MIN ? 50_000 : 45_000)
    const figures = openInterestFigures([inverse], price, T0, T0 + 10 * MIN)
    // 1 000 000 / 50 000 = 20 base at the start; 900 000 / 45 000 = 20 base later: USD fell, coins did not
    expect([figures.startBase, figures.minBase, figures.minUsd]).toEqual([20, 20, 900_000])
  })
})
