/**
 * Property: mergeSorted + dropDuplicates give a time-ordered stream that is a permutation of the
 * inputs minus exact duplicates (same timestamp and identity), each duplicate reported once against
 * the input it came from — whatever the batching, including empty batches, and whatever start
 * times (at or before each input's first event) let the merge leave inputs unread until due.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { identityOf, type Located, type TradeEvent } from '../../src/timeline/event.js'
import { dropDuplicates, mergeSorted, before as precedes } from '../../src/timeline/merge.js'

type Trade = Located<TradeEvent>

// Small domains so that equal timestamps and exact duplicates are common.
const fields = fc.record({
  ts: fc.integer({ min: 0, max: 12 }),
  price: fc.constantFrom(100, 100.5),
  amount: fc.constantFrom(1, 2),
  side: fc.constantFrom('buy' as const, 'sell' as const),
  id: fc.option(fc.constantFrom('7', '8'), { nil: undefined }),
  symbol: fc.constantFrom('BTCUSDT', 'ETHUSDT'),
})
/** One input: its rows in time order, and where its batches are cut (cuts may repeat: empty batches). */
const input = fc.record({
  rows: fc.array(fields, { maxLength: 25 }),
  cuts: fc.array(fc.nat(25), { maxLength: 6 }),
  // How far before its first event an input says it starts (null: no start given).
  lead: fc.option(fc.constantFrom(0, 0, 1, 3, Number.POSITIVE_INFINITY), { nil: null }),
})

type Fields = typeof fields extends fc.Arbitrary<infer T> ? T : never

function eventsOf(rows: Fields[], index: number): Trade[] {
  return [...rows]
    .sort((a, b) => a.ts - b.ts)
    .map((r, i) => ({
      ts: r.ts,
      exchange: 'binance',
      symbol: r.symbol,
      market: `${r.symbol}-M`,
      kind: 'trade',
      source: 'test',
      price: r.price,
      amount: r.amount,
      notionalUsd: r.price * r.amount,
      side: r.side,
      ...(r.id === undefined ? {} : { id: r.id }),
      input: index,
      line: i + 1,
    }))
}

async function* batches(events: Trade[], cuts: number[]): AsyncGenerator<Located[]> {
  const at = [...new Set([0, ...cuts.map((c) => Math.min(c, events.length)), events.length])].sort(
    (a, b) => a - b,
  )
  for (let i = 0; i + 1 < at.length; i++) {
    yield events.slice(at[i], at[i + 1])
    if (cuts.includes(at[i + 1]!)) yield [] // an empty batch now and then
  }
}

describe('mergeSorted + dropDuplicates (property)', () => {
  it('is time-ordered and a permutation of the inputs minus exact duplicates', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(input, { minLength: 1, maxLength: 5 }), async (inputs) => {
        const perInput = inputs.map((inp, i) => eventsOf(inp.rows, i))
        const starts = inputs.map((inp, i) =>
          inp.lead === null ? Number.NEGATIVE_INFINITY : (perInput[i]![0]?.ts ?? 99) - inp.lead,
        )
        const duplicates = inputs.map(() => 0)
        const out: Located[] = []
        // An input must join before anything at or after its start leaves the merge.
        const pulledLate: number[] = []
        const streams = perInput.map((events, i) =>
          (async function* () {
            if (out.some((e) => e.ts >= starts[i]!)) pulledLate.push(i)
            yield* batches(events, inputs[i]!.cuts)
          })(),
        )
        for await (const batch of dropDuplicates(
          mergeSorted(streams, 7, starts),
          (e) => duplicates[e.input]!++,
        )) {
          expect(batch.length).toBeGreaterThan(0)
          out.push(...batch)
        }
        expect(pulledLate).toEqual([])
        // Expected: every event in (ts, input, line) order, keeping the first of each (ts, identity).
        const all = perInput.flat().sort((a, b) => (precedes(a, b) ? -1 : precedes(b, a) ? 1 : 0))
        const seen = new Set<string>()
        const expectedDuplicates = inputs.map(() => 0)
        const expected = all.filter((e) => {
          const key = `${e.ts}|${identityOf(e)}`
          if (seen.has(key)) {
            expectedDuplicates[e.input]!++
            return false
          }
          seen.add(key)
          return true
        })
        for (let i = 1; i < out.length; i++) expect(precedes(out[i - 1]!, out[i]!)).toBe(true)
        expect(out).toEqual(expected)
        expect(duplicates).toEqual(expectedDuplicates)
        expect(out.length + duplicates.reduce((a, b) => a + b, 0)).toBe(all.length)
      }),
      { numRuns: 300 },
    )
  })
})
