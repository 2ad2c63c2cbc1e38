/** Builders of timeline events for the analysis tests: real CSV lines and synthetic paths. */
import { readFileSync } from 'node:fs'
import type { BarEvent, LiquidationEvent, OpenInterestEvent, TradeEvent } from '../../src/timeline/event.js'

function bar(fields: Partial<BarEvent> & { ts: number; durationMs: number }): BarEvent {
  return {
    exchange: 'binance',
    symbol: 'TEST',
    market: 'TEST-USDT-PERP',
    kind: 'bar',
    source: 'test',
    open: null,
    high: null,
    low: null,
    close: null,
    volume: null,
    volumeUsd: null,
    takerBuyUsd: null,
    trades: null,
    liqLongUsd: null,
    liqShortUsd: null,
    openInterest: null,
    openInterestUsd: null,
    ...fields,
  }
}

/** Binance USD-M klines CSV (header, ms) → 1-minute `bar` events, as binance-klines makes them. */
export function klineEvents(path: string, symbol: string, market: string): BarEvent[] {
  const lines = readFileSync(path, 'utf8').split('\n').slice(1)
  const events: BarEvent[] = []
  for (const line of lines) {
    if (line === '') continue
    const f = line.split(',').map(Number)
    events.push(
      bar({
        ts: f[0]!,
        durationMs: Math.round((f[6]! - f[0]!) / 1000) * 1000,
        symbol,
        market,
        source: 'binance-klines',
        open: f[1]!,
        high: f[2]!,
        low: f[3]!,
        close: f[4]!,
        volume: f[5]!,
        volumeUsd: f[7]!,
        trades: f[8]!,
        takerBuyUsd: f[10]!,
      }),
    )
  }
  return events
}

/** The CoinGlass BTC regime table → hourly buckets: OHLC, liquidations long/short, OI (close). */
export function regimeEvents(path: string): BarEvent[] {
  const [header, ...lines] = readFileSync(path, 'utf8').split('\n')
  const columns = header!.split(',')
  const at = (name: string) => columns.indexOf(name)
  const [ts, open, high, low, close, long, short, oi] = [
    at('timestamp'),
    at('price_open'),
    at('price_high'),
    at('price_low'),
    at('price_close'),
    at('liquidation_long_usd'),
    at('liquidation_short_usd'),
    at('oi_close'),
  ]
  return lines
    .filter((line) => line !== '')
    .map((line) => {
      const f = line.split(',').map(Number)
      return bar({
        ts: f[ts]!,
        durationMs: 3_600_000,
        exchange: 'coinglass',
        symbol: 'BTC',
        market: 'BTC-USD-AGG',
        source: 'wide-table',
        open: f[open]!,
        high: f[high]!,
        low: f[low]!,
        close: f[close]!,
        liqLongUsd: f[long]!,
        liqShortUsd: f[short]!,
        openInterestUsd: f[oi]!,
      })
    })
}

export const T0 = Date.UTC(2024, 7, 5, 0, 0, 0)
export const MIN = 60_000

/** 1-minute kline-like bars from a list of closes (open = previous close; high/low the pair's extremes). */
export function minuteBars(
  closes: readonly number[],
  options: {
    start?: number
    volumeUsd?: (i: number) => number
    volume?: (i: number) => number
    takerBuyShare?: (i: number) => number
    market?: string
  } = {},
): BarEvent[] {
  const start = options.start ?? T0
  return closes.map((close, i) => {
    const open = i === 0 ? close : closes[i - 1]!
    const volumeUsd = options.volumeUsd?.(i) ?? 1_000_000
    return bar({
      ts: start + i * MIN,
      durationMs: MIN,
      market: options.market ?? 'TEST-USDT-PERP',
      open,
      high: Math.max(open, close),
      low: Math.min(open, close),
      close,
      volume: options.volume?.(i) ?? volumeUsd / close,
      volumeUsd,
      takerBuyUsd: volumeUsd * (options.takerBuyShare?.(i) ?? 0.5),
      trades: 100,
    })
  })
}

export function trade(
  ts: number,
  price: number,
  amount: number,
  side: 'buy' | 'sell',
  extra: Partial<TradeEvent> = {},
): TradeEvent {
  return {
    ts,
    exchange: 'binance',
    symbol: 'TESTUSDT',
    market: 'TEST-USDT-PERP',
    kind: 'trade',
    source: 'binance-aggtrades',
    price,
    amount,
    notionalUsd: price * amount,
    side,
    ...extra,
  }
}

export function liquidation(
  ts: number,
  price: number,
  amount: number,
  side: 'long' | 'short',
  extra: Partial<LiquidationEvent> = {},
): LiquidationEvent {
  return {
    ts,
    exchange: 'binance',
    symbol: 'TESTUSDT',
    market: 'TEST-USDT-PERP',
    kind: 'liquidation',
    source: 'binance-liquidations',
    price,
    amount,
    notionalUsd: price * amount,
    side,
    ...extra,
  }
}

export function openInterest(
  ts: number,
  base: number | null,
  usd: number | null,
  extra: Partial<OpenInterestEvent> = {},
): OpenInterestEvent {
  return {
    ts,
    exchange: 'binance',
    symbol: 'TESTUSDT',
    market: 'TEST-USDT-PERP',
    kind: 'open_interest',
    source: 'binance-metrics',
    openInterest: base,
    openInterestUsd: usd,
    ...extra,
  }
}

/** Linear interpolation of a price path given as [minute, price] knots, one close per minute. */
export function knots(points: readonly [number, number][]): number[] {
  const closes: number[] = []
  for (let k = 1; k < points.length; k++) {
    const [m0, p0] = points[k - 1]!
    const [m1, p1] = points[k]!
    for (let m = m0; m < m1; m++) closes.push(p0 + ((p1 - p0) * (m - m0)) / (m1 - m0))
  }
  closes.push(points[points.length - 1]![1])
  return closes
}
