/**
 * How a day ranks against the earlier daily reports: rank, percentile and "the largest since …"
 * for the day's liquidations, price range and largest cascade move. Pure: the history is passed in.
 */
import { pct, usd } from '../format.js'
import { round } from './numbers.js'
import type { HistoryDay, MarketRanking, RankedFigure } from './types.js'

export interface DayFigures {
  liquidationsUsd: number | null
  rangePct: number | null
  /** Absolute %. */
  cascadeMovePct: number | null
}

/**
 * `value` against earlier days' values. Percentile = share of earlier days with a smaller value,
 * ties counted half (so a day equal to all others is the 50th). Null without earlier days.
 */
export function rankFigure(
  value: number,
  earlier: readonly { date: string; value: number }[],
): RankedFigure | null {
  if (earlier.length === 0) return null
  let below = 0
  let equal = 0
  let above = 0
  let since: string | null = null
  let last = ''
  for (const day of earlier) {
    if (day.value < value) below++
    else if (day.value === value) equal++
    else above++
    if (day.value >= value && (since === null || day.date > since)) since = day.date
    if (day.date > last) last = day.date
  }
  const record = since === null
  return {
    value,
    rank: above + 1,
    of: earlier.length,
    percentile: round((100 * (below + equal / 2)) / earlier.length, 1),
    record,
    // Only a superlative when at least one earlier day lies between that day and this one.
    largestSince: since !== null && since < last ? since : null,
  }
}

const LABELS: Record<keyof DayFigures, { name: string; text: (x: number) => string }> = {
  liquidationsUsd: { name: 'liquidations', text: (x) => usd(x) },
  rangePct: { name: 'price range', text: (x) => pct(x, false) },
  cascadeMovePct: { name: 'cascade move', text: (x) => pct(x, false) },
}

export function rankMarket(
  market: string,
  figures: DayFigures,
  history: readonly HistoryDay[],
): MarketRanking {
  const days = history
    .filter((day) => day.markets.has(market))
    .map((day) => day.date)
    .sort()
  const ranking: MarketRanking = {
    days: days.length,
    firstDay: days[0] ?? null,
    lastDay: days[days.length - 1] ?? null,
    liquidationsUsd: null,
    rangePct: null,
    cascadeMovePct: null,
    notes: [],
  }
  for (const key of ['liquidationsUsd', 'rangePct', 'cascadeMovePct'] as const) {
    const value = figures[key]
    if (value === null) continue
    // Days without a cascade have no cascade move: the move ranks among days that had one.
    const earlier = history.flatMap((day) => {
      const v = day.markets.get(market)?.[key]
      return v === null || v === undefined ? [] : [{ date: day.date, value: v }]
    })
    const ranked = rankFigure(value, earlier)
    ranking[key] = ranked
    if (ranked) ranking.notes.push(rankingWords(key, ranked))
  }
  return ranking
}

function rankingWords(key: keyof DayFigures, r: RankedFigure): string {
  const { name, text } = LABELS[key]
  const days = key === 'cascadeMovePct' ? 'earlier days with a cascade' : 'earlier days'
  const where = `rank ${r.rank} of ${r.of + 1}, percentile ${r.percentile.toFixed(1)} of ${r.of} ${days}`
  if (r.record) return `${name} ${text(r.value)}: the largest in the reports (${where})`
  if (r.largestSince) return `${name} ${text(r.value)}: the largest since ${r.largestSince} (${where})`
  return `${name} ${text(r.value)}: ${where}`
}
