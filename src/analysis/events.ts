/**
 * Market-wide events (DESIGN §5.1): same-direction cascades of different markets whose
 * [start, extreme] windows overlap, or whose starts lie within `eventWindowMin` of each other,
 * joined transitively. Only groups of two markets or more are events. In a crisis crypto assets
 * move in unison; the event names the market that led and by how long.
 */
import type { AnalysisParams } from './params.js'
import type { Cascade, MarketEvent } from './report-types.js'
import { MINUTE, medianOrNull, pct, round } from './stats.js'

export function marketEvents(
  cascades: readonly Cascade[],
  params: Pick<AnalysisParams, 'eventWindowMin'>,
): MarketEvent[] {
  const events: MarketEvent[] = []
  const window = params.eventWindowMin * MINUTE
  for (const direction of ['down', 'up'] as const) {
    const mine = cascades
      .filter((c) => c.direction === direction)
      .map((c) => ({ cascade: c, start: Date.parse(c.start), extreme: Date.parse(c.extreme) }))
      .sort((a, b) => a.start - b.start || (a.cascade.market < b.cascade.market ? -1 : 1))
    // Sorted by start, a cascade joins the running group when it starts within the window of the
    // group's latest start or before the group's latest extreme: transitive by construction.
    let group: typeof mine = []
    let reach = Number.NEGATIVE_INFINITY
    const flush = () => {
      const markets = new Set(group.map((g) => g.cascade.market))
      if (markets.size >= 2)
        events.push(
          eventOf(
            group.map((g) => g.cascade),
            direction,
          ),
        )
      group = []
      reach = Number.NEGATIVE_INFINITY
    }
    for (const item of mine) {
      if (group.length > 0 && item.start > reach) flush()
      group.push(item)
      reach = Math.max(reach, item.start + window, item.extreme)
    }
    flush()
  }
  return events.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0))
}

function eventOf(cascades: readonly Cascade[], direction: 'down' | 'up'): MarketEvent {
  const firstStart = new Map<string, number>()
  for (const c of cascades) {
    const t = Date.parse(c.start)
    if (!firstStart.has(c.market) || t < firstStart.get(c.market)!) firstStart.set(c.market, t)
  }
  const starts = [...firstStart.values()].sort((a, b) => a - b)
  const earliest = starts[0]!
  const leaders = [...firstStart].filter(([, t]) => t === earliest).map(([m]) => m)
  const nextStart = starts.find((t) => t > earliest)
  const leadSec = leaders.length > 1 || nextStart === undefined ? 0 : round((nextStart - earliest) / 1000, 3)
  const moves = cascades.map((c) => c.price.movePct)
  const earliestIso = new Date(earliest).toISOString()
  return {
    id: `event-${earliestIso.replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}-${direction}`,
    direction,
    start: earliestIso,
    markets: [...firstStart.keys()].sort(),
    cascades: cascades.map((c) => c.id),
    lead: { markets: leaders.sort(), leadSec },
    medianMovePct: pct(medianOrNull(moves) ?? 0),
  }
}
