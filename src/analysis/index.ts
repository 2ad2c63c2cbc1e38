/**
 * The analysis layer of `cascade analyze`: pure functions over bars (DESIGN §2, §5, §6).
 * Timeline in, report figures out; no I/O, no clock, no local time zone.
 */
export {
  type AnalysisResult,
  analyzeBars,
  analyzeTimeline,
  cascadeId,
  dataWarnings,
  detectCascades,
  summarizeMarket,
} from './analyze.js'
export { type Direction, type Episode, findEpisodes, refineRetrace, retraceIndex } from './detect.js'
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
export { type PricePath, pricePath } from './path.js'
export * from './report-types.js'
export * from './series.js'
export { iso, madOrNull, medianOrNull, resolutionLabel, robustZ, round } from './stats.js'
