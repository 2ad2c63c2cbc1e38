/**
 * Reading one CSV member: peek at its head for detection, then parse every row with csv-parse
 * (the reference parser) and hand it to the source, counting each row as an event, a skipped
 * row or a bad row. Events leave in time-ordered batches.
 */
import { Readable, Transform } from 'node:stream'
import { StringDecoder } from 'node:string_decoder'
import { parse } from 'csv-parse'
import { parse as parseSync } from 'csv-parse/sync'
import { FatalError, RowError } from '../errors.js'
import { type FileReader, type Probe, Skip } from '../sources/source.js'
import type { Located } from '../timeline/event.js'
import { reorder, requireOrder } from '../timeline/reorder.js'
import { CSV_OPTIONS, csvErrorCode } from './fast/csv.js'
import { fastEvents } from './fast/events.js'
import { fastLineEvents } from './fast/ndjson.js'
import type { InputStats, Ledger } from './ledger.js'

export const PROBE_BYTES = 64 * 1024
const PROBE_LINES = 20

export { CSV_OPTIONS }

export interface Peeked {
  probe: Probe
  /** The whole text again, head included. */
  stream: Readable
}

/** Read the head of a stream (about 64 KiB), keeping the rest for the full read. */
export async function peek(stream: Readable, name: string, path: string): Promise<Peeked> {
  const chunks: Buffer[] = []
  let length = 0
  let ended = false
  stream.pause()
  while (length < PROBE_BYTES) {
    const chunk = await new Promise<Buffer | null>((resolve, reject) => {
      const data = stream.read() as Buffer | null
      if (data !== null) return resolve(data)
      // Ended already (a stream that reads synchronously can end before anyone listens).
      if (stream.readableEnded) return resolve(null)
      const cleanup = () => {
        stream.off('readable', onReadable)
        stream.off('end', onEnd)
        stream.off('error', onError)
      }
      const onReadable = () => {
        const d = stream.read() as Buffer | null
        if (d !== null) {
          cleanup()
          resolve(d)
        }
      }
      const onEnd = () => {
        cleanup()
        resolve(null)
      }
      const onError = (e: Error) => {
        cleanup()
        reject(e)
      }
      stream.on('readable', onReadable)
      stream.on('end', onEnd)
      stream.on('error', onError)
    })
    if (chunk === null) {
      ended = true
      break
    }
    chunks.push(chunk)
    length += chunk.length
  }
  const head = Buffer.concat(chunks)
  if (head.subarray(0, 4096).includes(0)) {
    throw new FatalError(`${path}: not CSV text (binary bytes); cascade reads CSV, NDJSON, gzip and zip`)
  }
  const probe: Probe = { name, lines: probeLines(head, ended) }
  // The whole file fitted in the head: replay it; otherwise put the head back in front of the rest.
  if (ended) return { probe, stream: Readable.from([head], { objectMode: false }) }
  stream.unshift(head)
  return { probe, stream }
}

function probeLines(head: Buffer, ended: boolean): string[][] {
  let text = head.toString('utf8')
  if (!ended) {
    const cut = text.lastIndexOf('\n')
    text = cut >= 0 ? text.slice(0, cut + 1) : text
  }
  const lines = text
    .split(/\r\n|\n|\r/)
    .filter((line) => line.trim().length > 0)
    .slice(0, PROBE_LINES)
  try {
    return parseSync(lines.join('\n'), {
      bom: true,
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: true,
    }) as string[][]
  } catch {
    return lines.map((line) => line.split(','))
  }
}

export interface ReadOptions {
  ledger: Ledger
  stats: InputStats
  reader: FileReader
  /** Events an unordered file may hold back to sort itself (bounded memory). */
  sortWindow: number
  batchSize?: number
  onBytes?: (n: number) => void
  /** Read with the source's fast path where it has one (default true; csv-parse alone when false). */
  fast?: boolean
}

/** Parse a member into time-ordered batches of located events. */
export function readEvents(stream: Readable, options: ReadOptions): AsyncIterable<Located[]> {
  const { ledger, stats, reader } = options
  const late = (event: Located, latest: number) => {
    // It was counted as an event when parsed; it becomes a bad row instead.
    stats.events--
    const why = reader.unordered
      ? `the file is out of order by more than --sort-window ${options.sortWindow} rows`
      : 'this format is written in time order'
    ledger.add(
      stats,
      event.line,
      'OUT_OF_ORDER',
      `time ${new Date(event.ts).toISOString()} is before ${new Date(latest).toISOString()}, already read (${why})`,
    )
  }
  const batches = parseRows(stream, options)
  return reader.unordered ? reorder(batches, options.sortWindow, late) : requireOrder(batches, late)
}

interface Row {
  record: string[]
  info: { lines: number }
}

export const PARSE_SLICE = 64 * 1024

/**
 * Reads stay 1 MiB, but csv-parse gets them in 64 KiB slices: it turns a whole written chunk into
 * records at once, so a 1 MiB chunk held ~15,000 parsed rows per input (~30 MiB) while the merge
 * waited on the other inputs. Slices are views, not copies.
 */
function slicer(): Transform {
  return new Transform({
    transform(chunk: Buffer | string, _encoding, done) {
      if (typeof chunk === 'string') chunk = Buffer.from(chunk)
      for (let at = 0; at < chunk.length; at += PARSE_SLICE) this.push(chunk.subarray(at, at + PARSE_SLICE))
      done()
    },
  })
}

/** CSV records through csv-parse; its own errors (bad quotes) become counted bad rows. */
function csvRows(stream: Readable, options: ReadOptions): AsyncIterable<Row> {
  const { ledger, stats } = options
  const slices = stream.pipe(slicer())
  // Formats that never quote (Binance archives) are read with quotes off: a stray `"` then stays
  // one bad row instead of swallowing the rest of the file into a single field (and it is faster).
  const parser = slices.pipe(parse(options.reader.unquoted ? { ...CSV_OPTIONS, quote: false } : CSV_OPTIONS))
  stream.on('error', (error) => parser.destroy(error))
  parser.on('skip', (error: Error & { code?: string; lines?: number }) => {
    stats.rows++
    ledger.add(stats, error.lines ?? 0, csvErrorCode(error.code), error.message.replace(/\s+/g, ' '))
  })
  return parser as AsyncIterable<Row>
}

/** Whole lines (NDJSON), with physical line numbers; blank lines skipped. */
async function* wholeLines(stream: Readable): AsyncGenerator<Row> {
  let rest = ''
  let line = 0
  let first = true
  // A chunk may end inside a multi-byte character: the decoder holds its first bytes back.
  const decoder = new StringDecoder('utf8')
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    let text = rest + decoder.write(chunk)
    if (first && text.length > 0) {
      text = text.replace(/^\uFEFF/, '')
      first = false
    }
    const parts = text.split(/\r\n|\n|\r(?!$)/)
    rest = parts.pop() ?? ''
    for (const part of parts) {
      line++
      if (part.trim().length > 0) yield { record: [part], info: { lines: line } }
    }
  }
  line++
  const last = (rest + decoder.end()).replace(/\r$/, '')
  if (last.trim().length > 0) yield { record: [last], info: { lines: line } }
}

async function* parseRows(stream: Readable, options: ReadOptions): AsyncGenerator<Located[]> {
  const { ledger, stats, reader } = options
  if (options.fast !== false && !reader.lineMode) {
    try {
      yield* fastEvents(stream, reader, stats, ledger, options.onBytes)
    } catch (error) {
      throw cannotRead(error, stats)
    }
    return
  }
  const batchSize = options.batchSize ?? 4096
  if (options.fast !== false && reader.lineMode && reader.fastLine) {
    const lines = reader as FileReader & { fastLine: NonNullable<FileReader['fastLine']> }
    try {
      yield* fastLineEvents(stream, lines, stats, ledger, options.onBytes, batchSize)
    } catch (error) {
      throw cannotRead(error, stats)
    }
    return
  }
  if (options.onBytes) stream.on('data', (chunk: Buffer) => options.onBytes!(chunk.length))
  const rows = reader.lineMode ? wholeLines(stream) : csvRows(stream, options)
  let headerPending = reader.hasHeader
  let batch: Located[] = []
  let first = stats.first ?? Number.POSITIVE_INFINITY
  let last = stats.last ?? Number.NEGATIVE_INFINITY
  try {
    for await (const { record, info } of rows) {
      if (headerPending) {
        headerPending = false
        continue
      }
      stats.rows++
      const line = info.lines
      let made: ReturnType<FileReader['row']>
      try {
        made = reader.row(record, line)
      } catch (error) {
        if (!(error instanceof RowError)) throw error
        ledger.add(stats, line, error.code, error.message)
        continue
      }
      if (made instanceof Skip) {
        stats.skipped++
        stats.skipReasons.set(made.reason, (stats.skipReasons.get(made.reason) ?? 0) + 1)
        continue
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
      if (batch.length >= batchSize) {
        stats.first = first
        stats.last = last
        yield batch
        batch = []
      }
    }
  } catch (error) {
    throw cannotRead(error, stats)
  }
  if (Number.isFinite(first)) {
    stats.first = first
    stats.last = last
  }
  if (batch.length > 0) yield batch
}

/** A read error as the one line a user sees (FatalErrors, such as a corrupt archive, pass through). */
export function cannotRead(error: unknown, stats: { path: string }): FatalError {
  if (error instanceof FatalError) return error
  const code = (error as NodeJS.ErrnoException).code
  return new FatalError(`${stats.path}: cannot read (${code ?? (error as Error).message})`, undefined, {
    cause: error,
  })
}
