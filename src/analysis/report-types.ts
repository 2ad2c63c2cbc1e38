/**
 * The report document of `cascade analyze --json` (DESIGN §6, contract `cascade.report/1`).
 * Analysis builds everything but `tool` and `inputs`, which the CLI adds; renderers in
 * src/report turn it into a table, JSON, NDJSON, CSV or Markdown.
 */

export const REPORT_SCHEMA = 'cascade.report/2'

/** Where a figure came from: tick-level (1 s bars) or a coarser pre-aggregated bucket. */
export type Resolution = string // '1s', '1m', '5m', '1h', …

export interface InputSummary {
  path: string
  source: string
  exchange: string
  symbol: string
  market: string
  kind: string
  rows: number
  events: number
  duplicates: number
  badRows: number
  skipped: number
  /** Bars replaced by another bar of the same series and time in the same file (by the source's rule). */
  superseded: number
  /** Rows holding a suspect print, kept out of the price path (DESIGN §5.1). */
  suspect: number
  first: string | null
  last: string | null
}

export interface MarketSummary {
  market: string
  series: string[]
  first: string | null
  last: string | null
  open: number | null
  high: number | null
  /** Open time of the (first) bar holding the high; of the low. */
  highAt: string | null
  low: number | null
  lowAt: string | null
  close: number | null
  volumeUsd: number | null
  liqLongUsd: number | null
  liqShortUsd: number | null
  /** The series whose prices give open/high/low/close and the cascades' price path. */
  priceSeries?: string | null
  /** The resolution of each figure group (e.g. { price: '1m', liquidations: '1h' }). */
  resolution?: Record<string, Resolution>
  /**
   * The span each figure's data covers, as `first` and `last` are for the market: the open times of
   * its first and last bar (for funding, the times of its first and last rate). One key per figure
   * the inputs hold (`price`, `volume`, `liquidations`, `openInterest`, `funding`); `first`/`last`
   * span them all, and `volumeUsd`, `liqLongUsd`, … are sums over their figure's span only.
   */
  coverage?: Partial<Record<CoveredFigure, TimeSpan>>
}

/** The figures of a market summary whose span is given in `coverage`. */
export type CoveredFigure = 'price' | 'volume' | 'liquidations' | 'openInterest' | 'funding'

/** A span of time, both ends inclusive (ISO, UTC). */
export interface TimeSpan {
  from: string
  to: string
}

export interface CascadePrice {
  start: number
  extreme: number
  end: number
  /** Signed percentage: negative for a fall. */
  movePct: number
  /** How much of the move was given back by `end`, as a percentage of the move. */
  reboundPct: number
}

export interface CascadeSpeed {
  pctPerMin: number
  timeToExtremeSec: number
  max1mPct: number | null
  max5mPct: number | null
  max15mPct: number | null
}

export interface CascadeVolume {
  base: number | null
  quoteUsd: number | null
  takerBuyUsd: number | null
  takerSellUsd: number | null
  trades: number | null
  baselineMultiple: number | null
}

/**
 * How complete a liquidation series is (src/analysis/liquidation-regimes.ts): every liquidation,
 * capped at one per symbol or contract per interval, an aggregate of (mostly capped) feeds, or no
 * records at all.
 */
export type LiquidationRegime = 'complete' | 'capped' | 'absent' | 'aggregate'

/** Seconds of the window [start, end + resolution) that hold at least one liquidation record. */
export interface LiquidationCoverage {
  seconds: number
  windowSeconds: number
  /** seconds / windowSeconds, 0…1. */
  share: number
}

/**
 * Position closing implied by open interest: its decline over the window in base units (from the
 * level at the start to the lowest level up to the first level at or after the end), valued at
 * the window's VWAP. Forced plus voluntary closing, not liquidations alone.
 */
export interface OiImplied {
  base: number
  usd: number | null
  /** Attributed by the taker flow (sells close longs, buys close shorts), else by the move's direction. */
  longUsd: number | null
  shortUsd: number | null
}

/** An estimate of all liquidations of the window, with the range it is sure of and how it was made. */
export interface LiquidationEstimate {
  value: number
  /** At least the recorded sum; null when nothing was recorded. */
  low: number | null
  /** Null when nothing bounds it above (a saturated feed without sub-second times or open interest). */
  high: number | null
  method: string
}

/** Observed, coverage, open-interest closing and estimate, for one venue or several together. */
export interface LiquidationFigures {
  /** The recorded sum: a hard lower bound when the feed is capped; null with no records. */
  observedUsd: number | null
  /** Null for bucketed (aggregator) data and without records. */
  coverage: LiquidationCoverage | null
  oiImplied: OiImplied | null
  estimatedUsd: LiquidationEstimate | null
  regime: LiquidationRegime
}

export interface CascadeLiquidations extends LiquidationFigures {
  count: number | null
  /** The recorded sums (as in /1); null when there are no records. */
  usd: number | null
  longUsd: number | null
  shortUsd: number | null
  largestUsd: number | null
  peakMinute: string | null
  peakMinuteUsd: number | null
  shareOfVolume: number | null
}

export interface CascadeOpenInterest {
  startUsd: number | null
  minUsd: number | null
  drawdownUsd: number | null
  drawdownPct: number | null
  startBase: number | null
  minBase: number | null
  drawdownBasePct: number | null
}

/**
 * The funding rate in force around a cascade or episode, each a fraction per funding interval
 * (0.0001 = 0.01 %): `before` the last rate set at or before `start`, `after` the first set after
 * `end` (else the one still in force at `end`); null when no rate lies within two funding intervals.
 */
export interface CascadeFunding {
  before: number | null
  after: number | null
  /** The series the rates come from (the price series' venue when it has funding). */
  series: string
}

export interface CascadeVenue {
  series: string
  volumeUsd: number | null
  liquidationsUsd: number | null
  oiDrawdownPct: number | null
  /** The venue's own liquidation figures (its records against its own open interest). */
  liquidations?: LiquidationFigures
}

export interface Cascade {
  id: string
  market: string
  direction: 'down' | 'up'
  start: string
  extreme: string
  end: string
  durationSec: number
  /**
   * The half-open span [from, to) of bar open times over which volume, liquidations and trades are
   * summed: from `start` (or where the previous cascade's window ends) to the bar after `end`, cut
   * where the next cascade's window begins. No bar is in two windows.
   */
  window: { from: string; to: string }
  /** The bar length when start and extreme lie in one bar (the order inside it is unknown); else null. */
  withinBarMs: number | null
  price: CascadePrice
  speed: CascadeSpeed
  volume: CascadeVolume
  /** Always an object in /2 (`regime: 'absent'` without records); null in /1 without records. */
  liquidations: CascadeLiquidations | null
  openInterest: CascadeOpenInterest | null
  waves: number
  venues: CascadeVenue[]
  reasons: string[]
  /** The resolution of each group of figures (e.g. { price: '1s', liquidations: '1h' }). */
  resolution: Record<string, Resolution>
  /** The series whose prices give start, extreme and end (the finest, most liquid of the market). */
  priceSeries?: string
  /** The id of the episode this cascade belongs to. */
  episode: string | null
  /** The funding rate before and after; null without funding data near the cascade. */
  funding: CascadeFunding | null
}

/** Same-direction cascades of one market that follow each other without recovery: one crash. */
export interface Episode {
  id: string
  market: string
  direction: 'down' | 'up'
  start: string
  extreme: string
  end: string
  price: { start: number; extreme: number; movePct: number }
  /** Ids of its cascades (legs), in time order. */
  cascades: string[]
  volume: CascadeVolume
  liquidations: CascadeLiquidations | null
  openInterest: CascadeOpenInterest | null
  reasons: string[]
  /** The funding rate before the first leg's start and after the last leg's end; null without funding data. */
  funding: CascadeFunding | null
}

/** Same-direction cascades of several markets that start together: a market-wide event. */
export interface MarketEvent {
  id: string
  direction: 'down' | 'up'
  start: string
  markets: string[]
  cascades: string[]
  /** The market(s) that started first, and by how long they led the next market. */
  lead: { markets: string[]; leadSec: number }
  medianMovePct: number
}

/** A file of a walked folder, glob or zip that no format claims: skipped and listed, not fatal. */
export interface SkippedFileSummary {
  path: string
  reason: string
}

export interface BadRowsSummary {
  total: number
  byCode: Record<string, number>
  samples: { file: string; line: number; code: string; message: string }[]
}

/** Suspect prints: how many, and the first ones (`code` is always SUSPECT_PRINT). */
export interface SuspectPrintsSummary {
  total: number
  samples: { file: string; line: number; code: string; message: string }[]
}

export interface Report {
  schema: typeof REPORT_SCHEMA
  tool: { name: 'cascade'; version: string }
  params: Record<string, unknown>
  inputs: InputSummary[]
  skippedFiles: SkippedFileSummary[]
  markets: MarketSummary[]
  cascades: Cascade[]
  episodes: Episode[]
  events: MarketEvent[]
  badRows: BadRowsSummary
  suspectPrints: SuspectPrintsSummary
  warnings: string[]
}
