/**
 * bybit-trades through the real ingest path. Fixtures (fixtures/bybit-trades/), shaped like
 * public.bybit.com/trading files (.csv.gz, header, Go-style `2.462827064202559e+06` grossValue):
 * - BTCUSD2023-08-23.csv.gz: inverse, newest row first (the reported reverse order); its last row
 *   is the real row of FORMATS §2: 1692748800.279,BTCUSD,Sell,641,26027.00,…
 * - BTCUSDT2022-05-02.csv.gz: linear, whole-second timestamps as in 2022 files.
 * - SOLUSDT2026-01-01.csv.gz: linear with the trailing RPI column; its first row is the real
 *   FORMATS §2 row 1767225600.6864,SOLUSDT,Buy,0.2,124.650,…
 * The other rows are plausible neighbours, with Bybit's notionals computed as Bybit does.
 */
import { describe, expect, it } from 'vitest'
import { RowError } from '../../src/errors.js'
import { bitmexTrades } from '../../src/sources/bitmex-trades.js'
import { bybitTrades } from '../../src/sources/bybit-trades.js'
import { SOURCES } from '../../src/sources/index.js'
import { Skip } from '../../src/sources/source.js'
import { counts, expectTimeOrdered, plain, readAll, tradeById } from '../helpers/ingest.js'
import { claimants, probeOf, rowReader } from './venue-rows.js'

const DIR = 'fixtures/bybit-trades'
const INVERSE = `${DIR}/BTCUSD2023-08-23.csv.gz`
const LINEAR = `${DIR}/BTCUSDT2022-05-02.csv.gz`
const RPI = `${DIR}/SOLUSDT2026-01-01.csv.gz`
const HEADER =
  'timestamp,symbol,side,size,price,tickDirection,trdMatchID,grossValue,homeNotional,foreignNotional'

describe('bybit-trades', () => {
  it('inverse BTCUSD, newest first: sorted back into time order; the real row valued in USD contracts', async () => {
    const { inputs, events } = await readAll([INVERSE])
    expect(counts(inputs[0])).toEqual({ rows: 4, events: 4, duplicates: 0, badRows: 0, skipped: 0 })
    expect(inputs[0]!.source).toBe('bybit-trades')
    // Reversed in the file (lines 2..5 newest → oldest), ascending on the timeline.
    expect(events.map((e) => e.ts)).toEqual([1692748800279, 1692748800500, 1692748801000, 1692748801500])
    expect(events.map((e) => e.line)).toEqual([5, 4, 3, 2])
    expectTimeOrdered(events)
    // 1692748800.279,BTCUSD,Sell,641,26027.00,…,2.462827064202559e+06,641,0.02462827064202559
    // Inverse: 641 USD contracts of 1 USD; base = 641 / 26027 = 0.02462827064202559 BTC (= foreignNotional);
    // USD = 641. Sell = the taker sold.
    expect(plain(tradeById(events, '80253109-efbb-58ca-9adc-d458b66201e9'))).toEqual({
      ts: 1692748800279,
      exchange: 'bybit',
      symbol: 'BTCUSD',
      market: 'BTC-USD-PERP',
      kind: 'trade',
      source: 'bybit-trades',
      price: 26027,
      amount: 641 / 26027,
      notionalUsd: 641,
      side: 'sell',
      id: '80253109-efbb-58ca-9adc-d458b66201e9',
    })
    // 1692748801.5,BTCUSD,Buy,1000,26027.50: 1000 / 26027.5 = 0.03842090097012775 BTC, 1000 USD, taker bought.
    expect(tradeById(events, 'c5a0e6a3-0d0b-5e59-9f8e-4c0f5f6b2d11')).toMatchObject({
      ts: 1692748801500,
      amount: 1000 / 26027.5,
      notionalUsd: 1000,
      side: 'buy',
    })
  })

  it('linear BTCUSDT with whole-second timestamps: size in BTC, USD = size × price', async () => {
    const { inputs, events } = await readAll([LINEAR])
    expect(counts(inputs[0])).toEqual({ rows: 3, events: 3, duplicates: 0, badRows: 0, skipped: 0 })
    expect([...inputs[0]!.markets]).toEqual(['BTC-USDT-PERP'])
    // 1651449601,BTCUSDT,Buy,0.25,38512.50 → 0.25 BTC, 0.25 × 38512.5 = 9628.125 USD
    expect(tradeById(events, 'a1d0f5e2-7c3b-5e8a-9b4d-0e1f2a3b4c55')).toMatchObject({
      ts: 1651449601000,
      amount: 0.25,
      notionalUsd: 9628.125,
      side: 'buy',
    })
    // 1651449603,…,Sell,1.5,38511.50 → 1.5 × 38511.5 = 57767.25 USD, taker sold
    expect(tradeById(events, 'c3f2b7a4-9e5d-5a0c-9d6f-2a3b4c5d6e77')).toMatchObject({
      ts: 1651449603000,
      amount: 1.5,
      notionalUsd: 57767.25,
      side: 'sell',
    })
  })

  it('the trailing RPI column of 2026 files is optional; 4-decimal seconds keep their fraction', async () => {
    const { inputs, events } = await readAll([RPI])
    expect(counts(inputs[0])).toEqual({ rows: 3, events: 3, duplicates: 0, badRows: 0, skipped: 0 })
    // 1767225600.6864,SOLUSDT,Buy,0.2,124.650,…,2.493e+09,0.2,24.93,0
    // ts = 1767225600 s + 686.4 ms; 0.2 SOL; 0.2 × 124.65 = 24.93 USD (= foreignNotional)
    const real = tradeById(events, '7df520b4-f4a1-5eb9-86c2-3ac7ebac1832')
    expect(real.ts).toBeCloseTo(1767225600686.4, 3)
    expect(real).toMatchObject({
      symbol: 'SOLUSDT',
      market: 'SOL-USDT-PERP',
      price: 124.65,
      amount: 0.2,
      side: 'buy',
    })
    expect(real.kind === 'trade' && real.notionalUsd).toBeCloseTo(24.93, 10)
  })

  it('is not claimed by bitmex-trades (same header), and does not claim a BitMEX file', () => {
    const bybitRow =
      '1692748800.279,BTCUSD,Sell,641,26027.00,ZeroMinusTick,80253109-efbb-58ca-9adc-d458b66201e9,2.462827064202559e+06,641,0.02462827064202559'
    const bitmexRow =
      '2020-05-04D00:00:03.367608000,XBTUSD,Buy,1,8907.5,ZeroPlusTick,9d3d65b9-f073-ec03-eceb-61c49761ff1d,11226,0.00011226,1'
    const bybitFile = probeOf('BTCUSD2023-08-23.csv', HEADER, bybitRow)
    const bitmexFile = probeOf('20200504.csv', HEADER, bitmexRow)
    expect(claimants(SOURCES, bybitFile)).toEqual(['bybit-trades'])
    expect(claimants(SOURCES, bitmexFile)).toEqual(['bitmex-trades'])
    // Both say why, naming the timestamp that decided.
    expect(bybitTrades.detect(bitmexFile).why).toMatch(/2020-05-04D00:00:03\.367608000.*BitMEX/)
    expect(bitmexTrades.detect(bybitFile).why).toMatch(/1692748800\.279.*Unix seconds.*Bybit/)
    // Even renamed to a BitMEX-like name, the data row decides.
    expect(claimants(SOURCES, probeOf('20230823.csv', HEADER, bybitRow))).toEqual(['bybit-trades'])
    // A header-only file: only the file name can tell.
    expect(claimants(SOURCES, probeOf('BTCUSD2023-08-23.csv', HEADER))).toEqual(['bybit-trades'])
    expect(claimants(SOURCES, probeOf('20200504.csv', HEADER))).toEqual(['bitmex-trades'])
    expect(claimants(SOURCES, probeOf('trades.csv', HEADER))).toEqual([])
    expect(bybitTrades.detect(probeOf('trades.csv', HEADER)).why).toMatch(/header only/)
  })

  it('values ETHUSD inverse and linear USDC perps; skips what it cannot value, with the reason', () => {
    const read = rowReader(bybitTrades, 'ETHUSD2022-09-15.csv', [HEADER])
    // ETHUSD inverse, 1 USD per contract: 1650 / 1650.55 ETH, 1650 USD (foreignNotional 0.99966677 ETH).
    const eth = read('1663200000.5,ETHUSD,Sell,1650,1650.55,MinusTick,aa,9.996667777e+07,1650,0.9996667777')
    expect(eth).toMatchObject({
      market: 'ETH-USD-PERP',
      amount: 1650 / 1650.55,
      notionalUsd: 1650,
      side: 'sell',
    })
    // USDC perpetual BTCPERP: linear, size in BTC.
    expect(read('1663200001,BTCPERP,Buy,0.01,20001.5,PlusTick,bb,2.000150e+10,0.01,200.015')).toMatchObject({
      market: 'BTC-USDC-PERP',
      amount: 0.01,
      notionalUsd: 0.01 * 20001.5,
    })
    // Inverse quarterly BTCUSDZ22: expires on the last Friday of December 2022 (the 30th).
    expect(read('1663200002,BTCUSDZ22,Buy,100,20500,PlusTick,cc,487804,100,0.00487804')).toMatchObject({
      market: 'BTC-USD-221230',
    })
    const skipped = read('1663200003,BTC-30DEC22-20000-C,Buy,1,500,PlusTick,dd,5e+10,1,500')
    expect(skipped).toBeInstanceOf(Skip)
    expect((skipped as Skip).reason).toBe('BTC-30DEC22-20000-C is an option; options are not supported')
  })

  it('a row whose own notional disagrees with the instrument table is a UNIT_MISMATCH bad row', () => {
    const read = rowReader(bybitTrades, 'BTCUSD2023-08-23.csv', [HEADER])
    // foreignNotional says 6.41 BTC where 641 USD contracts at 26027 are 0.0246 BTC (a factor 260 off).
    const bad = read('1692748800.279,BTCUSD,Sell,641,26027.00,ZeroMinusTick,x,6.41e+08,641,6.41')
    expect(bad).toBeInstanceOf(RowError)
    expect((bad as RowError).code).toBe('UNIT_MISMATCH')
    expect((bad as RowError).message).toMatch(/foreignNotional 6\.41 BTC.*BTCUSD/)
    // Timestamps: seconds only (a ms value or a date is a bad row, not a wrong time).
    expect((read('2023-08-23 00:00:00,BTCUSD,Sell,1,26027,x,y,1,1,0.00003842') as RowError).code).toBe(
      'BAD_TIMESTAMP',
    )
    expect((read('1692748800.279,BTCUSD,Short,1,26027,x,y,1,1,0.00003842') as RowError).code).toBe('BAD_SIDE')
  })

  it('a reversed file longer than --sort-window cannot be sorted: the rest are counted OUT_OF_ORDER', async () => {
    // Window 2: the three newest rows fill the heap, the third releases 00.500; 00.279 then comes too late.
    const { inputs, badRows } = await readAll([INVERSE], { sortWindow: 2 })
    expect(counts(inputs[0])).toEqual({ rows: 4, events: 3, duplicates: 0, badRows: 1, skipped: 0 })
    expect(badRows).toEqual([expect.objectContaining({ line: 5, code: 'OUT_OF_ORDER' })])
    expect(badRows[0]!.message).toMatch(/--sort-window 2/)
  })
})
