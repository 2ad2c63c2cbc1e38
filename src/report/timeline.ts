/**
 * Writers for `cascade timeline`: NDJSON (the contract of DESIGN §3, read back by the
 * `cascade-timeline` source) and CSV. Only contract fields are written, in a fixed order.
 */

import { TIMELINE_CSV_COLUMNS } from '../timeline/csv-formats.js'
import type { TimelineEvent } from '../timeline/event.js'
import { csvCell, csvLine } from './csv.js'

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

/** The generic writer: `eventRecord` through JSON.stringify (the reference of `eventNdjson`). */
export function eventNdjsonGeneric(e: TimelineEvent): string {
  return `${JSON.stringify(eventRecord(e))}\n`
}

/** The generic writer: `eventRecord` through csvLine (the reference of `eventCsv`). */
export function eventCsvGeneric(e: TimelineEvent): string {
  const record = eventRecord(e) as Record<string, string | number | null | undefined>
  record.time = new Date(Math.floor(e.ts)).toISOString()
  return csvLine(TIMELINE_CSV_COLUMNS.map((c) => record[c]))
}

export { TIMELINE_CSV_COLUMNS }

export function timelineCsvHeader(): string {
  return `${TIMELINE_CSV_COLUMNS.join(',')}\n`
}

// The writers `cascade timeline` uses: the same bytes as the generic ones (a differential test
// holds them to it), written field by field for the timeline's fixed schema. Building a record per
// event and handing it to JSON.stringify took three quarters of a million-row timeline's time.

/** One name's JSON or CSV form, kept while the same name comes again (it nearly always does). */
class Memo {
  private key: string | null = null
  private value = ''
  constructor(private readonly make: (text: string) => string) {}
  of(text: string): string {
    if (text !== this.key) {
      this.key = text
      this.value = this.make(text)
    }
    return this.value
  }
}

/**
 * `String(v)`, faster for the numbers trade files hold: a decimal of at most 15 significant digits
 * (a price, a size, often their product) is the only such decimal that rounds to its double, so it
 * is the shortest that does, which is what String() prints (fixed notation from 1e-6 to 1e21). It
 * is found as m / 10^k for the smallest k whose m rounds back to v exactly; everything else is
 * String()'s own. (Formatting numbers was half of a timeline's time.)
 */
export function numberText(v: number): string {
  if (v < 0) return v > -1e15 ? `-${numberText(-v)}` : String(v)
  if (!(v >= 1e-6 && v < 1e15)) return String(v)
  let scale = 1
  for (let k = 0; k <= 12; k++) {
    const m = Math.round(v * scale)
    if (m >= 1e15) break
    if (m / scale === v) {
      const digits = `${m}`
      if (k === 0) return digits
      const point = digits.length - k
      return point > 0
        ? `${digits.slice(0, point)}.${digits.slice(point)}`
        : `0.${'0'.repeat(-point)}${digits}`
    }
    scale *= 10
  }
  return String(v)
}

/** A number as JSON.stringify writes it (null where not finite). */
const jsonNumber = (v: number) => (Number.isFinite(v) ? numberText(v) : 'null')

/** Characters JSON.stringify escapes in a string (and surrogates, which it escapes when alone). */
function jsonString(text: string): string {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c < 0x20 || c === 0x22 || c === 0x5c || (c >= 0xd800 && c <= 0xdfff)) return JSON.stringify(text)
  }
  return `"${text}"`
}

/** `,"key":value` as JSON.stringify writes a member; '' where JSON.stringify leaves it out. */
function member(key: string, value: unknown): string {
  switch (typeof value) {
    case 'number':
      return key + jsonNumber(value)
    case 'string':
      return key + jsonString(value)
    case 'undefined':
    case 'function':
    case 'symbol':
      return ''
    default:
      return key + JSON.stringify(value)
  }
}

const json = {
  exchange: new Memo(jsonString),
  symbol: new Memo(jsonString),
  market: new Memo(jsonString),
  source: new Memo(jsonString),
}

/** One event as an NDJSON line: the bytes of `eventNdjsonGeneric`. */
export function eventNdjson(e: TimelineEvent): string {
  // Names are strings in every event a source makes; anything else takes the general path.
  const named =
    typeof e.exchange === 'string' &&
    typeof e.symbol === 'string' &&
    typeof e.market === 'string' &&
    typeof e.source === 'string' &&
    typeof e.kind === 'string'
  let body = named
    ? `${member(',"ts":', e.ts)},"exchange":${json.exchange.of(e.exchange)},"symbol":${json.symbol.of(e.symbol)},"market":${json.market.of(e.market)},"kind":${jsonString(e.kind)},"source":${json.source.of(e.source)}`
    : member(',"ts":', e.ts) +
      member(',"exchange":', e.exchange) +
      member(',"symbol":', e.symbol) +
      member(',"market":', e.market) +
      member(',"kind":', e.kind) +
      member(',"source":', e.source)
  switch (e.kind) {
    case 'trade':
    case 'liquidation': {
      const { price, amount, notionalUsd, side, id } = e
      if (
        named &&
        typeof price === 'number' &&
        typeof amount === 'number' &&
        (typeof notionalUsd === 'number' || notionalUsd === null) &&
        typeof side === 'string' &&
        (typeof id === 'string' || id === undefined)
      ) {
        // Every field as sources make it: the line in one piece.
        return `{${body.slice(1)},"price":${jsonNumber(price)},"amount":${jsonNumber(amount)},"notionalUsd":${notionalUsd === null ? 'null' : jsonNumber(notionalUsd)},"side":${jsonString(side)}${id === undefined ? '' : `,"id":${jsonString(id)}`}}\n`
      }
      body +=
        member(',"price":', e.price) +
        member(',"amount":', e.amount) +
        member(',"notionalUsd":', e.notionalUsd) +
        member(',"side":', e.side) +
        member(',"id":', e.id)
      break
    }
    case 'open_interest':
      body += member(',"openInterest":', e.openInterest) + member(',"openInterestUsd":', e.openInterestUsd)
      break
    case 'funding':
      body += member(',"fundingRate":', e.fundingRate) + member(',"intervalHours":', e.intervalHours)
      break
    // Bars are few (a minute kline file: 1,440 a day) and have optional fields: the generic writer.
    default:
      return eventNdjsonGeneric(e)
  }
  return body.length === 0 ? '{}\n' : `{${body.slice(1)}}\n`
}

/** csvCell, with each name's cell kept while it comes again. */
const cell = {
  exchange: new Memo(csvCell),
  symbol: new Memo(csvCell),
  market: new Memo(csvCell),
  source: new Memo(csvCell),
}

/** The ISO time of one second, kept while events stay in it (`YYYY-MM-DDTHH:MM:SS.`). */
let isoSecond = Number.NaN
let isoPrefix = ''
const MS_DIGITS = Array.from({ length: 1000 }, (_, ms) => `${String(ms).padStart(3, '0')}Z`)

/** `new Date(Math.floor(ts)).toISOString()`, without a Date per event. */
function isoTime(ts: number): string {
  const ms = Math.floor(ts)
  const second = Math.floor(ms / 1000)
  if (second !== isoSecond) {
    const iso = new Date(second * 1000).toISOString()
    // Years outside 0000–9999 are written with a sign and six digits: not kept.
    if (iso.length !== 24) return csvCell(new Date(ms).toISOString())
    isoSecond = second
    isoPrefix = iso.slice(0, 20)
  }
  return isoPrefix + MS_DIGITS[ms - second * 1000]!
}

/** One cell of a number column, as csvCell writes it. */
const num = (value: number | null | undefined) =>
  typeof value === 'number' ? (Number.isFinite(value) ? numberText(value) : '') : csvCell(value)

/** The empty cells of a row after its column `last`, and the line ending. */
const emptyAfter = (last: (typeof TIMELINE_CSV_COLUMNS)[number]) =>
  `${','.repeat(TIMELINE_CSV_COLUMNS.length - 1 - TIMELINE_CSV_COLUMNS.indexOf(last))}\n`
const AFTER_ID = emptyAfter('id')
const AFTER_OPEN_INTEREST = emptyAfter('openInterestUsd')
const AFTER_FUNDING = emptyAfter('intervalHours')

/** One event as a CSV row of TIMELINE_CSV_COLUMNS: the bytes of `eventCsvGeneric`. */
export function eventCsv(e: TimelineEvent): string {
  if (
    typeof e.ts !== 'number' ||
    !Number.isFinite(e.ts) ||
    typeof e.exchange !== 'string' ||
    typeof e.symbol !== 'string' ||
    typeof e.market !== 'string' ||
    typeof e.source !== 'string' ||
    typeof e.kind !== 'string'
  )
    return eventCsvGeneric(e)
  const head = `${numberText(e.ts)},${isoTime(e.ts)},${cell.exchange.of(e.exchange)},${cell.symbol.of(e.symbol)},${cell.market.of(e.market)},${csvCell(e.kind)},${cell.source.of(e.source)},`
  // Columns after `source`: price amount notionalUsd side id | openInterest openInterestUsd |
  // fundingRate intervalHours | the bar's columns and the optional ones, empty but for bars.
  switch (e.kind) {
    case 'trade':
    case 'liquidation':
      return `${head}${num(e.price)},${num(e.amount)},${num(e.notionalUsd)},${csvCell(e.side)},${csvCell(e.id)}${AFTER_ID}`
    case 'open_interest':
      return `${head},,,,,${num(e.openInterest)},${num(e.openInterestUsd)}${AFTER_OPEN_INTEREST}`
    case 'funding':
      return `${head},,,,,,,${num(e.fundingRate)},${num(e.intervalHours)}${AFTER_FUNDING}`
    default:
      return eventCsvGeneric(e)
  }
}
