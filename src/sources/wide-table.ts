// Home-made joined tables: one row per bucket with a time column and, side by side, price OHLC,
// liquidations, open interest and whatever else the user joined (funding, CVD…). The model is
// shared/real/coinglass_BTC_regime_1h_1y.csv (ismethanhtung/btc-liquidations-analysis,
// scripts/export-coinglass-btc-regime-dataset.mjs): timestamp, datetime_utc, price_open…price_close,
// liquidation_long/short/total_usd, funding_*, oi_open…oi_close, oi_weight_*, cvd_*.
//
// Claimed by COLUMN NAMES (SYNONYMS below; case, `_`, `-` and spaces ignored): a header with a time
// column and at least two of three groups — price (a close/price column), liquidations (long and
// short), open interest. One group alone is some other format (klines, trades, a CoinGlass
// export), so those are left to their own sources; cascade's own bar and timeline CSVs are
// declined by name. `--source wide-table` reads a table with a single group too.
//
// Each row → one `bar` event: open/high/low/close = price, liqLongUsd / liqShortUsd, openInterestUsd
// = the OI close (USD unless the column is named …_base / …_coin, then openInterest in coins), and
// openInterestUsdLow = the OI low (`oi_low`) when the table has OHLC OI: drawdowns reach down to it.
// A total liquidation column, when present, must equal long + short (LIQ_TOTAL_MISMATCH).
// Columns not in the table (funding, OI-weighted funding, CVD, OI open/high) are ignored.
// `--columns field=column,…` replaces the mapping field by field (`--columns oi=` drops one).
// Exchange: an `exchange` column, else --exchange, else the aggregator the name starts with
// (`coinglass_…`, `coinalyze_…`: their liquidations are market-wide aggregates, which the
// analysis must not add to single exchanges'), else `unknown`. Symbol: a `symbol` column, else
// --symbol, else the coin or pair in the name (`coinglass_BTC_regime…` → BTC), else --market.
// Market: `LTC-USDT` for a pair; for a coin, an aggregator's cross-venue `BTC-USD-AGG` (the name
// coinglass-liquidations uses), else the coin itself (`BTC`: a table does not say which instrument).
// Bucket length: from the rows' spacing, else an interval in the name (aggregator-common.ts).
import { FatalError, RowError } from '../errors.js'
import type { BarEvent } from '../timeline/event.js'
import {
  capitalTokenFromName,
  checkLiquidationTotal,
  coinglassSymbolFromName,
  emptyBar,
  inferBucketMs,
  normalizeName,
  optionalNonNegative,
  probeTimes,
  timeCell,
} from './aggregator-common.js'
import { describeFirstLine, hasHeader } from './binance-common.js'
import { isCascadeBarsHeader } from './cascade-bars.js'
import { isTimelineCsvHeader } from './cascade-timeline.js'
import { expectFields } from './fields.js'
import { canonicalAsset, splitPair } from './instruments.js'
import type { Probe, Source, SourceOptions } from './source.js'

type Field =
  | 'ts'
  | 'open'
  | 'high'
  | 'low'
  | 'close'
  | 'volume'
  | 'volumeUsd'
  | 'takerBuyUsd'
  | 'trades'
  | 'liqLong'
  | 'liqShort'
  | 'liqTotal'
  | 'oi'
  | 'oiBase'
  | 'oiLow'
  | 'oiBaseLow'
  | 'exchange'
  | 'symbol'

/** Column names each field is found under, best first (compared after normalizeName). */
export const SYNONYMS: Readonly<Record<Field, readonly string[]>> = {
  ts: [
    'timestamp',
    'time',
    'ts',
    'open_time',
    'datetime',
    'datetime_utc',
    'date_time',
    'time_utc',
    'timestamp_utc',
    'date',
    't',
  ],
  open: ['open', 'price_open', 'open_price'],
  high: ['high', 'price_high', 'high_price'],
  low: ['low', 'price_low', 'low_price'],
  close: ['close', 'price_close', 'close_price', 'price'],
  volume: ['volume', 'volume_base', 'base_volume', 'vol'],
  volumeUsd: ['volume_usd', 'quote_volume', 'volume_quote', 'quote_asset_volume', 'turnover', 'turnover_usd'],
  takerBuyUsd: ['taker_buy_usd', 'taker_buy_quote_volume', 'taker_buy_volume_usd'],
  trades: ['trades', 'trade_count', 'num_trades', 'number_of_trades'],
  liqLong: [
    'liquidation_long_usd',
    'liq_long_usd',
    'long_liquidation_usd',
    'aggregated_long_liquidation_usd',
    'liquidations_long_usd',
    'long_liquidations_usd',
    'long_liq_usd',
    'longUsd',
    'liq_long',
    'liquidation_long',
    'long_liquidation',
  ],
  liqShort: [
    'liquidation_short_usd',
    'liq_short_usd',
    'short_liquidation_usd',
    'aggregated_short_liquidation_usd',
    'liquidations_short_usd',
    'short_liquidations_usd',
    'short_liq_usd',
    'shortUsd',
    'liq_short',
    'liquidation_short',
    'short_liquidation',
  ],
  liqTotal: [
    'liquidation_total_usd',
    'liq_total_usd',
    'total_liquidation_usd',
    'liquidations_usd',
    'liquidation_usd',
    'totalUsd',
  ],
  oi: [
    'oi_close',
    'open_interest',
    'open_interest_usd',
    'oi_usd',
    'oi',
    'oi_close_usd',
    'open_interest_close',
    'open_interest_value',
  ],
  oiBase: [
    'oi_close_base',
    'oi_close_coin',
    'oi_base',
    'oi_coin',
    'open_interest_base',
    'open_interest_coin',
  ],
  // The bucket's lowest open interest, with OHLC OI: the drawdown reaches down to it.
  oiLow: ['oi_low', 'open_interest_low', 'oi_low_usd', 'open_interest_low_usd'],
  oiBaseLow: ['oi_low_base', 'oi_low_coin', 'open_interest_low_base', 'open_interest_low_coin'],
  exchange: ['exchange', 'venue'],
  symbol: ['symbol', 'pair', 'instrument'],
}

const FIELDS = Object.keys(SYNONYMS) as Field[]
const NORMALIZED = new Map(FIELDS.map((field) => [field, SYNONYMS[field].map(normalizeName)]))

/** `--columns` keys besides the field names themselves. */
const ALIASES: Readonly<Record<string, Field>> = {
  time: 'ts',
  price: 'close',
  liqLongUsd: 'liqLong',
  liqShortUsd: 'liqShort',
  oiUsd: 'oi',
  openInterestUsd: 'oi',
  openInterest: 'oiBase',
}

type Mapping = Partial<Record<Field, number>>

function autoMapping(header: readonly string[]): Mapping {
  const names = header.map(normalizeName)
  const mapping: Mapping = {}
  for (const field of FIELDS) {
    for (const synonym of NORMALIZED.get(field)!) {
      const index = names.indexOf(synonym)
      if (index >= 0) {
        mapping[field] = index
        break
      }
    }
  }
  return mapping
}

function groupsOf(mapping: Mapping): string[] {
  const groups: string[] = []
  if (mapping.close !== undefined) groups.push('price')
  if (mapping.liqLong !== undefined && mapping.liqShort !== undefined) groups.push('liquidations')
  if (mapping.oi !== undefined || mapping.oiBase !== undefined) groups.push('open interest')
  return groups
}

function describeMapping(header: readonly string[], mapping: Mapping): string {
  const used = new Set(Object.values(mapping))
  const shown = FIELDS.filter((f) => mapping[f] !== undefined).map((f) => `${f}=${header[mapping[f]!]}`)
  const ignored = header.filter((_, i) => !used.has(i))
  return `${shown.join(', ')}${ignored.length ? `; ignored: ${ignored.join(',')}` : ''}`
}

/** Apply `--columns`: field=column pairs (column by its header name), `field=` to drop a field. */
function withOverrides(
  header: readonly string[],
  auto: Mapping,
  columns: Record<string, string>,
  where: string,
): Mapping {
  const mapping: Mapping = { ...auto }
  const names = header.map(normalizeName)
  for (const [key, column] of Object.entries(columns)) {
    const field = (FIELDS as string[]).includes(key) ? (key as Field) : ALIASES[key]
    if (!field) {
      throw new FatalError(
        `--columns ${key}: not a wide-table field`,
        `wide-table fields: ${FIELDS.join(', ')}; for trade or liquidation rows use --source generic`,
      )
    }
    if (column === '') {
      delete mapping[field]
      continue
    }
    let index = header.findIndex((h) => h.trim() === column)
    if (index < 0) index = names.indexOf(normalizeName(column))
    if (index < 0)
      throw new FatalError(
        `${where}: --columns ${key}=${column}: no such column; the header is ${header.join(',')}`,
      )
    mapping[field] = index
  }
  return mapping
}

function declined(probe: Probe): string | null {
  const header = probe.lines[0]
  if (!header || !hasHeader(probe)) return 'needs a header row naming its columns'
  if (isCascadeBarsHeader(header)) return 'this is cascade-bars CSV (its own source)'
  if (isTimelineCsvHeader(header)) return 'this is cascade timeline CSV (its own source)'
  return null
}

const AGGREGATORS = new Set(['coinglass', 'coinalyze'])

/**
 * The market of a table's symbol: a canonical name as given, a pair as `LTC-USDT`; a coin of an
 * aggregator's table is its cross-venue aggregate `BTC-USD-AGG`, the name coinglass-liquidations
 * gives the same series; any other coin stays itself.
 */
function marketOf(symbol: string, exchange: string): string {
  if (symbol.includes('-')) return symbol
  const pair = splitPair(symbol)
  if (pair) return `${pair[0]}-${canonicalAsset(pair[1])}`
  const coin = canonicalAsset(symbol)
  return AGGREGATORS.has(exchange) ? `${coin}-USD-AGG` : coin
}

function fileSymbol(probe: Probe, options: SourceOptions): string | null {
  const symbol =
    options.symbol ??
    coinglassSymbolFromName(probe.name) ??
    capitalTokenFromName(probe.name) ??
    options.market
  return symbol ? symbol.toUpperCase() : null
}

export const wideTable: Source = {
  id: 'wide-table',
  title: 'Joined tables: a time column + two of price OHLC, liquidations, open interest (by column names)',
  exchange: '*',
  kinds: ['bar'],
  docs: 'https://github.com/ismethanhtung/btc-liquidations-analysis',
  detect(probe) {
    const refused = declined(probe)
    if (refused) return { claims: false, why: `${refused}; ${describeFirstLine(probe)}` }
    const header = probe.lines[0]!
    const mapping = autoMapping(header)
    const groups = groupsOf(mapping)
    if (mapping.ts !== undefined && groups.length >= 2) {
      return {
        claims: true,
        why: `a joined table (${groups.join(' + ')}): ${describeMapping(header, mapping)}`,
      }
    }
    const missing =
      mapping.ts === undefined ? 'a time column (timestamp, time, datetime, date, open_time, t)' : ''
    return {
      claims: false,
      why:
        `needs ${missing}${missing ? ' and ' : ''}two of: price (close/price_close/price), ` +
        `liquidations (liquidation_long_usd + …short…), open interest (oi_close/open_interest); ` +
        `found ${groups.length ? groups.join(' + ') : 'none'}`,
    }
  },
  open(probe, options) {
    const where = probe.name || '<stdin>'
    const refused = declined(probe)
    if (refused) throw new FatalError(`${where}: cannot read as a wide table: ${refused}`)
    const header = probe.lines[0]!
    const auto = autoMapping(header)
    const mapping = options.columns ? withOverrides(header, auto, options.columns, where) : auto
    const tsIndex = mapping.ts
    if (tsIndex === undefined) {
      throw new FatalError(
        `${where}: no time column; the header is ${header.join(',')}`,
        'name it with --columns ts=COLUMN',
      )
    }
    if (groupsOf(mapping).length === 0) {
      throw new FatalError(
        `${where}: no price, liquidation or open-interest column; the header is ${header.join(',')}`,
        'map them with --columns close=…,liqLong=…,liqShort=…,oi=…',
      )
    }
    const symbolOfFile = mapping.symbol === undefined ? fileSymbol(probe, options) : null
    if (mapping.symbol === undefined && !symbolOfFile) {
      throw new FatalError(
        `${where}: cannot tell the coin of this table`,
        'put the coin in the file name (BTC_table_1h.csv) or pass --symbol BTC',
      )
    }
    const aggregatorOfName = /^(coinglass|coinalyze)[_-]/i.exec(probe.name)?.[1]?.toLowerCase()
    const exchangeOfFile = options.exchange?.toLowerCase() ?? aggregatorOfName ?? 'unknown'
    const durationMs = inferBucketMs(probeTimes(probe, tsIndex, true), probe, 'table')
    const markets = new Map<string, string>()
    const column = (field: Field) => (mapping[field] === undefined ? '' : header[mapping[field]!]!.trim())
    const value = (f: string[], field: Field) => {
      const index = mapping[field]
      return index === undefined ? null : optionalNonNegative(f[index], column(field))
    }
    const text = (f: string[], field: Field) => {
      const index = mapping[field]
      const cell = index === undefined ? '' : (f[index] ?? '').trim()
      return cell.length > 0 ? cell : null
    }
    return {
      hasHeader: true,
      row(f): BarEvent {
        expectFields(f, header.length)
        const ts = timeCell(f[tsIndex], column('ts'))
        const symbol = text(f, 'symbol')?.toUpperCase() ?? symbolOfFile
        if (!symbol) throw new RowError('MISSING_FIELD', `${column('symbol')}: empty`)
        const exchange = text(f, 'exchange')?.toLowerCase() ?? exchangeOfFile
        const marketKey = `${exchange}\u0000${symbol}`
        let market = markets.get(marketKey)
        if (market === undefined) {
          market = marketOf(symbol, exchange)
          markets.set(marketKey, market)
        }
        const bar = emptyBar({ ts, exchange, symbol, market, source: 'wide-table', durationMs })
        bar.open = value(f, 'open')
        bar.high = value(f, 'high')
        bar.low = value(f, 'low')
        bar.close = value(f, 'close')
        bar.volume = value(f, 'volume')
        bar.volumeUsd = value(f, 'volumeUsd')
        bar.takerBuyUsd = value(f, 'takerBuyUsd')
        bar.trades = value(f, 'trades')
        bar.liqLongUsd = value(f, 'liqLong')
        bar.liqShortUsd = value(f, 'liqShort')
        const total = value(f, 'liqTotal')
        if (total !== null && bar.liqLongUsd !== null && bar.liqShortUsd !== null) {
          checkLiquidationTotal(bar.liqLongUsd, bar.liqShortUsd, total, column('liqTotal'))
        }
        bar.openInterestUsd = value(f, 'oi')
        bar.openInterest = value(f, 'oiBase')
        // Set as a pair, only when a low is known (as the timeline writes and reads them back).
        const usdLow = bar.openInterestUsd === null ? null : value(f, 'oiLow')
        const baseLow = bar.openInterest === null ? null : value(f, 'oiBaseLow')
        if (usdLow !== null || baseLow !== null) {
          bar.openInterestUsdLow = usdLow
          bar.openInterestLow = baseLow
        }
        return bar
      },
    }
  },
}
