/**
 * The fast path for line-mode sources that read lines from their bytes (FileReader.fastLine: the
 * cascade-timeline NDJSON): lines found in the bytes, each handed to `fastLine`, and decoded for
 * `row()` only when `fastLine` does not read it. The same lines, line numbers, events, skipped and
 * bad rows as read.ts's whole-line reading (its `wholeLines` and `parseRows`): breaks at LF, CRLF
 * and a lone CR, a BOM at the start dropped, blank lines (whitespace only) counted but not read.
 */
import type { Readable } from 'node:stream'
import { RowError } from '../../errors.js'
import { type FileReader, Skip } from '../../sources/source.js'
import type { Located, TimelineEvent } from '../../timeline/event.js'
import type { InputStats, Ledger } from '../ledger.js'

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

export async function* fastLineEvents(
  stream: Readable,
  reader: FileReader & { fastLine: NonNullable<FileReader['fastLine']> },
  stats: InputStats,
  ledger: Ledger,
  onBytes?: (n: number) => void,
  batchSize = 4096,
): AsyncGenerator<Located[]> {
  const fastLine = reader.fastLine
  let batch: Located[] = []
  let first = stats.first ?? Number.POSITIVE_INFINITY
  let last = stats.last ?? Number.NEGATIVE_INFINITY
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
    if (made instanceof Skip) {
      stats.skipped++
      stats.skipReasons.set(made.reason, (stats.skipReasons.get(made.reason) ?? 0) + 1)
      return
    }
    stats.events++
    if (made.ts < first) first = made.ts
    if (made.ts > last) last = made.ts
    stats.symbols.add(made.symbol)
    stats.markets.add(made.market)
    stats.kinds.add(made.kind)
    const located = made as Located
    located.input = stats.index
    located.line = line
    batch.push(located)
  }

  const take = (): Located[] => {
    const out = batch
    batch = []
    if (Number.isFinite(first)) {
      stats.first = first
      stats.last = last
    }
    return out
  }

  // Bytes of a line not ended yet (the start of the next chunk's first line).
  let carry: Buffer | null = null
  for await (const piece of stream as AsyncIterable<Buffer | string>) {
    const chunk = typeof piece === 'string' ? Buffer.from(piece) : piece
    onBytes?.(chunk.length)
    const b: Buffer = carry ? Buffer.concat([carry, chunk]) : chunk
    carry = null
    let p = 0
    let nextCr = -2
    for (;;) {
      if (nextCr !== -1 && nextCr < p) nextCr = b.indexOf(CR, p)
      const nl = b.indexOf(LF, p)
      if (nextCr >= 0 && (nl < 0 || nextCr < nl)) {
        // A CR ends the line, with the LF after it if there is one; a CR last in the chunk waits.
        if (nextCr === b.length - 1) break
        read(b, p, nextCr)
        p = b[nextCr + 1] === LF ? nextCr + 2 : nextCr + 1
      } else if (nl >= 0) {
        read(b, p, nl)
        p = nl + 1
      } else break
      if (batch.length >= batchSize) yield take()
    }
    if (p < b.length) carry = Buffer.from(b.subarray(p))
    if (batch.length > 0) yield take()
  }
  if (carry) {
    // The last line, without a line end (a CR last in the text is dropped).
    const end = carry[carry.length - 1] === CR ? carry.length - 1 : carry.length
    read(carry, 0, end)
  }
  const rest = take()
  if (rest.length > 0) yield rest
}
