/**
 * Detection and measurement per market (DESIGN §5–6): episodes from the price path, kept when the
 * flow confirms them (liquidations far above their baseline where liquidation data covers the
 * window; otherwise a volume surge), then every figure of the report contract, `null` where the
 * inputs cannot give it, and the reasons in words a user can check.
 */

import { BarStore } from '../bars/index.js'
import type { TimelineEvent } from '../timeline/event.js'
import { type Direction, type Episode, findEpisodes, refineRetrace, retraceIndex } from './detect.js'
import { estimateLiquidations, liquidationScope, noRecords } from './liquidation-estimate.js'
import { regimeWarnings } from './liquidation-regimes.js'
import {
  AGGREGATORS,
  type CellTrack,
  type FigureView,
  groupMarkets,
  liquidationTrack,
  type MarketBars,
  volumeTrack,
} from './market.js'
import {
  type Baseline,
  calmAfter,
  countWaves,
  maxMovePct,
  openInterestFigures,
  peakCell,
  peakZ,
  priceAt,
  priceKnownAt,
  trailingBaseline,
  windowSums,
} from './metrics.js'
import { type AnalysisParams, DEFAULT_PARAMS } from './params.js'
import { type PricePath, pricePath } from './path.js'
import type {
  Cascade,
  CascadeLiquidations,
  CascadeOpenInterest,
  CascadeVenue,
  CascadeVolume,
  LiquidationFigures,
  MarketSummary,
  Resolution,
} from './report-types.js'
import {
  baseUnits,
  durationWords,
  iso,
  MINUTE,
  pct,
  resolutionLabel,
  round,
  timesWords,
  usd,
  usdOrNull,
  usdWords,
} from './stats.js'

export interface AnalysisResult {
  params: AnalysisParams
  markets: MarketSummary[]
  cascades: Cascade[]
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
  const cascades = markets.flatMap((market) => detectCascades(market, params))
  cascades.sort(
    (a, b) =>
      (a.start < b.start ? -1 : a.start > b.start ? 1 : 0) ||
      (a.market < b.market ? -1 : a.market > b.market ? 1 : 0) ||
      (a.direction < b.direction ? -1 : a.direction > b.direction ? 1 : 0),
  )
  return {
    params: { ...params },
    markets: markets.map(summarizeMarket),
    cascades,
    warnings: dataWarnings(markets, cascades),
  }
}

/** Every cascade of one market, in time order. */
export function detectCascades(market: MarketBars, params: AnalysisParams = DEFAULT_PARAMS): Cascade[] {
  if (!market.price) return []
  const context: Context = {
    market,
    params,
    path: pricePath(market.price.layer),
    liquidations: liquidationTrack(market),
    volume: volumeTrack(market),
  }
  const episodes = [
    ...findEpisodes(context.path, 'down', params),
    ...findEpisodes(context.path, 'up', params),
  ]
  const cascades: Cascade[] = []
  for (const episode of episodes) {
    const cascade = measure(context, episode)
    if (cascade) cascades.push(cascade)
  }
  return cascades.sort((a, b) =>
    a.start < b.start ? -1 : a.start > b.start ? 1 : a.direction < b.direction ? -1 : 1,
  )
}

interface Context {
  market: MarketBars
  params: AnalysisParams
  path: PricePath
  liquidations: CellTrack | null
  volume: { track: CellTrack; usd: boolean } | null
}

/** Cells that make `waveCalmMin` minutes on a track (at least one). */
function calmCells(track: CellTrack, params: AnalysisParams): number {
  return Math.max(1, Math.ceil((params.waveCalmMin * MINUTE) / track.step))
}

/** The level at which a cell is "far above baseline": where its robust z reaches liqZ. */
function hotLevel(baseline: Baseline | null, z: number): number {
  return baseline === null ? 0 : baseline.median + (z * baseline.mad) / 0.6745
}

function unitWord(step: number): string {
  if (step === MINUTE) return 'minute'
  if (step === 3_600_000) return 'hour'
  return `${resolutionLabel(step)} bucket`
}

function measure(context: Context, episode: Episode): Cascade | null {
  const { market, params, path } = context
  const direction: Direction = episode.direction
  const priceView = market.price!
  const priceLayer = priceView.layer
  const priceRes = path.resolutionMs
  const startT = path.time[episode.startIdx]!
  const startX = path.price[episode.startIdx]!
  const extremeT = path.time[episode.extremeIdx]!
  const extremeX = path.price[episode.extremeIdx]!

  // End: the price gives back reboundFrac of the move, or (below) liquidations return to baseline;
  // failing both, the last moment the move was still fast.
  let endT: number
  let endX: number
  const k = retraceIndex(
    path,
    episode,
    params.reboundFrac,
    Math.max(episode.lastFastIdx, episode.searchEndIdx),
  )
  if (k >= 0) {
    const threshold = extremeX + params.reboundFrac * (startX - extremeX)
    const refined = refineRetrace(path, direction, extremeT, path.time[k]!, threshold)
    endT = refined?.time ?? path.time[k]!
    endX = refined?.price ?? path.price[k]!
  } else {
    endT = path.time[Math.max(episode.lastFastIdx, episode.extremeIdx)]!
    endX = priceAt(priceLayer, endT) ?? extremeX
  }

  const reasons: string[] = []
  const liq = context.liquidations
  const liqCovered = liq?.overlaps(startT, endT + priceRes) === true
  // The forced flow of a fall is longs liquidated; of a squeeze, shorts.
  const sideWord = direction === 'down' ? 'long' : 'short'
  const side = liq && liqCovered ? liq.column(direction === 'down' ? 0 : 1) : null
  let liqBaseline: Baseline | null = null
  if (side) {
    liqBaseline = trailingBaseline(side, startT, params.baselineHours, side.cellOf(endT + priceRes - 1))
    const calmLevel = Math.max(hotLevel(liqBaseline, params.liqZ), (params.liqFloorUsd * side.step) / MINUTE)
    const calm = calmAfter(side, side.cellOf(extremeT), calmLevel, calmCells(side, params), side.cellOf(endT))
    if (calm !== null && calm < endT) {
      endT = calm
      endX = priceAt(priceLayer, endT) ?? extremeX
    }
  }
  const windowEnd = endT + priceRes

  // Flow that confirms the move.
  let liquidations: CascadeLiquidations | null = null
  let waves = 1
  if (side) {
    const first = side.cellOf(startT)
    const last = side.cellOf(windowEnd - 1)
    const peak = peakCell(side, first, last)
    if (!peak) return null
    const z = peakZ(peak, liqBaseline)
    const perMinute = (peak.value * MINUTE) / side.step
    if (!(perMinute >= params.liqFloorUsd && z >= params.liqZ)) return null
    const unit = unitWord(side.step)
    const span = liqBaseline?.wholeTrack ? 'of the data' : `of the previous ${params.baselineHours} h`
    if (liqBaseline && liqBaseline.median > 0) {
      const multiple = timesWords(peak.value / liqBaseline.median)
      reasons.push(
        `${sideWord} liquidations ${multiple} the median ${unit} ${span} ` +
          `(${usdWords(peak.value)} in the peak ${unit})`,
      )
    } else {
      reasons.push(
        `${sideWord} liquidations ${usdWords(peak.value)} in the peak ${unit}; ` +
          `the median ${unit} ${span} had none`,
      )
    }
    waves = countWaves(
      side,
      first,
      last,
      Math.max(params.waveFrac * peak.value, hotLevel(liqBaseline, params.liqZ)),
      calmCells(side, params),
    )
  }

  const volume = volumeFigures(context, startT, windowEnd)
  const scope = side ? liquidationScope(market, startT, windowEnd) : []
  const estimates = estimateLiquidations(market, scope, startT, windowEnd, direction)
  if (side)
    liquidations = { ...liquidationFigures(context, startT, windowEnd, volume.quoteUsd), ...estimates.total }
  if (!liquidations) {
    const multiple = volume.baselineMultiple
    if (multiple !== null && multiple < params.minVolumeMultiple) return null
    if (context.volume) {
      const track = context.volume.track
      const first = track.cellOf(startT)
      const last = track.cellOf(windowEnd - 1)
      const peak = peakCell(track, first, last)
      const baseline = trailingBaseline(track, startT, params.baselineHours, last)
      if (peak) {
        const hot = Math.max(params.waveFrac * peak.value, (baseline?.median ?? 0) * params.minVolumeMultiple)
        waves = countWaves(track, first, last, hot, calmCells(track, params))
      }
    }
  }

  const movePct = ((extremeX - startX) / startX) * 100
  const toExtreme = extremeT - startT
  const took = toExtreme > 0 ? durationWords(toExtreme) : `one ${resolutionLabel(priceRes)} bar`
  reasons.unshift(
    `price ${direction === 'down' ? 'fell' : 'rose'} ${Math.abs(movePct).toFixed(1)} % in ${took} ` +
      `(${startX} → ${extremeX})`,
  )
  const sideUsd = direction === 'down' ? liquidations?.longUsd : liquidations?.shortUsd
  if (liquidations?.usd && sideUsd != null) {
    reasons.push(
      `${sideWord} positions ${((sideUsd / liquidations.usd) * 100).toFixed(0)} % of liquidated USD`,
    )
  }
  reasons.push(...estimates.reasons)
  if (volume.baselineMultiple !== null && context.volume) {
    const unit = unitWord(context.volume.track.step)
    reasons.push(`volume ${timesWords(volume.baselineMultiple)} the ${params.baselineHours} h median ${unit}`)
  }
  if (volume.takerBuyUsd !== null && volume.takerSellUsd !== null) {
    const taker = volume.takerBuyUsd + volume.takerSellUsd
    if (taker > 0) {
      const share = (direction === 'down' ? volume.takerSellUsd : volume.takerBuyUsd) / taker
      reasons.push(`taker ${direction === 'down' ? 'sell' : 'buy'} share ${(share * 100).toFixed(0)} %`)
    }
  }
  if (waves >= 2)
    reasons.push(`${waves} waves of ${liquidations ? 'liquidations' : 'volume'} separated by calm`)
  if (!liquidations) {
    reasons.push(
      context.liquidations
        ? 'no liquidation data for this window: detected from price speed and volume'
        : 'no liquidation data: detected from price speed and volume; ' +
            'liquidation figures need liquidation files',
    )
  }
  if (market.priceCandidates > 1) {
    reasons.push(
      `price path from ${priceView.series.key} (${resolutionLabel(priceRes)} bars; ` +
        `the finest and most liquid of ${market.priceCandidates} venues with prices)`,
    )
  }

  const openInterest = openInterestOf(context, startT, windowEnd)
  const resolution: Record<string, Resolution> = { price: resolutionLabel(priceRes) }
  const volumeRes = coarsest(market.venues.map((venue) => venue.volume?.resolutionMs))
  if (volumeRes !== null) resolution.volume = resolutionLabel(volumeRes)
  if (liquidations) {
    const liqRes = coarsest(market.venues.map((venue) => venue.liquidations?.resolutionMs))
    if (liqRes !== null) resolution.liquidations = resolutionLabel(liqRes)
  }
  if (openInterest.figures) resolution.openInterest = resolutionLabel(openInterest.resolutionMs)

  return {
    id: cascadeId(market.name, startT, direction),
    market: market.name,
    direction,
    start: iso(startT),
    extreme: iso(extremeT),
    end: iso(endT),
    durationSec: round((endT - startT) / 1000, 3),
    price: {
      start: startX,
      extreme: extremeX,
      end: endX,
      movePct: pct(movePct),
      reboundPct: startX === extremeX ? 0 : pct(((endX - extremeX) / (startX - extremeX)) * 100),
    },
    speed: {
      pctPerMin: round(Math.abs(movePct) / (Math.max(toExtreme, priceRes) / MINUTE), 3),
      timeToExtremeSec: round(toExtreme / 1000, 3),
      max1mPct: pctOrNull(maxMovePct(priceLayer, startT, endT, MINUTE)),
      max5mPct: pctOrNull(maxMovePct(priceLayer, startT, endT, 5 * MINUTE)),
      max15mPct: pctOrNull(maxMovePct(priceLayer, startT, endT, 15 * MINUTE)),
    },
    volume,
    liquidations: liquidations ?? noRecords(estimates.total),
    openInterest: openInterest.figures,
    waves,
    venues: venueFigures(context, startT, windowEnd, openInterest.venueDrawdownPct).map((venue, i) => ({
      ...venue,
      liquidations: estimates.venues[i]!,
    })),
    reasons,
    resolution,
    priceSeries: priceView.series.key,
  }
}

function pctOrNull(x: number | null): number | null {
  return x === null ? null : pct(x)
}

function coarsest(values: readonly (number | undefined)[]): number | null {
  let best: number | null = null
  for (const value of values) if (value !== undefined && (best === null || value > best)) best = value
  return best
}

/** `BTC-20260205T230000Z-down`: stable across runs, unique per market, start and direction. */
export function cascadeId(market: string, startMs: number, direction: Direction): string {
  const stamp = iso(startMs)
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z')
  return `${market}-${stamp}-${direction}`
}

function volumeFigures(context: Context, from: number, to: number): CascadeVolume {
  const views = context.market.venues.flatMap((venue) => (venue.volume ? [venue.volume] : []))
  if (views.length === 0) {
    return {
      base: null,
      quoteUsd: null,
      takerBuyUsd: null,
      takerSellUsd: null,
      trades: null,
      baselineMultiple: null,
    }
  }
  let base = 0
  let quote = 0
  let buy = 0
  let sell = 0
  let trades = 0
  for (const view of views) {
    const sums = windowSums(view.layer, from, to)
    base += sums.volume
    quote += sums.volumeUsd
    buy += sums.takerBuyUsd
    sell += sums.takerSellUsd
    trades += sums.trades
  }
  const allUsd = views.every((view) => view.layer.hasVolumeUsd)
  const allTaker = views.every((view) => view.layer.hasTaker)
  const allTrades = views.every((view) => view.layer.hasTrades)
  let baselineMultiple: number | null = null
  if (context.volume) {
    const track = context.volume.track
    const first = track.cellOf(from)
    const last = track.cellOf(to - 1)
    const baseline = trailingBaseline(track, from, context.params.baselineHours, last)
    const cells = track.totals(first, last + 1)
    if (baseline && baseline.median > 0 && cells.length > 0) {
      const mean = cells.reduce((sum, x) => sum + x, 0) / cells.length
      baselineMultiple = round(mean / baseline.median, 2)
    }
  }
  return {
    base: views.every((view) => view.layer.hasVolume) ? baseUnits(base) : null,
    quoteUsd: allUsd ? usd(quote) : null,
    takerBuyUsd: allUsd && allTaker ? usd(buy) : null,
    takerSellUsd: allUsd && allTaker ? usd(sell) : null,
    trades: allTrades ? Math.round(trades) : null,
    baselineMultiple,
  }
}

function liquidationFigures(
  context: Context,
  from: number,
  to: number,
  volumeUsd: number | null,
): Omit<CascadeLiquidations, keyof LiquidationFigures> {
  const all = context.market.venues.flatMap((venue) => (venue.liquidations ? [venue.liquidations] : []))
  // Single exchanges add up; an aggregator (CoinGlass, Coinalyze) already contains them, so the
  // window takes whichever group says more instead of adding the groups (as liquidationTrack does).
  const groups = new Map<string, FigureView[]>()
  for (const view of all) {
    const group = AGGREGATORS.has(view.series.exchange) ? view.series.key : ''
    groups.set(group, [...(groups.get(group) ?? []), view])
  }
  let chosen = { long: 0, short: 0, count: 0, largest: 0, views: [] as FigureView[] }
  for (const views of groups.values()) {
    const group = { long: 0, short: 0, count: 0, largest: 0, views }
    for (const view of views) {
      const sums = windowSums(view.layer, from, to)
      group.long += sums.liqLongUsd
      group.short += sums.liqShortUsd
      group.count += sums.liqCount
      group.largest = Math.max(group.largest, sums.liqLargestUsd)
    }
    if (chosen.views.length === 0 || group.long + group.short > chosen.long + chosen.short) chosen = group
  }
  const { long, short, count, largest, views } = chosen
  const perEvent = views.every((view) => !view.layer.liqFromBuckets)
  const track = context.liquidations!
  const perMinute = track.step === MINUTE
  const peak = peakCell(track, track.cellOf(from), track.cellOf(to - 1))
  const total = long + short
  return {
    count: perEvent ? count : null,
    usd: usd(total),
    longUsd: usd(long),
    shortUsd: usd(short),
    largestUsd: perEvent ? usd(largest) : null,
    peakMinute: perMinute && peak ? iso(track.startOf(peak.cell)) : null,
    peakMinuteUsd: perMinute && peak ? usd(peak.value) : null,
    shareOfVolume: volumeUsd !== null && volumeUsd > 0 ? round(total / volumeUsd, 4) : null,
  }
}

function openInterestOf(
  context: Context,
  from: number,
  to: number,
): { figures: CascadeOpenInterest | null; venueDrawdownPct: (number | null)[]; resolutionMs: number } {
  const { market } = context
  const views = market.venues.map((venue) => venue.openInterest)
  const marketPrice = market.price!.layer
  const priceOf = (venue: number, t: number) => {
    const own = market.venues[venue]?.price?.layer
    return (own ? priceKnownAt(own, t) : null) ?? priceKnownAt(marketPrice, t)
  }
  const oi = openInterestFigures(views, priceOf, from, to)
  const resolutionMs = coarsest(
    views.map((view, venue) => (view && oi.venueDrawdownPct[venue] !== null ? view.resolutionMs : undefined)),
  )
  if (oi.startUsd === null && oi.startBase === null) {
    return { figures: null, venueDrawdownPct: oi.venueDrawdownPct, resolutionMs: resolutionMs ?? 0 }
  }
  const drawdown = (start: number | null, min: number | null) =>
    start !== null && min !== null && start > 0 ? pct(((start - min) / start) * 100) : null
  return {
    figures: {
      startUsd: usdOrNull(oi.startUsd),
      minUsd: usdOrNull(oi.minUsd),
      drawdownUsd: oi.startUsd !== null && oi.minUsd !== null ? usd(oi.startUsd - oi.minUsd) : null,
      drawdownPct: drawdown(oi.startUsd, oi.minUsd),
      startBase: oi.startBase === null ? null : baseUnits(oi.startBase),
      minBase: oi.minBase === null ? null : baseUnits(oi.minBase),
      drawdownBasePct: drawdown(oi.startBase, oi.minBase),
    },
    venueDrawdownPct: oi.venueDrawdownPct,
    resolutionMs: resolutionMs ?? 0,
  }
}

function venueFigures(
  context: Context,
  from: number,
  to: number,
  oiDrawdown: readonly (number | null)[],
): CascadeVenue[] {
  return context.market.venues.map((venue, i) => {
    const volumeLayer = venue.volume?.layer
    const volume = volumeLayer?.hasVolumeUsd ? windowSums(volumeLayer, from, to) : null
    const liq = venue.liquidations ? windowSums(venue.liquidations.layer, from, to) : null
    const oi = oiDrawdown[i] ?? null
    return {
      series: venue.series.key,
      volumeUsd: volume ? usd(volume.volumeUsd) : null,
      liquidationsUsd: liq ? usd(liq.liqLongUsd + liq.liqShortUsd) : null,
      oiDrawdownPct: oi === null ? null : pct(oi),
    }
  })
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
  let open: number | null = null
  let high: number | null = null
  let low: number | null = null
  let close: number | null = null
  const priceLayer = market.price?.layer
  if (priceLayer) {
    for (let i = 0; i < priceLayer.length; i++) {
      if (Number.isNaN(priceLayer.open[i]!)) continue
      if (open === null) open = priceLayer.open[i]!
      if (high === null || priceLayer.high[i]! > high) high = priceLayer.high[i]!
      if (low === null || priceLayer.low[i]! < low) low = priceLayer.low[i]!
      close = priceLayer.close[i]!
    }
  }
  const volumeViews = market.venues.flatMap((venue) => (venue.volume ? [venue.volume] : []))
  const liqViews = market.venues.flatMap((venue) => (venue.liquidations ? [venue.liquidations] : []))
  let volumeUsd: number | null = null
  if (volumeViews.length > 0 && volumeViews.every((view) => view.layer.hasVolumeUsd)) {
    volumeUsd = 0
    for (const view of volumeViews) volumeUsd += sumColumn(view.layer.volumeUsd, view.layer.length)
  }
  let liqLongUsd: number | null = null
  let liqShortUsd: number | null = null
  // From the track, so an aggregator and the single exchanges it covers are not added together.
  const liqTrack = liquidationTrack(market)
  if (liqTrack) {
    liqLongUsd = sumColumn(liqTrack.values[0]!, liqTrack.length)
    liqShortUsd = sumColumn(liqTrack.values[1]!, liqTrack.length)
  }
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
    open,
    high,
    low,
    close,
    volumeUsd: usdOrNull(volumeUsd),
    liqLongUsd: usdOrNull(liqLongUsd),
    liqShortUsd: usdOrNull(liqShortUsd),
    priceSeries: market.price?.series.key ?? null,
    resolution,
  }
}

function sumColumn(column: Float64Array, length: number): number {
  let sum = 0
  for (let i = 0; i < length; i++) sum += column[i]!
  return sum
}

/** Known limits of the data, one line each, in a stable order. */
export function dataWarnings(markets: readonly MarketBars[], cascades: readonly Cascade[]): string[] {
  const warnings: string[] = []
  const withCascades = new Set(cascades.map((cascade) => cascade.market))
  for (const market of markets) {
    if (!market.price) {
      warnings.push(`${market.name}: no prices (trades or klines), so no cascade can be detected`)
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
      if (series.nonUsdTrades > 0) {
        warnings.push(`${series.key}: the quote currency is not a dollar, so its USD figures are unknown`)
      }
    }
  }
  return warnings
}
