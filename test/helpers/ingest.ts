/**
 * Reading fixtures through the real ingest path, for tests: every event of the merged timeline,
 * the per-input counts, and the ledger. Paths are relative to the project root (vitest's cwd).
 */
import { expect } from 'vitest'
import { type IngestOptions, type InputStats, ingest } from '../../src/ingest/index.js'
import { ROW_OUTCOMES } from '../../src/ingest/ledger.js'
import { membersOf } from '../../src/ingest/open.js'
import type { Located, TimelineEvent, TradeEvent } from '../../src/timeline/event.js'

export interface Read {
  inputs: InputStats[]
  events: Located[]
  badRows: { file: string; line: number; code: string; message: string }[]
  warnings: string[]
}

/** Ingest `paths` and drain the timeline; checks the ledger identity of DESIGN §6 on every input. */
export async function readAll(paths: string[], options: IngestOptions = {}): Promise<Read> {
  const ingestion = await ingest(paths, options)
  const events: Located[] = []
  try {
    for await (const batch of ingestion.events) events.push(...batch)
  } finally {
    await ingestion.close()
  }
  for (const input of ingestion.inputs) {
    // Nothing is silently dropped: every row is an event, a duplicate, a bad row, a skipped row, a
    // superseded bar or a suspect print.
    const accounted = ROW_OUTCOMES.reduce((n, outcome) => n + input[outcome], 0)
    expect(accounted, input.path).toBe(input.rows)
  }
  return {
    inputs: ingestion.inputs,
    events,
    badRows: ingestion.ledger.samples(),
    warnings: ingestion.warnings,
  }
}

/** The counts of one input, for a compact `toEqual`. */
export function counts(input: InputStats | undefined) {
  if (!input) throw new Error('no such input')
  const { rows, events, duplicates, badRows, skipped } = input
  return { rows, events, duplicates, badRows, skipped }
}

/** The contract fields of an event (drops the `input`/`line` bookkeeping). */
export function plain(event: Located | undefined): TimelineEvent {
  if (!event) throw new Error('no such event')
  const { input: _input, line: _line, ...rest } = event
  return rest as TimelineEvent
}

/** The event of a trade id. */
export function tradeById(events: Located[], id: string): Located<TradeEvent> {
  const found = events.find((e): e is Located<TradeEvent> => e.kind === 'trade' && e.id === id)
  if (!found) throw new Error(`no trade ${id}`)
  return found
}

/** Time order of the merged timeline: ts, then input, then line (src/timeline/merge.ts `before`). */
export function expectTimeOrdered(events: Located[]): void {
  for (let i = 1; i < events.length; i++) {
    const a = events[i - 1]!
    const b = events[i]!
    const ordered =
      a.ts < b.ts || (a.ts === b.ts && (a.input < b.input || (a.input === b.input && a.line < b.line)))
    if (!ordered) throw new Error(`events ${i - 1} and ${i} out of order: ${JSON.stringify([a, b])}`)
  }
}

/** The decompressed text of every CSV member of a fixture (plain, gzip or zip), split into rows. */
export async function rawRows(path: string): Promise<string[][]> {
  const rows: string[][] = []
  for (const member of await membersOf(path, {})) {
    let text = ''
    for await (const chunk of await member.open()) text += String(chunk)
    for (const line of text.split('\n')) if (line.length > 0) rows.push(line.split(','))
  }
  return rows
}
