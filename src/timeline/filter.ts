/** The command line's selection: a time range, markets and exchanges. */
import type { Located, TimelineEvent } from './event.js'

export interface Selection {
  /** Epoch ms, inclusive. */
  from?: number
  /** Epoch ms, exclusive. */
  to?: number
  /** Base assets (`BTC`), canonical markets (`BTC-USDT-PERP`) or exchange symbols (`BTCUSDT`). */
  markets?: string[]
  exchanges?: string[]
}

/** The base asset of a canonical market name (`BTC-USDT-PERP` → `BTC`). */
export function baseOf(market: string): string {
  const dash = market.indexOf('-')
  return dash < 0 ? market : market.slice(0, dash)
}

export function selects(selection: Selection): ((e: TimelineEvent) => boolean) | null {
  const { from, to } = selection
  const markets = selection.markets?.map((m) => m.toUpperCase())
  const exchanges = selection.exchanges?.map((x) => x.toLowerCase())
  if (from === undefined && to === undefined && !markets?.length && !exchanges?.length) return null
  return (e) => {
    // A bucket belongs to the range when any part of it does.
    const end = e.kind === 'bar' ? e.ts + e.durationMs : e.ts + 1
    if (from !== undefined && end <= from) return false
    if (to !== undefined && e.ts >= to) return false
    if (exchanges?.length && !exchanges.includes(e.exchange)) return false
    if (markets?.length) {
      const base = baseOf(e.market)
      if (!markets.some((m) => m === base || m === e.market || m === e.symbol.toUpperCase())) return false
    }
    return true
  }
}

export async function* filterEvents(
  batches: AsyncIterable<Located[]>,
  selection: Selection,
): AsyncGenerator<Located[]> {
  const keep = selects(selection)
  if (!keep) {
    yield* batches
    return
  }
  for await (const batch of batches) {
    const kept = batch.filter(keep)
    if (kept.length > 0) yield kept
  }
}
