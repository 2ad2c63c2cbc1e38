/**
 * What the Tardis.dev sources share: headers, the client's file names, and instruments keyed by
 * Tardis exchange id and symbol. https://docs.tardis.dev/downloadable-csv-files
 */
import { type Instrument, tardisInstrument } from './instruments.js'
import type { Probe } from './source.js'
import { Skip } from './source.js'

/** `trades` and `liquidations` share this header exactly: only the file name tells them apart. */
export const TRADES_HEADER = [
  'exchange',
  'symbol',
  'timestamp',
  'local_timestamp',
  'id',
  'side',
  'price',
  'amount',
] as const

export const TICKER_HEADER = [
  'exchange',
  'symbol',
  'timestamp',
  'local_timestamp',
  'funding_timestamp',
  'funding_rate',
  'predicted_funding_rate',
  'open_interest',
  'last_price',
  'index_price',
  'mark_price',
] as const

export interface TardisName {
  exchange: string
  /** `trades`, `liquidations`, `derivative_ticker`, `book_ticker`, … */
  dataType: string
  date: string
  symbol: string
}

/** The client's default name: `{exchange}_{data_type}_{YYYY-MM-DD}_{SYMBOL}.csv` (`.gz` already removed). */
const NAME = /^([a-z0-9-]+)_([a-z0-9_]+?)_(\d{4}-\d{2}-\d{2})_(.+?)(?:\.csv)?$/i

export function tardisName(name: string): TardisName | null {
  const m = NAME.exec(name)
  return m ? { exchange: m[1]!, dataType: m[2]!, date: m[3]!, symbol: m[4]! } : null
}

/** Does the file name say liquidations (`binance-futures_liquidations_2024-08-05_BTCUSDT.csv`)? */
export function namesLiquidations(name: string): boolean {
  return tardisName(name)?.dataType === 'liquidations' || /(^|[^a-z])liquidations?([^a-z]|$)/i.test(name)
}

export function namesTrades(name: string): boolean {
  return tardisName(name)?.dataType === 'trades' || /(^|[^a-z])trades([^a-z]|$)/i.test(name)
}

export function headerIsExactly(header: readonly string[] | undefined, columns: readonly string[]): boolean {
  return (
    header !== undefined &&
    header.length === columns.length &&
    header.every((c, i) => c.trim() === columns[i])
  )
}

/** Tardis' grouped datasets: every symbol of a kind in one file (`deribit_trades_…_PERPETUALS.csv.gz`). */
const GROUPED = new Set(['PERPETUALS', 'FUTURES', 'OPTIONS', 'SPOT'])

/**
 * Rows are written in arrival order. One symbol's exchange times never step back, but a file of
 * several symbols interleaves exchanges' clocks by arrival, so its exchange times may: such a file
 * is read as unordered (ingest sorts it within a bounded window).
 */
export function holdsSeveralSymbols(probe: Probe): boolean {
  const named = tardisName(probe.name)
  if (named && GROUPED.has(named.symbol.toUpperCase())) return true
  const symbols = new Set(probe.lines.slice(1).map((row) => `${row[0]}|${row[1]}`))
  return symbols.size > 1
}

/** Instrument per (Tardis exchange id, symbol), resolved once; one that cannot be valued is a shared Skip. */
export function tardisInstruments(): (exchange: string, symbol: string) => Instrument | Skip {
  const known = new Map<string, Instrument | Skip>()
  return (exchange, symbol) => {
    const key = `${exchange}|${symbol}`
    let found = known.get(key)
    if (found === undefined) {
      const resolved = tardisInstrument(exchange, symbol)
      if ('unsupported' in resolved) {
        const reason = resolved.unsupported
        found = new Skip(reason.startsWith('Tardis exchange') ? reason : `${exchange} ${reason}`)
      } else {
        found = resolved
      }
      known.set(key, found)
    }
    return found
  }
}
