/**
 * How much a window's liquidation records miss, and a figure where there are none (DESIGN §5.1,
 * README "Liquidation regimes and estimates"). Pure functions over the bars of one market, for a
 * half-open window [from, to):
 *
 * - `observedUsd`: the recorded sum (a hard lower bound on a capped feed);
 * - `coverage`: the seconds of the window holding at least one record;
 * - `oiImplied`: the open-interest decline in base units valued at the window's VWAP — position
 *   closing, forced plus voluntary — split long/short by the taker flow (else the move's direction);
 * - `estimatedUsd`: all liquidations of the window, with a range and the method that made it;
 * - `regime`: complete, capped, aggregate or absent (liquidation-regimes.ts).
 *
 * The estimate of a capped feed (one record per symbol per second, the latest) is an arrival-time
 * saturation model. Liquidations are taken to arrive as a Poisson stream whose rate λ changes slowly
 * (constant over 10-second blocks), spread evenly over each second, with sizes that do not depend
 * on the order of arrival. The gap from the kept (latest) record to the end of its second is then
 * exponential with rate λ, and a second with no record is a gap longer than the second: per block
 * λ = (k − 1) / (Σ gaps + empty seconds), k the seconds with a record. A second whose record sits
 * at u (0…1) of the second hid a Poisson(λu) number of earlier liquidations, each valued at the
 * kept record's size (it is one draw of the same sizes). Its variance — of λ, of the hidden count,
 * of the sizes (their spread read from the log-sizes, robust to one whale) — gives the range:
 * the value ± 3.5 standard errors, never below the recorded sum.
 *
 * Without sub-second times the share of seconds holding a record gives λ per minute
 * (p = 1 − e^−λ); a minute with every second taken bounds λ only from below, so the range is open
 * above unless the venue's own open interest closes it. Bucketed capped and aggregate series are
 * bounded between the recorded sum and the same venue's open-interest closing (the geometric
 * midpoint is the value). An estimate never mixes scopes: each venue's records meet only its own
 * open interest, and a total adds the venues' estimates.
 */
import type { BarColumns } from '../bars/index.js'
import type { Direction } from './legs.js'
import {
  changeWords,
  combineRegimes,
  missingFeedNote,
  type RegimeStretch,
  recordSpan,
  regimeChanges,
  seriesStretches,
} from './liquidation-regimes.js'
import { AGGREGATORS, baseAsset, type FigureView, type MarketBars, type Venue } from './market.js'
import { overlapRange, priceKnownAt, windowSums } from './metrics.js'
import type {
  CascadeLiquidations,
  LiquidationCoverage,
  LiquidationEstimate,
  LiquidationFigures,
  LiquidationRegime,
  OiImplied,
} from './report-types.js'
import { baseUnits, round, usd, usdWords } from './stats.js'

const SECOND = 1000
/** Open interest must be sampled at least this often to measure closing inside a window. */
export const OI_MAX_INTERVAL_MS = 5 * 60_000
/** Blocks over which the arrival-time model holds λ constant. */
const ARRIVAL_BLOCK_MS = 10_000
/** Blocks for the occupancy model (no sub-second times): λ from the share of seconds taken. */
const OCCUPANCY_BLOCK_MS = 60_000
/**
 * Standard errors on either side of the estimate. Sizes are heavy-tailed, so the estimate's error
 * is too: 3.5 keeps held-out known totals inside the range, whose top stays under 2 × the total.
 */
export const RANGE_ERRORS = 3.5
const Z = RANGE_ERRORS
/** In saturated blocks the kept record sits late in its second (mean ≥ 0.67 at 90 % taken). */
const MIN_SATURATED_OFFSET = 0.6
const MIN_SATURATED_SECONDS = 60
/** From this share of seconds holding a record, the words call a capped feed saturated. */
const SATURATED_SHARE = 0.5

export const METHODS = {
  complete: 'complete feed: the recorded sum',
  arrival:
    'capped feed, arrival-time saturation model: each record stands for itself and the ' +
    'liquidations it hid earlier in its second (λ from the gaps to the end of the seconds, per 10 s), ' +
    'range ± 3.5 standard errors',
  occupancy:
    'capped feed, occupancy saturation model (no sub-second times): λ from the share of seconds ' +
    'holding a record, per minute',
  bounded:
    "between the recorded sum and the venue's open-interest closing (geometric midpoint): the " +
    'records are bucketed or aggregated, so no saturation model applies',
  lowerBound:
    'the recorded sum as a lower bound: the feed is capped or aggregated and no open interest of ' +
    'the same scope bounds it',
  uncapped:
    'complete: the records hold several liquidations in one second too often for a capped feed, ' +
    'so they are taken as the full tape',
  noRecords: 'capped feed without records in the window: nothing was liquidated',
  openInterest:
    'from open interest: the closing of open interest on the side the move forces (longs in a ' +
    'fall), forced and voluntary; no liquidation records',
} as const

/** A venue's figures before rounding, and what a total needs to add them up. */
interface VenueWork {
  regime: LiquidationRegime
  stretches: RegimeStretch[]
  /** Null without records in the window. */
  observed: { usd: number; long: number; short: number } | null
  /** Seconds (epoch ms) holding a record; null for bucketed data. */
  seconds: number[] | null
  windowSeconds: number
  oi: OiImplied | null
  estimate: LiquidationEstimate | null
  /** Why the venue has no records, when the regime table knows. */
  missing: string | null
}

export interface LiquidationEstimates {
  /** The figures of the venues in scope together (a cascade's or episode's `liquidations`). */
  total: LiquidationFigures
  /** Per venue of the market, in its order (`venues[].liquidations`). */
  venues: LiquidationFigures[]
  /** Reasons in words: the one-sentence summary, then any change of feed the window crosses. */
  reasons: string[]
}

/**
 * The liquidation views whose records make a window's total: single exchanges add up; an
 * aggregator's series already contains them, so each is an alternative to their sum, and the
 * group that says more over [from, to) is taken (as analyze's `liquidationFigures` does).
 */
export function liquidationScope(market: MarketBars, from: number, to: number): FigureView[] {
  const groups = new Map<string, FigureView[]>()
  for (const venue of market.venues) {
    const view = venue.liquidations
    if (!view) continue
    const group = AGGREGATORS.has(view.series.exchange) ? view.series.key : ''
    groups.set(group, [...(groups.get(group) ?? []), view])
  }
  let chosen: FigureView[] = []
  let chosenUsd = 0
  for (const views of groups.values()) {
    let total = 0
    for (const view of views) {
      const sums = windowSums(view.layer, from, to)
      total += sums.liqLongUsd + sums.liqShortUsd
    }
    if (chosen.length === 0 || total > chosenUsd) {
      chosen = views
      chosenUsd = total
    }
  }
  return chosen
}

/**
 * Every liquidation figure of a window: per venue, and for the venues of `scope` together (the
 * views whose records make the total; `liquidationScope`, or [] when the window has none — then
 * the total comes from open interest where it exists).
 */
export function estimateLiquidations(
  market: MarketBars,
  scope: readonly FigureView[],
  from: number,
  to: number,
  direction: Direction,
): LiquidationEstimates {
  const works = market.venues.map((venue) => venueWork(market, venue, from, to, direction))
  const inScope = market.venues
    .map((venue, i) => (venue.liquidations && scope.includes(venue.liquidations) ? i : -1))
    .filter((i) => i >= 0 && works[i]!.observed !== null)
  const total = totalWork(works, inScope, from, to)
  const unit = baseAsset(market.venues[0]?.series.market ?? market.name)
  const totalFigures = figuresOf(total)
  const reasons: string[] = []
  const sentence = liquidationSentence(totalFigures, unit, direction)
  if (sentence) reasons.push(sentence)
  for (const i of inScope) {
    for (const change of regimeChanges(works[i]!.stretches)) {
      reasons.push(`${market.venues[i]!.series.key}: the window crosses ${changeWords(change)}`)
    }
  }
  if (inScope.length === 0)
    reasons.push(...new Set(works.flatMap((work) => (work.missing ? [work.missing] : []))))
  return { total: totalFigures, venues: works.map(figuresOf), reasons }
}

/** The recorded (/1) fields of a window without liquidation records. */
export function noRecords(total: LiquidationFigures): CascadeLiquidations {
  return {
    count: null,
    usd: null,
    longUsd: null,
    shortUsd: null,
    largestUsd: null,
    peakMinute: null,
    peakMinuteUsd: null,
    shareOfVolume: null,
    ...total,
  }
}

// ---------------------------------------------------------------------------------------------
// One venue

function venueWork(
  market: MarketBars,
  venue: Venue,
  from: number,
  to: number,
  direction: Direction,
): VenueWork {
  const windowSeconds = Math.ceil(to / SECOND) - Math.floor(from / SECOND)
  const oi = oiImplied(market, venue, from, to, direction)
  const view = venue.liquidations
  const layer = view?.layer
  const span = view ? (recordSpan(view.series, view.layer.durationMs) ?? layerSpan(view.layer)) : null
  if (!view || !layer || !span || !(from < span[1] && to > span[0])) {
    return {
      regime: 'absent',
      stretches: [],
      observed: null,
      seconds: null,
      windowSeconds,
      oi,
      estimate: fromOpenInterest(oi, direction),
      missing: missingFeedNote(venue.series.exchange, venue.series.market, from, to),
    }
  }
  const stretches = seriesStretches(view.series, layer, from, to)
  const sums = windowSums(layer, from, to)
  const observed = { usd: sums.liqLongUsd + sums.liqShortUsd, long: sums.liqLongUsd, short: sums.liqShortUsd }
  const sideOi = oi === null ? null : direction === 'down' ? oi.longUsd : oi.shortUsd
  // Buckets (aggregators; 1-second bars read back from `cascade bars`) carry sums, not records.
  if (layer.durationMs > SECOND || layer.liqFromBuckets) {
    const regime = combineRegimes(stretches.map((s) => s.regime))
    // The buckets the window touches: the open interest is measured over the same span.
    const spanFrom = Math.floor(from / layer.durationMs) * layer.durationMs
    const spanTo = Math.ceil(to / layer.durationMs) * layer.durationMs
    const spanOi = oiImplied(market, venue, spanFrom, spanTo, direction)
    const spanSide = spanOi === null ? null : direction === 'down' ? spanOi.longUsd : spanOi.shortUsd
    return {
      regime,
      stretches,
      observed,
      seconds: null,
      windowSeconds,
      oi,
      estimate: regime === 'complete' ? exact(observed.usd) : bounded(observed.usd, spanSide),
      missing: null,
    }
  }
  const seconds: number[] = []
  const [first, last] = overlapRange(layer, from, to)
  for (let i = first; i < last; i++) {
    if (layer.liqLongCount[i]! + layer.liqShortCount[i]! > 0) seconds.push(layer.time[i]!)
  }
  const parts = stretches.map((stretch) =>
    stretch.regime === 'complete'
      ? exact(
          windowUsd(layer, stretch.from, stretch.to),
          stretch.rule.overrides ? METHODS.uncapped : undefined,
        )
      : cappedEstimate(layer, Math.max(stretch.from, from), Math.min(stretch.to, to), span, sideOi),
  )
  return {
    regime: combineRegimes(stretches.map((s) => s.regime)),
    stretches,
    observed,
    seconds,
    windowSeconds,
    oi,
    estimate: addEstimates(parts),
    missing: null,
  }
}

/** Bars read back without their sources (`cascade bars`): the layer's span stands in. */
function layerSpan(layer: BarColumns): [number, number] | null {
  return layer.first === null || layer.last === null ? null : [layer.first, layer.last + layer.durationMs]
}

function windowUsd(layer: BarColumns, from: number, to: number): number {
  const sums = windowSums(layer, from, to)
  return sums.liqLongUsd + sums.liqShortUsd
}

function exact(value: number, method: string = METHODS.complete): LiquidationEstimate {
  return { value, low: value, high: value, method }
}

/** Recorded sum as the floor, the venue's own open-interest closing (if larger) as the ceiling. */
function bounded(observed: number, ceiling: number | null): LiquidationEstimate {
  if (ceiling === null) return { value: observed, low: observed, high: null, method: METHODS.lowerBound }
  const high = Math.max(observed, ceiling)
  return { value: Math.sqrt(observed * high), low: observed, high, method: METHODS.bounded }
}

function fromOpenInterest(oi: OiImplied | null, direction: Direction): LiquidationEstimate | null {
  const side = oi === null ? null : direction === 'down' ? oi.longUsd : oi.shortUsd
  if (side === null) return null
  return { value: side, low: null, high: null, method: METHODS.openInterest }
}

function addEstimates(parts: readonly (LiquidationEstimate | null)[]): LiquidationEstimate | null {
  const known = parts.filter((part): part is LiquidationEstimate => part !== null)
  if (known.length === 0) return null
  const methods = [...new Set(known.map((part) => part.method))]
  return {
    value: known.reduce((sum, part) => sum + part.value, 0),
    low: known.every((part) => part.low !== null) ? known.reduce((sum, part) => sum + part.low!, 0) : null,
    high: known.every((part) => part.high !== null) ? known.reduce((sum, part) => sum + part.high!, 0) : null,
    method: methods.join('; '),
  }
}

// ---------------------------------------------------------------------------------------------
// A capped feed of 1-second records

interface Second {
  time: number
  usd: number
  records: number
  /** Where in its second the latest record sits, 0…1 (NaN: unknown). */
  offset: number
}

/** The seconds holding records in [from, to) of a 1-second layer. */
function recordSeconds(layer: BarColumns, from: number, to: number): Second[] {
  const out: Second[] = []
  for (let i = layer.lowerBound(from); i < layer.length && layer.time[i]! < to; i++) {
    const records = layer.liqLongCount[i]! + layer.liqShortCount[i]!
    if (records === 0) continue
    const ms = layer.liqLastMs[i]!
    out.push({
      time: layer.time[i]!,
      usd: layer.liqLongUsd[i]! + layer.liqShortUsd[i]!,
      records,
      offset: Number.isNaN(ms) ? Number.NaN : (Math.min(ms, SECOND - 1) + 0.5) / SECOND,
    })
  }
  return out
}

/**
 * Estimate of a capped stretch [from, to) of a venue's 1-second records; `span` is where the
 * venue has records at all, `ceiling` its own open-interest closing on the forced side.
 */
function cappedEstimate(
  layer: BarColumns,
  from: number,
  to: number,
  span: [number, number],
  ceiling: number | null,
): LiquidationEstimate | null {
  if (!(to > from)) return null
  const blocksFrom = Math.max(span[0], Math.floor(from / OCCUPANCY_BLOCK_MS) * OCCUPANCY_BLOCK_MS)
  const blocksTo = Math.min(span[1], Math.ceil(to / OCCUPANCY_BLOCK_MS) * OCCUPANCY_BLOCK_MS)
  const around = recordSeconds(layer, blocksFrom, blocksTo)
  const inside = around.filter((s) => s.time >= from && s.time < to)
  const observed = inside.reduce((sum, s) => sum + s.usd, 0)
  if (inside.length === 0) return { ...exact(0), method: METHODS.noRecords }
  const timed = around.every((s) => !Number.isNaN(s.offset))
  const onTheSecond = around.filter((s) => s.offset < 1 / SECOND).length
  if (timed && onTheSecond < 0.5 * around.length) {
    const arrival = arrivalEstimate(around, from, to, blocksFrom, blocksTo)
    if (arrival) return arrival
  }
  return occupancyEstimate(around, from, to, blocksFrom, blocksTo, observed, ceiling)
}

/** Seconds of [blockStart, blockStart + size) ∩ [spanFrom, spanTo). */
function blockSeconds(blockStart: number, size: number, spanFrom: number, spanTo: number): number {
  const a = Math.max(blockStart, Math.ceil(spanFrom / SECOND) * SECOND)
  const b = Math.min(blockStart + size, spanTo)
  return Math.max(0, Math.ceil((b - a) / SECOND))
}

function byBlock(seconds: readonly Second[], size: number): Map<number, Second[]> {
  const blocks = new Map<number, Second[]>()
  for (const s of seconds) {
    const start = Math.floor(s.time / size) * size
    const block = blocks.get(start)
    if (block) block.push(s)
    else blocks.set(start, [s])
  }
  return blocks
}

/**
 * The arrival-time model (see the file's head). Null when the times contradict it: in saturated
 * blocks the kept record must sit late in its second, else the records' seconds are not the
 * cap's seconds and the times say nothing.
 */
function arrivalEstimate(
  around: readonly Second[],
  from: number,
  to: number,
  spanFrom: number,
  spanTo: number,
): LiquidationEstimate | null {
  let value = 0
  let hiddenCount = 0
  let hiddenUsd = 0
  let hiddenSquares = 0
  let rateVariance = 0
  let saturatedSeconds = 0
  let saturatedOffsets = 0
  const logSizes: { weight: number; log: number }[] = []
  for (const [start, seconds] of byBlock(around, ARRIVAL_BLOCK_MS)) {
    const n = blockSeconds(start, ARRIVAL_BLOCK_MS, spanFrom, spanTo)
    const k = seconds.length
    let exposure = Math.max(0, n - k)
    for (const s of seconds) exposure += 1 - s.offset
    const rate = (k >= 2 ? k - 1 : k) / exposure
    if (n > 0 && k >= 0.9 * n) {
      saturatedSeconds += k
      for (const s of seconds) saturatedOffsets += s.offset
    }
    let slope = 0
    for (const s of seconds) {
      if (s.time < from || s.time >= to) continue
      const size = s.usd / s.records
      // Records beyond the first in a second were already seen (rare on a capped feed).
      const hidden = Math.max(0, rate * s.offset - (s.records - 1))
      value += s.usd + hidden * size
      hiddenCount += hidden
      hiddenUsd += hidden * size
      hiddenSquares += hidden * hidden
      slope += s.offset * size
      if (size > 0) logSizes.push({ weight: 1 + hidden, log: Math.log(size) })
    }
    rateVariance += (rate * slope) ** 2 / Math.max(1, k - 1)
  }
  if (
    saturatedSeconds >= MIN_SATURATED_SECONDS &&
    saturatedOffsets / saturatedSeconds < MIN_SATURATED_OFFSET
  ) {
    return null
  }
  const observed = around.filter((s) => s.time >= from && s.time < to).reduce((sum, s) => sum + s.usd, 0)
  const meanSize = hiddenCount > 0 ? hiddenUsd / hiddenCount : 0
  const spread = Math.expm1(weightedVariance(logSizes))
  const sizeVariance = meanSize * meanSize * (hiddenCount * (1 + spread) + spread * hiddenSquares)
  const error = Math.sqrt(rateVariance + sizeVariance)
  return {
    value,
    low: Math.max(observed, value - Z * error),
    high: value + Z * error,
    method: METHODS.arrival,
  }
}

function weightedVariance(values: readonly { weight: number; log: number }[]): number {
  let weights = 0
  let sum = 0
  for (const v of values) {
    weights += v.weight
    sum += v.weight * v.log
  }
  if (weights === 0) return 0
  const mean = sum / weights
  let squares = 0
  for (const v of values) squares += v.weight * (v.log - mean) ** 2
  return squares / weights
}

/**
 * λ per minute from the share p of its seconds holding a record (p = 1 − e^−λ); each record
 * stands for λ / (1 − e^−λ) liquidations. The range takes p at the ends of its Wilson interval
 * (± 3.5 standard errors). A minute with every second taken bounds λ only from below, so the range
 * is then open above unless the venue's own open-interest closing closes it.
 */
function occupancyEstimate(
  around: readonly Second[],
  from: number,
  to: number,
  spanFrom: number,
  spanTo: number,
  observed: number,
  ceiling: number | null,
): LiquidationEstimate {
  let value = 0
  let low = 0
  let high = 0
  let open = false
  const scale = (share: number) => {
    const rate = -Math.log1p(-share)
    return share > 0 ? rate / share : 1
  }
  for (const [start, seconds] of byBlock(around, OCCUPANCY_BLOCK_MS)) {
    const n = Math.max(seconds.length, blockSeconds(start, OCCUPANCY_BLOCK_MS, spanFrom, spanTo))
    const k = seconds.length
    const [shareLow, shareHigh] = wilson(k, n, Z)
    // Every second taken: the MLE is infinite; the lower end of the interval stands for the value.
    const central = scale(k < n ? k / n : shareLow)
    const lowest = scale(shareLow)
    const highest = shareHigh < 1 ? scale(shareHigh) : Number.POSITIVE_INFINITY
    if (!Number.isFinite(highest)) open = true
    for (const s of seconds) {
      if (s.time < from || s.time >= to) continue
      const size = s.usd / s.records
      value += s.usd + Math.max(0, central - s.records) * size
      low += s.usd + Math.max(0, lowest - s.records) * size
      if (Number.isFinite(highest)) high += s.usd + Math.max(0, highest - s.records) * size
    }
  }
  const ceilingHigh = ceiling === null ? null : Math.max(value, ceiling)
  return {
    value,
    low: Math.max(observed, low),
    high: open ? ceilingHigh : high,
    method: METHODS.occupancy,
  }
}

/** Wilson score interval of a share k / n with `z` standard errors; [0, 1] for n = 0. */
function wilson(k: number, n: number, z: number): [number, number] {
  if (n === 0) return [0, 1]
  const p = k / n
  const z2 = z * z
  const center = (p + z2 / (2 * n)) / (1 + z2 / n)
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / (1 + z2 / n)
  return [Math.max(0, center - half), k === n ? 1 : Math.min(1, center + half)]
}

// ---------------------------------------------------------------------------------------------
// Open interest

interface Level {
  time: number
  base: number
}

/**
 * The venue's open-interest closing over [from, to): the level at or before `from` (at most three
 * sampling intervals old) minus the lowest level after it, up to the first level at or after `to`
 * (5-minute samples straddle a short window). Null without levels every 5 minutes or better.
 */
export function oiImplied(
  market: MarketBars,
  venue: Venue,
  from: number,
  to: number,
  direction: Direction,
): OiImplied | null {
  const view = venue.openInterest
  if (!view || view.resolutionMs > OI_MAX_INTERVAL_MS) return null
  const layer = view.layer
  const shift = layer.durationMs > SECOND ? layer.durationMs : 0
  const stale = 3 * view.resolutionMs
  const ownPrice = venue.price?.layer
  const marketPrice = market.price?.layer
  const levelAt = (i: number): Level | null => {
    const time = layer.time[i]! + shift
    const base = layer.oi[i]!
    if (!Number.isNaN(base)) return { time, base }
    const usdLevel = layer.oiUsd[i]!
    if (Number.isNaN(usdLevel)) return null
    const price =
      (ownPrice ? priceKnownAt(ownPrice, time) : null) ??
      (marketPrice ? priceKnownAt(marketPrice, time) : null)
    return price !== null && price > 0 ? { time, base: usdLevel / price } : null
  }
  const after = layer.lowerBound(from - shift + 1)
  let start: Level | null = null
  for (let i = after - 1; i >= 0 && layer.time[i]! + shift >= from - stale; i--) {
    start = levelAt(i)
    if (start) break
  }
  if (!start) return null
  let lowest = start.base
  let reachedEnd = false
  let any = false
  for (let i = after; i < layer.length && !reachedEnd; i++) {
    const level = levelAt(i)
    if (!level) continue
    if (level.time > to + stale) break
    any = true
    if (level.base < lowest) lowest = level.base
    reachedEnd = level.time >= to
  }
  if (!any) return null
  const base = start.base - lowest
  const vwap = windowVwap(market, venue, from, to)
  const longShare = longShareOf(market, venue, from, to, direction)
  const usdValue = vwap === null ? null : base * vwap
  return {
    base,
    usd: usdValue,
    longUsd: usdValue === null || longShare === null ? null : usdValue * longShare,
    shortUsd: usdValue === null || longShare === null ? null : usdValue * (1 - longShare),
  }
}

/** USD / base traded in the window: the venue's own trades, else every venue's. */
function windowVwap(market: MarketBars, venue: Venue, from: number, to: number): number | null {
  const ratio = (views: readonly FigureView[]) => {
    let quote = 0
    let base = 0
    for (const view of views) {
      if (!view.layer.hasVolumeUsd || !view.layer.hasVolume) return null
      const sums = windowSums(view.layer, from, to)
      quote += sums.volumeUsd
      base += sums.volume
    }
    return base > 0 ? quote / base : null
  }
  const own = venue.volume ? ratio([venue.volume]) : null
  if (own !== null) return own
  return ratio(market.venues.flatMap((v) => (v.volume ? [v.volume] : [])))
}

/**
 * The share of closing that was longs: the taker-sell share of the window's USD volume (sells
 * close longs, buys close shorts), the venue's own else every venue's; without taker sides, the
 * move's direction (a fall forces longs, a squeeze shorts).
 */
function longShareOf(
  market: MarketBars,
  venue: Venue,
  from: number,
  to: number,
  direction: Direction,
): number | null {
  const share = (views: readonly FigureView[]) => {
    let buy = 0
    let sell = 0
    for (const view of views) {
      if (!view.layer.hasTaker || !view.layer.hasVolumeUsd) return null
      const sums = windowSums(view.layer, from, to)
      buy += sums.takerBuyUsd
      sell += sums.takerSellUsd
    }
    return buy + sell > 0 ? sell / (buy + sell) : null
  }
  const own = venue.volume ? share([venue.volume]) : null
  if (own !== null) return own
  const all = share(market.venues.flatMap((v) => (v.volume ? [v.volume] : [])))
  if (all !== null) return all
  return direction === 'down' ? 1 : 0
}

// ---------------------------------------------------------------------------------------------
// Totals and figures

function totalWork(
  works: readonly VenueWork[],
  inScope: readonly number[],
  from: number,
  to: number,
): VenueWork {
  const windowSeconds = Math.ceil(to / SECOND) - Math.floor(from / SECOND)
  const withOi = works.filter((work) => work.oi !== null)
  const oi =
    withOi.length === 0
      ? null
      : {
          base: withOi.reduce((sum, work) => sum + work.oi!.base, 0),
          usd: sumOrNull(withOi.map((work) => work.oi!.usd)),
          longUsd: sumOrNull(withOi.map((work) => work.oi!.longUsd)),
          shortUsd: sumOrNull(withOi.map((work) => work.oi!.shortUsd)),
        }
  if (inScope.length === 0) {
    // No records: the estimate comes from every venue's own open interest (each in its scope).
    const estimates = works.filter((work) => work.observed === null).map((work) => work.estimate)
    return {
      regime: 'absent',
      stretches: [],
      observed: null,
      seconds: null,
      windowSeconds,
      oi,
      estimate: addEstimates(estimates),
      missing: null,
    }
  }
  const scoped = inScope.map((i) => works[i]!)
  const seconds = scoped.every((work) => work.seconds !== null)
    ? [...new Set(scoped.flatMap((work) => work.seconds!))]
    : null
  return {
    regime: combineRegimes(scoped.map((work) => work.regime)),
    stretches: [],
    observed: {
      usd: scoped.reduce((sum, work) => sum + work.observed!.usd, 0),
      long: scoped.reduce((sum, work) => sum + work.observed!.long, 0),
      short: scoped.reduce((sum, work) => sum + work.observed!.short, 0),
    },
    seconds,
    windowSeconds,
    oi,
    estimate: addEstimates(scoped.map((work) => work.estimate)),
    missing: null,
  }
}

function sumOrNull(values: readonly (number | null)[]): number | null {
  let sum = 0
  for (const value of values) {
    if (value === null) return null
    sum += value
  }
  return sum
}

function figuresOf(work: VenueWork): LiquidationFigures {
  const coverage: LiquidationCoverage | null =
    work.seconds === null || work.observed === null
      ? null
      : {
          seconds: work.seconds.length,
          windowSeconds: work.windowSeconds,
          share: work.windowSeconds > 0 ? round(work.seconds.length / work.windowSeconds, 4) : 0,
        }
  const money = (x: number | null) => (x === null ? null : usd(x))
  return {
    observedUsd: work.observed === null ? null : usd(work.observed.usd),
    coverage,
    oiImplied:
      work.oi === null
        ? null
        : {
            base: baseUnits(work.oi.base),
            usd: money(work.oi.usd),
            longUsd: money(work.oi.longUsd),
            shortUsd: money(work.oi.shortUsd),
          },
    estimatedUsd:
      work.estimate === null
        ? null
        : {
            value: usd(work.estimate.value),
            low: money(work.estimate.low),
            high: money(work.estimate.high),
            method: work.estimate.method,
          },
    regime: work.regime,
  }
}

// ---------------------------------------------------------------------------------------------
// Words

/** `$98.2M`, `$141M`, `$1.23B`, `$677k`: three significant digits, as every output writes USD. */
const money = usdWords

/** `$240–410M`, `$980k–1.2M`. */
function moneyRange(low: number, high: number): string {
  const a = money(low)
  const b = money(high)
  const unit = (s: string) => s.replace(/[$\d.]/g, '')
  if (unit(a) === unit(b) && unit(a) !== '') return `${a.slice(0, -unit(a).length)}–${b.slice(1)}`
  return `${a}–${b.slice(1)}`
}

function coins(base: number, unit: string): string {
  const digits = base >= 100 ? 0 : base >= 1 ? 2 : 4
  return `${base.toLocaleString('en-US', { maximumFractionDigits: digits })} ${unit}`
}

/**
 * The figures in one plain sentence, e.g. "liquidations ≥ $98M recorded (capped feed, 71 % of
 * seconds saturated); open interest fell 4,120 BTC ($141M) in the window; estimated $240–410M".
 * `unit` is the base asset (BTC). Null when there is nothing to say (no records, no open interest).
 */
export function liquidationSentence(
  figures: LiquidationFigures,
  unit: string,
  direction: Direction = 'down',
): string | null {
  const parts: string[] = []
  const observed = figures.observedUsd
  const share = figures.coverage ? `${Math.round(figures.coverage.share * 100)} %` : null
  switch (figures.regime) {
    case 'complete':
      if (observed !== null)
        parts.push(
          `liquidations ${money(observed)} recorded (complete feed${share ? `, records in ${share} of seconds` : ''})`,
        )
      break
    case 'capped': {
      // A second with a record on a capped feed may hide more: many such seconds, a saturated feed.
      const saturated = figures.coverage && figures.coverage.share >= SATURATED_SHARE
      const seconds = share
        ? `, ${saturated ? `${share} of seconds saturated` : `records in ${share} of seconds`}`
        : ''
      if (observed !== null) parts.push(`liquidations ≥ ${money(observed)} recorded (capped feed${seconds})`)
      break
    }
    case 'aggregate':
      if (observed !== null)
        parts.push(`liquidations ≥ ${money(observed)} recorded (aggregate of capped feeds)`)
      break
    case 'absent':
      parts.push('no liquidation records')
      break
  }
  const oi = figures.oiImplied
  if (oi) {
    const closing = figures.regime === 'absent' ? ' (positions closed, forced and voluntary)' : ''
    parts.push(
      oi.base > 0
        ? `open interest fell ${coins(oi.base, unit)}${oi.usd === null ? '' : ` (${money(oi.usd)})`} in the window${closing}`
        : 'open interest did not fall in the window',
    )
  }
  const estimate = figures.estimatedUsd
  if (estimate && estimate.method !== METHODS.complete && estimate.method !== METHODS.uncapped) {
    if (estimate.method === METHODS.openInterest) {
      const side = direction === 'down' ? 'longs' : 'shorts'
      parts.push(`estimated ≈ ${money(estimate.value)} from open interest (${side} closed)`)
    } else if (estimate.low !== null && estimate.high !== null && estimate.high > estimate.low) {
      parts.push(`estimated ${moneyRange(estimate.low, estimate.high)}`)
    } else if (estimate.high === null && estimate.value > (observed ?? 0)) {
      parts.push(`estimated at least ${money(estimate.value)} (nothing bounds it above)`)
    }
  }
  if (figures.regime === 'absent' && parts.length === 1) return null
  return parts.join('; ')
}
