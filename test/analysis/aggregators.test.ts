/**
 * Aggregators (CoinGlass, Coinalyze) already contain the single exchanges they cover: analysing
 * two aggregate files of the same liquidations, or an aggregate beside a venue, must not add them.
 */
import { expect, it } from 'vitest'
import { analyzeBars } from '../../src/analysis/index.js'
import { foldEvents } from '../../src/bars/index.js'
import type { BarEvent } from '../../src/timeline/event.js'
import { describeReal, hasReal, REAL } from '../helpers/real.js'
import { regimeEvents } from './helpers.js'

const from = Date.UTC(2026, 1, 4)
const to = Date.UTC(2026, 1, 8)
const table = (hasReal ? regimeEvents(`${REAL}/coinglass_BTC_regime_1h_1y.csv`) : [])
  .filter((e) => e.ts >= from && e.ts < to)
  .map((e): BarEvent => ({ ...e, exchange: 'coinglass', market: 'BTC', symbol: 'BTC' }))
// The same liquidations again, as the separate CoinGlass liquidation export would carry them.
const liquidationsOnly = table.map(
  (e): BarEvent => ({
    ...e,
    market: 'BTC-USD-AGG',
    symbol: 'BTC',
    open: null,
    high: null,
    low: null,
    close: null,
    openInterest: null,
    openInterestUsd: null,
  }),
)

describeReal('aggregator liquidations are not counted twice', () => {
  const alone = analyzeBars(foldEvents(table))
  const both = analyzeBars(foldEvents([...table, ...liquidationsOnly].sort((a, b) => a.ts - b.ts)))

  it('keeps the market totals of one file', () => {
    const sumLong = table.reduce((s, e) => s + (e.liqLongUsd ?? 0), 0)
    expect(alone.markets[0]!.liqLongUsd).toBeCloseTo(sumLong, 0)
    expect(both.markets[0]!.liqLongUsd).toBeCloseTo(sumLong, 0)
    expect(both.markets[0]!.series).toHaveLength(2)
  })

  it('keeps each cascade liquidation total of one file', () => {
    expect(both.cascades.length).toBe(alone.cascades.length)
    both.cascades.forEach((cascade, i) => {
      expect(cascade.liquidations!.longUsd).toBe(alone.cascades[i]!.liquidations!.longUsd)
      expect(cascade.liquidations!.shortUsd).toBe(alone.cascades[i]!.liquidations!.shortUsd)
    })
    expect(both.warnings.join('\n')).toMatch(/not added to those of single exchanges/)
  })

  it('still adds single exchanges together', () => {
    const binance = liquidationsOnly.map(
      (e): BarEvent => ({ ...e, exchange: 'binance', market: 'BTC-USDT-PERP' }),
    )
    const bybit = liquidationsOnly.map(
      (e): BarEvent => ({ ...e, exchange: 'bybit', market: 'BTC-USDT-PERP' }),
    )
    const venues = analyzeBars(
      foldEvents(
        [...table.map((e) => ({ ...e, liqLongUsd: null, liqShortUsd: null })), ...binance, ...bybit].sort(
          (a, b) => a.ts - b.ts,
        ),
      ),
    )
    const sumLong = table.reduce((s, e) => s + (e.liqLongUsd ?? 0), 0)
    expect(venues.markets[0]!.liqLongUsd).toBeCloseTo(2 * sumLong, 0)
  })
})
