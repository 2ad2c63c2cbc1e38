/**
 * Detector parameters (DESIGN §5). Every threshold is here with its default, so the CLI can expose
 * each as an option and the report can echo the values actually used (`params`).
 */

export interface AnalysisParams {
  /** Smallest price move, in %, from the last peak (trough) to the extreme. */
  minMovePct: number
  /** The speed test: somewhere in a leg the price covers `minMovePct` within this many minutes. */
  withinMin: number
  /**
   * A bounce after the running low that gives back more than this fraction of the move so far ends
   * the leg; smaller bounces do not. Also where `end` is placed.
   */
  reboundFrac: number
  /** A bounce that a later bar undercuts within this many minutes does not end the leg. */
  undercutWithinMin: number
  /** A leg that makes no new low (high) for this many minutes ends: a pause. */
  mergeGapMin: number
  /** Same-direction cascades of one market whose legs follow within this many hours, with no
   * recovery above the first start between them, form one episode. */
  episodeGapHours: number
  /** Cascades of different markets starting within this many minutes (or overlapping) form one
   * market-wide event. */
  eventWindowMin: number
  /** Trailing window, in hours, for the per-minute baselines of liquidations and volume. */
  baselineHours: number
  /** Liquidations must reach at least this many USD in their peak minute (an absolute floor). */
  liqFloorUsd: number
  /** …and a robust z-score (0.6745 · (x − median) / MAD) of at least this against the baseline. */
  liqZ: number
  /** Without liquidation data: cascade volume per minute must be this multiple of the baseline median. */
  minVolumeMultiple: number
  /** Waves are bursts separated by at least this many calm minutes. */
  waveCalmMin: number
  /** A minute is part of a burst when it carries at least this fraction of the peak minute. */
  waveFrac: number
  /** `market` groups all venues of one base asset (BTC); `series` analyses each venue on its own. */
  groupBy: 'market' | 'series'
}

export const DEFAULT_PARAMS: Readonly<AnalysisParams> = Object.freeze({
  minMovePct: 5,
  withinMin: 60,
  reboundFrac: 0.35,
  undercutWithinMin: 5,
  mergeGapMin: 240,
  episodeGapHours: 24,
  eventWindowMin: 15,
  baselineHours: 24,
  liqFloorUsd: 20_000,
  liqZ: 3.5,
  minVolumeMultiple: 2,
  waveCalmMin: 5,
  waveFrac: 0.25,
  groupBy: 'market',
})

/** One line per parameter, for `--help` and the README. */
export const PARAM_DOCS: Readonly<Record<keyof AnalysisParams, string>> = Object.freeze({
  minMovePct: 'smallest move from the last peak (trough) to the low (high), in % (default 5)',
  withinMin:
    'speed test: somewhere in the leg the price moves --min-move within this many minutes (default 60)',
  reboundFrac: 'a bounce giving back more than this fraction of the move ends the leg (default 0.35)',
  undercutWithinMin:
    'a bounce undercut by a lower low within this many minutes does not end the leg (default 5)',
  mergeGapMin: 'a leg with no new low (high) for this many minutes ends (default 240)',
  episodeGapHours: 'legs of one market this many hours apart, without recovery, are one episode (default 24)',
  eventWindowMin: 'cascades of several markets starting within this many minutes are one event (default 15)',
  baselineHours: 'trailing window for the liquidation and volume baselines, in hours (default 24)',
  liqFloorUsd: 'liquidations must reach at least this many USD in their peak minute (default 20000)',
  liqZ: 'robust z-score of the peak liquidation minute against the baseline (default 3.5)',
  minVolumeMultiple: 'without liquidation data: volume per minute vs baseline median (default 2)',
  waveCalmMin: 'calm minutes that separate two waves (default 5)',
  waveFrac: 'a minute belongs to a wave at this fraction of the peak minute (default 0.25)',
  groupBy: 'market (all venues of one asset together) or series (each venue alone) (default market)',
})

/** What is wrong with a parameter set, in words for the user; empty when it is usable. */
export function paramProblems(params: AnalysisParams): string[] {
  const problems: string[] = []
  const positive = (name: keyof AnalysisParams, value: number) => {
    if (!(Number.isFinite(value) && value > 0))
      problems.push(`${name} must be a positive number, got ${value}`)
  }
  positive('minMovePct', params.minMovePct)
  positive('withinMin', params.withinMin)
  positive('mergeGapMin', params.mergeGapMin)
  positive('undercutWithinMin', params.undercutWithinMin)
  positive('episodeGapHours', params.episodeGapHours)
  positive('eventWindowMin', params.eventWindowMin)
  positive('baselineHours', params.baselineHours)
  positive('waveCalmMin', params.waveCalmMin)
  if (!(params.minMovePct < 100)) problems.push(`minMovePct must be below 100, got ${params.minMovePct}`)
  if (!(params.reboundFrac > 0 && params.reboundFrac < 1)) {
    problems.push(`reboundFrac must be between 0 and 1, got ${params.reboundFrac}`)
  }
  if (!(params.waveFrac > 0 && params.waveFrac <= 1))
    problems.push(`waveFrac must be in (0, 1], got ${params.waveFrac}`)
  for (const name of ['liqFloorUsd', 'liqZ', 'minVolumeMultiple'] as const) {
    if (!(Number.isFinite(params[name]) && params[name] >= 0))
      problems.push(`${name} must be 0 or more, got ${params[name]}`)
  }
  if (params.groupBy !== 'market' && params.groupBy !== 'series') {
    problems.push(`groupBy must be market or series, got ${String(params.groupBy)}`)
  }
  return problems
}
