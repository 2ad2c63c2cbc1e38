/** `cascade bars`: bars as `cascade-bars` CSV (the scale-out interface, DESIGN §10) or NDJSON. */
import { CASCADE_BARS_COLUMNS, CASCADE_BARS_OPTIONAL_COLUMNS } from '../timeline/csv-formats.js'
import type { BarEvent } from '../timeline/event.js'
import { csvLine } from './csv.js'
import { eventNdjson } from './timeline.js'

/** The contract's columns, and each optional column that some bar fills. */
export function barsCsvColumns(bars: readonly BarEvent[]): string[] {
  const filled = (column: string) =>
    bars.some((bar) => ((bar as unknown as Record<string, unknown>)[column] ?? null) !== null)
  return [...CASCADE_BARS_COLUMNS, ...CASCADE_BARS_OPTIONAL_COLUMNS.filter(filled)]
}

export function barsCsvHeader(columns: readonly string[] = CASCADE_BARS_COLUMNS): string {
  return csvLine(columns)
}

export function barCsv(bar: BarEvent, columns: readonly string[] = CASCADE_BARS_COLUMNS): string {
  const record = bar as unknown as Record<string, string | number | null>
  return csvLine(columns.map((column) => record[column] ?? null))
}

export const barNdjson = eventNdjson
