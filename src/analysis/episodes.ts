/**
 * Episodes (DESIGN §5.1): the same-direction cascades of one market that follow each other across
 * partial rebounds form one crash. A cascade joins the episode before it when its leg begins
 * within `episodeGapHours` of that episode's last extreme and the price has not recovered above
 * the episode's start in between. Every cascade belongs to exactly one episode.
 */
import { CompactTicks } from '../bars/index.js'
import type { Candidate } from './cascades.js'
import { type Context, liquidationFigures, openInterestOf, volumeFigures } from './figures.js'
import { marketFunding } from './funding.js'
import { legStart } from './legs.js'
import { estimateLiquidations, liquidationScope, noRecords } from './liquidation-estimate.js'
import type { Cascade, Episode } from './report-types.js'
import { HOUR, iso, pct } from './stats.js'

/** Episodes of one market from its measured cascades (time order); sets each cascade's `episode`. */
export function groupEpisodes(
  context: Context,
  cascades: readonly Candidate[],
  windowEndOf: (cascade: Cascade) => number,
): Episode[] {
  const episodes: Episode[] = []
  for (const direction of ['down', 'up'] as const) {
    const mine = cascades.filter((c) => c.leg.direction === direction)
    let group: Candidate[] = []
    const flush = () => {
      if (group.length > 0) episodes.push(episodeOf(context, group, windowEndOf))
      group = []
    }
    for (const candidate of mine) {
      const previous = group[group.length - 1]
      if (previous && !joins(context, group[0]!, previous, candidate)) flush()
      group.push(candidate)
    }
    flush()
  }
  return episodes.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0))
}

function joins(context: Context, first: Candidate, previous: Candidate, next: Candidate): boolean {
  const bars = next.bars
  const gap = bars.time(next.leg.startIdx) - bars.time(previous.leg.extremeIdx)
  if (gap > context.params.episodeGapHours * HOUR) return false
  // No recovery above the episode's start between the previous extreme and the next start.
  const ceiling = legStart(bars, first.leg)
  if (bars.layer instanceof CompactTicks)
    bars.layer.mustKeep(bars.time(previous.leg.extremeIdx), bars.time(next.leg.startIdx) + 1000, 'an episode')
  for (let k = previous.leg.extremeIdx + 1; k <= next.leg.startIdx; k++) {
    if (bars.has(k) && bars.top(k) > ceiling) return false
  }
  return true
}

function episodeOf(
  context: Context,
  group: readonly Candidate[],
  windowEndOf: (cascade: Cascade) => number,
): Episode {
  const first = group[0]!
  const last = group[group.length - 1]!
  const direction = first.leg.direction
  const bars = first.bars
  let deepest = first
  for (const candidate of group) {
    if (bars.bottom(candidate.leg.extremeIdx) < bars.bottom(deepest.leg.extremeIdx)) deepest = candidate
  }
  const startT = bars.time(first.leg.startIdx)
  const startX = bars.price(legStart(bars, first.leg))
  const extremeX = bars.price(bars.bottom(deepest.leg.extremeIdx))
  const from = startT
  const to = Math.max(windowEndOf(last.cascade), from)
  const id = `${first.cascade.id}-episode`
  for (const candidate of group) candidate.cascade.episode = id
  const volume = volumeFigures(context, from, to)
  const recorded = context.liquidations?.overlaps(from, to) === true
  const scope = recorded ? liquidationScope(context.market, from, to) : []
  const estimate = estimateLiquidations(context.market, scope, from, to, direction).total
  const liquidations = recorded
    ? { ...liquidationFigures(context, from, to, volume.quoteUsd), ...estimate }
    : noRecords(estimate)
  const movePct = ((extremeX - startX) / startX) * 100
  const legs = group.map(
    (c) =>
      `${c.cascade.price.movePct > 0 ? '+' : ''}${c.cascade.price.movePct.toFixed(2)} % ` +
      `(${hhmm(c.cascade.start)} → ${hhmm(c.cascade.extreme)})`,
  )
  const reasons =
    group.length === 1
      ? ['one leg']
      : [
          `${group.length} legs: ${legs.join(', ')}`,
          `the price did not recover above the start (${startX}) between them, and each leg began ` +
            `within ${context.params.episodeGapHours} h of the previous extreme`,
        ]
  return {
    id,
    market: first.cascade.market,
    direction,
    start: iso(startT),
    extreme: deepest.cascade.extreme,
    end: last.cascade.end,
    price: { start: startX, extreme: extremeX, movePct: pct(movePct) },
    cascades: group.map((c) => c.cascade.id),
    volume,
    liquidations,
    openInterest: openInterestOf(context, from, to).figures,
    reasons,
    funding: marketFunding(context.market, startT, Date.parse(last.cascade.end)),
  }
}

function hhmm(isoTime: string): string {
  return `${isoTime.slice(5, 10)} ${isoTime.slice(11, 16)}`
}
