/**
 * The streaming leg finder (src/analysis/leg-stream.ts) gives exactly findLegs + qualifies on the
 * whole layer, however the layer is cut into parts: fast-check random paths with unpriced rows,
 * equal highs, hours-long gaps and moves inside one bar; hand-made pauses, undercuts and bounces
 * cut at every row; a slow bleed of 3 days; and the rows it holds on 2 M 1-second bars.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
// The scripts' seeded generator (plain JavaScript), as the fuzzer and the scenarios use it.
import { mulberry32 } from '../../scripts/lib/random.mjs'
import { LegStream, type LegStreamParams, type StreamLeg } from '../../src/analysis/leg-stream.js'
import { DirectedBars, type Direction, findLegs, type Leg, qualifies } from '../../src/analysis/legs.js'
import { DEFAULT_PARAMS } from '../../src/analysis/params.js'
import { BarColumns } from '../../src/bars/index.js'

const T0 = Date.UTC(2026, 1, 5, 13, 59, 31)
const SECOND = 1000
const MINUTE = 60_000
const DIRECTIONS: readonly Direction[] = ['down', 'up']

/** What the batch code says: every qualifying leg, its bars named by their times. */
function batchLegs(layer: BarColumns, direction: Direction, params: LegStreamParams): StreamLeg[] {
  const bars = new DirectedBars(layer, direction)
  const toTimes = (leg: Leg): StreamLeg => ({
    direction: leg.direction,
    startT: bars.time(leg.startIdx),
    extremeT: bars.time(leg.extremeIdx),
    closeT: bars.time(leg.closeIdx),
    swallowed: leg.swallowed.map((move) => ({ topT: bars.time(move.topIdx), sizeFrac: move.sizeFrac })),
  })
  return findLegs(bars, params)
    .filter((leg) => qualifies(bars, leg, params))
    .map(toTimes)
}

/** Rows [from, to) of a layer as a layer of their own. */
function rowsOf(layer: BarColumns, from: number, to: number): BarColumns {
  const part = new BarColumns(layer.durationMs)
  for (let i = from; i < to; i++) {
    const at = part.slot(layer.time[i]!)
    part.open[at] = layer.open[i]!
    part.high[at] = layer.high[i]!
    part.low[at] = layer.low[i]!
    part.close[at] = layer.close[i]!
  }
  return part
}

/** The stream's legs for a layer cut before each row index in `cuts` (sorted, any repeats); the rows held checked. */
function streamed(layer: BarColumns, cuts: readonly number[], params: LegStreamParams): LegStream {
  const stream = new LegStream(params)
  let from = 0
  for (const cut of [...cuts, layer.length]) {
    const to = Math.min(Math.max(cut, from), layer.length)
    stream.add(rowsOf(layer, from, to))
    // Rows come at least a bar apart here, as the bound assumes.
    expect(stream.retained).toBeLessThanOrEqual(retainedBound(params, layer.durationMs))
    from = to
  }
  stream.finish()
  return stream
}

type Row = readonly [seconds: number, open: number, high: number, low: number, close: number]

/** A layer of 1-second bars from rows of [seconds after T0, open, high, low, close]. */
function layerOf(rows: readonly Row[], durationMs = SECOND): BarColumns {
  const layer = new BarColumns(durationMs)
  for (const [seconds, open, high, low, close] of rows) {
    const i = layer.slot(T0 + seconds * SECOND)
    layer.open[i] = open
    layer.high[i] = high
    layer.low[i] = low
    layer.close[i] = close
  }
  return layer
}

/** The stream agrees with the batch code for the layer cut at every single row, and at every pair. */
function expectEveryCut(layer: BarColumns, params: LegStreamParams): void {
  for (const direction of DIRECTIONS) {
    const expected = batchLegs(layer, direction, params)
    expect(streamed(layer, [], params).legs(direction)).toEqual(expected)
    for (let cut = 0; cut <= layer.length; cut++) {
      expect(streamed(layer, [cut], params).legs(direction)).toEqual(expected)
      expect(streamed(layer, [cut, cut + 1], params).legs(direction)).toEqual(expected)
    }
  }
}

/** A small seeded generator (mulberry32): the same walk on every run. */
const seeded = (seed: number): (() => number) => mulberry32(seed)

const at = (seconds: number) => T0 + seconds * SECOND

describe('LegStream equals findLegs + qualifies', () => {
  it('on random paths cut into random parts, both directions, random parameters', () => {
    // Rows: bars of a random walk (pathOf in candidates.test.ts), and rows without a price.
    const step = fc.record({
      gap: fc.oneof(
        { weight: 6, arbitrary: fc.integer({ min: 1, max: 5 }) },
        { weight: 3, arbitrary: fc.integer({ min: 1, max: 400 }) },
        { weight: 1, arbitrary: fc.integer({ min: 3_600, max: 20_000 }) },
      ),
      move: fc.oneof(
        { weight: 4, arbitrary: fc.double({ min: -0.3, max: 0.3, noNaN: true }) },
        { weight: 1, arbitrary: fc.double({ min: -4, max: 4, noNaN: true }) },
      ),
      wick: fc.constantFrom(0, 0, 0, 0.05, 0.5, 2),
      priced: fc.constantFrom('ohlc', 'ohlc', 'ohlc', 'ohlc', 'ohlc', 'ohlc', 'none', 'no-open', 'no-high'),
    })
    const params = fc.record({
      minMovePct: fc.oneof(fc.constantFrom(0.1, 0.5, 1, 2, 5), fc.double({ min: 0.05, max: 5, noNaN: true })),
      reboundFrac: fc.double({ min: 0.05, max: 0.95, noNaN: true }),
      undercutWithinMin: fc.oneof(fc.constant(5), fc.double({ min: 0.01, max: 10, noNaN: true })),
      mergeGapMin: fc.oneof(fc.constant(240), fc.double({ min: 0.1, max: 5, noNaN: true })),
      withinMin: fc.oneof(fc.constant(60), fc.double({ min: 0.05, max: 10, noNaN: true })),
    })
    const tally = { legs: 0, swallowed: 0, inOneBar: 0, manyBars: 0, slowStart: 0 }
    fc.assert(
      fc.property(
        // Short paths (every corner) and long ones (legs of many bars, pauses, slow starts).
        fc.oneof(
          fc.array(step, { maxLength: 20 }),
          fc.array(step, { minLength: 20, maxLength: 300, size: 'max' }),
        ),
        // A trend in % a bar, so that legs run over many bars.
        fc.oneof(fc.constant(0), fc.double({ min: -0.2, max: 0.2, noNaN: true })),
        params,
        fc.constantFrom(SECOND, SECOND, MINUTE),
        // Price ticks: 0 is none; a coarse tick makes equal highs common.
        fc.constantFrom(0, 0, 1, 25),
        // Where the parts are cut: anywhere (any number of times), or before every row.
        fc.oneof(
          fc.array(fc.nat({ max: 310 }), { maxLength: 40, size: 'max' }),
          fc.constant('every row' as const),
        ),
        (steps, drift, params, durationMs, tick, cuts) => {
          const layer = new BarColumns(durationMs)
          const round = (price: number, up: boolean) =>
            tick === 0 ? price : (up ? Math.ceil(price / tick) : Math.floor(price / tick)) * tick
          let t = T0
          let price = 50_000
          for (const s of steps) {
            t += s.gap * durationMs
            const open = round(price, false)
            price = Math.max(1, price * (1 + (s.move + drift) / 100))
            const close = round(price, false)
            const i = layer.slot(t)
            if (s.priced === 'none') continue
            layer.open[i] = s.priced === 'no-open' ? Number.NaN : open
            layer.close[i] = close
            layer.high[i] =
              s.priced === 'no-high' ? Number.NaN : round(Math.max(open, close) * (1 + s.wick / 100), true)
            layer.low[i] = Math.max(0.5, round(Math.min(open, close) * (1 - s.wick / 100), false))
          }
          const sorted =
            cuts === 'every row'
              ? Array.from({ length: layer.length }, (_, i) => i)
              : [...cuts].sort((a, b) => a - b)
          const stream = streamed(layer, sorted, params)
          for (const direction of DIRECTIONS) {
            const expected = batchLegs(layer, direction, params)
            expect(stream.legs(direction)).toEqual(expected)
            tally.legs += expected.length
            for (const leg of expected) {
              tally.swallowed += leg.swallowed.length
              if (leg.startT === leg.extremeT) tally.inOneBar++
              else tally.manyBars++
              if (leg.extremeT - leg.startT > params.withinMin * MINUTE) tally.slowStart++
            }
          }
          expect(stream.retained).toBe(0)
        },
      ),
      { numRuns: 4000 },
    )
    // The cases that matter were met, not only quiet paths.
    expect(tally.legs).toBeGreaterThan(2000)
    expect(tally.swallowed).toBeGreaterThan(100)
    expect(tally.inOneBar).toBeGreaterThan(100)
    expect(tally.manyBars).toBeGreaterThan(1000)
    expect(tally.slowStart).toBeGreaterThan(50)
  })

  it('an empty layer, or one without a price, gives no legs; bars longer than the window none', () => {
    const params = { ...DEFAULT_PARAMS, minMovePct: 1, withinMin: 10 }
    const empty = new LegStream(params)
    empty.finish()
    expect(empty.legs('down')).toEqual([])
    const unpriced = new LegStream(params)
    const layer = new BarColumns(SECOND)
    for (let i = 0; i < 10; i++) layer.volume[layer.slot(at(i))] = 1
    unpriced.add(layer)
    unpriced.add(new BarColumns(SECOND))
    unpriced.finish()
    expect(unpriced.legs('down')).toEqual([])
    expect(unpriced.legs('up')).toEqual([])
    // A 20 % fall inside one hourly bar is not shown to be within 10 minutes.
    const hourly = layerOf(
      [
        [0, 100, 100, 100, 100],
        [3600, 100, 100, 80, 80],
      ],
      3_600_000,
    )
    const coarse = streamed(hourly, [1], params)
    expect(coarse.legs('down')).toEqual([])
    expect(batchLegs(hourly, 'down', params)).toEqual([])
    expect(coarse.retained).toBe(0)
  })

  it('refuses rows out of order, another bar length, and use after finish', () => {
    const stream = new LegStream(DEFAULT_PARAMS)
    stream.add(layerOf([[10, 100, 100, 100, 100]]))
    expect(() => stream.add(layerOf([[10, 100, 100, 100, 100]]))).toThrow(/not after/)
    expect(() => stream.add(layerOf([[20, 100, 100, 100, 100]], MINUTE))).toThrow(/60000 ms/)
    expect(() => stream.legs('down')).toThrow(/finish/)
    stream.finish()
    expect(() => stream.add(layerOf([[30, 100, 100, 100, 100]]))).toThrow(/after finish/)
  })
})

describe('LegStream by hand, cut at every row', () => {
  const params = { ...DEFAULT_PARAMS, minMovePct: 1, withinMin: 10, reboundFrac: 0.35 }

  it('a pause: no new low for 5 minutes ends the leg; the next fall starts from the last flat bar', () => {
    const layer = layerOf([
      [0, 100, 100.2, 100, 100.1],
      [30, 100.1, 100.1, 98, 98],
      // Flat above the low: a bounce of 0.6 against a limit of min(0.35 · 2.2, 1 % of 98) = 0.77.
      ...Array.from({ length: 10 }, (_, i): Row => [60 * (i + 1), 98.5, 98.6, 98.4, 98.5]),
      [660, 98.5, 98.5, 96, 96],
    ])
    // A last row with no price (a liquidation alone) closes the open leg.
    layer.volume[layer.slot(at(700))] = 1
    const p = { ...params, mergeGapMin: 5, undercutWithinMin: 1 }
    const expected = [
      // Closed at 6:00, the first bar more than 5 minutes after the low at 0:30.
      { direction: 'down', startT: at(0), extremeT: at(30), closeT: at(360), swallowed: [] },
      // The flat bars' equal highs moved the start to the last of them.
      { direction: 'down', startT: at(600), extremeT: at(660), closeT: at(700), swallowed: [] },
    ]
    expect(batchLegs(layer, 'down', p)).toEqual(expected)
    expectEveryCut(layer, p)
  })

  const lowThenBounce: Row[] = [
    [0, 100, 100.2, 99.9, 100],
    [10, 100, 100, 97, 97],
    // 1.5 back from the low of 97: more than min(0.35 · 3.2, 1 % of 97) = 0.97.
    [20, 97, 98.5, 97.5, 98.4],
  ]

  it('an undercut across a part boundary swallows the bounce', () => {
    const layer = layerOf([...lowThenBounce, [40, 98.4, 98.4, 96, 96], [200, 96.2, 96.4, 96.1, 96.3]])
    const p = { ...params, mergeGapMin: 5, undercutWithinMin: 1 }
    const expected = [
      {
        direction: 'down',
        startT: at(0),
        extremeT: at(40),
        closeT: at(200),
        swallowed: [{ topT: at(20), sizeFrac: (98.5 - 97) / 97 }],
      },
    ]
    expect(batchLegs(layer, 'down', p)).toEqual(expected)
    // Cut right after the bounce: the bar waits for the next part to know it was undercut.
    const stream = new LegStream(p)
    stream.add(rowsOf(layer, 0, 3))
    stream.add(rowsOf(layer, 3, layer.length))
    stream.finish()
    expect(stream.legs('down')).toEqual(expected)
    expectEveryCut(layer, p)
  })

  it('a bounce that stands ends the leg; the next peak is sought after the low', () => {
    const layer = layerOf([...lowThenBounce, [40, 98.4, 98.6, 97.8, 98.2], [200, 98.2, 98.3, 95, 95.5]])
    const p = { ...params, mergeGapMin: 5, undercutWithinMin: 1 }
    const expected = [
      { direction: 'down', startT: at(0), extremeT: at(10), closeT: at(20), swallowed: [] },
      { direction: 'down', startT: at(40), extremeT: at(200), closeT: at(200), swallowed: [] },
    ]
    expect(batchLegs(layer, 'down', p)).toEqual(expected)
    expectEveryCut(layer, p)
  })

  it('a slow bleed of 3 days ending in a fast 6 % drop in 10 minutes qualifies from its first bar', () => {
    const rows: Row[] = []
    const bleed = 3 * 86_400
    let price = 100
    const bar = (seconds: number, next: number) => {
      rows.push([seconds, price, Math.max(price, next), Math.min(price, next), next])
      price = next
    }
    // −3 % over 3 days, a new low every second; then −6 % in 600 s; a 4 % bounce; 10 quiet minutes.
    for (let s = 0; s < bleed; s++) bar(s, 100 * (1 - (0.03 * (s + 1)) / bleed))
    const top = price
    for (let s = 0; s < 600; s++) bar(bleed + s, top * (1 - (0.06 * (s + 1)) / 600))
    const extreme = bleed + 599
    bar(bleed + 600, price * 1.04)
    for (let s = 601; s < 1200; s++) bar(bleed + s, price)
    const layer = layerOf(rows)
    const p = { ...DEFAULT_PARAMS }
    const expected = [
      { direction: 'down', startT: at(0), extremeT: at(extreme), closeT: at(bleed + 600), swallowed: [] },
    ]
    expect(batchLegs(layer, 'down', p)).toEqual(expected)
    // Day by day, the rows held stay those of the last few hours, though the start is days back.
    const stream = new LegStream(p)
    for (let from = 0; from < layer.length; from += 86_400) {
      stream.add(rowsOf(layer, from, Math.min(from + 86_400, layer.length)))
      expect(stream.retained).toBeLessThanOrEqual(retainedBound(p, SECOND))
    }
    stream.finish()
    expect(stream.legs('down')).toEqual(expected)
    expect(stream.legs('up')).toEqual(batchLegs(layer, 'up', p))
  })
})

/** The rows held on 1-second bars: the spans of the header comment (rows every `durationMs`), plus two. */
function retainedBound(params: LegStreamParams, durationMs: number): number {
  const undercut = Math.max(params.undercutWithinMin * MINUTE, durationMs)
  const span = Math.max(params.mergeGapMin * MINUTE + undercut, params.withinMin * MINUTE)
  return Math.floor(span / durationMs) + 2
}

describe('LegStream memory', () => {
  it('holds no more than the bound on 2 M 1-second bars fed a day at a time', () => {
    const params = { ...DEFAULT_PARAMS, minMovePct: 1 }
    const bound = retainedBound(params, SECOND)
    expect(bound).toBe(14_702)
    const random = seeded(20260205)
    const stream = new LegStream(params)
    const total = 2_000_000
    const day = 86_400
    let price = 30_000
    let most = 0
    for (let from = 0; from < total; from += day) {
      const part = new BarColumns(SECOND, day)
      for (let s = from; s < Math.min(from + day, total); s++) {
        const i = part.slot(T0 + s * SECOND)
        const open = price
        price *= 1 + (random() - 0.5) * 0.0007
        part.open[i] = open
        part.close[i] = price
        part.high[i] = Math.max(open, price) * (1 + random() * 0.0002)
        part.low[i] = Math.min(open, price) * (1 - random() * 0.0002)
      }
      stream.add(part)
      expect(stream.retained).toBeLessThanOrEqual(bound)
      most = Math.max(most, stream.retained)
    }
    stream.finish()
    expect(stream.retained).toBe(0)
    // The walk had legs to find, and the scan did hold hours of bars at times.
    expect(stream.legs('down').length + stream.legs('up').length).toBeGreaterThan(10)
    expect(most).toBeGreaterThan(1_000)
  })
})
