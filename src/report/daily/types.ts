/**
 * The daily report document (DESIGN §7, contract `cascade.daily/2`): OUT/DATE/DATE.json. The
 * Markdown and HTML reports render this document (plus the chart series); earlier documents in OUT
 * are the history the ranking compares against. Readers ignore fields they do not know: later
 * versions add sections (episodes, market-wide events) beside `cascades`.
 */
import type {
  BadRowsSummary,
  Cascade,
  Episode,
  InputSummary,
  MarketEvent,
  SuspectPrintsSummary,
} from '../../analysis/report-types.js'

export const DAILY_SCHEMA = 'cascade.daily/2'

/** The files of one day's report: names inside its directory, OUT/DATE/. */
export interface DailyFiles {
  /** The day's directory, relative to --out: the date. */
  directory: string
  json: string
  markdown: string
  html: string
  /** One SVG chart per market that has something to draw, in the order of `markets`. */
  charts: { market: string; file: string }[]
}

export interface DailyInput extends InputSummary {
  /** Events of this input inside the day. */
  eventsInDay: number
  /** Events of this input in the trailing baseline before the day. */
  eventsBefore: number
  /** Events of this input after the day that measured the end of a cascade that started in it. */
  eventsAfter: number
}

export interface DailyOpenInterest {
  /** Summed over venues, as known at the start and at the end of the day. */
  startUsd: number | null
  endUsd: number | null
  changeUsd: number | null
  /** Signed: negative when open interest fell. */
  changePct: number | null
  startBase: number | null
  endBase: number | null
  changeBasePct: number | null
}

/** One figure of the day against the same figure of the earlier daily reports in DIR. */
export interface RankedFigure {
  value: number
  /** 1 for the largest among this day and the earlier days that have the figure. */
  rank: number
  /** Earlier days compared. */
  of: number
  /** Share of the earlier days with a smaller value, ties counted half, in %. */
  percentile: number
  /** Larger than every earlier day. */
  record: boolean
  /**
   * The latest earlier day with a value at least as large, when the days after it were all smaller:
   * "the largest since 2025-10-10". Null when the day before already had more, or for a record.
   */
  largestSince: string | null
}

export interface MarketRanking {
  /** Earlier daily reports in DIR that have this market (same time zone). */
  days: number
  firstDay: string | null
  lastDay: string | null
  /** Long + short liquidations of the day, USD. */
  liquidationsUsd: RankedFigure | null
  /** The day's price range, (high − low) / open, %. */
  rangePct: RankedFigure | null
  /** The largest cascade move of the day, absolute %; null on a day without a cascade. */
  cascadeMovePct: RankedFigure | null
  /** The ranking in words. */
  notes: string[]
}

/** One hour of the day (UTC hour boundaries when the zone's offset is whole hours). */
export interface HourRow {
  start: string
  open: number | null
  high: number | null
  low: number | null
  close: number | null
  volumeUsd: number | null
  liqLongUsd: number | null
  liqShortUsd: number | null
  /** Open interest known at the end of the hour, USD. */
  oiUsd: number | null
}

export interface DailyMarket {
  market: string
  series: string[]
  priceSeries: string | null
  /** First and last bar of the market's data inside the day. */
  first: string | null
  last: string | null
  open: number | null
  high: number | null
  low: number | null
  close: number | null
  /** (close − open) / open, %. */
  changePct: number | null
  /** (high − low) / open, %. */
  rangePct: number | null
  volumeUsd: number | null
  liqLongUsd: number | null
  liqShortUsd: number | null
  openInterest: DailyOpenInterest | null
  /** Cascades of the market that started in the day. */
  cascades: number
  /** The signed move of the day's largest cascade (by size), %. */
  largestMovePct: number | null
  resolution: Record<string, string>
  ranking: MarketRanking
  hours: HourRow[]
}

export interface DailyCascade extends Cascade {
  /** The cascade went on past the end of the day (measured to its end with the data after the day). */
  endsAfterDay: boolean
  /** The data ended while the cascade was under way: `end` and the figures are cut there. */
  cutByDataEnd: boolean
}

export interface DailyReport {
  schema: typeof DAILY_SCHEMA
  tool: { name: 'cascade'; version: string }
  date: string
  tz: string
  /** The day as UTC instants: [from, to). */
  day: { from: string; to: string; hours: number }
  /**
   * The part of the day the report covers: the whole day, or the span --from/--to narrowed it to
   * (`narrowed`). Figures, hours, cascades and charts are of this span; a narrowed report is not
   * ranked and is left out of later rankings.
   */
  span: { from: string; to: string; hours: number; narrowed: boolean }
  /**
   * The span analysed: the trailing baseline before the day, the day, and a tail after it in which
   * a cascade that started in the day can end; and the first and last event found in that span.
   */
  analysed: {
    from: string
    to: string
    baselineHours: number
    tailHours: number
    dataFrom: string | null
    dataTo: string | null
  }
  /** `no-data` when no input has an event inside the day (the span). */
  status: 'ok' | 'no-data'
  files: DailyFiles
  /** The day in a few sentences (for a channel post). */
  headline: string[]
  params: Record<string, unknown>
  inputs: DailyInput[]
  markets: DailyMarket[]
  cascades: DailyCascade[]
  /** Cascades that started before the day and were still under way at its start (each is in its own day's report). */
  carriedOver: DailyCascade[]
  /** The episodes (one crash in one or more legs) that hold a cascade of the day or carried over. */
  episodes: Episode[]
  /** The market-wide events that hold a cascade of the day. */
  events: MarketEvent[]
  badRows: BadRowsSummary
  suspectPrints: SuspectPrintsSummary
  warnings: string[]
}

/** One earlier report's figures, as read back from DIR. */
export interface HistoryDay {
  date: string
  markets: Map<
    string,
    { liquidationsUsd: number | null; rangePct: number | null; cascadeMovePct: number | null }
  >
}
