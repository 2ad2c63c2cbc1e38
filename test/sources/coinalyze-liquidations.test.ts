import { describe, expect, it } from 'vitest'
import { coinalyzeSeries, coinalyzeSymbolFromName } from '../../src/sources/coinalyze-liquidations.js'
import type { BarEvent } from '../../src/timeline/event.js'
import { counts, plain, readAll } from '../helpers/ingest.js'
import { itReal, realPath } from '../helpers/real.js'
import { tempFile as temp } from '../helpers/temp.js'

const DIR = 'fixtures/coinalyze-liquidations'
const REAL = realPath('peers/BTCUSDT_PERP.A_liquidation-history.csv')

describe('coinalyze symbols', () => {
  it('reads the exchange from the suffix and the canonical market from the rest', () => {
    expect(coinalyzeSeries('BTCUSDT_PERP.A')).toEqual({
      symbol: 'BTCUSDT_PERP.A',
      exchange: 'binance',
      market: 'BTC-USDT-PERP',
    })
    expect(coinalyzeSeries('BTCUSD_PERP.A')).toMatchObject({ exchange: 'binance', market: 'BTC-USD-PERP' })
    expect(coinalyzeSeries('BTCUSDT.6')).toMatchObject({ exchange: 'bybit', market: 'BTC-USDT-PERP' })
    expect(coinalyzeSeries('BTCUSDT_PERP.3')).toMatchObject({ exchange: 'okx', market: 'BTC-USDT-PERP' })
    expect(coinalyzeSeries('BTC-PERPETUAL.2')).toMatchObject({ exchange: 'deribit', market: 'BTC-USD-PERP' })
    expect(coinalyzeSeries('BTC_USDC-PERPETUAL.2')).toMatchObject({
      exchange: 'deribit',
      market: 'BTC-USDC-PERP',
    })
    expect(coinalyzeSeries('BTCUSD_PERP.0')).toMatchObject({ exchange: 'bitmex', market: 'BTC-USD-PERP' })
    expect(coinalyzeSeries('BTC_USDT.Y')).toMatchObject({ exchange: 'gateio', market: 'BTC-USDT-PERP' })
    expect(coinalyzeSeries('BTCUSDT_240628.A')).toMatchObject({
      exchange: 'binance',
      market: 'BTC-USDT-240628',
    })
    expect(coinalyzeSeries('BTCUSDT.Z')).toMatch(/exchange code \.Z/)
    expect(coinalyzeSeries('BTCUSDT.Z', 'Kucoin')).toMatchObject({
      exchange: 'kucoin',
      market: 'BTC-USDT-PERP',
    })
  })

  it('finds the symbol at the start of a file name', () => {
    expect(coinalyzeSymbolFromName('BTCUSDT_PERP.A_liquidation-history.csv')).toBe('BTCUSDT_PERP.A')
    expect(coinalyzeSymbolFromName('BTCUSDT_PERP.3_1min.csv')).toBe('BTCUSDT_PERP.3')
    expect(coinalyzeSymbolFromName('BTC_USDC-PERPETUAL.2.csv')).toBe('BTC_USDC-PERPETUAL.2')
    expect(coinalyzeSymbolFromName('BTCUSDT-1m-2026-02.csv')).toBeNull()
  })
})

describe('coinalyze-liquidations', () => {
  it('reads the headerless CRLF layout: base-unit liquidations, times as UTC, repeated rows dropped', async () => {
    const read = await readAll([`${DIR}/BTCUSDT_PERP.A_liquidation-history.csv`])
    expect(read.inputs[0]!.source).toBe('coinalyze-liquidations')
    // 13 lines: 18:00 three times and 00:00 twice (the writer's gap filler) → 10 events + 3 duplicates.
    expect(counts(read.inputs[0])).toEqual({ rows: 13, events: 10, duplicates: 3, badRows: 0, skipped: 0 })
    // Line 1 `2024-06-22 14:00:00,0.165,0.034999999999999996`; hours 16, 17 and 23 are missing,
    // so the hourly bucket comes from the smallest step.
    expect(plain(read.events[0])).toEqual({
      ts: Date.UTC(2024, 5, 22, 14),
      exchange: 'binance',
      symbol: 'BTCUSDT_PERP.A',
      market: 'BTC-USDT-PERP',
      kind: 'bar',
      source: 'coinalyze-liquidations',
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
      openInterestUsd: null,
      liqLongBase: 0.165,
      liqShortBase: 0.034999999999999996,
    })
    expect(read.events.map((e) => new Date(e.ts).toISOString().slice(11, 13))).toEqual([
      '14',
      '15',
      '18',
      '19',
      '20',
      '21',
      '22',
      '00',
      '01',
      '02',
    ])
  })

  it('reads the t,l,s layout (seconds) and takes a one-row bucket from the name', async () => {
    const read = await readAll([`${DIR}/BTCUSDT_PERP.3_1min.csv`])
    const [bar] = read.events as BarEvent[]
    // `1789419660,0.6073999999999999,0`: t in seconds → 1789419660000 ms; `_1min` → 60,000 ms.
    expect(bar).toMatchObject({
      ts: 1789419660000,
      exchange: 'okx',
      market: 'BTC-USDT-PERP',
      durationMs: 60_000,
      liqLongBase: 0.6073999999999999,
      liqShortBase: 0,
      liqLongUsd: null,
    })
  })

  it('counts bad rows and refuses a symbol whose exchange it cannot tell', async () => {
    const good = await temp(
      'ETHUSDT.6_liq.csv',
      't,l,s\n1789419600,1,2\n1789419660,-1,0\n1789419720,1\n1789419780,0,x',
    )
    const read = await readAll([good])
    expect(counts(read.inputs[0])).toEqual({ rows: 4, events: 1, duplicates: 0, badRows: 3, skipped: 0 })
    expect(read.badRows.map((r) => [r.line, r.code])).toEqual([
      [3, 'BAD_NUMBER'],
      [4, 'FIELD_COUNT'],
      [5, 'BAD_NUMBER'],
    ])
    expect(read.events[0]).toMatchObject({ exchange: 'bybit', market: 'ETH-USDT-PERP' })
    const unknown = await temp('BTCUSDT.Q_liq.csv', 't,l,s\n1789419600,1,2\n1789419660,1,0')
    await expect(readAll([unknown])).rejects.toThrow(/exchange code \.Q/)
    await expect(readAll([await temp('liq.csv', 't,l,s\n1789419600,1,2\n1789419660,1,0')])).rejects.toThrow(
      /cannot tell the symbol/,
    )
  })

  itReal('loads the real Binance file: 19 repeated rows dropped, the 2024-08-05 crash hour', async () => {
    const read = await readAll([REAL])
    expect(counts(read.inputs[0])).toEqual({
      rows: 1465,
      events: 1446,
      duplicates: 19,
      badRows: 0,
      skipped: 0,
    })
    // Line `2024-08-05 18:00:00,191.30799999999994,20.526000000000007` (writer's local time, read as UTC).
    const crash = read.events.find((e) => e.ts === Date.UTC(2024, 7, 5, 18)) as BarEvent
    expect(crash.liqLongBase).toBe(191.30799999999994)
    expect(crash.liqShortBase).toBe(20.526000000000007)
  })
})
