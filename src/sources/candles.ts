/**
 * What the OHLCV document sources (freqtrade, ohlcv-json) share: a candle `[time, open, high, low,
 * close, volume]` as a bar, and telling a JSON array of candles from the probe.
 * https://docs.ccxt.com/#/README?id=ohlcv-structure
 */
import type { BarEvent } from '../timeline/event.js'
import { epochToMs, positive } from './fields.js'
import type { Probe } from './source.js'

export interface CandleSeries {
  exchange: string
  symbol: string
  market: string
  source: string
  durationMs: number
}

/**
 * One candle as a bar. Time in epoch s/ms/µs/ns (told by size), the bar's open time, UTC. Volume
 * in base units; the quote volume, taker split and trade count are not in the file, so they stay
 * null rather than estimated.
 */
export function candleBar(f: readonly string[], series: CandleSeries): BarEvent {
  return {
    ts: epochToMs(f[0], 'time'),
    exchange: series.exchange,
    symbol: series.symbol,
    market: series.market,
    kind: 'bar',
    source: series.source,
    durationMs: series.durationMs,
    open: positive(f[1], 'open'),
    high: positive(f[2], 'high'),
    low: positive(f[3], 'low'),
    close: positive(f[4], 'close'),
    volume: positive(f[5], 'volume'),
    volumeUsd: null,
    takerBuyUsd: null,
    trades: null,
    liqLongUsd: null,
    liqShortUsd: null,
    openInterest: null,
    openInterestUsd: null,
  }
}

/** The probe's head as text again (its lines were split at commas; JSON candles hold no quotes). */
function probeText(probe: Probe): string {
  return probe.lines.map((line) => line.join(',')).join('\n')
}

/** A JSON array that starts with an array whose first element is a number: `[[1621429800000, …`. */
export function looksLikeCandleArray(probe: Probe): boolean {
  return /^\s*\[\s*\[\s*-?\d/.test(probeText(probe))
}

/** A JSON array: `[` first (what it holds is checked row by row). */
export function looksLikeJsonArray(probe: Probe): boolean {
  return /^\s*\[/.test(probeText(probe))
}
