/**
 * Crafting Parquet files for tests: a Thrift compact-protocol reader and writer that keep every
 * field with its type, so a real file's footer and page headers can be taken apart, changed (a row
 * count of 2^40, a page that claims 2 GiB) and written again. `parseParquet` splits a file into its
 * footer and each column chunk's pages; `writeParquet` lays the pages out again, sets the offsets
 * and sizes they now have, then lets the test lie in the footer before it is written.
 * https://github.com/apache/thrift/blob/master/doc/specs/thrift-compact-protocol.md
 * https://github.com/apache/parquet-format/blob/master/src/main/thrift/parquet.thrift
 */

export const T = {
  TRUE: 1,
  FALSE: 2,
  BYTE: 3,
  I16: 4,
  I32: 5,
  I64: 6,
  DOUBLE: 7,
  BINARY: 8,
  LIST: 9,
  STRUCT: 12,
}

export type ThriftValue = boolean | number | bigint | Uint8Array | ThriftStruct | ThriftList
export interface ThriftField {
  id: number
  type: number
  value: ThriftValue
}
export interface ThriftStruct {
  fields: ThriftField[]
}
export interface ThriftList {
  elementType: number
  items: ThriftValue[]
}

/** The field's value (a struct's field by id), or undefined. */
export function field<V extends ThriftValue>(struct: ThriftStruct, id: number): V | undefined {
  return struct.fields.find((f) => f.id === id)?.value as V | undefined
}

/** Sets (or adds, keeping ids in order) a field. */
export function setField(struct: ThriftStruct, id: number, type: number, value: ThriftValue): void {
  const found = struct.fields.find((f) => f.id === id)
  if (found) {
    found.type = type
    found.value = value
    return
  }
  struct.fields.push({ id, type, value })
  struct.fields.sort((a, b) => a.id - b.id)
}

class Reader {
  constructor(
    readonly bytes: Uint8Array,
    public at: number,
  ) {}
  byte(): number {
    if (this.at >= this.bytes.length) throw new Error('thrift: out of bytes')
    return this.bytes[this.at++]!
  }
  varint(): bigint {
    let result = 0n
    let shift = 0n
    for (;;) {
      const b = this.byte()
      result |= BigInt(b & 0x7f) << shift
      if (!(b & 0x80)) return result
      shift += 7n
    }
  }
  zigzag(): bigint {
    const n = this.varint()
    return (n >> 1n) ^ -(n & 1n)
  }
}

function readStruct(reader: Reader): ThriftStruct {
  const fields: ThriftField[] = []
  let id = 0
  for (;;) {
    const head = reader.byte()
    const type = head & 0x0f
    if (type === 0) return { fields }
    const delta = head >> 4
    id = delta ? id + delta : Number(reader.zigzag())
    const value = type === T.TRUE ? true : type === T.FALSE ? false : readValue(reader, type)
    fields.push({ id, type, value })
  }
}

function readValue(reader: Reader, type: number): ThriftValue {
  switch (type) {
    case T.BYTE:
      return reader.byte()
    case T.I16:
    case T.I32:
      return Number(reader.zigzag())
    case T.I64:
      return reader.zigzag()
    case T.DOUBLE: {
      const value = Buffer.from(reader.bytes.subarray(reader.at, reader.at + 8)).readDoubleLE(0)
      reader.at += 8
      return value
    }
    case T.BINARY: {
      const length = Number(reader.varint())
      const value = reader.bytes.slice(reader.at, reader.at + length)
      reader.at += length
      return value
    }
    case T.LIST: {
      const head = reader.byte()
      const elementType = head & 0x0f
      const size = head >> 4 === 15 ? Number(reader.varint()) : head >> 4
      const items: ThriftValue[] = []
      // Booleans in a list are one byte each.
      for (let i = 0; i < size; i++)
        items.push(
          elementType === T.TRUE || elementType === T.FALSE ? reader.byte() : readValue(reader, elementType),
        )
      return { elementType, items }
    }
    case T.STRUCT:
      return readStruct(reader)
    default:
      throw new Error(`thrift: type ${type} not handled`)
  }
}

/** One Thrift struct from `bytes` at `at`, and where it ended. */
export function decodeStruct(bytes: Uint8Array, at = 0): { struct: ThriftStruct; end: number } {
  const reader = new Reader(bytes, at)
  const struct = readStruct(reader)
  return { struct, end: reader.at }
}

class Writer {
  readonly out: number[] = []
  varint(n: bigint): void {
    let v = BigInt.asUintN(64, n)
    for (;;) {
      const low = Number(v & 0x7fn)
      v >>= 7n
      if (v === 0n) {
        this.out.push(low)
        return
      }
      this.out.push(low | 0x80)
    }
  }
  zigzag(n: bigint): void {
    this.varint((n << 1n) ^ (n >> 63n))
  }
}

function writeStruct(writer: Writer, struct: ThriftStruct): void {
  let last = 0
  for (const { id, type, value } of struct.fields) {
    const delta = id - last
    if (delta > 0 && delta <= 15) writer.out.push((delta << 4) | type)
    else {
      writer.out.push(type)
      writer.zigzag(BigInt(id))
    }
    last = id
    if (type !== T.TRUE && type !== T.FALSE) writeValue(writer, type, value)
  }
  writer.out.push(0)
}

function writeValue(writer: Writer, type: number, value: ThriftValue): void {
  switch (type) {
    case T.BYTE:
      writer.out.push((value as number) & 0xff)
      return
    case T.I16:
    case T.I32:
    case T.I64:
      writer.zigzag(BigInt(value as number | bigint))
      return
    case T.DOUBLE: {
      const bytes = Buffer.alloc(8)
      bytes.writeDoubleLE(value as number)
      writer.out.push(...bytes)
      return
    }
    case T.BINARY: {
      const bytes = value as Uint8Array
      writer.varint(BigInt(bytes.length))
      writer.out.push(...bytes)
      return
    }
    case T.LIST: {
      const { elementType, items } = value as ThriftList
      if (items.length < 15) writer.out.push((items.length << 4) | elementType)
      else {
        writer.out.push(0xf0 | elementType)
        writer.varint(BigInt(items.length))
      }
      for (const item of items)
        if (elementType === T.TRUE || elementType === T.FALSE) writer.out.push(item as number)
        else writeValue(writer, elementType, item)
      return
    }
    case T.STRUCT:
      writeStruct(writer, value as ThriftStruct)
      return
    default:
      throw new Error(`thrift: type ${type} not handled`)
  }
}

export function encodeStruct(struct: ThriftStruct): Buffer {
  const writer = new Writer()
  writeStruct(writer, struct)
  return Buffer.from(writer.out)
}

export interface ParquetPage {
  /** PageHeader: 1 type, 2 uncompressed_page_size, 3 compressed_page_size, 5 data page header… */
  header: ThriftStruct
  body: Buffer
}
export interface ParquetChunk {
  /** The column's name (path_in_schema's first part). */
  name: string
  pages: ParquetPage[]
}
export interface ParquetParts {
  /** FileMetaData: 2 schema, 3 num_rows, 4 row_groups (RowGroup: 1 columns, 3 num_rows). */
  footer: ThriftStruct
  /** Column chunks by row group, in the footer's order. */
  chunks: ParquetChunk[][]
}

const PAR1 = Buffer.from('PAR1')

/** ColumnChunk → its ColumnMetaData (field 3). */
export const columnMeta = (chunk: ThriftValue) => field<ThriftStruct>(chunk as ThriftStruct, 3)!
export const rowGroups = (footer: ThriftStruct) => field<ThriftList>(footer, 4)!.items as ThriftStruct[]

/** A Parquet file taken apart: its footer and every column chunk's pages. */
export function parseParquet(bytes: Buffer): ParquetParts {
  const footerLength = bytes.readUInt32LE(bytes.length - 8)
  const footer = decodeStruct(bytes, bytes.length - 8 - footerLength).struct
  const chunks = rowGroups(footer).map((group) =>
    (field<ThriftList>(group, 1)!.items as ThriftStruct[]).map((chunk) => {
      const meta = columnMeta(chunk)
      const start = Number(field<bigint>(meta, 11) ?? field<bigint>(meta, 9)!)
      const end = start + Number(field<bigint>(meta, 7)!)
      const pages: ParquetPage[] = []
      for (let at = start; at < end; ) {
        const { struct: header, end: bodyAt } = decodeStruct(bytes, at)
        const size = field<number>(header, 3)!
        pages.push({ header, body: bytes.subarray(bodyAt, bodyAt + size) })
        at = bodyAt + size
      }
      const name = Buffer.from((field<ThriftList>(meta, 3)!.items[0] as Uint8Array) ?? []).toString()
      return { name, pages }
    }),
  )
  return { footer, chunks }
}

/**
 * The parts as a file: pages one after another, each chunk's offsets and compressed size set to
 * where they now are (page header sizes set from the bodies unless `keepPageSizes`), then
 * `lie(footer)` may change anything before the footer is written.
 */
export function writeParquet(
  parts: ParquetParts,
  options: { keepPageSizes?: boolean; lie?: (footer: ThriftStruct) => void } = {},
): Buffer {
  const out: Buffer[] = [PAR1]
  let at = PAR1.length
  rowGroups(parts.footer).forEach((group, g) => {
    ;(field<ThriftList>(group, 1)!.items as ThriftStruct[]).forEach((chunk, c) => {
      const meta = columnMeta(chunk)
      const start = at
      let dataAt: number | undefined
      for (const page of parts.chunks[g]![c]!.pages) {
        if (!options.keepPageSizes) setField(page.header, 3, T.I32, page.body.length)
        if (field<number>(page.header, 1) !== 2 && dataAt === undefined) dataAt = at
        const header = encodeStruct(page.header)
        out.push(header, page.body)
        at += header.length + page.body.length
      }
      const pages = parts.chunks[g]![c]!.pages
      if (field(meta, 11) !== undefined || field<number>(pages[0]!.header, 1) === 2)
        setField(meta, 11, T.I64, BigInt(start))
      setField(meta, 9, T.I64, BigInt(dataAt ?? start))
      setField(meta, 7, T.I64, BigInt(at - start))
    })
  })
  options.lie?.(parts.footer)
  const footer = encodeStruct(parts.footer)
  const length = Buffer.alloc(4)
  length.writeUInt32LE(footer.length)
  out.push(footer, length, PAR1)
  return Buffer.concat(out)
}
