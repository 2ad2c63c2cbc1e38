/**
 * The funding rate in force around a cascade or episode. Traders read funding next to
 * liquidations: a crowded long (high positive funding) before a fall, its reset after.
 *
 * A rate recorded at time t (the exchange's settlement or calculation time) is "in force" from t
 * until the next one. `before` is the last rate at or before the start; `after` is the first rate
 * set after the end, or, when none is set later, the one still in force at the end. A rate older
 * (or later) than two funding intervals (the interval the file states, else 8 h) is too far away to
 * describe the window and counts as none. The rates come from one series: the price series' venue
 * when it has funding, else the first venue (by series key) with a rate near the window.
 */
import type { FundingRate } from '../bars/index.js'
import type { MarketBars, Venue } from './market.js'
import type { CascadeFunding } from './report-types.js'
import { HOUR } from './stats.js'

const DEFAULT_INTERVAL_HOURS = 8

/** How far from a window a rate may lie and still be read as the one in force there. */
function reachOf(rate: FundingRate): number {
  return 2 * (rate.intervalHours ?? DEFAULT_INTERVAL_HOURS) * HOUR
}

/** Index of the last rate with ts ≤ t, or -1. */
function lastAtOrBefore(rates: readonly FundingRate[], t: number): number {
  let lo = 0
  let hi = rates.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (rates[mid]!.ts <= t) lo = mid + 1
    else hi = mid
  }
  return lo - 1
}

/** `{ before, after }` of one series for the window [from, to]; null when no rate is near it. */
export function fundingAround(
  rates: readonly FundingRate[],
  from: number,
  to: number,
): { before: number | null; after: number | null } | null {
  const b = lastAtOrBefore(rates, from)
  const beforeRate = rates[b]
  const before = beforeRate && from - beforeRate.ts <= reachOf(beforeRate) ? beforeRate.rate : null
  const e = lastAtOrBefore(rates, to)
  const next = rates[e + 1]
  const inForce = rates[e]
  let after: number | null = null
  if (next && next.ts - to <= reachOf(next)) after = next.rate
  else if (!next && inForce && to - inForce.ts <= reachOf(inForce)) after = inForce.rate
  if (before === null && after === null) return null
  return { before, after }
}

/** The funding of a market around [from, to] (start and end of a cascade or episode). */
export function marketFunding(market: MarketBars, from: number, to: number): CascadeFunding | null {
  const priceVenue = market.venues.find((venue) => venue.series === market.price?.series)
  const others = market.venues
    .filter((venue) => venue !== priceVenue)
    .sort((a, b) => (a.series.key < b.series.key ? -1 : a.series.key > b.series.key ? 1 : 0))
  const ordered: Venue[] = priceVenue ? [priceVenue, ...others] : others
  for (const venue of ordered) {
    if (!venue.funding) continue
    const found = fundingAround(venue.funding, from, to)
    if (found) return { ...found, series: venue.series.key }
  }
  return null
}
