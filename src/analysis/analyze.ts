/**
 * The analysis entry points (DESIGN §5–6): bars in, the markets' summaries, cascades, episodes,
 * market-wide events and data warnings out. Legs are found in legs.ts, made into cascades in
 * cascades.ts, grouped in episodes.ts and events.ts; figures come from figures.ts.
 */

import { type BarColumns, BarStore, type CoverageFigure, type SeriesBars } from '../bars/index.js'
import type { TimelineEvent } from '../timeline/event.js'
import { detectMarket } from './cascades.js'
import { marketEvents } from './events.js'
import { coarsest } from './figures.js'
import { regimeWarnings } from './liquidation-regimes.js'
import { AGGREGATORS, DOLLAR_QUOTES, groupMarkets, liquidationTotals, type MarketBars } from './market.js'
import { type AnalysisParams, DEFAULT_PARAMS } from './params.js'
import type {
  Cascade,
  CoveredFigure,
  Episode,
  MarketEvent,
  MarketSummary,
  Resolution,
} from './report-types.js'
import { iso, resolutionLabel, usdOrNull } from './stats.js'

export interface AnalysisResult {
  params: AnalysisParams
  markets: MarketSummary[]
  cascades: Cascade[]
  episodes: Episode[]
  events: MarketEvent[]
  warnings: string[]
}

/** Folds the timeline batch by batch, then analyses the bars. No I/O of its own. */
export async function analyzeTimeline(
  batches: AsyncIterable<readonly TimelineEvent[]>,
  params: AnalysisParams = DEFAULT_PARAMS,
): Promise<AnalysisResult> {
  const store = new BarStore()
  for await (const batch of batches) for (const event of batch) store.add(event)
  return analyzeBars(store, params)
}

export function analyzeBars(store: BarStore, params: AnalysisParams = DEFAULT_PARAMS): AnalysisResult {
  const markets = groupMarkets(store, params.groupBy)
  const found = markets.map((market) => detectMarket(market, params))
  const cascades = found.flatMap((market) => market.cascades).sort(byStart)
  const episodes = found.flatMap((market) => market.episodes).sort(byStart)
  return {
    params: { ...params },
    markets: markets.map(summarizeMarket),
    cascades,
    episodes,
    events: marketEvents(cascades, params),
    warnings: dataWarnings(markets, cascades, params),
  }
}

/** Time order, then market, then direction: a stable order for every list of the report. */
function byStart(
  a: { start: string; market: string; direction: string },
  b: { start: string; market: string; direction: string },
): number {
  return (
    (a.start < b.start ? -1 : a.start > b.start ? 1 : 0) ||
    (a.market < b.market ? -1 : a.market > b.market ? 1 : 0) ||
    (a.direction < b.direction ? -1 : a.direction > b.direction ? 1 : 0)
  )
}

/** The one-line view of a market: span, price range, volume and liquidations of the whole input. */
export function summarizeMarket(market: MarketBars): MarketSummary {
  const coverage = figureCoverage(market)
  let first: number | null = null
  let last: number | null = null
  for (const span of Object.values(coverage)) {
    if (first === null || span.from < first) first = span.from
    if (last === null || span.to > last) last = span.to
  }
  const range = market.price?.layer.priceRange() ?? null
  const volumeViews = market.venues.flatMap((venue) => (venue.volume ? [venue.volume] : []))
  const liqViews = market.venues.flatMap((venue) => (venue.liquidations ? [venue.liquidations] : []))
  let volumeUsd: number | null = null
  if (volumeViews.length > 0 && volumeViews.every((view) => view.layer.hasVolumeUsd)) {
    volumeUsd = 0
    for (const view of volumeViews) volumeUsd += view.layer.total('volumeUsd')
  }
  // The shared rule: an aggregator and the single exchanges it covers are not added together.
  const liquidations = liquidationTotals(market)
  const resolution: Record<string, Resolution> = {}
  if (market.price) resolution.price = resolutionLabel(market.price.resolutionMs)
  const volumeRes = coarsest(volumeViews.map((view) => view.resolutionMs))
  if (volumeRes !== null) resolution.volume = resolutionLabel(volumeRes)
  const liqRes = coarsest(liqViews.map((view) => view.resolutionMs))
  if (liqRes !== null) resolution.liquidations = resolutionLabel(liqRes)
  const oiRes = coarsest(market.venues.map((venue) => venue.openInterest?.resolutionMs))
  if (oiRes !== null) resolution.openInterest = resolutionLabel(oiRes)
  return {
    market: market.name,
    series: market.venues.map((venue) => venue.series.key),
    first: first === null ? null : iso(first),
    last: last === null ? null : iso(last),
    open: range?.open ?? null,
    high: range?.high ?? null,
    highAt: range ? iso(range.highAt) : null,
    low: range?.low ?? null,
    lowAt: range ? iso(range.lowAt) : null,
    close: range?.close ?? null,
    volumeUsd: usdOrNull(volumeUsd),
    liqLongUsd: usdOrNull(liquidations?.longUsd ?? null),
    liqShortUsd: usdOrNull(liquidations?.shortUsd ?? null),
    priceSeries: market.price?.series.key ?? null,
    resolution,
    coverage: Object.fromEntries(
      Object.entries(coverage).map(([figure, span]) => [figure, { from: iso(span.from), to: iso(span.to) }]),
    ),
  }
}

/** First and last bar (or rate) time of each figure of a market, for the figures it has. */
function figureCoverage(market: MarketBars): Partial<Record<CoveredFigure, { from: number; to: number }>> {
  const coverage: Partial<Record<CoveredFigure, { from: number; to: number }>> = {}
  const widen = (figure: CoveredFigure, from: number, to: number) => {
    const held = coverage[figure]
    coverage[figure] = held ? { from: Math.min(held.from, from), to: Math.max(held.to, to) } : { from, to }
  }
  // (Layers give their own spans: a compacted layer of the window kept them, having no rows.)
  const rows = (figure: CoveredFigure & CoverageFigure, layer: BarColumns) => {
    const span = layer.span(figure)
    if (span) widen(figure, span.from, span.to)
  }
  const price = market.price?.layer
  if (price) rows('price', price)
  for (const venue of market.venues) {
    // A row of a volume layer holds volume when it has a price or a trade: rows of liquidations or
    // open interest alone share the layer.
    const volume = venue.volume?.layer
    if (volume) rows('volume', volume)
    // Liquidations: the span of the records of every feed (a bucket of 0 is a record too), also of
    // those in coins that no price could value (the warnings say which).
    for (const source of venue.series.liquidationSources.values())
      widen('liquidations', source.first, source.last)
    const oi = venue.openInterest?.layer
    if (oi) rows('openInterest', oi)
    const rates = venue.funding
    if (rates) widen('funding', rates[0]!.ts, rates[rates.length - 1]!.ts)
  }
  const ordered: Partial<Record<CoveredFigure, { from: number; to: number }>> = {}
  for (const figure of COVERED_FIGURES) if (coverage[figure]) ordered[figure] = coverage[figure]
  return ordered
}

const COVERED_FIGURES: readonly CoveredFigure[] = [
  'price',
  'volume',
  'liquidations',
  'openInterest',
  'funding',
]

/** Known limits of the data, one line each, in a stable order. */
export function dataWarnings(
  markets: readonly MarketBars[],
  cascades: readonly Cascade[],
  params: Pick<AnalysisParams, 'withinMin'> = DEFAULT_PARAMS,
): string[] {
  const warnings: string[] = []
  const withCascades = new Set(cascades.map((cascade) => cascade.market))
  for (const market of markets) {
    const barMs = market.price?.layer.durationMs ?? 0
    if (barMs > params.withinMin * 60_000) {
      warnings.push(
        `${market.name}: price bars are ${resolutionLabel(barMs)}, longer than --within ` +
          `${params.withinMin} min: a move inside one bar cannot be shown to be that fast, so no ` +
          `cascade is called; give finer bars or raise --within to ${barMs / 60_000}`,
      )
    }
    if (!market.price) {
      warnings.push(`${market.name}: no prices (trades or klines), so no cascade can be detected`)
      warnings.push(...unpricedWarnings(market))
    } else if (!market.venues.some((venue) => venue.liquidations)) {
      warnings.push(
        `${market.name}: no liquidation data; liquidation figures need liquidation files ` +
          '(e.g. Binance liquidationSnapshot, Tardis liquidations, CoinGlass exports)',
      )
    }
    if (withCascades.has(market.name) && !market.venues.some((venue) => venue.openInterest)) {
      warnings.push(
        `${market.name}: no open-interest data; open-interest figures need OI files (e.g. Binance metrics)`,
      )
    }
    const liqVenues = market.venues.filter((venue) => venue.liquidations)
    const aggregated = liqVenues.filter((venue) => AGGREGATORS.has(venue.series.exchange))
    if (aggregated.length > 0 && liqVenues.length > 1) {
      warnings.push(
        `${market.name}: liquidations of ${aggregated.map((venue) => venue.series.key).join(', ')} ` +
          '(aggregates of several exchanges) are not added to those of single exchanges: ' +
          'each minute or bucket takes the larger of the aggregate and the single-exchange sum',
      )
    }
    for (const venue of market.venues) {
      const series = venue.series
      warnings.push(...baseLiquidationWarnings(series))
      if (venue.liquidations) warnings.push(...regimeWarnings(series, venue.liquidations.layer))
      const hourly = series.buckets.filter(
        (layer) =>
          layer.durationMs >= 3_600_000 && (layer.hasLiquidations || layer.hasOpenInterest || layer.hasPrice),
      )
      for (const layer of hourly) {
        // An exchange's own hourly klines are bars, not an aggregator's buckets.
        const kind = AGGREGATORS.has(series.exchange) ? 'buckets (aggregator data)' : 'bars'
        warnings.push(
          `${series.key}: ${resolutionLabel(layer.durationMs)} ${kind}: figures from ` +
            `them are ${resolutionLabel(layer.durationMs)} totals and cascade times fall on ${kind.split(' ')[0]!.slice(0, -1)} opens, ` +
            'not ticks',
        )
      }
      const quote = series.market.split('-')[1]
      if (series.nonUsdTrades > 0 || (quote !== undefined && !DOLLAR_QUOTES.has(quote))) {
        // BTC-quoted (ETH-BTC) is not EUR-quoted: name the currency the prices and moves are in.
        const crypto =
          quote !== undefined && !['EUR', 'GBP', 'JPY', 'TRY', 'BRL', 'AUD', 'CAD', 'CHF'].includes(quote)
        warnings.push(
          `${series.key}: prices are in ${quote ?? 'another currency'}, not dollars, so its USD figures (volume, liquidations) ` +
            `are unknown${crypto ? ` and its moves are moves against ${quote}, which moves too` : ''}`,
        )
      }
    }
  }
  return warnings
}

/** What a market without prices read but cannot use: funding rates, liquidations in coins. */
function unpricedWarnings(market: MarketBars): string[] {
  const warnings: string[] = []
  const funded = market.venues.filter((venue) => venue.funding)
  if (funded.length > 0) {
    const rates = funded.reduce((sum, venue) => sum + venue.funding!.length, 0)
    warnings.push(
      `${market.name}: ${rates} funding rate${rates === 1 ? '' : 's'} read ` +
        `(${funded.map((venue) => venue.series.key).join(', ')}), but funding is shown only beside a ` +
        'cascade: add trades or klines of the same market covering the same time',
    )
  }
  return warnings
}

/** How a series' liquidations counted in coins (Coinalyze) were valued in USD, or why not. */
function baseLiquidationWarnings(series: SeriesBars): string[] {
  const buckets = series.baseUnitLiquidationBuckets
  const valuation = series.baseLiquidationValuation
  if (buckets === 0 || !valuation) return []
  const s = (n: number) => (n === 1 ? '' : 's')
  if (valuation.valued === 0) {
    return [
      `${series.key}: ${buckets} liquidation bucket${s(buckets)} in base units (coins, as Coinalyze writes them) ` +
        `${buckets === 1 ? 'needs' : 'need'} a price series of the same market to be valued in USD: ` +
        `${valuation.priceSeries ? `${valuation.priceSeries} has no price at or before ${buckets === 1 ? 'it' : 'them'}, so ${buckets === 1 ? 'it is' : 'they are'} left out of the USD figures; ` : ''}` +
        'add trades or klines covering the same time',
    ]
  }
  const valued =
    `${series.key}: ${valuation.valued} liquidation bucket${s(valuation.valued)} in base units (coins, as ` +
    `Coinalyze writes them) valued in USD at ${valuation.priceSeries}'s close at or before each bucket`
  if (valuation.unpriced === 0) return [valued]
  return [
    `${valued}; ${valuation.unpriced} more (the first at ${minuteUtc(valuation.firstUnpriced!)} UTC) have ` +
      'no price at or before them and are left out of the USD figures: add trades or klines covering that time',
  ]
}

const minuteUtc = (ms: number) => iso(ms).slice(0, 16).replace('T', ' ')
