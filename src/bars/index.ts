/**
 * The bars stage (DESIGN §2): the hinge of the pipeline. The fast path folds rows into bars, the
 * timeline folds events into them, analysis reads them and `cascade bars` exports them. Ingest and
 * analysis both import from here; the bars import only the timeline vocabulary.
 */
export {
  BarColumns,
  type CellColumn,
  type CoverageFigure,
  type ExportedBars,
  openInterestSamplingMs,
  type PriceRange,
  type SumColumn,
} from './columns.js'
export { barEvents } from './export.js'
export {
  BarStore,
  type BaseLiquidationValuation,
  type FundingRate,
  foldEvents,
  type LiquidationSource,
  SeriesBars,
} from './store.js'
export { CompactTicks, type Stretch, type TicksWatcher, WindowMiss, type WindowPlan } from './window.js'
