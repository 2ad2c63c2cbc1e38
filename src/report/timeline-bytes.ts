/**
 * `cascade timeline` written as bytes: the lines of eventNdjson / eventCsv (and so of the generic
 * writers: a differential test holds all three to the same bytes), put straight into a buffer.
 * Trades — nearly every line of a timeline — are written field by field without a string per
 * line: names as bytes kept while they repeat, numbers digit by digit. Anything else (another
 * kind, a name or id that needs escaping, a number without a short decimal form) takes the string
 * writers.
 */
import type { TimelineEvent, TradeEvent } from '../timeline/event.js'
import { csvCell } from './csv.js'
import { eventCsv, eventNdjson, TIMELINE_CSV_COLUMNS } from './timeline.js'

/** Bytes a buffer handed out holds (the caller writes each to stdout). */
const CHUNK = 256 << 10

/** Digits of a whole number, last first (scratch). */
const DIGITS = new Uint8Array(24)

/** `m` (a whole number, 0 ≤ m < 1e15) in decimal at `pos`, with a point before its last `k` digits. */
function writeDecimal(out: Buffer, pos: number, m: number, k: number): number {
  let n = 0
  do {
    const q = Math.floor(m / 10)
    DIGITS[n++] = 48 + (m - q * 10)
    m = q
  } while (m > 0)
  if (k === 0) {
    while (n > 0) out[pos++] = DIGITS[--n]!
    return pos
  }
  if (n <= k) {
    out[pos++] = 48 // 0.000ddd
    out[pos++] = 46
    for (let z = n; z < k; z++) out[pos++] = 48
  } else {
    while (n > k) out[pos++] = DIGITS[--n]!
    out[pos++] = 46
  }
  while (n > 0) out[pos++] = DIGITS[--n]!
  return pos
}

/** A finite number as String() writes it (numberText's rule, in bytes). */
function writeNumber(out: Buffer, pos: number, v: number): number {
  if (v < 0) {
    if (v <= -1e15) return pos + out.write(String(v), pos, 'latin1')
    out[pos++] = 45
    v = -v
  }
  if (v >= 1e-6 && v < 1e15) {
    let scale = 1
    for (let k = 0; k <= 12; k++) {
      const m = Math.round(v * scale)
      if (m >= 1e15) break
      if (m / scale === v) return writeDecimal(out, pos, m, k)
      scale *= 10
    }
  }
  return pos + out.write(String(v), pos, 'latin1')
}

/** Plain ASCII text that JSON and CSV (past its first character) write as it is: no escape, no quote. */
function plain(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c < 0x20 || c > 0x7e || c === 0x22 || c === 0x5c || c === 0x2c) return false
  }
  return true
}

function writeAscii(out: Buffer, pos: number, text: string): number {
  for (let i = 0; i < text.length; i++) out[pos++] = text.charCodeAt(i)
  return pos
}

/** A CSV cell written as it is: plain text not starting as a formula. */
function plainCell(text: string): boolean {
  const c = text.charCodeAt(0)
  return plain(text) && c !== 0x3d && c !== 0x2b && c !== 0x2d && c !== 0x40
}

const ascii = (text: string) => Buffer.from(text, 'latin1')

/** The bytes that follow a trade's time, for one set of names: kept while the names repeat. */
class NamesMemo {
  private exchange: string | null = null
  private symbol = ''
  private market = ''
  private source = ''
  private kind = ''
  bytes: Buffer | null = null

  constructor(private readonly make: (e: TradeEvent) => Buffer | null) {}

  of(e: TradeEvent): Buffer | null {
    if (
      e.exchange !== this.exchange ||
      e.symbol !== this.symbol ||
      e.market !== this.market ||
      e.source !== this.source ||
      e.kind !== this.kind
    ) {
      this.exchange = e.exchange
      this.symbol = e.symbol
      this.market = e.market
      this.source = e.source
      this.kind = e.kind
      this.bytes = this.make(e)
    }
    return this.bytes
  }
}

const JSON_SIDES: Record<string, Buffer> = {
  buy: ascii(',"side":"buy"'),
  sell: ascii(',"side":"sell"'),
  unknown: ascii(',"side":"unknown"'),
}
const CSV_SIDES: Record<string, Buffer> = {
  buy: ascii('buy,'),
  sell: ascii('sell,'),
  unknown: ascii('unknown,'),
}
const JSON_TS = ascii('{"ts":')
const JSON_AMOUNT = ascii(',"amount":')
const JSON_USD = ascii(',"notionalUsd":')
const JSON_NULL = ascii('null')
const JSON_ID = ascii(',"id":"')
/** After a CSV trade's id: the columns of other kinds, empty. */
const CSV_TAIL = ascii(
  `${','.repeat(TIMELINE_CSV_COLUMNS.length - 1 - TIMELINE_CSV_COLUMNS.indexOf('id'))}\n`,
)
/** The latest year whose ISO time is written with four digits (later ones take the string path). */
const YEAR_10000 = 253_402_300_800_000

function copy(out: Buffer, pos: number, bytes: Buffer): number {
  for (let i = 0; i < bytes.length; i++) out[pos + i] = bytes[i]!
  return pos + bytes.length
}

/** As copy(), for long runs of bytes (the names): one memcpy beats a loop past a few dozen bytes. */
function copyLong(out: Buffer, pos: number, bytes: Buffer): number {
  out.set(bytes, pos)
  return pos + bytes.length
}

/** Events into buffers of NDJSON or CSV lines, handed out by `take()`. */
export class TimelineEncoder {
  private out = Buffer.allocUnsafe(CHUNK)
  private pos = 0
  private readonly names: NamesMemo
  // The ISO time of one second (`YYYY-MM-DDTHH:MM:SS.`), kept while trades stay in it.
  private isoSecond = Number.NaN
  private readonly isoPrefix = Buffer.alloc(20)

  constructor(readonly format: 'ndjson' | 'csv') {
    this.names = new NamesMemo(format === 'csv' ? csvNames : jsonNames)
  }

  /** Bytes written and not yet taken. */
  get length(): number {
    return this.pos
  }

  /** The bytes written since the last take (a buffer of their own: it may be held by a stream). */
  take(): Buffer {
    const taken = this.out.subarray(0, this.pos)
    this.out = Buffer.allocUnsafe(CHUNK)
    this.pos = 0
    return taken
  }

  /** The first `bytes` bytes written and not yet taken; the rest stay. */
  takeFirst(bytes: number): Buffer {
    if (bytes >= this.pos) return this.take()
    const taken = Buffer.from(this.out.subarray(0, bytes))
    this.out.copyWithin(0, bytes, this.pos)
    this.pos -= bytes
    return taken
  }

  /**
   * One event's line. `idNumber` ≥ 0: the trade's id is that whole number (its text is the
   * number's decimal digits, as the fast path reads canonical ids), whatever `e.id` holds.
   */
  add(e: TimelineEvent, idNumber = -1): void {
    this.idNumber = idNumber
    if (
      (e.kind === 'trade' || e.kind === 'liquidation') &&
      typeof e.ts === 'number' &&
      typeof e.price === 'number' &&
      typeof e.amount === 'number' &&
      (typeof e.notionalUsd === 'number' || e.notionalUsd === null) &&
      (idNumber >= 0 || e.id === undefined || (typeof e.id === 'string' && plain(e.id))) &&
      Object.hasOwn(JSON_SIDES, e.side) &&
      this.names.of(e as TradeEvent) !== null
    ) {
      const names = this.names.bytes!
      this.room(names.length + 256 + (e.id?.length ?? 0))
      if (this.format === 'csv') {
        if (
          e.ts >= 0 &&
          e.ts < YEAR_10000 &&
          (idNumber >= 0 || e.id === undefined || e.id === '' || plainCell(e.id))
        ) {
          this.pos = this.tradeCsv(e as TradeEvent, names)
          return
        }
      } else {
        this.pos = this.tradeJson(e as TradeEvent, names)
        return
      }
    }
    if (idNumber >= 0) e = { ...e, id: String(idNumber) } as TimelineEvent
    this.text(this.format === 'csv' ? eventCsv(e) : eventNdjson(e))
  }

  /** Time and price as last written, with their bytes: consecutive trades often share them. */
  private lastTs = Number.NaN
  private readonly tsBytes = Buffer.alloc(32)
  private tsLength = 0
  private lastPrice = Number.NaN
  private readonly priceBytes = Buffer.alloc(32)
  private priceLength = 0
  private idNumber = -1

  private writeTs(out: Buffer, pos: number, ts: number): number {
    if (ts !== this.lastTs) {
      this.lastTs = ts
      this.tsLength = writeNumber(this.tsBytes, 0, ts)
    }
    for (let i = 0; i < this.tsLength; i++) out[pos + i] = this.tsBytes[i]!
    return pos + this.tsLength
  }

  private writePrice(out: Buffer, pos: number, price: number): number {
    if (price !== this.lastPrice) {
      this.lastPrice = price
      this.priceLength = writeNumber(this.priceBytes, 0, price)
    }
    for (let i = 0; i < this.priceLength; i++) out[pos + i] = this.priceBytes[i]!
    return pos + this.priceLength
  }

  private writeId(out: Buffer, pos: number, id: string | undefined): number {
    if (this.idNumber >= 0) return writeDecimal(out, pos, this.idNumber, 0)
    return id === undefined ? pos : writeAscii(out, pos, id)
  }

  private tradeJson(e: TradeEvent, names: Buffer): number {
    const out = this.out
    let pos = copy(out, this.pos, JSON_TS)
    pos = Number.isFinite(e.ts) ? this.writeTs(out, pos, e.ts) : copy(out, pos, JSON_NULL)
    pos = copyLong(out, pos, names)
    pos = Number.isFinite(e.price) ? this.writePrice(out, pos, e.price) : copy(out, pos, JSON_NULL)
    pos = copy(out, pos, JSON_AMOUNT)
    pos = Number.isFinite(e.amount) ? writeNumber(out, pos, e.amount) : copy(out, pos, JSON_NULL)
    pos = copy(out, pos, JSON_USD)
    const usd = e.notionalUsd
    pos = usd !== null && Number.isFinite(usd) ? writeNumber(out, pos, usd) : copy(out, pos, JSON_NULL)
    pos = copy(out, pos, JSON_SIDES[e.side]!)
    if (this.idNumber >= 0 || e.id !== undefined) {
      pos = copy(out, pos, JSON_ID)
      pos = this.writeId(out, pos, e.id)
      out[pos++] = 34
    }
    out[pos++] = 125
    out[pos++] = 10
    return pos
  }

  private tradeCsv(e: TradeEvent, names: Buffer): number {
    const out = this.out
    const ts = e.ts
    let pos = this.writeTs(out, this.pos, ts)
    out[pos++] = 44
    // new Date(Math.floor(ts)).toISOString(), its second kept.
    const ms = Math.floor(ts)
    const second = Math.floor(ms / 1000)
    if (second !== this.isoSecond) {
      this.isoSecond = second
      this.isoPrefix.write(new Date(second * 1000).toISOString().slice(0, 20), 0, 'latin1')
    }
    pos = copy(out, pos, this.isoPrefix)
    const milli = ms - second * 1000
    out[pos++] = 48 + Math.floor(milli / 100)
    out[pos++] = 48 + (Math.floor(milli / 10) % 10)
    out[pos++] = 48 + (milli % 10)
    out[pos++] = 90
    pos = copyLong(out, pos, names)
    if (Number.isFinite(e.price)) pos = this.writePrice(out, pos, e.price)
    out[pos++] = 44
    if (Number.isFinite(e.amount)) pos = writeNumber(out, pos, e.amount)
    out[pos++] = 44
    const usd = e.notionalUsd
    if (usd !== null && Number.isFinite(usd)) pos = writeNumber(out, pos, usd)
    out[pos++] = 44
    pos = copy(out, pos, CSV_SIDES[e.side]!)
    pos = this.writeId(out, pos, e.id)
    return copy(out, pos, CSV_TAIL)
  }

  private text(text: string): void {
    this.room(Buffer.byteLength(text))
    this.pos += this.out.write(text, this.pos, 'utf8')
  }

  /** Room for `bytes` more (a line longer than a buffer gets a buffer of its own size). */
  private room(bytes: number): void {
    if (this.pos + bytes <= this.out.length) return
    const bigger = Buffer.allocUnsafe(Math.max(CHUNK, 2 * (this.pos + bytes)))
    this.out.copy(bigger, 0, 0, this.pos)
    this.out = bigger
  }
}

/** `,"exchange":…,"source":…,"price":` for names that need no escaping; null otherwise. */
function jsonNames(e: TradeEvent): Buffer | null {
  if (![e.exchange, e.symbol, e.market, e.source].every((name) => typeof name === 'string' && plain(name)))
    return null
  return ascii(
    `,"exchange":"${e.exchange}","symbol":"${e.symbol}","market":"${e.market}","kind":"${e.kind}","source":"${e.source}","price":`,
  )
}

/** `,exchange,symbol,market,kind,source,` (after the time) as csvCell writes each name. */
function csvNames(e: TradeEvent): Buffer | null {
  if (![e.exchange, e.symbol, e.market, e.source].every((name) => typeof name === 'string')) return null
  return Buffer.from(`,${[e.exchange, e.symbol, e.market, e.kind, e.source].map(csvCell).join(',')},`, 'utf8')
}
