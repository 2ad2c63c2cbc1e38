import fc from 'fast-check'
import { beforeAll, describe, expect, it } from 'vitest'
import { peek } from '../../src/ingest/read.js'
import { explain } from '../../src/sources/index.js'
import { tradingViewName } from '../../src/sources/ohlcv-csv.js'
import type { BarEvent, Located } from '../../src/timeline/event.js'
import { cascade, ensureBuilt } from '../helpers/cli.js'
import { counts, expectTimeOrdered, plain, readAll as readWithStages } from '../helpers/ingest.js'
import { chunked } from '../helpers/read.js'
import { itReal, realPath } from '../helpers/real.js'
import { tempFile as temp } from '../helpers/temp.js'

/** The source as written: the suspect-print stage (tested in test/timeline/) is off here. */
const readAll: typeof readWithStages = (paths, options = {}) =>
  readWithStages(paths, { suspectJumpPct: null, ...options })

const DIR = 'fixtures/ohlcv-csv'
const CCXT = `${DIR}/binance_ETHUSDT_1m.csv` // timestamp,open,…: ms, floats as Python writes them
const TV_HOURLY = `${DIR}/BINANCE_ETHUSDT, 60.csv` // TradingView, unix seconds
const TV_ISO = `${DIR}/BINANCE_ETHUSDT, 1_4f9c2.csv` // TradingView, ISO times in the chart's zone (+02:00)
const KLINES = `${DIR}/binance-futures_BTCUSDT_1h.csv` // python-binance klines with a header
const MINUTE = 60_000
const H = 3_600_000

beforeAll(() => {
  ensureBuilt()
})

/** The source each format gives a text, probed as ingest probes it. */
async function claimedBy(name: string, text: string): Promise<string[]> {
  const { probe } = await peek(chunked([Buffer.from(text)]), name, name)
  return explain(probe)
    .filter((e) => e.verdict.claims)
    .map((e) => e.source.id)
}

describe('ohlcv-csv', () => {
  it('reads a CCXT script export: ms times, base volume, market from the name', async () => {
    const read = await readAll([CCXT])
    expect(read.inputs[0]!.source).toBe('ohlcv-csv')
    expect(counts(read.inputs[0])).toEqual({ rows: 20, events: 20, duplicates: 0, badRows: 0, skipped: 0 })
    // Line 2: 1621429200000,2365.18,2400.0,2220.84,2266.67,8973.72243
    expect(plain(read.events[0])).toEqual({
      ts: Date.UTC(2021, 4, 19, 13),
      exchange: 'binance',
      symbol: 'ETHUSDT',
      market: 'ETH-USDT',
      kind: 'bar',
      source: 'ohlcv-csv',
      durationMs: MINUTE,
      open: 2365.18,
      high: 2400,
      low: 2220.84,
      close: 2266.67,
      volume: 8973.72243,
      volumeUsd: null,
      takerBuyUsd: null,
      trades: null,
      liqLongUsd: null,
      liqShortUsd: null,
      openInterest: null,
      openInterestUsd: null,
    })
  })

  it('reads TradingView ISO times with their offset: the same bars as the CCXT file', async () => {
    const iso = await readAll([TV_ISO])
    const ccxt = await readAll([CCXT])
    // `2021-05-19T15:00:00+02:00` is 13:00 UTC: the 15 minutes 13:00–13:14 match row for row.
    expect(iso.events.map(plain)).toEqual(ccxt.events.slice(0, 15).map(plain))
  })

  it('reads TradingView unix seconds; exchange and symbol from its file name', async () => {
    const read = await readAll([TV_HOURLY])
    expect(counts(read.inputs[0])).toEqual({ rows: 24, events: 24, duplicates: 0, badRows: 0, skipped: 0 })
    const first = read.events[0] as Located<BarEvent>
    // Line 2: 1621382400,3375.08,3441.73,3349.31,3354.13,43950.24495
    expect([
      first.ts,
      first.exchange,
      first.market,
      first.durationMs,
      first.open,
      first.close,
      first.volume,
    ]).toEqual([Date.UTC(2021, 4, 19), 'binance', 'ETH-USDT', H, 3375.08, 3354.13, 43950.24495])
  })

  it('reads python-binance klines: bar length from the close time, quote and taker volume, trades', async () => {
    const read = await readAll([KLINES])
    expect(counts(read.inputs[0])).toEqual({ rows: 12, events: 12, duplicates: 0, badRows: 0, skipped: 0 })
    // Line 2: 1630454400000,47150.32,47392.56,46703.00,46795.29,19567.594,1630457999999,919909317.82485,
    //         161356,8685.382,408478431.06568,0 — USD-M futures rows, the name says futures.
    const first = read.events[0] as Located<BarEvent>
    expect([
      first.market,
      first.durationMs,
      first.low,
      first.volume,
      first.volumeUsd,
      first.takerBuyUsd,
      first.trades,
    ]).toEqual(['BTC-USDT-PERP', H, 46703, 19567.594, 919909317.82485, 408478431.06568, 161356])
  })

  it('needs --symbol when neither the name nor a column names the market; then --exchange, --market', async () => {
    const text =
      'timestamp,open,high,low,close,volume\n1621429200000,2365.18,2400.0,2220.84,2266.67,8973.72243\n1621429260000,2258.94,2300.0,2220.0,2237.37,7089.24867\n'
    const path = await temp('candles.csv', text)
    await expect(readAll([path])).rejects.toThrow(/candles.csv: cannot tell the market of this OHLCV file/)
    const run = await cascade(['timeline', path])
    expect(run.code).toBe(2)
    expect(run.stderr).toMatch(/^cascade: .*candles.csv: cannot tell the market.*; pass --symbol BTCUSDT/)
    expect(run.stderr.trimEnd().split('\n')).toHaveLength(1)
    const read = await readAll([path], { symbol: 'ETHUSDT', exchange: 'Bybit', market: 'ETH-USDT-PERP' })
    const bar = read.events[0] as Located<BarEvent>
    expect([bar.exchange, bar.symbol, bar.market, bar.durationMs]).toEqual([
      'bybit',
      'ETHUSDT',
      'ETH-USDT-PERP',
      MINUTE,
    ])
  })

  it('reads a symbol column row by row (CCXT perpetual notation too)', async () => {
    const path = await temp(
      'export.csv',
      'date,symbol,open,high,low,close,volume\n2021-05-19,BTC/USDT:USDT,42000,43000,30000,37000,5\n2021-05-19,ETH/USDT,3400,3450,1900,2500,7\n2021-05-20,BTC/USDT:USDT,37000,42000,35000,40000,4\n',
    )
    const read = await readAll([path])
    expect(read.events.map((e) => [e.symbol, e.market, (e as BarEvent).durationMs])).toEqual([
      ['BTCUSDT', 'BTC-USDT-PERP', 86_400_000],
      ['ETHUSDT', 'ETH-USDT', 86_400_000],
      ['BTCUSDT', 'BTC-USDT-PERP', 86_400_000],
    ])
  })

  it('puts a newest-first file in time order', async () => {
    const path = await temp(
      'BTCUSDT_1h.csv',
      'time,open,high,low,close,volume\n1621389600,3,3,3,3,1\n1621386000,2,2,2,2,1\n1621382400,1,1,1,1,1\n',
    )
    const read = await readAll([path])
    expect(read.events.map((e) => (e as BarEvent).close)).toEqual([1, 2, 3])
    expect(read.badRows).toEqual([])
  })

  it('counts bad rows: a price that is not a number, a close time before the open', async () => {
    const text = [
      'Open time,Open,High,Low,Close,Volume,Close time',
      '1630454400000,47150.32,47392.56,46703.00,46795.29,19567.594,1630457999999',
      '1630458000000,46795.30,46914.81,nan,46891.19,20017.452,1630461599999',
      '1630461600000,46891.18,47144.28,46770.00,46918.66,10301.107,1630461600000',
    ].join('\n')
    const read = await readAll([await temp('BTCUSDT-futures-1h.csv', text)])
    expect(read.badRows.map((r) => [r.line, r.code])).toEqual([
      [3, 'BAD_NUMBER'],
      [4, 'BAD_TIMESTAMP'],
    ])
  })

  it('leaves the headers of more specific formats to them', async () => {
    const klines =
      'open_time,open,high,low,close,volume,close_time,quote_volume,count,taker_buy_volume,taker_buy_quote_volume,ignore\n1722816000000,53812.4,53821.3,53798.2,53816.0,34448,1722816059999,64.01819746,2508,15846,29.44822216,0\n'
    expect(await claimedBy('BTCUSD_PERP-1m-2024-08-05.csv', klines)).toEqual(['binance-klines'])
    const oi = 'time,open,high,low,close\n1770314400000,6247808884,6283666507,6159259881,6249744735\n'
    expect(await claimedBy('coinglass_BTC_open-interest_1h.csv', oi)).toEqual(['coinglass-open-interest'])
    expect(await claimedBy('BTCUSDT_1h.csv', oi)).toEqual(['ohlcv-csv'])
    const table = 'timestamp,open,high,low,close,oi_close\n1770314400000,1,2,0.5,1.5,100\n'
    expect(await claimedBy('BTC_table_1h.csv', table)).toEqual(['wide-table'])
    const cdd =
      'unix,date,symbol,open,high,low,close,Volume ETH,Volume USDT,tradecount\n1623283200000,2021-06-10 00:00:00,ETH/USDT,1,2,0.5,1.5,1,1,1\n'
    expect(await claimedBy('Binance_ETHUSDT_1h.csv', cdd)).toEqual(['cryptodatadownload'])
    expect(await claimedBy('prices.csv', 'date,close\n2021-05-19,36742.3\n')).toEqual([])
  })

  it("reads TradingView's file names", () => {
    expect(tradingViewName('BINANCE_BTCUSDT, 60.csv')).toEqual({
      exchange: 'binance',
      symbol: 'BTCUSDT',
      intervalMs: H,
    })
    expect(tradingViewName('BINANCE_BTCUSDT, 240_fe0b8.csv')?.intervalMs).toBe(4 * H)
    expect(tradingViewName('BINANCE_BTCUSDT, 1D.csv')?.intervalMs).toBe(24 * H)
    expect(tradingViewName('BINANCE_BTCUSDT, 15 (9).csv')?.intervalMs).toBe(15 * MINUTE)
    expect(tradingViewName('BINANCE_BTCUSDT.P, 60.csv')?.symbol).toBe('BTCUSDT.P')
    expect(tradingViewName('CME_MINI_MNQ1!, 240.csv')).toMatchObject({
      exchange: 'cme_mini',
      symbol: 'MNQ1!',
    })
    expect(tradingViewName('BTCUSDT_1h.csv')).toBeNull()
  })

  it('property: any common header spelling, time style and order reads to the same bars', async () => {
    const spellings = {
      time: ['timestamp', 'time', 'Date', 'datetime', 'Open time', 'open_time', 'Timestamp'],
      open: ['open', 'Open', 'OPEN', 'open_price'],
      high: ['high', 'High', 'high_price'],
      low: ['low', 'Low', 'LOW'],
      close: ['close', 'Close', 'close_price'],
      volume: ['volume', 'Volume', 'vol', 'volume_base'],
    }
    const pick = (options: readonly string[]) => fc.constantFrom(...options)
    const styles = ['ms', 's', 'iso-z', 'iso-offset', 'plain'] as const
    const write = (ms: number, style: (typeof styles)[number]) => {
      if (style === 'ms') return String(ms)
      if (style === 's') return String(ms / 1000)
      if (style === 'iso-z') return new Date(ms).toISOString().replace('.000', '')
      if (style === 'plain') return new Date(ms).toISOString().slice(0, 19).replace('T', ' ')
      // UTC−05:00, as a chart set to New York writes it.
      return `${new Date(ms - 5 * H).toISOString().slice(0, 19)}-05:00`
    }
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          time: pick(spellings.time),
          open: pick(spellings.open),
          high: pick(spellings.high),
          low: pick(spellings.low),
          close: pick(spellings.close),
          volume: pick(spellings.volume),
        }),
        fc.constantFrom(...styles),
        fc.constantFrom(MINUTE, 5 * MINUTE, H, 24 * H),
        fc.integer({ min: 2, max: 30 }),
        fc.boolean(),
        fc.boolean(),
        async (names, style, step, n, newestFirst, extraColumn) => {
          const start = Date.UTC(2021, 4, 19)
          const bars = Array.from({ length: n }, (_, i) => ({
            ts: start + i * step,
            close: 100 + i,
            volume: i / 4,
          }))
          const header = [names.time, names.open, names.high, names.low, names.close, names.volume]
          if (extraColumn) header.push('RSI')
          const rows = (newestFirst ? [...bars].reverse() : bars).map((b) => {
            const cells = [write(b.ts, style), b.close - 1, b.close + 1, b.close - 2, b.close, b.volume].map(
              String,
            )
            if (extraColumn) cells.push('NaN')
            return cells.join(',')
          })
          const path = await temp('binance_BTCUSDT.csv', `${header.join(',')}\n${rows.join('\n')}\n`)
          const read = await readAll([path])
          expectTimeOrdered(read.events)
          expect(read.badRows).toEqual([])
          expect(
            read.events.map((e) => {
              const bar = e as BarEvent
              return { ts: bar.ts, close: bar.close, volume: bar.volume, durationMs: bar.durationMs }
            }),
          ).toEqual(bars.map((b) => ({ ...b, durationMs: step })))
        },
      ),
      { numRuns: 40 },
    )
  })

  itReal('reads the real ETHUSDT 1-minute CSV of 19 May 2021 (open_time_ms,…,volume_base)', async () => {
    const read = await readAll([realPath('may2021/ETHUSDT-spot-1m-2021-05-19.csv')], { exchange: 'binance' })
    expect(counts(read.inputs[0])).toEqual({
      rows: 1440,
      events: 1440,
      duplicates: 0,
      badRows: 0,
      skipped: 0,
    })
    // The day's low, 1,888.00 at 13:10 (SOURCES.md).
    const lowest = read.events.reduce((a, b) =>
      (b as BarEvent).low! < (a as BarEvent).low! ? b : a,
    ) as BarEvent
    expect([new Date(lowest.ts).toISOString(), lowest.low]).toEqual(['2021-05-19T13:10:00.000Z', 1888])
  })
})
