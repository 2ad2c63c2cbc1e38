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
import type { BarEvent, TimelineEvent } from '../timeline/event.js'
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
  const head = { ts, exchange: text(r, 'exchange'), symbol: text(r, 'symbol'), market: text(r, 'market') }
  const kind = text(r, 'kind')
  const source = text(r, 'source')
  const id = r.id
  if (id !== undefined && id !== null && typeof id !== 'string') {
    throw new RowError('BAD_VALUE', `id: expected text, got ${quote(JSON.stringify(id))}`)
  }
  const withId = typeof id === 'string' && id.length > 0 ? { id } : {}
  switch (kind) {
    case 'trade': {
      return {
        ...head,
        kind,
        source,
        price: aboveZero(r, 'price'),
        amount: aboveZero(r, 'amount'),
        notionalUsd: nullableNumber(r, 'notionalUsd'),
        side: word(r, 'side', ['buy', 'sell', 'unknown'] as const),
        ...withId,
      }
    }
    case 'liquidation':
      return {
        ...head,
        kind,
        source,
        price: aboveZero(r, 'price'),
        amount: aboveZero(r, 'amount'),
        notionalUsd: number(r, 'notionalUsd'),
        side: word(r, 'side', ['long', 'short'] as const),
        ...withId,
      }
    case 'open_interest':
      return {
        ...head,
        kind,
        source,
        openInterest: nullableNumber(r, 'openInterest'),
        openInterestUsd: nullableNumber(r, 'openInterestUsd'),
      }
    case 'funding':
      return {
        ...head,
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
        ...head,
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

/** One NDJSON line → event; BAD_JSON when the line is not a JSON object. */
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

/** A CSV cell back to the value eventRecord held: empty → null, numbers → numbers, text unescaped. */
function csvValue(column: string, cell: string): unknown {
  if (cell.length === 0) return null
  if (TEXT_COLUMNS.has(column)) return /^'[=+\-@\t\r]/.test(cell) ? cell.slice(1) : cell
  const value = decimal(cell)
  if (!Number.isFinite(value))
    throw new RowError('BAD_NUMBER', `${column}: expected a number, got ${quote(cell)}`)
  return value
}

export function eventFromCsvRow(
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
      return { hasHeader: false, lineMode: true, row: (f) => eventFromJsonLine(f[0] ?? '') }
    const columns = timelineCsvColumns(probe.lines[0])
    if (columns) return { hasHeader: true, row: (f) => eventFromCsvRow(f, columns) }
    throw new FatalError(`${probe.name || '<stdin>'}: not a cascade timeline (${describeFirstLine(probe)})`)
  },
}
