import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { isUnsupported, krakenAsset, krakenInstrument } from '../../src/sources/instruments.js'
import { krakenOhlcvtName } from '../../src/sources/kraken-ohlcvt.js'
import { krakenTrades } from '../../src/sources/kraken-trades.js'
import type { BarEvent, Located, TradeEvent } from '../../src/timeline/event.js'
import { counts, expectTimeOrdered, plain, readAll } from '../helpers/ingest.js'
import { itReal, realPath } from '../helpers/real.js'
import { tempFile as temp } from '../helpers/temp.js'

const OHLCVT = 'fixtures/kraken-ohlcvt/XBTUSD_1440.csv' // 17 real rows of peers/XBTUSD_1440.csv
const TRADES = 'fixtures/kraken-trades/BCHEUR.csv' // 12 real rows of freqtrade's Kraken test file
const DAY = 86_400_000

describe('Kraken pairs', () => {
  it('altnames and legacy names; XBT is BTC, XDG is DOGE; every pair spot', () => {
    const market = (pair: string) => {
      const resolved = krakenInstrument(pair)
      return isUnsupported(resolved) ? resolved.unsupported : `${resolved.market} ${resolved.contract}`
    }
    expect(market('XBTUSD')).toBe('BTC-USD spot')
    expect(market('XXBTZUSD')).toBe('BTC-USD spot')
    expect(market('XETHZEUR')).toBe('ETH-EUR spot')
    expect(market('XETHXXBT')).toBe('ETH-BTC spot')
    expect(market('ETHUSDT')).toBe('ETH-USDT spot')
    expect(market('XDGUSD')).toBe('DOGE-USD spot')
    expect(market('BCHEUR')).toBe('BCH-EUR spot')
    expect(market('USDTZUSD')).toBe('USDT-USD spot')
    // Tickers that look like legacy codes: Tezos in dollars, Synthetix in bitcoin, ZEUS.
    expect(market('XTZUSD')).toBe('XTZ-USD spot')
    expect(market('SNXXBT')).toBe('SNX-BTC spot')
    expect(market('ZEUSUSD')).toBe('ZEUS-USD spot')
    expect(market('FOO')).toMatch(/cannot tell its base and quote/)
    expect([krakenAsset('XXBT'), krakenAsset('ZUSD'), krakenAsset('XXRP'), krakenAsset('XRP')]).toEqual([
      'BTC',
      'USD',
      'XRP',
      'XRP',
    ])
  })
})

describe('kraken-ohlcvt', () => {
  it('reads the daily file: seconds, base volume, trade count, gaps left as gaps', async () => {
    const read = await readAll([OHLCVT])
    expect(read.inputs[0]!.source).toBe('kraken-ohlcvt')
    expect(counts(read.inputs[0])).toEqual({ rows: 17, events: 17, duplicates: 0, badRows: 0, skipped: 0 })
    expectTimeOrdered(read.events)
    // Line 1: 1381017600,122.0,122.0,122.0,122.0,0.1,1
    expect(plain(read.events[0])).toEqual({
      ts: Date.UTC(2013, 9, 6),
      exchange: 'kraken',
      symbol: 'XBTUSD',
      market: 'BTC-USD',
      kind: 'bar',
      source: 'kraken-ohlcvt',
      durationMs: DAY,
      open: 122,
      high: 122,
      low: 122,
      close: 122,
      volume: 0.1,
      volumeUsd: null,
      takerBuyUsd: null,
      trades: 1,
      liqLongUsd: null,
      liqShortUsd: null,
      openInterest: null,
      openInterestUsd: null,
    })
    // No trade on 2013-10-11: no bar (Kraken writes none), lines 5 → 6 jump two days.
    const days = read.events.slice(0, 8).map((e) => new Date(e.ts).toISOString().slice(5, 10))
    expect(days).toEqual(['10-06', '10-07', '10-08', '10-09', '10-10', '10-12', '10-13', '10-14'])
    // 2021-05-19: 42898.4 → low 29800.0 → 36742.3 on 238,569 trades.
    const may19 = read.events.find((e) => e.ts === Date.UTC(2021, 4, 19)) as Located<BarEvent>
    expect([may19.line, may19.open, may19.low, may19.close, may19.volume, may19.trades]).toEqual([
      13, 42898.4, 29800, 36742.3, 32688.2714016786, 238569,
    ])
  })

  it('takes the interval from the name, Kraken intervals only', () => {
    expect(krakenOhlcvtName('XBTUSD_1440.csv')).toEqual({ pair: 'XBTUSD', minutes: 1440 })
    expect(krakenOhlcvtName('ETHEUR_60.csv')).toEqual({ pair: 'ETHEUR', minutes: 60 })
    expect(krakenOhlcvtName('XBTUSD_7.csv')).toBeNull()
    expect(krakenOhlcvtName('XBTUSD.csv')).toBeNull()
  })

  it('forced on a renamed file: the pair from --symbol, the interval from the rows', async () => {
    const path = await temp(
      'daily.csv',
      '1621382400,42898.4,43562.0,29800.0,36742.3,32688.2714016786,238569\n1621468800,36765.2,42559.8,35000.0,40614.6,14149.3037928515,126283\n',
    )
    await expect(readAll([path], { source: 'kraken-ohlcvt' })).rejects.toThrow(
      /daily.csv: cannot tell the Kraken pair/,
    )
    const read = await readAll([path], { source: 'kraken-ohlcvt', symbol: 'XBTUSD' })
    expect(read.events.map((e) => (e as BarEvent).durationMs)).toEqual([DAY, DAY])
  })

  itReal('reads the whole real file', async () => {
    const read = await readAll([realPath('peers/XBTUSD_1440.csv')])
    expect(counts(read.inputs[0])).toEqual({
      rows: 3178,
      events: 3178,
      duplicates: 0,
      badRows: 0,
      skipped: 0,
    })
    expectTimeOrdered(read.events)
  })
})

describe('kraken-trades', () => {
  it('reads time,price,volume: side unknown, identical lines kept as separate trades', async () => {
    const read = await readAll([TRADES])
    expect(read.inputs[0]!.source).toBe('kraken-trades')
    expect(counts(read.inputs[0])).toEqual({ rows: 12, events: 12, duplicates: 0, badRows: 0, skipped: 0 })
    // Line 1: 1672531436,90.540000,1.10448420 — BCH/EUR has no USD value.
    expect(plain(read.events[0])).toEqual({
      ts: 1672531436000,
      exchange: 'kraken',
      symbol: 'BCHEUR',
      market: 'BCH-EUR',
      kind: 'trade',
      source: 'kraken-trades',
      price: 90.54,
      amount: 1.1044842,
      notionalUsd: null,
      side: 'unknown',
      id: 'line-1',
    })
    // Lines 4 and 6 are both `1672533909,90.000000,0.05000000`.
    const same = read.events.filter((e) => e.ts === 1672533909000) as TradeEvent[]
    expect(same.map((e) => [e.id, e.amount])).toEqual([
      ['line-4', 0.05],
      ['line-5', 0.55555555],
      ['line-6', 0.05],
    ])
  })

  it('reads fractional seconds and values dollar pairs', async () => {
    const path = await temp('XBTUSD.csv', '1621429200.5234,36000.1,0.01\n1621429201,36010,0.5\n')
    const read = await readAll([path])
    const first = read.events[0] as TradeEvent
    expect([first.symbol, first.market, first.ts, first.notionalUsd]).toEqual([
      'XBTUSD',
      'BTC-USD',
      1621429200.5234 * 1000,
      36000.1 * 0.01,
    ])
  })

  it('property: any epoch second with a fraction reads to that instant', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1_000_000_000, max: 4_000_000_000 }),
        fc.integer({ min: 0, max: 9999 }),
        (seconds, fraction) => {
          const text = fraction === 0 ? String(seconds) : `${seconds}.${String(fraction).padStart(4, '0')}`
          const read = krakenTradeTs(text)
          expect(Math.abs(read - (seconds * 1000 + fraction / 10))).toBeLessThan(1e-3)
        },
      ),
    )
  })

  it('a name without a pair needs --symbol (exit 2)', async () => {
    const path = await temp('trades.csv', '1672531436,90.540000,1.10448420\n')
    await expect(readAll([path])).rejects.toThrow(/cannot tell the Kraken pair.*/)
  })

  it('leaves Coinalyze liquidation files to their source', async () => {
    const path = await temp(
      'BTCUSDT_PERP.A_liquidation-history.csv',
      '1719064800,0.165,0.035\n1719068400,1.11,0.057\n',
    )
    expect((await readAll([path])).inputs[0]!.source).toBe('coinalyze-liquidations')
  })
})

/** The time a kraken-trades row makes of a time cell. */
function krakenTradeTs(cell: string): number {
  const reader = krakenTrades.open({ name: 'XBTUSD.csv', lines: [[cell, '1', '1']] }, {})
  return (reader.row([cell, '1', '1'], 1) as TradeEvent).ts
}
