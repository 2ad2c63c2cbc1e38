/**
 * What the window (src/bars/window.ts) must keep for the analysis to be exact: the legs that pass
 * the speed test were found while reading (leg-stream.ts), so the stretch of time each one's
 * measures read is known before any second of it is kept.
 *
 * A leg's measures read its price path from the start to the rebound limit after the extreme
 * (`mergeGapMin`: retraceBar, the window's sums, maxMovePct), the price at open-interest levels
 * up to their staleness before and after its window, the bars back to the extreme of an earlier leg
 * of its direction at most `episodeGapHours` before it (an episode joins them if no bar between
 * rose above the first start), and the chart's margin around it. Its stretch is
 * that, in whole minutes; stretches that touch are one. Every compacted series of the market keeps
 * the same stretches (a market's volume, prices and venue figures are read over the same windows).
 */
import { type BarStore, CompactTicks, type Stretch, type WindowPlan } from '../bars/index.js'
import { LegStream, type StreamLeg } from './leg-stream.js'
import { DirectedBars, findLegs, qualifies } from './legs.js'
import { groupMarkets, type MarketBars } from './market.js'
import type { AnalysisParams } from './params.js'
import { HOUR, MINUTE } from './stats.js'

/** What to do with a store read with the window. */
export type WindowVerdict =
  /** Its compacted bars answer the analysis. */
  | { kind: 'ready' }
  /** Read the inputs again keeping these stretches of seconds (by series key). */
  | { kind: 'keep'; keep: Map<string, Stretch[]> }
  /** Read the inputs again on the full path, for these reasons. */
  | { kind: 'full'; reasons: string[] }

/** The window's plan for a first read: every compacted series' legs found as it is read. */
export function windowPlan(
  params: AnalysisParams,
  keep?: ReadonlyMap<string, readonly Stretch[]>,
): WindowPlan {
  return { watch: () => new LegStream(params), ...(keep ? { keep } : {}) }
}

export function windowVerdict(store: BarStore, params: AnalysisParams): WindowVerdict {
  store.settleWindow()
  const reasons: string[] = []
  for (const series of store.series()) {
    const compacted = series.compacted
    if (!compacted) continue
    if (compacted.inexact) reasons.push(`${series.key}: ${compacted.inexact}`)
    else if (!(compacted.watcher instanceof LegStream)) reasons.push(`${series.key}: no leg finder`)
  }
  if (reasons.length > 0) return { kind: 'full', reasons }
  const keep = new Map<string, Stretch[]>()
  let ready = true
  for (const market of groupMarkets(store, params.groupBy)) {
    const compacted = market.venues.filter((venue) => venue.series.compacted)
    if (compacted.length === 0) continue
    const legs = marketLegs(market, params)
    const stretches = merged(
      legs.map((leg) => stretchOf(leg, market, params, episodeReach(leg, legs, params))),
    )
    for (const venue of compacted) {
      keep.set(venue.series.key, stretches)
      const layer = venue.series.compacted!
      if (!stretches.every((stretch) => layer.keeps(stretch.from, stretch.to))) ready = false
    }
  }
  return ready ? { kind: 'ready' } : { kind: 'keep', keep }
}

/** The legs of a market's price path that pass the speed test, both directions. */
function marketLegs(market: MarketBars, params: AnalysisParams): StreamLeg[] {
  const layer = market.price?.layer
  if (!layer) return []
  if (layer instanceof CompactTicks) {
    const finder = layer.watcher as LegStream
    return [...finder.legs('down'), ...finder.legs('up')]
  }
  // A price path read whole (another venue's) while this market's trades were compacted.
  const legs: StreamLeg[] = []
  for (const direction of ['down', 'up'] as const) {
    const bars = new DirectedBars(layer, direction)
    for (const leg of findLegs(bars, params)) {
      if (!qualifies(bars, leg, params)) continue
      legs.push({
        direction,
        startT: bars.time(leg.startIdx),
        extremeT: bars.time(leg.extremeIdx),
        closeT: bars.time(leg.closeIdx),
        swallowed: leg.swallowed.map((c) => ({ topT: bars.time(c.topIdx), sizeFrac: c.sizeFrac })),
      })
    }
  }
  return legs
}

/**
 * How far back an episode may scan from a leg's start: to the earliest extreme of a leg of its
 * direction at most `episodeGapHours` before it (episodes.ts reads the bars in between).
 */
function episodeReach(leg: StreamLeg, legs: readonly StreamLeg[], params: AnalysisParams): number {
  let reach = leg.startT
  for (const other of legs) {
    if (other.direction !== leg.direction || other.extremeT >= leg.startT) continue
    if (leg.startT - other.extremeT <= params.episodeGapHours * HOUR) reach = Math.min(reach, other.extremeT)
  }
  return reach
}

/**
 * The seconds a leg's measures may read, in whole minutes: from the episode's reach (`reach`) or
 * the margin before the start, to the margin after the rebound limit.
 */
export function stretchOf(
  leg: StreamLeg,
  market: MarketBars,
  params: AnalysisParams,
  reach = leg.startT,
): Stretch {
  const reboundLimit = leg.extremeT + params.mergeGapMin * MINUTE
  // Open-interest levels are valued at the price when they were taken, up to their staleness.
  let stale = 0
  for (const venue of market.venues) {
    const oi = venue.openInterest
    if (oi) stale = Math.max(stale, 3 * oi.resolutionMs, HOUR)
  }
  // The terminal chart shows a quarter of the window (at least 15 min) on each side.
  const chart = Math.max(15 * MINUTE, (reboundLimit - leg.startT) / 4)
  const margin = Math.max(stale, chart) + MINUTE
  return {
    from: Math.floor((Math.min(reach, leg.startT - margin) - MINUTE) / MINUTE) * MINUTE,
    to: Math.ceil((Math.max(leg.closeT, reboundLimit) + margin) / MINUTE) * MINUTE + MINUTE,
  }
}

/** Stretches in time order, those that overlap or touch made one. */
function merged(stretches: Stretch[]): Stretch[] {
  const out: Stretch[] = []
  for (const stretch of [...stretches].sort((a, b) => a.from - b.from)) {
    const last = out[out.length - 1]
    if (last && stretch.from <= last.to) last.to = Math.max(last.to, stretch.to)
    else out.push({ ...stretch })
  }
  return out
}
