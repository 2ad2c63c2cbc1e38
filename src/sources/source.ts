/**
 * A source is one export format: how to recognise a file of it and how to turn its rows into
 * timeline events. One file per source in this folder, registered in `index.ts`.
 */
import type { EventKind, TimelineEvent } from '../timeline/event.js'
import type { Instrument } from './instruments.js'

/** What detection sees of a file before anything is parsed. */
export interface Probe {
  /** The file's base name without compression suffixes (`BTCUSDT-aggTrades-2021-05-19.csv`); `` for stdin. */
  name: string
  /** The first lines (up to about 20), already split into fields; blank lines left out. */
  lines: string[][]
}

/** A source's answer to "is this file yours?", with the reason in words for `sources --explain`. */
export interface Verdict {
  claims: boolean
  /** Why it claims the file, or what it would need to (the near miss). */
  why: string
}

/** What the user said on the command line that a source may need. */
export interface SourceOptions {
  /** `--symbol`: for files whose rows and name carry no symbol (stdin, renamed files). */
  symbol?: string
  /** `--columns ts=time,price=px,…`: the generic source's mapping (and overrides for wide tables). */
  columns?: Record<string, string>
  /** `--exchange`, `--market` given with the generic source. */
  exchange?: string
  market?: string
}

/** A row that is read and counted but cannot be valued (an unsupported instrument, a sentinel row). */
export class Skip {
  constructor(readonly reason: string) {}
}

/** How one file of a source is read: decided once from the probe, then applied row by row. */
export interface FileReader {
  /** The first line is a header to step over (decided per file: Binance futures got headers in 2022). */
  hasHeader: boolean
  /**
   * Rows are not in time order inside the file (Binance metrics). Ingest then sorts within a
   * bounded window; ordered files pass straight through.
   */
  unordered?: boolean
  /**
   * Hand each physical line whole as `fields[0]` instead of splitting CSV (NDJSON sources).
   * Blank lines are skipped; line numbers still count them.
   */
  lineMode?: boolean
  /**
   * The format never quotes fields (Binance archives): parse with quotes off, so a stray `"` is
   * one bad row rather than an open quote that swallows the rest of the file.
   */
  unquoted?: boolean
  /**
   * How to read the rows without csv-parse (DESIGN §9), for high-volume numeric formats. The fast
   * path must make exactly the events and bad rows `row()` makes: it reads only rows it fully
   * understands and hands every other line to `row()`.
   */
  fast?: FastTrades
  /**
   * Line-mode sources: the event a line's bytes describe, read without decoding the line, where the
   * line is one the source reads fast; null for every other line, which then goes to `row()`. Must
   * give exactly the event `row()` gives for that line (and a line it cannot read, null).
   */
  fastLine?: (bytes: Buffer, start: number, end: number) => TimelineEvent | null
  /**
   * One row → one event, a `Skip`, or a thrown `RowError`. `fields` is reused by the caller only
   * after this returns; the event must not keep it.
   */
  row(fields: string[], line: number): TimelineEvent | Skip
}

/**
 * A trade format of one symbol whose rows are plain numbers and booleans, never quoted (Binance
 * trades and aggTrades): which column holds what, and how a row's numbers become the event's.
 * `row()` stays the reference; a row the fast path reads must give the event `row()` gives.
 */
export interface FastTrades {
  kind: 'trade'
  /** Fields in every row. */
  fields: number
  /** Column of the trade id, kept as text (`TradeEvent.id`). */
  id: number
  price: number
  /** The size column, in the file's unit (contracts for COIN-M): `amount()` converts it. */
  size: number
  /** Epoch time, s/ms/µs/ns told apart by size (as `epochToMs`). */
  time: number
  /** `true` when the buyer was the maker, so the taker sold. */
  buyerMaker: number
  /** A further non-negative number `row()` checks and `notionalUsd()` may use (quote_qty), or -1. */
  extra: number
  /** Further boolean columns `row()` checks (spot is_best_match). Other columns are not read. */
  flags: readonly number[]
  exchange: string
  symbol: string
  market: string
  source: string
  /** What a size is worth: base units through `baseAmount(instrument, size, price)`. */
  instrument: Instrument
  /**
   * The USD value: `usdNotional(instrument, size, price)`, or the file's own `extra` column where
   * the quote is a dollar (null where it is not).
   */
  notional: 'instrument' | 'extra'
}

export interface Source {
  /** Stable id (a contract: `--source ID`, `inputs[].source`). */
  id: string
  /** One line for `cascade sources`. */
  title: string
  /** The exchange or aggregator it reads, or `*` for several. */
  exchange: string
  kinds: EventKind[]
  /** The format's documentation. */
  docs: string
  /** Claims only when forced with `--source` (the generic mapping). */
  forcedOnly?: boolean
  detect(probe: Probe): Verdict
  /** Prepare to read one file; throws FatalError when the file cannot be read as this source. */
  open(probe: Probe, options: SourceOptions): FileReader
}
