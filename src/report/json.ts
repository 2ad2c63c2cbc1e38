/** `--json`: the whole document (cascade.report/2); `--ndjson`: one cascade per line. */
import type { Report } from '../analysis/report-types.js'

export function renderJson(report: Report): string {
  return `${JSON.stringify(report, withoutFloatNoise, 2)}\n`
}

export function renderNdjson(report: Report): string {
  return report.cascades.map((cascade) => `${JSON.stringify(cascade, withoutFloatNoise)}\n`).join('')
}

/**
 * A double's last digits of binary noise (214.49974999999998) never reach the JSON: every
 * non-integer is written with at most 15 significant digits, which a double always holds exactly.
 */
export function withoutFloatNoise(_key: string, value: unknown): unknown {
  return typeof value === 'number' && !Number.isInteger(value) && Number.isFinite(value)
    ? Number(value.toPrecision(15))
    : value
}
