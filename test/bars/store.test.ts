import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { groupMarkets } from '../../src/analysis/index.js'
import { BarColumns, BarStore, foldEvents } from '../../src/bars/index.js'
import type { BarEvent, TimelineEvent } from '../../src/timeline/event.js'
import { liquidation, minuteBars, openInterest, T0, trade } from '../analysis/helpers.js'

describe('foldEvents: ticks into 1-second bars', () => {
  it('keeps OHLC, volumes, taker split and trade count per second', () => {
    const store = foldEvents([
      trade(T0 + 100, 100, 1, 'buy'),
      trade(T0 + 400, 103, 2, 'sell'),
      trade(T0 + 999, 99, 0.5, 'sell'),
      trade(T0 + 1000, 101, 1, 'unknown'),
    ])
    const bars = store.series()[0]!.ticks
    expect(bars.length).toBe(2)
    expect([bars.time[0], bars.open[0], bars.high[0], bars.low[0], bars.close[0]]).toEqual([
      T0,
      100,
      103,
      99,
      99,
    ])
    // base 1 + 2 + 0.5 = 3.5; USD 100 + 206 + 49.5 = 355.5; buy 100; sell 206 + 49.5 = 255.5
    expect([
      bars.volume[0],
      bars.volumeUsd[0],
      bars.takerBuyUsd[0],
      bars.takerSellUsd[0],
      bars.trades[0],
    ]).toEqual([3.5, 355.5, 100, 255.5, 3])
    // An unknown taker side counts as volume but in neither taker column.
    expect([bars.volumeUsd[1], bars.takerBuyUsd[1], bars.takerSellUsd[1]]).toEqual([101, 0, 0])
  })

  it('keeps liquidations by position side with counts and the largest', () => {
    const store = foldEvents([
      liquidation(T0 + 10, 100, 2, 'long'),
      liquidation(T0 + 20, 100, 5, 'long'),
      liquidation(T0 + 30, 100, 1, 'short'),
    ])
    const bars = store.series()[0]!.ticks
    // longs 200 + 500 = 700 in 2 orders; shorts 100 in 1; largest order 500
    expect([bars.liqLongUsd[0], bars.liqLongCount[0], bars.liqShortUsd[0], bars.liqShortCount[0]]).toEqual([
      700, 2, 100, 1,
    ])
    expect(bars.liqLargestUsd[0]).toBe(500)
    expect(Number.isNaN(bars.open[0]!)).toBe(true) // a liquidation is not a trade price
  })

  it('keeps the last open-interest level of a second, field by field', () => {
    const store = foldEvents([openInterest(T0, 10, 1000), openInterest(T0 + 500, 12, null)])
    const bars = store.series()[0]!.ticks
    expect([bars.oi[0], bars.oiUsd[0]]).toEqual([12, 1000])
  })

  it('gives trades without a USD notional price and base volume only', () => {
    const store = foldEvents([trade(T0, 0.00001, 1000, 'buy', { notionalUsd: null, market: 'ADA-BTC' })])
    const series = store.series()[0]!
    expect(series.ticks.hasPrice).toBe(true)
    expect(series.ticks.volume[0]).toBe(1000)
    expect(series.ticks.hasVolumeUsd).toBe(false)
    expect(series.nonUsdTrades).toBe(1)
  })

  it('keeps hourly buckets in their own layer, never spread over seconds', () => {
    const hour: BarEvent = {
      ...minuteBars([100])[0]!,
      exchange: 'coinglass',
      durationMs: 3_600_000,
      liqLongUsd: 7200,
      liqShortUsd: 0,
      openInterestUsd: 5e9,
    }
    const store = foldEvents([hour])
    const series = store.series()[0]!
    expect(series.ticks.length).toBe(0)
    expect(series.buckets.map((layer) => [layer.durationMs, layer.length])).toEqual([[3_600_000, 1]])
    expect(series.buckets[0]!.liqLongUsd[0]).toBe(7200)
    expect(series.buckets[0]!.liqFromBuckets).toBe(true)
    const [market] = groupMarkets(store, 'market')
    expect(market!.venues[0]!.liquidations!.resolutionMs).toBe(3_600_000)
  })

  it('keeps the larger of two formats giving the same bucket of one series, never their sum', () => {
    // The CoinGlass export and the regime table joined from it, both `coinglass:BTC-USD-AGG`.
    const base: BarEvent = {
      ...minuteBars([100])[0]!,
      exchange: 'coinglass',
      market: 'BTC-USD-AGG',
      durationMs: 3_600_000,
    }
    const exported: BarEvent = {
      ...base,
      source: 'coinglass-liquidations',
      liqLongUsd: 900,
      liqShortUsd: 100,
    }
    const table: BarEvent = { ...base, source: 'wide-table', liqLongUsd: 950, liqShortUsd: 90 }
    const again: BarEvent = { ...exported, ts: base.ts + 3_600_000 }
    const store = foldEvents([exported, table, again, { ...again, liqLongUsd: 10, liqShortUsd: 0 }])
    const layer = store.series()[0]!.buckets[0]!
    // Hour 1: 950 + 90 = 1040 > 900 + 100 = 1000, so the table's pair; hour 2: one format adds up.
    expect([layer.liqLongUsd[0], layer.liqShortUsd[0]]).toEqual([950, 90])
    expect([layer.liqLongUsd[1], layer.liqShortUsd[1]]).toEqual([910, 100])
  })

  it('merges 1-second bar inputs into the tick layer (bars are mergeable)', () => {
    const second: BarEvent = {
      ...minuteBars([100])[0]!,
      durationMs: 1000,
      open: 100,
      high: 105,
      low: 99,
      close: 101,
    }
    const store = foldEvents([trade(T0, 102, 1, 'buy'), second])
    const bars = store.series()[0]!.ticks
    expect([bars.length, bars.open[0], bars.high[0], bars.low[0], bars.close[0]]).toEqual([
      1, 102, 105, 99, 101,
    ])
  })

  it('derives taker sells of klines as volume minus taker buys', () => {
    const [bar] = minuteBars([100], { volumeUsd: () => 1000, takerBuyShare: () => 0.3 })
    const layer = foldEvents([bar!]).series()[0]!.buckets[0]!
    // 1000 − 300 = 700
    expect([layer.takerBuyUsd[0], layer.takerSellUsd[0]]).toEqual([300, 700])
  })

  it('files an out-of-order second in its place', () => {
    const store = foldEvents([
      trade(T0 + 2000, 1, 1, 'buy'),
      trade(T0, 2, 1, 'buy'),
      trade(T0 + 1000, 3, 1, 'buy'),
    ])
    const bars = store.series()[0]!.ticks
    expect(Array.from(bars.time.subarray(0, 3))).toEqual([T0, T0 + 1000, T0 + 2000])
    expect(Array.from(bars.close.subarray(0, 3))).toEqual([2, 3, 1])
  })

  it('keys series by exchange and market and lists them sorted', () => {
    const store = foldEvents([
      trade(T0, 1, 1, 'buy', { exchange: 'okx', market: 'BTC-USDT-PERP' }),
      trade(T0, 1, 1, 'buy', { exchange: 'binance', market: 'BTC-USDT-PERP' }),
    ])
    expect(store.series().map((series) => series.key)).toEqual(['binance:BTC-USDT-PERP', 'okx:BTC-USDT-PERP'])
  })

  it('grows columns without losing rows', () => {
    const columns = new BarColumns(1000, 2)
    for (let i = 0; i < 1000; i++) columns.volume[columns.slot(i * 1000)]! += i
    expect(columns.length).toBe(1000)
    expect(columns.volume[999]).toBe(999)
    expect(Number.isNaN(columns.open[500]!)).toBe(true)
  })
})

describe('property: bar totals equal event totals', () => {
  const eventArb = fc.oneof(
    fc.record({
      kind: fc.constant('trade' as const),
      dt: fc.integer({ min: 0, max: 5000 }),
      price: fc.integer({ min: 1, max: 1000 }),
      amount: fc.integer({ min: 1, max: 100 }),
      side: fc.constantFrom('buy' as const, 'sell' as const, 'unknown' as const),
    }),
    fc.record({
      kind: fc.constant('liquidation' as const),
      dt: fc.integer({ min: 0, max: 5000 }),
      price: fc.integer({ min: 1, max: 1000 }),
      amount: fc.integer({ min: 1, max: 100 }),
      side: fc.constantFrom('long' as const, 'short' as const),
    }),
  )

  it('sums of volume, taker, count and liquidations match, and bars stay sorted', () => {
    fc.assert(
      fc.property(fc.array(eventArb, { maxLength: 200 }), (specs) => {
        let ts = T0
        const events: TimelineEvent[] = specs.map((spec) => {
          ts += spec.dt
          return spec.kind === 'trade'
            ? trade(ts, spec.price, spec.amount, spec.side)
            : liquidation(ts, spec.price, spec.amount, spec.side)
        })
        const store = new BarStore()
        // Folding in batches is the same as folding at once.
        foldEvents(events.slice(0, 50), store)
        foldEvents(events.slice(50), store)
        const bars = store.series()[0]?.ticks
        const sum = (column: Float64Array | undefined) => {
          let total = 0
          for (let i = 0; i < (bars?.length ?? 0); i++) total += column![i]!
          return total
        }
        const trades = events.filter((event) => event.kind === 'trade')
        const liquidations = events.filter((event) => event.kind === 'liquidation')
        expect(sum(bars?.volumeUsd)).toBe(trades.reduce((total, event) => total + event.notionalUsd!, 0))
        expect(sum(bars?.trades)).toBe(trades.length)
        expect(sum(bars?.takerSellUsd)).toBe(
          trades
            .filter((event) => event.side === 'sell')
            .reduce((total, event) => total + event.notionalUsd!, 0),
        )
        expect(sum(bars?.liqLongUsd) + sum(bars?.liqShortUsd)).toBe(
          liquidations.reduce((total, event) => total + event.notionalUsd, 0),
        )
        expect(sum(bars?.liqLongCount) + sum(bars?.liqShortCount)).toBe(liquidations.length)
        for (let i = 1; i < (bars?.length ?? 0); i++)
          expect(bars!.time[i]!).toBeGreaterThan(bars!.time[i - 1]!)
      }),
    )
  })
})

describe('memory', () => {
  it('holds a day of 1 M ticks in 86,400 one-second rows', () => {
    const store = new BarStore()
    const event = trade(T0, 100, 1, 'buy')
    for (let i = 0; i < 1_000_000; i++) {
      event.ts = T0 + Math.floor((i * 86_400_000) / 1_000_000)
      store.add(event)
    }
    const bars = store.series()[0]!.ticks
    expect(bars.length).toBe(86_400)
    // 10 columns × 8 bytes × capacity (131,072 after doubling from 256) ≈ 10.5 MB, whatever the row
    // count: trades never create the 7 liquidation and open-interest columns.
    expect(store.bytes).toBe(10 * 8 * 131_072)
  })
})

describe('columns held only once used', () => {
  it('a trades layer joined with one holding liquidations and open interest reads the defaults where absent', () => {
    const trades = new BarColumns(1000)
    trades.slot(0)
    trades.slot(1000)
    const liquidations = new BarColumns(1000)
    const i = liquidations.slot(2000)
    liquidations.liqLongUsd[i] = 5
    liquidations.oi[i] = 7
    const joined = BarColumns.concat([trades, liquidations])
    expect(joined.length).toBe(3)
    expect([...joined.liqLongUsd.subarray(0, 3)]).toEqual([0, 0, 5])
    expect([...joined.oi.subarray(0, 3)]).toEqual([Number.NaN, Number.NaN, 7])
    // Appending keeps the same values, whichever side holds the column.
    const appended = new BarColumns(1000)
    appended.slot(0)
    appended.slot(1000)
    appended.append(liquidations)
    expect([...appended.liqLongUsd.subarray(0, 3)]).toEqual([0, 0, 5])
    expect([...appended.oiUsd.subarray(0, 3)]).toEqual([Number.NaN, Number.NaN, Number.NaN])
    // A trades-only layer holds 10 columns, not 17; joined with liquidations alone, 11.
    expect(trades.bytes).toBe(10 * 8 * 256)
    const liqOnly = new BarColumns(1000)
    liqOnly.liqShortUsd[liqOnly.slot(3000)] = 1
    expect(BarColumns.concat([trades, liqOnly]).bytes).toBe(11 * 8 * 3)
  })
})

describe('BarColumns.concat: layers that share no bucket, in any order', () => {
  const layer = (seconds: number[]) => {
    const bars = new BarColumns(1000)
    for (const s of seconds) bars.close[bars.slot(s * 1000)] = s
    bars.hasPrice = true
    return bars
  }

  it('interleaved runs (a block of days with a day read late in its gap) come out in time order', () => {
    const joined = BarColumns.concat([layer([1, 2, 7, 8]), layer([]), layer([9]), layer([3, 5])])
    expect([...joined.time.subarray(0, joined.length)]).toEqual([1, 2, 3, 5, 7, 8, 9].map((s) => s * 1000))
    expect([...joined.close.subarray(0, joined.length)]).toEqual([1, 2, 3, 5, 7, 8, 9])
    expect(joined.hasPrice).toBe(true)
  })

  it('a bucket held by two layers is refused', () => {
    expect(() => BarColumns.concat([layer([1, 4]), layer([2, 4])])).toThrow(/buckets overlap/)
    expect(() => BarColumns.concat([layer([1, 2]), layer([2])])).toThrow(/buckets overlap/)
  })

  it('reserve grows once, keeping the rows', () => {
    const bars = layer([1, 2])
    bars.reserve(10_000)
    expect(bars.room).toBe(10_000)
    expect([...bars.close.subarray(0, bars.length)]).toEqual([1, 2])
    bars.append(layer([3]))
    expect(bars.room).toBe(10_000)
    expect([...bars.close.subarray(0, bars.length)]).toEqual([1, 2, 3])
  })
})
