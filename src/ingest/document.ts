/**
 * Whole-document inputs: a JSON array of rows, an Arrow IPC file (Feather v2) or a Parquet file
 * cannot be read line by line, so it is read into memory whole — up to `maxDocumentBytes()` of
 * decompressed bytes — and then handed to the source one row at a time, each counted like a CSV
 * line. A row's "line" is its position in the document, counting from 1 (JSON item N is jq's
 * `.[N-1]`). Which of the three a file is comes from its bytes (`ARROW1`, `PAR1`, else JSON text).
 * The Arrow and Parquet libraries load only when such a file is read.
 */
import type { Readable } from 'node:stream'
import { FatalError } from '../errors.js'
import type { DocumentReading } from '../sources/source.js'
import { checkArrowFooter, checkArrowMessages } from './arrow-guard.js'
import type { CsvItem } from './fast/csv.js'
import { lz4FrameBound } from './lz4-frame.js'
import {
  CELL_BYTES,
  checkParquetFooter,
  checkParquetLayout,
  FOOTER_SHARE,
  OverLimit,
} from './parquet-guard.js'

/** The largest document read whole, by default (decompressed bytes). */
export const DEFAULT_MAX_DOCUMENT_MIB = 256
/** Rows `DocumentReading.begin` sees before the first `row()`. */
const FIRST_ROWS = 1000

/** `CASCADE_MAX_DOCUMENT_MB` (MiB), else 256 MiB. */
export function maxDocumentBytes(env: NodeJS.ProcessEnv = process.env): number {
  const text = env.CASCADE_MAX_DOCUMENT_MB
  if (text === undefined || text === '') return DEFAULT_MAX_DOCUMENT_MIB * MIB
  const mib = Number(text)
  if (!(Number.isFinite(mib) && mib > 0))
    throw new FatalError(`CASCADE_MAX_DOCUMENT_MB=${text}: expected a positive number of MiB`)
  return Math.floor(mib * MIB)
}

const MIB = 1024 * 1024

export interface DocumentOptions {
  /** The input as shown, for errors. */
  path: string
  onBytes?: (n: number) => void
  /** Bytes read whole at most (default `maxDocumentBytes()`). */
  limit?: number
}

/** Rows handed on at a time. */
const BATCH = 4096

/**
 * The rows of a whole document for read.ts's row loop, in batches, each at its row number; an item
 * that is not a row is a BAD_JSON item in its place.
 */
export async function* documentItems(
  stream: Readable,
  reading: DocumentReading,
  options: DocumentOptions,
): AsyncGenerator<CsvItem[]> {
  const { path } = options
  // Held by no variable: the bytes can go once decoded (JSON keeps only the parsed items).
  const limit = options.limit ?? maxDocumentBytes()
  const table = await decode(await readWhole(stream, path, limit, options.onBytes), reading, path, limit)
  if (reading.begin) {
    const first: string[][] = []
    for (let i = 0; i < table.length && first.length < FIRST_ROWS; i++) {
      const record = table.row(i)
      if (record) first.push(record)
    }
    reading.begin(first)
  }
  let batch: CsvItem[] = []
  for (let i = 0; i < table.length; i++) {
    const record = table.row(i)
    batch.push(record ? { record, line: i + 1 } : { line: i + 1, code: 'BAD_JSON', message: table.whyNot(i) })
    if (batch.length >= BATCH) {
      yield batch
      batch = []
    }
  }
  if (batch.length > 0) yield batch
}

/** A decoded document: its rows as text fields, made one at a time. */
interface Rows {
  length: number
  /** The row's fields, or null when the item is not a row (`whyNot` says why). */
  row(index: number): string[] | null
  whyNot(index: number): string
}

/** The stream's bytes, refusing more than `limit` before holding them. */
export async function readWhole(
  stream: Readable,
  path: string,
  limit: number,
  onBytes?: (n: number) => void,
): Promise<Buffer> {
  const chunks: Buffer[] = []
  let length = 0
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    length += chunk.length
    onBytes?.(chunk.length)
    if (length > limit) {
      stream.destroy()
      throw tooLarge(path, limit)
    }
    chunks.push(chunk)
  }
  return Buffer.concat(chunks, length)
}

const size = (bytes: number) =>
  bytes < MIB ? `${bytes.toLocaleString('en-US')} bytes` : `${Math.round((bytes / MIB) * 10) / 10} MiB`

/** A document over the limit: `what` is over it (its bytes as read, unless said). */
function tooLarge(path: string, limit: number, what = `more than ${size(limit)}`): FatalError {
  return new FatalError(
    `${path}: ${what}, the most cascade reads as one document (JSON, Feather and Parquet files are read whole)`,
    `split the file by time, convert it to CSV, or raise the limit with CASCADE_MAX_DOCUMENT_MB=${Math.max(1024, Math.ceil((2 * limit) / MIB))}`,
  )
}

/** What of a Parquet file is over the limit, said before ", the most cascade reads…". */
function overLimit({ measure }: OverLimit, limit: number): string {
  const most = size(limit)
  switch (measure.kind) {
    case 'footer':
      return `its footer of ${measure.bytes.toLocaleString('en-US')} bytes is more than 1/${FOOTER_SHARE} of ${most}`
    case 'rows':
      return `its ${measure.rows.toLocaleString('en-US')} rows of ${measure.columns} columns are more than ${most} at ${CELL_BYTES} bytes a cell`
    case 'pages':
      return `its pages are more than ${most} decoded`
    case 'buffers':
      return `its lz4-compressed buffers are more than ${most} decoded`
  }
}

async function decode(bytes: Buffer, reading: DocumentReading, path: string, limit: number): Promise<Rows> {
  if (bytes.subarray(0, 6).toString('latin1') === 'ARROW1') return arrowRows(bytes, reading, path, limit)
  if (bytes.subarray(0, 4).toString('latin1') === 'PAR1') return parquetRows(bytes, reading, path, limit)
  // JSON.parse makes an object of every item: `[[],[],…]` takes 30 times its bytes. Counted first.
  const items = topLevelItems(bytes)
  if (items * CANDLE_CELLS * CELL_BYTES > limit)
    throw tooLarge(
      path,
      limit,
      overLimit(new OverLimit({ kind: 'rows', rows: BigInt(items), columns: CANDLE_CELLS }), limit),
    )
  return jsonRows(parseJson(bytes, path))
}

/** The cells of a candle, as a JSON document's rows are: time, open, high, low, close, volume. */
const CANDLE_CELLS = 6

/** Items of the outermost array of a JSON text (0 when it is none), by its commas, not parsed. */
export function topLevelItems(bytes: Buffer): number {
  let depth = 0
  let items = 0
  let empty = true
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i]!
    if (byte === 0x22) {
      // A string: to its closing quote, past escaped characters.
      for (i++; i < bytes.length && bytes[i] !== 0x22; i++) if (bytes[i] === 0x5c) i++
      empty = false
    } else if (byte === 0x5b || byte === 0x7b) {
      if (depth === 1) empty = false
      depth++
    } else if (byte === 0x5d || byte === 0x7d) {
      depth--
      if (depth === 0) return items + (empty ? 0 : 1)
    } else if (depth === 1 && byte === 0x2c) items++
    else if (depth === 1 && byte > 0x20) empty = false
  }
  return items
}

function parseJson(bytes: Buffer, path: string): unknown[] {
  let document: unknown
  try {
    document = JSON.parse(bytes.toString('utf8').replace(/^\uFEFF/, ''))
  } catch (error) {
    throw new FatalError(
      `${path}: not valid JSON (${(error as Error).message}); a JSON file is read whole, so a cut-off one cannot be read`,
      'download or write the file again',
    )
  }
  if (!Array.isArray(document))
    throw new FatalError(
      `${path}: expected a JSON array of rows ([[time, open, high, low, close, volume], …]), found ${document === null ? 'null' : typeof document}`,
    )
  return document
}

function jsonRows(items: unknown[]): Rows {
  return {
    length: items.length,
    row(index) {
      const item = items[index]
      return Array.isArray(item) ? item.map(cellText) : null
    },
    whyNot(index) {
      const item = items[index]
      const shown = JSON.stringify(item) ?? String(item)
      return `item ${index + 1}: expected an array, got ${shown.length > 40 ? `${shown.slice(0, 40)}…` : shown}`
    },
  }
}

/** A cell as the text `row()` parses: numbers exactly (`String` round-trips a double), null empty. */
function cellText(value: unknown): string {
  if (typeof value === 'string') return value
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean')
    return String(value)
  if (value === null || value === undefined) return ''
  if (value instanceof Date) return String(value.getTime())
  return JSON.stringify(value)
}

// Arrow IPC / Feather v2. freqtrade (pandas.to_feather) compresses every buffer with LZ4 frames,
// which apache-arrow reads once a codec is registered; lz4-napi (lz4_flex) is that codec.
let lz4Registered = false
/**
 * The file whose batches are being read (synchronously, so one at a time): its buffers' bytes
 * decompressed so far and its limit. A frame may decompress to 255 times its size, so each is
 * refused before it is decompressed when its bound would take the file past the limit.
 */
let lz4Budget: { used: number; limit: number } | null = null

async function arrowRows(
  bytes: Buffer,
  reading: DocumentReading,
  path: string,
  limit: number,
): Promise<Rows> {
  const arrow = await import('apache-arrow')
  if (!lz4Registered) {
    const lz4 = await import('lz4-napi')
    arrow.compressionRegistry.set(arrow.CompressionType.LZ4_FRAME, {
      decode: (data) => {
        const budget = lz4Budget
        if (budget && lz4FrameBound(data) > budget.limit - budget.used)
          throw new OverLimit({ kind: 'buffers' })
        const decoded = lz4.decompressFrameSync(Buffer.from(data.buffer, data.byteOffset, data.byteLength))
        if (budget) budget.used += decoded.length
        return decoded
      },
    })
    lz4Registered = true
  }
  let table: import('apache-arrow').Table
  lz4Budget = { used: 0, limit }
  try {
    // apache-arrow trusts the file's counts and offsets: a corrupt file may have it loop for hours
    // or build objects until memory runs out (a footer that lists billions of blocks, a batch of
    // billions of field nodes; a block that points at a message that is no record batch is read
    // again and again). The footer and each message are checked first, and each batch read once.
    checkArrowMessages(bytes, checkArrowFooter(bytes))
    // Bytes in memory (and `ARROW1` first, as the probe saw): the synchronous file reader.
    const reader = arrow.RecordBatchReader.from(bytes) as import('apache-arrow').RecordBatchFileReader
    reader.open()
    const batches: import('apache-arrow').RecordBatch[] = []
    for (let index = 0; index < reader.numRecordBatches; index++) {
      const batch = reader.readRecordBatch(index)
      if (!batch) throw new Error(`record batch ${index + 1} of ${reader.numRecordBatches} is not one`)
      batches.push(batch)
    }
    table = new arrow.Table(reader.schema, batches)
  } catch (error) {
    if (error instanceof OverLimit) throw tooLarge(path, limit, overLimit(error, limit))
    const message = (error as Error).message
    throw new FatalError(
      `${path}: cannot read this Arrow/Feather file (${message})`,
      /compress|codec/i.test(message)
        ? 'cascade reads Feather uncompressed or with lz4 (as freqtrade writes it); rewrite it with compression="lz4"'
        : 'download or write the file again',
      { cause: error },
    )
  } finally {
    lz4Budget = null
  }
  const names = table.schema.fields.map((field) => field.name)
  // Timestamp and date vectors give epoch milliseconds; 64-bit integers give bigints.
  const columns = reading.columns(names).map((name) => table.getChild(name)!)
  // The batches' row counts are the file's word too: as many rows as a Parquet file may hold.
  if (table.numRows * columns.length * CELL_BYTES > limit)
    throw tooLarge(
      path,
      limit,
      overLimit(new OverLimit({ kind: 'rows', rows: BigInt(table.numRows), columns: columns.length }), limit),
    )
  return {
    length: table.numRows,
    row: (index) => columns.map((column) => cellText(column.get(index))),
    whyNot: () => '',
  }
}

// Parquet through hyparquet; hyparquet-compressors adds the codecs beyond snappy (gzip, brotli,
// zstd, lz4) that other writers than pandas choose. hyparquet trusts the file's counts and sizes:
// parquet-guard.ts checks the footer and every page it will read first.
async function parquetRows(
  bytes: Buffer,
  reading: DocumentReading,
  path: string,
  limit: number,
): Promise<Rows> {
  const { parquetMetadata, parquetRead, parquetSchema } = await import('hyparquet')
  const { parquetHeader } = await import('hyparquet/src/column.js')
  const { decompressPage } = await import('hyparquet/src/datapage.js')
  const { compressors } = await import('hyparquet-compressors')
  const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer
  let metadata: import('hyparquet').FileMetaData
  let picked: readonly string[]
  try {
    checkParquetFooter(bytes, limit)
    metadata = parquetMetadata(file)
    const schema = parquetSchema(metadata)
    picked = reading.columns(schema.children.map((child) => child.element.name))
    checkParquetLayout(bytes, metadata, schema, picked, limit, {
      parquetHeader,
      decompressPage: (page, size, codec, codecs) =>
        decompressPage(page, size, codec as import('hyparquet').CompressionCodec, codecs),
      compressors,
    })
  } catch (error) {
    if (error instanceof FatalError) throw error
    if (error instanceof OverLimit) throw tooLarge(path, limit, overLimit(error, limit))
    throw new FatalError(
      `${path}: cannot read this Parquet file (${(error as Error).message})`,
      'download or write the file again',
      { cause: error },
    )
  }
  const length = Number(metadata.num_rows)
  const columns = picked.map(() => new Array<unknown>(length))
  try {
    await parquetRead({
      file,
      metadata,
      columns: [...picked],
      compressors,
      // Times as epoch milliseconds, whatever unit the file stores.
      parsers: {
        timestampFromMilliseconds: (ms: bigint) => Number(ms),
        timestampFromMicroseconds: (us: bigint) => Number(us) / 1e3,
        timestampFromNanoseconds: (ns: bigint) => Number(ns) / 1e6,
        dateFromDays: (days: number) => days * 86_400_000,
      },
      onChunk: ({ columnName, columnData, rowStart }) => {
        const column = columns[picked.indexOf(columnName)]!
        for (let i = 0; i < columnData.length; i++) column[rowStart + i] = columnData[i]
      },
    })
  } catch (error) {
    throw new FatalError(`${path}: cannot read this Parquet file (${(error as Error).message})`, undefined, {
      cause: error,
    })
  }
  return {
    length,
    row: (index) => columns.map((column) => cellText(column[index])),
    whyNot: () => '',
  }
}
