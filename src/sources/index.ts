/**
 * The source registry: every supported format, and detection — from a file's name and first
 * lines exactly one source must claim it. Adding a format: one file in this folder, one fixture
 * in fixtures/<id>/, one line below (see README "Adding a source").
 */
import { FatalError, UnclaimedFile } from '../errors.js'
import { binanceAggTrades } from './binance-aggtrades.js'
import { describeFirstLine } from './binance-common.js'
import { binanceFunding } from './binance-funding.js'
import { binanceKlines } from './binance-klines.js'
import { binanceLiquidations } from './binance-liquidations.js'
import { binanceMetrics } from './binance-metrics.js'
import { binanceTrades } from './binance-trades.js'
import { bitmexTrades } from './bitmex-trades.js'
import { bybitSpotTrades } from './bybit-spot-trades.js'
import { bybitTrades } from './bybit-trades.js'
import { cascadeBars } from './cascade-bars.js'
import { cascadeTimeline } from './cascade-timeline.js'
import { coinalyzeLiquidations } from './coinalyze-liquidations.js'
import { coinalyzeOpenInterest } from './coinalyze-open-interest.js'
import { coinglassLiquidations } from './coinglass-liquidations.js'
import { coinglassOpenInterest } from './coinglass-open-interest.js'
import { cryptodatadownload } from './cryptodatadownload.js'
import { freqtrade } from './freqtrade.js'
import { generic } from './generic.js'
import { krakenOhlcvt } from './kraken-ohlcvt.js'
import { krakenTrades } from './kraken-trades.js'
import { ohlcvCsv } from './ohlcv-csv.js'
import { ohlcvJson } from './ohlcv-json.js'
import { okxTrades } from './okx-trades.js'
import type { Probe, Source, Verdict } from './source.js'
import { tardisDerivativeTicker } from './tardis-derivative-ticker.js'
import { tardisLiquidations } from './tardis-liquidations.js'
import { tardisTrades } from './tardis-trades.js'
import { wideTable } from './wide-table.js'

export const SOURCES: readonly Source[] = [
  binanceTrades,
  binanceAggTrades,
  binanceMetrics,
  binanceLiquidations,
  binanceKlines,
  binanceFunding,
  // venues (bybit, bitmex, okx, tardis) — one line each, below
  bybitTrades,
  bybitSpotTrades,
  bitmexTrades,
  okxTrades,
  tardisTrades,
  tardisLiquidations,
  tardisDerivativeTicker,
  krakenOhlcvt,
  krakenTrades,
  // bar and trade files from data sites and tools — one line each, below
  cryptodatadownload,
  ohlcvCsv,
  // aggregators and cascade's own formats — one line each, below
  coinglassLiquidations,
  coinglassOpenInterest,
  coinalyzeLiquidations,
  coinalyzeOpenInterest,
  // trading tools' candle files (freqtrade, CCXT) — one line each, below
  freqtrade,
  ohlcvJson,
  wideTable,
  cascadeTimeline,
  cascadeBars,
  generic,
]

export function sourceById(id: string): Source {
  const source = SOURCES.find((s) => s.id === id)
  if (!source)
    throw new FatalError(
      `--source ${id}: no such source`,
      `known sources: ${SOURCES.map((s) => s.id).join(', ')}`,
    )
  return source
}

export interface Explanation {
  source: Source
  verdict: Verdict
}

/** Every source's verdict on a file, for `cascade sources --explain`. */
export function explain(probe: Probe): Explanation[] {
  return SOURCES.map((source) => ({ source, verdict: safeDetect(source, probe) }))
}

function safeDetect(source: Source, probe: Probe): Verdict {
  if (source.forcedOnly) return { claims: false, why: 'claims a file only when forced with --source' }
  try {
    return source.detect(probe)
  } catch (error) {
    return { claims: false, why: `detection failed: ${(error as Error).message}` }
  }
}

/**
 * The one source that claims a file; none or several is a fatal error that says how to force one.
 * With a `--columns` mapping, a file that no format claims is read as `generic`.
 */
export function detectSource(probe: Probe, path: string, options: { columns?: unknown } = {}): Source {
  const claims = explain(probe).filter((e) => e.verdict.claims)
  if (claims.length === 1) return claims[0]!.source
  if (claims.length === 0 && options.columns !== undefined) return sourceById('generic')
  const shown = path === '-' ? '<stdin>' : path
  const explainHint =
    path === '-'
      ? 'save it to a file and run cascade sources --explain FILE'
      : `run cascade sources --explain ${path}`
  if (claims.length === 0) {
    throw new UnclaimedFile(
      shown,
      `unknown format (${describeFirstLine(probe)})`,
      `${explainHint} to see what each format expects, or force one with --source ID`,
    )
  }
  throw new FatalError(
    `${shown}: ambiguous format, claimed by ${claims.map((c) => c.source.id).join(' and ')}`,
    `force one with --source ${claims[0]!.source.id}`,
  )
}
