/**
 * The coarse scan of the window (DESIGN §2, src/bars/window.ts): where could a leg pass the speed
 * test on 1-second bars, seen from the minutes' highs and lows alone?
 *
 * A leg qualifies (legs.ts `qualifies`) only if some bar's top and a later or same bar's bottom,
 * at most `withinMin` apart, are `minMovePct` apart. Those two seconds lie in minutes at most
 * ⌈withinMin⌉ + 1 apart, and a minute's high (low) is at least (at most) any of its seconds', so
 * the same test on minutes (the highest high of the minutes before against each minute's low) is
 * passed wherever the 1-second test is: the scan may flag more than the 1-second path finds, never
 * less. A market whose price path the scan does not flag has no cascade on 1-second bars.
 */
import { type BarStore, CompactTicks } from '../bars/index.js'
import { groupMarkets, type MarketBars } from './market.js'
import type { AnalysisParams } from './params.js'
import { iso, MINUTE } from './stats.js'

/** Rounding in the 1-second test can never make it pass where this margin makes the scan fail. */
const SLACK = 1e-9

type ScanParams = Pick<AnalysisParams, 'minMovePct' | 'withinMin'>

/**
 * The open time of the first minute where a fall (rise) of `minMovePct` within `withinMin` may
 * end, judged from the minutes' highs and lows; null when there is none.
 */
export function coarseCandidate(layer: CompactTicks, params: ScanParams): number | null {
  const n = layer.minutes
  const time = layer.minuteTime
  const high = layer.minuteHigh
  const low = layer.minuteLow
  const move = params.minMovePct / 100
  const within = params.withinMin * MINUTE
  // Sliding maximum of highs and minimum of lows over the minutes that may hold the move's start.
  const highs: number[] = []
  const lows: number[] = []
  let highHead = 0
  let lowHead = 0
  for (let b = 0; b < n; b++) {
    while (highs.length > highHead && high[highs[highs.length - 1]!]! <= high[b]!) highs.pop()
    highs.push(b)
    while (lows.length > lowHead && low[lows[lows.length - 1]!]! >= low[b]!) lows.pop()
    lows.push(b)
    const from = Math.floor((time[b]! - within) / MINUTE) * MINUTE
    while (time[highs[highHead]!]! < from) highHead++
    while (time[lows[lowHead]!]! < from) lowHead++
    const top = high[highs[highHead]!]!
    const bottom = low[lows[lowHead]!]!
    if (top - low[b]! >= move * top * (1 - SLACK)) return time[b]!
    if (high[b]! - bottom >= move * Math.abs(bottom) * (1 - SLACK)) return time[b]!
  }
  return null
}

/**
 * Why the store's compacted bars are not enough for the report the 1-second bars would give (the
 * caller then reads the inputs again without the window); empty when they are: every compacted
 * layer is exact and stands where its market's detection surely finds nothing.
 */
export function fineBarsNeeded(store: BarStore, params: AnalysisParams): string[] {
  const reasons: string[] = []
  for (const series of store.series()) {
    const compacted = series.compacted
    if (!compacted) continue
    if (compacted.inexact) reasons.push(`${series.key}: ${compacted.inexact}`)
    else if (series.ticks.length > 0) reasons.push(`${series.key}: other bars of the same series`)
  }
  if (reasons.length > 0) return reasons
  for (const market of groupMarkets(store, params.groupBy)) {
    const problem = compactedProblem(market, params)
    if (problem) reasons.push(problem)
  }
  return reasons
}

/**
 * For a market with compacted bars: null when the 1-second path surely finds no cascade in it
 * (its price path is compacted and the scan flags nothing), else why fine bars are needed.
 */
export function compactedProblem(market: MarketBars, params: ScanParams): string | null {
  const compacted = market.venues.some((venue) => venue.series.layers.some((l) => l instanceof CompactTicks))
  if (!compacted) return null
  const layer = market.price?.layer
  if (!(layer instanceof CompactTicks)) return `${market.name}: its price path is not compacted`
  const at = coarseCandidate(layer, params)
  return at === null
    ? null
    : `${market.name}: a move of ${params.minMovePct} % within ${params.withinMin} min may end in the minute of ${iso(at)}`
}
