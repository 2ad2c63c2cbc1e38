// Plain OHLCV CSVs: what CCXT scripts write from fetchOHLCV (https://docs.ccxt.com/#/README?id=ohlcv-structure),
// TradingView's "Export chart data" (chart menu; files named `BINANCE_BTCUSDT, 60.csv`),
// pandas exports and the like. Read by column name (case, spaces and `_` ignored):
//   timestamp,open,high,low,close,volume                 (CCXT: ms; pandas: 2021-05-19 00:00:00)
//   time,open,high,low,close,Volume[,indicators…]        (TradingView: unix seconds or ISO with offset)
//   Open time,Open,High,Low,Close,Volume,Close time,…    (python-binance klines with a header)
//   date / datetime / Date,Open,High,Low,Close,Adj Close,Volume
// - Time: epoch s, ms, µs or ns told apart by size, or ISO 8601 / `YYYY-MM-DD[ HH:MM[:SS]]`; an
//   offset is applied (`+02:00`), no zone means UTC.
// - Volume is taken as BASE units (CCXT's and TradingView's crypto volume); a quote-volume column
//   (`quote_volume`, `Quote asset volume`, `volume_usd`) fills volumeUsd when the quote is a dollar.
//   Trade count and taker buy quote volume when named. Other columns are ignored.
// - Bar length: each row's close time when there is a `close time` column, else the rows'
//   spacing, else the interval in the name (`_1h`, TradingView's `, 60` in minutes or `, 1D`).
// - Market: a `symbol` column, else --symbol, else the name (TradingView's `BINANCE_BTCUSDT, 60.csv`,
//   or a pair such as `BTCUSDT`/`BTC_USDT` in it); none of them: exit 2 asking for --symbol.
//   Spot (`BTC-USDT`) unless --market names the market (`--market BTC-USDT-PERP`), the symbol is
//   CCXT's `BTC/USDT:USDT` or TradingView's `BTCUSDT.P`, or the name says futures/perp/swap.
//   Exchange: --exchange, else TradingView's prefix or an exchange named in the file name, else `unknown`.
// - Rows in time order, or newest first (then the file is read whole, as CryptoDataDownload's).
// Claimed only when no more specific format claims the header (Binance klines, CryptoDataDownload,
// wide tables with liquidations or OI, cascade's own CSVs, OI OHLC files): see OTHERS.
import { FatalError, RowError } from '../errors.js'
import type { BarEvent } from '../timeline/event.js'
import {
  DAY_MS,
  emptyBar,
  intervalFromName,
  MINUTE_MS,
  normalizeName,
  optionalNonNegative,
  timeCell,
} from './aggregator-common.js'
import {
  newestFirst,
  type Pair,
  pairFromName,
  pairMarket,
  parsePair,
  quoteIsUsd,
  smallestStep,
} from './bar-files.js'
import { describeFirstLine } from './binance-common.js'
import { binanceKlines } from './binance-klines.js'
import { cascadeBars } from './cascade-bars.js'
import { cascadeTimeline } from './cascade-timeline.js'
import { coinalyzeOpenInterest } from './coinalyze-open-interest.js'
import { coinglassOpenInterest } from './coinglass-open-interest.js'
import { cryptodatadownload } from './cryptodatadownload.js'
import { expectFields, isNumeric, positive, quote } from './fields.js'
import { canonicalAsset, isUsdLike } from './instruments.js'
import type { Probe, Source, SourceOptions } from './source.js'
import { wideTable } from './wide-table.js'

/** Formats whose headers also name a time and OHLC: each claims its own files first. */
const OTHERS: readonly Source[] = [
  binanceKlines,
  cryptodatadownload,
  wideTable,
  cascadeBars,
  cascadeTimeline,
  coinglassOpenInterest,
  coinalyzeOpenInterest,
]

type Field =
  | 'ts'
  | 'open'
  | 'high'
  | 'low'
  | 'close'
  | 'volume'
  | 'quoteVolume'
  | 'volumeUsd'
  | 'takerBuyQuote'
  | 'trades'
  | 'closeTime'
  | 'symbol'

/** Column names of each field, best first, as normalizeName leaves them. */
export const OHLCV_COLUMNS: Readonly<Record<Field, readonly string[]>> = {
  ts: [
    'timestamp',
    'time',
    'datetime',
    'date',
    'opentime',
    'opentimems',
    'timestampms',
    'timems',
    'opentimeutc',
    'ts',
    'unix',
    'unixtime',
    'unixtimestamp',
    'timeutc',
    'timestamputc',
    'datetimeutc',
    'dateutc',
    'candlebegintime',
    'starttime',
  ],
  open: ['open', 'openprice', 'priceopen'],
  high: ['high', 'highprice', 'pricehigh'],
  low: ['low', 'lowprice', 'pricelow'],
  close: ['close', 'closeprice', 'priceclose'],
  volume: ['volume', 'vol', 'basevolume', 'volumebase', 'baseassetvolume'],
  quoteVolume: ['quotevolume', 'quoteassetvolume', 'volumequote', 'quotevol', 'turnover'],
  volumeUsd: ['volumeusd', 'usdvolume', 'turnoverusd'],
  takerBuyQuote: ['takerbuyquoteassetvolume', 'takerbuyquotevolume'],
  trades: ['trades', 'numberoftrades', 'numtrades', 'tradecount', 'count', 'ntrades'],
  closeTime: ['closetime'],
  symbol: ['symbol', 'pair', 'ticker'],
}

const FIELDS = Object.keys(OHLCV_COLUMNS) as Field[]
type Mapping = Partial<Record<Field, number>>

function mappingOf(header: readonly string[]): Mapping {
  const names = header.map(normalizeName)
  const mapping: Mapping = {}
  for (const field of FIELDS) {
    for (const name of OHLCV_COLUMNS[field]) {
      const index = names.indexOf(name)
      if (index >= 0) {
        mapping[field] = index
        break
      }
    }
  }
  return mapping
}

const REQUIRED: readonly Field[] = ['ts', 'open', 'high', 'low', 'close']

/** Why the file is not a plain OHLCV CSV, or null when it is. */
function refusal(probe: Probe): string | null {
  const header = probe.lines[0]
  if (!header || isNumeric(header[0])) return 'needs a header row naming its columns'
  const mapping = mappingOf(header)
  const missing = REQUIRED.filter((f) => mapping[f] === undefined)
  if (missing.length > 0) {
    return `needs a time column (timestamp, time, date, datetime, Open time) and open, high, low, close; missing ${missing.map((f) => (f === 'ts' ? 'time' : f)).join(', ')}`
  }
  const other = OTHERS.find((source) => source.detect(probe).claims)
  return other ? `${other.id} claims this header (more specific)` : null
}

const TRADINGVIEW_NAME = /^([A-Z0-9_]+?)_([A-Z0-9.!]+), (\d*)([SDWM]?)(?:[ _].*)?\.csv$/i

/** TradingView's export name `BINANCE_BTCUSDT, 60.csv` (also `…, 1D.csv`, `…, 240_fe0b8.csv`). */
export function tradingViewName(
  name: string,
): { exchange: string; symbol: string; intervalMs: number | null } | null {
  const m = TRADINGVIEW_NAME.exec(name)
  if (!m || (m[3] === '' && m[4] === '')) return null
  const n = m[3] === '' ? 1 : Number(m[3])
  const unit = m[4]!.toUpperCase()
  const size =
    unit === 'S' ? 1000 : unit === 'D' ? DAY_MS : unit === 'W' ? 7 * DAY_MS : unit === '' ? MINUTE_MS : 0
  return {
    exchange: m[1]!.toLowerCase(),
    symbol: m[2]!.toUpperCase(),
    intervalMs: size > 0 && n > 0 ? n * size : null,
  }
}

const EXCHANGES = [
  'binance',
  'binanceus',
  'bybit',
  'okx',
  'okex',
  'bitmex',
  'deribit',
  'kraken',
  'coinbase',
  'bitstamp',
  'bitfinex',
  'gemini',
  'kucoin',
  'gateio',
  'htx',
  'huobi',
  'bitget',
  'mexc',
  'poloniex',
]

function nameTokens(name: string): string[] {
  return name
    .replace(/\.(csv|txt)$/i, '')
    .split(/[_\-. ,]+/)
    .map((t) => t.toLowerCase())
}

interface Market {
  symbol: string
  market: string
  usd: boolean
}

/** `BTCUSDT`, `BTC/USDT`, CCXT's `BTC/USDT:USDT` (a perpetual), TradingView's `BTCUSDT.P`; a bare coin stays itself. */
function marketOf(text: string, perpByName: boolean, marketOption: string | undefined): Market {
  const trimmed = text.trim().toUpperCase()
  const settle = /^(.+?):([A-Z0-9]+)$/.exec(trimmed)
  const dotP = /^(.+)\.P$/.exec(trimmed)
  const core = settle?.[1] ?? dotP?.[1] ?? trimmed
  const pair: Pair | null = parsePair(core)
  const symbol = pair?.symbol ?? core.replace(/[/:]/g, '')
  if (marketOption?.includes('-')) {
    const quote = marketOption.split('-')[1] ?? ''
    return { symbol, market: marketOption.toUpperCase(), usd: isUsdLike(quote) }
  }
  if (!pair) return { symbol, market: canonicalAsset(core), usd: false }
  return {
    symbol,
    market: pairMarket(pair, perpByName || settle !== null || dotP !== null),
    usd: quoteIsUsd(pair),
  }
}

function fileSymbol(probe: Probe, options: SourceOptions): string | null {
  return (
    options.symbol ??
    tradingViewName(probe.name)?.symbol ??
    pairFromName(probe.name)?.symbol ??
    (options.market?.includes('-') ? options.market.split('-').slice(0, 2).join('') : null)
  )
}

export const ohlcvCsv: Source = {
  id: 'ohlcv-csv',
  title: 'Plain OHLCV CSVs by column name (CCXT, TradingView, pandas; s/ms/ISO; --symbol if unnamed)',
  exchange: '*',
  kinds: ['bar'],
  docs: 'https://docs.ccxt.com/#/README?id=ohlcv-structure',
  detect(probe) {
    const refused = refusal(probe)
    if (refused) return { claims: false, why: `${refused}; ${describeFirstLine(probe)}` }
    return {
      claims: true,
      why: `a header with a time and open, high, low, close: ${describeFirstLine(probe)}`,
    }
  },
  open(probe, options) {
    const where = probe.name || '<stdin>'
    const refused = refusal(probe)
    if (refused) throw new FatalError(`${where}: cannot read as a plain OHLCV CSV: ${refused}`)
    const header = probe.lines[0]!.map((h) => h.replace(/^\uFEFF/, '').trim())
    const at = mappingOf(header) as Mapping & Record<'ts' | 'open' | 'high' | 'low' | 'close', number>
    const tv = tradingViewName(probe.name)
    const tokens = nameTokens(probe.name)
    const perpByName = tokens.some((t) => ['futures', 'future', 'perp', 'perpetual', 'swap'].includes(t))
    const ofFile = at.symbol === undefined ? fileSymbol(probe, options) : null
    if (at.symbol === undefined && !ofFile) {
      throw new FatalError(
        `${where}: cannot tell the market of this OHLCV file (no symbol column, no pair in its name)`,
        'pass --symbol BTCUSDT (and --exchange binance), or keep the pair in the name, e.g. binance_BTCUSDT_1h.csv',
      )
    }
    const exchange =
      options.exchange?.toLowerCase() ??
      tv?.exchange ??
      tokens.find((t) => EXCHANGES.includes(t)) ??
      'unknown'
    const markets = new Map<string, Market>()
    const market = (text: string) => {
      let found = markets.get(text)
      if (!found) {
        found = marketOf(text, perpByName, options.market)
        markets.set(text, found)
      }
      return found
    }
    const column = (field: Field) => header[at[field]!]!
    const dataRows = probe.lines.slice(1)
    const times = dataRows.flatMap((row) => {
      try {
        return [timeCell(row[at.ts], column('ts'))]
      } catch {
        return []
      }
    })
    const length =
      at.closeTime === undefined
        ? (smallestStep(times) ?? tv?.intervalMs ?? intervalFromName(probe.name))
        : null
    if (at.closeTime === undefined && length === null) {
      throw new FatalError(
        `${where}: cannot tell the bar length (a single row, no interval in the name)`,
        'keep the interval in the name, e.g. BTCUSDT_1h.csv',
      )
    }
    const figure = (f: string[], field: Field) => {
      const index = at[field]
      if (index === undefined) return null
      const cell = f[index]
      return cell === undefined || /^(nan|null)$/i.test(cell)
        ? null
        : optionalNonNegative(cell, column(field))
    }
    return {
      hasHeader: true,
      ...(newestFirst(times) ? { wholeFile: {} } : {}),
      row(f): BarEvent {
        expectFields(f, header.length)
        const ts = timeCell(f[at.ts], column('ts'))
        let durationMs = length ?? 0
        if (at.closeTime !== undefined) {
          const closeTs = timeCell(f[at.closeTime], column('closeTime'))
          // A close time is the bar's last ms (Binance): round the span to whole seconds.
          durationMs = Math.round((closeTs - ts) / 1000) * 1000
          if (!(durationMs > 0)) {
            throw new RowError(
              'BAD_TIMESTAMP',
              `${column('closeTime')} ${quote(f[at.closeTime] ?? '')} is not after ${column('ts')}`,
            )
          }
        }
        const symbolText = at.symbol === undefined ? ofFile! : (f[at.symbol] ?? '').trim()
        if (symbolText === '') throw new RowError('MISSING_FIELD', `${column('symbol')}: empty`)
        const series = market(symbolText)
        const bar = emptyBar({
          ts,
          exchange,
          symbol: series.symbol,
          market: series.market,
          source: 'ohlcv-csv',
          durationMs,
        })
        bar.open = positive(f[at.open], column('open'))
        bar.high = positive(f[at.high], column('high'))
        bar.low = positive(f[at.low], column('low'))
        bar.close = positive(f[at.close], column('close'))
        bar.volume = figure(f, 'volume')
        bar.volumeUsd = figure(f, 'volumeUsd') ?? (series.usd ? figure(f, 'quoteVolume') : null)
        bar.takerBuyUsd = series.usd ? figure(f, 'takerBuyQuote') : null
        bar.trades = figure(f, 'trades')
        return bar
      },
    }
  },
}
