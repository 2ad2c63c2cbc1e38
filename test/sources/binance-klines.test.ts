/**
 * binance-klines through the real ingest path. Fixtures (fixtures/binance-klines/):
 * - LTCUSDT-1m-2026-02.csv: a slice of the real USD-M monthly file (shared/real/LTCUSDT-1m-2026-02.csv),
 *   header kept, 2026-02-06 00:10–00:30 UTC (the crash low, 45.00 at 00:20); 21 rows.
 * - ADABTC-1m-2021-11-27.csv: the first 20 rows of the real spot file (shared/real/peers/), no header,
 *   quote BTC — so no USD figures.
 * - BTCUSDT-1m-2025-10-10.csv.gz: spot, µs open/close times (2025+), no header, gzip; 10 rows.
 * - BTCUSD_PERP-1m-2024-08-05.csv: COIN-M with header: volume in 100-USD contracts, column 8 the base
 *   volume despite its name `quote_volume` (binance-public-data #267); 10 rows.
 */
import { describe, expect, it } from 'vitest'
import { counts, expectTimeOrdered, plain, readAll } from '../helpers/ingest.js'

const DIR = 'fixtures/binance-klines'
const LTC = `${DIR}/LTCUSDT-1m-2026-02.csv`
const ADA = `${DIR}/ADABTC-1m-2021-11-27.csv`
const SPOT_GZ = `${DIR}/BTCUSDT-1m-2025-10-10.csv.gz`
const CM = `${DIR}/BTCUSD_PERP-1m-2024-08-05.csv`
const clean = (rows: number) => ({ rows, events: rows, duplicates: 0, badRows: 0, skipped: 0 })
const noAggregator = { liqLongUsd: null, liqShortUsd: null, openInterest: null, openInterestUsd: null }

describe('binance-klines', () => {
  it('USD-M with header (real slice): a 1-minute bar per row', async () => {
    const { inputs, events } = await readAll([LTC])
    expect(counts(inputs[0])).toEqual(clean(21))
    expect(inputs[0]!.source).toBe('binance-klines')
    expect([...inputs[0]!.markets]).toEqual(['LTC-USDT-PERP'])
    // 1770336600000,49.85,50.05,49.48,49.60,22845.124,1770336659999,1135388.16759,3745,9736.037,484072.80363,0
    // close_time − open_time = 59,999 ms → a 60,000 ms bar; quote volume and taker-buy quote are USDT.
    expect(plain(events[0])).toEqual({
      ts: 1770336600000,
      exchange: 'binance',
      symbol: 'LTCUSDT',
      market: 'LTC-USDT-PERP',
      kind: 'bar',
      source: 'binance-klines',
      durationMs: 60000,
      open: 49.85,
      high: 50.05,
      low: 49.48,
      close: 49.6,
      volume: 22845.124,
      volumeUsd: 1135388.16759,
      takerBuyUsd: 484072.80363,
      trades: 3745,
      ...noAggregator,
    })
    // The crash minute, 2026-02-06 00:20 UTC: 1770337200000,45.25,45.80,45.00,45.55,…
    const low = events.find((e) => e.ts === 1770337200000)
    expect(plain(low)).toMatchObject({ low: 45, high: 45.8, trades: 9672 })
    expect(Math.min(...events.map((e) => (e.kind === 'bar' ? e.low! : Number.NaN)))).toBe(45)
    expect(events.map((e) => e.ts)).toEqual(Array.from({ length: 21 }, (_, i) => 1770336600000 + i * 60000))
  })

  it('spot ADABTC (no header, ms): quoted in BTC, so the USD fields are null', async () => {
    const { inputs, events } = await readAll([ADA])
    expect(counts(inputs[0])).toEqual(clean(20))
    expect([...inputs[0]!.markets]).toEqual(['ADA-BTC'])
    // 1637971200000,0.00002853,0.00002854,0.00002851,0.00002854,36304.20000000,1637971259999,1.03547608,79,…
    expect(plain(events[0])).toEqual({
      ts: 1637971200000,
      exchange: 'binance',
      symbol: 'ADABTC',
      market: 'ADA-BTC',
      kind: 'bar',
      source: 'binance-klines',
      durationMs: 60000,
      open: 0.00002853,
      high: 0.00002854,
      low: 0.00002851,
      close: 0.00002854,
      volume: 36304.2,
      volumeUsd: null,
      takerBuyUsd: null,
      trades: 79,
      ...noAggregator,
    })
    expect(events[0]!.line).toBe(1)
    // last: 1637972340000 (2021-11-27T00:19:00Z), 33 trades
    expect(plain(events[19])).toMatchObject({ ts: 1637972340000, trades: 33, close: 0.00002877 })
  })

  it('spot µs in gzip: open_time 1760130900000000 µs = 1760130900000 ms', async () => {
    const { inputs, events } = await readAll([SPOT_GZ])
    expect(inputs.map((i) => i.path)).toEqual([SPOT_GZ])
    expect(counts(inputs[0])).toEqual(clean(10))
    expect([...inputs[0]!.markets]).toEqual(['BTC-USDT'])
    // 1760130900000000,107710.04…,107710.92…,107705.29…,107705.84…,42.70808200,1760130959999999,4600006.36686420,5889,15.80199034,1702002.35573975,0
    // close − open = 59,999.999 ms → rounds to a 60,000 ms bar
    expect(plain(events[0])).toEqual({
      ts: 1760130900000,
      exchange: 'binance',
      symbol: 'BTCUSDT',
      market: 'BTC-USDT',
      kind: 'bar',
      source: 'binance-klines',
      durationMs: 60000,
      open: 107710.04,
      high: 107710.92,
      low: 107705.29,
      close: 107705.84,
      volume: 42.708082,
      volumeUsd: 4600006.3668642,
      takerBuyUsd: 1702002.35573975,
      trades: 5889,
      ...noAggregator,
    })
    expect(events.at(-1)!.ts).toBe(1760131440000)
    expectTimeOrdered(events)
  })

  it('COIN-M: contracts × 100 USD for the USD volumes, column 8 as the base volume', async () => {
    const { inputs, events } = await readAll([CM])
    expect(counts(inputs[0])).toEqual(clean(10))
    expect([...inputs[0]!.markets]).toEqual(['BTC-USD-PERP'])
    // 1722816000000,53812.4,53821.3,53798.2,53816.0,34448,1722816059999,64.01819746,2508,15846,29.44822216,0
    // volume 34,448 contracts × 100 = 3,444,800 USD; base volume 64.01819746 BTC (≈ 3444800 / 53809.75);
    // taker buys 15,846 contracts × 100 = 1,584,600 USD
    expect(plain(events[0])).toEqual({
      ts: 1722816000000,
      exchange: 'binance',
      symbol: 'BTCUSD_PERP',
      market: 'BTC-USD-PERP',
      kind: 'bar',
      source: 'binance-klines',
      durationMs: 60000,
      open: 53812.4,
      high: 53821.3,
      low: 53798.2,
      close: 53816,
      volume: 64.01819746,
      volumeUsd: 3444800,
      takerBuyUsd: 1584600,
      trades: 2508,
      ...noAggregator,
    })
  })

  it('bars of four markets merge in time order', async () => {
    const { events } = await readAll([LTC, CM, ADA, SPOT_GZ])
    expect(events).toHaveLength(61)
    expectTimeOrdered(events)
    expect([...new Set(events.map((e) => e.market))]).toEqual([
      'ADA-BTC',
      'BTC-USD-PERP',
      'BTC-USDT',
      'LTC-USDT-PERP',
    ])
  })
})
