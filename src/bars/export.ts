/**
 * Bars back out as events (`cascade bars`): the 1-second layer of each series, optionally merged
 * into coarser buckets, and the pre-aggregated layers as they came. Bars are mergeable — sums add,
 * OHLC keeps first/max/min/last, open interest the last level — so a coarser bar is exact; a
 * bucket coarser than the interval asked for is kept whole, never spread (DESIGN §10).
 */
import { type BarEvent, emptyBar } from '../timeline/event.js'
import { type BarColumns, openInterestSamplingMs } from './columns.js'
import type { BarStore, SeriesBars } from './store.js'

const orNull = (x: number) => (Number.isNaN(x) ? null : x)

/** Every bar of every series, time-ordered (ties by series key, then bucket length). */
export function barEvents(store: BarStore, intervalMs: number | null = null): BarEvent[] {
  const out: BarEvent[] = []
  for (const series of store.series()) {
    for (const layer of series.layers) {
      const target = intervalMs !== null && intervalMs > layer.durationMs ? intervalMs : layer.durationMs
      out.push(...layerEvents(series, layer, target))
    }
  }
  return out.sort(
    (a, b) =>
      a.ts - b.ts ||
      (a.exchange < b.exchange ? -1 : a.exchange > b.exchange ? 1 : 0) ||
      (a.market < b.market ? -1 : a.market > b.market ? 1 : 0) ||
      a.durationMs - b.durationMs,
  )
}

function layerEvents(series: SeriesBars, layer: BarColumns, durationMs: number): BarEvent[] {
  const out: BarEvent[] = []
  let bar: BarEvent | null = null
  // Open interest sampled more coarsely than the bars (5-minute metrics in 1-minute bars) says so,
  // so that reading the bars back does not claim it at the bars' length.
  const sampling = layer.hasOpenInterest ? openInterestSamplingMs(layer) : 0
  for (let i = 0; i < layer.length; i++) {
    const ts = Math.floor(layer.time[i]! / durationMs) * durationMs
    if (bar === null || bar.ts !== ts) {
      bar = emptyBarOf(series, layer, ts, durationMs)
      out.push(bar)
    }
    mergeRow(bar, layer, i)
    if (sampling > durationMs && (bar.openInterest !== null || bar.openInterestUsd !== null))
      bar.openInterestSamplingMs = sampling
  }
  return out
}

function emptyBarOf(series: SeriesBars, layer: BarColumns, ts: number, durationMs: number): BarEvent {
  const symbol = series.symbol || series.market
  const bar = emptyBar({
    ts,
    exchange: series.exchange,
    symbol,
    market: series.market,
    source: 'cascade-bars',
    durationMs,
  })
  // Sums start at 0 where the layer has the figure at all; null stays "not in the inputs".
  if (layer.hasVolume) bar.volume = 0
  if (layer.hasVolumeUsd) bar.volumeUsd = 0
  if (layer.hasTaker) bar.takerBuyUsd = 0
  if (layer.hasTrades) bar.trades = 0
  if (layer.hasLiquidations) {
    bar.liqLongUsd = 0
    bar.liqShortUsd = 0
  }
  return bar
}

function mergeRow(bar: BarEvent, layer: BarColumns, i: number): void {
  const open = orNull(layer.open[i]!)
  if (open !== null) {
    bar.open ??= open
    bar.high = Math.max(bar.high ?? Number.NEGATIVE_INFINITY, layer.high[i]!)
    bar.low = Math.min(bar.low ?? Number.POSITIVE_INFINITY, layer.low[i]!)
    bar.close = layer.close[i]!
  }
  if (bar.volume !== null) bar.volume += layer.volume[i]!
  if (bar.volumeUsd !== null) bar.volumeUsd += layer.volumeUsd[i]!
  if (bar.takerBuyUsd !== null) bar.takerBuyUsd += layer.takerBuyUsd[i]!
  if (bar.trades !== null) bar.trades += layer.trades[i]!
  if (bar.liqLongUsd !== null) bar.liqLongUsd += layer.liqLongUsd[i]!
  if (bar.liqShortUsd !== null) bar.liqShortUsd += layer.liqShortUsd[i]!
  // Liquidations counted in coins (Coinalyze) go out as they came: the reader values them.
  const base = layer.baseLiquidations.get(layer.time[i]!)
  if (base) {
    bar.liqLongBase = (bar.liqLongBase ?? 0) + base.long
    bar.liqShortBase = (bar.liqShortBase ?? 0) + base.short
  }
  bar.openInterest = orNull(layer.oi[i]!) ?? bar.openInterest
  bar.openInterestUsd = orNull(layer.oiUsd[i]!) ?? bar.openInterestUsd
}
