/**
 * bitmex-trades through the real ingest path. Fixtures (fixtures/bitmex-trades/), shaped like
 * public.bitmex.com/data/trade/YYYYMMDD.csv.gz (one file, every symbol):
 * - 20200504.csv.gz: 10 columns, in time order; its first row is the real row of FORMATS §3
 *   (2020-05-04D00:00:03.367608000,XBTUSD,Buy,1,8907.5,…,11226,0.00011226,1); an ETHUSD quanto row
 *   and an XBTM20 (June 2020 quarterly) row beside XBTUSD.
 * - 20240805.csv.gz: with the later trdType column, laid out symbol by symbol (each block in time
 *   order), with the linear XBTUSDT (0.000001 XBT per contract) and ETHUSDT (0.00001 ETH).
 * Rows other than the real one are plausible, with grossValue/homeNotional computed as BitMEX does.
 */
import { describe, expect, it } from 'vitest'
import { RowError } from '../../src/errors.js'
import { skipWarnings } from '../../src/ingest/index.js'
import { bitmexTrades } from '../../src/sources/bitmex-trades.js'
import { Skip } from '../../src/sources/source.js'
import { counts, expectTimeOrdered, plain, readAll, tradeById } from '../helpers/ingest.js'
import { rowReader } from './venue-rows.js'

const DIR = 'fixtures/bitmex-trades'
const MAY_2020 = `${DIR}/20200504.csv.gz`
const AUG_2024 = `${DIR}/20240805.csv.gz`
const HEADER =
  'timestamp,symbol,side,size,price,tickDirection,trdMatchID,grossValue,homeNotional,foreignNotional,trdType'
const QUANTO = 'ETHUSD is a quanto contract: its USD value needs the XBT rate; not supported'

describe('bitmex-trades', () => {
  it('2020-05-04: the real XBTUSD row — D-style ns time, 1 USD contracts, taker side', async () => {
    const { inputs, events } = await readAll([MAY_2020])
    expect(counts(inputs[0])).toEqual({ rows: 5, events: 4, duplicates: 0, badRows: 0, skipped: 1 })
    expect(inputs[0]!.source).toBe('bitmex-trades')
    // 2020-05-04T00:00:03Z = 1588550403 s; + 0.367608000 s = 1588550403367.608 ms.
    // XBTUSD inverse: 1 contract = 1 USD; base = 1 / 8907.5 = 0.000112264945… BTC (homeNotional
    // 0.00011226 is the same, rounded to the satoshi); USD = 1.
    expect(plain(tradeById(events, '9d3d65b9-f073-ec03-eceb-61c49761ff1d'))).toEqual({
      ts: 1588550403367.608,
      exchange: 'bitmex',
      symbol: 'XBTUSD',
      market: 'BTC-USD-PERP',
      kind: 'trade',
      source: 'bitmex-trades',
      price: 8907.5,
      amount: 1 / 8907.5,
      notionalUsd: 1,
      side: 'buy',
      id: '9d3d65b9-f073-ec03-eceb-61c49761ff1d',
    })
    // XBTM20: the June 2020 quarterly, inverse 1 USD; June 2020's last Friday is the 26th.
    // 300 / 8998.5 = 0.0333388898… BTC, 300 USD.
    expect(tradeById(events, '7c41ae85-1d30-7c91-e5f2-a08d4b3c7f66')).toMatchObject({
      symbol: 'XBTM20',
      market: 'BTC-USD-200626',
      amount: 300 / 8998.5,
      notionalUsd: 300,
    })
    // Two XBTUSD trades in one ns with different ids are two trades.
    expect(events.filter((e) => e.ts === 1588550404051.225)).toHaveLength(2)
    // The quanto row is counted as skipped and named in the warnings, never valued.
    expect(Object.fromEntries(inputs[0]!.skipReasons)).toEqual({ [QUANTO]: 1 })
    expect(skipWarnings(inputs)).toEqual([`${MAY_2020}: 1 row skipped: ${QUANTO}`])
  })

  it('2024-08-05 with trdType: every symbol kept apart, linear contracts valued per contract size', async () => {
    const { inputs, events } = await readAll([AUG_2024])
    expect(counts(inputs[0])).toEqual({ rows: 7, events: 6, duplicates: 0, badRows: 0, skipped: 1 })
    // Symbol blocks in the file, one time-ordered timeline out.
    expectTimeOrdered(events)
    expect(events.map((e) => e.symbol)).toEqual([
      'XBTUSD',
      'ETHUSDT',
      'XBTUSDT',
      'XBTUSD',
      'ETHUSDT',
      'XBTUSDT',
    ])
    expect([...inputs[0]!.markets].sort()).toEqual(['BTC-USD-PERP', 'BTC-USDT-PERP', 'ETH-USDT-PERP'])
    // XBTUSDT,Buy,1000 @ 58020.5: 1000 × 0.000001 = 0.001 BTC (homeNotional 0.001); 0.001 × 58020.5 = 58.0205 USD
    const xbtusdt = tradeById(events, '5ebf7068-91a2-b3c4-d5e6-f708192a3b46')
    expect(xbtusdt).toMatchObject({ symbol: 'XBTUSDT', market: 'BTC-USDT-PERP', amount: 0.001, side: 'buy' })
    expect(xbtusdt.kind === 'trade' && xbtusdt.notionalUsd).toBeCloseTo(58.0205, 10)
    // ETHUSDT,Buy,250000 @ 2689.5: 250000 × 0.00001 = 2.5 ETH; 2.5 × 2689.5 = 6723.75 USD
    const ethusdt = tradeById(events, '2b8c4d35-6e7f-8091-a2b3-c4d5e6f70813')
    expect(ethusdt).toMatchObject({ market: 'ETH-USDT-PERP', side: 'buy' })
    expect(ethusdt.kind === 'trade' && ethusdt.amount).toBeCloseTo(2.5, 12)
    expect(ethusdt.kind === 'trade' && ethusdt.notionalUsd).toBeCloseTo(6723.75, 8)
    // XBTUSD,Sell,15000 @ 58005: 15000 / 58005 = 0.25859839… BTC, 15000 USD
    expect(tradeById(events, '4dae6f57-8091-a2b3-c4d5-e6f708192a35')).toMatchObject({
      ts: Date.UTC(2024, 7, 5, 0, 0, 1) + 990.417,
      amount: 15000 / 58005,
      notionalUsd: 15000,
      side: 'sell',
    })
    expect(Object.fromEntries(inputs[0]!.skipReasons)).toEqual({ [QUANTO]: 1 })
  })

  it('skips instruments missing from the table by name; never guesses', () => {
    const read = rowReader(bitmexTrades, '20200504.csv', [HEADER])
    const ada = read(
      '2020-05-04D00:00:06.000000000,ADAM20,Buy,1000,0.00000566,PlusTick,x,566000,1000,0.00566,Regular',
    )
    expect(ada).toBeInstanceOf(Skip)
    expect((ada as Skip).reason).toBe(
      "ADAM20: not in cascade's BitMEX table (contract type and size unknown); not supported",
    )
    // Every quanto of the USD-quoted altcoin family, perpetual or dated.
    expect(
      (read('2020-05-04D00:00:06.000000000,ETHUSDM20,Sell,5,210,MinusTick,x,105000,1,1,Regular') as Skip)
        .reason,
    ).toMatch(/quanto/)
  })

  it('homeNotional guards the contract sizes: a disagreement is a UNIT_MISMATCH bad row', () => {
    const read = rowReader(bitmexTrades, '20240805.csv', [HEADER])
    // If XBTUSDT were 1 XBT per contract, homeNotional would read 1000; BitMEX says 0.001.
    const good = read(
      '2024-08-05D00:00:00.742000000,XBTUSDT,Buy,1000,58020.5,PlusTick,a,58020500,0.001,58.0205,Regular',
    )
    expect(good).toMatchObject({ amount: 0.001 })
    const bad = read(
      '2024-08-05D00:00:00.742000000,XBTUSDT,Buy,1000,58020.5,PlusTick,a,58020500000000,1000,58020500,Regular',
    )
    expect(bad).toBeInstanceOf(RowError)
    expect((bad as RowError).code).toBe('UNIT_MISMATCH')
    expect((bad as RowError).message).toMatch(/homeNotional 1000 BTC.*XBTUSDT/)
    // An empty homeNotional is not checked.
    expect(
      read('2024-08-05D00:00:00.742000000,XBTUSDT,Sell,1000,58020.5,MinusTick,b,,,,Regular'),
    ).toMatchObject({ side: 'sell' })
    // Timestamps must be BitMEX's: Unix seconds or a date with a space are bad rows.
    expect((read('1588550403.367,XBTUSD,Buy,1,8907.5,x,c,11226,0.00011226,1') as RowError).code).toBe(
      'BAD_TIMESTAMP',
    )
    expect(
      (read('2020-02-30D00:00:00.000000000,XBTUSD,Buy,1,8907.5,x,c,11226,0.00011226,1') as RowError).code,
    ).toBe('BAD_TIMESTAMP')
    expect((read('2020-05-04D00:00:03.367608000,XBTUSD,Buy,1,8907.5,x,c,11226') as RowError).code).toBe(
      'FIELD_COUNT',
    )
  })
})
