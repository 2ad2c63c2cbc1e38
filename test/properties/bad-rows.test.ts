/**
 * Property: k corrupted rows put at random lines of a valid aggTrades file give exactly k bad rows,
 * at the right 1-based physical lines (the header is line 1; blank lines count as lines but are not
 * rows), and the n good rows still give n events — through the real ingest path.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readAll } from '../helpers/ingest.js'

const HEADER = 'agg_trade_id,price,quantity,first_trade_id,last_trade_id,transact_time,is_buyer_maker'

/** Ways a row goes bad, each with the code it must be counted under. */
const CORRUPTIONS: Record<string, { code: string; make: (good: string) => string }> = {
  badNumber: { code: 'BAD_NUMBER', make: (g) => g.replace(/^(\d+),([\d.]+),/, '$1,$2x,') },
  negative: { code: 'BAD_NUMBER', make: (g) => g.replace(/^(\d+),[\d.]+,([\d.]+),/, '$1,76988.7,-$2,') },
  cutShort: { code: 'FIELD_COUNT', make: (g) => g.split(',').slice(0, 3).join(',') },
  extraField: { code: 'FIELD_COUNT', make: (g) => `${g},true` },
  badBoolean: { code: 'BAD_BOOLEAN', make: (g) => g.replace(/(true|false)$/, 'yes') },
  emptyTime: { code: 'MISSING_FIELD', make: (g) => g.replace(/,\d+,(true|false)$/, ',,$1') },
  badTime: { code: 'BAD_TIMESTAMP', make: (g) => g.replace(/,\d+,(true|false)$/, ',12345,$1') },
  garbage: { code: 'FIELD_COUNT', make: () => 'PK\u0003\u0004 not a row at all' },
  // Binance files never quote, so they are parsed with quotes off: a stray quote, inside a field or
  // at its start, is one bad number and never swallows the lines after it.
  strayQuote: { code: 'BAD_NUMBER', make: (g) => g.replace(/^(\d+),(\d+)/, '$1,$2"') },
  openingQuote: { code: 'BAD_NUMBER', make: (g) => g.replace(/^(\d+),(\d+)/, '$1,"$2') },
}

let dir: string
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cascade-badrows-'))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('bad rows (property)', () => {
  it('k corrupted rows → exactly k bad rows at the right lines, n events', async () => {
    let run = 0
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 30 }),
        // Where each corrupted row / blank line goes: "before good row i" (i = n means at the end).
        fc.array(fc.record({ at: fc.nat(30), kind: fc.constantFrom(...Object.keys(CORRUPTIONS)) }), {
          maxLength: 8,
        }),
        fc.array(fc.nat(30), { maxLength: 3 }),
        fc.boolean(),
        async (n, corrupted, blanks, crlf) => {
          const good = Array.from(
            { length: n },
            (_, i) =>
              `${3454067270 + i},76988.${i % 10},0.${String(37 + i).padStart(3, '0')},${8089233297 + i},${8089233297 + i},${1789655280294 + 11 * i},${i % 2 === 0}`,
          )
          // Assemble the physical lines after the header, remembering which are bad and their codes.
          const lines: { text: string; code?: string }[] = []
          for (let i = 0; i <= n; i++) {
            for (const c of corrupted) {
              if (Math.min(c.at, n) !== i) continue
              const corruption = CORRUPTIONS[c.kind]!
              lines.push({ text: corruption.make(good[Math.min(i, n - 1)]!), code: corruption.code })
            }
            for (const b of blanks) if (Math.min(b, n) === i) lines.push({ text: '' })
            if (i < n) lines.push({ text: good[i]! })
          }
          const eol = crlf ? '\r\n' : '\n'
          const path = join(dir, `${run++}`, 'BTCUSDT-aggTrades-2026-09-17.csv')
          await mkdir(join(path, '..'), { recursive: true })
          await writeFile(path, [HEADER, ...lines.map((l) => l.text)].join(eol) + eol)

          const { inputs, events, badRows } = await readAll([path])
          const expectedBad = lines.flatMap((l, i) => (l.code ? [{ line: i + 2, code: l.code }] : []))
          expect(badRows.map(({ line, code }) => ({ line, code }))).toEqual(expectedBad.slice(0, 20))
          expect(inputs[0]!.badRows).toBe(corrupted.length)
          expect(inputs[0]!.rows).toBe(n + corrupted.length)
          expect(events).toHaveLength(n)
          expect(events.map((e) => e.line)).toEqual(
            lines.flatMap((l, i) => (!l.code && l.text ? [i + 2] : [])),
          )
        },
      ),
      { numRuns: 150 },
    )
  })
})
