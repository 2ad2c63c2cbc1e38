import { describe, expect, it } from 'vitest'
import type { BarEvent } from '../../src/timeline/event.js'
import { counts, plain, readAll } from '../helpers/ingest.js'
import { itReal, realPath } from '../helpers/real.js'
import { tempFile as temp } from '../helpers/temp.js'

const FIXTURE = 'fixtures/coinalyze-open-interest/BTCUSDT_PERP.A_open-interest-history.csv'
const REAL = realPath('peers/BTCUSDT_PERP.A_open-interest-history.csv')

describe('coinalyze-open-interest', () => {
  it('reads the headerless CRLF layout: OI close in BTC, price fields null', async () => {
    const read = await readAll([FIXTURE])
    expect(read.inputs[0]!.source).toBe('coinalyze-open-interest')
    expect(counts(read.inputs[0])).toEqual({ rows: 10, events: 10, duplicates: 0, badRows: 0, skipped: 0 })
    // Line 3 `2024-08-05 12:00:00,80650.126,80745.031,78103.905,78288.822` → the level at the close.
    expect(plain(read.events[2])).toEqual({
      ts: Date.UTC(2024, 7, 5, 12),
      exchange: 'binance',
      symbol: 'BTCUSDT_PERP.A',
      market: 'BTC-USDT-PERP',
      kind: 'bar',
      source: 'coinalyze-open-interest',
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
      openInterest: 78288.822,
      openInterestUsd: null,
    })
    // 10:00 close 80183.619 → 16:00 close 75049.945: 5133.674 BTC less OI in six hours.
    const oi = (read.events as BarEvent[]).map((e) => e.openInterest!)
    expect(oi[0]! - oi[6]!).toBeCloseTo(5133.674, 6)
  })

  it('reads the t,o,h,l,c layout (seconds) and counts a bad cell', async () => {
    const path = await temp(
      'BTCUSDT.6_oi_5min.csv',
      't,o,h,l,c\n1789419600,50000,50100,49900,50050\n1789419900,50050,oops,50000,50010\n1789420200,50010,50020,49990,50000',
    )
    const read = await readAll([path])
    expect(counts(read.inputs[0])).toEqual({ rows: 3, events: 2, duplicates: 0, badRows: 1, skipped: 0 })
    expect(read.badRows.map((r) => [r.line, r.code])).toEqual([[3, 'BAD_NUMBER']])
    expect((read.events as BarEvent[]).map((e) => [e.ts, e.durationMs, e.exchange, e.openInterest])).toEqual([
      [1789419600000, 300_000, 'bybit', 50050],
      [1789420200000, 300_000, 'bybit', 50000],
    ])
  })

  it('claims a headerless OI file only when the name says so', async () => {
    const rows = '2024-08-05 12:00:00,1,2,0.5,1.5\r\n2024-08-05 13:00:00,1,2,0.5,1.5\r\n'
    await expect(readAll([await temp('BTCUSDT_PERP.A_history.csv', rows)])).rejects.toThrow(/unknown format/)
  })

  itReal('loads the real file: 1,465 consecutive hours, OI in BTC (tens of thousands)', async () => {
    const read = await readAll([REAL])
    expect(counts(read.inputs[0])).toEqual({
      rows: 1465,
      events: 1465,
      duplicates: 0,
      badRows: 0,
      skipped: 0,
    })
    const levels = (read.events as BarEvent[]).map((e) => e.openInterest!)
    expect(Math.min(...levels)).toBeGreaterThan(60_000)
    expect(Math.max(...levels)).toBeLessThan(100_000)
  })
})
