/**
 * tardis-liquidations through the real ingest path. No real Tardis liquidations file was found
 * (shared/real/peers/SOURCES.md), so the fixtures (fixtures/tardis-liquidations/) are plausible
 * rows in the exact shape of Tardis' trades files (same header, µs, client file names):
 * - binance-futures_liquidations_2024-08-05_BTCUSDT.csv.gz: amounts in BTC, empty ids (Binance gives none).
 * - bitmex_liquidations_2024-08-05_XBTUSD.csv.gz: amounts in USD contracts, order ids.
 * Side convention (FORMATS §6, tardis-node `Liquidation`): sell = a long liquidated, buy = a short.
 */
import { describe, expect, it } from 'vitest'
import { SOURCES } from '../../src/sources/index.js'
import { Skip } from '../../src/sources/source.js'
import { tardisLiquidations } from '../../src/sources/tardis-liquidations.js'
import { counts, expectTimeOrdered, plain, readAll } from '../helpers/ingest.js'
import { claimants, probeOf, rowReader } from './venue-rows.js'

const DIR = 'fixtures/tardis-liquidations'
const BINANCE = `${DIR}/binance-futures_liquidations_2024-08-05_BTCUSDT.csv.gz`
const BITMEX = `${DIR}/bitmex_liquidations_2024-08-05_XBTUSD.csv.gz`
const HEADER = 'exchange,symbol,timestamp,local_timestamp,id,side,price,amount'

describe('tardis-liquidations', () => {
  it('Binance USD-M: sell = long liquidated, buy = short; USD = amount × price', async () => {
    const { inputs, events } = await readAll([BINANCE])
    expect(counts(inputs[0])).toEqual({ rows: 3, events: 3, duplicates: 0, badRows: 0, skipped: 0 })
    expect(inputs[0]!.source).toBe('tardis-liquidations')
    expectTimeOrdered(events)
    // binance-futures,BTCUSDT,1722816001032000,…,,sell,53512.1,0.875 → a long; 0.875 × 53512.1 = 46823.0875 USD
    expect(plain(events[0])).toEqual({
      ts: 1722816001032,
      exchange: 'binance',
      symbol: 'BTCUSDT',
      market: 'BTC-USDT-PERP',
      kind: 'liquidation',
      source: 'tardis-liquidations',
      price: 53512.1,
      amount: 0.875,
      notionalUsd: expect.closeTo(46823.0875, 8),
      side: 'long',
    })
    // Same ms, another price: a second liquidation, not a duplicate. 0.004 × 53508.4 = 214.0336
    expect(events[1]).toMatchObject({
      ts: 1722816001032,
      side: 'long',
      amount: 0.004,
      notionalUsd: expect.closeTo(214.0336, 9),
    })
    // …,buy,53620,0.25 → a short; 0.25 × 53620 = 13405 USD
    expect(events[2]).toMatchObject({ side: 'short', amount: 0.25, notionalUsd: 13405 })
  })

  it('BitMEX XBTUSD: amounts are USD contracts', async () => {
    const { events } = await readAll([BITMEX])
    // bitmex,XBTUSD,…,sell,53480.5,26000 → a long; 26000 USD; 26000 / 53480.5 = 0.48615850637… BTC
    expect(events.map(plain)).toEqual([
      expect.objectContaining({
        exchange: 'bitmex',
        market: 'BTC-USD-PERP',
        side: 'long',
        amount: 26000 / 53480.5,
        notionalUsd: 26000,
      }),
      // …,buy,53650,1200 → a short; 1200 USD
      expect.objectContaining({ side: 'short', amount: 1200 / 53650, notionalUsd: 1200 }),
    ])
  })

  it('claims only files named liquidations', () => {
    const row = 'binance-futures,BTCUSDT,1722816001032000,1722816001157811,,sell,53512.1,0.875'
    expect(
      claimants(SOURCES, probeOf('binance-futures_liquidations_2024-08-05_BTCUSDT.csv', HEADER, row)),
    ).toEqual(['tardis-liquidations'])
    expect(claimants(SOURCES, probeOf('my-liquidations.csv', HEADER, row))).toEqual(['tardis-liquidations'])
    expect(claimants(SOURCES, probeOf('binance-futures_trades_2024-08-05_BTCUSDT.csv', HEADER, row))).toEqual(
      ['tardis-trades'],
    )
    expect(
      tardisLiquidations.detect(probeOf('binance-futures_trades_2024-08-05_BTCUSDT.csv', HEADER, row)).claims,
    ).toBe(false)
  })

  it('Deribit and OKX contracts are converted; a pair without a USD value is skipped', () => {
    const read = rowReader(tardisLiquidations, 'x_liquidations_2024-08-05_X.csv', [HEADER])
    // deribit BTC-PERPETUAL: amount 12000 USD at 50000 → 0.24 BTC, a long
    expect(read('deribit,BTC-PERPETUAL,1722816001032000,1722816001157811,1,sell,50000,12000')).toMatchObject({
      exchange: 'deribit',
      side: 'long',
      amount: 0.24,
      notionalUsd: 12000,
    })
    // okex-swap ETH-USDT-SWAP: 40 contracts × 0.1 ETH = 4 ETH at 2500 = 10000 USD, a short
    expect(read('okex-swap,ETH-USDT-SWAP,1722816001032000,1722816001157811,,buy,2500,40')).toMatchObject({
      exchange: 'okx',
      market: 'ETH-USDT-PERP',
      side: 'short',
      amount: expect.closeTo(4, 12),
      notionalUsd: expect.closeTo(10000, 8),
    })
    const ethbtc = read('binance,ETHBTC,1722816001032000,1722816001157811,,sell,0.045,2')
    expect(ethbtc).toBeInstanceOf(Skip)
    expect((ethbtc as Skip).reason).toBe(
      'binance ETHBTC is quoted in BTC, not USD: its liquidations have no USD value',
    )
  })
})
