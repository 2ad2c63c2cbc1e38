/**
 * Per-market series for charts and daily figures: price, volume, liquidations and open interest on
 * a time grid of one minute (or `stepMs`), never finer than the input: hourly buckets stay one point
 * per hour, 5-minute open interest one point per 5 minutes. Pure: bars in, arrays out, UTC epoch ms.
 */
import type { BarColumns, BarStore } from '../bars/index.js'
import { type FigureView, groupMarkets, liquidationTrack, type MarketBars } from './market.js'
import { priceKnownAt } from './metrics.js'
import { HOUR, MINUTE } from './stats.js'

export interface PriceSeries {
  /** The series the prices come from (`binance:BTC-USDT-PERP`): the market's price path. */
  series: string
  stepMs: number
  /** Open times of the steps that have a price, in order. */
  time: number[]
  open: number[]
  high: number[]
  low: number[]
  close: number[]
}

/** Sums per step over every venue, on every step the inputs cover (0 there means none happened). */
export interface VolumeSeries {
  stepMs: number
  time: number[]
  /** USD traded; null when a venue's volume is known in base units only. */
  usd: number[] | null
  base: number[] | null
}

export interface LiquidationSeries {
  stepMs: number
  time: number[]
  long: number[]
  short: number[]
}

/** Open interest summed over venues, as known at each instant `time` (levels carried forward). */
export interface OpenInterestSeries {
  stepMs: number
  time: number[]
  /** Null where a venue with open interest has no fresh level (a gap in its data). */
  usd: (number | null)[]
  base: (number | null)[]
}

export interface MarketSeries {
  market: string
  from: number
  to: number
  /** First and last bar time of any figure of the market inside [from, to); null without data there. */
  first: number | null
  last: number | null
  price: PriceSeries | null
  volume: VolumeSeries | null
  liquidations: LiquidationSeries | null
  openInterest: OpenInterestSeries | null
}

/** Series of every market of the store over [from, to), grouped as the analysis groups them. */
export function storeSeries(
  store: BarStore,
  groupBy: 'market' | 'series',
  from: number,
  to: number,
  stepMs = MINUTE,
): MarketSeries[] {
  return groupMarkets(store, groupBy).map((market) => marketSeries(market, from, to, stepMs))
}

export function marketSeries(market: MarketBars, from: number, to: number, stepMs = MINUTE): MarketSeries {
  let first: number | null = null
  let last: number | null = null
  for (const venue of market.venues) {
    for (const layer of venue.series.layers) {
      const i = layer.lowerBound(from)
      const j = layer.lowerBound(to) - 1
      if (i > j) continue
      if (first === null || layer.time[i]! < first) first = layer.time[i]!
      if (last === null || layer.time[j]! > last) last = layer.time[j]!
    }
  }
  const volumeViews = market.venues.flatMap((venue) => (venue.volume ? [venue.volume] : []))
  const liqViews = market.venues.flatMap((venue) => (venue.liquidations ? [venue.liquidations] : []))
  return {
    market: market.name,
    from,
    to,
    first,
    last,
    price: market.price ? priceSeries(market.price, from, to, stepMs) : null,
    volume: volumeSeries(volumeViews, from, to, stepMs),
    liquidations: liquidationSeries(market, liqViews, from, to, stepMs),
    openInterest: openInterestSeries(market, from, to, stepMs),
  }
}

const floorTo = (t: number, step: number) => Math.floor(t / step) * step

function priceSeries(view: FigureView, from: number, to: number, stepMs: number): PriceSeries | null {
  const layer = view.layer
  const step = Math.max(stepMs, layer.durationMs)
  const out: PriceSeries = {
    series: view.series.key,
    stepMs: step,
    time: [],
    open: [],
    high: [],
    low: [],
    close: [],
  }
  let k = -1
  for (let i = layer.lowerBound(from); i < layer.length && layer.time[i]! < to; i++) {
    const open = layer.open[i]!
    if (Number.isNaN(open)) continue
    const cell = floorTo(layer.time[i]!, step)
    if (k < 0 || out.time[k] !== cell) {
      out.time.push(cell)
      out.open.push(open)
      out.high.push(layer.high[i]!)
      out.low.push(layer.low[i]!)
      out.close.push(layer.close[i]!)
      k++
    } else {
      if (layer.high[i]! > out.high[k]!) out.high[k] = layer.high[i]!
      if (layer.low[i]! < out.low[k]!) out.low[k] = layer.low[i]!
      out.close[k] = layer.close[i]!
    }
  }
  return out.time.length > 0 ? out : null
}

/**
 * A dense grid over the steps of [from, to) that the views cover (from the first bucket of any view
 * to the end of the last): outside it a figure is unknown, not zero.
 */
function coveredGrid(views: readonly FigureView[], from: number, to: number, stepMs: number) {
  let step = stepMs
  let coverFrom = Number.POSITIVE_INFINITY
  let coverTo = Number.NEGATIVE_INFINITY
  for (const view of views) {
    step = Math.max(step, view.layer.durationMs)
    if (view.layer.first !== null) coverFrom = Math.min(coverFrom, view.layer.first)
    if (view.layer.last !== null) coverTo = Math.max(coverTo, view.layer.last + view.layer.durationMs)
  }
  const start = floorTo(Math.max(from, coverFrom), step)
  const end = Math.min(to, coverTo)
  const time: number[] = []
  for (let t = start; t < end; t += step) time.push(t)
  return { step, time }
}

function sumOnGrid(
  views: readonly FigureView[],
  grid: { step: number; time: number[] },
  from: number,
  to: number,
  column: (layer: BarColumns) => Float64Array,
): number[] {
  const sums = new Array<number>(grid.time.length).fill(0)
  const origin = grid.time[0]
  if (origin === undefined) return sums
  for (const view of views) {
    const layer = view.layer
    const values = column(layer)
    for (let i = layer.lowerBound(from); i < layer.length && layer.time[i]! < to; i++) {
      const cell = Math.floor((layer.time[i]! - origin) / grid.step)
      if (cell >= 0 && cell < sums.length) sums[cell] = sums[cell]! + values[i]!
    }
  }
  return sums
}

function volumeSeries(
  views: readonly FigureView[],
  from: number,
  to: number,
  stepMs: number,
): VolumeSeries | null {
  if (views.length === 0) return null
  const grid = coveredGrid(views, from, to, stepMs)
  const usd = views.every((view) => view.layer.hasVolumeUsd)
  const base = views.every((view) => view.layer.hasVolume)
  return {
    stepMs: grid.step,
    time: grid.time,
    usd: usd ? sumOnGrid(views, grid, from, to, (layer) => layer.volumeUsd) : null,
    base: base ? sumOnGrid(views, grid, from, to, (layer) => layer.volume) : null,
  }
}

/**
 * Liquidations from the market's liquidation track over [from, to): an aggregator is not added to
 * the exchanges it covers, cell by cell, exactly as the analysis' totals count them.
 */
function liquidationSeries(
  market: MarketBars,
  views: readonly FigureView[],
  from: number,
  to: number,
  stepMs: number,
): LiquidationSeries | null {
  const track = liquidationTrack(market, { from, to })
  if (!track) return null
  const grid = coveredGrid(views, from, to, stepMs)
  const long = new Array<number>(grid.time.length).fill(0)
  const short = new Array<number>(grid.time.length).fill(0)
  const origin = grid.time[0]
  if (origin !== undefined) {
    for (let cell = 0; cell < track.length; cell++) {
      const at = Math.floor((track.startOf(cell) - origin) / grid.step)
      if (at < 0 || at >= long.length) continue
      long[at] = long[at]! + track.values[0]![cell]!
      short[at] = short[at]! + track.values[1]![cell]!
    }
  }
  return { stepMs: grid.step, time: grid.time, long, short }
}

/** One venue's open-interest levels, each at the time it became true (a bucket's level at its end). */
class LevelCursor {
  private i = 0
  private readonly shift: number
  /** A level older than this is stale: the venue's data has a gap. */
  private readonly stale: number
  usd = Number.NaN
  base = Number.NaN
  private since = Number.NEGATIVE_INFINITY

  constructor(
    private readonly view: FigureView,
    private readonly priceAt: (t: number) => number | null,
  ) {
    this.shift = view.layer.durationMs > 1000 ? view.layer.durationMs : 0
    this.stale = Math.max(3 * view.resolutionMs, HOUR)
  }

  /** Moves to instant `t` (non-decreasing); true when a fresh level is known there. */
  at(t: number): boolean {
    const layer = this.view.layer
    while (this.i < layer.length && layer.time[this.i]! + this.shift <= t) {
      const usd = layer.oiUsd[this.i]!
      const base = layer.oi[this.i]!
      if (!Number.isNaN(usd) || !Number.isNaN(base)) {
        const time = layer.time[this.i]! + this.shift
        const price = Number.isNaN(usd) || Number.isNaN(base) ? this.priceAt(time) : null
        this.usd = Number.isNaN(usd) && price !== null ? base * price : usd
        this.base = Number.isNaN(base) && price !== null && price > 0 ? usd / price : base
        this.since = time
      }
      this.i++
    }
    return t - this.since <= this.stale
  }
}

function openInterestSeries(
  market: MarketBars,
  from: number,
  to: number,
  stepMs: number,
): OpenInterestSeries | null {
  const views = market.venues.flatMap((venue) =>
    venue.openInterest ? [{ venue, view: venue.openInterest }] : [],
  )
  if (views.length === 0) return null
  const step = Math.max(stepMs, ...views.map(({ view }) => view.resolutionMs))
  const marketPrice = market.price?.layer
  const cursors = views.map(({ venue, view }) => {
    const own = venue.price?.layer
    return new LevelCursor(
      view,
      (t) => (own ? priceKnownAt(own, t) : null) ?? (marketPrice ? priceKnownAt(marketPrice, t) : null),
    )
  })
  // Instants: the ends of [from, to] and the step boundaries between them.
  const times = [from]
  for (let t = floorTo(from, step) + step; t < to; t += step) times.push(t)
  if (to > from) times.push(to)
  const out: OpenInterestSeries = { stepMs: step, time: [], usd: [], base: [] }
  let any = false
  for (const t of times) {
    let usd: number | null = 0
    let base: number | null = 0
    for (const cursor of cursors) {
      const fresh = cursor.at(t)
      usd = fresh && usd !== null && !Number.isNaN(cursor.usd) ? usd + cursor.usd : null
      base = fresh && base !== null && !Number.isNaN(cursor.base) ? base + cursor.base : null
    }
    if (usd !== null || base !== null) any = true
    out.time.push(t)
    out.usd.push(usd)
    out.base.push(base)
  }
  return any ? out : null
}
