/**
 * ohlcv-json (CCXT-style [[time, open, high, low, close, volume], …]) through the real ingest path.
 * Fixture (fixtures/ohlcv-json/, scripts/make-freqtrade-fixtures.mjs): binance-ETHUSDT-1m-2021-05-19.json,
 * the 40 real ETH/USDT candles of fixtures/freqtrade/ as Python's json.dump writes them.
 */
import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { BarEvent } from '../../src/timeline/event.js'
import { cascade } from '../helpers/cli.js'
import { counts, plain, readAll } from '../helpers/ingest.js'

const FILE = 'fixtures/ohlcv-json/binance-ETHUSDT-1m-2021-05-19.json'
const FREQTRADE = 'fixtures/freqtrade/binance/ETH_USDT-1m.json'
const MARKET = { symbol: 'ETH/USDT', exchange: 'binance' }

async function temp(name: string, text: string): Promise<string> {
  const path = join(await mkdtemp(join(tmpdir(), 'cascade-ohlcv-json-')), name)
  await writeFile(path, text)
  return path
}

const minute = (m: number) => Date.UTC(2021, 4, 19, 13, m)

describe('ohlcv-json', () => {
  it('reads the candles with --symbol and --exchange: the same bars as the freqtrade file, length from the spacing', async () => {
    const { inputs, events } = await readAll([FILE], MARKET)
    expect(counts(inputs[0])).toEqual({ rows: 40, events: 40, duplicates: 0, badRows: 0, skipped: 0 })
    expect(inputs[0]!.source).toBe('ohlcv-json')
    expect(plain(events[20])).toMatchObject({
      ts: minute(10),
      exchange: 'binance',
      symbol: 'ETH/USDT',
      market: 'ETH-USDT',
      source: 'ohlcv-json',
      durationMs: 60_000,
      open: 1920.02,
      high: 2000,
      low: 1888,
      close: 1981.07,
      volume: 17310.58547,
    })
    const freqtrade = await readAll([FREQTRADE])
    const strip = (e: BarEvent) => ({ ...e, source: '' })
    expect(events.map((e) => strip(plain(e) as BarEvent))).toEqual(
      freqtrade.events.map((e) => strip(plain(e) as BarEvent)),
    )
  })

  it.each([
    ['BTC/USDT:USDT', 'BTC-USDT-PERP'],
    ['BTC/USD:BTC', 'BTC-USD-PERP'],
    ['BTC/USDT:USDT-240628', 'BTC-USDT-240628'],
    ['ETHUSDT', 'ETH-USDT'],
  ])('--symbol %s is market %s', async (symbol, market) => {
    const { inputs } = await readAll([FILE], { symbol, exchange: 'okx' })
    expect([...inputs[0]!.markets]).toEqual([market])
  })

  it('without --symbol or --exchange: exit 2, naming what is missing', async () => {
    const neither = await cascade(['analyze', FILE])
    expect(neither.code).toBe(2)
    expect(neither.stderr).toContain(
      `${FILE}: an OHLCV JSON file does not say its market: --symbol and --exchange needed`,
    )
    const noExchange = await cascade(['analyze', FILE, '--symbol', 'ETH/USDT'])
    expect(noExchange.code).toBe(2)
    expect(noExchange.stderr).toContain('does not say its market: --exchange needed')
    const both = await cascade(['analyze', FILE, '--symbol', 'ETH/USDT', '--exchange', 'binance', '--json'])
    expect(both.code).toBe(0)
    expect(JSON.parse(both.stdout).markets[0]).toMatchObject({ market: 'ETH', low: 1888 })
  })

  it('overlapping pages: rows sorted, repeated candles dropped and counted as duplicates', async () => {
    const c = (m: number) => [minute(m), 100 + m, 101 + m, 99 + m, 100.5 + m, 2]
    const pages = [c(0), c(1), c(2), c(1), c(2), c(3), c(5), c(4)]
    const { inputs, events } = await readAll([await temp('pages.json', JSON.stringify(pages))], MARKET)
    expect(counts(inputs[0])).toEqual({ rows: 8, events: 6, duplicates: 2, badRows: 0, skipped: 0 })
    expect(events.map((e) => e.ts)).toEqual([0, 1, 2, 3, 4, 5].map(minute))
    expect(new Set(events.map((e) => (e as BarEvent).durationMs))).toEqual(new Set([60_000]))
  })

  it("Binance's REST klines (12 fields, strings) are read by their first six; seconds are read as seconds", async () => {
    const rest = [
      [
        minute(0),
        '1920.02',
        '2000.00',
        '1888.00',
        '1981.07',
        '17310.58547',
        minute(1) - 1,
        '0',
        1,
        '0',
        '0',
        '0',
      ],
      [minute(5), '1981.07', '1990.00', '1950.00', '1960.00', '100.5', minute(6) - 1, '0', 1, '0', '0', '0'],
    ]
    const { events } = await readAll([await temp('ETHUSDT-klines.json', JSON.stringify(rest))], MARKET)
    expect(events.map(plain)).toMatchObject([
      { ts: minute(0), low: 1888, volume: 17310.58547, durationMs: 300_000 },
      { ts: minute(5), close: 1960 },
    ])
    const seconds = [
      [minute(0) / 1000, 1, 2, 0.5, 1.5, 10],
      [minute(1) / 1000, 1, 2, 0.5, 1.5, 10],
    ]
    const read = await readAll([await temp('s.json', JSON.stringify(seconds))], MARKET)
    expect(read.events.map((e) => [e.ts, (e as BarEvent).durationMs])).toEqual([
      [minute(0), 60_000],
      [minute(1), 60_000],
    ])
  })

  it('one candle: the length from an interval in the name, else a clear error', async () => {
    const one = JSON.stringify([[minute(0), 1, 2, 0.5, 1.5, 10]])
    const named = await readAll([await temp('eth_4h.json', one)], MARKET)
    expect((named.events[0] as BarEvent).durationMs).toBe(4 * 3_600_000)
    await expect(readAll([await temp('eth.json', one)], MARKET)).rejects.toThrow(
      /cannot tell the bucket length of this OHLCV file/,
    )
  })

  it('stdin: claimed by its content alone', async () => {
    const text = JSON.stringify([
      [minute(0), 1, 2, 0.5, 1.5, 10],
      [minute(1), 1, 2, 0.5, 1.5, 10],
    ])
    const run = await cascade(['timeline', '-', '--symbol', 'BTC/USDT:USDT', '--exchange', 'bybit'], {
      input: text,
    })
    expect(run.code).toBe(0)
    expect(
      run.stdout
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line)),
    ).toMatchObject([
      { market: 'BTC-USDT-PERP', exchange: 'bybit', source: 'ohlcv-json', durationMs: 60_000 },
      { ts: minute(1) },
    ])
  })

  it('sources --explain: the file name decides between freqtrade and ohlcv-json, and says so', async () => {
    const ccxt = await cascade(['sources', '--explain', FILE])
    expect(ccxt.stdout).toContain(
      'claimed by ohlcv-json: a JSON array of candles [[time, open, high, low, close, volume], …]',
    )
    expect(ccxt.stdout).toMatch(/ {4}freqtrade: needs a freqtrade file name PAIR-TIMEFRAME\[-TYPE\]\.EXT/)
    const freqtrade = await cascade(['sources', '--explain', FREQTRADE])
    expect(freqtrade.stdout).toContain(
      'claimed by freqtrade: freqtrade file name (ETH/USDT, 1m, spot) and a JSON array',
    )
    expect(freqtrade.stdout).toContain(
      "    ohlcv-json: a JSON array of candles, but the file name is freqtrade's (source freqtrade)",
    )
    const feather = await cascade(['sources', '--explain', 'fixtures/freqtrade/binance/ETH_USDT-1m.feather'])
    expect(feather.stdout).toContain('  content: Arrow IPC (Feather) file')
    expect(feather.stdout).toContain(
      'claimed by freqtrade: freqtrade file name (ETH/USDT, 1m, spot) and an Arrow',
    )
  })
})
