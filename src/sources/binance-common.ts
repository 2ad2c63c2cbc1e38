/**
 * What every Binance archive source shares: file names, header sniffing, spot / USD-M / COIN-M.
 * https://github.com/binance/binance-public-data
 */
import { FatalError } from '../errors.js'
import { epochToMs, isNumeric } from './fields.js'
import { type BinanceVenue, binanceInstrument, type Instrument } from './instruments.js'
import type { Probe, SourceOptions } from './source.js'

/** `BTCUSDT-aggTrades-2021-05-19.csv`, `BTCUSD_PERP-liquidationSnapshot-2023-06-25.csv`, `LTCUSDT-1m-2026-02.csv`. */
const NAME = /^([A-Z0-9]+(?:_[A-Z0-9]+)?)-([A-Za-z0-9]+)-(\d{4}-\d{2}(?:-\d{2})?)(?:\.csv)?$/

export interface BinanceName {
  symbol: string
  /** `trades`, `aggTrades`, `metrics`, `liquidationSnapshot`, `fundingRate`, or a kline interval. */
  type: string
  date: string
}

export function binanceName(name: string): BinanceName | null {
  const m = NAME.exec(name)
  return m ? { symbol: m[1]!, type: m[2]!, date: m[3]! } : null
}

/** Binance's rule: a file has a header when the first field of line 1 is not a number. */
export function hasHeader(probe: Probe): boolean {
  const first = probe.lines[0]?.[0]
  return first !== undefined && !isNumeric(first)
}

export function headerIs(probe: Probe, columns: readonly string[]): boolean {
  const header = probe.lines[0]
  return (
    header !== undefined &&
    header.length === columns.length &&
    header.every((c, i) => c.trim() === columns[i])
  )
}

export type Cell = 'int' | 'num' | 'epoch' | 'bool' | 'word' | 'datetime' | 'any'

function cellIs(text: string | undefined, cell: Cell): boolean {
  if (text === undefined) return false
  switch (cell) {
    case 'int':
      return /^-?\d+$/.test(text)
    case 'num':
      return isNumeric(text)
    case 'epoch':
      if (!/^\d{10,19}(\.\d+)?$/.test(text)) return false
      try {
        epochToMs(text, '')
        return true
      } catch {
        return false
      }
    case 'bool':
      return /^(true|false|True|False)$/.test(text)
    case 'word':
      return /^[A-Za-z_]+$/.test(text)
    case 'datetime':
      return /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}/.test(text)
    case 'any':
      return true
  }
}

/** Does a data row have exactly this shape? */
export function rowIs(row: readonly string[] | undefined, shape: readonly Cell[]): boolean {
  return row !== undefined && row.length === shape.length && shape.every((cell, i) => cellIs(row[i], cell))
}

/** The first data row of the probe (after a header, if any). */
export function firstDataRow(probe: Probe): string[] | undefined {
  return probe.lines[hasHeader(probe) ? 1 : 0]
}

export function describeFirstLine(probe: Probe): string {
  if (probe.binary === 'arrow') return 'it is an Arrow IPC (Feather) file'
  if (probe.binary === 'parquet') return 'it is a Parquet file'
  const line = probe.lines[0]
  if (!line) return 'the file is empty'
  // A one-line JSON file's head is thousands of fields: join only what is shown.
  const text = line.slice(0, 40).join(',')
  return `first line has ${line.length} fields: ${JSON.stringify(text.length > 90 ? `${text.slice(0, 90)}…` : text)}`
}

/** The symbol of a file that has no symbol column: from its Binance name, else `--symbol`. */
export function symbolFromName(probe: Probe, options: SourceOptions, what: string): string {
  const symbol = options.symbol ?? binanceName(probe.name)?.symbol
  if (!symbol) {
    throw new FatalError(
      `${probe.name || '<stdin>'}: cannot tell the symbol of this ${what} file`,
      'keep the Binance file name (e.g. BTCUSDT-aggTrades-2021-05-19.csv) or pass --symbol BTCUSDT',
    )
  }
  return symbol.toUpperCase()
}

/** COIN-M symbols carry `_PERP` or an expiry and are quoted in USD (`BTCUSD_PERP`, `ETHUSD_240628`). */
export function isCoinMSymbol(symbol: string): boolean {
  return /^[A-Z0-9]+USD_(PERP|\d{6})$/.test(symbol)
}

export function instrumentOrFail(symbol: string, venue: BinanceVenue, path: string): Instrument {
  const instrument = binanceInstrument(symbol, venue)
  if (!instrument) {
    throw new FatalError(
      `${path || '<stdin>'}: cannot tell the base and quote currency of symbol ${symbol}`,
      'pass --symbol with a Binance symbol such as BTCUSDT or BTCUSD_PERP',
    )
  }
  return instrument
}

/**
 * Spot archives print every price with 8 decimals (`33845.42000000`); futures trim them
 * (`76988.7`). Headerless klines carry no other sign of which market they are from.
 */
export function looksSpot(rows: readonly (readonly string[])[], priceColumn: number): boolean {
  const prices = rows.map((r) => r[priceColumn]).filter((p): p is string => p !== undefined)
  return prices.length > 0 && prices.every((p) => /^\d+\.\d{8}$/.test(p))
}
