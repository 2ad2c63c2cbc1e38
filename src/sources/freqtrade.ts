// freqtrade's candle data: https://www.freqtrade.io/en/stable/data-download/#data-format
// (naming: freqtrade/data/history/datahandlers/idatahandler.py `_pair_data_filename`).
//   user_data/data/binance/ETH_USDT-1m.json                          spot ETH/USDT, 1-minute
//   user_data/data/binance/futures/BTC_USDT_USDT-1h-futures.feather  perpetual BTC/USDT:USDT
//   …/futures/BTC_USDT_USDT-1h-mark.feather, …-8h-funding_rate.feather
// The file name is `{pair}-{timeframe}[-{candle type}].{json|json.gz|feather|parquet}`, the pair with
// `/` and `:` written as `_` (BTC/USDT:USDT → BTC_USDT_USDT), a month as `1Mo`. Futures files sit in
// a `futures/` folder under the exchange's folder, so the exchange is the parent folder (or the one
// above `futures/`) when that is an exchange's name; otherwise `unknown`, and `--exchange` sets it.
//
// Candles are `[date, open, high, low, close, volume]`: in JSON an array of arrays with the date in
// epoch ms (`orient="values"`); in Feather (pandas.to_feather, lz4) and Parquet (snappy) columns of
// those names, the date a UTC timestamp. Volume is in the base currency (CCXT). Each candle is one
// `bar` of the timeframe's length at its open time.
// - `-mark` and `-index` candles are bars of the futures market, as Binance's mark and index klines are
//   (their volume is 0 or the exchange's figure).
// - `-funding_rate` files are funding events: the rate in `funding_rate` (since 2025: `[date,
//   funding_rate]`) or, in older files, in `open` of an OHLCV row. The rate is per funding interval,
//   which the file does not state (its timeframe is freqtrade's sampling): intervalHours is null.
// - `-premiumIndex` candles (a premium, not a price) are counted as skipped rows and named.
import { FatalError } from '../errors.js'
import type { FundingEvent } from '../timeline/event.js'
import { describeFirstLine } from './binance-common.js'
import { type CandleSeries, candleBar, looksLikeJsonArray } from './candles.js'
import { epochToMs, expectFields, num } from './fields.js'
import { ccxtInstrument, isUnsupported } from './instruments.js'
import { type FileReader, type Probe, Skip, type Source } from './source.js'

const CANDLE_TYPES = ['futures', 'mark', 'index', 'premiumIndex', 'funding_rate'] as const
type CandleType = 'spot' | (typeof CANDLE_TYPES)[number]

const NAME = new RegExp(
  '^([A-Za-z0-9]+)_([A-Za-z0-9]+)(?:_([A-Za-z0-9]+)(?:-(\\d{6}))?)?' + // pair: BASE_QUOTE[_SETTLE[-YYMMDD]]
    '-(\\d+)(s|m|h|d|w|Mo|M|y)' + // timeframe: 1m, 4h, 1d, 1w, 1Mo
    `(?:-(${CANDLE_TYPES.join('|')}))?` +
    '\\.(json|jsongz|feather|parquet)$', // the name has .gz taken off already
)

export interface FreqtradeName {
  /** The CCXT pair freqtrade uses: `ETH/USDT`, `BTC/USDT:USDT`. */
  pair: string
  timeframe: string
  /** Bar length; null for months and years, which have none. */
  durationMs: number | null
  candleType: CandleType
  extension: 'json' | 'jsongz' | 'feather' | 'parquet'
}

const UNIT_MS: Readonly<Record<string, number>> = {
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
}

/** `BTC_USDT_USDT-1h-futures.feather` → BTC/USDT:USDT, 1h, futures; null when not freqtrade's naming. */
export function freqtradeName(name: string): FreqtradeName | null {
  const m = NAME.exec(name)
  if (!m) return null
  const [, base, quote, settle, expiry, count, unit, type, extension] = m as unknown as [
    string,
    string,
    string,
    string | undefined,
    string | undefined,
    string,
    string,
    CandleType | undefined,
    FreqtradeName['extension'],
  ]
  const candleType = type ?? 'spot'
  // Spot pairs have no settle currency; futures pairs always do (BTC/USDT:USDT).
  if ((candleType === 'spot') !== (settle === undefined)) return null
  const pair = `${base}/${quote}${settle === undefined ? '' : `:${settle}${expiry ? `-${expiry}` : ''}`}`
  const unitMs = UNIT_MS[unit]
  return {
    pair,
    timeframe: `${count}${unit}`,
    durationMs: unitMs === undefined ? null : Number(count) * unitMs,
    candleType,
    extension,
  }
}

/**
 * Exchange ids as freqtrade (CCXT) names its data folders. A folder of another name says nothing
 * about the exchange. Adding one: its CCXT id here.
 */
const EXCHANGE_FOLDERS = new Set([
  'binance',
  'binanceus',
  'binanceusdm',
  'binancecoinm',
  'bingx',
  'bitfinex',
  'bitget',
  'bitmart',
  'bitmex',
  'bitstamp',
  'bitvavo',
  'bybit',
  'coinbase',
  'coinbaseadvanced',
  'coinbasepro',
  'coinex',
  'cryptocom',
  'deribit',
  'gate',
  'gateio',
  'gemini',
  'htx',
  'huobi',
  'hyperliquid',
  'kraken',
  'krakenfutures',
  'kucoin',
  'kucoinfutures',
  'mexc',
  'okx',
  'okex',
  'phemex',
  'poloniex',
  'upbit',
  'woo',
])

/** The exchange folder of `…/binance/ETH_USDT-1m.json` or `…/binance/futures/BTC_USDT_USDT-1h-futures.feather`. */
export function exchangeFromPath(path: string | undefined): string | null {
  const folders = (path ?? '').split(/[\\/]/).slice(0, -1)
  let folder = folders.at(-1)?.toLowerCase()
  if (folder === 'futures') folder = folders.at(-2)?.toLowerCase()
  return folder !== undefined && EXCHANGE_FOLDERS.has(folder) ? folder : null
}

const CONTENT: Readonly<Record<FreqtradeName['extension'], Probe['binary'] | 'json'>> = {
  json: 'json',
  jsongz: 'json',
  feather: 'arrow',
  parquet: 'parquet',
}

function contentOf(probe: Probe): Probe['binary'] | 'json' | null {
  if (probe.binary) return probe.binary
  return looksLikeJsonArray(probe) ? 'json' : null
}

const CONTENT_WORDS = { json: 'a JSON array', arrow: 'an Arrow (Feather) file', parquet: 'a Parquet file' }

export const freqtrade: Source = {
  id: 'freqtrade',
  title: 'freqtrade candles: .json, .json.gz, .feather, .parquet',
  exchange: '*',
  kinds: ['bar', 'funding'],
  docs: 'https://www.freqtrade.io/en/stable/data-download/#data-format',
  detect(probe) {
    const named = freqtradeName(probe.name)
    if (!named)
      return {
        claims: false,
        why: `needs a freqtrade file name PAIR-TIMEFRAME[-TYPE].EXT (ETH_USDT-1m.json, BTC_USDT_USDT-1h-futures.feather); name is ${JSON.stringify(probe.name)}`,
      }
    const expected = CONTENT[named.extension]
    const found = contentOf(probe)
    if (found !== expected)
      return {
        claims: false,
        why: `freqtrade name, but a .${named.extension} file must be ${CONTENT_WORDS[expected!]}; ${found ? `it is ${CONTENT_WORDS[found]}` : describeFirstLine(probe)}`,
      }
    return {
      claims: true,
      why: `freqtrade file name (${named.pair}, ${named.timeframe}, ${named.candleType}) and ${CONTENT_WORDS[expected!]}`,
    }
  },
  open(probe, options) {
    const named = freqtradeName(probe.name)
    if (!named) {
      throw new FatalError(
        `${probe.path ?? probe.name}: not a freqtrade file name, so the pair and timeframe are unknown`,
        'keep the name freqtrade gave it (ETH_USDT-1m.json), or read a CCXT-style file with --source ohlcv-json --symbol ETH/USDT',
      )
    }
    const exchange = options.exchange?.toLowerCase() ?? exchangeFromPath(probe.path) ?? 'unknown'
    return freqtradeReader(probe, named, exchange)
  },
}

function freqtradeReader(probe: Probe, named: FreqtradeName, exchange: string): FileReader {
  const where = probe.path ?? probe.name
  const instrument = ccxtInstrument(exchange, named.pair)
  if (isUnsupported(instrument)) throw new FatalError(`${where}: ${instrument.unsupported}`)
  const { market } = instrument
  const symbol = named.pair
  const ohlcv = ['date', 'open', 'high', 'low', 'close', 'volume']
  const columnsOrFail = (wanted: readonly string[]) => (names: readonly string[]) => {
    const missing = wanted.filter((column) => !names.includes(column))
    if (missing.length > 0)
      throw new FatalError(
        `${where}: no column ${missing.join(', ')} (columns: ${names.join(', ')}); freqtrade writes ${wanted.join(', ')}`,
      )
    return wanted
  }

  if (named.candleType === 'funding_rate') {
    return {
      hasHeader: false,
      document: {
        // Since 2025 [date, funding_rate]; before, an OHLCV row with the rate in `open`.
        columns: (names) =>
          columnsOrFail(names.includes('funding_rate') ? ['date', 'funding_rate'] : ['date', 'open'])(names),
      },
      row(f): FundingEvent {
        if (f.length !== 2) expectFields(f, 6)
        return {
          ts: epochToMs(f[0], 'date'),
          exchange,
          symbol,
          market,
          kind: 'funding',
          source: 'freqtrade',
          fundingRate: num(f[1], 'funding_rate'),
          intervalHours: null,
        }
      },
    }
  }

  if (named.candleType === 'premiumIndex') {
    const reason = 'freqtrade premiumIndex candles are a premium, not a price; not read'
    return {
      hasHeader: false,
      document: { columns: columnsOrFail(ohlcv) },
      row: () => new Skip(reason),
    }
  }

  const durationMs = named.durationMs
  if (durationMs === null)
    throw new FatalError(
      `${where}: ${named.timeframe} candles have no fixed length; cascade reads timeframes from 1s to 1w`,
    )
  const series: CandleSeries = { exchange, symbol, market, source: 'freqtrade', durationMs }
  return {
    hasHeader: false,
    document: { columns: columnsOrFail(ohlcv) },
    row(f) {
      expectFields(f, 6)
      return candleBar(f, series)
    },
  }
}
