// cascade-bars: the bar CSV that `cascade bars` writes, and the scale-out interface (DESIGN §10):
// a user can build it in DuckDB, ClickHouse or Spark from ticks and hand the small result to
// `cascade analyze`. The columns are a contract, CASCADE_BARS_COLUMNS below:
//   ts            bucket OPEN time, epoch milliseconds UTC (ISO 8601 `2026-02-06T00:00:00Z` or
//                 DuckDB's `2026-02-06 00:00:00+00` are accepted too)
//   exchange      binance, bybit, okx, …      symbol   the exchange's own symbol (BTCUSDT)
//   market        canonical market (BTC-USDT-PERP)      durationMs   bucket length in ms (1000, 60000)
//   open,high,low,close   price                volume   base units traded
//   volumeUsd, takerBuyUsd   USD traded, USD bought by takers     trades   number of trades
//   liqLongUsd, liqShortUsd  USD of long / short positions liquidated
//   openInterest, openInterestUsd   open interest at the bucket's close, in base units / USD
// An empty cell is null (no such figure), never zero. Columns may come in any order; extra columns
// are ignored, except an optional liqLongBase,liqShortBase pair (liquidations counted in coins,
// as Coinalyze does; see BarEvent) and openInterestSamplingMs (how often the OI was sampled, when
// coarser than the bar: 5-minute metrics in 1-minute bars), which `cascade bars` writes when set. Rows must be in time order (ORDER BY ts), like every ordered source.
import { FatalError, RowError } from '../errors.js'
import { CASCADE_BARS_COLUMNS } from '../timeline/csv-formats.js'
import type { BarEvent } from '../timeline/event.js'
import { normalizeName, optionalNonNegative, timeCell } from './aggregator-common.js'
import { describeFirstLine } from './binance-common.js'
import { isTimelineCsvHeader } from './cascade-timeline.js'
import { num } from './fields.js'
import type { Source } from './source.js'

export { CASCADE_BARS_COLUMNS }

type Column = (typeof CASCADE_BARS_COLUMNS)[number]

/** Where each contract column sits in a header; null when one is missing. */
function positions(header: readonly string[] | undefined): Record<Column, number> | null {
  if (!header) return null
  const names = header.map(normalizeName)
  const found = {} as Record<Column, number>
  for (const column of CASCADE_BARS_COLUMNS) {
    const index = names.indexOf(normalizeName(column))
    if (index < 0) return null
    found[column] = index
  }
  return found
}

/**
 * Does a header name every cascade-bars column (other table sources decline such files)? The
 * timeline CSV names them all too, among others, and is its own source's.
 */
export function isCascadeBarsHeader(header: readonly string[] | undefined): boolean {
  return positions(header) !== null && !isTimelineCsvHeader(header)
}

/** The optional openInterestSamplingMs cell: a positive length in ms, or nothing. */
function samplingOf(cell: string | undefined): { openInterestSamplingMs?: number } {
  const value = optionalNonNegative(cell, 'openInterestSamplingMs')
  if (value === null) return {}
  if (!(value > 0))
    throw new RowError('BAD_NUMBER', `openInterestSamplingMs: expected a positive length, got ${cell}`)
  return { openInterestSamplingMs: value }
}

export const cascadeBars: Source = {
  id: 'cascade-bars',
  title: "cascade's bar CSV (ts,exchange,symbol,market,durationMs,OHLC,volumes,liquidations,OI)",
  exchange: '*',
  kinds: ['bar'],
  docs: 'README.md#cascade-bars (DESIGN.md §10)',
  detect(probe) {
    if (isCascadeBarsHeader(probe.lines[0]))
      return { claims: true, why: 'header names every cascade-bars column' }
    if (isTimelineCsvHeader(probe.lines[0]))
      return { claims: false, why: 'this is cascade timeline --csv (the cascade-timeline source)' }
    const seen = new Set((probe.lines[0] ?? []).map(normalizeName))
    const missing = CASCADE_BARS_COLUMNS.filter((c) => !seen.has(normalizeName(c)))
    return {
      claims: false,
      why:
        `needs the header ${CASCADE_BARS_COLUMNS.join(',')}` +
        `${missing.length < CASCADE_BARS_COLUMNS.length ? ` (missing ${missing.join(',')})` : ''}; ${describeFirstLine(probe)}`,
    }
  },
  open(probe) {
    const at = isCascadeBarsHeader(probe.lines[0]) ? positions(probe.lines[0]) : null
    if (!at)
      throw new FatalError(
        `${probe.name || '<stdin>'}: not a cascade-bars file (${describeFirstLine(probe)})`,
      )
    const width = probe.lines[0]!.length
    const text = (f: string[], column: Column) => {
      const cell = f[at[column]]
      if (cell === undefined || cell.length === 0) throw new RowError('MISSING_FIELD', `${column}: empty`)
      return cell
    }
    const price = (f: string[], column: Column) => optionalNonNegative(f[at[column]], column)
    // Optional extra pair for aggregators that count liquidations in coins (Coinalyze).
    const names = probe.lines[0]!.map(normalizeName)
    const long = names.indexOf('liqlongbase')
    const short = names.indexOf('liqshortbase')
    const baseAt = long >= 0 && short >= 0 ? { long, short } : null
    const samplingAt = names.indexOf('openinterestsamplingms')
    return {
      hasHeader: true,
      row(f): BarEvent {
        if (f.length !== width) throw new RowError('FIELD_COUNT', `expected ${width} fields, got ${f.length}`)
        const durationMs = num(f[at.durationMs], 'durationMs')
        if (!(durationMs > 0))
          throw new RowError('BAD_NUMBER', `durationMs: expected a positive length, got ${f[at.durationMs]}`)
        return {
          ts: timeCell(f[at.ts], 'ts'),
          exchange: text(f, 'exchange'),
          symbol: text(f, 'symbol'),
          market: text(f, 'market'),
          kind: 'bar',
          source: 'cascade-bars',
          durationMs,
          open: price(f, 'open'),
          high: price(f, 'high'),
          low: price(f, 'low'),
          close: price(f, 'close'),
          volume: price(f, 'volume'),
          volumeUsd: price(f, 'volumeUsd'),
          takerBuyUsd: price(f, 'takerBuyUsd'),
          trades: price(f, 'trades'),
          liqLongUsd: price(f, 'liqLongUsd'),
          liqShortUsd: price(f, 'liqShortUsd'),
          openInterest: price(f, 'openInterest'),
          openInterestUsd: price(f, 'openInterestUsd'),
          ...(baseAt === null
            ? {}
            : {
                liqLongBase: optionalNonNegative(f[baseAt.long], 'liqLongBase'),
                liqShortBase: optionalNonNegative(f[baseAt.short], 'liqShortBase'),
              }),
          ...samplingOf(samplingAt < 0 ? undefined : f[samplingAt]),
        }
      },
    }
  },
}
