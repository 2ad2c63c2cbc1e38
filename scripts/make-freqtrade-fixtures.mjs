#!/usr/bin/env node
/**
 * Writes fixtures/freqtrade/ and fixtures/ohlcv-json/ from real files of ../shared/real (or
 * CASCADE_REAL_DATA). The same inputs always give the same bytes; the outputs are committed.
 *
 *   node scripts/make-freqtrade-fixtures.mjs
 *
 * - binance/ETH_USDT-1m.json: 40 candles of the real freqtrade file may2021/ETH_USDT-1m.json,
 *   2021-05-19 12:50 → 13:29 UTC (the 1,888.00 low at 13:10), cut from its text byte for byte.
 * - binance/ETH_USDT-1m.json.gz, .feather, .parquet: the same candles the ways freqtrade writes
 *   them: gzip; Feather v2 with every buffer lz4-frame compressed (pandas.to_feather(compression=
 *   "lz4"), here apache-arrow with lz4-napi as the codec), date a UTC nanosecond timestamp; Parquet
 *   with snappy (pandas' default), here written by DuckDB, date a UTC microsecond timestamp.
 * - binance/futures/BTC_USDT_USDT-1h-futures.feather: 24 hours of the real Binance USD-M klines
 *   BTCUSDT-1h-2021-09.csv, 2021-09-07 (the crash from 52,000 to 42,088), as freqtrade stores them.
 * - binance/futures/BTC_USDT_USDT-1h-mark.json: the same hours standing in for mark prices (no real
 *   mark candles are at hand), volume 0 as Binance's mark klines have.
 * - binance/futures/BTC_USDT_USDT-8h-funding_rate.json: the first 12 rates of the real Binance
 *   file peers/BTCUSDT-fundingRate-2021-05.csv in freqtrade's older layout [date, rate, 0, 0, 0, 0],
 *   the date on the 8-hour boundary; .feather and .parquet: the newer [date, funding_rate] (the
 *   Parquet date a nanosecond timestamp, as pyarrow ≥ 13 writes).
 * - fixtures/ohlcv-json/binance-ETHUSDT-1m-2021-05-19.json: the 40 ETH candles as Python's
 *   json.dump(exchange.fetch_ohlcv(…)) writes them (", " between items).
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'
import { DuckDBInstance } from '@duckdb/node-api'
import * as arrow from 'apache-arrow'
import lz4 from 'lz4-napi'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const REAL = resolve(process.env.CASCADE_REAL_DATA ?? join(ROOT, '..', 'shared', 'real'))
const OUT = join(ROOT, 'fixtures', 'freqtrade', 'binance')
const FUTURES = join(OUT, 'futures')
const CCXT = join(ROOT, 'fixtures', 'ohlcv-json')

const ETH_FROM = Date.UTC(2021, 4, 19, 12, 50)
const ETH_TO = Date.UTC(2021, 4, 19, 13, 30) // exclusive: 40 candles
const BTC_FROM = Date.UTC(2021, 8, 7, 0)
const BTC_TO = Date.UTC(2021, 8, 8, 0) // 24 hours
const FUNDING_ROWS = 12
const EIGHT_HOURS = 8 * 3_600_000

arrow.compressionRegistry.set(arrow.CompressionType.LZ4_FRAME, {
  encode: (data) => lz4.compressFrameSync(Buffer.from(data.buffer, data.byteOffset, data.byteLength)),
  decode: (data) => lz4.decompressFrameSync(Buffer.from(data.buffer, data.byteOffset, data.byteLength)),
})

/** The candles of the freqtrade JSON text in [from, to), as the exact text and as numbers. */
function cutFreqtradeJson(text, from, to) {
  const items = [...text.matchAll(/\[(\d+),[^\]]*\]/g)]
  const kept = items.filter((m) => Number(m[1]) >= from && Number(m[1]) < to)
  return { text: `[${kept.map((m) => m[0]).join(',')}]`, candles: kept.map((m) => JSON.parse(m[0])) }
}

/** pandas' to_json writes floats with a `.0` when whole; epoch ms stay integers. */
const pandasNumber = (x) => (Number.isInteger(x) ? `${x}.0` : String(x))
const freqtradeJson = (rows) =>
  `[${rows.map(([t, ...v]) => `[${t},${v.map(pandasNumber).join(',')}]`).join(',')}]`

function timestamps(ms, unit) {
  const type = unit === 'ns' ? new arrow.TimestampNanosecond('UTC') : new arrow.TimestampMillisecond('UTC')
  const scale = unit === 'ns' ? 1_000_000n : 1n
  const data = BigInt64Array.from(ms.map((t) => BigInt(t) * scale))
  return arrow.makeVector(arrow.makeData({ type, length: ms.length, data }))
}

/** Feather v2 (an Arrow IPC file), every buffer an lz4 frame, as pandas.to_feather(compression="lz4"). */
function writeFeather(path, columns) {
  const table = new arrow.Table(columns)
  const writer = arrow.RecordBatchFileWriter.writeAll(table, {
    compressionType: arrow.CompressionType.LZ4_FRAME,
  })
  writeFileSync(path, writer.toUint8Array(true))
}

const float64 = (values) => arrow.vectorFromArray(values, new arrow.Float64())

function candleColumns(rows) {
  return {
    date: timestamps(
      rows.map((r) => r[0]),
      'ns',
    ),
    open: float64(rows.map((r) => r[1])),
    high: float64(rows.map((r) => r[2])),
    low: float64(rows.map((r) => r[3])),
    close: float64(rows.map((r) => r[4])),
    volume: float64(rows.map((r) => r[5])),
  }
}

async function duckdb(sql) {
  const instance = await DuckDBInstance.create(':memory:', { threads: '1' })
  const connection = await instance.connect()
  try {
    await connection.run(sql)
  } finally {
    connection.closeSync()
    instance.closeSync()
  }
}

const sqlValues = (rows) => rows.map((r) => `(${r.join(', ')})`).join(',\n')

async function main() {
  rmSync(join(ROOT, 'fixtures', 'freqtrade'), { recursive: true, force: true })
  rmSync(CCXT, { recursive: true, force: true })
  mkdirSync(FUTURES, { recursive: true })
  mkdirSync(CCXT, { recursive: true })

  // Spot ETH/USDT, 1m: JSON cut byte for byte, then .json.gz, .feather and .parquet of the same candles.
  const eth = cutFreqtradeJson(
    readFileSync(join(REAL, 'may2021', 'ETH_USDT-1m.json'), 'utf8'),
    ETH_FROM,
    ETH_TO,
  )
  if (eth.candles.length !== 40) throw new Error(`expected 40 ETH candles, got ${eth.candles.length}`)
  writeFileSync(join(OUT, 'ETH_USDT-1m.json'), eth.text)
  writeFileSync(join(OUT, 'ETH_USDT-1m.json.gz'), gzipSync(eth.text, { level: 9 }))
  writeFeather(join(OUT, 'ETH_USDT-1m.feather'), candleColumns(eth.candles))
  await duckdb(`
    CREATE TABLE candles (ms BIGINT, open DOUBLE, high DOUBLE, low DOUBLE, close DOUBLE, volume DOUBLE);
    INSERT INTO candles VALUES ${sqlValues(eth.candles)};
    COPY (SELECT make_timestamptz(ms * 1000) AS date, open, high, low, close, volume FROM candles ORDER BY ms)
      TO '${join(OUT, 'ETH_USDT-1m.parquet')}' (FORMAT parquet, COMPRESSION snappy);
  `)
  writeFileSync(
    join(CCXT, 'binance-ETHUSDT-1m-2021-05-19.json'),
    `[${eth.candles.map((c) => `[${c[0]}, ${c.slice(1).map(pandasNumber).join(', ')}]`).join(', ')}]`,
  )

  // USD-M BTC/USDT:USDT, 1h, from the real klines CSV (open_time, open, high, low, close, volume, …).
  const klines = readFileSync(join(REAL, 'BTCUSDT-1h-2021-09.csv'), 'utf8')
    .split('\n')
    .filter((line) => /^\d/.test(line))
    .map((line) => line.split(',').slice(0, 6).map(Number))
    .filter((r) => r[0] >= BTC_FROM && r[0] < BTC_TO)
  if (klines.length !== 24) throw new Error(`expected 24 BTC hours, got ${klines.length}`)
  writeFeather(join(FUTURES, 'BTC_USDT_USDT-1h-futures.feather'), candleColumns(klines))
  writeFileSync(
    join(FUTURES, 'BTC_USDT_USDT-1h-mark.json'),
    freqtradeJson(klines.map(([t, o, h, l, c]) => [t, o, h, l, c, 0])),
  )

  // Funding, 8h: calc_time,funding_interval_hours,last_funding_rate → the 8-hour boundary and the rate.
  const funding = readFileSync(join(REAL, 'peers', 'BTCUSDT-fundingRate-2021-05.csv'), 'utf8')
    .split('\n')
    .filter((line) => /^\d/.test(line))
    .slice(0, FUNDING_ROWS)
    .map((line) => {
      const [calc, , rate] = line.split(',')
      return [Math.floor(Number(calc) / EIGHT_HOURS) * EIGHT_HOURS, Number(rate)]
    })
  writeFileSync(
    join(FUTURES, 'BTC_USDT_USDT-8h-funding_rate.json'),
    freqtradeJson(funding.map(([t, rate]) => [t, rate, 0, 0, 0, 0])),
  )
  writeFeather(join(FUTURES, 'BTC_USDT_USDT-8h-funding_rate.feather'), {
    date: timestamps(
      funding.map((f) => f[0]),
      'ns',
    ),
    funding_rate: float64(funding.map((f) => f[1])),
  })
  await duckdb(`
    CREATE TABLE funding (ms BIGINT, funding_rate DOUBLE);
    INSERT INTO funding VALUES ${sqlValues(funding)};
    COPY (SELECT make_timestamp(ms * 1000)::TIMESTAMP_NS AS date, funding_rate FROM funding ORDER BY ms)
      TO '${join(FUTURES, 'BTC_USDT_USDT-8h-funding_rate.parquet')}' (FORMAT parquet, COMPRESSION snappy);
  `)
  process.stdout.write(`wrote fixtures/freqtrade/ and fixtures/ohlcv-json/ from ${REAL}\n`)
}

await main()
