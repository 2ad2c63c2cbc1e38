/** `cascade bars`: bars as `cascade-bars` CSV (the scale-out interface, DESIGN §10) or NDJSON. */
import { CASCADE_BARS_COLUMNS } from '../timeline/csv-formats.js'
import type { BarEvent } from '../timeline/event.js'
import { csvLine } from './csv.js'
import { eventNdjson } from './timeline.js'

export function barsCsvHeader(): string {
  return csvLine(CASCADE_BARS_COLUMNS)
}

export function barCsv(bar: BarEvent): string {
  const record = bar as unknown as Record<string, string | number | null>
  return csvLine(CASCADE_BARS_COLUMNS.map((column) => record[column] ?? null))
}

export const barNdjson = eventNdjson
