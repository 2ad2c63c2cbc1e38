/**
 * The maximum record length of line-based formats (CSV, NDJSON): a line longer than
 * `--max-line-bytes` is one counted LINE_TOO_LONG bad row, and its bytes are skipped to the next
 * line ending without being held — so no line, however long, can take the memory, nor vanish.
 *
 * A line, for this rule, is what csv-parse reads as one: the bytes up to a LF, a CR LF or a lone
 * CR. Its length is that of its bytes without the line ending (a BOM counts). The fast path
 * (fast/scan.ts) applies the same rule in its own loop; everything read by csv-parse or as NDJSON
 * goes through `LineLimit` first.
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

/** A line longer than the limit, where it stood: its bytes are gone. */
export class TooLong {}

const TOO_LONG = new TooLong()

const LF = 10
const CR = 13

/**
 * Splits a byte stream into pieces that each end at a line ending, and `TooLong` markers in place
 * of the lines that are too long (their endings dropped with them). What follows the last line
 * ending is held back — at most `max` bytes — until the line is known to be short enough.
 */
export class LineLimit {
  /** The unfinished last line (one line: no CR or LF in it). */
  private held: Buffer[] = []
  private heldBytes = 0
  /** In a line too long: its bytes are counted and dropped until its ending. */
  private skipping = false
  /** The too-long line ended at a CR that ended a chunk: a LF next is part of that ending. */
  private afterCR = false

  constructor(readonly max: number) {}

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
    // The fast case: no line in the chunk can be too long, whatever its ends.
    if (this.heldBytes + (n - p) <= this.max) {
      const end = Math.max(chunk.lastIndexOf(LF), chunk.lastIndexOf(CR)) + 1
      if (end <= p) {
        this.hold(chunk.subarray(p))
        return
      }
      this.release(out)
      out.push(chunk.subarray(p, end))
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
          this.startSkipping()
          return
        }
        this.hold(chunk.subarray(p))
        return
      }
      if (this.heldBytes + (end - p) > this.max) {
        if (from < p) out.push(chunk.subarray(from, p))
        this.startSkipping()
        p = this.skip(chunk, p, out)
        if (p < 0) return
        from = p
        continue
      }
      if (this.heldBytes > 0) {
        if (from < p) out.push(chunk.subarray(from, p))
        this.release(out)
        from = p
      }
      p = end + 1
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
    this.release(out)
  }

  private hold(bytes: Buffer): void {
    if (bytes.length === 0) return
    // A copy: the reader may reuse the chunk's memory.
    this.held.push(Buffer.from(bytes))
    this.heldBytes += bytes.length
  }

  private release(out: (Buffer | TooLong)[]): void {
    for (const piece of this.held) out.push(piece)
    this.held = []
    this.heldBytes = 0
  }

  private startSkipping(): void {
    this.held = []
    this.heldBytes = 0
    this.skipping = true
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
    out.push(TOO_LONG)
  }
}
