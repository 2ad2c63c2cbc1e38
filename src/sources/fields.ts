/**
 * Field parsers shared by the sources. Every one either returns a clean value or throws a
 * RowError with a code and the column's name, so a bad cell becomes a counted, located bad row.
 */
import { RowError } from '../errors.js'

const POWERS_OF_TEN = Array.from({ length: 16 }, (_, k) => 10 ** k)

/**
 * Decimal notation, the only way numbers are written in the files cascade reads: an optional sign,
 * digits with an optional fraction (`5`, `5.`, `.5`, `-94000.125`), an optional exponent (`1e-8`),
 * and spaces or tabs around it. `Number()` also reads `0x10`, `0b11`, `0o17`, `Infinity` and a cell
 * of spaces (as 0): none of them is a number in an export, so they are refused.
 */
// The integer part and the fraction are separate runs of digits (`\d+(?:\.\d*)?`, not `\d+\.?\d*`):
// with two ways to split one run, a cell of 500,000 digits and a stray character took hours.
const DECIMAL = /^[ \t]*[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?[ \t]*$/

/**
 * A number in decimal notation, NaN for any other text. Plain decimals such as `-94000.125` are
 * read about twice as fast as `Number` reads them: with at most 15 digits the digits make an
 * integer below 2^53 and 10^k is exact, so one division is correctly rounded — the same double
 * `Number` gives (Clinger's fast path). Everything else is checked against the notation, then read
 * by `Number`.
 */
export function decimal(text: string): number {
  const n = text.length
  let i = text.charCodeAt(0) === 45 ? 1 : 0
  if (n - i > 16 || i === n) return slowDecimal(text)
  let digits = 0
  let point = -1
  for (; i < n; i++) {
    const c = text.charCodeAt(i)
    if (c >= 48 && c <= 57) digits = digits * 10 + (c - 48)
    else if (c === 46 && point < 0 && i > 0 && i < n - 1) point = i
    else return slowDecimal(text)
  }
  // Without a point all 16 characters may be digits: past 15 the integer may not be exact.
  if (point < 0 && n - (text.charCodeAt(0) === 45 ? 1 : 0) > 15) return slowDecimal(text)
  const value = point < 0 ? digits : digits / POWERS_OF_TEN[n - 1 - point]!
  return text.charCodeAt(0) === 45 ? -value : value
}

function slowDecimal(text: string): number {
  return DECIMAL.test(text) ? Number(text) : Number.NaN
}

/** A required finite number. `Number('')` is 0, so empty cells are refused explicitly. */
export function num(text: string | undefined, column: string): number {
  if (text === undefined || text.length === 0) throw new RowError('MISSING_FIELD', `${column}: empty`)
  const value = decimal(text)
  if (!Number.isFinite(value))
    throw new RowError('BAD_NUMBER', `${column}: expected a number, got ${quote(text)}`)
  return value
}

/** A number that may be absent (empty cell → null). */
export function optionalNum(text: string | undefined, column: string): number | null {
  if (text === undefined || text.length === 0) return null
  return num(text, column)
}

/** A non-negative number: volumes, open interest, bucket sums (where 0 is a real value). */
export function positive(text: string | undefined, column: string): number {
  const value = num(text, column)
  if (value < 0)
    throw new RowError('BAD_NUMBER', `${column}: expected a non-negative number, got ${quote(text!)}`)
  return value
}

/** A number above 0: the price and size of a trade or a liquidation (a trade of 0 did not happen). */
export function aboveZero(text: string | undefined, column: string): number {
  const value = num(text, column)
  if (!(value > 0))
    throw new RowError('BAD_NUMBER', `${column}: expected a number above 0, got ${quote(text!)}`)
  return value
}

const MS_2000 = 946_684_800_000
const MS_2100 = 4_102_444_800_000

/**
 * Epoch time in s, ms, µs or ns (told apart by size, as Binance spot switched from ms to µs on
 * 2025-01-01 and Bybit writes float seconds), returned as epoch milliseconds.
 */
export function epochToMs(text: string | undefined, column: string): number {
  const value = num(text, column)
  const abs = Math.abs(value)
  let ms: number
  if (abs < 1e11) ms = value * 1e3
  else if (abs < 1e14) ms = value
  else if (abs < 1e17) ms = value / 1e3
  else ms = value / 1e6
  if (!(ms >= MS_2000 && ms < MS_2100)) {
    throw new RowError(
      'BAD_TIMESTAMP',
      `${column}: ${quote(text!)} is not an epoch time between 2000 and 2100`,
    )
  }
  return ms
}

/** Epoch ms when the caller knows the unit. */
export function epochMs(text: string | undefined, column: string): number {
  const ms = num(text, column)
  if (!(ms >= MS_2000 && ms < MS_2100)) {
    throw new RowError(
      'BAD_TIMESTAMP',
      `${column}: ${quote(text!)} is not epoch milliseconds between 2000 and 2100`,
    )
  }
  return ms
}

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|\+00:?00)?$/

/** `2026-09-12 00:05:00` (or ISO with `T`, optional fraction and `Z`), always read as UTC. */
export function utcDateTime(text: string | undefined, column: string): number {
  const m = text === undefined ? null : DATE_TIME.exec(text)
  if (!m)
    throw new RowError(
      'BAD_TIMESTAMP',
      `${column}: expected YYYY-MM-DD HH:MM:SS (UTC), got ${quote(text ?? '')}`,
    )
  const [, y, mo, d, h, mi, s, frac] = m
  const ms = Date.UTC(+y!, +mo! - 1, +d!, +h!, +mi!, +s!) + (frac ? Number(`0.${frac}`) * 1000 : 0)
  const check = new Date(Date.UTC(+y!, +mo! - 1, +d!))
  if (check.getUTCMonth() !== +mo! - 1 || check.getUTCDate() !== +d! || +h! > 23 || +mi! > 59 || +s! > 60) {
    throw new RowError('BAD_TIMESTAMP', `${column}: ${quote(text!)} is not a valid date and time`)
  }
  return ms
}

/** `true`/`True`/`false`/`False` (Binance spot capitalises, futures does not). */
export function bool(text: string | undefined, column: string): boolean {
  if (text === 'true' || text === 'True' || text === 'TRUE') return true
  if (text === 'false' || text === 'False' || text === 'FALSE') return false
  throw new RowError('BAD_BOOLEAN', `${column}: expected true or false, got ${quote(text ?? '')}`)
}

/** One of a fixed set of words, mapped to our vocabulary. */
export function oneOf<T>(text: string | undefined, column: string, mapping: Readonly<Record<string, T>>): T {
  const value = text === undefined ? undefined : mapping[text]
  if (value === undefined) {
    throw new RowError(
      'BAD_SIDE',
      `${column}: expected ${Object.keys(mapping).join(' or ')}, got ${quote(text ?? '')}`,
    )
  }
  return value
}

/** Throws FIELD_COUNT unless the row has exactly (or, with `atLeast`, at least) n fields. */
export function expectFields(fields: readonly string[], n: number, atLeast = false): void {
  if (fields.length === n || (atLeast && fields.length > n)) return
  throw new RowError('FIELD_COUNT', `expected ${atLeast ? 'at least ' : ''}${n} fields, got ${fields.length}`)
}

/** True when a cell reads as a number (header sniffing: "if the first field is not numeric it is a header"). */
export function isNumeric(text: string | undefined): boolean {
  return text !== undefined && text.length > 0 && Number.isFinite(decimal(text))
}

export function quote(text: string): string {
  return JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text)
}
