import { describe, expect, it } from 'vitest'
import type { BarEvent } from '../../src/timeline/event.js'
import { counts, plain, readAll } from '../helpers/ingest.js'
import { tempFile as temp } from '../helpers/temp.js'

// No real CoinGlass OI CSV exists; the fixture is the API's `time,open,high,low,close` flattened
// to CSV, with the values of the real regime table's oi_* columns (CoinGlass, Binance BTCUSDT, USD).
const FIXTURE = 'fixtures/coinglass-open-interest/coinglass_BTCUSDT_open-interest_1h.csv'

describe('coinglass-open-interest', () => {
  it('turns OI candles into bars whose openInterestUsd is the close, leaving price fields null', async () => {
    const read = await readAll([FIXTURE])
    expect(read.inputs[0]!.source).toBe('coinglass-open-interest')
    expect(counts(read.inputs[0])).toEqual({ rows: 9, events: 9, duplicates: 0, badRows: 0, skipped: 0 })
    // Row `1770336000000,5829428132,5840987859,5448246232,5705318852` (2026-02-06 00:00 UTC):
    // the OHLC is open interest, so open/high/low/close of the bar (price) stay null.
    expect(plain(read.events.find((e) => e.ts === Date.UTC(2026, 1, 6)))).toEqual({
      ts: 1770336000000,
      exchange: 'coinglass',
      symbol: 'BTCUSDT',
      market: 'BTC-USDT-PERP',
      kind: 'bar',
      source: 'coinglass-open-interest',
      durationMs: 3_600_000,
      open: null,
      high: null,
      low: null,
      close: null,
      volume: null,
      volumeUsd: null,
      takerBuyUsd: null,
      trades: null,
      liqLongUsd: null,
      liqShortUsd: null,
      openInterest: null,
      openInterestUsd: 5705318852,
    })
  })

  it('names a coin-wide file BTC-USD-AGG and reads unit=coin output as base units', async () => {
    const text = 'time,open,high,low,close\n1770336000000,10,12,9,11\n1770350400000,11,11,8,8.5'
    const usd = (await readAll([await temp('coinglass_BTC_oi_4h.csv', text)])).events as BarEvent[]
    expect(usd.map((e) => [e.market, e.durationMs, e.openInterestUsd, e.openInterest])).toEqual([
      ['BTC-USD-AGG', 14_400_000, 11, null],
      ['BTC-USD-AGG', 14_400_000, 8.5, null],
    ])
    const coins = (await readAll([await temp('coinglass_BTC_open_interest_coin.csv', text)]))
      .events as BarEvent[]
    expect(coins.map((e) => [e.openInterestUsd, e.openInterest])).toEqual([
      [null, 11],
      [null, 8.5],
    ])
  })

  it('leaves a time,open,high,low,close file whose name does not say open interest to others', async () => {
    // A price file: the plain OHLCV source claims it, and asks for the market the name does not give.
    const path = await temp('coinglass_BTC_1h.csv', 'time,open,high,low,close\n1770336000000,1,2,0.5,1.5')
    await expect(readAll([path])).rejects.toThrow(/cannot tell the market of this OHLCV file/)
    expect((await readAll([path], { symbol: 'BTCUSDT' })).inputs[0]!.source).toBe('ohlcv-csv')
  })

  it('counts a broken OI cell as a bad row', async () => {
    const path = await temp(
      'coinglass_BTC_oi_1h.csv',
      'time,open,high,low,close\n1770336000000,1,2,x,1.5\n1770339600000,1,2,1,1.5',
    )
    const read = await readAll([path])
    expect(counts(read.inputs[0])).toEqual({ rows: 2, events: 1, duplicates: 0, badRows: 1, skipped: 0 })
    expect(read.badRows.map((r) => [r.line, r.code])).toEqual([[2, 'BAD_NUMBER']])
  })
})
