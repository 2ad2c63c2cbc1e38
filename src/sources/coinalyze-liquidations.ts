// Coinalyze liquidation history: https://api.coinalyze.net/v1/doc/ (`liquidation-history`)
// The API returns `[{symbol, history: [{t, l, s}]}]`: `t` unix SECONDS (bucket open), `l` long and
// `s` short positions liquidated, in BASE units (coins) unless the request had convert_to_usd=true
// — the saved file cannot say which, so base units are assumed (FORMATS.md §7). Users save it as
//   t,l,s / 1789419660,0.6073999999999999,0                 (header; komekome898-web/trade)
//   2024-06-20 03:00:00,0.013,0.974000000001                (no header, CRLF; denizyts/Coinalyze-Backtester)
// The headerless form is claimed only with a Coinalyze symbol and "liquidation" in the file name
// (`BTCUSDT_PERP.A_liquidation-history.csv`): three bare numbers say nothing by themselves.
//
// Each row is one bucket → one `bar` event with liqLongBase / liqShortBase (coins); liqLongUsd /
// liqShortUsd stay null, to be valued by the analysis at the series' price.
// - Symbol from the file name (`BTCUSDT_PERP.A…`), else `--symbol`. Its suffix is the exchange
//   (coinalyzeSymbol below); the market is the venue's canonical perpetual (`BTC-USDT-PERP`).
// - Naive date-times are read as UTC, like every time in cascade. The Coinalyze-Backtester files
//   were written in the author's local time (probably UTC+3, peers SOURCES.md): their events land
//   three hours late, and nothing in the file can tell.
// - That repository's gap filler wrote some rows two or three times; identical rows are exact
//   duplicates and are dropped and counted by the timeline.
// - Bucket length from the rows' spacing, else an interval in the name (aggregator-common.ts).
import { FatalError } from '../errors.js'
import type { BarEvent } from '../timeline/event.js'
import { emptyBar, headerExactly, inferBucketMs, probeTimes, timeCell } from './aggregator-common.js'
import { describeFirstLine, rowIs } from './binance-common.js'
import { expectFields, positive } from './fields.js'
import { canonicalAsset, marketName, splitPair } from './instruments.js'
import type { Probe, Source, SourceOptions } from './source.js'

/**
 * Coinalyze's exchange codes, the suffix of every symbol (from its `/exchanges` endpoint, as quoted
 * by users' code: `BTCUSDT_PERP.A` Binance, `BTCUSDT.6` Bybit, `BTCUSDT_PERP.3` OKX,
 * `BTC-PERPETUAL.2` Deribit, `BTCUSD_PERP.0` BitMEX). Adding one: a line here.
 */
export const COINALYZE_EXCHANGES: Readonly<Record<string, string>> = {
  A: 'binance',
  '6': 'bybit',
  '3': 'okx',
  '2': 'deribit',
  '0': 'bitmex',
  '4': 'huobi',
  Y: 'gateio',
  '7': 'phemex',
  '8': 'dydx',
  F: 'bitfinex',
  W: 'woox',
}

/** A Coinalyze symbol at the start of a file name: `BTCUSDT_PERP.A_liquidation-history.csv` → `BTCUSDT_PERP.A`. */
export function coinalyzeSymbolFromName(name: string): string | null {
  const m = /^([A-Z0-9]+(?:[_-][A-Z0-9]+)*\.[0-9A-Z])(?=$|[_\-. ])/.exec(name)
  return m ? m[1]! : null
}

export interface CoinalyzeSeries {
  symbol: string
  exchange: string
  market: string
}

/**
 * `BTCUSDT_PERP.A` → binance BTC-USDT-PERP; `BTCUSD_PERP.A` → binance BTC-USD-PERP (COIN-M);
 * `BTCUSDT.6` → bybit BTC-USDT-PERP; `BTC-PERPETUAL.2` → deribit BTC-USD-PERP;
 * `BTC_USDT.Y` → gateio BTC-USDT-PERP; `BTCUSDT_240628.A` → binance BTC-USDT-240628.
 */
export function coinalyzeSeries(symbol: string, exchangeOption?: string): CoinalyzeSeries | string {
  const dot = symbol.lastIndexOf('.')
  const code = dot > 0 ? symbol.slice(dot + 1) : ''
  const instrument = dot > 0 ? symbol.slice(0, dot) : symbol
  const exchange = COINALYZE_EXCHANGES[code] ?? exchangeOption?.toLowerCase()
  if (!exchange) {
    return code
      ? `exchange code .${code} is not one cascade knows (${Object.keys(COINALYZE_EXCHANGES).join(', ')})`
      : 'the symbol has no exchange suffix (.A Binance, .6 Bybit, .3 OKX, …)'
  }
  let pairText = instrument
  let kind: 'perp' | { expiry: string } = 'perp'
  const deribit = /^([A-Z0-9]+?)(?:_([A-Z0-9]+))?-PERPETUAL$/.exec(instrument)
  if (deribit) {
    pairText = `${deribit[1]}_${deribit[2] ?? 'USD'}` // `BTC-PERPETUAL` is the inverse USD perpetual
  } else {
    const suffix = /^(.+)_(PERP|\d{6})$/.exec(instrument)
    if (suffix) {
      pairText = suffix[1]!
      if (suffix[2] !== 'PERP') kind = { expiry: suffix[2]! }
    }
  }
  // Gate writes `BTC_USDT`; the others run base and quote together (`BTCUSDT`).
  const underscore = /^([A-Z0-9]+)_([A-Z0-9]+)$/.exec(pairText)
  const pair: [string, string] | null = underscore
    ? [canonicalAsset(underscore[1]!), underscore[2]!]
    : splitPair(pairText)
  if (!pair) return `cannot tell the base and quote currency of ${instrument}`
  return { symbol, exchange, market: marketName(pair[0], pair[1], kind) }
}

/** The series of a Coinalyze file: its symbol from the name or `--symbol`, else a clear error. */
export function coinalyzeSeriesOf(probe: Probe, options: SourceOptions, what: string): CoinalyzeSeries {
  const where = probe.name || '<stdin>'
  const symbol = coinalyzeSymbolFromName(probe.name) ?? options.symbol?.toUpperCase()
  if (!symbol) {
    throw new FatalError(
      `${where}: cannot tell the symbol of this Coinalyze ${what} file`,
      'keep the Coinalyze symbol at the start of the name (BTCUSDT_PERP.A_liquidation-history.csv) or pass --symbol BTCUSDT_PERP.A',
    )
  }
  const series = coinalyzeSeries(symbol, options.exchange)
  if (typeof series === 'string') {
    throw new FatalError(
      `${where}: Coinalyze symbol ${symbol}: ${series}`,
      'pass --symbol with a suffix such as BTCUSDT_PERP.A, or --exchange NAME',
    )
  }
  return series
}

const HEADER = ['t', 'l', 's'] as const

/** A data row: a date-time or epoch time, then numbers (a date-time is data, not a header, here). */
function dataRow(line: readonly string[] | undefined): boolean {
  return rowIs(line, ['datetime', 'num', 'num']) || rowIs(line, ['epoch', 'num', 'num'])
}

function headerless(probe: Probe): boolean {
  return (
    dataRow(probe.lines[0]) && coinalyzeSymbolFromName(probe.name) !== null && /liquidation/i.test(probe.name)
  )
}

export const coinalyzeLiquidations: Source = {
  id: 'coinalyze-liquidations',
  title: 'Coinalyze liquidation history t,l,s (seconds; long/short in base units)',
  exchange: 'coinalyze',
  kinds: ['bar'],
  docs: 'https://api.coinalyze.net/v1/doc/',
  detect(probe) {
    if (headerExactly(probe.lines[0], HEADER))
      return { claims: true, why: 'header is Coinalyze liquidation history t,l,s' }
    if (headerless(probe)) {
      return {
        claims: true,
        why: 'no header; time,long,short rows and a Coinalyze symbol + "liquidation" in the name',
      }
    }
    return {
      claims: false,
      why:
        'needs header t,l,s, or headerless time,long,short rows in a file named like ' +
        `BTCUSDT_PERP.A_liquidation-history.csv; ${describeFirstLine(probe)}`,
    }
  },
  open(probe, options) {
    const header = !dataRow(probe.lines[0])
    const { symbol, exchange, market } = coinalyzeSeriesOf(probe, options, 'liquidation')
    const durationMs = inferBucketMs(probeTimes(probe, 0, header), probe, 'Coinalyze liquidation')
    return {
      hasHeader: header,
      row(f): BarEvent {
        expectFields(f, 3)
        const bar = emptyBar({
          ts: timeCell(f[0], 't'),
          exchange,
          symbol,
          market,
          source: 'coinalyze-liquidations',
          durationMs,
        })
        bar.liqLongBase = positive(f[1], 'l')
        bar.liqShortBase = positive(f[2], 's')
        return bar
      },
    }
  },
}
