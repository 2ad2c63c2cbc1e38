/**
 * A source is one export format: how to recognise a file of it and how to turn its rows into
 * timeline events. One file per source in this folder, registered in `index.ts`.
 */
import type { EventKind, TimelineEvent } from '../timeline/event.js'

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
   * One row → one event, a `Skip`, or a thrown `RowError`. `fields` is reused by the caller only
   * after this returns; the event must not keep it.
   */
  row(fields: string[], line: number): TimelineEvent | Skip
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
