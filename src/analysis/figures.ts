/**
 * The figures of a window (DESIGN §6): volume, liquidations, open interest and the per-venue
 * breakdown, each over a half-open window [from, to) of bar open times, `null` where no input
 * covers the window. Cascades and episodes use the same functions, so their figures agree.
 */
import type { BarColumns } from '../bars/index.js'
import {
  AGGREGATORS,
  type CellTrack,
  type FigureView,
  liquidationTrack,
  type MarketBars,
  volumeTrack,
} from './market.js'
import {
  type Baseline,
  openInterestFigures,
  peakCell,
  priceKnownAt,
  trailingBaseline,
  windowSums,
} from './metrics.js'
import type { AnalysisParams } from './params.js'
import type {
  CascadeLiquidations,
  CascadeOpenInterest,
  CascadeVenue,
  CascadeVolume,
  LiquidationFigures,
} from './report-types.js'
import {
  baseUnits,
  durationWords,
  HOUR,
  iso,
  MINUTE,
  medianOrNull,
  multiple,
  pct,
  resolutionLabel,
  round,
  usd,
  usdOrNull,
} from './stats.js'

/** One market's bars and the tracks the figures are read from. */
export interface Context {
  market: MarketBars
  params: AnalysisParams
  layer: BarColumns
  liquidations: CellTrack | null
  volume: { track: CellTrack; usd: boolean } | null
}

export function marketContext(market: MarketBars, params: AnalysisParams): Context | null {
  if (!market.price) return null
  return {
    market,
    params,
    layer: market.price.layer,
    liquidations: liquidationTrack(market),
    volume: volumeTrack(market),
  }
}

/** Cells that make `waveCalmMin` minutes on a track (at least one). */
export function calmCells(track: CellTrack, params: AnalysisParams): number {
  return Math.max(1, Math.ceil((params.waveCalmMin * MINUTE) / track.step))
}

/** The level at which a cell is "far above baseline": where its robust z reaches liqZ. */
export function hotLevel(baseline: Baseline | null, z: number): number {
  return baseline === null ? 0 : baseline.median + (z * baseline.mad) / 0.6745
}

export function unitWord(step: number): string {
  if (step === MINUTE) return 'minute'
  if (step === 3_600_000) return 'hour'
  if (step === 86_400_000) return 'day'
  return `${resolutionLabel(step)} bucket`
}

/**
 * The words for a trailing baseline, naming what it was computed from: "the median minute of the
 * previous 24 h"; "… of the previous 9 h 06 min (the data begin there)" when the data begin later;
 * "the previous day" when it is one cell (daily bars and a 24 h baseline); "… of the data" when the
 * whole track stood in.
 */
export function baselineWords(
  baseline: Baseline | null,
  unit: string,
  params: Pick<AnalysisParams, 'baselineHours'>,
): string {
  if (baseline?.cells === 1 && !baseline.wholeTrack) return `the previous ${unit}`
  return `the median ${unit} ${baselineSpan(baseline, params.baselineHours)}`
}

/** `of the previous 24 h`, `of the previous 3 days`, `of the previous 9 h 06 min (the data begin there)`, `of the data`. */
function baselineSpan(baseline: Baseline | null, hours: number): string {
  if (baseline?.wholeTrack) return 'of the data'
  if (baseline && baseline.spanMs < hours * HOUR)
    return `of the previous ${durationWords(baseline.spanMs)} (the data begin there)`
  return `of the previous ${hours >= 48 && hours % 24 === 0 ? `${hours / 24} days` : `${hours} h`}`
}

/** A bar's length as the unit a move inside it took: `minute`, `hour`, `day`, or `5m bar`. */
export function barWord(step: number): string {
  if (step === 1000) return 'second'
  if (step === MINUTE || step === HOUR || step === 86_400_000) return unitWord(step)
  return `${resolutionLabel(step)} bar`
}

export function pctOrNull(x: number | null): number | null {
  return x === null ? null : pct(x)
}

export function coarsest(values: readonly (number | undefined)[]): number | null {
  let best: number | null = null
  for (const value of values) if (value !== undefined && (best === null || value > best)) best = value
  return best
}

export function covering(views: readonly FigureView[], from: number, to: number): FigureView[] {
  return views.filter((view) => {
    const first = view.layer.first
    const last = view.layer.last
    return first !== null && last !== null && first < to && last + view.layer.durationMs > from
  })
}

/**
 * The volume level a window is compared with: the median cell of the trailing baseline, or, when
 * that median is 0 (most minutes without trades), the median of the cells that have trades.
 */
export function volumeBaseline(
  track: CellTrack,
  startMs: number,
  hours: number,
  lastCell: number,
): { level: number; words: string } | null {
  const baseline = trailingBaseline(track, startMs, hours, lastCell)
  if (!baseline) return null
  const unit = unitWord(track.step)
  if (baseline.median > 0)
    return { level: baseline.median, words: baselineWords(baseline, unit, { baselineHours: hours }) }
  const span = baselineSpan(baseline, hours)
  const first = track.cellOf(startMs)
  const from = baseline.wholeTrack ? 0 : track.cellOf(startMs - hours * 3_600_000)
  const cells = track.totals(from, first).filter((x) => x > 0)
  if (baseline.wholeTrack) cells.push(...track.totals(lastCell + 1, track.length).filter((x) => x > 0))
  const level = medianOrNull(cells)
  if (level === null || level <= 0) return null
  return { level, words: `the median ${unit} with trades ${span} (most ${unit}s had none)` }
}

export function volumeFigures(context: Context, from: number, to: number): CascadeVolume {
  const all = context.market.venues.flatMap((venue) => (venue.volume ? [venue.volume] : []))
  const views = covering(all, from, to)
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
    const baseline = volumeBaseline(track, from, context.params.baselineHours, last)
    const cells = track.totals(first, last + 1)
    if (baseline && cells.length > 0) {
      const mean = cells.reduce((sum, x) => sum + x, 0) / cells.length
      baselineMultiple = multiple(mean / baseline.level)
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

export function liquidationFigures(
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

export function openInterestOf(
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

export function venueFigures(
  context: Context,
  from: number,
  to: number,
  oiDrawdown: readonly (number | null)[],
): CascadeVenue[] {
  return context.market.venues.map((venue, i) => {
    // A venue whose data do not reach into the window has no figure there: null, not 0.
    const [volumeView] = venue.volume ? covering([venue.volume], from, to) : []
    const [liqView] = venue.liquidations ? covering([venue.liquidations], from, to) : []
    const volume = volumeView?.layer.hasVolumeUsd ? windowSums(volumeView.layer, from, to) : null
    const liq = liqView ? windowSums(liqView.layer, from, to) : null
    const oi = oiDrawdown[i] ?? null
    return {
      series: venue.series.key,
      volumeUsd: volume ? usd(volume.volumeUsd) : null,
      liquidationsUsd: liq ? usd(liq.liqLongUsd + liq.liqShortUsd) : null,
      oiDrawdownPct: oi === null ? null : pct(oi),
    }
  })
}
