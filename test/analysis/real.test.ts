/**
 * The real files in ../shared/real (SOURCES.md there): Binance USD-M 1-minute klines of LTC and
 * LINK for February 2026, and a CoinGlass-style hourly BTC table (Binance spot OHLC, aggregated
 * liquidations long/short, Binance OI in USD) around the break below $70,000 on 5–6 Feb 2026.
 */
import { expect, it } from 'vitest'
import { analyzeBars } from '../../src/analysis/index.js'
import { foldEvents } from '../../src/bars/index.js'
import { describeReal, hasReal, REAL } from '../helpers/real.js'
import { klineEvents, regimeEvents } from './helpers.js'

const ltc = hasReal ? klineEvents(`${REAL}/LTCUSDT-1m-2026-02.csv`, 'LTCUSDT', 'LTC-USDT-PERP') : []
const link = hasReal ? klineEvents(`${REAL}/LINKUSDT-1m-2026-02.csv`, 'LINKUSDT', 'LINK-USDT-PERP') : []
const btc = hasReal ? regimeEvents(`${REAL}/coinglass_BTC_regime_1h_1y.csv`) : []

describeReal('LTCUSDT 1-minute klines, February 2026', () => {
  const result = analyzeBars(foldEvents(ltc))

  it('finds the down cascade into the real low of 45.00 at 2026-02-06 00:20 UTC', () => {
    const cascade = result.cascades.find((c) => c.extreme === '2026-02-06T00:20:00.000Z')
    expect(cascade).toBeDefined()
    expect(cascade!.direction).toBe('down')
    expect(cascade!.price.extreme).toBe(45)
    expect(cascade!.price.movePct).toBeLessThanOrEqual(-5)
    expect(Date.parse(cascade!.start)).toBeLessThan(Date.parse(cascade!.extreme))
    expect(Date.parse(cascade!.end)).toBeGreaterThanOrEqual(Date.parse(cascade!.extreme))
  })

  it('works from klines alone: no liquidation or OI figures, 1-minute resolution, volume measured', () => {
    const cascade = result.cascades.find((c) => c.extreme === '2026-02-06T00:20:00.000Z')!
    expect(cascade.liquidations).toMatchObject({
      usd: null,
      observedUsd: null,
      regime: 'absent',
      estimatedUsd: null,
    })
    expect(cascade.openInterest).toBeNull()
    expect(cascade.resolution).toEqual({ price: '1m', volume: '1m' })
    expect(cascade.volume.baselineMultiple).toBeGreaterThan(2)
    expect(cascade.speed.max1mPct).not.toBeNull()
    expect(result.markets[0]).toMatchObject({ market: 'LTC', low: 45, liqLongUsd: null })
  })

  it('finds no cascade in the calm first days of the month', () => {
    // 1–4 February: LTC drifted, it did not crash
    const early = result.cascades.filter((c) => c.start < '2026-02-05')
    expect(early).toEqual([])
  })
})

describeReal('CoinGlass-style hourly BTC table', () => {
  const result = analyzeBars(foldEvents(btc))
  const cascade = result.cascades.find((c) => c.extreme.startsWith('2026-02-06T00:'))

  it('finds the down cascade with its low of 60,000.00 in the 2026-02-06 00:00 UTC hour', () => {
    expect(cascade).toBeDefined()
    expect(cascade!.direction).toBe('down')
    expect(cascade!.extreme).toBe('2026-02-06T00:00:00.000Z')
    expect(cascade!.price.extreme).toBe(60_000)
  })

  it('reports liquidations long ≫ short and the OI drawdown, all at hourly resolution', () => {
    const liquidations = cascade!.liquidations!
    expect(liquidations.longUsd).toBeGreaterThan(2 * liquidations.shortUsd)
    // hourly buckets carry no order counts, largest order or peak minute
    expect([liquidations.count, liquidations.largestUsd, liquidations.peakMinute]).toEqual([null, null, null])
    const oi = cascade!.openInterest!
    expect(oi.drawdownPct).toBeGreaterThan(0)
    expect(oi.drawdownBasePct).not.toBeNull()
    expect(cascade!.resolution).toEqual({ price: '1h', liquidations: '1h', openInterest: '1h' })
    expect(cascade!.speed.max1mPct).toBeNull() // hourly bars cannot give a 1-minute move
    expect(result.warnings.some((w) => w.includes('1h buckets (aggregator data)'))).toBe(true)
  })

  it('hand check: one leg from the 5 Feb 09:00 high 71,978.58 to the 00:00 low 60,000 = −16.64 %; OI drawdown 15.52 %', () => {
    // No bounce after a running low reaches 5 % of the price (nor a third of the move) on the way
    // down, so the slide is one leg from the highest high before it.
    // OI levels are bucket closes: the 08:00 bucket's close (6,753,248,983) holds at 09:00 (start);
    // the lowest close up to the end of the window is 5,705,318,852
    // → (6,753,248,983 − 5,705,318,852) / 6,753,248,983 = 15.52 %
    expect(cascade!.start).toBe('2026-02-05T09:00:00.000Z')
    expect(cascade!.price.start).toBe(71_978.58)
    expect(cascade!.price.movePct).toBe(-16.64)
    expect(cascade!.openInterest).toMatchObject({
      startUsd: 6_753_248_983,
      minUsd: 5_705_318_852,
      drawdownPct: 15.52,
    })
  })
})

describeReal('several markets in one run', () => {
  it('reports BTC, LINK and LTC each on its own', () => {
    const events = [...btc, ...link, ...ltc].sort((a, b) => a.ts - b.ts)
    const result = analyzeBars(foldEvents(events))
    expect(result.markets.map((market) => market.market)).toEqual(['BTC', 'LINK', 'LTC'])
    const lows = ['BTC', 'LINK', 'LTC'].map(
      (market) =>
        result.cascades.find(
          (c) => c.market === market && c.direction === 'down' && c.extreme.startsWith('2026-02-06T00:'),
        )?.price.extreme,
    )
    // LINK's real low is 7.117 in the 00:19 minute (SOURCES.md)
    expect(lows).toEqual([60_000, 7.117, 45])
  })
})
