/**
 * freqtrade candle files through the real ingest path. Fixtures (fixtures/freqtrade/binance/, made
 * by scripts/make-freqtrade-fixtures.mjs from real files):
 * - ETH_USDT-1m.json: 40 candles of the real freqtrade file may2021/ETH_USDT-1m.json, 2021-05-19
 *   12:50 → 13:29 UTC, cut byte for byte; .json.gz, .feather (lz4) and .parquet (snappy) of the same.
 * - futures/BTC_USDT_USDT-1h-futures.feather: 24 hours of real Binance USD-M klines, 2021-09-07.
 * - futures/BTC_USDT_USDT-1h-mark.json: the same hours as mark candles (volume 0).
 * - futures/BTC_USDT_USDT-8h-funding_rate.{json,feather,parquet}: 12 real Binance rates of May 2021,
 *   JSON in the older OHLCV layout, Feather and Parquet in the newer [date, funding_rate].
 */
import { execFileSync } from 'node:child_process'
import { copyFile, mkdir, mkdtemp, readFile, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as arrow from 'apache-arrow'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { maxDocumentBytes, readWhole, topLevelItems } from '../../src/ingest/document.js'
import { exchangeFromPath, freqtradeName } from '../../src/sources/freqtrade.js'
import type { BarEvent, FundingEvent, Located } from '../../src/timeline/event.js'
import { cascade } from '../helpers/cli.js'
import { counts, expectTimeOrdered, plain, readAll as readWithStages } from '../helpers/ingest.js'
import { itReal, realPath } from '../helpers/real.js'

/** The source as written: the suspect-print stage (tested in test/timeline/) is off here. */
const readAll: typeof readWithStages = (paths, options = {}) =>
  readWithStages(paths, { suspectJumpPct: null, ...options })

const DIR = 'fixtures/freqtrade/binance'
const ETH = `${DIR}/ETH_USDT-1m.json`
const FUTURES = `${DIR}/futures`

/** A file in a new temporary folder tree (`binance/ETH_USDT-1m.json`); returns its path. */
async function tempAt(relative: string, content: string | Uint8Array): Promise<string> {
  const path = join(await mkdtemp(join(tmpdir(), 'cascade-freqtrade-')), relative)
  await mkdir(join(path, '..'), { recursive: true })
  await writeFile(path, content)
  return path
}

const bars = (events: Located[]) => events.map(plain) as BarEvent[]

describe('freqtrade: spot candles', () => {
  it('ETH_USDT-1m.json: 40 one-minute bars of binance ETH-USDT, the 13:10 low 1,888.00', async () => {
    const { inputs, events, badRows } = await readAll([ETH])
    expect(counts(inputs[0])).toEqual({ rows: 40, events: 40, duplicates: 0, badRows: 0, skipped: 0 })
    expect(badRows).toEqual([])
    expect(inputs[0]!.source).toBe('freqtrade')
    expect([...inputs[0]!.markets]).toEqual(['ETH-USDT'])
    expect([...inputs[0]!.symbols]).toEqual(['ETH/USDT'])
    // [1621428600000,2347.29,2351.93,2200.0,2251.21,23081.38859] = 2021-05-19T12:50Z
    expect(plain(events[0])).toEqual({
      ts: 1621428600000,
      exchange: 'binance',
      symbol: 'ETH/USDT',
      market: 'ETH-USDT',
      kind: 'bar',
      source: 'freqtrade',
      durationMs: 60_000,
      open: 2347.29,
      high: 2351.93,
      low: 2200,
      close: 2251.21,
      volume: 23081.38859,
      volumeUsd: null,
      takerBuyUsd: null,
      trades: null,
      liqLongUsd: null,
      liqShortUsd: null,
      openInterest: null,
      openInterestUsd: null,
    })
    // [1621429800000,1920.02,2000.0,1888.0,1981.07,17310.58547]: the day's low
    const low = bars(events).reduce((a, b) => (b.low! < a.low! ? b : a))
    expect(new Date(low.ts).toISOString()).toBe('2021-05-19T13:10:00.000Z')
    expect(low).toMatchObject({ open: 1920.02, high: 2000, low: 1888, close: 1981.07, volume: 17310.58547 })
    expect(events[20]!.line).toBe(21) // the 21st candle of the document
    expect(new Date(events[39]!.ts).toISOString()).toBe('2021-05-19T13:29:00.000Z')
    expectTimeOrdered(events)
  })

  it.each([
    ['json.gz', `${DIR}/ETH_USDT-1m.json.gz`],
    ['feather (lz4)', `${DIR}/ETH_USDT-1m.feather`],
    ['parquet (snappy)', `${DIR}/ETH_USDT-1m.parquet`],
  ])('%s reads to the same bars as the JSON', async (_, path) => {
    const json = await readAll([ETH])
    const other = await readAll([path])
    expect(counts(other.inputs[0])).toEqual({ rows: 40, events: 40, duplicates: 0, badRows: 0, skipped: 0 })
    expect(other.inputs[0]!.source).toBe('freqtrade')
    expect(other.events.map(plain)).toEqual(json.events.map(plain))
    expect(other.events.map((e) => e.line)).toEqual(json.events.map((e) => e.line))
  })

  it('a gzip file named .jsongz is recognised from its bytes too', async () => {
    const path = join(await mkdtemp(join(tmpdir(), 'cascade-freqtrade-')), 'ETH_USDT-1m.jsongz')
    await copyFile(`${DIR}/ETH_USDT-1m.json.gz`, path)
    const json = await readAll([ETH], { exchange: 'binance' })
    const gz = await readAll([path], { exchange: 'binance' })
    expect(gz.inputs[0]!.source).toBe('freqtrade')
    expect(gz.events.map(plain)).toEqual(json.events.map(plain))
  })

  it('the folder of all four: one bar per minute, the other three copies counted as duplicates', async () => {
    const { inputs, events } = await readAll([DIR])
    const spot = inputs.filter((i) => i.path.includes('ETH_USDT'))
    expect(spot.map((i) => i.path.replace(/.*\//, ''))).toEqual([
      'ETH_USDT-1m.feather',
      'ETH_USDT-1m.json',
      'ETH_USDT-1m.json.gz',
      'ETH_USDT-1m.parquet',
    ])
    expect(spot.reduce((n, i) => n + i.events, 0)).toBe(40)
    expect(spot.reduce((n, i) => n + i.duplicates, 0)).toBe(120)
    expect(events.filter((e) => e.market === 'ETH-USDT')).toHaveLength(40)
  })

  it('an uncompressed Feather reads too (the lz4 codec is only used when the file says so)', async () => {
    const json = await readAll([ETH])
    const candles = bars(json.events)
    const table = new arrow.Table({
      date: arrow.makeVector(
        arrow.makeData({
          type: new arrow.TimestampMillisecond('UTC'),
          length: candles.length,
          data: BigInt64Array.from(candles.map((c) => BigInt(c.ts))),
        }),
      ),
      open: arrow.vectorFromArray(
        candles.map((c) => c.open),
        new arrow.Float64(),
      ),
      high: arrow.vectorFromArray(
        candles.map((c) => c.high),
        new arrow.Float64(),
      ),
      low: arrow.vectorFromArray(
        candles.map((c) => c.low),
        new arrow.Float64(),
      ),
      close: arrow.vectorFromArray(
        candles.map((c) => c.close),
        new arrow.Float64(),
      ),
      volume: arrow.vectorFromArray(
        candles.map((c) => c.volume),
        new arrow.Float64(),
      ),
    })
    const path = await tempAt('binance/ETH_USDT-1m.feather', arrow.tableToIPC(table, 'file'))
    const plainFeather = await readAll([path])
    expect(plainFeather.events.map(plain)).toEqual(json.events.map(plain))
  })

  it('the exchange: the parent folder when it names one, else unknown; --exchange overrides', async () => {
    const elsewhere = join(await mkdtemp(join(tmpdir(), 'cascade-freqtrade-')), 'ETH_USDT-1m.json')
    await copyFile(ETH, elsewhere)
    const unknown = await readAll([elsewhere])
    expect(new Set(unknown.events.map((e) => e.exchange))).toEqual(new Set(['unknown']))
    const forced = await readAll([ETH], { exchange: 'kraken' })
    expect(new Set(forced.events.map((e) => e.exchange))).toEqual(new Set(['kraken']))
  })
})

describe('freqtrade: futures, mark and funding files', () => {
  it('BTC_USDT_USDT-1h-futures.feather: hourly bars of BTC-USDT-PERP; the 15:00 hour fell to 42,088', async () => {
    const { inputs, events } = await readAll([`${FUTURES}/BTC_USDT_USDT-1h-futures.feather`])
    expect(counts(inputs[0])).toEqual({ rows: 24, events: 24, duplicates: 0, badRows: 0, skipped: 0 })
    expect([...inputs[0]!.markets]).toEqual(['BTC-USDT-PERP'])
    // futures/ sits under binance/: the exchange is the folder above it
    expect(new Set(events.map((e) => e.exchange))).toEqual(new Set(['binance']))
    // 1631026800000,47367.35,48166.56,42088.00,46644.00,171105.000 (BTCUSDT-1h-2021-09.csv)
    const hour = bars(events).find((e) => e.ts === Date.UTC(2021, 8, 7, 15))
    expect(hour).toMatchObject({
      symbol: 'BTC/USDT:USDT',
      durationMs: 3_600_000,
      open: 47367.35,
      high: 48166.56,
      low: 42088,
      close: 46644,
      volume: 171105,
    })
  })

  it('BTC_USDT_USDT-1h-mark.json: mark candles are bars of the same perpetual, volume 0', async () => {
    const { inputs, events } = await readAll([`${FUTURES}/BTC_USDT_USDT-1h-mark.json`])
    expect(counts(inputs[0])).toEqual({ rows: 24, events: 24, duplicates: 0, badRows: 0, skipped: 0 })
    expect([...inputs[0]!.markets]).toEqual(['BTC-USDT-PERP'])
    expect(bars(events).find((e) => e.ts === Date.UTC(2021, 8, 7, 15))).toMatchObject({
      kind: 'bar',
      low: 42088,
      volume: 0,
    })
  })

  it('funding_rate: the older JSON layout (rate in open) and the newer Feather/Parquet [date, funding_rate] agree', async () => {
    const json = await readAll([`${FUTURES}/BTC_USDT_USDT-8h-funding_rate.json`])
    expect(counts(json.inputs[0])).toEqual({ rows: 12, events: 12, duplicates: 0, badRows: 0, skipped: 0 })
    // 1619827200002,8,0.00011209 in Binance's file → the 2021-05-01T00:00Z funding
    expect(plain(json.events[0])).toEqual({
      ts: Date.UTC(2021, 4, 1),
      exchange: 'binance',
      symbol: 'BTC/USDT:USDT',
      market: 'BTC-USDT-PERP',
      kind: 'funding',
      source: 'freqtrade',
      fundingRate: 0.00011209,
      intervalHours: null,
    } satisfies FundingEvent)
    expect(json.events[11]!.ts - json.events[0]!.ts).toBe(11 * 8 * 3_600_000)
    for (const ext of ['feather', 'parquet']) {
      const other = await readAll([`${FUTURES}/BTC_USDT_USDT-8h-funding_rate.${ext}`])
      expect(other.events.map(plain), ext).toEqual(json.events.map(plain))
    }
  })

  it('premiumIndex candles are counted as skipped rows, with the reason', async () => {
    const path = await tempAt(
      'binance/futures/BTC_USDT_USDT-1h-premiumIndex.json',
      '[[1630972800000,-0.0002,0.0001,-0.0004,-0.0001,0.0]]',
    )
    const { inputs } = await readAll([path])
    expect(counts(inputs[0])).toEqual({ rows: 1, events: 0, duplicates: 0, badRows: 0, skipped: 1 })
    expect([...inputs[0]!.skipReasons.keys()]).toEqual([
      'freqtrade premiumIndex candles are a premium, not a price; not read',
    ])
  })
})

describe('freqtrade: file names', () => {
  it.each([
    ['ETH_USDT-1m.json', { pair: 'ETH/USDT', timeframe: '1m', durationMs: 60_000, candleType: 'spot' }],
    ['ETH_USDT-5m.jsongz', { pair: 'ETH/USDT', timeframe: '5m', durationMs: 300_000, candleType: 'spot' }],
    [
      'BTC_USDT_USDT-1h-futures.feather',
      { pair: 'BTC/USDT:USDT', timeframe: '1h', durationMs: 3_600_000, candleType: 'futures' },
    ],
    ['BTC_USD_BTC-4h-mark.parquet', { pair: 'BTC/USD:BTC', durationMs: 14_400_000, candleType: 'mark' }],
    ['BTC_USDT_USDT-240628-1d-futures.json', { pair: 'BTC/USDT:USDT-240628', durationMs: 86_400_000 }],
    [
      '1000SHIB_USDT_USDT-8h-funding_rate.feather',
      { pair: '1000SHIB/USDT:USDT', candleType: 'funding_rate' },
    ],
    ['ETH_BTC-1w.json', { pair: 'ETH/BTC', durationMs: 604_800_000 }],
    ['ETH_USDT-1Mo.json', { timeframe: '1Mo', durationMs: null }],
  ])('%s', (name, expected) => {
    expect(freqtradeName(name)).toMatchObject(expected)
  })

  it.each([
    'ETH_USDT-trades.json', // trades, not candles
    'ETH_USDT-1m.csv',
    'BTC_USDT_USDT-1h.feather', // a settle currency needs a candle type
    'BTC_USDT-1h-futures.feather', // futures need a settle currency
    'ETHUSDT-1m-2021-05-19.json', // Binance's naming
    'binance-ETHUSDT-1m-2021-05-19.json',
    'ETH_USDT-1m-funding.json',
  ])('%s is not freqtrade naming', (name) => {
    expect(freqtradeName(name)).toBeNull()
  })

  it.each([
    ['user_data/data/binance/ETH_USDT-1m.json', 'binance'],
    ['user_data/data/okx/futures/BTC_USDT_USDT-1h-futures.feather', 'okx'],
    ['C:\\ft\\user_data\\data\\Kraken\\ETH_USDT-1m.json', 'kraken'],
    ['data.zip/bybit/ETH_USDT-1m.json', 'bybit'],
    ['may2021/ETH_USDT-1m.json', null],
    ['futures/BTC_USDT_USDT-1h-futures.feather', null],
    ['ETH_USDT-1m.json', null],
  ])('exchange of %s: %s', (path, exchange) => {
    expect(exchangeFromPath(path)).toBe(exchange)
  })

  it('monthly candles are refused with the reason, not guessed', async () => {
    const path = await tempAt(
      'binance/ETH_USDT-1Mo.json',
      '[[1619827200000,2772.3,4372.72,1888.0,2706.15,1.0]]',
    )
    await expect(readAll([path])).rejects.toThrow(/1Mo candles have no fixed length/)
  })
})

describe('freqtrade: documents and bad rows', () => {
  it('a corrupt Feather file found by npm run fuzz stops with exit 2 (apache-arrow looped on it for good)', async () => {
    // The fixture with three of the fuzzer's edits: bytes put in the schema and in the record
    // batch's metadata, a LF made a CR. tableFromIPC read its one block again and again.
    const good = await readFile(`${DIR}/ETH_USDT-1m.feather`)
    const bad = Buffer.concat([
      good.subarray(0, 51),
      Buffer.from('1f98f8d55273', 'hex'),
      good.subarray(51, 1655),
      Buffer.from('57b5a12000f20a', 'hex'),
      good.subarray(1655, 2575),
      Buffer.from([13]),
      good.subarray(2576),
    ])
    const path = await tempAt('binance/ETH_USDT-1m.feather', bad)
    await expect(readAll([path])).rejects.toThrow(
      /ETH_USDT-1m\.feather: cannot read this Arrow\/Feather file/,
    )
  })

  it('a Feather footer that lists more blocks than it holds is refused before they are read', async () => {
    const good = await readFile(`${DIR}/ETH_USDT-1m.feather`)
    const footerLength = good.readInt32LE(good.length - 10)
    const footer = good.subarray(good.length - 10 - footerLength, good.length - 10)
    // The record-batch vector's length (1) is the only 4-byte 1 followed by a 24-byte block whose
    // offset points into the file: made 2^30.
    const table = arrow.tableFromIPC(good)
    expect(table.batches).toHaveLength(1)
    const bad = Buffer.from(good)
    let patched = 0
    for (let i = 0; i + 4 <= footer.length; i += 4) {
      if (footer.readUInt32LE(i) !== 1) continue
      const offset = Number(footer.readBigInt64LE(i + 4))
      if (offset > 0 && offset < good.length && footer.readInt32LE(i + 12) > 0) {
        bad.writeUInt32LE(2 ** 30, good.length - 10 - footerLength + i)
        patched++
      }
    }
    expect(patched).toBe(1)
    const path = await tempAt('binance/ETH_USDT-1m.feather', bad)
    await expect(readAll([path])).rejects.toThrow(/its footer lists 1,073,741,824 blocks/)
  })

  it('a Feather record batch of 67 million field nodes in 200 bytes is refused (the file of the fuzzer ran out of memory)', async () => {
    // The funding fixture with the fuzzer's two edits (seed 1860820606, case 435): a huge varint's
    // bytes written over the record batch's metadata and over the footer.
    const bad = Buffer.from(await readFile(`${FUTURES}/BTC_USDT_USDT-8h-funding_rate.feather`))
    Buffer.from([0xfe, 0xff, 0xff, 0xff, 0x0f]).copy(bad, 80)
    Buffer.from([0xff, 0xff, 0xff, 0x7f, 0x00]).copy(bad, 382)
    const path = await tempAt('binance/futures/BTC_USDT_USDT-8h-funding_rate.feather', bad)
    await expect(readAll([path])).rejects.toThrow(
      `${path}: cannot read this Arrow/Feather file (the record batch at byte 8 lists 67,109,888 field nodes in 200 bytes)`,
    )
  })

  it('a Feather footer whose schema claims 2^30 fields is refused before it is decoded', async () => {
    const bad = Buffer.from(await readFile(`${DIR}/ETH_USDT-1m.feather`))
    const length = bad.readInt32LE(bad.length - 10)
    const start = bad.length - 10 - length
    // Flatbuffers: root table → its vtable → field N's offset → the table or vector it points at.
    const target = (table: number, field: number) => {
      const vtable = table - bad.readInt32LE(start + table)
      const at = table + bad.readUInt16LE(start + vtable + 4 + 2 * field)
      return at + bad.readUInt32LE(start + at)
    }
    const fields = target(target(bad.readUInt32LE(start), 1), 1)
    expect(bad.readUInt32LE(start + fields)).toBe(6)
    bad.writeUInt32LE(2 ** 30, start + fields)
    const path = await tempAt('binance/ETH_USDT-1m.feather', bad)
    await expect(readAll([path])).rejects.toThrow(/its footer lists 1,073,741,824 fields in \d+ bytes/)
  })

  /** An Arrow file of `rows` one-minute candles from 2021-05-19, all prices 100, volume 0. */
  function candleTable(rows: number): arrow.Table {
    const prices = () => arrow.makeVector(new Float64Array(rows).fill(100))
    const ms = BigInt64Array.from({ length: rows }, (_, i) => BigInt(Date.UTC(2021, 4, 19) + i * 60_000))
    const date = arrow.makeVector(
      arrow.makeData({ type: new arrow.TimestampMillisecond('UTC'), length: rows, data: ms }),
    )
    return new arrow.Table({
      date,
      open: prices(),
      high: prices(),
      low: prices(),
      close: prices(),
      volume: arrow.makeVector(new Float64Array(rows)),
    })
  }

  it('a Feather file whose lz4 buffers decompress past the limit is refused before they are (a 3.7 MB file took 174 s and 1.4 GB)', async () => {
    // 200,000 candles: 9.6 MB of buffers in lz4 frames of 1.2 MB. Written by another
    // process, so that this one's codec registry stays cascade's.
    const path = await tempAt('binance/ETH_USDT-1m.feather', new Uint8Array())
    const script = `
      import { readFileSync, writeFileSync } from 'node:fs'
      import * as arrow from 'apache-arrow'
      import lz4 from 'lz4-napi'
      arrow.compressionRegistry.set(arrow.CompressionType.LZ4_FRAME, {
        encode: (data) => lz4.compressFrameSync(Buffer.from(data.buffer, data.byteOffset, data.byteLength)),
        decode: () => { throw new Error('not here') },
      })
      const table = arrow.tableFromIPC(readFileSync(process.argv[1]))
      const writer = arrow.RecordBatchFileWriter.writeAll(table, { compressionType: arrow.CompressionType.LZ4_FRAME })
      writeFileSync(process.argv[2], writer.toUint8Array(true))`
    const plainIpc = `${path}.plain`
    await writeFile(plainIpc, arrow.tableToIPC(candleTable(200_000), 'file'))
    execFileSync(process.execPath, ['--input-type=module', '-e', script, plainIpc, path])
    // Under the 4 MiB limit as read, over it decoded.
    expect((await stat(path)).size).toBeLessThan(2 * 1024 * 1024)
    const previous = process.env.CASCADE_MAX_DOCUMENT_MB
    try {
      process.env.CASCADE_MAX_DOCUMENT_MB = '4'
      await expect(readAll([path])).rejects.toThrow(
        `${path}: its lz4-compressed buffers are more than 4 MiB decoded, the most cascade reads as one document`,
      )
      process.env.CASCADE_MAX_DOCUMENT_MB = '16'
      const read = await readAll([path])
      expect(read.inputs[0]!.rows).toBe(200_000)
    } finally {
      if (previous === undefined) delete process.env.CASCADE_MAX_DOCUMENT_MB
      else process.env.CASCADE_MAX_DOCUMENT_MB = previous
    }
  })

  it('a Feather record batch that claims 2^31 - 1 rows is refused (cascade counted them for good)', async () => {
    const rows = 12_345
    const bytes = Buffer.from(arrow.tableToIPC(candleTable(rows), 'file'))
    // The batch's length and each field node's length: the only int64s that are 12,345.
    const count = Buffer.alloc(8)
    count.writeBigInt64LE(BigInt(rows))
    let patched = 0
    for (let at = bytes.indexOf(count); at >= 0; at = bytes.indexOf(count, at + 8)) {
      bytes.writeBigInt64LE(2n ** 31n - 1n, at)
      patched++
    }
    expect(patched).toBe(7)
    const path = await tempAt('binance/ETH_USDT-1m.feather', bytes)
    await expect(readAll([path])).rejects.toThrow(
      `${path}: its 2,147,483,647 rows of 6 columns are more than 256 MiB at 8 bytes a cell, the most cascade reads as one document`,
    )
  })

  const candle = (minute: number, low = 100) => [Date.UTC(2021, 4, 19, 13, minute), 101, 102, low, 101.5, 3]

  it('a malformed candle is a counted bad row whose line is its position in the array', async () => {
    const items = [
      candle(0),
      'note',
      [Date.UTC(2021, 4, 19, 13, 1), 'abc', 1, 1, 1, 1],
      candle(2),
      null,
      candle(3),
    ]
    const path = await tempAt('binance/ETH_USDT-1m.json', JSON.stringify(items))
    const { inputs, events, badRows } = await readAll([path])
    expect(counts(inputs[0])).toEqual({ rows: 6, events: 3, duplicates: 0, badRows: 3, skipped: 0 })
    expect(events.map((e) => e.line)).toEqual([1, 4, 6])
    expect(badRows.map((b) => [b.line, b.code])).toEqual([
      [2, 'BAD_JSON'],
      [3, 'BAD_NUMBER'],
      [5, 'BAD_JSON'],
    ])
    expect(badRows[0]!.message).toBe('item 2: expected an array, got "note"')
    expect(badRows[0]!.file).toBe(path)
  })

  it('a candle earlier than the one before is OUT_OF_ORDER (freqtrade writes them sorted)', async () => {
    const path = await tempAt('binance/ETH_USDT-1m.json', JSON.stringify([candle(0), candle(2), candle(1)]))
    const { inputs, badRows } = await readAll([path])
    expect(counts(inputs[0])).toEqual({ rows: 3, events: 2, duplicates: 0, badRows: 1, skipped: 0 })
    expect(badRows.map((b) => [b.line, b.code])).toEqual([[3, 'OUT_OF_ORDER']])
  })

  it('a cut-off JSON file stops with the file named (exit 2), not a partial read', async () => {
    const path = await tempAt(
      'binance/ETH_USDT-1m.json',
      '[[1621429800000,1920.02,2000.0,1888.0,1981.07,17310.5',
    )
    const run = await cascade(['analyze', path, '--json'])
    expect(run.code).toBe(2)
    expect(run.stderr).toContain(`${path}: not valid JSON`)
    expect(run.stdout).toBe('')
  })

  it.each(['json', 'json.gz', 'feather', 'parquet'])(
    'a .%s document over the limit stops with the file and the way to raise it named',
    async (extension) => {
      const path = `${DIR}/ETH_USDT-1m.${extension}`
      const run = await cascade(['analyze', path, '--json'], { env: { CASCADE_MAX_DOCUMENT_MB: '0.001' } })
      expect(run.code).toBe(2)
      expect(run.stdout).toBe('')
      // One line: the limit counts the bytes as read (a gzip's decompressed).
      expect(run.stderr).toBe(
        `cascade: ${path}: more than 1,048 bytes, the most cascade reads as one document (JSON, Feather and Parquet files are read whole); split the file by time, convert it to CSV, or raise the limit with CASCADE_MAX_DOCUMENT_MB=1024\n`,
      )
    },
  )

  it('a JSON document of more rows than the limit allows at 8 bytes a cell is refused before it is parsed', async () => {
    // 30,000 empty arrays: 90 KB as read, 1.4 MB at 6 cells of 8 bytes (JSON.parse made 88 million
    // of them, 256 MiB, into 6.9 GB).
    const path = await tempAt('binance/ETH_USDT-1m.json', `[${Array(30_000).fill('[]').join(',')}]`)
    const run = await cascade(['analyze', path], { env: { CASCADE_MAX_DOCUMENT_MB: '1' } })
    expect(run.code).toBe(2)
    expect(run.stderr).toBe(
      `cascade: ${path}: its 30,000 rows of 6 columns are more than 1 MiB at 8 bytes a cell, the most cascade reads as one document (JSON, Feather and Parquet files are read whole); split the file by time, convert it to CSV, or raise the limit with CASCADE_MAX_DOCUMENT_MB=1024\n`,
    )
  })

  it('topLevelItems counts the items of any JSON array without parsing it', () => {
    fc.assert(
      fc.property(
        fc.array(fc.jsonValue({ maxDepth: 3 })),
        fc.constantFrom(undefined, 1, '\t'),
        (items, indent) => {
          expect(topLevelItems(Buffer.from(JSON.stringify(items, null, indent)))).toBe(items.length)
        },
      ),
    )
    expect(topLevelItems(Buffer.from(' [ ] '))).toBe(0)
    expect(topLevelItems(Buffer.from('[ "a,]\\"", [1,2], {"b": [3]} ]'))).toBe(3)
  })

  it('CASCADE_MAX_DOCUMENT_MB', () => {
    expect(maxDocumentBytes({})).toBe(256 * 1024 * 1024)
    expect(maxDocumentBytes({ CASCADE_MAX_DOCUMENT_MB: '1024' })).toBe(1024 * 1024 * 1024)
    expect(() => maxDocumentBytes({ CASCADE_MAX_DOCUMENT_MB: 'lots' })).toThrow(/expected a positive number/)
  })

  it('readWhole holds at most the limit', async () => {
    const { Readable } = await import('node:stream')
    const stream = Readable.from([Buffer.alloc(600), Buffer.alloc(600)])
    await expect(readWhole(stream, 'x.json', 1000)).rejects.toThrow(/^x\.json: more than/)
    expect((await readWhole(Readable.from([Buffer.alloc(600)]), 'x.json', 1000)).length).toBe(600)
  })

  it('property: any candles in any JSON spacing, with k items that are not candles, give n events and k bad rows at their positions', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cascade-freqtrade-prop-'))
    await mkdir(join(dir, 'binance'))
    let run = 0
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            open: fc.double({ min: 0.001, max: 1e6, noNaN: true }),
            low: fc.double({ min: 0.001, max: 1e6, noNaN: true }),
            volume: fc.double({ min: 0, max: 1e9, noNaN: true }),
          }),
          { minLength: 1, maxLength: 30 },
        ),
        fc.array(fc.oneof(fc.constant('x'), fc.constant(null), fc.constant({ t: 1 }), fc.integer()), {
          maxLength: 5,
        }),
        fc.array(fc.nat(), { maxLength: 5 }),
        fc.constantFrom(0, 2),
        async (candles, garbage, places, indent) => {
          const items: unknown[] = candles.map((c, i) => [
            Date.UTC(2021, 4, 19) + i * 60_000,
            c.open,
            Math.max(c.open, c.low),
            Math.min(c.open, c.low),
            c.low,
            c.volume,
          ])
          garbage.forEach((g, k) => {
            items.splice((places[k] ?? 0) % (items.length + 1), 0, g)
          })
          const path = join(dir, 'binance', `ETH_USDT-1m.json`)
          await writeFile(path, JSON.stringify(items, null, indent))
          run++
          const { inputs, events, badRows } = await readAll([path])
          const expectedLines = items.flatMap((item, i) => (Array.isArray(item) ? [i + 1] : []))
          expect(counts(inputs[0])).toEqual({
            rows: items.length,
            events: candles.length,
            duplicates: 0,
            badRows: garbage.length,
            skipped: 0,
          })
          expect(events.map((e) => e.line)).toEqual(expectedLines)
          expect(badRows.map((b) => b.code)).toEqual(garbage.map(() => 'BAD_JSON'))
          // As JSON has them (JSON writes -0 as 0).
          const written = JSON.parse(JSON.stringify(items)) as unknown[]
          expect(bars(events).map((e) => [e.ts, e.open, e.high, e.low, e.close, e.volume])).toEqual(
            written.filter((item) => Array.isArray(item)),
          )
        },
      ),
      { numRuns: 40 },
    )
    expect(run).toBeGreaterThan(0)
  })
})

describe('freqtrade: the real file', () => {
  itReal(
    'may2021/ETH_USDT-1m.json reads with no options: the 19 May low is 1,888.00 at 13:10',
    async () => {
      const path = realPath('may2021/ETH_USDT-1m.json')
      const run = await cascade(['analyze', path, '--json'])
      expect(run.code).toBe(0)
      const report = JSON.parse(run.stdout) as {
        inputs: { source: string; rows: number; badRows: number }[]
        markets: { market: string; low: number; series: string[] }[]
      }
      expect(report.inputs).toMatchObject([{ source: 'freqtrade', rows: 42_915, badRows: 0 }])
      expect(report.markets).toMatchObject([{ market: 'ETH', low: 1888, series: ['unknown:ETH-USDT'] }])
      // The bar that holds that low (the whole month's lowest).
      const { events } = await readAll([path])
      const lowest = bars(events).reduce((a, b) => (b.low! < a.low! ? b : a))
      expect(new Date(lowest.ts).toISOString()).toBe('2021-05-19T13:10:00.000Z')
      expect(lowest.low).toBe(1888)
    },
    60_000,
  )
})
