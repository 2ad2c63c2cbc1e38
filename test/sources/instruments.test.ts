/**
 * The instrument table's venue sections (Bybit, BitMEX, OKX, Deribit, Tardis exchange ids): every
 * multiplier and side convention checked against a real row from FORMATS.md or shared/real, with
 * the exchange's own notionals where the row carries them.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { bitmexTrades } from '../../src/sources/bitmex-trades.js'
import { bybitTrades } from '../../src/sources/bybit-trades.js'
import {
  baseAmount,
  bitmexInstrument,
  bybitInstrument,
  bybitSpotInstrument,
  deribitInstrument,
  type Instrument,
  isUnsupported,
  lastFridayExpiry,
  okxInstrument,
  type Resolved,
  tardisInstrument,
  usdNotional,
} from '../../src/sources/instruments.js'
import { okxTrades } from '../../src/sources/okx-trades.js'
import { tardisLiquidations } from '../../src/sources/tardis-liquidations.js'
import { tardisTrades } from '../../src/sources/tardis-trades.js'
import { rowReader } from './venue-rows.js'

function known(resolved: Resolved): Instrument {
  if (isUnsupported(resolved)) throw new Error(resolved.unsupported)
  return resolved
}

describe('canonical markets', () => {
  it('perpetuals, inverse, spot and dated futures; XBT is BTC', () => {
    const markets = {
      'bybit BTCUSDT': known(bybitInstrument('BTCUSDT')).market,
      'bybit BTCUSD': known(bybitInstrument('BTCUSD')).market,
      'bybit BTCPERP': known(bybitInstrument('BTCPERP')).market,
      'bybit BTC-27DEC24': known(bybitInstrument('BTC-27DEC24')).market,
      'bybit spot BTCUSDT': known(bybitSpotInstrument('BTCUSDT')).market,
      'bitmex XBTUSD': known(bitmexInstrument('XBTUSD')).market,
      'bitmex XBTUSDT': known(bitmexInstrument('XBTUSDT')).market,
      'bitmex XBTZ20': known(bitmexInstrument('XBTZ20')).market,
      'okx BTC-USDT-SWAP': known(okxInstrument('BTC-USDT-SWAP')).market,
      'okx BTC-USD-SWAP': known(okxInstrument('BTC-USD-SWAP')).market,
      'okx BTC-USDT': known(okxInstrument('BTC-USDT')).market,
      'okx BTC-USD-250926': known(okxInstrument('BTC-USD-250926')).market,
      'deribit BTC-PERPETUAL': known(deribitInstrument('BTC-PERPETUAL')).market,
      'deribit ETH-27DEC24': known(deribitInstrument('ETH-27DEC24')).market,
      'deribit BTC_USDC-PERPETUAL': known(deribitInstrument('BTC_USDC-PERPETUAL')).market,
    }
    expect(markets).toEqual({
      'bybit BTCUSDT': 'BTC-USDT-PERP',
      'bybit BTCUSD': 'BTC-USD-PERP',
      'bybit BTCPERP': 'BTC-USDC-PERP',
      'bybit BTC-27DEC24': 'BTC-USDC-241227',
      'bybit spot BTCUSDT': 'BTC-USDT',
      'bitmex XBTUSD': 'BTC-USD-PERP',
      'bitmex XBTUSDT': 'BTC-USDT-PERP',
      // December 2020's last Friday: the 25th.
      'bitmex XBTZ20': 'BTC-USD-201225',
      'okx BTC-USDT-SWAP': 'BTC-USDT-PERP',
      'okx BTC-USD-SWAP': 'BTC-USD-PERP',
      'okx BTC-USDT': 'BTC-USDT',
      'okx BTC-USD-250926': 'BTC-USD-250926',
      'deribit BTC-PERPETUAL': 'BTC-USD-PERP',
      'deribit ETH-27DEC24': 'ETH-USD-241227',
      'deribit BTC_USDC-PERPETUAL': 'BTC-USDC-PERP',
    })
    expect(known(bitmexInstrument('XBTUSD')).base).toBe('BTC')
  })

  it('last Fridays of months (quarterly expiries)', () => {
    // 2020-06-30 is a Tuesday → the 26th; 2021-12-31 is a Friday itself; 2024-03-31 a Sunday → the 29th.
    expect([
      lastFridayExpiry(2020, 6),
      lastFridayExpiry(2021, 12),
      lastFridayExpiry(2024, 3),
      lastFridayExpiry(2022, 12),
    ]).toEqual(['200626', '211231', '240329', '221230'])
  })

  it('every venue covers BTC and ETH', () => {
    const symbols: [string, string][] = [
      ['bybit', 'BTCUSDT'],
      ['bybit', 'ETHUSDT'],
      ['bybit', 'BTCUSD'],
      ['bybit', 'ETHUSD'],
      ['bitmex', 'XBTUSD'],
      ['bitmex', 'XBTUSDT'],
      ['bitmex', 'ETHUSDT'],
      ['okex-swap', 'BTC-USDT-SWAP'],
      ['okex-swap', 'ETH-USDT-SWAP'],
      ['okex-swap', 'BTC-USD-SWAP'],
      ['okex-swap', 'ETH-USD-SWAP'],
      ['okex-futures', 'BTC-USD-250926'],
      ['okex-futures', 'ETH-USDT-250926'],
      ['okex', 'ETH-USDT'],
      ['deribit', 'BTC-PERPETUAL'],
      ['deribit', 'ETH-PERPETUAL'],
      ['binance-futures', 'ETHUSDT'],
      ['binance-delivery', 'ETHUSD_PERP'],
      ['binance', 'ETHUSDT'],
    ]
    for (const [exchange, symbol] of symbols)
      expect(isUnsupported(tardisInstrument(exchange, symbol)), `${exchange} ${symbol}`).toBe(false)
    // BitMEX's ETHUSD is a quanto: refused, not valued.
    expect(tardisInstrument('bitmex', 'ETHUSD')).toEqual({
      unsupported: 'ETHUSD is a quanto contract: its USD value needs the XBT rate; not supported',
    })
  })
})

describe('multipliers against real rows', () => {
  it('Bybit inverse BTCUSD: 1 USD per contract (FORMATS §2 real row)', () => {
    // 1692748800.279,BTCUSD,Sell,641,26027.00,ZeroMinusTick,…,2.462827064202559e+06,641,0.02462827064202559
    const btcusd = known(bybitInstrument('BTCUSD'))
    expect(baseAmount(btcusd, 641, 26027)).toBe(0.02462827064202559) // = foreignNotional
    expect(usdNotional(btcusd, 641, 26027)).toBe(641) // = homeNotional
    expect(baseAmount(btcusd, 641, 26027) * 1e8).toBeCloseTo(2.462827064202559e6, 6) // = grossValue (satoshis)
  })

  it('Bybit linear SOLUSDT: size in the base coin (FORMATS §2 real row)', () => {
    // 1767225600.6864,SOLUSDT,Buy,0.2,124.650,PlusTick,…,2.493e+09,0.2,24.93,0
    const sol = known(bybitInstrument('SOLUSDT'))
    expect(baseAmount(sol, 0.2, 124.65)).toBe(0.2) // = homeNotional
    expect(usdNotional(sol, 0.2, 124.65)).toBeCloseTo(24.93, 12) // = foreignNotional
  })

  it('BitMEX XBTUSD: 1 USD per contract (FORMATS §3 real row)', () => {
    // 2020-05-04D00:00:03.367608000,XBTUSD,Buy,1,8907.5,ZeroPlusTick,…,11226,0.00011226,1
    const xbtusd = known(bitmexInstrument('XBTUSD'))
    expect(Math.round(baseAmount(xbtusd, 1, 8907.5) * 1e8)).toBe(11226) // grossValue in satoshis
    expect(baseAmount(xbtusd, 1, 8907.5)).toBeCloseTo(0.00011226, 8) // homeNotional, to the satoshi
    expect(usdNotional(xbtusd, 1, 8907.5)).toBe(1) // foreignNotional
  })

  it('BitMEX linear contracts: 1 / underlyingToPositionMultiplier of the base coin', () => {
    // XBTUSDT: underlyingToPositionMultiplier 1,000,000; ETHUSDT: 100,000 (BitMEX /instrument).
    expect(known(bitmexInstrument('XBTUSDT')).contractSize).toBe(0.000001)
    expect(known(bitmexInstrument('ETHUSDT')).contractSize).toBe(0.00001)
  })

  it('OKX BTC-USDT-SWAP: 0.01 BTC per contract (FORMATS §4 row); inverse swaps 100 / 10 USD', () => {
    // BTC-USDT-SWAP,1566502282,sell,104503.0,30.14,1748707200008 → 0.3014 BTC, 31497.2042 USD
    const swap = known(okxInstrument('BTC-USDT-SWAP'))
    expect(baseAmount(swap, 30.14, 104503)).toBeCloseTo(0.3014, 12)
    expect(usdNotional(swap, 30.14, 104503)).toBeCloseTo(31497.2042, 7)
    expect(known(okxInstrument('ETH-USDT-SWAP')).contractSize).toBe(0.1)
    expect(usdNotional(known(okxInstrument('BTC-USD-SWAP')), 3, 60000)).toBe(300)
    expect(usdNotional(known(okxInstrument('ETH-USD-SWAP')), 3, 3000)).toBe(30)
    expect(usdNotional(known(okxInstrument('BTC-USD-250926')), 3, 60000)).toBe(300)
    expect(known(okxInstrument('BTC-USDT-250926')).contractSize).toBe(0.01)
  })

  it('Tardis BitMEX XBTUSD amounts are USD contracts (shared/real/peers/bitmex_trades_XBTUSD.csv row 1)', () => {
    // bitmex,XBTUSD,1583020803145000,1583020803307160,ccc3c1fa-…,sell,8531.5,2152
    const xbtusd = known(tardisInstrument('bitmex', 'XBTUSD'))
    expect(baseAmount(xbtusd, 2152, 8531.5)).toBeCloseTo(0.252241692551134, 14)
    expect(usdNotional(xbtusd, 2152, 8531.5)).toBe(2152)
  })

  it('Tardis Binance USD-M amounts are BTC (shared/real/peers/nautilus_trader_tardis_trades.csv row 1)', () => {
    // binance-futures,BTCUSDT,1582329602111000,1582329602418379,42377944,buy,9682,0.132
    const um = known(tardisInstrument('binance-futures', 'BTCUSDT'))
    expect([um.exchange, um.market, baseAmount(um, 0.132, 9682)]).toEqual(['binance', 'BTC-USDT-PERP', 0.132])
    expect(usdNotional(um, 0.132, 9682)).toBeCloseTo(1278.024, 9)
  })

  it('Tardis Binance COIN-M amounts are 100 USD contracts (FORMATS §10 cm trades row)', () => {
    // 28457,9635.0,1,0.01037883,1591250192508,true — 1 contract, base_qty 0.01037883 = 100 / 9635
    const cm = known(tardisInstrument('binance-delivery', 'BTCUSD_PERP'))
    expect(baseAmount(cm, 1, 9635)).toBeCloseTo(0.01037883, 8)
    expect(usdNotional(cm, 1, 9635)).toBe(100)
  })

  it('Deribit BTC-PERPETUAL open interest is USD (FORMATS §6 derivative_ticker row)', () => {
    // deribit,BTC-PERPETUAL,…,,0.00000459,,705041730,65255.5,65203.53,65220.13 → 705041730 USD ≈ 10810.19 BTC
    const perp = known(deribitInstrument('BTC-PERPETUAL'))
    expect(usdNotional(perp, 705041730, 65220.13)).toBe(705041730)
    expect(baseAmount(perp, 705041730, 65220.13)).toBeCloseTo(10810.1859, 4)
  })

  it('inverse: base × price = USD; linear: USD = base × price (any size and price)', () => {
    const inverse = [
      known(bybitInstrument('BTCUSD')),
      known(bitmexInstrument('XBTUSD')),
      known(okxInstrument('BTC-USD-SWAP')),
    ]
    const linear = [
      known(bybitInstrument('BTCUSDT')),
      known(bitmexInstrument('XBTUSDT')),
      known(okxInstrument('BTC-USDT-SWAP')),
    ]
    fc.assert(
      fc.property(
        fc.double({ min: 1e-3, max: 1e7, noNaN: true }),
        fc.double({ min: 1e-2, max: 1e6, noNaN: true }),
        (size, price) => {
          for (const i of inverse) {
            const usd = usdNotional(i, size, price)!
            expect(Math.abs(baseAmount(i, size, price) * price - usd)).toBeLessThanOrEqual(1e-12 * usd)
          }
          for (const i of linear) expect(usdNotional(i, size, price)).toBe(baseAmount(i, size, price) * price)
        },
      ),
    )
  })
})

describe('side conventions against real rows', () => {
  it('trade files give the taker side: Bybit Sell, BitMEX Buy, OKX sell, Tardis sell', () => {
    const dump =
      'timestamp,symbol,side,size,price,tickDirection,trdMatchID,grossValue,homeNotional,foreignNotional'
    const bybit = rowReader(bybitTrades, 'BTCUSD2023-08-23.csv', [dump])(
      '1692748800.279,BTCUSD,Sell,641,26027.00,ZeroMinusTick,80253109-efbb-58ca-9adc-d458b66201e9,2.462827064202559e+06,641,0.02462827064202559',
    )
    const bitmex = rowReader(bitmexTrades, '20200504.csv', [dump])(
      '2020-05-04D00:00:03.367608000,XBTUSD,Buy,1,8907.5,ZeroPlusTick,9d3d65b9-f073-ec03-eceb-61c49761ff1d,11226,0.00011226,1',
    )
    const okx = rowReader(okxTrades, 'BTC-USDT-SWAP-trades-2025-06-01.csv', [
      'instrument_name,trade_id,side,price,size,created_time',
    ])('BTC-USDT-SWAP,1566502282,sell,104503.0,30.14,1748707200008')
    const tardis = rowReader(tardisTrades, 'bitmex_trades_2020-03-01_XBTUSD.csv', [
      'exchange,symbol,timestamp,local_timestamp,id,side,price,amount',
    ])(
      'bitmex,XBTUSD,1583020803145000,1583020803307160,ccc3c1fa-212c-e8b0-1706-9b9c4f3d5ecf,sell,8531.5,2152',
    )
    expect([bybit, bitmex, okx, tardis].map((e) => (e as { side: string }).side)).toEqual([
      'sell',
      'buy',
      'sell',
      'sell',
    ])
  })

  it('Tardis liquidations give the order side: sell = a long liquidated, buy = a short (FORMATS §6)', () => {
    const read = rowReader(tardisLiquidations, 'bitmex_liquidations_2020-03-01_XBTUSD.csv', [
      'exchange,symbol,timestamp,local_timestamp,id,side,price,amount',
    ])
    // The docs' XBTUSD sample row, read as a liquidation.
    expect(
      read(
        'bitmex,XBTUSD,1583020803145000,1583020803307160,ccc3c1fa-212c-e8b0-1706-9b9c4f3d5ecf,sell,8531.5,2152',
      ),
    ).toMatchObject({
      side: 'long',
      notionalUsd: 2152,
    })
    expect(
      read(
        'bitmex,XBTUSD,1583020803145000,1583020803307160,ccc3c1fa-212c-e8b0-1706-9b9c4f3d5ecf,buy,8531.5,2152',
      ),
    ).toMatchObject({
      side: 'short',
    })
  })
})
