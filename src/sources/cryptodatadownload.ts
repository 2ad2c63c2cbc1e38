// CryptoDataDownload OHLC files: https://www.cryptodatadownload.com/data/ (one page per exchange,
// e.g. https://www.cryptodatadownload.com/data/binance/), named `Binance_BTCUSDT_1h.csv`,
// `Binance_BTCUSDT_d.csv`, `Binance_BTCUSDT_2021_minute.csv`, `gemini_BTCUSD_1h.csv`.
// Layouts seen over the years, all read by column name (case and spaces ignored):
//   https://www.CryptoDataDownload.com                       (banner line, current and older files)
//   Unix,Date,Symbol,Open,High,Low,Close,Volume BTC,Volume USDT,tradecount
//   unix,date,symbol,open,high,low,close,Volume ETH,Volume USDT,tradecount   (2021, no banner; real file)
//   Unix Timestamp,Date,Symbol,Open,High,Low,Close,Volume BTC,Volume USDT     (2020)
//   Date,Symbol,Open,High,Low,Close,Volume BTC,Volume USD                     (2019, no epoch column)
// Quirks, each handled here:
// - Newest row first: the file is read whole and put in time order (FileReader.wholeFile), so it
//   needs no --sort-window; memory grows with the file (a year of minute bars ≈ 180 MB).
// - `unix` in ms or in seconds with a fraction (`1502942400.0`), told apart by size. It is the
//   time read; `date` (`2021-06-10 00:00:00`, `2017-08-17 04-AM`) only when there is no epoch
//   column, as UTC. The real ETH file's `date` disagrees with `unix` by 4 h on 91 rows of
//   2017 (written in US Eastern time), so `unix` wins.
// - Volume in two columns named after the base and quote (`Volume ETH`, `Volume USDT`; the
//   oldest files `Volume From`/`Volume To`): base → volume, quote → volumeUsd when the quote is a
//   dollar. `tradecount` may be `NULL`, a volume `nan` (one row of the real ETH file): null.
// - The same bar twice: the real ETH file holds 2,649 hours once from a ms-stamped export (8
//   decimals, a trade count) and once from a second-stamped one (rounded, NULL count). The bar
//   with a trade count stays, else the one higher up in the file (the file's newest export); the
//   other is counted as superseded. Identical rows are duplicates, as everywhere.
// Exchange from the name's first word (`Binance_…` → binance), else --exchange, else `unknown`.
// Pair from the name, else --symbol, else the symbol column. Spot (`ETH-USDT`) unless the name
// says futures (`ETH-USDT-PERP`). Bar length from the rows' spacing, else the name (`_1h`, `_d`,
// `_minute`).
import { FatalError, RowError } from '../errors.js'
import type { BarEvent } from '../timeline/event.js'
import { DAY_MS, emptyBar, HOUR_MS, intervalFromName, MINUTE_MS, normalizeName } from './aggregator-common.js'
import { type Pair, pairFromName, pairMarket, parsePair, quoteIsUsd, smallestStep } from './bar-files.js'
import { describeFirstLine } from './binance-common.js'
import { epochToMs, expectFields, positive, quote } from './fields.js'
import { canonicalAsset } from './instruments.js'
import type { Probe, Source, SourceOptions } from './source.js'

const BANNER = /cryptodatadownload/i
const EPOCH_COLUMNS = ['unix', 'unixtimestamp']

interface Layout {
  banner: boolean
  header: string[]
  /** The epoch column, else -1 (the date column gives the time). */
  unix: number
  date: number
  symbol: number
  open: number
  high: number
  low: number
  close: number
  /** `Volume ETH`, `Volume USDT`, …: the raw asset word after `Volume` ('' for a bare `Volume`). */
  volumes: { index: number; asset: string }[]
  trades: number
}

function layoutOf(probe: Probe): Layout | null {
  const banner = BANNER.test(probe.lines[0]?.[0] ?? '')
  const header = probe.lines[banner ? 1 : 0]
  if (!header) return null
  const names = header.map(normalizeName)
  const at = (...options: string[]) => names.findIndex((n) => options.includes(n))
  const layout: Layout = {
    banner,
    header: header.map((h) => h.replace(/^\uFEFF/, '').trim()),
    unix: at(...EPOCH_COLUMNS),
    date: at('date'),
    symbol: at('symbol'),
    open: at('open'),
    high: at('high'),
    low: at('low'),
    close: at('close'),
    volumes: header.flatMap((cell, index) => {
      const m = /^\s*volume\s*(.*)$/i.exec(cell.replace(/^\uFEFF/, ''))
      return m ? [{ index, asset: m[1]!.trim().toUpperCase() }] : []
    }),
    trades: at('tradecount'),
  }
  const prices = [layout.open, layout.high, layout.low, layout.close].every((i) => i >= 0)
  if (!prices || (layout.unix < 0 && layout.date < 0)) return null
  if (banner) return layout
  // Without the banner, only CryptoDataDownload's own shape: date and symbol beside the prices,
  // and its epoch column or its volumes named after assets (`Volume ETH`).
  const namedVolume = layout.volumes.some((v) => v.asset.length > 0)
  return layout.date >= 0 && layout.symbol >= 0 && (layout.unix >= 0 || namedVolume) ? layout : null
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{1,2})(?::(\d{2})(?::(\d{2}))?|-(AM|PM)))?$/i

/**
 * A `date` cell as CryptoDataDownload writes it, read as UTC: `2021-06-10 00:00:00`,
 * `2017-08-17 04-AM` (a 12-hour clock: `12-AM` is midnight, `12-PM` noon), `2019-10-01`.
 */
export function cddDate(text: string | undefined, column: string): number {
  const m = text === undefined ? null : DATE.exec(text.trim())
  if (!m) {
    throw new RowError(
      'BAD_TIMESTAMP',
      `${column}: expected YYYY-MM-DD HH:MM:SS or YYYY-MM-DD HH-AM, got ${quote(text ?? '')}`,
    )
  }
  const [, y, mo, d, h = '0', mi = '0', s = '0', half] = m
  let hour = Number(h)
  if (half) {
    if (hour < 1 || hour > 12)
      throw new RowError('BAD_TIMESTAMP', `${column}: ${quote(text!)} has no such hour`)
    hour = (hour % 12) + (half.toUpperCase() === 'PM' ? 12 : 0)
  }
  const ms = Date.UTC(+y!, +mo! - 1, +d!, hour, +mi, +s)
  const check = new Date(ms)
  if (check.getUTCMonth() !== +mo! - 1 || check.getUTCDate() !== +d! || hour > 23 || +mi > 59 || +s > 59) {
    throw new RowError('BAD_TIMESTAMP', `${column}: ${quote(text!)} is not a valid date and time`)
  }
  return ms
}

/** The epoch column: ms, or seconds with a fraction (`1502942400.0`), by size. */
export function cddUnix(text: string | undefined, column: string): number {
  return epochToMs(text, column)
}

const EXCHANGES = new Set([
  'binance',
  'binanceus',
  'bitfinex',
  'bitmex',
  'bitstamp',
  'bittrex',
  'bybit',
  'cexio',
  'coinbase',
  'deribit',
  'exmo',
  'ftx',
  'gateio',
  'gemini',
  'hitbtc',
  'huobi',
  'kraken',
  'kucoin',
  'okex',
  'okx',
  'poloniex',
])

function tokensOf(name: string): string[] {
  return name.replace(/\.(csv|txt)$/i, '').split(/[_\-. ]+/)
}

/** `Binance_BTCUSDT_1h.csv` → binance: the name's first word, or an exchange CryptoDataDownload covers. */
function exchangeFromName(name: string): string | null {
  const tokens = tokensOf(name)
  const first = tokens[0] ?? ''
  if (/^[A-Za-z]+$/.test(first) && tokens.length > 1 && !parsePair(first)) return first.toLowerCase()
  return tokens.map((t) => t.toLowerCase()).find((t) => EXCHANGES.has(t)) ?? null
}

const NAME_STEPS: Readonly<Record<string, number>> = {
  d: DAY_MS,
  day: DAY_MS,
  daily: DAY_MS,
  h: HOUR_MS,
  hour: HOUR_MS,
  hourly: HOUR_MS,
  m: MINUTE_MS,
  min: MINUTE_MS,
  minute: MINUTE_MS,
  minutely: MINUTE_MS,
}

/** The bar length a CryptoDataDownload name states: `_1h`, `_4h`, `_d`, `_minute`, `_2021_minute`, `_1min`. */
export function cddIntervalFromName(name: string): number | null {
  for (const token of tokensOf(name).slice(1)) {
    const step = NAME_STEPS[token.toLowerCase()]
    if (step !== undefined) return step
  }
  return intervalFromName(name)
}

interface Series {
  pair: Pair
  exchange: string
  market: string
}

function seriesOf(probe: Probe, layout: Layout, options: SourceOptions): Series {
  const where = probe.name || '<stdin>'
  const given = options.symbol === undefined ? undefined : parsePair(options.symbol)
  if (given === null) {
    throw new FatalError(
      `--symbol ${options.symbol}: cannot tell its base and quote currency`,
      'pass a pair such as BTCUSDT or ETH/USDT',
    )
  }
  const firstRow = probe.lines[layout.banner ? 2 : 1]
  const column = layout.symbol >= 0 && firstRow ? parsePair(firstRow[layout.symbol] ?? '') : null
  const pair = given ?? pairFromName(probe.name) ?? column
  if (!pair) {
    throw new FatalError(
      `${where}: cannot tell the pair of this CryptoDataDownload file`,
      "keep CryptoDataDownload's file name (Binance_BTCUSDT_1h.csv) or pass --symbol BTCUSDT",
    )
  }
  const exchange = exchangeFromName(probe.name) ?? options.exchange?.toLowerCase() ?? 'unknown'
  const futures = tokensOf(probe.name).some((t) => /^futures?$/i.test(t))
  return { pair, exchange, market: pairMarket(pair, futures) }
}

function barLength(probe: Probe, layout: Layout, time: (text: string | undefined) => number): number {
  const times: number[] = []
  for (const row of probe.lines.slice(layout.banner ? 2 : 1)) {
    try {
      times.push(time(row[layout.unix >= 0 ? layout.unix : layout.date]))
    } catch {
      // a bad cell is reported when the row is read
    }
  }
  const step = smallestStep(times) ?? cddIntervalFromName(probe.name)
  if (step !== null) return step
  if (times.length === 0) return HOUR_MS // no data rows: the length is never used
  throw new FatalError(
    `${probe.name || '<stdin>'}: cannot tell the bar length (a single row, no interval in the name)`,
    "keep CryptoDataDownload's file name, e.g. Binance_BTCUSDT_1h.csv or Binance_BTCUSDT_d.csv",
  )
}

/**
 * A volume or trade count that may be missing: `NULL` (older exports), `nan` (a pandas gap: one
 * row of the real ETH file) or empty → null, not a bad row; the bar's prices still count.
 */
function optionalFigure(text: string | undefined, column: string): number | null {
  if (text === undefined || text === '' || /^(null|nan)$/i.test(text)) return null
  return positive(text, column)
}

export const cryptodatadownload: Source = {
  id: 'cryptodatadownload',
  title: 'CryptoDataDownload OHLC (newest first; banner; s or ms; doubled bars superseded)',
  exchange: '*',
  kinds: ['bar'],
  docs: 'https://www.cryptodatadownload.com/data/',
  detect(probe) {
    const layout = layoutOf(probe)
    if (layout) {
      return {
        claims: true,
        why: `${layout.banner ? 'CryptoDataDownload banner, then ' : ''}its header ${layout.header.join(',')}`,
      }
    }
    return {
      claims: false,
      why:
        "needs CryptoDataDownload's header (unix or Unix Timestamp, date, symbol, open, high, low, close, " +
        `Volume BASE, Volume QUOTE[, tradecount]), with or without its banner line; ${describeFirstLine(probe)}`,
    }
  },
  open(probe, options) {
    const layout = layoutOf(probe)
    if (!layout) {
      throw new FatalError(
        `${probe.name || '<stdin>'}: not a CryptoDataDownload file (${describeFirstLine(probe)})`,
      )
    }
    const { header } = layout
    const timeIndex = layout.unix >= 0 ? layout.unix : layout.date
    const timeColumn = header[timeIndex]!
    const time = layout.unix >= 0 ? cddUnix : cddDate
    const { pair, exchange, market } = seriesOf(probe, layout, options)
    const durationMs = barLength(probe, layout, (text) => time(text, timeColumn))
    // Which volume column is the base's and which the quote's: by the asset named (`Volume ETH`,
    // oldest files `Volume From`/`Volume To`), else a bare `Volume` is the base, else by order.
    const { volumes } = layout
    const byOrder = volumes.length === 2
    const base =
      volumes.find((v) => v.asset === 'FROM' || (v.asset !== '' && canonicalAsset(v.asset) === pair.base)) ??
      volumes.find((v) => v.asset === '') ??
      (byOrder ? volumes[0] : undefined)
    const quoteVolume =
      volumes.find((v) => v !== base && (v.asset === 'TO' || canonicalAsset(v.asset) === pair.quote)) ??
      (byOrder ? volumes.find((v) => v !== base) : undefined)
    const usd = quoteIsUsd(pair)
    const column = (index: number) => header[index]!
    return {
      hasHeader: true,
      headerLines: layout.banner ? 2 : 1,
      wholeFile: {
        prefer: (first, second) => (first.trades !== null || second.trades === null ? first : second),
        rule: "kept the bar with a trade count (CryptoDataDownload's newer, ms-stamped export), else the one higher up in the file",
      },
      row(f): BarEvent {
        expectFields(f, header.length)
        const bar = emptyBar({
          ts: time(f[timeIndex], timeColumn),
          exchange,
          symbol: pair.symbol,
          market,
          source: 'cryptodatadownload',
          durationMs,
        })
        bar.open = positive(f[layout.open], column(layout.open))
        bar.high = positive(f[layout.high], column(layout.high))
        bar.low = positive(f[layout.low], column(layout.low))
        bar.close = positive(f[layout.close], column(layout.close))
        if (base) bar.volume = optionalFigure(f[base.index], column(base.index))
        if (quoteVolume && usd)
          bar.volumeUsd = optionalFigure(f[quoteVolume.index], column(quoteVolume.index))
        if (layout.trades >= 0) bar.trades = optionalFigure(f[layout.trades], column(layout.trades))
        return bar
      },
    }
  },
}
