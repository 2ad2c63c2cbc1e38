/** `--json`: the whole document (cascade.report/1); `--ndjson`: one cascade per line. */
import type { Report } from '../analysis/report-types.js'

export function renderJson(report: Report): string {
  return `${JSON.stringify(report, null, 2)}\n`
}

export function renderNdjson(report: Report): string {
  return report.cascades.map((cascade) => `${JSON.stringify(cascade)}\n`).join('')
}
