/**
 * Small numeric helpers: guarded robust statistics (simple-statistics throws on empty input),
 * the rounding that keeps report numbers stable, and the words used in reasons.
 */
import { median, medianAbsoluteDeviation } from 'simple-statistics'

export const MINUTE = 60_000
export const HOUR = 3_600_000

/** Median, or null for no data. */
export function medianOrNull(values: readonly number[]): number | null {
  return values.length === 0 ? null : median(values as number[])
}

/** Median absolute deviation (unscaled), or null for no data. */
export function madOrNull(values: readonly number[]): number | null {
  return values.length === 0 ? null : medianAbsoluteDeviation(values as number[])
}

/**
 * Robust z-score (Iglewicz–Hoaglin): 0.6745 · (x − median) / MAD. A zero MAD (a quiet baseline
 * where most minutes are equal) gives +Infinity for anything above the median, which is why the
 * detector always pairs it with an absolute floor (METHODS §2.3).
 * @example robustZ(10, 2, 1) // => 5.396
 */
export function robustZ(x: number, center: number, mad: number): number {
  if (mad > 0) return (0.6745 * (x - center)) / mad
  if (x > center) return Number.POSITIVE_INFINITY
  return x < center ? Number.NEGATIVE_INFINITY : 0
}

/** Rounds half away from zero to `decimals` places; never returns -0. */
export function round(x: number, decimals: number): number {
  const factor = 10 ** decimals
  const scaled = Math.abs(x) * factor
  // The nudge keeps 1.005 * 100 = 100.49999… rounding to 1.01 as written.
  const rounded = (Math.sign(x) * Math.round(scaled + scaled * Number.EPSILON)) / factor
  return rounded === 0 ? 0 : rounded
}

export const usd = (x: number): number => round(x, 2)
export const pct = (x: number): number => round(x, 2)
export const baseUnits = (x: number): number => round(x, 8)

export function usdOrNull(x: number | null): number | null {
  return x === null || !Number.isFinite(x) ? null : usd(x)
}

export function iso(ms: number): string {
  return new Date(ms).toISOString()
}

/** `1s`, `1m`, `5m`, `1h`, `1d`, or `90s` for lengths that are not whole units. */
export function resolutionLabel(ms: number): string {
  const seconds = Math.round(ms / 1000)
  if (seconds <= 0) return `${Math.max(0, Math.round(ms))}ms`
  if (seconds % 86_400 === 0) return `${seconds / 86_400}d`
  if (seconds % 3600 === 0) return `${seconds / 3600}h`
  if (seconds % 60 === 0) return `${seconds / 60}m`
  return `${seconds}s`
}

/** `45 s`, `47 min`, `2 h 05 min`, `9 h` (whole hours: hourly bars know no minutes), `3 days`. */
/** A price as the tables print it (README's rounding table): 12 significant digits, thousands separated. */
export function priceWords(x: number): string {
  return x.toLocaleString('en-US', { maximumSignificantDigits: 12 })
}

export function durationWords(ms: number): string {
  const seconds = Math.round(ms / 1000)
  if (seconds < 60) return `${seconds} s`
  const minutes = Math.round(seconds / 60)
  if (minutes < 120) return `${minutes} min`
  const hours = Math.floor(minutes / 60)
  if (minutes % 60 !== 0) return `${hours} h ${String(minutes % 60).padStart(2, '0')} min`
  return hours >= 48 && hours % 24 === 0 ? `${hours / 24} days` : `${hours} h`
}

/**
 * USD in words, as every output writes it (the table's `usd` in src/report/format.ts too): three
 * significant digits with k, M or B, no trailing decimal zeros: `$950`, `$217k`, `$3.25M`, `$45.3M`.
 */
export function usdWords(x: number): string {
  const abs = Math.abs(x)
  const sign = x < 0 ? '-' : ''
  const [scale, suffix] =
    abs >= 1e9 ? [1e9, 'B'] : abs >= 1e6 ? [1e6, 'M'] : abs >= 1e3 ? [1e3, 'k'] : [1, '']
  if (suffix === '') return `${sign}$${abs.toFixed(0)}`
  const v = abs / scale
  const text = v.toFixed(v >= 100 ? 0 : v >= 10 ? 1 : 2)
  return `${sign}$${text.includes('.') ? text.replace(/\.?0+$/, '') : text}${suffix}`
}

/**
 * A multiple rounded once, for the JSON and the words alike: three significant digits (24.1,
 * 3.52, 394), whole from 1000 on.
 */
export function multiple(x: number): number {
  if (!Number.isFinite(x) || x === 0) return x
  return Math.abs(x) >= 1000 ? Math.round(x) : Number(x.toPrecision(3))
}

/** A multiple in words, as `multiple` rounds it: `394×`, `24.1×`, `3.52×`, `2,531×`. */
export function timesWords(x: number): string {
  return `${multiple(x).toLocaleString('en-US')}×`
}
