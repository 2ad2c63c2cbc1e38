/**
 * csv-parse, the reference parser: the options every file is read with, and its records and errors
 * in file order (`csvItems`), each with its physical line — also for the rest of a text handed
 * back to it when the fast path meets a line it cannot split (a lone CR, a quote in a quoted
 * format), with line numbers continuing from where the fast path stopped (`csvTail`).
 */
import { type Options as CsvOptions, type Parser, parse } from 'csv-parse'
import { LINE_TOO_LONG, LineLimit, TooLong, tooLongMessage } from '../lines.js'
import type { RowScanner } from './scan.js'

/** The parser options every file is read with: tolerant of shape, strict about nothing it can't count. */
export const CSV_OPTIONS: CsvOptions = {
  bom: true,
  relax_column_count: true,
  skip_empty_lines: true,
  skip_records_with_error: true,
  record_delimiter: ['\r\n', '\n', '\r'],
}

/** csv-parse names one of its codes without the CSV_ prefix (INVALID_OPENING_QUOTE): keep them uniform. */
export function csvErrorCode(code: string | undefined): string {
  return code === undefined ? 'CSV_ERROR' : code.startsWith('CSV_') ? code : `CSV_${code}`
}

/** A record, or a line that made none (csv-parse's error, or a line too long), at its line. */
export type CsvItem =
  | { record: string[]; line: number; code?: undefined; message?: undefined }
  | { record?: undefined; line: number; code: string; message: string }

export interface CsvItemOptions {
  /** Quotes off (formats that never quote). */
  unquoted: boolean
  /** The text starts here: a BOM may open it. */
  atStart: boolean
  /** The physical line the first byte is on. */
  firstLine: number
  maxLineBytes: number
}

/** What of csv-parse's parsing state the error handler empties (`Parser.state`, untyped). */
interface CsvParseState {
  field: { reset(): void }
  record: unknown[]
  record_length: number
}

/** Slices csv-parse gets at once: it makes all of a slice's records before they are taken. */
const SLICE = 64 * 1024

/**
 * Every record and every error of csv-parse in the order of the text, batched per slice. csv-parse
 * reports its errors (skipped records) as it parses, and its records through the same callback
 * loop, so one list holds both in file order. A line longer than the limit (or a record whose
 * quoted field spans lines past it) is never given to it: the parser reads to the record before,
 * the line is a LINE_TOO_LONG item, and a new parser reads on from the line after.
 */
export async function* csvItems(
  chunks: AsyncIterable<Buffer>,
  options: CsvItemOptions,
): AsyncGenerator<CsvItem[]> {
  let items: CsvItem[] = []
  const open = (firstLine: number, bom: boolean): Parser => {
    const parser = parse({
      ...CSV_OPTIONS,
      bom,
      ...(options.unquoted ? { quote: false } : {}),
      on_record: (record: string[], context: { lines: number }) => {
        items.push({ record, line: context.lines })
        // csv-parse compares each record's field count with the first record's and, though told
        // to accept any (relax_column_count), makes an error object for each that differs: most
        // of the time of a file of odd short lines. Counted from 0 again, each record is a first.
        ;(parser.info as { records: number }).records = 0
        return null
      },
    })
    // The fields of a record in error: csv-parse replaces the array when the record ends.
    let erred: unknown[] | null = null
    parser.on('skip', (error: Error & { code?: string; lines?: number }) => {
      // csv-parse drops a record in error at its end, but reads it on, and reports an error for
      // each further stray quote in it, each with a copy of the field so far: a line of a million quotes took minutes and gigabytes. Emptied here, the
      // rest of the record costs little; what it held is dropped with it anyway. The record is
      // one bad row, at its first error.
      const state = (parser as unknown as { state: CsvParseState }).state
      state.field.reset()
      state.record_length = 0
      const again = state.record === erred
      state.record.length = 0
      erred = state.record
      if (again) return
      const line = error.lines ?? parser.info.lines
      items.push({
        line,
        code: csvErrorCode(error.code),
        message: error.message.replace(/\s+/g, ' ').slice(0, 500),
      })
    })
    // Lines already read: csv-parse counts on from here, so its records and error messages name
    // the file's lines. (Its `info` is the live counter it increments; typed read-only. Feeding it
    // blank lines instead would cost a pass over every line read so far at each restart.)
    ;(parser.info as { lines: number }).lines = firstLine
    return parser
  }
  let parser = open(options.firstLine, options.atStart)
  const limit = new LineLimit(options.maxLineBytes, !options.unquoted)
  const pieces: (Buffer | TooLong)[] = []
  const feed = async () => {
    for (const piece of pieces) {
      if (piece instanceof TooLong) {
        await finish(parser)
        const line = parser.info.lines
        items.push({ line, code: LINE_TOO_LONG, message: tooLongMessage(options.maxLineBytes) })
        parser = open(line + piece.lines + 1, false)
      } else await write(parser, piece)
    }
    pieces.length = 0
  }
  for await (const chunk of chunks) {
    for (let at = 0; at < chunk.length; at += SLICE) {
      limit.push(chunk.subarray(at, at + SLICE), pieces)
      await feed()
      if (items.length > 0) {
        yield items
        items = []
      }
    }
  }
  limit.end(pieces)
  await feed()
  await finish(parser)
  if (items.length > 0) yield items
}

/**
 * Write a piece and wait until csv-parse has made everything it can of it. It parses within the
 * write (nothing waits on its readable side), and makes an Error, with its stack, for every record
 * whose field count differs from the first one's even when told to accept it: without stacks a
 * file of odd short lines reads several times faster.
 */
function write(parser: Parser, piece: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    const limit = Error.stackTraceLimit
    Error.stackTraceLimit = 0
    try {
      parser.write(piece, (error) => (error ? reject(error) : resolve()))
    } finally {
      Error.stackTraceLimit = limit
    }
  })
}

/** End the text: csv-parse makes the last record (or reports what is left open). */
function finish(parser: Parser): Promise<void> {
  return new Promise((resolve, reject) => {
    parser.once('error', reject)
    parser.end(() => resolve())
    // Nothing is pushed (records go to on_record), but the readable side must end for 'finish'.
    parser.resume()
  })
}

/**
 * Read `first` and then the rest of the chunks with csv-parse, continuing the scanner's line count
 * and header state; every record goes through the scanner's `row()` fallback to its sink, and
 * every line that made none to `onBad`. Yields now and then so that the caller can pass on what
 * the sink gathered.
 */
export async function* csvTail(
  scanner: RowScanner,
  first: Buffer,
  rest: AsyncIterator<Buffer> | null,
  unquoted: boolean,
  onBad: (line: number, code: string, message: string) => void,
): AsyncGenerator<void> {
  async function* chunks(): AsyncGenerator<Buffer> {
    yield first
    if (!rest) return
    for (;;) {
      const next = await rest.next()
      if (next.done) return
      yield typeof next.value === 'string' ? Buffer.from(next.value) : next.value
    }
  }
  const items = csvItems(chunks(), {
    unquoted,
    atStart: scanner.atStart,
    firstLine: scanner.line + 1,
    maxLineBytes: scanner.maxLineBytes,
  })
  for await (const batch of items) {
    for (const item of batch) {
      // The first lines that are not blank are the header (and banner), whatever they hold.
      const header = scanner.skipHeader()
      if (item.record === undefined) onBad(item.line, item.code, item.message)
      else if (!header) scanner.fallback(item.record, item.line)
    }
    yield
  }
}
