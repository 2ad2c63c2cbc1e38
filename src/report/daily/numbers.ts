/** Rounding for the daily report's figures (the report layer keeps its own: it imports only analysis types). */

/** Rounds half away from zero to `decimals` places; never returns -0. */
export function round(x: number, decimals: number): number {
  const factor = 10 ** decimals
  const scaled = Math.abs(x) * factor
  const rounded = (Math.sign(x) * Math.round(scaled + scaled * Number.EPSILON)) / factor
  return rounded === 0 ? 0 : rounded
}

/** Two decimals, or null for a missing or non-finite figure. */
export function round2(x: number | null): number | null {
  return x === null || !Number.isFinite(x) ? null : round(x, 2)
}

export const iso = (ms: number): string => new Date(ms).toISOString()

export const MINUTE = 60_000
export const HOUR = 3_600_000
