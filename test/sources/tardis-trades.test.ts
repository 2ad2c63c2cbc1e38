/**
 * tardis-trades through the real ingest path. Fixtures (fixtures/tardis-trades/), named and gzipped
 * as the Tardis client saves them ({exchange}_trades_{YYYY-MM-DD}_{SYMBOL}.csv.gz):
 * - bitmex_trades_2020-03-01_XBTUSD.csv.gz: real (shared/real/peers/bitmex_trades_XBTUSD.csv, all
 *   10 rows; row 1 is the sample row of Tardis' docs); amounts are XBTUSD USD contracts.
 * - binance-futures_trades_2020-02-22_BTCUSDT.csv.gz: real, the first 20 rows of
 *   shared/real/peers/nautilus_trader_tardis_trades.csv; amounts in BTC.
 * - deribit_trades_2019-11-01_BTC-PERPETUAL.csv.gz: plausible rows (Deribit amounts are USD).
 * - okex-swap_trades_2021-10-01_BTC-USDT-SWAP.csv.gz: plausible rows (amounts are contracts of 0.01 BTC).
 */
import { describe, expect, it } from 'vitest'
import type { RowError } from '../../src/errors.js'
import { SOURCES } from '../../src/sources/index.js'
import { Skip } from '../../src/sources/source.js'
import { tardisLiquidations } from '../../src/sources/tardis-liquidations.js'
import { tardisTrades } from '../../src/sources/tardis-trades.js'
import { counts, expectTimeOrdered, plain, readAll, tradeById } from '../helpers/ingest.js'
import { claimants, probeOf, rowReader } from './venue-rows.js'

const DIR = 'fixtures/tardis-trades'
const BITMEX = `${DIR}/bitmex_trades_2020-03-01_XBTUSD.csv.gz`
const BINANCE = `${DIR}/binance-futures_trades_2020-02-22_BTCUSDT.csv.gz`
const DERIBIT = `${DIR}/deribit_trades_2019-11-01_BTC-PERPETUAL.csv.gz`
const OKX = `${DIR}/okex-swap_trades_2021-10-01_BTC-USDT-SWAP.csv.gz`
const HEADER = 'exchange,symbol,timestamp,local_timestamp,id,side,price,amount'

describe('tardis-trades', () => {
  it('BitMEX (real): µs exchange time, XBTUSD amounts in USD contracts, 9 trades in one ms kept apart', async () => {
    const { inputs, events } = await readAll([BITMEX])
    expect(counts(inputs[0])).toEqual({ rows: 10, events: 10, duplicates: 0, badRows: 0, skipped: 0 })
    expect(inputs[0]!.source).toBe('tardis-trades')
    // bitmex,XBTUSD,1583020803145000,1583020803307160,ccc3c1fa-…,sell,8531.5,2152
    // 1583020803145000 µs = 1583020803145 ms; 2152 USD / 8531.5 = 0.25224169255… BTC; USD 2152.
    expect(plain(tradeById(events, 'ccc3c1fa-212c-e8b0-1706-9b9c4f3d5ecf'))).toEqual({
      ts: 1583020803145,
      exchange: 'bitmex',
      symbol: 'XBTUSD',
      market: 'BTC-USD-PERP',
      kind: 'trade',
      source: 'tardis-trades',
      price: 8531.5,
      amount: 2152 / 8531.5,
      notionalUsd: 2152,
      side: 'sell',
      id: 'ccc3c1fa-212c-e8b0-1706-9b9c4f3d5ecf',
    })
    // Rows 2–10: one contract each at the same µs and price; their ids differ, so none is a duplicate.
    expect(events.filter((e) => e.ts === 1583020803276)).toHaveLength(9)
  })

  it('Binance USD-M (real): amounts in BTC, exchange named binance', async () => {
    const { inputs, events } = await readAll([BINANCE])
    expect(counts(inputs[0])).toEqual({ rows: 20, events: 20, duplicates: 0, badRows: 0, skipped: 0 })
    expectTimeOrdered(events)
    // binance-futures,BTCUSDT,1582329602111000,…,42377944,buy,9682,0.132 → 0.132 × 9682 = 1278.024 USD
    const first = tradeById(events, '42377944')
    expect(first).toMatchObject({
      ts: 1582329602111,
      exchange: 'binance',
      market: 'BTC-USDT-PERP',
      amount: 0.132,
      side: 'buy',
    })
    expect(first.kind === 'trade' && first.notionalUsd).toBeCloseTo(1278.024, 9)
    // …,42377952,sell,9681.62,0.001
    expect(tradeById(events, '42377952')).toMatchObject({ side: 'sell', price: 9681.62, amount: 0.001 })
  })

  it('Deribit amounts are USD; OKX swap amounts are contracts × ctVal', async () => {
    const { inputs, events } = await readAll([DERIBIT, OKX])
    expect(inputs.map(counts)).toEqual([
      { rows: 3, events: 3, duplicates: 0, badRows: 0, skipped: 0 },
      { rows: 2, events: 2, duplicates: 0, badRows: 0, skipped: 0 },
    ])
    // deribit,BTC-PERPETUAL,…,23645731,sell,9150.5,2000 → 2000 / 9150.5 BTC, 2000 USD
    expect(tradeById(events, '23645731')).toMatchObject({
      exchange: 'deribit',
      market: 'BTC-USD-PERP',
      amount: 2000 / 9150.5,
      notionalUsd: 2000,
    })
    // okex-swap,BTC-USDT-SWAP,…,162875004,buy,43805.2,12 → 12 × 0.01 = 0.12 BTC; × 43805.2 = 5256.624 USD
    const okx = tradeById(events, '162875004')
    expect(okx).toMatchObject({
      exchange: 'okx',
      symbol: 'BTC-USDT-SWAP',
      market: 'BTC-USDT-PERP',
      amount: expect.closeTo(0.12, 12),
    })
    expect(okx.kind === 'trade' && okx.notionalUsd).toBeCloseTo(5256.624, 8)
  })

  it('trades and liquidations share the header: the file name decides', () => {
    const row =
      'bitmex,XBTUSD,1583020803145000,1583020803307160,ccc3c1fa-212c-e8b0-1706-9b9c4f3d5ecf,sell,8531.5,2152'
    expect(claimants(SOURCES, probeOf('bitmex_trades_2020-03-01_XBTUSD.csv', HEADER, row))).toEqual([
      'tardis-trades',
    ])
    expect(claimants(SOURCES, probeOf('bitmex_liquidations_2020-03-01_XBTUSD.csv', HEADER, row))).toEqual([
      'tardis-liquidations',
    ])
    // A name that says neither: trades claims, and says how to make it a liquidations file.
    const renamed = probeOf('xbt.csv', HEADER, row)
    expect(claimants(SOURCES, renamed)).toEqual(['tardis-trades'])
    expect(tardisTrades.detect(renamed).why).toMatch(
      /does not say liquidations.*--source tardis-liquidations/,
    )
    expect(tardisLiquidations.detect(renamed).why).toMatch(
      /\{exchange\}_liquidations_\{YYYY-MM-DD\}_\{SYMBOL\}/,
    )
  })

  it('skips exchanges and instruments it cannot value, with the reason; refuses bad cells', () => {
    const read = rowReader(tardisTrades, 'x_trades_2020-05-01_X.csv', [HEADER])
    const huobi = read('huobi-dm-swap,BTC-USD,1588291201099000,1588291201234268,1,buy,8629.3,5')
    expect(huobi).toBeInstanceOf(Skip)
    expect((huobi as Skip).reason).toMatch(
      /^Tardis exchange huobi-dm-swap is not in cascade's instrument table/,
    )
    expect((read('bitmex,ETHUSD,1588291201099000,1588291201234268,2,buy,208.25,50') as Skip).reason).toBe(
      'bitmex ETHUSD is a quanto contract: its USD value needs the XBT rate; not supported',
    )
    // Binance COIN-M (binance-delivery): 3 contracts × 100 USD = 300 USD at 9000 = 0.0333… BTC
    expect(read('binance-delivery,BTCUSD_PERP,1598918400000000,1598918400100000,7,buy,9000,3')).toMatchObject(
      {
        exchange: 'binance',
        market: 'BTC-USD-PERP',
        amount: 300 / 9000,
        notionalUsd: 300,
      },
    )
    // side unknown is kept; an empty id leaves the event without one.
    const unknown = read('binance-futures,BTCUSDT,1582329602111000,1582329602418379,,unknown,9682,0.5')
    expect(unknown).toMatchObject({ side: 'unknown' })
    expect(unknown).not.toHaveProperty('id')
    expect(
      (read('binance-futures,BTCUSDT,1582329602111000,1582329602418379,9,long,9682,0.5') as RowError).code,
    ).toBe('BAD_SIDE')
    expect((read('binance-futures,BTCUSDT,,1582329602418379,9,buy,9682,0.5') as RowError).code).toBe(
      'MISSING_FIELD',
    )
  })

  it('a file of several symbols (Tardis grouped datasets) is read as unordered; one symbol is not', () => {
    const one = tardisTrades.open(probeOf('deribit_trades_2019-11-01_BTC-PERPETUAL.csv', HEADER), {})
    expect(one.unordered).toBe(false)
    const grouped = tardisTrades.open(probeOf('deribit_trades_2021-09-01_PERPETUALS.csv', HEADER), {})
    expect(grouped.unordered).toBe(true)
    const mixed = tardisTrades.open(
      probeOf(
        'mixed.csv',
        HEADER,
        'deribit,BTC-PERPETUAL,1,1,1,buy,1,1',
        'deribit,ETH-PERPETUAL,1,1,2,buy,1,1',
      ),
      {},
    )
    expect(mixed.unordered).toBe(true)
  })
})
