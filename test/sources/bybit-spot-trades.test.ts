/**
 * bybit-spot-trades through the real ingest path. Fixtures (fixtures/bybit-spot-trades/) are real
 * rows (shared/real/peers, fordicus/RT-Data), gzipped as public.bybit.com/spot serves them:
 * - 1INCHUSDT_2025-05-19.csv.gz: the first 560 rows of the real day (ids 1…560, rpi=1 on id 552).
 * - UNIUSDC_2025-05-17.csv.gz: the whole real day, 219 rows.
 */
import { describe, expect, it } from 'vitest'
import { FatalError } from '../../src/errors.js'
import { bybitSpotTrades } from '../../src/sources/bybit-spot-trades.js'
import { SOURCES } from '../../src/sources/index.js'
import { counts, expectTimeOrdered, plain, readAll, tradeById } from '../helpers/ingest.js'
import { claimants, probeOf, rowReader } from './venue-rows.js'

const DIR = 'fixtures/bybit-spot-trades'
const ONE_INCH = `${DIR}/1INCHUSDT_2025-05-19.csv.gz`
const UNI = `${DIR}/UNIUSDC_2025-05-17.csv.gz`
const HEADER = 'id,timestamp,price,volume,side,rpi'

describe('bybit-spot-trades', () => {
  it('1INCHUSDT: ms timestamps, lowercase taker side, volume in 1INCH, market from the file name', async () => {
    const { inputs, events } = await readAll([ONE_INCH])
    // Many trades share a millisecond with equal prices; their ids keep them apart (no duplicates).
    expect(counts(inputs[0])).toEqual({ rows: 560, events: 560, duplicates: 0, badRows: 0, skipped: 0 })
    expect(inputs[0]!.source).toBe('bybit-spot-trades')
    expect([...inputs[0]!.markets]).toEqual(['1INCH-USDT'])
    expectTimeOrdered(events)
    // 1,1747612836878,0.2271,220.16,buy,0 → 220.16 1INCH, 0.2271 × 220.16 = 49.998336 USD
    expect(plain(tradeById(events, '1'))).toEqual({
      ts: 1747612836878,
      exchange: 'bybit',
      symbol: '1INCHUSDT',
      market: '1INCH-USDT',
      kind: 'trade',
      source: 'bybit-spot-trades',
      price: 0.2271,
      amount: 220.16,
      notionalUsd: expect.closeTo(49.998336, 9),
      side: 'buy',
      id: '1',
    })
    // 552,1747617602395,0.2197,2186.39,sell,1 — an RPI fill is an ordinary trade: 0.2197 × 2186.39 = 480.349883
    const rpi = tradeById(events, '552')
    expect(rpi).toMatchObject({ ts: 1747617602395, amount: 2186.39, side: 'sell', line: 553 })
    expect(rpi.kind === 'trade' && rpi.notionalUsd).toBeCloseTo(480.349883, 9)
  })

  it('UNIUSDC: USDC counts as USD', async () => {
    const { inputs, events } = await readAll([UNI])
    expect(counts(inputs[0])).toEqual({ rows: 219, events: 219, duplicates: 0, badRows: 0, skipped: 0 })
    // 1,1747442146179,6.016,0.76,sell,0 → 6.016 × 0.76 = 4.57216 USD
    expect(tradeById(events, '1')).toMatchObject({
      market: 'UNI-USDC',
      price: 6.016,
      amount: 0.76,
      side: 'sell',
    })
    expect(events[0]!.kind === 'trade' && events[0]!.notionalUsd).toBeCloseTo(4.57216, 10)
    expect(inputs[0]!.last).toBe(1747525846066)
  })

  it('is the only source claiming the spot schema; the derivatives source does not', () => {
    const probe = probeOf('1INCHUSDT_2025-05-19.csv', HEADER, '1,1747612836878,0.2271,220.16,buy,0')
    expect(claimants(SOURCES, probe)).toEqual(['bybit-spot-trades'])
    // Older spot files without rpi are claimed too.
    expect(claimants(SOURCES, probeOf('BTCUSDT_2022-11-10.csv', 'id,timestamp,price,volume,side'))).toEqual([
      'bybit-spot-trades',
    ])
  })

  it('needs the symbol from the file name or --symbol', () => {
    expect(() => bybitSpotTrades.open(probeOf('', HEADER), {})).toThrow(FatalError)
    expect(() => bybitSpotTrades.open(probeOf('', HEADER), {})).toThrow(/cannot tell the symbol/)
    const read = rowReader(bybitSpotTrades, '', [HEADER], { symbol: 'btcusdt' })
    expect(read('7,1747612836878,103000.5,0.002,buy,0')).toMatchObject({
      symbol: 'BTCUSDT',
      market: 'BTC-USDT',
      amount: 0.002,
    })
  })
})
