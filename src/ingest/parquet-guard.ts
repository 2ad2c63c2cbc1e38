/**
 * hyparquet trusts a Parquet file's own counts and sizes: a footer that claims 2^31 rows has
 * cascade count two billion empty rows for good, a page that claims 2 GiB has it allocated, one
 * run of the RLE/bit-packed encoding may write two billion values into an array made for forty,
 * and a footer or page header of millions of empty Thrift structs becomes millions of objects.
 * Before hyparquet reads anything, this module walks the footer and every page it will read and
 * checks that each count and size fits the bytes that hold it and the document limit, allocating
 * next to nothing. A file that fails is refused whole (document.ts names it; exit 2).
 *
 * Format: https://github.com/apache/parquet-format (Thrift compact protocol:
 * https://github.com/apache/thrift/blob/master/doc/specs/thrift-compact-protocol.md).
 */
import type { Compressors, FileMetaData, PageHeader, SchemaTree } from 'hyparquet'

/** The file may be sound, but it is more than the document limit allows, by `measure`. */
export class OverLimit extends Error {
  constructor(
    readonly measure:
      | { kind: 'footer'; bytes: number; most: number }
      | { kind: 'rows'; rows: bigint; columns: number }
      | { kind: 'pages' }
      | { kind: 'buffers' },
  ) {
    super(`over the document limit (${measure.kind})`)
  }
}

/** Bytes a cell is counted as: a double, as a plain Parquet column or a JSON number about takes. */
export const CELL_BYTES = 8
/**
 * The footer may take this share of the document limit (1 MiB at the default 256 MiB): it decodes
 * into up to a hundred bytes of objects per byte (a real one takes a few kilobytes).
 */
export const FOOTER_SHARE = 256
/** A page header holds a few dozen fields (statistics included); far more is no page header. */
const PAGE_HEADER_ELEMENTS = 4096
/** Nesting deeper than any struct of the format (FileMetaData → … → bounding box is 7). */
const THRIFT_DEPTH = 32

const PAR1 = 0x31524150

/** Step 1, before the footer is decoded: its length fits the file and its share of the limit. */
export function checkParquetFooter(bytes: Uint8Array, limit: number): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  if (bytes.length < 12 || view.getUint32(bytes.length - 4, true) !== PAR1)
    throw new Error('it does not end as a Parquet file does (cut short?)')
  const length = view.getUint32(bytes.length - 8, true)
  if (length > bytes.length - 12) throw new Error(`its footer length ${length} does not fit the file`)
  const most = Math.floor(limit / FOOTER_SHARE)
  if (length > most) throw new OverLimit({ kind: 'footer', bytes: length, most })
  // The footer decodes into one object per element: its end must be where the file says.
  const end = skipStruct(view, bytes.length - 8 - length, Number.POSITIVE_INFINITY)
  if (end !== bytes.length - 8) throw new Error('its footer does not end where its length says')
}

/**
 * Step 2, with the footer decoded and the columns to read picked: rows, column chunks and every
 * page of them fit the file and the limit, and no encoded run reaches past its page's values.
 */
export function checkParquetLayout(
  bytes: Uint8Array,
  metadata: FileMetaData,
  schema: SchemaTree,
  picked: readonly string[],
  limit: number,
  pages: PageTools,
): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const dataEnd = bytes.length - 8 - view.getUint32(bytes.length - 8, true)
  const rows = metadata.num_rows
  let groupRows = 0n
  for (const group of metadata.row_groups) {
    if (!(group.num_rows >= 0n)) throw new Error(`a row group claims ${group.num_rows} rows`)
    groupRows += group.num_rows
  }
  if (!(rows >= 0n) || rows !== groupRows)
    throw new Error(
      `its footer claims ${rows.toLocaleString('en-US')} rows where its row groups hold ${groupRows.toLocaleString('en-US')}`,
    )
  const cells = rows * BigInt(picked.length)
  if (cells * BigInt(CELL_BYTES) > BigInt(limit))
    throw new OverLimit({ kind: 'rows', rows, columns: picked.length })
  const top = new Map(schema.children.map((child) => [child.element.name, child] as const))
  for (const name of picked) {
    const column = top.get(name)
    if (!column || column.children.length > 0 || column.element.repetition_type === 'REPEATED')
      throw new Error(`column ${name} is not a plain column (nested or repeated)`)
  }
  let decoded = 0
  metadata.row_groups.forEach((group, groupIndex) => {
    const where = metadata.row_groups.length > 1 ? ` of row group ${groupIndex + 1}` : ''
    for (const name of picked) {
      const chunk = group.columns.find((column) => column.meta_data?.path_in_schema[0] === name)
      if (!chunk?.meta_data) throw new Error(`column ${name}${where} has no data`)
      if (chunk.file_path) throw new Error(`column ${name}${where} is in another file (${chunk.file_path})`)
      const meta = chunk.meta_data
      const start = meta.dictionary_page_offset || meta.data_page_offset
      const end = start + meta.total_compressed_size
      if (!(start >= 4n && meta.total_compressed_size >= 0n && end <= BigInt(dataEnd)))
        throw new Error(
          `column ${name}${where} claims bytes ${start} to ${end}, outside the ${dataEnd.toLocaleString('en-US')} bytes before the footer`,
        )
      decoded += checkChunk(view, Number(start), Number(end), Number(group.num_rows), {
        column: `column ${name}${where}`,
        optional: top.get(name)!.element.repetition_type === 'OPTIONAL',
        isBoolean: meta.type === 'BOOLEAN',
        codec: meta.codec,
        pages,
        budget: limit - decoded,
      })
    }
  })
}

/** What the page walk borrows from hyparquet, loaded by document.ts with hyparquet itself. */
export interface PageTools {
  parquetHeader(reader: { view: DataView; offset: number }): PageHeader
  decompressPage(bytes: Uint8Array, size: number, codec: string, compressors: Compressors): Uint8Array
  compressors: Compressors
}

interface ChunkContext {
  column: string
  optional: boolean
  isBoolean: boolean
  codec: string
  pages: PageTools
  /** Decoded bytes still allowed. */
  budget: number
}

/**
 * Walks a column chunk's pages as hyparquet will read them (from its first page until the row
 * group's rows are reached): each page inside the chunk, the pages' values adding up to the rows,
 * their uncompressed sizes within the budget, levels and dictionary indices within the values.
 * Returns the bytes decoded.
 */
function checkChunk(view: DataView, start: number, end: number, rows: number, context: ChunkContext): number {
  const { column, pages } = context
  // Absolute offsets, ending where the chunk does (as hyparquet's slice of it).
  const chunk = new DataView(view.buffer, view.byteOffset, end)
  let at = start
  let values = 0
  let decoded = 0
  while (values < rows) {
    if (at >= end - 1) throw new Error(`${column} ends after ${values} of its ${rows} rows`)
    const bodyAt = skipStruct(chunk, at, PAGE_HEADER_ELEMENTS)
    const header = pages.parquetHeader({ view: chunk, offset: at })
    const size = header.compressed_page_size
    const uncompressed = header.uncompressed_page_size
    if (!(size >= 0 && bodyAt + size <= end))
      throw new Error(`${column}: a page claims ${size} bytes where its chunk holds ${end - bodyAt}`)
    if (!(uncompressed >= 0)) throw new Error(`${column}: a page claims ${uncompressed} bytes uncompressed`)
    decoded += uncompressed
    if (decoded > context.budget) throw new OverLimit({ kind: 'pages' })
    const body = new Uint8Array(view.buffer, view.byteOffset + bodyAt, size)
    if (header.type === 'DICTIONARY_PAGE') {
      const count = header.dictionary_page_header?.num_values ?? -1
      // Each dictionary value takes a byte at least (booleans are never dictionary-encoded), and
      // a dictionary holds no value its chunk does not use.
      if (!(count >= 0 && count <= uncompressed && count <= rows))
        throw new Error(`${column}: a dictionary claims ${count} values in ${uncompressed} bytes`)
    } else if (header.type === 'DATA_PAGE' || header.type === 'DATA_PAGE_V2') {
      const count = checkDataPage(header, body, rows - values, context)
      values += count
    } else throw new Error(`${column}: a page of type ${header.type ?? 'unknown'}`)
    at = bodyAt + size
  }
  return decoded
}

/** A data page's values (each a row: the column is flat), checked as hyparquet will decode it. */
function checkDataPage(
  header: PageHeader,
  body: Uint8Array,
  rowsLeft: number,
  context: ChunkContext,
): number {
  const { column, pages, codec } = context
  const v2 = header.data_page_header_v2
  const v1 = header.data_page_header
  const count = v2 ? v2.num_values : (v1?.num_values ?? -1)
  if (!(count >= 0 && count <= rowsLeft))
    throw new Error(`${column}: a page claims ${count} values where ${rowsLeft} rows are left`)
  if (v2) {
    const levels = v2.repetition_levels_byte_length + v2.definition_levels_byte_length
    if (!(v2.num_rows === count && v2.num_nulls >= 0 && v2.num_nulls <= count))
      throw new Error(
        `${column}: a page claims ${v2.num_rows} rows, ${count} values and ${v2.num_nulls} nulls`,
      )
    if (
      !(
        v2.repetition_levels_byte_length === 0 &&
        v2.definition_levels_byte_length >= 0 &&
        levels <= body.length
      )
    )
      throw new Error(`${column}: a page's levels do not fit it`)
    const page = new DataView(body.buffer, body.byteOffset, body.length)
    if (context.optional) checkRuns(page, 0, v2.definition_levels_byte_length, 1, count, column)
    let values = body.subarray(levels)
    if (v2.is_compressed !== false && header.uncompressed_page_size - levels > 0)
      values = pages.decompressPage(values, header.uncompressed_page_size - levels, codec, pages.compressors)
    checkValueRuns(v2.encoding, values, count - v2.num_nulls, context, true)
    return count
  }
  const page = pages.decompressPage(body, header.uncompressed_page_size, codec, pages.compressors)
  const view = new DataView(page.buffer, page.byteOffset, page.length)
  let at = 0
  if (context.optional) {
    if (page.length < 4) throw new Error(`${column}: a page too short for its levels`)
    const length = view.getUint32(0, true)
    checkRuns(view, 4, length, 1, count, column)
    at = 4 + length
  }
  checkValueRuns(v1!.encoding, page.subarray(at), count, context, false)
  return count
}

/**
 * Dictionary indices and RLE booleans: runs of the hybrid encoding, within the page's values, read
 * the way hyparquet reads each kind of page (a v2 page reads runs of width 0 too).
 */
function checkValueRuns(
  encoding: string,
  bytes: Uint8Array,
  count: number,
  context: ChunkContext,
  v2: boolean,
): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length)
  const tooShort = () => new Error(`${context.column}: a page too short for its values`)
  if (encoding === 'RLE' && (v2 || context.isBoolean)) {
    if (bytes.length < 4) throw tooShort()
    checkRuns(view, 4, view.getUint32(0, true), 1, count, context.column)
  } else if (encoding === 'RLE' || encoding === 'PLAIN_DICTIONARY' || encoding === 'RLE_DICTIONARY') {
    if (bytes.length < 1) throw tooShort()
    const width = view.getUint8(0)
    if (width > 32) throw new Error(`${context.column}: dictionary indices of ${width} bits`)
    if (width > 0 || v2) checkRuns(view, 1, bytes.length - 1, width, count, context.column)
  }
}

/**
 * The RLE/bit-packed hybrid encoding at `at` (`length` bytes) as hyparquet decodes it into an
 * array of `count`: an RLE run writes all its values whatever the count, so it must end within
 * them; a bit-packed run writes no more than the count (writers pad the last run, DuckDB by up to
 * 255 values) but steps through each of its values, so its bytes must be there (at width 0 it
 * takes none: then it may pad one group at most).
 */
function checkRuns(
  view: DataView,
  at: number,
  length: number,
  width: number,
  count: number,
  column: string,
): void {
  const end = at + length
  if (!(length >= 0 && end <= view.byteLength))
    throw new Error(`${column}: encoded levels do not fit their page`)
  let seen = 0
  while (seen < count) {
    if (at >= end) throw new Error(`${column}: encoded values end after ${seen} of ${count}`)
    let header = 0
    let shift = 0
    for (;;) {
      if (at >= end || shift > 28) throw new Error(`${column}: a broken run header`)
      const byte = view.getUint8(at++)
      header += (byte & 0x7f) * 2 ** shift
      if (!(byte & 0x80)) break
      shift += 7
    }
    if (header % 2 === 1) {
      const values = ((header - 1) / 2) * 8
      at += (values / 8) * width
      if (at > end)
        throw new Error(`${column}: a run of ${values.toLocaleString('en-US')} values past its bytes`)
      if (width === 0 && seen + values > count + 7)
        throw new Error(
          `${column}: a run of ${values.toLocaleString('en-US')} values past the page's ${count}`,
        )
      seen = Math.min(count, seen + values)
    } else {
      const run = header / 2
      at += Math.ceil(width / 8)
      seen += run
      if (seen > count)
        throw new Error(`${column}: a run of ${run.toLocaleString('en-US')} values past the page's ${count}`)
    }
  }
}

const STOP = 0
const TRUE = 1
const FALSE = 2
const BYTE = 3
const I16 = 4
const I32 = 5
const I64 = 6
const DOUBLE = 7
const BINARY = 8
const LIST = 9
const STRUCT = 12

/**
 * Walks one compact-protocol struct at `at` without decoding it (as hyparquet's reader would step
 * through it) and returns where it ends; throws past `maxElements` fields and list items, past
 * THRIFT_DEPTH, on a type Parquet does not use, or at the end of the bytes.
 */
function skipStruct(view: DataView, at: number, maxElements: number): number {
  let elements = 0
  const byteAt = (offset: number) => {
    if (offset >= view.byteLength) throw new Error('a Thrift structure runs past its bytes')
    return view.getUint8(offset)
  }
  const varint = (): number => {
    let value = 0
    for (let shift = 0; ; shift += 7) {
      const byte = byteAt(at++)
      value += (byte & 0x7f) * 2 ** shift
      if (!(byte & 0x80)) return value
    }
  }
  const count = () => {
    if (++elements > maxElements) throw new Error(`a Thrift structure of more than ${maxElements} elements`)
  }
  const value = (type: number, depth: number): void => {
    switch (type) {
      case TRUE:
      case FALSE:
        return
      case BYTE:
        byteAt(at++)
        return
      case I16:
      case I32:
      case I64:
        varint()
        return
      case DOUBLE:
        at += 8
        byteAt(at - 1)
        return
      case BINARY: {
        const length = varint()
        at += length
        if (length > 0) byteAt(at - 1)
        return
      }
      case LIST: {
        const head = byteAt(at++)
        const elementType = head & 0x0f
        const size = head >> 4 === 15 ? varint() : head >> 4
        const bool = elementType === TRUE || elementType === FALSE
        for (let i = 0; i < size; i++) {
          count()
          value(bool ? BYTE : elementType, depth)
        }
        return
      }
      case STRUCT:
        struct(depth + 1)
        return
      default:
        throw new Error(`a Thrift value of type ${type}`)
    }
  }
  const struct = (depth: number): void => {
    if (depth > THRIFT_DEPTH) throw new Error(`Thrift structs nested more than ${THRIFT_DEPTH} deep`)
    for (;;) {
      const head = byteAt(at++)
      const type = head & 0x0f
      if (type === STOP) return
      count()
      if (!(head >> 4)) varint()
      value(type, depth)
    }
  }
  struct(0)
  return at
}
