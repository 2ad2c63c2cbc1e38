/**
 * What the aggregator, table and cascade-format sources share: the length of a file's buckets,
 * times written in any of the common ways, header look-ups, symbols taken from file names, and
 * an empty bar to fill in. https://docs.coinglass.com/ https://api.coinalyze.net/v1/doc/
 */
import { FatalError, RowError } from '../errors.js'
import { epochToMs, num, quote } from './fields.js'
import type { Probe } from './source.js'

export const MINUTE_MS = 60_000
export const HOUR_MS = 3_600_000
export const DAY_MS = 86_400_000

const NAME_INTERVAL =
  /(?:^|[_\-. ])(\d{1,3})(m|min|mins|minute|minutes|h|hr|hour|hours|d|day|days)(?=$|[_\-. ])/i
const NAME_WORDS: Readonly<Record<string, number>> = { minutely: MINUTE_MS, hourly: HOUR_MS, daily: DAY_MS }

/** A bucket length written in a file name: `_1h`, `-4h`, `_30m`, `_1min`, `_1d`, `hourly`, `daily`. */
export function intervalFromName(name: string): number | null {
  const m = NAME_INTERVAL.exec(name)
  if (m) {
    const unit = m[2]!.toLowerCase()
    const size = unit.startsWith('m') ? MINUTE_MS : unit.startsWith('h') ? HOUR_MS : DAY_MS
    const n = Number(m[1])
    return n > 0 ? n * size : null
  }
  for (const word of name.toLowerCase().split(/[_\-. ]+/)) {
    const ms = NAME_WORDS[word]
    if (ms !== undefined) return ms
  }
  return null
}

/**
 * The bucket length of a file of bars that do not state it. Aggregator exports (CoinGlass,
 * Coinalyze, home-made tables) give only each bucket's open time, so the length is read from
 * the spacing of the probe's rows: the smallest positive step between two distinct times
 * (a missing hour only widens one step, a repeated row adds a zero step, so neither fools it).
 * The spacing wins over the name (a file named `_1h` was seen holding 5-minute rows); the name
 * is used only when the probe holds a single time. With neither, a clear error.
 */
export function inferBucketMs(times: readonly number[], probe: Probe, what: string): number {
  const distinct = [...new Set(times)].sort((a, b) => a - b)
  let step = Number.POSITIVE_INFINITY
  for (let i = 1; i < distinct.length; i++) step = Math.min(step, distinct[i]! - distinct[i - 1]!)
  if (Number.isFinite(step)) return step
  const named = intervalFromName(probe.name)
  if (named !== null) return named
  if (distinct.length === 0) return HOUR_MS // no data rows: the length is never used
  throw new FatalError(
    `${probe.name || '<stdin>'}: cannot tell the bucket length of this ${what} file (a single row, no interval in its name)`,
    'keep the interval in the file name, e.g. coinglass_BTC_liquidation_1h.csv or …_4h.csv',
  )
}

/** The times of the probe's data rows in one column, skipping cells that do not parse. */
export function probeTimes(probe: Probe, column: number, hasHeader: boolean, parse = timeCell): number[] {
  const times: number[] = []
  for (const row of probe.lines.slice(hasHeader ? 1 : 0)) {
    try {
      times.push(parse(row[column], 'time'))
    } catch {
      // a bad cell is reported when the row is read
    }
  }
  return times
}

const ISO =
  /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|UTC|[+-]\d{2}(?::?\d{2})?)?$/i

/**
 * A time in any of the forms tables use: epoch s / ms / µs / ns (told apart by size), or an
 * ISO-like date and time (`2026-02-06T00:00:00.000Z`, `2026-02-06 00:00:00`, DuckDB's
 * `2026-02-06 00:00:00+00`, a bare date). No zone means UTC, never the machine's local time.
 */
export function timeCell(text: string | undefined, column: string): number {
  if (text === undefined || text.length === 0) throw new RowError('MISSING_FIELD', `${column}: empty`)
  if (/^\d+(\.\d+)?$/.test(text)) return epochToMs(text, column)
  const m = ISO.exec(text.trim())
  if (!m)
    throw new RowError(
      'BAD_TIMESTAMP',
      `${column}: expected epoch time or YYYY-MM-DD[ HH:MM:SS][Z], got ${quote(text)}`,
    )
  const [, y, mo, d, h = '0', mi = '0', s = '0', frac, zone] = m
  const check = new Date(Date.UTC(+y!, +mo! - 1, +d!))
  if (check.getUTCMonth() !== +mo! - 1 || check.getUTCDate() !== +d! || +h > 23 || +mi > 59 || +s > 60) {
    throw new RowError('BAD_TIMESTAMP', `${column}: ${quote(text)} is not a valid date and time`)
  }
  let ms = Date.UTC(+y!, +mo! - 1, +d!, +h, +mi, +s) + (frac ? Number(`0.${frac}`) * 1000 : 0)
  if (zone && /^[+-]/.test(zone)) {
    const digits = zone.replace(':', '')
    const offsetMin = Number(digits.slice(1, 3)) * 60 + Number(digits.slice(3, 5) || '0')
    ms -= (zone.startsWith('-') ? -1 : 1) * offsetMin * MINUTE_MS
  }
  return ms
}

/** A number that may be empty (null); negative values are refused (sizes, prices, USD). */
export function optionalNonNegative(text: string | undefined, column: string): number | null {
  if (text === undefined || text.length === 0) return null
  const value = num(text, column)
  if (value < 0)
    throw new RowError('BAD_NUMBER', `${column}: expected a non-negative number, got ${quote(text)}`)
  return value
}

/** A header cell reduced for matching: `Liquidation_Long_USD`, `liquidationLongUsd` → `liquidationlongusd`. */
export function normalizeName(name: string): string {
  return name
    .replace(/^\uFEFF/, '')
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '')
}

/** Does the header hold exactly these columns, in this order (case and spaces ignored)? */
export function headerExactly(header: readonly string[] | undefined, columns: readonly string[]): boolean {
  return (
    header !== undefined &&
    header.length === columns.length &&
    header.every((c, i) => normalizeName(c) === normalizeName(columns[i]!))
  )
}

/** The coin or pair after `coinglass` in a name: `coinglass_BTC_liquidation_10y_1h.csv` → `BTC`. */
export function coinglassSymbolFromName(name: string): string | null {
  const m = /(?:^|[^A-Za-z])coinglass[_\-. ]+([A-Za-z0-9]+)/i.exec(name)
  return m ? m[1]!.toUpperCase() : null
}

/** The first all-capital token of a name: `coinglass_BTC_regime_1h_1y.csv` → `BTC`, `LTCUSDT-1m-…` → `LTCUSDT`. */
export function capitalTokenFromName(name: string): string | null {
  const stem = name.replace(/\.(csv|tsv|txt|ndjson|jsonl|json)$/i, '')
  for (const token of stem.split(/[_\-. ]+/)) if (/^[A-Z][A-Z0-9]{1,19}$/.test(token)) return token
  return null
}

export { type BarHead, emptyBar } from '../timeline/event.js'

/** Long + short must equal the file's total within rounding (a cent, or 1e-9 of the total). */
export function checkLiquidationTotal(long: number, short: number, total: number, column: string): void {
  const tolerance = Math.max(0.01, Math.abs(total) * 1e-9)
  if (Math.abs(long + short - total) > tolerance) {
    throw new RowError('LIQ_TOTAL_MISMATCH', `${column} ${total} is not long + short = ${long + short}`)
  }
}
