// Binance futures `metrics` daily archive: open interest every 5 minutes (undocumented by Binance;
// FORMATS.md §1.3). create_time,symbol,sum_open_interest,sum_open_interest_value,…ratios
// https://github.com/binance/binance-public-data
//
// Rows are not in time order inside a file (sorted by ingest), and files until 2021-05-20 hold
// every row twice (dropped and counted by the timeline). USD-M `sum_open_interest` is in base
// units; COIN-M's is in contracts, which give USD exactly (contracts × contract size) and base
// units only through a price, left to the analysis (DESIGN §6: "inverse OI converted at the mark price").
import { RowError } from '../errors.js'
import type { OpenInterestEvent } from '../timeline/event.js'
import { describeFirstLine, headerIs, isCoinMSymbol, rowIs } from './binance-common.js'
import { expectFields, num, positive, quote, utcDateTime } from './fields.js'
import { binanceInstrument, type Instrument } from './instruments.js'
import type { Source } from './source.js'

const HEADER = [
  'create_time',
  'symbol',
  'sum_open_interest',
  'sum_open_interest_value',
  'count_toptrader_long_short_ratio',
  'sum_toptrader_long_short_ratio',
  'count_long_short_ratio',
  'sum_taker_long_short_vol_ratio',
]
const DATE_TIME_START = /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}/
const ROW = ['datetime', 'any', 'num', 'num', 'any', 'any', 'any', 'any'] as const

export const binanceMetrics: Source = {
  id: 'binance-metrics',
  title: 'Binance futures metrics (open interest every 5 min; unordered; early files doubled)',
  exchange: 'binance',
  kinds: ['open_interest'],
  docs: 'https://github.com/binance/binance-public-data',
  detect(probe) {
    if (headerIs(probe, HEADER)) return { claims: true, why: 'header is Binance metrics' }
    if (rowIs(probe.lines[0], ROW))
      return {
        claims: true,
        why: 'no header; 8 fields create_time (YYYY-MM-DD HH:MM:SS),symbol,sum_open_interest,… (metrics)',
      }
    return { claims: false, why: `needs header ${HEADER.join(',')}; ${describeFirstLine(probe)}` }
  },
  open(probe) {
    const instruments = new Map<string, Instrument>()
    // The symbol is a cell of each row: one that names no instrument is that row's fault (a
    // counted bad row), not the file's.
    const instrumentOf = (symbol: string) => {
      let instrument = instruments.get(symbol)
      if (!instrument) {
        if (symbol.length === 0) throw new RowError('MISSING_FIELD', 'symbol: empty')
        instrument = binanceInstrument(symbol, isCoinMSymbol(symbol) ? 'cm' : 'um') ?? undefined
        if (!instrument)
          throw new RowError(
            'BAD_SYMBOL',
            `symbol: ${quote(symbol)} is not a Binance futures symbol such as BTCUSDT or BTCUSD_PERP`,
          )
        // A file holds one or a few symbols; a hostile one must not grow this without bound.
        if (instruments.size >= 1000) instruments.clear()
        instruments.set(symbol, instrument)
      }
      return instrument
    }
    return {
      // A data row starts with a date-time, which the generic rule (first cell not a number ⇒
      // header) would take for a header, silently dropping the first row of a headerless file.
      hasHeader: !DATE_TIME_START.test(probe.lines[0]?.[0] ?? ''),
      unquoted: true,
      unordered: true,
      row(f): OpenInterestEvent {
        expectFields(f, 8)
        const ts = utcDateTime(f[0], 'create_time')
        const symbol = f[1]!.toUpperCase()
        const instrument = instrumentOf(symbol)
        const level = positive(f[2], 'sum_open_interest')
        const value = num(f[3], 'sum_open_interest_value')
        const inverse = instrument.contract === 'inverse'
        return {
          ts,
          exchange: 'binance',
          symbol,
          market: instrument.market,
          kind: 'open_interest',
          source: 'binance-metrics',
          openInterest: inverse ? null : level,
          openInterestUsd: inverse ? level * instrument.contractSize : value,
        }
      },
    }
  },
}
