/**
 * Markets: which series are analysed together, which layer gives each figure, and the per-minute
 * (or coarser) cell tracks that baselines, peaks and waves are measured on.
 *
 * A market groups every venue of one base asset (all BTC, XBT included) unless `groupBy` is
 * `series`. Each venue gives each figure from its finest layer that has it (ticks before klines
 * before hourly buckets). The market's price path comes from one series: among those covering at
 * least half the longest price span, the finest resolution, then the most USD volume.
 */
import {
  type BarColumns,
  type BarStore,
  type CellColumn,
  type FundingRate,
  openInterestSamplingMs,
  type SeriesBars,
} from '../bars/index.js'
import { AGGREGATOR_VENUES } from './liquidation-regimes.js'
import { MINUTE } from './stats.js'

export interface FigureView {
  series: SeriesBars
  layer: BarColumns
  /** Resolution of this figure: the bucket length, or for open interest the sampling interval. */
  resolutionMs: number
}

export interface Venue {
  series: SeriesBars
  price: FigureView | null
  volume: FigureView | null
  liquidations: FigureView | null
  openInterest: FigureView | null
  /** The series' funding rates, oldest first; null when it has none. */
  funding: readonly FundingRate[] | null
}

export interface MarketBars {
  /** `BTC`, or the series key with groupBy `series`. */
  name: string
  venues: Venue[]
  /** The series whose prices make the path; null when no series has prices. */
  price: FigureView | null
  /** How many venues had prices to choose from. */
  priceCandidates: number
}

const QUOTE_SUFFIXES = ['FDUSD', 'USDT', 'USDC', 'BUSD', 'TUSD', 'USD', 'PERP']

/** `BTC-USDT-PERP` → `BTC`; `XBT-USD-PERP` → `BTC`; `BTCUSDT` → `BTC`. */
export function baseAsset(market: string): string {
  let head = market.toUpperCase().split(/[-_/:]/)[0] ?? market.toUpperCase()
  if (!market.includes('-')) {
    for (const quote of QUOTE_SUFFIXES) {
      if (head.length > quote.length && head.endsWith(quote)) {
        head = head.slice(0, -quote.length)
        break
      }
    }
  }
  return head === 'XBT' ? 'BTC' : head
}

function pick(series: SeriesBars, has: (layer: BarColumns) => boolean): FigureView | null {
  for (const layer of series.layers) if (has(layer)) return { series, layer, resolutionMs: layer.durationMs }
  return null
}

/** The sampling interval of a layer's open interest (src/bars: kept through `cascade bars`). */
const openInterestSampling = openInterestSamplingMs

export function venueOf(series: SeriesBars): Venue {
  const openInterest = pick(series, (layer) => layer.hasOpenInterest)
  if (openInterest) openInterest.resolutionMs = openInterestSampling(openInterest.layer)
  return {
    series,
    price: pick(series, (layer) => layer.hasPrice),
    volume: pick(series, (layer) => layer.hasVolume),
    liquidations: pick(series, (layer) => layer.hasLiquidations),
    openInterest,
    funding: series.fundingRates.length > 0 ? series.fundingRates : null,
  }
}

function choosePrice(venues: readonly Venue[]): FigureView | null {
  const views = venues.flatMap((venue) => (venue.price ? [venue.price] : []))
  if (views.length <= 1) return views[0] ?? null
  const span = (view: FigureView) => (view.layer.last ?? 0) - (view.layer.first ?? 0) + view.layer.durationMs
  const longest = Math.max(...views.map(span))
  const ranked = views
    .filter((view) => span(view) >= longest / 2)
    .map((view) => ({ view, volume: view.layer.total('volumeUsd') }))
    .sort(
      (a, b) =>
        a.view.resolutionMs - b.view.resolutionMs ||
        b.volume - a.volume ||
        (a.view.series.key < b.view.series.key ? -1 : 1),
    )
  return ranked[0]?.view ?? null
}

export function groupMarkets(store: BarStore, groupBy: 'market' | 'series'): MarketBars[] {
  const groups = new Map<string, SeriesBars[]>()
  for (const series of store.series()) {
    const name = groupBy === 'series' ? series.key : baseAsset(series.market)
    const members = groups.get(name)
    if (members) members.push(series)
    else groups.set(name, [series])
  }
  return [...groups.keys()].sort().map((name) => {
    const members = groups.get(name)!
    let venues = members.map(venueOf)
    const price = choosePrice(venues)
    if (members.some((series) => series.baseUnitLiquidationBuckets > 0)) {
      for (const [i, series] of members.entries()) valueInUsd(series, venues[i]!.price, price)
      venues = members.map(venueOf)
    }
    return {
      name,
      venues,
      price: price && venues.find((venue) => venue.series === price.series)!.price,
      priceCandidates: venues.filter((venue) => venue.price !== null).length,
    }
  })
}

/** Quote currencies that are dollars (or stablecoins taken at a dollar) in canonical market names. */
export const DOLLAR_QUOTES: ReadonlySet<string> = new Set([
  'USD',
  'USDT',
  'USDC',
  'BUSD',
  'FDUSD',
  'TUSD',
  'USDP',
  'DAI',
  'USDE',
  'AGG',
])

/** Whether a canonical market (`BTC-USDT-PERP`) is quoted in dollars. */
export function dollarQuoted(market: string): boolean {
  const quote = market.split('-')[1]
  return quote !== undefined && DOLLAR_QUOTES.has(quote)
}

/**
 * Liquidations counted in coins (Coinalyze) valued in USD: at the series' own prices when it has
 * them in dollars, else at the market's price path when that is in dollars. A bucket opening at t
 * takes the close of the last price bar opening at or before t, no earlier than one bucket (or
 * price bar, the longer) before it; without one it stays out of the USD figures (the warnings say so).
 */
function valueInUsd(series: SeriesBars, own: FigureView | null, market: FigureView | null): void {
  const view =
    own && dollarQuoted(own.series.market)
      ? own
      : market && dollarQuoted(market.series.market)
        ? market
        : null
  const layer = view?.layer
  series.valueBaseLiquidations((t, bucketMs) => {
    if (!layer) return null
    const oldest = t - Math.max(bucketMs, layer.durationMs)
    for (let i = layer.lowerBound(t + 1) - 1; i >= 0 && layer.time[i]! >= oldest; i--) {
      const close = layer.close[i]!
      if (!Number.isNaN(close)) return close
    }
    return null
  }, view?.series.key ?? null)
}

/** `[from, to)` in epoch ms. */
export interface TimeRange {
  from: number
  to: number
}

const EVERYTHING: TimeRange = { from: Number.NEGATIVE_INFINITY, to: Number.POSITIVE_INFINITY }

/**
 * Dense cells of one figure summed over venues, at the coarsest resolution among them (at least a
 * minute), aligned to UTC multiples of the step: the grid for baselines, peaks and waves.
 */
export class CellTrack {
  readonly origin: number
  readonly step: number
  readonly length: number
  /** One array per column (liquidations: long, short; volume: one). */
  readonly values: Float64Array[]
  /** Time covered by the inputs: [coverFrom, coverTo). */
  readonly coverFrom: number
  readonly coverTo: number

  /** A track over the same cells holding only column `index` (the data are shared, not copied). */
  column(index: number): CellTrack {
    const picked = Object.create(CellTrack.prototype) as { -readonly [K in keyof CellTrack]: CellTrack[K] }
    Object.assign(picked, this)
    picked.values = [this.values[index]!]
    return picked as CellTrack
  }

  /**
   * `groupOf` (optional) puts views in groups: values add up within a group, and across groups
   * the larger wins, cell by cell. An aggregator's bucket already contains the single venues it
   * covers, so adding it to them would count the same liquidations twice.
   */
  constructor(
    views: readonly FigureView[],
    columns: (layer: BarColumns) => readonly CellColumn[],
    groupOf: (view: FigureView) => string = () => '',
    range: TimeRange = EVERYTHING,
  ) {
    let step = MINUTE
    let from = Number.POSITIVE_INFINITY
    let to = Number.NEGATIVE_INFINITY
    for (const view of views) {
      step = Math.max(step, view.layer.durationMs)
      from = Math.min(from, view.layer.first ?? from)
      to = Math.max(to, (view.layer.last ?? to) + view.layer.durationMs)
    }
    from = Math.max(from, range.from)
    to = Math.min(to, range.to)
    if (!(to > from)) {
      from = 0
      to = 0
    }
    this.step = step
    this.origin = Math.floor(from / step) * step
    this.length = Math.max(0, Math.ceil((to - this.origin) / step))
    this.coverFrom = from
    this.coverTo = to
    const width = views[0] ? columns(views[0].layer).length : 0
    const groups = new Map<string, Float64Array[]>()
    for (const view of views) {
      const group = groupOf(view)
      let values = groups.get(group)
      if (!values) {
        values = Array.from({ length: width }, () => new Float64Array(this.length))
        groups.set(group, values)
      }
      const sources = columns(view.layer)
      for (let c = 0; c < width; c++)
        view.layer.addCells(sources[c]!, values[c]!, this.origin, step, range.from, range.to)
    }
    const [first, ...others] = [...groups.values()]
    this.values = first ?? []
    for (const values of others) {
      // The larger group wins a cell on its total, so long and short stay from the same source.
      for (let cell = 0; cell < this.length; cell++) {
        let mine = 0
        let theirs = 0
        for (let c = 0; c < width; c++) {
          mine += this.values[c]![cell]!
          theirs += values[c]![cell]!
        }
        if (theirs > mine) for (let c = 0; c < width; c++) this.values[c]![cell] = values[c]![cell]!
      }
    }
  }

  cellOf(t: number): number {
    return Math.floor((t - this.origin) / this.step)
  }

  startOf(cell: number): number {
    return this.origin + cell * this.step
  }

  /** Sum of the columns in one cell. */
  total(cell: number): number {
    let sum = 0
    for (const column of this.values) sum += column[cell] ?? 0
    return sum
  }

  /** Totals of the cells in [from, to), clipped to the track. */
  totals(from: number, to: number): number[] {
    const out: number[] = []
    for (let c = Math.max(0, from); c < Math.min(to, this.length); c++) out.push(this.total(c))
    return out
  }

  overlaps(fromMs: number, toMs: number): boolean {
    return this.length > 0 && fromMs < this.coverTo && toMs > this.coverFrom
  }
}

/** Exchanges whose files are aggregates of several venues (CoinGlass, Coinalyze): from the regime table. */
export const AGGREGATORS: ReadonlySet<string> = AGGREGATOR_VENUES

/**
 * Liquidations (long, short) of every venue that has them; null when none does. Single venues add
 * up; an aggregator's figure is an alternative to that sum (and to other aggregators'), not an
 * addition: per cell the largest of them is taken. `range` keeps the bars that open inside it.
 */
export function liquidationTrack(market: MarketBars, range: TimeRange = EVERYTHING): CellTrack | null {
  const views = market.venues.flatMap((venue) => (venue.liquidations ? [venue.liquidations] : []))
  if (views.length === 0) return null
  const groupOf = (view: FigureView) => (AGGREGATORS.has(view.series.exchange) ? view.series.key : '')
  return new CellTrack(views, () => ['liqLongUsd', 'liqShortUsd'], groupOf, range)
}

/**
 * A market's liquidation totals in USD over `range` (all of its data by default): the sum of
 * liquidationTrack's cells, so every command that totals a span counts aggregators the same way.
 * Null when no venue has liquidations.
 */
export function liquidationTotals(
  market: MarketBars,
  range: TimeRange = EVERYTHING,
): { longUsd: number; shortUsd: number } | null {
  const track = liquidationTrack(market, range)
  if (!track) return null
  let longUsd = 0
  let shortUsd = 0
  for (let cell = 0; cell < track.length; cell++) {
    longUsd += track.values[0]![cell]!
    shortUsd += track.values[1]![cell]!
  }
  return { longUsd, shortUsd }
}

/** Volume of every venue that has it, in USD when all of them know USD, else in base units. */
export function volumeTrack(market: MarketBars): { track: CellTrack; usd: boolean } | null {
  const views = market.venues.flatMap((venue) => (venue.volume ? [venue.volume] : []))
  if (views.length === 0) return null
  const usd = views.every((view) => view.layer.hasVolumeUsd)
  return { track: new CellTrack(views, () => [usd ? 'volumeUsd' : 'volume']), usd }
}
