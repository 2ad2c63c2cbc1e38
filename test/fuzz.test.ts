/**
 * A few hundred seeded cases of `npm run fuzz` (scripts/fuzz.mjs) in every run of the suite:
 * mutated real-format files of every source, plain, gzip and zip, read on the fast path and on
 * the reference path — no crash, no hang, rows accounted for, fast = reference; a few through the
 * binary. The long campaign is `npm run fuzz -- --cases 100000`.
 */
import { describe, expect, it } from 'vitest'
// @ts-expect-error a plain ES module script, without types
import { accounting, difference, runFuzz } from '../scripts/fuzz.mjs'
import { ROW_OUTCOMES } from '../src/ingest/ledger.js'
import { ensureBuilt } from './helpers/cli.js'

describe('npm run fuzz (seeded)', () => {
  it('its checks see a broken ledger and a difference', () => {
    const read = {
      status: 'bad',
      inputs: [
        {
          path: 'a.csv',
          rows: 5,
          events: 3,
          duplicates: 0,
          badRows: 1,
          skipped: 0,
          superseded: 0,
          suspect: 0,
        },
        {
          path: 'b.csv',
          rows: 4,
          events: 1,
          duplicates: 0,
          badRows: 0,
          skipped: 0,
          superseded: 2,
          suspect: 1,
        },
      ],
      badRows: { total: 1, byCode: { BAD_NUMBER: 1 }, samples: [{ file: 'a.csv', line: 3 }] },
      warnings: [],
      timeline: 'x',
    }
    // Every outcome a row may have, superseded bars and suspect prints among them.
    expect(ROW_OUTCOMES).toEqual(['events', 'duplicates', 'badRows', 'skipped', 'superseded', 'suspect'])
    expect(accounting(read, ROW_OUTCOMES)).toEqual([
      'a.csv: rows 5 ≠ events 3 + duplicates 0 + badRows 1 + skipped 0 + superseded 0 + suspect 0',
    ])
    expect(difference(read, structuredClone(read), 'timeline')).toBeNull()
    const other = structuredClone(read)
    other.badRows.samples[0]!.line = 4
    expect(difference(read, other, 'timeline')).toMatch(/^badRows: /)
    expect(difference(read, { ...read, timeline: 'y' }, 'timeline')).toMatch(/^timeline: /)
  })

  it('300 cases: no crash, hang, accounting violation or fast/reference difference', async () => {
    ensureBuilt()
    const tally = await runFuzz({ seed: 'ci-2026', cases: 300, binaryEvery: 100 })
    expect(tally.cases).toBe(300)
    // Every kind of outcome is reached: the cases are not all refused at the door.
    expect(tally.outcomes.ok).toBeGreaterThan(20)
    expect(tally.outcomes.bad).toBeGreaterThan(50)
    expect(tally.outcomes.fatal).toBeGreaterThan(5)
    expect(tally.binary.runs).toBe(3)
    expect(tally.findings).toEqual([])
    expect(tally.found).toEqual({ crash: 0, hang: 0, accounting: 0, difference: 0, status: 0 })
  }, 300_000)
})
