/**
 * Parquet files that lie (src/ingest/parquet-guard.ts): a footer or page that claims more than its
 * bytes hold is refused with the file named (exit 2) before hyparquet reads it, where hyparquet
 * counted two billion empty rows for good, allocated 2 GiB for a page, or grew an array made for
 * forty values until the process died. Each lie is made from the real-shaped fixture (DuckDB's
 * file of 40 ETH candles) by test/helpers/parquet.ts; sound files from other layouts (DuckDB's
 * compressions and encodings, several row groups, data pages v2) still read whole.
 */
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DuckDBInstance } from '@duckdb/node-api'
import { snappyUncompress } from 'hyparquet'
import { describe, expect, it } from 'vitest'
import { FatalError } from '../../src/errors.js'
import type { BarEvent } from '../../src/timeline/event.js'
import { cascade } from '../helpers/cli.js'
import { readAll as readWithStages } from '../helpers/ingest.js'
import {
  columnMeta,
  field,
  type ParquetParts,
  parseParquet,
  rowGroups,
  setField,
  T,
  type ThriftList,
  type ThriftStruct,
  writeParquet,
} from '../helpers/parquet.js'

const FIXTURE = 'fixtures/freqtrade/binance/ETH_USDT-1m.parquet'
const readAll: typeof readWithStages = (paths, options = {}) =>
  readWithStages(paths, { suspectJumpPct: null, ...options })

/** The bytes under a freqtrade name in a new `binance/` folder; returns the path. */
async function asFreqtrade(bytes: Uint8Array, name = 'ETH_USDT-1m.parquet'): Promise<string> {
  const dir = join(await mkdtemp(join(tmpdir(), 'cascade-parquet-')), 'binance')
  await mkdir(dir)
  await writeFile(join(dir, name), bytes)
  return join(dir, name)
}

const good = await readFile(FIXTURE)
const columnsOf = (group: ThriftStruct) => field<ThriftList>(group, 1)!.items as ThriftStruct[]
/** The fixture's 40 candles as cascade reads them. */
const expected = (await readAll([FIXTURE])).events.map((e) => {
  const { open, high, low, close, volume, ts } = e as BarEvent
  return { ts, open, high, low, close, volume }
})
const candles = (events: unknown[]) =>
  (events as BarEvent[]).map(({ ts, open, high, low, close, volume }) => ({
    ts,
    open,
    high,
    low,
    close,
    volume,
  }))

/** The file with its pages decompressed (snappy) and stored uncompressed, to be edited inside. */
function uncompressed(bytes: Buffer): ParquetParts {
  const parts = parseParquet(bytes)
  for (const chunks of parts.chunks)
    for (const chunk of chunks)
      for (const page of chunk.pages) {
        const raw = new Uint8Array(field<number>(page.header, 2)!)
        snappyUncompress(page.body, raw)
        page.body = Buffer.from(raw)
      }
  for (const group of rowGroups(parts.footer))
    for (const chunk of columnsOf(group)) setField(columnMeta(chunk), 4, T.I32, 0)
  return parts
}

/** Rejects with the file's name and `message`, as a clean "could not run" (exit 2). */
async function expectRefused(bytes: Buffer, message: RegExp, hint?: string): Promise<void> {
  const path = await asFreqtrade(bytes)
  const failure = await readAll([path]).then(
    () => null,
    (error: FatalError) => error,
  )
  expect(failure).toBeInstanceOf(FatalError)
  expect(failure?.message).toContain(path)
  expect(failure?.message).toMatch(message)
  if (hint) expect(failure?.hint).toBe(hint)
}

describe('the crafting helper', () => {
  it('takes the fixture apart and writes it again byte for byte', () => {
    expect(writeParquet(parseParquet(good)).equals(good)).toBe(true)
  })

  it('its uncompressed copy reads the same 40 candles', async () => {
    const read = await readAll([await asFreqtrade(writeParquet(uncompressed(good)))])
    expect(candles(read.events)).toEqual(expected)
  })
})

describe('sound Parquet files of other layouts read whole', () => {
  async function duckdb(query: string): Promise<void> {
    const instance = await DuckDBInstance.create(':memory:', { threads: '1' })
    const connection = await instance.connect()
    try {
      await connection.run(query)
    } finally {
      connection.closeSync()
      instance.closeSync()
    }
  }

  it.each([
    ['zstd, format v2 (delta-encoded dates)', 'COMPRESSION zstd, PARQUET_VERSION v2'],
    ['gzip', 'COMPRESSION gzip'],
    ['uncompressed', 'COMPRESSION uncompressed'],
  ])('%s', async (_, options) => {
    const path = await asFreqtrade(new Uint8Array())
    await duckdb(`COPY (SELECT * FROM '${FIXTURE}') TO '${path}' (FORMAT parquet, ${options})`)
    expect(candles((await readAll([path])).events)).toEqual(expected)
  })

  it('5,000 candles in three row groups, a dictionary-encoded volume', async () => {
    const path = await asFreqtrade(new Uint8Array())
    // One-minute candles from 2021-05-19 00:00 UTC, prices 100 + i/100, volume 0, 1 or 2.
    await duckdb(`COPY (
        SELECT make_timestamptz(1621382400000000 + i * 60000000) AS date, 100 + i / 100 AS open,
          101 + i / 100 AS high, 99 + i / 100 AS low, 100.5 + i / 100 AS close, (i % 3)::DOUBLE AS volume
        FROM range(5000) t(i)
      ) TO '${path}' (FORMAT parquet, ROW_GROUP_SIZE 2048)`)
    const layout = parseParquet(await readFile(path))
    expect(rowGroups(layout.footer)).toHaveLength(3)
    expect(layout.chunks[0]!.at(-1)!.pages.map((page) => field<number>(page.header, 1))).toContain(2)
    const read = await readAll([path])
    expect(read.inputs[0]!.rows).toBe(5000)
    const bars = read.events as BarEvent[]
    expect(bars).toHaveLength(5000)
    expect(bars[4999]).toMatchObject({
      ts: 1621382400000 + 4999 * 60000,
      open: 149.99,
      low: 148.99,
      volume: 1,
    })
  })

  it('data pages v2 (levels outside the compressed values)', async () => {
    const parts = uncompressed(good)
    for (const chunk of parts.chunks[0]!)
      for (const page of chunk.pages) {
        // v1 body: [4-byte length][definition levels][values] → v2: levels first, lengths in the header.
        const levels = page.body.readUInt32LE(0)
        const v1 = field<ThriftStruct>(page.header, 5)!
        page.body = page.body.subarray(4)
        page.header = {
          fields: [
            { id: 1, type: T.I32, value: 3 },
            { id: 2, type: T.I32, value: page.body.length },
            { id: 3, type: T.I32, value: page.body.length },
            {
              id: 8,
              type: T.STRUCT,
              value: {
                fields: [
                  { id: 1, type: T.I32, value: 40 },
                  { id: 2, type: T.I32, value: 0 },
                  { id: 3, type: T.I32, value: 40 },
                  { id: 4, type: T.I32, value: field<number>(v1, 2)! },
                  { id: 5, type: T.I32, value: levels },
                  { id: 6, type: T.I32, value: 0 },
                  { id: 7, type: T.FALSE, value: false },
                ],
              },
            },
          ],
        }
      }
    expect(candles((await readAll([await asFreqtrade(writeParquet(parts))])).events)).toEqual(expected)
  })
})

describe('a Parquet file that claims more than it holds is refused before it is read', () => {
  const lie = (edit: (footer: ThriftStruct) => void) => writeParquet(parseParquet(good), { lie: edit })
  const everyColumn = (footer: ThriftStruct, edit: (meta: ThriftStruct) => void) => {
    for (const chunk of columnsOf(rowGroups(footer)[0]!)) edit(columnMeta(chunk))
  }

  it('2^31 - 1 rows (hyparquet read 40 and cascade counted the rest as empty rows for good)', async () => {
    const rows = 2n ** 31n - 1n
    const bytes = lie((footer) => {
      setField(footer, 3, T.I64, rows)
      setField(rowGroups(footer)[0]!, 3, T.I64, rows)
    })
    await expectRefused(
      bytes,
      /its 2,147,483,647 rows of 6 columns are more than 256 MiB at 8 bytes a cell, the most cascade reads as one document \(JSON, Feather and Parquet files are read whole\)$/,
      'split the file by time, convert it to CSV, or raise the limit with CASCADE_MAX_DOCUMENT_MB=1024',
    )
  })

  it('a row count the row groups do not hold (2^40: "Invalid array length", not the file named)', async () => {
    await expectRefused(
      lie((footer) => setField(footer, 3, T.I64, 2n ** 40n)),
      /cannot read this Parquet file \(its footer claims 1,099,511,627,776 rows where its row groups hold 40\)/,
    )
  })

  it('a negative row count', async () => {
    await expectRefused(
      lie((footer) => {
        setField(footer, 3, T.I64, -5n)
        setField(rowGroups(footer)[0]!, 3, T.I64, -5n)
      }),
      /a row group claims -5 rows/,
    )
  })

  it('column chunks of 2^40 bytes, or beyond the end (read as 40 empty rows, exit 1)', async () => {
    await expectRefused(
      lie((footer) => everyColumn(footer, (meta) => setField(meta, 7, T.I64, 2n ** 40n))),
      /column date claims bytes 4 to 1099511627780, outside the 1,713 bytes before the footer/,
    )
    await expectRefused(
      lie((footer) => everyColumn(footer, (meta) => setField(meta, 9, T.I64, 2n ** 40n))),
      /column date claims bytes 1099511627776 to/,
    )
  })

  it('a page of 2 GiB uncompressed (4 GiB of memory and exit 0 before)', async () => {
    const parts = parseParquet(good)
    for (const chunk of parts.chunks[0]!) setField(chunk.pages[0]!.header, 2, T.I32, 2 ** 31 - 1)
    await expectRefused(
      writeParquet(parts),
      /its pages are more than 256 MiB decoded, the most cascade reads/,
    )
  })

  it('a page of 2^31 - 1 values (1.5 GiB of memory before)', async () => {
    const parts = parseParquet(good)
    for (const chunk of parts.chunks[0]!)
      setField(field<ThriftStruct>(chunk.pages[0]!.header, 5)!, 1, T.I32, 2 ** 31 - 1)
    await expectRefused(
      writeParquet(parts),
      /column date: a page claims 2147483647 values where 40 rows are left/,
    )
  })

  it('pages that hold fewer values than the rows', async () => {
    const parts = parseParquet(good)
    await expectRefused(
      writeParquet(parts, {
        lie: (footer) => {
          setField(footer, 3, T.I64, 41n)
          setField(rowGroups(footer)[0]!, 3, T.I64, 41n)
        },
      }),
      /column date ends after 40 of its 41 rows/,
    )
  })

  it('one run of 2^31 - 1 definition levels in a page of 40 (the process died with 2.2 GiB)', async () => {
    const parts = uncompressed(good)
    const page = parts.chunks[0]![0]!.pages[0]!
    const levels = page.body.readUInt32LE(0)
    // RLE run header (count << 1) as a varint, then the level 1.
    const run = Buffer.from([0xfe, 0xff, 0xff, 0xff, 0x0f, 0x01])
    const length = Buffer.alloc(4)
    length.writeUInt32LE(run.length)
    page.body = Buffer.concat([length, run, page.body.subarray(4 + levels)])
    setField(page.header, 2, T.I32, page.body.length)
    await expectRefused(writeParquet(parts), /column date: a run of 2,147,483,647 values past the page's 40/)
  })

  it('a dictionary of more values than its bytes, and dictionary indices running past the page', async () => {
    // Volume as a dictionary: one value (1.5), then every row's index 0 in one RLE run.
    const parts = uncompressed(good)
    const chunk = parts.chunks[0]!.at(-1)!
    const page = chunk.pages[0]!
    const levels = page.body.readUInt32LE(0)
    const value = Buffer.alloc(8)
    value.writeDoubleLE(1.5)
    const indices = (count: number) => {
      const varint: number[] = []
      for (let v = count * 2; ; v = Math.floor(v / 128)) {
        if (v < 128) {
          varint.push(v)
          break
        }
        varint.push((v % 128) | 128)
      }
      return Buffer.from([1, ...varint, 0])
    }
    const dictionary = (count: number): ThriftStruct => ({
      fields: [
        { id: 1, type: T.I32, value: 2 },
        { id: 2, type: T.I32, value: 8 },
        { id: 3, type: T.I32, value: 8 },
        {
          id: 7,
          type: T.STRUCT,
          value: {
            fields: [
              { id: 1, type: T.I32, value: count },
              { id: 2, type: T.I32, value: 0 },
            ],
          },
        },
      ],
    })
    const make = (dictionaryValues: number, run: number) => {
      const body = Buffer.concat([page.body.subarray(0, 4 + levels), indices(run)])
      chunk.pages = [
        { header: dictionary(dictionaryValues), body: value },
        { header: structuredClone(page.header), body },
      ]
      setField(chunk.pages[1]!.header, 2, T.I32, body.length)
      setField(field<ThriftStruct>(chunk.pages[1]!.header, 5)!, 2, T.I32, 8) // RLE_DICTIONARY
      return writeParquet(parts)
    }
    const sound = await readAll([await asFreqtrade(make(1, 40))])
    expect((sound.events as BarEvent[]).map((bar) => bar.volume)).toEqual(Array(40).fill(1.5))
    await expectRefused(make(2 ** 30, 40), /column volume: a dictionary claims 1073741824 values in 8 bytes/)
    await expectRefused(make(1, 2 ** 30), /column volume: a run of 1,073,741,824 values past the page's 40/)
  })

  it("a footer of two million empty structs (a hundred bytes of memory each) is over the footer's share", async () => {
    const length = good.readUInt32LE(good.length - 8)
    const footer = good.subarray(good.length - 8 - length, good.length - 8)
    // Field 100, a list of 2,000,000 structs, each only its STOP byte; then the footer's own STOP.
    const count = [0x80, 0x89, 0x7a] // 2,000,000 as a varint
    const grown = Buffer.concat([
      footer.subarray(0, -1),
      Buffer.from([0x09, 0xc8, 0x01, 0xfc, ...count]),
      Buffer.alloc(2_000_000),
      Buffer.from([0]),
    ])
    const tail = Buffer.alloc(8)
    tail.writeUInt32LE(grown.length)
    tail.write('PAR1', 4)
    await expectRefused(
      Buffer.concat([good.subarray(0, good.length - 8 - length), grown, tail]),
      /its footer of 2,000,6\d\d bytes is more than 1\/256 of 256 MiB, the most cascade reads as one document/,
    )
  })

  it('a page header of a million fields, and structs nested beyond any in the format', async () => {
    const parts = parseParquet(good)
    const header = parts.chunks[0]![0]!.pages[0]!.header
    header.fields.push({
      id: 100,
      type: T.LIST,
      value: { elementType: T.I32, items: Array(1_000_000).fill(0) },
    })
    await expectRefused(writeParquet(parts), /a Thrift structure of more than 4096 elements/)
    let nested: ThriftStruct = { fields: [] }
    for (let i = 0; i < 40; i++) nested = { fields: [{ id: 1, type: T.STRUCT, value: nested }] }
    header.fields[header.fields.length - 1] = { id: 100, type: T.STRUCT, value: nested }
    await expectRefused(writeParquet(parts), /Thrift structs nested more than 32 deep/)
  })

  it('through the binary: one line naming the file, exit 2, no stack trace', async () => {
    const path = await asFreqtrade(lie((footer) => setField(rowGroups(footer)[0]!, 3, T.I64, 2n ** 31n - 1n)))
    const run = await cascade(['analyze', path])
    expect(run.code).toBe(2)
    expect(run.stdout).toBe('')
    expect(run.stderr).toBe(
      `cascade: ${path}: cannot read this Parquet file (its footer claims 40 rows where its row groups hold 2,147,483,647); download or write the file again\n`,
    )
  })
})
