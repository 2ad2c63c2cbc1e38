/**
 * Writers for `cascade timeline`: NDJSON (the contract of DESIGN §3, read back by the
 * `cascade-timeline` source) and CSV. Only contract fields are written, in a fixed order.
 */

import { TIMELINE_CSV_COLUMNS } from '../timeline/csv-formats.js'
import type { TimelineEvent } from '../timeline/event.js'
import { csvLine } from './csv.js'

/** One event as a JSON object with the contract's field order. */
export function eventRecord(e: TimelineEvent): Record<string, unknown> {
  const head = {
    ts: e.ts,
    exchange: e.exchange,
    symbol: e.symbol,
    market: e.market,
    kind: e.kind,
    source: e.source,
  }
  switch (e.kind) {
    case 'trade':
      return {
        ...head,
        price: e.price,
        amount: e.amount,
        notionalUsd: e.notionalUsd,
        side: e.side,
        ...(e.id === undefined ? {} : { id: e.id }),
      }
    case 'liquidation':
      return {
        ...head,
        price: e.price,
        amount: e.amount,
        notionalUsd: e.notionalUsd,
        side: e.side,
        ...(e.id === undefined ? {} : { id: e.id }),
      }
    case 'open_interest':
      return { ...head, openInterest: e.openInterest, openInterestUsd: e.openInterestUsd }
    case 'funding':
      return { ...head, fundingRate: e.fundingRate, intervalHours: e.intervalHours }
    case 'bar':
      return {
        ...head,
        durationMs: e.durationMs,
        open: e.open,
        high: e.high,
        low: e.low,
        close: e.close,
        volume: e.volume,
        volumeUsd: e.volumeUsd,
        takerBuyUsd: e.takerBuyUsd,
        trades: e.trades,
        liqLongUsd: e.liqLongUsd,
        liqShortUsd: e.liqShortUsd,
        openInterest: e.openInterest,
        openInterestUsd: e.openInterestUsd,
        // Only aggregators that count liquidations in coins (Coinalyze) have these; written as a
        // pair, in the NDJSON and the CSV alike, and left out when neither is known.
        ...((e.liqLongBase ?? null) === null && (e.liqShortBase ?? null) === null
          ? {}
          : { liqLongBase: e.liqLongBase ?? null, liqShortBase: e.liqShortBase ?? null }),
        // Only sources with OHLC open interest (a wide table's oi_low) have these.
        ...((e.openInterestLow ?? null) === null && (e.openInterestUsdLow ?? null) === null
          ? {}
          : { openInterestLow: e.openInterestLow ?? null, openInterestUsdLow: e.openInterestUsdLow ?? null }),
        ...((e.openInterestSamplingMs ?? null) === null
          ? {}
          : { openInterestSamplingMs: e.openInterestSamplingMs }),
      }
  }
}

export function eventNdjson(e: TimelineEvent): string {
  return `${JSON.stringify(eventRecord(e))}\n`
}

export { TIMELINE_CSV_COLUMNS }

export function timelineCsvHeader(): string {
  return `${TIMELINE_CSV_COLUMNS.join(',')}\n`
}

export function eventCsv(e: TimelineEvent): string {
  const record = eventRecord(e) as Record<string, string | number | null | undefined>
  record.time = new Date(Math.floor(e.ts)).toISOString()
  return csvLine(TIMELINE_CSV_COLUMNS.map((c) => record[c]))
}
