/**
 * The fast path for line-mode sources that read lines from their bytes (FileReader.fastLine: the
 * cascade-timeline NDJSON): lines found in the bytes, each handed to `fastLine`, and decoded for
 * `row()` only when `fastLine` does not read it. The same lines, line numbers, events, skipped and
 * bad rows as read.ts's whole-line reading (its `wholeLines` and `parseRows`): breaks at LF, CRLF
 * and a lone CR, a BOM at the start dropped, blank lines (whitespace only) counted but not read, a
 * line longer than the limit one LINE_TOO_LONG bad row (lines.ts's LineLimit cuts it out first).
 */
import type { Readable } from 'node:stream'
import { RowError } from '../../errors.js'
import type { FileReader, Skip } from '../../sources/source.js'
import type { Located, TimelineEvent } from '../../timeline/event.js'
import type { TimeOrder } from '../../timeline/reorder.js'
import type { InputStats, Ledger } from '../ledger.js'
import { LINE_TOO_LONG, LineLimit, TooLong, tooLongMessage } from '../lines.js'
import { RowOutcomes } from '../outcomes.js'

const LF = 10
const CR = 13

/** Does `text` hold only what String.prototype.trim removes? */
function blankBytes(b: Buffer, start: number, end: number): boolean {
  let ascii = true
  for (let p = start; p < end; p++) {
    const c = b[p]!
    if (c === 0x20 || c === 0x09 || c === 0x0b || c === 0x0c) continue
    if (c < 0x80) return false
    ascii = false
  }
  // Unicode spaces (no-break space, BOM, line separators…): as trim() sees them.
  return ascii || b.toString('utf8', start, end).trim().length === 0
}

export interface FastLineOptions {
  stats: InputStats
  ledger: Ledger
  order: TimeOrder
  maxLineBytes: number
  onBytes?: (n: number) => void
}

export async function* fastLineEvents(
  stream: Readable,
  reader: FileReader & { fastLine: NonNullable<FileReader['fastLine']> },
  options: FastLineOptions,
): AsyncGenerator<Located[]> {
  const { stats, ledger, order, maxLineBytes, onBytes } = options
  const fastLine = reader.fastLine
  const outcomes = new RowOutcomes(stats, order)
  let line = 0
  let atStart = true

  const read = (b: Buffer, start: number, end: number): void => {
    line++
    if (atStart) {
      atStart = false
      if (end - start >= 3 && b[start] === 0xef && b[start + 1] === 0xbb && b[start + 2] === 0xbf) start += 3
    }
    // A line that opens an object is not blank (nearly every line); others are looked at.
    if (b[start] !== 0x7b && blankBytes(b, start, end)) return
    stats.rows++
    let made: TimelineEvent | Skip | null = fastLine(b, start, end)
    if (made === null) {
      try {
        made = reader.row([b.toString('utf8', start, end)], line)
      } catch (error) {
        if (!(error instanceof RowError)) throw error
        ledger.add(stats, line, error.code, error.message)
        return
      }
    }
    outcomes.made(made, line)
  }

  // Bytes of a line not ended yet: a line that ends at a CR the next piece may follow with a LF,
  // or the last line of the text.
  let carry: Buffer | null = null
  /** A CR ends the line it closes, with the LF after it if there is one. */
  const lineEnd = (b: Buffer): number => (b[b.length - 1] === CR ? b.length - 1 : b.length)
  const scan = (piece: Buffer): void => {
    const b: Buffer = carry ? Buffer.concat([carry, piece]) : piece
    carry = null
    let p = 0
    let nextCr = -2
    for (;;) {
      if (nextCr !== -1 && nextCr < p) nextCr = b.indexOf(CR, p)
      const nl = b.indexOf(LF, p)
      if (nextCr >= 0 && (nl < 0 || nextCr < nl)) {
        // A CR last in the piece waits for the next one.
        if (nextCr === b.length - 1) break
        read(b, p, nextCr)
        p = b[nextCr + 1] === LF ? nextCr + 2 : nextCr + 1
      } else if (nl >= 0) {
        read(b, p, nl)
        p = nl + 1
      } else break
    }
    if (p < b.length) carry = Buffer.from(b.subarray(p))
  }
  const tooLong = (): void => {
    // What waits ended at a CR that no LF followed: a line of its own.
    if (carry) read(carry, 0, lineEnd(carry))
    carry = null
    atStart = false
    stats.rows++
    ledger.add(stats, ++line, LINE_TOO_LONG, tooLongMessage(maxLineBytes))
  }
  const limit = new LineLimit(maxLineBytes)
  const pieces: (Buffer | TooLong)[] = []
  const takePieces = (): void => {
    for (const piece of pieces) {
      if (piece instanceof TooLong) tooLong()
      else scan(piece)
    }
    pieces.length = 0
  }
  for await (const value of stream as AsyncIterable<Buffer | string>) {
    const chunk = typeof value === 'string' ? Buffer.from(value) : value
    onBytes?.(chunk.length)
    limit.push(chunk, pieces)
    takePieces()
    if (order.length > 0) yield outcomes.take()
  }
  limit.end(pieces)
  takePieces()
  if (carry) {
    // The last line, without a line end (a CR last in the text is dropped).
    const last: Buffer = carry
    carry = null
    read(last, 0, lineEnd(last))
  }
  const rest = outcomes.finish()
  if (rest.length > 0) yield rest
}
