/** CSV cells that are safe to open in a spreadsheet (DESIGN §8). */

/**
 * Quote a cell when needed and neutralise text that a spreadsheet would execute: a text cell
 * starting with `=`, `+`, `-` or `@` gets a leading apostrophe. Numbers pass unchanged.
 */
export function csvCell(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return ''
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : ''
  if (typeof value === 'boolean') return value ? 'true' : 'false'
  let text = value
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text
}

export function csvLine(values: readonly (string | number | boolean | null | undefined)[]): string {
  return `${values.map(csvCell).join(',')}\n`
}
