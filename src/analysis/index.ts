/**
 * The analysis layer of `cascade analyze`: pure functions over bars (DESIGN §2, §5, §6).
 * Timeline in, report figures out; no I/O, no clock, no local time zone.
 */
export {
  type AnalysisResult,
  analyzeBars,
  analyzeTimeline,
  dataWarnings,
  summarizeMarket,
} from './analyze.js'
export { cascadeId, detectCascades, detectMarket } from './cascades.js'
export { groupEpisodes } from './episodes.js'
export { marketEvents } from './events.js'
export { DirectedBars, type Direction, findLegs, type Leg, qualifies, retraceBar } from './legs.js'
export {
  AGGREGATORS,
  baseAsset,
  CellTrack,
  type FigureView,
  groupMarkets,
  liquidationTotals,
  liquidationTrack,
  type MarketBars,
  type TimeRange,
  type Venue,
  venueOf,
  volumeTrack,
} from './market.js'
export {
  type Baseline,
  calmAfter,
  countWaves,
  maxMovePct,
  openInterestFigures,
  overlapRange,
  peakCell,
  peakZ,
  priceAt,
  priceKnownAt,
  trailingBaseline,
  windowSums,
} from './metrics.js'
export { type AnalysisParams, DEFAULT_PARAMS, PARAM_DOCS, paramProblems } from './params.js'
export { buildReport, type ReportContext } from './report-document.js'
export * from './report-types.js'
export * from './series.js'
export { iso, madOrNull, medianOrNull, resolutionLabel, robustZ, round } from './stats.js'
export { type WindowVerdict, windowPlan, windowVerdict } from './window-plan.js'
