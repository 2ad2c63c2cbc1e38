/**
 * binance-metrics through the real ingest path. Fixtures (fixtures/binance-metrics/):
 * - BTCUSDT-metrics-2021-05-19.csv: no header, every row twice (files until 2021-05-20), rows out of
 *   time order, ratios at full float precision; 13 five-minute slots 12:00–13:00, 26 rows.
 * - BTCUSDT-metrics-2026-09-12.csv: header, 8-decimal ratios, out of order; the 00:05:00 row is real.
 * - fixtures/bad/BTCUSDT-metrics-2021-05-20.csv: like the 2021 file with one row cut short at line 4.
 */
import { describe, expect, it } from 'vitest'
import { counts, expectTimeOrdered, plain, readAll } from '../helpers/ingest.js'

const DIR = 'fixtures/binance-metrics'
const DOUBLED = `${DIR}/BTCUSDT-metrics-2021-05-19.csv`
const HEADER = `${DIR}/BTCUSDT-metrics-2026-09-12.csv`
const BAD = 'fixtures/bad/BTCUSDT-metrics-2021-05-20.csv'
const FIVE_MINUTES = 5 * 60_000

describe('binance-metrics', () => {
  it('2021 file: no header, doubled and unordered rows give 13 sorted levels and 13 duplicates', async () => {
    const { inputs, events } = await readAll([DOUBLED])
    // The first line is data, not a header: all 26 rows are read.
    expect(counts(inputs[0])).toEqual({ rows: 26, events: 13, duplicates: 13, badRows: 0, skipped: 0 })
    expect(inputs[0]!.source).toBe('binance-metrics')
    expect([...inputs[0]!.markets]).toEqual(['BTC-USDT-PERP'])
    // Sorted: 12:00, 12:05, … 13:00 UTC (2021-05-19 12:00:00 UTC = 1621425600000).
    expect(events.map((e) => e.ts)).toEqual(
      Array.from({ length: 13 }, (_, i) => 1621425600000 + i * FIVE_MINUTES),
    )
    expectTimeOrdered(events)
    // 2021-05-19 12:00:00,BTCUSDT,86506.3598200000000000,3330217167.6549778000000000,… (lines 1 and 2)
    expect(plain(events[0])).toEqual({
      ts: 1621425600000,
      exchange: 'binance',
      symbol: 'BTCUSDT',
      market: 'BTC-USDT-PERP',
      kind: 'open_interest',
      source: 'binance-metrics',
      openInterest: 86506.35982,
      openInterestUsd: 3330217167.6549778,
    })
    expect(events[0]!.line).toBe(1) // the first copy is kept
    // 2021-05-19 12:05:00 is on lines 5 and 6 (after 12:00 ×2 and 12:15 ×2)
    expect(plain(events[1])).toMatchObject({
      ts: 1621425900000,
      openInterest: 86454.75674,
      openInterestUsd: 3253324484.3861938,
    })
    expect(events[1]!.line).toBe(5)
    // 13:00: 85968.16605 BTC, 2792721437.2622565 USD — about 32,486 USD per BTC
    expect(plain(events[12])).toMatchObject({
      openInterest: 85968.16605,
      openInterestUsd: Number('2792721437.2622565'), // the file's digits, nearest double
    })
  })

  it('2026 file with header: the real row, OI in base (BTC) and USD', async () => {
    const { inputs, events } = await readAll([HEADER])
    expect(counts(inputs[0])).toEqual({ rows: 13, events: 13, duplicates: 0, badRows: 0, skipped: 0 })
    // 2026-09-12 00:00:00 UTC = 1789171200000; rows 00:00 … 01:00 sorted though written out of order
    expect(events.map((e) => e.ts)).toEqual(
      Array.from({ length: 13 }, (_, i) => 1789171200000 + i * FIVE_MINUTES),
    )
    // 2026-09-12 00:05:00,BTCUSDT,103453.1500000000000000,7992877899.3611860000000000,… on line 2
    expect(plain(events[1])).toEqual({
      ts: 1789171500000,
      exchange: 'binance',
      symbol: 'BTCUSDT',
      market: 'BTC-USDT-PERP',
      kind: 'open_interest',
      source: 'binance-metrics',
      openInterest: 103453.15,
      openInterestUsd: 7992877899.361186,
    })
    expect(events[1]!.line).toBe(2)
    // 00:00:00 is written on line 3, after 00:05:00
    expect(events[0]!.line).toBe(3)
  })

  it('a bad row is counted with its line; its neighbours still de-duplicate', async () => {
    const { inputs, events, badRows } = await readAll([BAD])
    // 7 rows: 00:05 ×2, 00:00, bad (line 4), 00:00, 00:10 ×2
    expect(counts(inputs[0])).toEqual({ rows: 7, events: 3, duplicates: 3, badRows: 1, skipped: 0 })
    expect(badRows).toEqual([
      { file: BAD, line: 4, code: 'FIELD_COUNT', message: 'expected 8 fields, got 3' },
    ])
    expect(events.map((e) => new Date(e.ts).toISOString())).toEqual([
      '2021-05-20T00:00:00.000Z',
      '2021-05-20T00:05:00.000Z',
      '2021-05-20T00:10:00.000Z',
    ])
  })

  it('a sort window too small for the disorder gives OUT_OF_ORDER bad rows, never silent drops', async () => {
    const { inputs, events, badRows } = await readAll([DOUBLED], { sortWindow: 1 })
    // Slots in file order (0 = 12:00 … 12 = 13:00), each twice: 0 3 1 2 5 4 6 9 7 8 11 10 12.
    // A 1-event window releases its oldest on every push: after 0 0 3 3 the latest released is 12:15,
    // so both copies of 1, 2, 4, 7, 8 and 10 arrive late (12 rows); 0 3 5 6 9 11 12 pass, each twice.
    expect(counts(inputs[0])).toEqual({ rows: 26, events: 7, duplicates: 7, badRows: 12, skipped: 0 })
    expect(events.map((e) => new Date(e.ts).toISOString().slice(11, 16))).toEqual([
      '12:00',
      '12:15',
      '12:25',
      '12:30',
      '12:45',
      '12:55',
      '13:00',
    ])
    expect(badRows.map((r) => r.line)).toEqual([5, 6, 7, 8, 11, 12, 17, 18, 19, 20, 23, 24])
    expect(new Set(badRows.map((r) => r.code))).toEqual(new Set(['OUT_OF_ORDER']))
    expect(badRows[0]!.message).toContain('--sort-window 1')
  })
})
