/**
 * The analysis entry points (DESIGN §5–6): bars in, the markets' summaries, cascades, episodes,
 * market-wide events and data warnings out. Legs are found in legs.ts, made into cascades in
 * cascades.ts, grouped in episodes.ts and events.ts; figures come from figures.ts.
 */

import { BarStore } from '../bars/index.js'
import type { TimelineEvent } from '../timeline/event.js'
import { detectMarket } from './cascades.js'
import { marketEvents } from './events.js'
import { coarsest } from './figures.js'
import { regimeWarnings } from './liquidation-regimes.js'
import { AGGREGATORS, groupMarkets, liquidationTotals, type MarketBars } from './market.js'
import { type AnalysisParams, DEFAULT_PARAMS } from './params.js'
import type { Cascade, Episode, MarketEvent, MarketSummary, Resolution } from './report-types.js'
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
  let first: number | null = null
  let last: number | null = null
  for (const venue of market.venues) {
    for (const layer of venue.series.layers) {
      if (layer.first !== null && (first === null || layer.first < first)) first = layer.first
      if (layer.last !== null && (last === null || layer.last > last)) last = layer.last
    }
  }
  // Funding alone still has a span: the user sees which time the rates cover.
  for (const rates of first === null ? market.venues.map((venue) => venue.funding) : []) {
    if (!rates) continue
    const head = rates[0]!.ts
    const tail = rates[rates.length - 1]!.ts
    if (first === null || head < first) first = head
    if (last === null || tail > last) last = tail
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
  }
}

/** Quote currencies that are dollars (or stablecoins taken at a dollar) in canonical market names. */
const DOLLARS: ReadonlySet<string> = new Set([
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
      if (venue.liquidations) warnings.push(...regimeWarnings(series, venue.liquidations.layer))
      const hourly = series.buckets.filter(
        (layer) =>
          layer.durationMs >= 3_600_000 && (layer.hasLiquidations || layer.hasOpenInterest || layer.hasPrice),
      )
      for (const layer of hourly) {
        warnings.push(
          `${series.key}: ${resolutionLabel(layer.durationMs)} buckets (aggregator data): figures from ` +
            `them are ${resolutionLabel(layer.durationMs)} totals and cascade times fall on bucket opens, ` +
            'not ticks',
        )
      }
      const quote = series.market.split('-')[1]
      if (series.nonUsdTrades > 0 || (quote !== undefined && !DOLLARS.has(quote))) {
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
  for (const venue of market.venues) {
    const buckets = venue.series.baseUnitLiquidationBuckets
    if (buckets === 0) continue
    warnings.push(
      `${venue.series.key}: ${buckets} liquidation bucket${buckets === 1 ? '' : 's'} in base units ` +
        `(coins, as Coinalyze writes them) ${buckets === 1 ? 'needs' : 'need'} a price series of the same market to be valued in USD: ` +
        'add trades or klines covering the same time',
    )
  }
  return warnings
}
