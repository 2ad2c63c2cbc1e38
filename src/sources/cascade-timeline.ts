// cascade-timeline: the events `cascade timeline` writes, read back so that pipelines compose
// (`cascade timeline a.zip b.csv.gz > t.ndjson; cascade analyze t.ndjson`). Contract: DESIGN.md §3.
// Two forms, both written by src/report/timeline.ts:
// - NDJSON (the default): one JSON object per line, `{"ts":…,"exchange":…,"symbol":…,"market":…,
//   "kind":…,"source":…, …kind's fields}`. Read whole lines (lineMode); a line that is not JSON is
//   a BAD_JSON row, a missing field MISSING_FIELD, each with its line number.
// - CSV (`--csv`): TIMELINE_CSV_COLUMNS, one union of every kind's fields, empty cell = null. `time` is
//   the ISO form of `ts`, written for people, and ignored here. The CSV carries every NDJSON field
//   (liqLongBase/liqShortBase, openInterestLow/openInterestUsdLow, openInterestSamplingMs too);
//   the older header without those is still read. Text cells that a spreadsheet
//   would execute were written with a leading apostrophe (csvCell); it is taken off again.
// Each event keeps the `source` it was made by (binance-aggtrades, …), so a read-back timeline is
// the same timeline. Rows are in time order, as written.
import { FatalError, RowError } from '../errors.js'
import { TIMELINE_CSV_COLUMNS, TIMELINE_CSV_COLUMNS_V1 } from '../timeline/csv-formats.js'
import type { BarEvent, LiquidationEvent, TimelineEvent, TradeEvent } from '../timeline/event.js'
import { headerExactly } from './aggregator-common.js'
import { describeFirstLine } from './binance-common.js'
import { decimal, quote } from './fields.js'
import type { FileReader, Probe, Source } from './source.js'

const TEXT_COLUMNS = new Set(['time', 'exchange', 'symbol', 'market', 'kind', 'source', 'side', 'id'])

/** The timeline CSV columns this header is, current or older; null when it is not one. */
function timelineCsvColumns(header: readonly string[] | undefined): readonly string[] | null {
  if (headerExactly(header, TIMELINE_CSV_COLUMNS)) return TIMELINE_CSV_COLUMNS
  if (headerExactly(header, TIMELINE_CSV_COLUMNS_V1)) return TIMELINE_CSV_COLUMNS_V1
  return null
}

export function isTimelineCsvHeader(header: readonly string[] | undefined): boolean {
  return timelineCsvColumns(header) !== null
}

const MS_2000 = 946_684_800_000
const MS_2100 = 4_102_444_800_000

type RecordLike = Record<string, unknown>

function present(r: RecordLike, key: string): unknown {
  if (!(key in r)) throw new RowError('MISSING_FIELD', `${key}: missing`)
  return r[key]
}

function text(r: RecordLike, key: string): string {
  const value = present(r, key)
  if (value === null || value === '') throw new RowError('MISSING_FIELD', `${key}: empty`)
  if (typeof value !== 'string')
    throw new RowError('BAD_VALUE', `${key}: expected text, got ${quote(JSON.stringify(value))}`)
  return value
}

function nullableNumber(r: RecordLike, key: string): number | null {
  const value = present(r, key)
  if (value === null) return null
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new RowError('BAD_NUMBER', `${key}: expected a number, got ${quote(JSON.stringify(value))}`)
  }
  return value
}

function number(r: RecordLike, key: string): number {
  const value = nullableNumber(r, key)
  if (value === null) throw new RowError('MISSING_FIELD', `${key}: empty`)
  return value
}

/** The price or amount of a trade or liquidation: a number above 0. */
function aboveZero(r: RecordLike, key: string): number {
  const value = number(r, key)
  if (!(value > 0)) throw new RowError('BAD_NUMBER', `${key}: expected a number above 0, got ${value}`)
  return value
}

function word<T extends string>(r: RecordLike, key: string, allowed: readonly T[]): T {
  const value = text(r, key)
  if (!(allowed as readonly string[]).includes(value)) {
    throw new RowError('BAD_SIDE', `${key}: expected ${allowed.join(' or ')}, got ${quote(value)}`)
  }
  return value as T
}

/** A record (parsed JSON, or a CSV row made into one) → the event it describes. */
export function eventFromRecord(r: RecordLike): TimelineEvent {
  const ts = present(r, 'ts')
  if (typeof ts !== 'number' || !(ts >= MS_2000 && ts < MS_2100)) {
    throw new RowError(
      'BAD_TIMESTAMP',
      `ts: expected epoch milliseconds between 2000 and 2100, got ${quote(JSON.stringify(ts))}`,
    )
  }
  const exchange = text(r, 'exchange')
  const symbol = text(r, 'symbol')
  const market = text(r, 'market')
  const kind = text(r, 'kind')
  const source = text(r, 'source')
  const id = r.id
  if (id !== undefined && id !== null && typeof id !== 'string') {
    throw new RowError('BAD_VALUE', `id: expected text, got ${quote(JSON.stringify(id))}`)
  }
  const hasId = typeof id === 'string' && id.length > 0
  // Object literals of one shape per kind (spreads made each event a slow object of its own).
  switch (kind) {
    case 'trade': {
      const trade: TradeEvent = {
        ts,
        exchange,
        symbol,
        market,
        kind,
        source,
        price: aboveZero(r, 'price'),
        amount: aboveZero(r, 'amount'),
        notionalUsd: nullableNumber(r, 'notionalUsd'),
        side: word(r, 'side', ['buy', 'sell', 'unknown'] as const),
      }
      if (hasId) trade.id = id
      return trade
    }
    case 'liquidation': {
      const liquidation: LiquidationEvent = {
        ts,
        exchange,
        symbol,
        market,
        kind,
        source,
        price: aboveZero(r, 'price'),
        amount: aboveZero(r, 'amount'),
        notionalUsd: number(r, 'notionalUsd'),
        side: word(r, 'side', ['long', 'short'] as const),
      }
      if (hasId) liquidation.id = id
      return liquidation
    }
    case 'open_interest':
      return {
        ts,
        exchange,
        symbol,
        market,
        kind,
        source,
        openInterest: nullableNumber(r, 'openInterest'),
        openInterestUsd: nullableNumber(r, 'openInterestUsd'),
      }
    case 'funding':
      return {
        ts,
        exchange,
        symbol,
        market,
        kind,
        source,
        fundingRate: number(r, 'fundingRate'),
        intervalHours: nullableNumber(r, 'intervalHours'),
      }
    case 'bar': {
      const durationMs = number(r, 'durationMs')
      if (!(durationMs > 0))
        throw new RowError('BAD_NUMBER', `durationMs: expected a positive length, got ${durationMs}`)
      const bar: BarEvent = {
        ts,
        exchange,
        symbol,
        market,
        kind,
        source,
        durationMs,
        open: nullableNumber(r, 'open'),
        high: nullableNumber(r, 'high'),
        low: nullableNumber(r, 'low'),
        close: nullableNumber(r, 'close'),
        volume: nullableNumber(r, 'volume'),
        volumeUsd: nullableNumber(r, 'volumeUsd'),
        takerBuyUsd: nullableNumber(r, 'takerBuyUsd'),
        trades: nullableNumber(r, 'trades'),
        liqLongUsd: nullableNumber(r, 'liqLongUsd'),
        liqShortUsd: nullableNumber(r, 'liqShortUsd'),
        openInterest: nullableNumber(r, 'openInterest'),
        openInterestUsd: nullableNumber(r, 'openInterestUsd'),
      }
      // Only sources that count liquidations in coins (Coinalyze) have these; null and absent are
      // one thing (a CSV cell cannot tell them apart), so null is left absent.
      const liqLongBase = r.liqLongBase === undefined ? null : nullableNumber(r, 'liqLongBase')
      const liqShortBase = r.liqShortBase === undefined ? null : nullableNumber(r, 'liqShortBase')
      if (liqLongBase !== null || liqShortBase !== null) {
        bar.liqLongBase = liqLongBase
        bar.liqShortBase = liqShortBase
      }
      const oiLow = r.openInterestLow === undefined ? null : nullableNumber(r, 'openInterestLow')
      const oiUsdLow = r.openInterestUsdLow === undefined ? null : nullableNumber(r, 'openInterestUsdLow')
      if (oiLow !== null || oiUsdLow !== null) {
        bar.openInterestLow = oiLow
        bar.openInterestUsdLow = oiUsdLow
      }
      const sampling =
        r.openInterestSamplingMs === undefined ? null : nullableNumber(r, 'openInterestSamplingMs')
      if (sampling !== null) bar.openInterestSamplingMs = sampling
      return bar
    }
    default:
      throw new RowError(
        'BAD_KIND',
        `kind: expected trade, liquidation, open_interest, funding or bar, got ${quote(kind)}`,
      )
  }
}

/** One NDJSON line → event through JSON.parse; BAD_JSON when the line is not a JSON object. */
export function eventFromJsonLine(line: string): TimelineEvent {
  let value: unknown
  try {
    value = JSON.parse(line)
  } catch (error) {
    throw new RowError('BAD_JSON', `not JSON (${(error as Error).message}): ${quote(line)}`)
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new RowError('BAD_JSON', `expected one JSON object per line, got ${quote(line)}`)
  }
  return eventFromRecord(value as RecordLike)
}

// The fast reader of NDJSON trades and liquidations (FileReader.fastLine), on the line's bytes. It
// reads a line only when it is exactly what the writer makes of a valid event — keys in the
// writer's order, no space, ASCII strings without escapes, JSON numbers, every value as
// eventFromRecord accepts it — and gives up (null: the line is decoded and JSON.parse reads it)
// at anything else. JSON.parse, a record and the checks on it took 3 µs a line.

const POW10: readonly number[] = Array.from({ length: 23 }, (_, k) => 10 ** k)
const ascii = (text: string) => Buffer.from(text, 'latin1')
const TS = ascii('{"ts":')
const EXCHANGE = ascii(',"exchange":')
const SYMBOL = ascii(',"symbol":')
const MARKET = ascii(',"market":')
const KIND_TRADE = ascii(',"kind":"trade","source":')
const KIND_LIQUIDATION = ascii(',"kind":"liquidation","source":')
const PRICE = ascii(',"price":')
const AMOUNT = ascii(',"amount":')
const NOTIONAL = ascii(',"notionalUsd":')
const NULL = ascii('null')
const SIDE = ascii(',"side":')
const ID = ascii(',"id":')
const SIDES = ['buy', 'sell', 'unknown', 'long', 'short'] as const

/** Node's ASCII decoder without argument checks (what toString('latin1', …) calls). */
type Latin1 = Buffer & { latin1Slice(start: number, end: number): string }

/** Reads one line's bytes; `at` is where it has got to, `end` where the line ends. */
class LineBytes {
  b: Buffer = Buffer.alloc(0)
  at = 0
  end = 0

  /** The bytes `text` next (then past them). */
  literal(text: Uint8Array): boolean {
    const b = this.b
    const at = this.at
    if (at + text.length > this.end) return false
    for (let i = 0; i < text.length; i++) if (b[at + i] !== text[i]) return false
    this.at = at + text.length
    return true
  }

  /** As literal(), for long texts (one memcmp). */
  longLiteral(text: Buffer): boolean {
    const at = this.at
    if (at + text.length > this.end) return false
    if (this.b.compare(text, 0, text.length, at, at + text.length) !== 0) return false
    this.at = at + text.length
    return true
  }

  /** A JSON number next: its value, or NaN when there is none (or it is not finite). */
  number(): number {
    const b = this.b
    const end = this.end
    const start = this.at
    let p = start
    let negative = false
    if (p < end && b[p] === 45) {
      negative = true
      p++
    }
    let m = 0
    let digits = 0
    let c = p < end ? b[p]! : -1
    if (c === 48) {
      p++
      digits = 1
    } else {
      while (c >= 48 && c <= 57) {
        m = m * 10 + (c - 48)
        digits++
        c = ++p < end ? b[p]! : -1
      }
      if (digits === 0) return Number.NaN
    }
    let decimals = 0
    if (p < end && b[p] === 46) {
      c = ++p < end ? b[p]! : -1
      while (c >= 48 && c <= 57) {
        m = m * 10 + (c - 48)
        decimals++
        c = ++p < end ? b[p]! : -1
      }
      if (decimals === 0) return Number.NaN
    }
    // Clinger's fast path: m and 10^k exact, so m / 10^k rounds once, as Number() does.
    let exact = digits + decimals <= 15
    c = p < end ? b[p]! : -1
    if (c === 101 || c === 69) {
      exact = false
      c = ++p < end ? b[p]! : -1
      if (c === 43 || c === 45) c = ++p < end ? b[p]! : -1
      if (!(c >= 48 && c <= 57)) return Number.NaN
      while (c >= 48 && c <= 57) c = ++p < end ? b[p]! : -1
    }
    this.at = p
    if (exact) {
      const value = m / POW10[decimals]!
      return negative ? -value : value
    }
    const value = Number((b as Latin1).latin1Slice(start, p))
    return Number.isFinite(value) ? value : Number.NaN
  }

  /**
   * A JSON string of printable ASCII without escapes next: where its text ends (the text starts
   * after the quote at the old `at`), or -1.
   */
  string(): number {
    const b = this.b
    const end = this.end
    if (this.at >= end || b[this.at] !== 34) return -1
    for (let p = this.at + 1; p < end; p++) {
      const c = b[p]!
      if (c === 34) {
        this.at = p + 1
        return p
      }
      // An escape, a control character or anything not ASCII: JSON.parse decides.
      if (c === 92 || c < 0x20 || c > 0x7e) return -1
    }
    return -1
  }
}

const bytes = new LineBytes()

/**
 * The bytes between a line's time and its price as last read, and what they hold: every line of
 * one series and kind has the same, so one comparison reads all its names.
 */
const names = {
  // (No line holds a NUL byte there: nothing matches until a line's names have been read.)
  bytes: Buffer.from([0]),
  exchange: '',
  symbol: '',
  market: '',
  source: '',
  trade: true,
}

/** A name (a JSON string) next: its text, or null (empty names are eventFromRecord's to refuse). */
function name(r: LineBytes): string | null {
  const start = r.at + 1
  const end = r.string()
  if (end <= start) return null
  return (r.b as Latin1).latin1Slice(start, end)
}

/** The names of a line from `r.at` (just after the time) to just after `"price":`; false if unusual. */
function readNames(r: LineBytes): boolean {
  const from = r.at
  if (!r.literal(EXCHANGE)) return false
  const exchange = name(r)
  if (exchange === null || !r.literal(SYMBOL)) return false
  const symbol = name(r)
  if (symbol === null || !r.literal(MARKET)) return false
  const market = name(r)
  if (market === null) return false
  const trade = r.literal(KIND_TRADE)
  if (!trade && !r.literal(KIND_LIQUIDATION)) return false
  const source = name(r)
  if (source === null || !r.literal(PRICE)) return false
  names.bytes = Buffer.from(r.b.subarray(from, r.at))
  names.exchange = exchange
  names.symbol = symbol
  names.market = market
  names.source = source
  names.trade = trade
  return true
}

/** A trade or liquidation line as `cascade timeline` writes it → its event; null for any other line. */
export function eventFromLineBytes(
  b: Buffer,
  start: number,
  end: number,
): TradeEvent | LiquidationEvent | null {
  const r = bytes
  r.b = b
  r.at = start
  r.end = end
  if (!r.literal(TS)) return null
  const ts = r.number()
  if (!(ts >= MS_2000 && ts < MS_2100)) return null
  if (!r.longLiteral(names.bytes) && !readNames(r)) return null
  const trade = names.trade
  // A price or amount that is not above 0 is a bad row: row() says why.
  const price = r.number()
  if (!(price > 0) || !r.literal(AMOUNT)) return null
  const amount = r.number()
  if (!(amount > 0) || !r.literal(NOTIONAL)) return null
  let notionalUsd: number | null = null
  if (!r.literal(NULL)) {
    notionalUsd = r.number()
    if (Number.isNaN(notionalUsd)) return null
  } else if (!trade) return null
  if (!r.literal(SIDE)) return null
  const sideStart = r.at + 1
  const sideEnd = r.string()
  if (sideEnd < 0) return null
  const sideText = (b as Latin1).latin1Slice(sideStart, sideEnd)
  const side = SIDES.find((s) => s === sideText)
  if (
    side === undefined ||
    (trade ? side === 'long' || side === 'short' : side !== 'long' && side !== 'short')
  )
    return null
  let id = ''
  if (r.literal(ID)) {
    const idStart = r.at + 1
    const idEnd = r.string()
    if (idEnd < 0) return null
    id = (b as Latin1).latin1Slice(idStart, idEnd)
  }
  if (r.at !== end - 1 || b[r.at] !== 125) return null
  if (trade) {
    const event: TradeEvent = {
      ts,
      exchange: names.exchange,
      symbol: names.symbol,
      market: names.market,
      kind: 'trade',
      source: names.source,
      price,
      amount,
      notionalUsd,
      side: side as TradeEvent['side'],
    }
    if (id) event.id = id
    return event
  }
  const event: LiquidationEvent = {
    ts,
    exchange: names.exchange,
    symbol: names.symbol,
    market: names.market,
    kind: 'liquidation',
    source: names.source,
    price,
    amount,
    notionalUsd: notionalUsd!,
    side: side as LiquidationEvent['side'],
  }
  if (id) event.id = id
  return event
}

/** A CSV cell back to the value eventRecord held: empty → null, numbers → numbers, text unescaped. */
function csvValue(column: string, cell: string): unknown {
  if (cell.length === 0) return null
  if (TEXT_COLUMNS.has(column)) return /^'[=+\-@\t\r]/.test(cell) ? cell.slice(1) : cell
  const value = decimal(cell)
  if (!Number.isFinite(value))
    throw new RowError('BAD_NUMBER', `${column}: expected a number, got ${quote(cell)}`)
  return value
}

/** Columns from `openInterest` on: empty in every trade and liquidation row (both layouts). */
const FIRST_OTHER_COLUMN = TIMELINE_CSV_COLUMNS.indexOf('openInterest')

/**
 * One CSV row → event. A row whose columns after `id` are all empty (trades and liquidations, nearly
 * every row) takes a record of its first twelve columns only: the same cells read in the same order,
 * so the same event or error, without a 27-key record per row (a differential test checks this).
 */
export function eventFromCsvRow(
  fields: readonly string[],
  columns: readonly string[] = TIMELINE_CSV_COLUMNS,
): TimelineEvent {
  if (fields.length !== columns.length) {
    throw new RowError('FIELD_COUNT', `expected ${columns.length} fields, got ${fields.length}`)
  }
  let others = false
  for (let i = FIRST_OTHER_COLUMN; i < fields.length; i++) {
    if (fields[i]!.length > 0) {
      others = true
      break
    }
  }
  if (!others) {
    return eventFromRecord({
      ts: csvValue('ts', fields[0]!),
      time: csvValue('time', fields[1]!),
      exchange: csvValue('exchange', fields[2]!),
      symbol: csvValue('symbol', fields[3]!),
      market: csvValue('market', fields[4]!),
      kind: csvValue('kind', fields[5]!),
      source: csvValue('source', fields[6]!),
      price: csvValue('price', fields[7]!),
      amount: csvValue('amount', fields[8]!),
      notionalUsd: csvValue('notionalUsd', fields[9]!),
      side: csvValue('side', fields[10]!),
      id: csvValue('id', fields[11]!),
      openInterest: null,
      openInterestUsd: null,
      fundingRate: null,
      intervalHours: null,
      durationMs: null,
      open: null,
      high: null,
      low: null,
      close: null,
      volume: null,
      volumeUsd: null,
      takerBuyUsd: null,
      trades: null,
      liqLongUsd: null,
      liqShortUsd: null,
    })
  }
  return eventFromCsvRowGeneric(fields, columns)
}

/** One CSV row → event through a record of all its columns (the reference of eventFromCsvRow). */
export function eventFromCsvRowGeneric(
  fields: readonly string[],
  columns: readonly string[] = TIMELINE_CSV_COLUMNS,
): TimelineEvent {
  if (fields.length !== columns.length) {
    throw new RowError('FIELD_COUNT', `expected ${columns.length} fields, got ${fields.length}`)
  }
  const record: RecordLike = {}
  columns.forEach((column, i) => {
    record[column] = csvValue(column, fields[i]!)
  })
  return eventFromRecord(record)
}

/** Is the first line a timeline NDJSON object? (The probe split it on commas; joined back it is the line.) */
function firstJson(probe: Probe): RecordLike | null {
  const line = probe.lines[0]?.join(',')
  if (!line?.trimStart().startsWith('{')) return null
  try {
    const value: unknown = JSON.parse(line)
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as RecordLike) : null
  } catch {
    return null
  }
}

const KEYS = ['ts', 'exchange', 'kind', 'source'] as const

export const cascadeTimeline: Source = {
  id: 'cascade-timeline',
  title: "cascade's own timeline, read back: NDJSON (cascade timeline) or CSV (cascade timeline --csv)",
  exchange: '*',
  kinds: ['trade', 'liquidation', 'open_interest', 'funding', 'bar'],
  docs: 'README.md#cascade-timeline (DESIGN.md §3)',
  detect(probe) {
    const json = firstJson(probe)
    if (json && KEYS.every((k) => k in json))
      return {
        claims: true,
        why: 'first line is a JSON object with ts, exchange, kind, source (cascade timeline NDJSON)',
      }
    if (isTimelineCsvHeader(probe.lines[0])) return { claims: true, why: 'header is cascade timeline --csv' }
    if (json)
      return {
        claims: false,
        why: `first line is JSON but lacks ${KEYS.filter((k) => !(k in json)).join(', ')}`,
      }
    return {
      claims: false,
      why: `needs NDJSON lines with ts, exchange, kind, source, or the header ${TIMELINE_CSV_COLUMNS.join(',')}; ${describeFirstLine(probe)}`,
    }
  },
  open(probe): FileReader {
    if (firstJson(probe))
      return {
        hasHeader: false,
        lineMode: true,
        fastLine: eventFromLineBytes,
        row: (f) => eventFromJsonLine(f[0] ?? ''),
      }
    const columns = timelineCsvColumns(probe.lines[0])
    if (columns) return { hasHeader: true, row: (f) => eventFromCsvRow(f, columns) }
    throw new FatalError(`${probe.name || '<stdin>'}: not a cascade timeline (${describeFirstLine(probe)})`)
  },
}
