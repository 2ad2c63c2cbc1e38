/**
 * `cascade timeline`'s writers (src/report/timeline.ts): the hand-written NDJSON and CSV lines are
 * byte for byte what the generic path writes (a record per event through JSON.stringify and
 * csvLine), for any event — any text in the names (quotes, control characters, lone surrogates,
 * formula prefixes), any number (NaN, infinities, -0, the whole double range), null and absent
 * fields — and in runs where names repeat (the writers keep the last name's form).
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  eventCsv,
  eventCsvGeneric,
  eventNdjson,
  eventNdjsonGeneric,
  numberText,
} from '../../src/report/timeline.js'
import type { TimelineEvent } from '../../src/timeline/event.js'
import { anyEvent as event } from '../helpers/events.js'

/** Each event's line, or the error writing it raised (a time beyond Date's range throws on both). */
const lines = (events: TimelineEvent[], write: (e: TimelineEvent) => string) =>
  events.map((e) => {
    try {
      return write(e)
    } catch (error) {
      return `${(error as Error).name}: ${(error as Error).message}`
    }
  })

describe('timeline writers: hand-written = generic (differential property)', () => {
  it('NDJSON lines are the same bytes', () => {
    fc.assert(
      fc.property(fc.array(event, { maxLength: 12 }), (events) => {
        expect(lines(events, eventNdjson)).toEqual(lines(events, eventNdjsonGeneric))
      }),
      { numRuns: 2000 },
    )
  })

  it('CSV rows are the same bytes', () => {
    fc.assert(
      fc.property(fc.array(event, { maxLength: 12 }), (events) => {
        expect(lines(events, eventCsv)).toEqual(lines(events, eventCsvGeneric))
      }),
      { numRuns: 2000 },
    )
  })

  it('times around the edges of a second, before 1970 and in far years', () => {
    const base = { exchange: 'binance', symbol: 'X', market: 'X', source: 's', kind: 'funding' as const }
    for (const ts of [
      0, 999, 1000, -1, -1000, -1001, 1.5, 999.9, 1770249599999.5, 253402300799999, 253402300800000,
      -62167219200001,
    ]) {
      const e: TimelineEvent = { ...base, ts, fundingRate: 0.0001, intervalHours: 8 }
      expect(eventCsv(e), String(ts)).toBe(eventCsvGeneric(e))
      expect(eventNdjson(e), String(ts)).toBe(eventNdjsonGeneric(e))
    }
  })
})

describe('numberText = String (property)', () => {
  it('for any double, and for the decimals trade files hold (m / 10^k) and their products', () => {
    const decimal = fc
      .tuple(fc.integer({ min: 0, max: 2 ** 53 - 1 }), fc.integer({ min: 0, max: 16 }))
      .map(([m, k]) => m / 10 ** k)
    fc.assert(
      fc.property(
        fc.oneof(
          fc.double(),
          decimal,
          fc.tuple(decimal, decimal).map(([a, b]) => a * b),
        ),
        fc.boolean(),
        (v, negative) => {
          const x = negative ? -v : v
          expect(numberText(x)).toBe(String(x))
        },
      ),
      { numRuns: 20_000 },
    )
    for (const x of [
      0,
      -0,
      1e-6,
      9.99e-7,
      1e-7,
      0.1,
      0.000123,
      1e15 - 1,
      1e15,
      1e21,
      123456789012345,
      5e-324,
    ])
      expect(numberText(x), String(x)).toBe(String(x))
  })
})
