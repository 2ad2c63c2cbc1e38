/**
 * binance-funding (monthly fundingRate) through the real ingest path. Fixtures (fixtures/binance-funding/):
 * - BTCUSDT-fundingRate-2021-05.csv: the whole real file (shared/real/peers/, byte for byte), 93 rows, 8 h.
 * - AXSUSDT-fundingRate-2026-02.csv: the header and first 20 rows of the real file, a 4-hour symbol.
 */
import { describe, expect, it } from 'vitest'
import { counts, expectTimeOrdered, plain, readAll } from '../helpers/ingest.js'

const BTC = 'fixtures/binance-funding/BTCUSDT-fundingRate-2021-05.csv'
const AXS = 'fixtures/binance-funding/AXSUSDT-fundingRate-2026-02.csv'

describe('binance-funding', () => {
  it('BTCUSDT May 2021: 93 funding events every 8 hours', async () => {
    const { inputs, events } = await readAll([BTC])
    expect(counts(inputs[0])).toEqual({ rows: 93, events: 93, duplicates: 0, badRows: 0, skipped: 0 })
    expect(inputs[0]!.source).toBe('binance-funding')
    // 1619827200002,8,0.00011209 — 2 ms after 2021-05-01T00:00:00Z
    expect(plain(events[0])).toEqual({
      ts: 1619827200002,
      exchange: 'binance',
      symbol: 'BTCUSDT',
      market: 'BTC-USDT-PERP',
      kind: 'funding',
      source: 'binance-funding',
      fundingRate: 0.00011209,
      intervalHours: 8,
    })
    // last: 1622476800000,8,0.00010000 = 2021-05-31T16:00:00.000Z; 31 days × 3 = 93
    expect(plain(events[92])).toMatchObject({ ts: 1622476800000, fundingRate: 0.0001 })
    expect(new Date(events[92]!.ts).toISOString()).toBe('2021-05-31T16:00:00.000Z')
    expect(new Set(events.map((e) => (e.kind === 'funding' ? e.intervalHours : 0)))).toEqual(new Set([8]))
    expectTimeOrdered(events)
  })

  it('AXSUSDT: a 4-hour interval and negative rates', async () => {
    const { inputs, events } = await readAll([AXS])
    expect(counts(inputs[0])).toEqual({ rows: 20, events: 20, duplicates: 0, badRows: 0, skipped: 0 })
    expect([...inputs[0]!.markets]).toEqual(['AXS-USDT-PERP'])
    // 1769904000001,4,-0.00042943
    expect(plain(events[0])).toMatchObject({ ts: 1769904000001, fundingRate: -0.00042943, intervalHours: 4 })
    // 1770177600004,4,-0.00008507: 19 × 4 h = 273,600,000 ms after the first (± the few ms of calc_time)
    expect(events[19]!.ts - events[0]!.ts).toBe(19 * 4 * 3600_000 + 3)
  })
})
