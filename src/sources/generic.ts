// generic: any CSV of trades, liquidations or open interest, read through a column mapping.
//   cascade analyze mydata.csv --source generic \
//     --columns ts=time,price=px,amount=qty,side=taker_side --exchange kraken --market BTC-USD
// Claims a file only when forced (`--source generic`): a mapping describes one file, not a format.
//
// Mapping fields (`--columns field=column,…`; a column by its header name, or by its 1-based
// number for a file without a header, e.g. `ts=1,price=2,amount=3` for Kraken Time & Sales):
//   kind     a literal, not a column: trade (default), liquidation or open_interest
//   ts       time: epoch s/ms/µs/ns (by size) or ISO 8601 / `YYYY-MM-DD HH:MM:SS` (UTC)     all kinds
//   price    price in the market's quote currency                          trade, liquidation
//   amount   size in BASE units                                            trade, liquidation
//   side     trade: the TAKER side — buy/sell, b/s, 1/-1 (optional, else `unknown`)
//            liquidation: the liquidated POSITION — long/short (required)
//   id       trade id (optional; without it each row's id is `line-N`, so identical rows stay
//            separate trades instead of being dropped as duplicates)
//   usd      USD notional (optional; else price × amount when the quote is a dollar)
//   oi, oiUsd   open interest in base units / USD (open_interest; at least one)
// Exchange and market come from --exchange and --market (or --symbol), since a user's file may
// hold neither. Rows may come in any order (sorted within --sort-window).
import { FatalError, RowError } from '../errors.js'
import type { TimelineEvent } from '../timeline/event.js'
import { timeCell } from './aggregator-common.js'
import { aboveZero, isNumeric, optionalNum, positive, quote } from './fields.js'
import { canonicalAsset, isUsdLike, splitPair } from './instruments.js'
import type { Probe, Source, SourceOptions } from './source.js'

const FIELDS = ['ts', 'price', 'amount', 'side', 'id', 'usd', 'oi', 'oiUsd'] as const
type Field = (typeof FIELDS)[number]
const KINDS = ['trade', 'liquidation', 'open_interest'] as const
type Kind = (typeof KINDS)[number]

const REQUIRED: Readonly<Record<Kind, readonly Field[]>> = {
  trade: ['ts', 'price', 'amount'],
  liquidation: ['ts', 'price', 'amount', 'side'],
  open_interest: ['ts'],
}

const TAKER_SIDES: Readonly<Record<string, 'buy' | 'sell'>> = {
  buy: 'buy',
  sell: 'sell',
  b: 'buy',
  s: 'sell',
  '1': 'buy',
  '-1': 'sell',
}
const POSITION_SIDES: Readonly<Record<string, 'long' | 'short'>> = { long: 'long', short: 'short' }

const EXAMPLE = '--columns ts=time,price=px,amount=qty,side=taker_side --exchange kraken --market BTC-USD'

/** The market named on the command line, in canonical form: `BTC-USD` as given, `BTCUSDT` → `BTC-USDT`. */
function marketOf(options: SourceOptions): { symbol: string; market: string } | null {
  const given = options.market ?? options.symbol
  if (!given) return null
  const upper = given.toUpperCase()
  if (upper.includes('-')) return { symbol: options.symbol ?? upper, market: upper }
  const pair = splitPair(upper)
  return { symbol: options.symbol ?? upper, market: pair ? `${pair[0]}-${canonicalAsset(pair[1])}` : upper }
}

/** A column by its 1-based number (any file) or by its header name (files with a header). */
function columnIndex(probe: Probe, header: boolean, field: string, column: string): number {
  const where = probe.name || '<stdin>'
  const seen = probe.lines[0] ?? []
  if (/^\d+$/.test(column)) {
    const n = Number(column)
    if (n >= 1 && n <= seen.length) return n - 1
    throw new FatalError(
      `${where}: --columns ${field}=${column}: the file has ${seen.length} columns`,
      `its first line is ${seen.join(',')}`,
    )
  }
  if (!header) {
    throw new FatalError(
      `${where}: --columns ${field}=${column}: this file has no header, so columns are numbers 1–${seen.length}`,
      `its first line is ${seen.join(',')}`,
    )
  }
  let index = seen.findIndex((h) => h.trim() === column)
  if (index < 0) index = seen.findIndex((h) => h.trim().toLowerCase() === column.toLowerCase())
  if (index < 0)
    throw new FatalError(
      `${where}: --columns ${field}=${column}: no such column; the header is ${seen.join(',')}`,
    )
  return index
}

/**
 * Mapped by names, the file has a header (unless its first cell is a number: then the names cannot
 * be found, said clearly). Mapped by numbers only, it has one unless the first line's time cell
 * reads as a time (an ISO time is not numeric, so Binance's "non-numeric means header" would misjudge it).
 */
function fileHasHeader(probe: Probe, columns: Record<string, string>): boolean {
  const mapped = Object.entries(columns).filter(([key, value]) => key !== 'kind' && value !== '')
  if (!mapped.every(([, value]) => /^\d+$/.test(value))) return !isNumeric(probe.lines[0]?.[0])
  try {
    timeCell(probe.lines[0]?.[Number(columns.ts) - 1], 'ts')
    return false
  } catch {
    return true
  }
}

export const generic: Source = {
  id: 'generic',
  title: 'Any CSV of trades, liquidations or OI through --columns ts=…,price=…,amount=…,side=…',
  exchange: '*',
  kinds: ['trade', 'liquidation', 'open_interest'],
  docs: 'README.md#generic-csv',
  forcedOnly: true,
  detect() {
    return { claims: false, why: `claims a file only with --source generic and a mapping: ${EXAMPLE}` }
  },
  open(probe, options) {
    const where = probe.name || '<stdin>'
    const columns = options.columns
    if (!columns || Object.keys(columns).length === 0) {
      throw new FatalError(`${where}: the generic source needs a column mapping`, `pass ${EXAMPLE}`)
    }
    const kind = (columns.kind ?? 'trade') as Kind
    if (!KINDS.includes(kind))
      throw new FatalError(`--columns kind=${columns.kind}: expected ${KINDS.join(', ')}`)
    for (const key of Object.keys(columns)) {
      if (key !== 'kind' && !(FIELDS as readonly string[]).includes(key)) {
        throw new FatalError(
          `--columns ${key}: not a generic field`,
          `generic fields: kind, ${FIELDS.join(', ')}`,
        )
      }
    }
    const exchange = options.exchange?.toLowerCase()
    const series = marketOf(options)
    if (!exchange || !series) {
      throw new FatalError(
        `${where}: the generic source needs the exchange and market of the file`,
        `pass --exchange NAME --market BASE-QUOTE, e.g. ${EXAMPLE}`,
      )
    }
    const missing = REQUIRED[kind].filter((f) => !columns[f])
    if (kind === 'open_interest' && !columns.oi && !columns.oiUsd) missing.push('oi')
    if (missing.length > 0) {
      throw new FatalError(
        `${where}: --columns lacks ${missing.join(', ')} for ${kind} rows`,
        `e.g. ${EXAMPLE}`,
      )
    }
    const header = fileHasHeader(probe, columns)
    const at: Partial<Record<Field, number>> = {}
    for (const field of FIELDS) {
      const column = columns[field]
      if (column) at[field] = columnIndex(probe, header, field, column)
    }
    const { symbol, market } = series
    const quoteAsset = market.split('-')[1] ?? ''
    const usdQuoted = isUsdLike(quoteAsset)
    if (kind === 'liquidation' && !usdQuoted && at.usd === undefined) {
      throw new FatalError(
        `${where}: liquidations need a USD value: ${market} is not quoted in a dollar`,
        'map a USD column with --columns usd=COLUMN',
      )
    }
    const head = { exchange, symbol, market, source: 'generic' }
    const cell = (f: string[], field: Field) => (at[field] === undefined ? undefined : f[at[field]!])
    const name = (field: Field) => columns[field] ?? field
    return {
      hasHeader: header,
      unordered: true,
      row(f, line): TimelineEvent {
        const ts = timeCell(cell(f, 'ts'), name('ts'))
        const usd = at.usd === undefined ? null : positive(cell(f, 'usd'), name('usd'))
        if (kind === 'open_interest') {
          return {
            ...head,
            ts,
            kind,
            openInterest: at.oi === undefined ? null : optionalNum(cell(f, 'oi'), name('oi')),
            openInterestUsd: at.oiUsd === undefined ? null : optionalNum(cell(f, 'oiUsd'), name('oiUsd')),
          }
        }
        const price = aboveZero(cell(f, 'price'), name('price'))
        const amount = aboveZero(cell(f, 'amount'), name('amount'))
        const notional = usd ?? (usdQuoted ? price * amount : null)
        const sideText = cell(f, 'side')?.trim()
        if (kind === 'liquidation') {
          const side = POSITION_SIDES[sideText?.toLowerCase() ?? '']
          if (!side)
            throw new RowError(
              'BAD_SIDE',
              `${name('side')}: expected long or short (the liquidated position), got ${quote(sideText ?? '')}`,
            )
          return { ...head, ts, kind, price, amount, notionalUsd: notional!, side }
        }
        let side: 'buy' | 'sell' | 'unknown' = 'unknown'
        if (at.side !== undefined) {
          const taker = TAKER_SIDES[sideText?.toLowerCase() ?? '']
          if (!taker)
            throw new RowError(
              'BAD_SIDE',
              `${name('side')}: expected the taker side buy/sell (or b/s, 1/-1), got ${quote(sideText ?? '')}`,
            )
          side = taker
        }
        // Without an id column, identical rows are still separate trades (Kraken Time & Sales has
        // them): the line number keeps them apart, so the timeline never drops one as a duplicate.
        const id = at.id === undefined ? `line-${line}` : cell(f, 'id')?.trim()
        return { ...head, ts, kind, price, amount, notionalUsd: notional, side, ...(id ? { id } : {}) }
      },
    }
  },
}
