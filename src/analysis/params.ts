/**
 * Detector parameters (DESIGN §5). Every threshold is here with its default, so the CLI can expose
 * each as an option and the report can echo the values actually used (`params`).
 */

export interface AnalysisParams {
  /** Smallest price move, in %, from the last peak (trough) to the extreme. */
  minMovePct: number
  /** The move must happen within this many minutes (each leg; legs merge across small rebounds). */
  withinMin: number
  /**
   * A rebound that gives back more than this fraction of the move so far ends the episode; smaller
   * bounces do not, so two legs with a partial bounce are one cascade. Also where `end` is placed.
   */
  reboundFrac: number
  /** Fast legs further apart than this many minutes are separate cascades, even without a big bounce. */
  mergeGapMin: number
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
  mergeGapMin: 240,
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
  withinMin: 'the move must happen within this many minutes (default 60)',
  reboundFrac: 'a bounce giving back more than this fraction of the move ends the cascade (default 0.35)',
  mergeGapMin: 'fast legs further apart than this many minutes are separate cascades (default 240)',
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
