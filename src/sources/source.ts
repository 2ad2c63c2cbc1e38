/**
 * A source is one export format: how to recognise a file of it and how to turn its rows into
 * timeline events. One file per source in this folder, registered in `index.ts`.
 */
import type { BarEvent, EventKind, TimelineEvent } from '../timeline/event.js'
import type { Instrument } from './instruments.js'

/** What detection sees of a file before anything is parsed. */
export interface Probe {
  /** The file's base name without compression suffixes (`BTCUSDT-aggTrades-2021-05-19.csv`); `` for stdin. */
  name: string
  /** The first lines (up to about 20), already split into fields; blank lines left out. */
  lines: string[][]
  /**
   * The file is a binary table, told by its first bytes: an Arrow IPC file (Feather v2, `ARROW1`)
   * or Parquet (`PAR1`). `lines` is then empty; such a file is read whole (`FileReader.document`).
   */
  binary?: 'arrow' | 'parquet'
  /** The input's path as shown (`data/binance/BTC_USDT-1m.json`, `archive.zip/member.csv`), for facts a folder name holds. */
  path?: string
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
   * Lines to step over before the data when there is more than the header (CryptoDataDownload's
   * banner line, then its header: 2). Counts non-blank lines; needs `hasHeader`.
   */
  headerLines?: number
  /**
   * Rows are not in time order inside the file (Binance metrics). Ingest then sorts within a
   * bounded window; ordered files pass straight through.
   */
  unordered?: boolean
  /**
   * The file is held whole, sorted by time and only then passed on (CryptoDataDownload writes
   * newest first): for bar files of bounded size only, since the whole file is in memory (ingest
   * limits its rows). With `prefer`, two different bars of one series and time are settled: the
   * one `prefer` returns stays, the other is counted as superseded (`first` is the one higher up in
   * the file). Exact copies are left to the timeline, which drops them as duplicates.
   */
  wholeFile?: {
    prefer?(first: BarEvent, second: BarEvent): BarEvent
    /** `prefer`'s rule in words, for the warning that counts superseded bars. */
    rule?: string
  }
  /**
   * Hand each physical line whole as `fields[0]` instead of splitting CSV (NDJSON sources).
   * Blank lines are skipped; line numbers still count them.
   */
  lineMode?: boolean
  /**
   * The file is one document read whole (a JSON array of rows, an Arrow/Feather or Parquet table)
   * instead of line by line; see `DocumentReading`. Each item or table row is one row, numbered
   * from 1 in place of a line number.
   */
  document?: DocumentReading
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

/** Lines before the data: 0 without a header, else `headerLines` (default 1). */
export function headerLineCount(reader: FileReader): number {
  return reader.hasHeader ? Math.max(1, reader.headerLines ?? 1) : 0
}

/**
 * How ingest hands a whole document to `row()` (src/ingest/document.ts). A JSON array's items are
 * rows: an item that is an array gives its elements as fields (numbers as text, `null` as an empty
 * field), any other item is a BAD_JSON row. A table's rows give the columns `columns()` picks.
 */
export interface DocumentReading {
  /**
   * Tables (Arrow, Parquet): the column names `row()` reads, in its field order, picked from the
   * file's own; throws FatalError when the file lacks them. Timestamps arrive as epoch ms.
   */
  columns(names: readonly string[]): readonly string[]
  /** Sees the document's first rows (up to 1,000) before `row()` does, for facts only the rows tell (a bar length). */
  begin?(first: readonly (readonly string[])[]): void
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
