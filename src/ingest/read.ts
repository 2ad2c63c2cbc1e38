/**
 * Reading one CSV member: peek at its head for detection, then parse every row with csv-parse
 * (the reference parser) and hand it to the source, counting each row as an event, a skipped
 * row or a bad row. Events leave in time-ordered batches.
 */
import { Readable } from 'node:stream'
import { StringDecoder } from 'node:string_decoder'
import { parse as parseSync } from 'csv-parse/sync'
import { FatalError, RowError, UnclaimedFile } from '../errors.js'
import { type FileReader, headerLineCount, type Probe } from '../sources/source.js'
import type { Located } from '../timeline/event.js'
import { sortWhole, TimeOrder, type WholeFileOptions } from '../timeline/reorder.js'
import { documentItems } from './document.js'
import { CSV_OPTIONS, type CsvItem, csvItems } from './fast/csv.js'
import { fastEvents } from './fast/events.js'
import { fastLineEvents } from './fast/ndjson.js'
import type { InputStats, Ledger } from './ledger.js'
import { DEFAULT_MAX_LINE_BYTES, LINE_TOO_LONG, LineLimit, TooLong, tooLongMessage } from './lines.js'
import { RowOutcomes } from './outcomes.js'

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
  const binary = binaryTable(head)
  if (binary === undefined && head.subarray(0, 4096).includes(0)) {
    throw new UnclaimedFile(
      path,
      'not a data file (binary bytes)',
      'cascade reads CSV, NDJSON, JSON, Feather, Parquet, gzip and zip',
    )
  }
  const probe: Probe =
    binary === undefined ? { name, lines: probeLines(head, ended), path } : { name, lines: [], binary, path }
  // The whole file fitted in the head: replay it; otherwise put the head back in front of the rest.
  if (ended) return { probe, stream: Readable.from([head], { objectMode: false }) }
  stream.unshift(head)
  // The stream waits unread while the other inputs are detected. An error meanwhile (a gzip whose
  // checksum fails as zlib reads ahead) stays in the stream, and its reader meets it; without a
  // listener it was an unhandled 'error' event, which ended the process with a stack trace.
  stream.on('error', () => {})
  return { probe, stream }
}

/** Arrow IPC files (Feather v2) start with `ARROW1`, Parquet files with `PAR1`. */
function binaryTable(head: Buffer): Probe['binary'] {
  if (head.subarray(0, 6).toString('latin1') === 'ARROW1') return 'arrow'
  if (head.subarray(0, 4).toString('latin1') === 'PAR1') return 'parquet'
  return undefined
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
      // Joined with LF: named, csv-parse does not look for the line ending byte by byte.
      record_delimiter: '\n',
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
  /** Events per batch at most (csv-parse path). */
  batchSize?: number
  onBytes?: (n: number) => void
  /** Read with the source's fast path where it has one (default true; csv-parse alone when false). */
  fast?: boolean
  /** Lines longer than this are LINE_TOO_LONG bad rows (default DEFAULT_MAX_LINE_BYTES). */
  maxLineBytes?: number
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
  // A file read whole is put in time order once it is all in (sortWhole): its rows pass as read.
  if (reader.wholeFile)
    return sortWhole(parseRows(stream, options, new TimeOrder(null, late)), wholeFileOptions(options))
  const order = new TimeOrder(reader.unordered ? options.sortWindow : 0, late)
  return parseRows(stream, options, order)
}

/**
 * Rows a file read whole (`FileReader.wholeFile`) may hold by default: a leap year of minute bars
 * (527,040, CryptoDataDownload's largest files) fits, at about 340 bytes a bar (≈ 200 MB).
 * A larger --sort-window raises it.
 */
export const WHOLE_FILE_ROWS = 600_000

function wholeFileOptions(options: ReadOptions): WholeFileOptions {
  const { stats, reader } = options
  const limit = Math.max(WHOLE_FILE_ROWS, options.sortWindow)
  return {
    limit,
    prefer: reader.wholeFile?.prefer,
    onTooLong: () => {
      throw new FatalError(
        `${stats.path}: more than ${limit.toLocaleString('en-US')} rows; this format is held whole in memory to be put in time order`,
        `raise --sort-window above the file's row count (about 340 bytes a row), or sort the file oldest first and split it`,
      )
    },
    onSuperseded: () => {
      // It was counted as an event when parsed.
      stats.events--
      stats.superseded++
      stats.supersededRule = reader.wholeFile?.rule
    },
  }
}

/**
 * A record (csv-parse), a whole line (NDJSON) or a document's row, with its physical line (a
 * document: its row number); or a line that made none.
 */
type Item = CsvItem

/** Whole lines (NDJSON), with physical line numbers; blank lines skipped, lines too long counted. */
async function* wholeLines(chunks: AsyncIterable<Buffer>, maxLineBytes: number): AsyncGenerator<Item[]> {
  let line = 0
  let first = true
  // A piece ends at a line ending, except maybe the last; one may end inside a multi-byte
  // character: the decoder holds its first bytes back.
  const decoder = new StringDecoder('utf8')
  let rest = ''
  const limit = new LineLimit(maxLineBytes)
  const pieces: (Buffer | TooLong)[] = []
  const complete = (items: Item[], text: string) => {
    line++
    if (text.trim().length > 0) items.push({ record: [text], line })
  }
  const take = (items: Item[], final: boolean) => {
    for (const piece of pieces) {
      if (piece instanceof TooLong) {
        // What is left ended at a CR, which no LF followed: a line of its own.
        if (rest.length > 0) complete(items, rest.replace(/\r$/, ''))
        rest = ''
        first = false
        items.push({ line: ++line, code: LINE_TOO_LONG, message: tooLongMessage(maxLineBytes) })
        continue
      }
      let text = rest + decoder.write(piece)
      if (first && text.length > 0) {
        text = text.replace(/^\uFEFF/, '')
        first = false
      }
      // A CR at the end may be the first half of a CR LF.
      const parts = text.split(/\r\n|\n|\r(?!$)/)
      rest = parts.pop() ?? ''
      for (const part of parts) complete(items, part)
    }
    pieces.length = 0
    if (final) {
      complete(items, (rest + decoder.end()).replace(/\r$/, ''))
      rest = ''
    }
  }
  for await (const chunk of chunks) {
    limit.push(chunk, pieces)
    const items: Item[] = []
    take(items, false)
    if (items.length > 0) yield items
  }
  limit.end(pieces)
  const items: Item[] = []
  take(items, true)
  if (items.length > 0) yield items
}

/** The chunks of a stream, each reported to `onBytes`. */
async function* counted(stream: Readable, onBytes?: (n: number) => void): AsyncGenerator<Buffer> {
  for await (const chunk of stream as AsyncIterable<Buffer | string>) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk
    onBytes?.(bytes.length)
    yield bytes
  }
}

async function* parseRows(
  stream: Readable,
  options: ReadOptions,
  order: TimeOrder,
): AsyncGenerator<Located[]> {
  const { ledger, stats, reader } = options
  const maxLineBytes = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES
  if (options.fast !== false && !reader.lineMode && !reader.document) {
    try {
      yield* fastEvents(stream, reader, { stats, ledger, order, maxLineBytes, onBytes: options.onBytes })
    } catch (error) {
      throw cannotRead(error, stats)
    }
    return
  }
  const batchSize = options.batchSize ?? 4096
  if (options.fast !== false && reader.lineMode && reader.fastLine) {
    const lines = reader as FileReader & { fastLine: NonNullable<FileReader['fastLine']> }
    try {
      yield* fastLineEvents(stream, lines, { stats, ledger, order, maxLineBytes, onBytes: options.onBytes })
    } catch (error) {
      throw cannotRead(error, stats)
    }
    return
  }
  // A document counts its own bytes as it reads them whole.
  const items = reader.document
    ? documentItems(stream, reader.document, { path: stats.path, onBytes: options.onBytes })
    : reader.lineMode
      ? wholeLines(counted(stream, options.onBytes), maxLineBytes)
      : csvItems(counted(stream, options.onBytes), {
          unquoted: reader.unquoted === true,
          atStart: true,
          firstLine: 1,
          maxLineBytes,
        })
  // Lines before the data (a banner, the header): the first non-blank lines, whatever they hold.
  let headersLeft = headerLineCount(reader)
  const outcomes = new RowOutcomes(stats, order)
  try {
    for await (const batch of items) {
      for (const item of batch) {
        const header = headersLeft > 0
        if (header) headersLeft--
        const line = item.line
        if (item.record === undefined) {
          stats.rows++
          ledger.add(stats, line, item.code, item.message)
          continue
        }
        if (header) continue
        stats.rows++
        let made: ReturnType<FileReader['row']>
        try {
          made = reader.row(item.record, line)
        } catch (error) {
          if (!(error instanceof RowError)) throw error
          ledger.add(stats, line, error.code, error.message)
          continue
        }
        outcomes.made(made, line)
        if (order.length >= batchSize) yield outcomes.take()
      }
      if (order.length > 0) yield outcomes.take()
    }
  } catch (error) {
    throw cannotRead(error, stats)
  }
  const rest = outcomes.finish()
  if (rest.length > 0) yield rest
}

/** A read error as the one line a user sees (FatalErrors, such as a corrupt archive, pass through). */
export function cannotRead(error: unknown, stats: { path: string }): FatalError {
  if (error instanceof FatalError) return error
  const code = (error as NodeJS.ErrnoException).code
  return new FatalError(`${stats.path}: cannot read (${code ?? (error as Error).message})`, undefined, {
    cause: error,
  })
}
