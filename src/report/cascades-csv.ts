/** `--csv`: one row per cascade, every figure a column, spreadsheet-safe cells. */
import type { Cascade, Report } from '../analysis/report-types.js'
import { csvLine } from './csv.js'

const COLUMNS: [string, (x: Cascade) => string | number | null][] = [
  ['id', (x) => x.id],
  ['market', (x) => x.market],
  ['direction', (x) => x.direction],
  ['start', (x) => x.start],
  ['extreme', (x) => x.extreme],
  ['end', (x) => x.end],
  ['durationSec', (x) => x.durationSec],
  ['priceStart', (x) => x.price.start],
  ['priceExtreme', (x) => x.price.extreme],
  ['priceEnd', (x) => x.price.end],
  ['movePct', (x) => x.price.movePct],
  ['reboundPct', (x) => x.price.reboundPct],
  ['pctPerMin', (x) => x.speed.pctPerMin],
  ['timeToExtremeSec', (x) => x.speed.timeToExtremeSec],
  ['max1mPct', (x) => x.speed.max1mPct],
  ['max5mPct', (x) => x.speed.max5mPct],
  ['max15mPct', (x) => x.speed.max15mPct],
  ['volumeBase', (x) => x.volume.base],
  ['volumeUsd', (x) => x.volume.quoteUsd],
  ['takerBuyUsd', (x) => x.volume.takerBuyUsd],
  ['takerSellUsd', (x) => x.volume.takerSellUsd],
  ['trades', (x) => x.volume.trades],
  ['volumeBaselineMultiple', (x) => x.volume.baselineMultiple],
  ['liqCount', (x) => x.liquidations?.count ?? null],
  ['liqUsd', (x) => x.liquidations?.usd ?? null],
  ['liqLongUsd', (x) => x.liquidations?.longUsd ?? null],
  ['liqShortUsd', (x) => x.liquidations?.shortUsd ?? null],
  ['liqLargestUsd', (x) => x.liquidations?.largestUsd ?? null],
  ['liqPeakMinute', (x) => x.liquidations?.peakMinute ?? null],
  ['liqPeakMinuteUsd', (x) => x.liquidations?.peakMinuteUsd ?? null],
  ['liqShareOfVolume', (x) => x.liquidations?.shareOfVolume ?? null],
  ['liqRegime', (x) => x.liquidations?.regime ?? null],
  ['liqCoverageShare', (x) => x.liquidations?.coverage?.share ?? null],
  ['liqEstimatedUsd', (x) => x.liquidations?.estimatedUsd?.value ?? null],
  ['liqEstimatedLowUsd', (x) => x.liquidations?.estimatedUsd?.low ?? null],
  ['liqEstimatedHighUsd', (x) => x.liquidations?.estimatedUsd?.high ?? null],
  ['liqEstimateMethod', (x) => x.liquidations?.estimatedUsd?.method ?? null],
  ['oiImpliedBase', (x) => x.liquidations?.oiImplied?.base ?? null],
  ['oiImpliedUsd', (x) => x.liquidations?.oiImplied?.usd ?? null],
  ['oiStartUsd', (x) => x.openInterest?.startUsd ?? null],
  ['oiMinUsd', (x) => x.openInterest?.minUsd ?? null],
  ['oiDrawdownUsd', (x) => x.openInterest?.drawdownUsd ?? null],
  ['oiDrawdownPct', (x) => x.openInterest?.drawdownPct ?? null],
  ['oiStartBase', (x) => x.openInterest?.startBase ?? null],
  ['oiMinBase', (x) => x.openInterest?.minBase ?? null],
  ['oiDrawdownBasePct', (x) => x.openInterest?.drawdownBasePct ?? null],
  ['waves', (x) => x.waves],
  ['venues', (x) => x.venues.map((v) => v.series).join(' ')],
  ['reasons', (x) => x.reasons.join('; ')],
]

export function renderCascadesCsv(report: Report): string {
  return (
    csvLine(COLUMNS.map(([name]) => name)) +
    report.cascades.map((x) => csvLine(COLUMNS.map(([, get]) => get(x)))).join('')
  )
}
