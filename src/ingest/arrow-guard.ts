/**
 * apache-arrow trusts an Arrow file's own counts and offsets. Its flatbuffer metadata is read
 * lazily, without bounds: a footer that lists billions of blocks, a record batch whose vector of
 * field nodes claims two billion of them, or a schema of two billion fields has it loop, building
 * an object for each, until the process runs out of memory. Before apache-arrow reads a footer or
 * a message, this module walks the few vectors it would iterate and checks that each fits the
 * bytes that hold it, allocating nothing. A file that fails is refused whole (document.ts names
 * it; exit 2).
 *
 * Format: https://arrow.apache.org/docs/format/Columnar.html#ipc-file-format (File.fbs,
 * Message.fbs, Schema.fbs); flatbuffers: https://flatbuffers.dev/internals/
 */

/** Bytes after an Arrow file's footer: its length (int32), then `ARROW1`. */
const ARROW_TAIL = 10
/** `ARROW1` and its padding, before the first message. */
const ARROW_HEAD = 8
/** A Block (offset, metadata length, body length) in the footer's vectors. */
const BLOCK = 24
/** A FieldNode (length, null count) or a Buffer (offset, length) in a record batch. */
const NODE = 16
/** Deeper than any schema a candle file has (a field's children's children …). */
const DEPTH = 64
/** Message header types that carry record batches. */
const DICTIONARY_BATCH = 2
const RECORD_BATCH = 3

/** A flatbuffer, read with every offset checked against its bytes. */
class Flat {
  private readonly view: DataView
  constructor(
    bytes: Uint8Array,
    /** What it is, for errors: `its footer`, `the record batch at byte 1,234`. */
    private readonly name: string,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  }
  private need(at: number, bytes: number): void {
    if (!(at >= 0 && at + bytes <= this.view.byteLength))
      throw new Error(`${this.name} points outside itself`)
  }
  u8(at: number): number {
    this.need(at, 1)
    return this.view.getUint8(at)
  }
  u32(at: number): number {
    this.need(at, 4)
    return this.view.getUint32(at, true)
  }
  i64(at: number): number {
    this.need(at, 8)
    return Number(this.view.getBigInt64(at, true))
  }
  /** The root table's position. */
  root(): number {
    return this.u32(0)
  }
  /** Where field `index` of the table at `table` is, or null when it is absent. */
  field(table: number, index: number): number | null {
    this.need(table, 4)
    const vtable = table - this.view.getInt32(table, true)
    this.need(vtable, 4)
    const size = this.view.getUint16(vtable, true)
    const slot = 4 + 2 * index
    if (slot + 2 > size) return null
    this.need(vtable + slot, 2)
    const offset = this.view.getUint16(vtable + slot, true)
    return offset === 0 ? null : table + offset
  }
  /** The table, vector or string an offset field points at. */
  target(table: number, index: number): number | null {
    const at = this.field(table, index)
    return at === null ? null : at + this.u32(at)
  }
  /** A vector field: its length, checked to fit with `size` bytes an element; its elements' start. */
  vector(table: number, index: number, size: number, what: string): { length: number; start: number } {
    const at = this.target(table, index)
    if (at === null) return { length: 0, start: 0 }
    const length = this.u32(at)
    if (4 + length * size > this.view.byteLength - at)
      throw new Error(
        `${this.name} lists ${length.toLocaleString('en-US')} ${what} in ${this.view.byteLength} bytes`,
      )
    return { length, start: at + 4 }
  }
  /** The tables of a vector of tables (each element an offset to one). */
  tables(table: number, index: number, what: string): number[] {
    const { length, start } = this.vector(table, index, 4, what)
    return Array.from({ length }, (_, i) => start + 4 * i + this.u32(start + 4 * i))
  }
}

/** Fields of a schema, and their children, each fitting the metadata (Schema.fbs: Field). */
function checkFields(flat: Flat, fields: number[], depth: number): void {
  if (depth > DEPTH) throw new Error(`its schema nests fields more than ${DEPTH} deep`)
  for (const field of fields) {
    flat.tables(field, 6, 'metadata entries')
    checkFields(flat, flat.tables(field, 5, 'child fields'), depth + 1)
  }
}

/** A schema table (Schema.fbs): its fields, their children, its metadata and features fit. */
function checkSchema(flat: Flat, schema: number | null): void {
  if (schema === null) return
  checkFields(flat, flat.tables(schema, 1, 'fields'), 0)
  flat.tables(schema, 2, 'metadata entries')
  flat.vector(schema, 3, 8, 'features')
}

/** Where a file's footer is, and the blocks it lists, checked before apache-arrow decodes it. */
export interface ArrowLayout {
  /** Bytes before the footer: where messages may be. */
  messagesEnd: number
  blocks: { offset: number; kind: string }[]
}

/** Throws unless the file ends in a footer whose schema and blocks fit in it. */
export function checkArrowFooter(bytes: Uint8Array): ArrowLayout {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const at = bytes.length - ARROW_TAIL
  if (at < ARROW_HEAD || Buffer.from(bytes.subarray(bytes.length - 6)).toString('latin1') !== 'ARROW1')
    throw new Error('it does not end as an Arrow file does (cut short?)')
  const length = view.getInt32(at, true)
  if (!(length > 0 && length <= at - ARROW_HEAD))
    throw new Error(`its footer length ${length} does not fit the file`)
  const flat = new Flat(bytes.subarray(at - length, at), 'its footer')
  const footer = flat.root()
  checkSchema(flat, flat.target(footer, 1))
  flat.tables(footer, 4, 'metadata entries')
  const blocks: ArrowLayout['blocks'] = []
  for (const [index, kind] of [
    [2, 'dictionary batch'],
    [3, 'record batch'],
  ] as const) {
    const { length: count, start } = flat.vector(footer, index, BLOCK, 'blocks')
    for (let i = 0; i < count; i++) blocks.push({ offset: flat.i64(start + i * BLOCK), kind })
  }
  return { messagesEnd: at - length, blocks }
}

/**
 * Throws unless each block's message (as apache-arrow reads it: its own length prefix at the
 * block's offset) lies before the footer, with its body, and the vectors of its record batch fit
 * its metadata.
 */
export function checkArrowMessages(bytes: Uint8Array, layout: ArrowLayout): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const within = (from: number, to: number) => from >= ARROW_HEAD && to <= layout.messagesEnd && from <= to
  for (const { offset, kind } of layout.blocks) {
    if (!within(offset, offset + 8))
      throw new Error(`a ${kind} at byte ${offset} is outside the file's messages`)
    // An IPC message: 0xFFFFFFFF and its metadata length (older files: the length alone).
    let start = offset + 4
    let length = view.getInt32(offset, true)
    if (length === -1) {
      length = view.getInt32(offset + 4, true)
      start = offset + 8
    }
    if (!(length > 0 && within(start, start + length)))
      throw new Error(`a ${kind} at byte ${offset} claims ${length} bytes of metadata`)
    const flat = new Flat(bytes.subarray(start, start + length), `the ${kind} at byte ${offset}`)
    const message = flat.root()
    flat.tables(message, 4, 'metadata entries')
    const bodyAt = flat.field(message, 3)
    const body = bodyAt === null ? 0 : flat.i64(bodyAt)
    if (!(body >= 0 && within(start + length, start + length + body)))
      throw new Error(`a ${kind} at byte ${offset} claims a body of ${body} bytes`)
    const typeAt = flat.field(message, 1)
    const type = typeAt === null ? 0 : flat.u8(typeAt)
    let batch = flat.target(message, 2)
    if (type === DICTIONARY_BATCH && batch !== null) batch = flat.target(batch, 1)
    if ((type === RECORD_BATCH || type === DICTIONARY_BATCH) && batch !== null) {
      flat.vector(batch, 1, NODE, 'field nodes')
      flat.vector(batch, 2, NODE, 'buffers')
      flat.vector(batch, 4, 8, 'buffer counts')
    }
  }
}
