/**
 * csv-parse, the reference parser, as the fast path uses it: the options every file is read with,
 * and the rest of a text handed back to it when the fast path meets a line it cannot split (a
 * lone CR, a quote in a quoted format), with line numbers continuing from where it stopped.
 */
import { Readable } from 'node:stream'
import { type Options as CsvOptions, parse } from 'csv-parse'
import type { RowScanner } from './scan.js'

/** The parser options every file is read with: tolerant of shape, strict about nothing it can't count. */
export const CSV_OPTIONS: CsvOptions = {
  bom: true,
  info: true,
  relax_column_count: true,
  skip_empty_lines: true,
  skip_records_with_error: true,
  record_delimiter: ['\r\n', '\n', '\r'],
}

/** csv-parse names one of its codes without the CSV_ prefix (INVALID_OPENING_QUOTE): keep them uniform. */
export function csvErrorCode(code: string | undefined): string {
  return code === undefined ? 'CSV_ERROR' : code.startsWith('CSV_') ? code : `CSV_${code}`
}

const SLICE = 64 * 1024

async function* slices(
  lines: number,
  first: Buffer,
  rest: AsyncIterator<Buffer> | null,
): AsyncGenerator<Buffer> {
  // Blank lines for those already read: csv-parse skips them but counts them, so its line numbers
  // (in records and in its error messages) are the file's.
  const blank = Buffer.alloc(Math.min(lines, SLICE), 10)
  for (let left = lines; left > 0; left -= SLICE) yield blank.subarray(0, Math.min(left, SLICE))
  for (let at = 0; at < first.length; at += SLICE) yield first.subarray(at, at + SLICE)
  if (!rest) return
  for (;;) {
    const next = await rest.next()
    if (next.done) return
    const chunk = typeof next.value === 'string' ? Buffer.from(next.value) : next.value
    for (let at = 0; at < chunk.length; at += SLICE) yield chunk.subarray(at, at + SLICE)
  }
}

/**
 * Read `first` and then the rest of the chunks with csv-parse, continuing the scanner's line count
 * and header state; every record goes through the scanner's `row()` fallback to its sink. Yields
 * now and then so that the caller can pass on what the sink gathered.
 */
export async function* csvTail(
  scanner: RowScanner,
  first: Buffer,
  rest: AsyncIterator<Buffer> | null,
  unquoted: boolean,
  onBad: (line: number, code: string, message: string) => void,
): AsyncGenerator<void> {
  const options: CsvOptions = { ...CSV_OPTIONS, bom: scanner.atStart }
  if (unquoted) options.quote = false
  const parser = Readable.from(slices(scanner.line, first, rest), { objectMode: false }).pipe(parse(options))
  parser.on('skip', (error: Error & { code?: string; lines?: number }) => {
    onBad(error.lines ?? 0, csvErrorCode(error.code), error.message.replace(/\s+/g, ' '))
  })
  let n = 0
  for await (const { record, info } of parser as AsyncIterable<{
    record: string[]
    info: { lines: number }
  }>) {
    if (scanner.skipHeader()) continue
    scanner.fallback(record, info.lines)
    if (++n % 1024 === 0) yield
  }
  yield
}
