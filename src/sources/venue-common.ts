/**
 * What the venue sources (Bybit, BitMEX, OKX, Tardis) share: headers with optional trailing
 * columns, exact timestamp parsing, and per-symbol instrument lookups that turn an instrument
 * cascade cannot value into a counted Skip.
 */
import { RowError } from '../errors.js'
import { describeFirstLine } from './binance-common.js'
import { quote } from './fields.js'
import { type Instrument, isUnsupported, type Resolved } from './instruments.js'
import { type Probe, Skip, type Verdict } from './source.js'

/** The header begins with these columns; later files append optional ones (Bybit `RPI`, BitMEX `trdType`). */
export function headerStartsWith(header: readonly string[] | undefined, columns: readonly string[]): boolean {
  return (
    header !== undefined &&
    header.length >= columns.length &&
    columns.every((c, i) => header[i]?.trim() === c)
  )
}

/**
 * Symbol → instrument, resolved once per symbol. A symbol that cannot be valued becomes one shared
 * Skip (counted per row, named in the warnings), never a guess.
 */
export function instrumentCache(
  resolve: (symbol: string) => Resolved,
): (symbol: string) => Instrument | Skip {
  const known = new Map<string, Instrument | Skip>()
  return (symbol) => {
    let found = known.get(symbol)
    if (found === undefined) {
      const resolved = resolve(symbol)
      found = isUnsupported(resolved) ? new Skip(resolved.unsupported) : resolved
      known.set(symbol, found)
    }
    return found
  }
}

const MS_2000 = 946_684_800_000
const MS_2100 = 4_102_444_800_000

function inRange(ms: number, text: string, column: string): number {
  if (!(ms >= MS_2000 && ms < MS_2100)) {
    throw new RowError('BAD_TIMESTAMP', `${column}: ${quote(text)} is not a time between 2000 and 2100`)
  }
  return ms
}

/** Milliseconds (with a fraction) from the digits after a decimal point of seconds: `507791` → 507.791. */
function fractionMs(digits: string): number {
  const whole = Number(digits.slice(0, 3).padEnd(3, '0'))
  return digits.length > 3 ? whole + Number(`0.${digits.slice(3)}`) : whole
}

const SECONDS = /^(\d{9,10})(?:\.(\d{0,9}))?$/

/**
 * Unix seconds with 0–9 decimals (Bybit: `1651449601`, `1692748800.279`, `1621036794.507791`) →
 * epoch ms. Whole milliseconds come out exact (`× 1000` in floating point would give …278.9999).
 */
export function secondsToMs(text: string | undefined, column: string): number {
  const m = text === undefined ? null : SECONDS.exec(text)
  if (!m) {
    throw new RowError(
      'BAD_TIMESTAMP',
      `${column}: expected Unix seconds such as 1692748800.279, got ${quote(text ?? '')}`,
    )
  }
  return inRange(Number(m[1]) * 1000 + (m[2] ? fractionMs(m[2]) : 0), text!, column)
}

/** True when the text reads as Unix seconds (detection: Bybit writes them, BitMEX does not). */
export function isUnixSeconds(text: string | undefined): boolean {
  return text !== undefined && SECONDS.test(text)
}

const KDB_TIME = /^(\d{4})-(\d{2})-(\d{2})D(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?$/

/** True when the text is a kdb+ timestamp (`2020-05-04D00:00:03.367608000`), as BitMEX writes. */
export function isKdbTime(text: string | undefined): boolean {
  return text !== undefined && KDB_TIME.test(text)
}

/** `2020-05-04D00:00:03.367608000` (kdb+ style: a literal `D`, ns, UTC) → epoch ms with a fraction. */
export function kdbTimeToMs(text: string | undefined, column: string): number {
  const m = text === undefined ? null : KDB_TIME.exec(text)
  if (!m) {
    throw new RowError(
      'BAD_TIMESTAMP',
      `${column}: expected YYYY-MM-DDDhh:mm:ss.nnnnnnnnn (UTC), got ${quote(text ?? '')}`,
    )
  }
  const [, y, mo, d, h, mi, s, frac] = m
  const day = Date.UTC(+y!, +mo! - 1, +d!)
  const check = new Date(day)
  if (check.getUTCMonth() !== +mo! - 1 || check.getUTCDate() !== +d! || +h! > 23 || +mi! > 59 || +s! > 60) {
    throw new RowError('BAD_TIMESTAMP', `${column}: ${quote(text!)} is not a valid date and time`)
  }
  return inRange(day + ((+h! * 60 + +mi!) * 60 + +s!) * 1000 + (frac ? fractionMs(frac) : 0), text!, column)
}

/**
 * Does the file's own figure agree with ours? Exchanges round their notionals (BitMEX to the
 * satoshi), while a wrong contract size is off by a factor of 10 or more: 1 % tells them apart.
 */
export function agrees(theirs: number, ours: number): boolean {
  return Math.abs(theirs - ours) <= 0.01 * Math.max(Math.abs(theirs), Math.abs(ours)) + 1e-8
}

/** The first data row's first cell, for `why` texts. */
export function shown(text: string | undefined): string {
  return text === undefined ? '(no data row)' : quote(text)
}

/**
 * The trade-dump header Bybit (public.bybit.com/trading) and BitMEX (public.bitmex.com/data/trade)
 * both write; only the timestamp style of the data rows tells them apart.
 */
export const TRADE_DUMP_HEADER = [
  'timestamp',
  'symbol',
  'side',
  'size',
  'price',
  'tickDirection',
  'trdMatchID',
  'grossValue',
  'homeNotional',
  'foreignNotional',
] as const

/** Bybit: `BTCUSD2021-05-19.csv` (no separator before the date). */
export const BYBIT_DUMP_NAME = /^([A-Z0-9]+?)(\d{4}-\d{2}-\d{2})(?:\.csv)?$/
/** BitMEX: `20200504.csv`. */
export const BITMEX_DUMP_NAME = /^\d{8}(?:\.csv)?$/

/** One of the two venues that write the `timestamp,symbol,side,size,price,…` trade dump. */
interface TradeDumpVenue {
  name: 'Bybit' | 'BitMEX'
  /** Its timestamp style in words, and an example. */
  style: string
  example: string
  isStamp: (text: string | undefined) => boolean
  fileName: RegExp
  fileExample: string
  optionalColumns: string
}

const BYBIT: TradeDumpVenue = {
  name: 'Bybit',
  style: 'Unix seconds',
  example: '1692748800.279',
  isStamp: isUnixSeconds,
  fileName: BYBIT_DUMP_NAME,
  fileExample: 'BTCUSD2021-05-19.csv.gz',
  optionalColumns: '[,RPI]',
}

const BITMEX: TradeDumpVenue = {
  name: 'BitMEX',
  style: 'D-style text',
  example: '2020-05-04D00:00:03.367608000',
  isStamp: isKdbTime,
  fileName: BITMEX_DUMP_NAME,
  fileExample: '20200504.csv.gz',
  optionalColumns: '[,trdType,…]',
}

/**
 * Bybit and BitMEX write the same header: the first row's timestamp tells them apart, and a
 * header-only file is told apart by its name.
 */
export function tradeDumpVerdict(probe: Probe, venue: 'bybit' | 'bitmex'): Verdict {
  const [me, other] = venue === 'bybit' ? [BYBIT, BITMEX] : [BITMEX, BYBIT]
  const header = TRADE_DUMP_HEADER.join(',')
  if (!headerStartsWith(probe.lines[0], TRADE_DUMP_HEADER)) {
    return { claims: false, why: `needs header ${header}${me.optionalColumns}; ${describeFirstLine(probe)}` }
  }
  const first = probe.lines[1]?.[0]
  if (me.isStamp(first)) {
    return {
      claims: true,
      why: `header ${header} (shared with ${other.name}) and the first row's timestamp ${shown(first)} is ${me.style}, as ${me.name} writes`,
    }
  }
  if (other.isStamp(first)) {
    return {
      claims: false,
      why: `the header is the Bybit/BitMEX trade dump's, but the first row's timestamp ${shown(first)} is ${other.style}, as ${other.name} writes; ${me.name} writes ${me.style} such as ${me.example}`,
    }
  }
  if (first === undefined) {
    if (me.fileName.test(probe.name)) {
      return {
        claims: true,
        why: `header only (no data row) and a ${me.name} file name such as ${me.fileExample}`,
      }
    }
    return {
      claims: false,
      why: `header only: without a data row or a ${me.name} file name such as ${me.fileExample} it cannot be told from ${other.name}`,
    }
  }
  return {
    claims: false,
    why: `the header matches, but the first row's timestamp ${shown(first)} is not ${me.style} such as ${me.example}`,
  }
}
