/**
 * The maximum record length of line-based formats (CSV, NDJSON): a line longer than
 * `--max-line-bytes` is one counted LINE_TOO_LONG bad row, and its bytes are skipped to the next
 * line ending without being held — so no line, however long, can take the memory, nor vanish.
 *
 * A line, for this rule, is what csv-parse reads as one: the bytes up to a LF, a CR LF or a lone
 * CR. Its length is that of its bytes without the line ending (a BOM counts). Where quotes are on,
 * a quoted field may hold line endings: the record those lines make has the limit as a whole (an
 * opening quote that never closes would otherwise take the rest of the file into one field). The
 * fast path (fast/scan.ts) applies the same rule in its own loop to the lines it reads (no quote
 * in them); everything read by csv-parse or as NDJSON goes through `LineLimit` first.
 */

/** The default: 1 MiB, some thousand times the longest row of any export cascade reads. */
export const DEFAULT_MAX_LINE_BYTES = 1 << 20
/** The largest limit allowed: a line must still fit in one JavaScript string when decoded. */
export const MAX_LINE_BYTES_LIMIT = 256 << 20

export const LINE_TOO_LONG = 'LINE_TOO_LONG'

/** The message of a LINE_TOO_LONG row (the line's length is not known: it is not read to its end). */
export function tooLongMessage(max: number): string {
  return `line longer than ${max.toLocaleString('en-US')} bytes, skipped unread (raise --max-line-bytes to read it)`
}

/**
 * A line (or quoted record) longer than the limit, where it stood: its bytes are gone, up to the
 * first line ending after the limit. `lines`: the line endings within what was dropped (a record
 * whose quoted field spanned lines), so that line numbers go on right after it.
 */
export class TooLong {
  constructor(readonly lines: number) {}
}

const LF = 10
const CR = 13
const QUOTE = 34
const COMMA = 44

/** Where a record is, byte by byte, where quotes are on (as csv-parse reads it). */
enum Field {
  /** At the start of a field: a quote here opens a quoted field. */
  Start,
  Unquoted,
  Quoted,
  /** A quote inside a quoted field: a second one is an escaped quote, a comma or line ending closes it. */
  QuoteInQuoted,
}

/**
 * Splits a byte stream into pieces that each end at a line ending, and `TooLong` markers in place
 * of the lines that are too long (their endings dropped with them). What follows the last line
 * ending is held back — at most `max` bytes — until the line is known to be short enough. With
 * `quoted`, a record whose quoted field holds line endings is held and judged as a whole.
 */
export class LineLimit {
  /** The unfinished last line (or record). */
  private held: Buffer[] = []
  private heldBytes = 0
  /** In a line too long: its bytes are dropped until its ending. */
  private skipping = false
  /** The too-long line ended at a CR that ended a chunk: a LF next is part of that ending. */
  private afterCR = false
  /** Line endings within the record being dropped. */
  private droppedLines = 0
  // Quotes on: the state of the record being read, and the line endings inside its quoted fields.
  private field = Field.Start
  private innerLines = 0
  private lastByte = -1

  constructor(
    readonly max: number,
    private readonly quoted = false,
  ) {}

  /** The pieces and markers of the next chunk, in order, appended to `out`. */
  push(chunk: Buffer, out: (Buffer | TooLong)[]): void {
    let p = 0
    const n = chunk.length
    if (n === 0) return
    if (this.afterCR) {
      this.afterCR = false
      if (chunk[0] === LF) p = 1
      this.flushTooLong(out)
    }
    if (this.skipping) {
      p = this.skip(chunk, p, out)
      if (p < 0) return
    }
    if (this.quoted) {
      this.pushQuoted(chunk, p, out)
      return
    }
    // The fast case: no line in the chunk can be too long, whatever its ends.
    if (this.heldBytes + (n - p) <= this.max) {
      const end = Math.max(chunk.lastIndexOf(LF), chunk.lastIndexOf(CR)) + 1
      if (end <= p) {
        this.hold(chunk.subarray(p))
        return
      }
      this.release(out, chunk.subarray(p, end))
      if (end < n) this.hold(chunk.subarray(end))
      return
    }
    // Line by line, each checked.
    let nextLF = chunk.indexOf(LF, p)
    let nextCR = chunk.indexOf(CR, p)
    let from = p
    while (p < n) {
      if (nextLF >= 0 && nextLF < p) nextLF = chunk.indexOf(LF, p)
      if (nextCR >= 0 && nextCR < p) nextCR = chunk.indexOf(CR, p)
      const end = nextLF < 0 ? nextCR : nextCR < 0 ? nextLF : Math.min(nextLF, nextCR)
      if (end < 0) {
        // The last line goes on in the next chunk.
        if (from < p) out.push(chunk.subarray(from, p))
        if (this.heldBytes + (n - p) > this.max) {
          this.startSkipping(0)
          return
        }
        this.hold(chunk.subarray(p))
        return
      }
      if (this.heldBytes + (end - p) > this.max) {
        if (from < p) out.push(chunk.subarray(from, p))
        this.startSkipping(0)
        p = this.skip(chunk, p, out)
        if (p < 0) return
        from = p
        continue
      }
      p = end + 1
      if (this.heldBytes > 0) {
        // The held start of the line and its end, as one piece.
        this.release(out, chunk.subarray(from, p))
        from = p
      }
    }
    if (from < n) out.push(chunk.subarray(from, n))
  }

  /** The end of the text: the last line, or the marker of a last line too long. */
  end(out: (Buffer | TooLong)[]): void {
    if (this.skipping || this.afterCR) {
      this.skipping = false
      this.afterCR = false
      this.flushTooLong(out)
    }
    // An unfinished quoted record goes to csv-parse as it is: it reports the quote left open.
    if (this.heldBytes > 0) this.release(out, Buffer.alloc(0))
  }

  /**
   * Quotes on: byte by byte, a record ends at a line ending outside a quoted field. `p` is where
   * the chunk's next record (or the rest of the held one) starts.
   */
  private pushQuoted(chunk: Buffer, p: number, out: (Buffer | TooLong)[]): void {
    const n = chunk.length
    const max = this.max
    records: for (;;) {
      /** Complete records from `from` to `ready` are passed on; the rest of the chunk is held. */
      let from = p
      let ready = p
      /** Bytes of the record being read (what is held of it included). */
      let bytes = this.heldBytes
      let field = this.field
      let last = this.lastByte
      for (let i = p; i < n; i++) {
        const c = chunk[i]!
        const lineEnd = c === LF || c === CR
        if (lineEnd && field !== Field.Quoted) {
          // The record ends (a line ending after a closing quote ends it too).
          ready = i + 1
          if (this.heldBytes > 0) {
            // The held start of the record and its end, as one piece.
            this.release(out, chunk.subarray(from, ready))
            from = ready
          }
          bytes = 0
          field = Field.Start
          this.innerLines = 0
          last = c
          continue
        }
        if (lineEnd && !(c === LF && last === CR)) this.innerLines++
        if (c === QUOTE) {
          if (field === Field.Start || field === Field.QuoteInQuoted) field = Field.Quoted
          else if (field === Field.Quoted) field = Field.QuoteInQuoted
        } else if (c === COMMA && field !== Field.Quoted) field = Field.Start
        else if (field === Field.Start) field = Field.Unquoted
        // A quote that closes nothing (csv-parse reports it, and reads on inside the field).
        else if (field === Field.QuoteInQuoted) field = Field.Quoted
        last = c
        if (++bytes > max) {
          // Too long: the records before it are passed on, it is dropped to the next line ending.
          if (from < ready) out.push(chunk.subarray(from, ready))
          this.startSkipping(this.innerLines)
          this.field = Field.Start
          this.innerLines = 0
          this.lastByte = -1
          p = this.skip(chunk, i + 1, out)
          if (p < 0) return
          continue records
        }
      }
      if (from < ready) out.push(chunk.subarray(from, ready))
      if (ready < n) this.hold(chunk.subarray(ready))
      this.field = field
      this.lastByte = last
      return
    }
  }

  private hold(bytes: Buffer): void {
    if (bytes.length === 0) return
    // A copy: the reader may reuse the chunk's memory.
    this.held.push(Buffer.from(bytes))
    this.heldBytes += bytes.length
  }

  /**
   * The held start of a line and `rest`, its end, as one piece: csv-parse then gets every line
   * whole in one piece, whatever the chunks were (it reads a few broken lines differently when
   * they are cut across its inputs).
   */
  private release(out: (Buffer | TooLong)[], rest: Buffer): void {
    out.push(this.held.length === 0 ? rest : Buffer.concat([...this.held, rest]))
    this.held = []
    this.heldBytes = 0
  }

  private startSkipping(droppedLines: number): void {
    this.held = []
    this.heldBytes = 0
    this.skipping = true
    this.droppedLines = droppedLines
  }

  /**
   * Drop the too-long line's bytes from `p` to its ending (ending included): where the next line
   * starts, or -1 when the chunk ends first.
   */
  private skip(chunk: Buffer, p: number, out: (Buffer | TooLong)[]): number {
    const lf = chunk.indexOf(LF, p)
    const cr = chunk.indexOf(CR, p)
    const end = lf < 0 ? cr : cr < 0 ? lf : Math.min(lf, cr)
    if (end < 0) return -1
    this.skipping = false
    if (chunk[end] === CR) {
      if (end + 1 === chunk.length) {
        this.afterCR = true
        return -1
      }
      this.flushTooLong(out)
      return chunk[end + 1] === LF ? end + 2 : end + 1
    }
    this.flushTooLong(out)
    return end + 1
  }

  private flushTooLong(out: (Buffer | TooLong)[]): void {
    out.push(new TooLong(this.droppedLines))
    this.droppedLines = 0
  }
}
