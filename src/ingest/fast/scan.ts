/**
 * The fast path's tokenizer (DESIGN §9). Rows of a numeric, never-quoted trade format (a source
 * with a `fast` description) are read straight from Buffers — fields split at commas, numbers
 * parsed from the bytes, no string and no record array per row. It reads only rows it fully
 * understands; every other line, and every line of a format without a description, goes to the
 * source's `row()` split at commas, exactly as csv-parse splits a line without quotes, so events
 * and bad rows are the reference path's. Lines it cannot split as csv-parse would (a lone CR, a
 * quote in a format that quotes) end the fast path: the rest goes back to csv-parse (`bailed`).
 */
import { RowError } from '../../errors.js'
import { baseAmount, usdNotional } from '../../sources/instruments.js'
import { type FastTrades, type FileReader, headerLineCount, type Skip } from '../../sources/source.js'
import type { TimelineEvent } from '../../timeline/event.js'
import { DEFAULT_MAX_LINE_BYTES, LINE_TOO_LONG, tooLongMessage } from '../lines.js'

/** Where rows go: one call per row (the header and blank lines make none). */
export interface RowSink {
  /** A row the fast path read: its values are in the scanner's fields until the next row. */
  fast(scan: RowScanner, line: number): void
  /** A row `row()` read (a line the fast path handed over): an event or a Skip. */
  made(made: TimelineEvent | Skip, line: number): void
  /** A row `row()` refused. */
  bad(line: number, code: string, message: string): void
}

const NL = 10
const CR = 13

/** Base units of a trade read by the fast path (as the source's row() computes them). */
export function tradeAmount(layout: FastTrades, size: number, price: number): number {
  return baseAmount(layout.instrument, size, price)
}

/** USD value of a trade read by the fast path (as the source's row() computes it). */
export function tradeNotional(layout: FastTrades, size: number, price: number, extra: number): number | null {
  if (layout.notional === 'extra') return layout.instrument.usdQuoted ? extra : null
  return usdNotional(layout.instrument, size, price)
}

/** Node's own ASCII/latin1 decoder (what `toString('latin1', …)` calls, without its argument checks). */
type Latin1 = Buffer & { latin1Slice(start: number, end: number): string }

/** Split a line as csv-parse does with quotes off: at every comma. */
export function splitLine(text: string): string[] {
  return text.split(',')
}

export class RowScanner {
  // The values of the row just read (valid during RowSink.fast). NaN to start with, so that V8
  // keeps them as doubles from the start (a field turning from small integer to double deopts).
  ts = Number.NaN
  price = Number.NaN
  size = Number.NaN
  extra = Number.NaN
  buyerMaker = false
  /** The trade id as a number when its text is a canonical whole number (no leading zero), else NaN. */
  idNumber = Number.NaN
  /** Where the id's text lies in the chunk being read. */
  idStart = 0
  idEnd = 0
  private buffer: Buffer = Buffer.alloc(0)

  /** Physical lines read so far (blank lines count, as csv-parse counts them). */
  line = 0
  headerPending: boolean
  /** Header lines still to step over after the next one (CryptoDataDownload: a banner, then the header). */
  private headersAfter: number
  /** Nothing read yet: a BOM may open the text. */
  atStart = true
  /**
   * Set when the fast path stops: the bytes from the line it could not split (and, for
   * `write`, everything after them) belong to csv-parse from here on.
   */
  bailed: Buffer | null = null

  /** Lines longer than this are LINE_TOO_LONG rows, skipped without being held (lines.ts). */
  readonly maxLineBytes: number
  private readonly parseRow: RowParser | null
  /** The unfinished last line, at most about `maxLineBytes` (a longer one is skipped). */
  private readonly carry: Buffer[] = []
  private carryBytes = 0
  /** In a line too long: its bytes are dropped up to its ending. */
  private skipping = false
  /** The line too long ended at a CR that ended a chunk: a LF next is part of its ending. */
  private afterCR = false

  /**
   * `layout`: the rows' fast description; without one every line is split at commas (a string per
   * field) and handed to `row()` — still much cheaper than csv-parse.
   */
  constructor(
    readonly layout: FastTrades | null,
    private readonly reader: FileReader,
    private readonly sink: RowSink,
    options: { headerPending?: boolean; maxLineBytes?: number } = {},
  ) {
    this.headerPending = options.headerPending ?? reader.hasHeader
    this.headersAfter = this.headerPending ? headerLineCount(reader) - 1 : 0
    this.maxLineBytes = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES
    if (layout) {
      const roles = new Array<Role>(layout.fields).fill('skip')
      roles[layout.id] = 'id'
      roles[layout.price] = 'price'
      roles[layout.size] = 'size'
      roles[layout.time] = 'time'
      roles[layout.buyerMaker] = 'buyerMaker'
      if (layout.extra >= 0) roles[layout.extra] = 'extra'
      for (const flag of layout.flags) roles[flag] = 'flag'
      this.parseRow = rowParser(roles)
    } else this.parseRow = null
  }

  /** The id as the event's text (ASCII, checked while reading). */
  idText(): string {
    return (this.buffer as Latin1).latin1Slice(this.idStart, this.idEnd)
  }

  /** The id for duplicate checks: equal keys exactly when the texts are equal. */
  idKey(): number | string {
    return this.idNumber >= 0 ? this.idNumber : this.idText()
  }

  /**
   * Read the complete lines of a chunk; a partial last line waits for the next chunk (copied: the
   * chunk's memory may be reused once this returns). Returns false when the fast path stopped:
   * `bailed` then holds the bytes csv-parse must read, from the start of the line that stopped it
   * to the end of this chunk.
   */
  write(chunk: Buffer): boolean {
    if (this.bailed) throw new Error('RowScanner: write after bail')
    let from = 0
    if (this.afterCR) {
      if (chunk.length === 0) return true
      this.afterCR = false
      if (chunk[0] === NL) from = 1
      this.tooLong()
    }
    if (this.skipping) {
      from = this.skipTo(chunk, from)
      if (from < 0) return true
    }
    if (this.carry.length > 0) {
      const nl = chunk.indexOf(NL, from)
      if (nl < 0) return this.keep(chunk.subarray(from))
      const joined = Buffer.concat([...this.carry, chunk.subarray(from, nl + 1)])
      this.carry.length = 0
      this.carryBytes = 0
      this.run(joined, 0)
      if (this.bailed) {
        this.bailed = Buffer.concat([joined, chunk.subarray(nl + 1)])
        return false
      }
      from = nl + 1
    }
    const rest = this.run(chunk, from)
    if (this.bailed) {
      this.bailed = Buffer.from(chunk.subarray(rest))
      return false
    }
    return rest < chunk.length ? this.keep(chunk.subarray(rest)) : true
  }

  /** The end of the text: a last line without a line ending is read too. */
  end(): boolean {
    if (this.bailed) throw new Error('RowScanner: end after bail')
    if (this.skipping || this.afterCR) {
      // A line too long ends with the text.
      this.skipping = false
      this.afterCR = false
      this.tooLong()
      return true
    }
    if (this.carry.length === 0) return true
    const last = Buffer.concat(this.carry)
    this.carry.length = 0
    this.carryBytes = 0
    // A final line ends where the text ends, as if a newline followed.
    this.run(Buffer.concat([last, Buffer.from('\n')]), 0)
    if (this.bailed) {
      this.bailed = last
      return false
    }
    return true
  }

  /**
   * Keep the start of an unfinished line (a copy), unless it is already too long: then it is
   * dropped and skipped to its end. False (with `bailed` set) when it holds a lone CR.
   */
  private keep(bytes: Buffer): boolean {
    this.carry.push(Buffer.from(bytes))
    this.carryBytes += bytes.length
    const max = this.maxLineBytes
    while (this.carryBytes > max + 1) {
      const line = Buffer.concat(this.carry)
      this.carry.length = 0
      this.carryBytes = 0
      // No LF in it: a CR ends its first line (csv-parse's lines, lines.ts).
      const cr = line.indexOf(CR)
      if (cr >= 0 && cr <= max) {
        // A short line ended by a lone CR: csv-parse reads on from here.
        this.bailed = line
        return false
      }
      if (cr < 0) {
        this.skipping = true
        return true
      }
      // A line too long, ended by a CR: what follows starts the next line.
      if (cr === line.length - 1) {
        this.afterCR = true
        return true
      }
      this.tooLong()
      const next = line.subarray(cr + 1)
      this.carry.push(next)
      this.carryBytes = next.length
    }
    return true
  }

  /**
   * Skip the rest of a line too long up to its ending (LF, CR LF or a lone CR): where the next
   * line starts, or -1 when the chunk ends first.
   */
  private skipTo(chunk: Buffer, from: number): number {
    const lf = chunk.indexOf(NL, from)
    const cr = chunk.indexOf(CR, from)
    const end = lf < 0 ? cr : cr < 0 ? lf : Math.min(lf, cr)
    if (end < 0) return -1
    this.skipping = false
    if (chunk[end] === CR) {
      if (end + 1 === chunk.length) {
        this.afterCR = true
        return -1
      }
      this.tooLong()
      return chunk[end + 1] === NL ? end + 2 : end + 1
    }
    this.tooLong()
    return end + 1
  }

  /** A line too long: one bad row, in a header line's place if one is still to come. */
  private tooLong(): void {
    this.atStart = false
    this.line++
    this.skipHeader()
    this.sink.bad(this.line, LINE_TOO_LONG, tooLongMessage(this.maxLineBytes))
  }

  /**
   * Read lines from `p`; returns where the first unread line starts (the chunk's length when every
   * line was read). Sets `bailed` (to a placeholder) when a line must go to csv-parse.
   */
  private run(b: Buffer, p: number): number {
    this.buffer = b
    const sink = this.sink
    const max = this.maxLineBytes
    for (;;) {
      const parseRow = this.parseRow
      if (parseRow !== null && !this.headerPending && !this.atStart) {
        for (;;) {
          const nl = parseRow(b, p, this)
          // A long line is judged the slow way (its length without a CR before the LF).
          if (nl < 0 || nl - p > max) break
          this.line++
          sink.fast(this, this.line)
          p = nl + 1
        }
      }
      const nl = b.indexOf(NL, p)
      if (nl < 0) return p
      if (!this.slowLine(b, p, nl)) {
        this.bailed = b
        return p
      }
      p = nl + 1
    }
  }

  /**
   * One line the fast path did not read: blank, header, BOM, or a row for `row()`. False when
   * csv-parse would split it differently (a lone CR; a quote where the format quotes).
   */
  private slowLine(b: Buffer, p: number, nl: number): boolean {
    let s = p
    if (this.atStart && nl - s >= 3 && b[s] === 0xef && b[s + 1] === 0xbb && b[s + 2] === 0xbf) s += 3
    let e = nl
    if (e > s && b[e - 1] === CR) e--
    if (e - p > this.maxLineBytes) {
      // A lone CR makes it more than one line for csv-parse: csv-parse reads on from here.
      const cr = b.indexOf(CR, p)
      if (cr >= 0 && cr < e) return false
      this.tooLong()
      return true
    }
    // Decoded first, so that the checks look at this line only (a Buffer's indexOf searches to the
    // end of the chunk). UTF-8 never encodes CR or a quote inside another character.
    const text = b.toString('utf8', s, e)
    if (text.includes('\r')) return false
    if (!this.reader.unquoted && text.includes('"')) return false
    this.atStart = false
    this.line++
    if (e === s) return true
    if (this.skipHeader()) return true
    this.fallback(splitLine(text), this.line)
    return true
  }

  /** Step over a header line when one is due: true when this line was one. */
  skipHeader(): boolean {
    if (!this.headerPending) return false
    if (this.headersAfter > 0) this.headersAfter--
    else this.headerPending = false
    return true
  }

  /** A row through the source's own `row()`, the reference. */
  fallback(fields: string[], line: number): void {
    let made: TimelineEvent | Skip
    try {
      made = this.reader.row(fields, line)
    } catch (error) {
      if (!(error instanceof RowError)) throw error
      this.sink.bad(line, error.code, error.message)
      return
    }
    this.sink.made(made, line)
  }
}

type Role = 'skip' | 'id' | 'price' | 'size' | 'time' | 'buyerMaker' | 'extra' | 'flag'

/**
 * Reads one row at `p` if every field is as the layout says, leaving the values on the scanner;
 * returns the index of the row's newline, or -1 when the row is not one the fast path reads (or
 * not complete in this chunk: the caller then looks for the newline itself).
 */
type RowParser = (b: Buffer, p: number, scan: RowScanner) => number

/** 2^53: below it every integer is exact, so digits accumulate without rounding. */
const EXACT = 9007199254740992
const POW10: readonly number[] = Array.from({ length: 23 }, (_, k) => 10 ** k)
const MS_2000 = 946_684_800_000
const MS_2100 = 4_102_444_800_000

/** Digits (and one dot) beyond what m / 10^k reads exactly: Number() of the text, as num() does. */
function longNumber(b: Buffer, start: number, end: number): number {
  return Number((b as Latin1).latin1Slice(start, end))
}

const parsers = new Map<string, RowParser>()

/**
 * The row reader of a layout, written out field by field (a loop over the fields with a switch on
 * each one's role costs a quarter more per row). Each field's code:
 * - numbers: digits with at most one dot, nothing else (no sign, exponent or space: those rows go
 *   to row()); a price or size of 0 goes to row() too, which refuses it. m / 10^k of an exact m and 10^k rounds once, so it is the value Number() gives;
 *   longer numbers take Number() of their text. Times convert as epochToMs and must lie in
 *   2000–2100.
 * - booleans: true, True, TRUE, false, False, FALSE, as bool().
 * - the id: ASCII text (kept as the event's id); a canonical whole number is also kept as a number.
 * - other columns: any bytes but a comma, CR or newline.
 * Fields end at a comma; the last at a newline or CRLF.
 */
function rowParser(roles: readonly Role[]): RowParser {
  const key = roles.join(',')
  const cached = parsers.get(key)
  if (cached) return cached
  const number = (assign: string, aboveZero = false) => `{
      const start = p; let m = 0, d = 0, dot = -1
      for (; p < n; p++) {
        c = b[p]
        if (c >= 48 && c <= 57) { m = m * 10 + (c - 48); d++ }
        else if (c === 46 && dot < 0) dot = d
        else break
      }
      if (p >= n || d === 0) return -1
      const k = dot < 0 ? 0 : d - dot
      let v
      if (m <= EXACT && k <= 22) v = m / POW10[k]
      else { v = longNumber(b, start, p); if (v === Infinity) return -1 }
      ${aboveZero ? 'if (v === 0) return -1' : ''}
      ${assign}
    }`
  const boolean = (assign: string) => `{
      // Never read past the chunk (an out-of-bounds read costs a deopt): short rows go the slow way.
      if (p + 5 >= n) return -1
      const c0 = b[p]; let v
      if ((c0 === 116 || c0 === 84) && b[p + 1] === 114 && b[p + 2] === 117 && b[p + 3] === 101) { v = true; p += 4 }
      else if (c0 === 84 && b[p + 1] === 82 && b[p + 2] === 85 && b[p + 3] === 69) { v = true; p += 4 }
      else if ((c0 === 102 || c0 === 70) && b[p + 1] === 97 && b[p + 2] === 108 && b[p + 3] === 115 && b[p + 4] === 101) { v = false; p += 5 }
      else if (c0 === 70 && b[p + 1] === 65 && b[p + 2] === 76 && b[p + 3] === 83 && b[p + 4] === 69) { v = false; p += 5 }
      else return -1
      c = b[p]
      ${assign}
    }`
  const field: Record<Role, string> = {
    price: number('s.price = v', true),
    size: number('s.size = v', true),
    extra: number('s.extra = v'),
    time: number(`
      const ms = v < 1e11 ? v * 1e3 : v < 1e14 ? v : v < 1e17 ? v / 1e3 : v / 1e6
      if (!(ms >= MS_2000 && ms < MS_2100)) return -1
      s.ts = ms`),
    buyerMaker: boolean('s.buyerMaker = v'),
    flag: boolean(''),
    id: `{
      const start = p; let v = 0, canonical = true
      for (; p < n; p++) {
        c = b[p]
        if (c === 44 || c === 10 || c === 13) break
        if (c >= 0x80) return -1
        if (c >= 48 && c <= 57) v = v * 10 + (c - 48)
        else canonical = false
      }
      if (p >= n) return -1
      const length = p - start
      s.idStart = start
      s.idEnd = p
      s.idNumber = canonical && length > 0 && length <= 15 && (length === 1 || b[start] !== 48) ? v : NaN
    }`,
    skip: `{
      for (; p < n; p++) {
        c = b[p]
        if (c === 44 || c === 10 || c === 13) break
      }
      if (p >= n) return -1
    }`,
  }
  const last = roles.length - 1
  const body = roles
    .map(
      (role, f) =>
        field[role] +
        (f < last
          ? '\n    if (c !== 44) return -1\n    p++\n'
          : '\n    if (c === 10) return p\n    if (c === 13 && p + 1 < n && b[p + 1] === 10) return p + 1\n    return -1\n'),
    )
    .join('')
  const make = new Function(
    'EXACT',
    'POW10',
    'MS_2000',
    'MS_2100',
    'longNumber',
    `return function parseRow(b, p, s) {\n    const n = b.length\n    let c = 0\n    ${body}  }`,
  ) as (...args: unknown[]) => RowParser
  const parser = make(EXACT, POW10, MS_2000, MS_2100, longNumber)
  parsers.set(key, parser)
  return parser
}
