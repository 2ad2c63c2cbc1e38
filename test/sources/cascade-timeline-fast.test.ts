/**
 * The cascade-timeline readers' fast paths (src/sources/cascade-timeline.ts) against their
 * references, with fast-check: any line `cascade timeline` writes, the same lines damaged
 * (characters dropped, added or changed), and lines of any text give the same event or the same
 * bad row (code and message) through the NDJSON byte reader as through JSON.parse, and through the
 * CSV row reader as through a record of every column.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { eventCsv, eventNdjson } from '../../src/report/timeline.js'
import {
  eventFromCsvRow,
  eventFromCsvRowGeneric,
  eventFromJsonLine,
  eventFromJsonLineGeneric,
} from '../../src/sources/cascade-timeline.js'
import { anyEvent } from '../helpers/events.js'

/** The event a reader makes of a line, or the bad row it throws. */
function outcome<T>(read: (input: T) => unknown, input: T) {
  try {
    return { event: read(input) }
  } catch (error) {
    const e = error as Error & { code?: string }
    return { error: `${e.code ?? e.name}: ${e.message}` }
  }
}

/** A trade or liquidation as sources make them (the lines the fast reader is for). */
const usualEvent = fc
  .record({
    ts: fc.oneof(
      fc.integer({ min: 946_684_800_000, max: 4_102_444_799_999 }),
      fc.double({ min: 9e11, max: 5e12 }),
    ),
    exchange: fc.constantFrom('binance', 'bybit', 'okx', ''),
    symbol: fc.constantFrom('BTCUSDT', 'ETH-USDT-SWAP', 'XBTUSD'),
    market: fc.constantFrom('BTC-USDT-PERP', 'BTC-USD-PERP', 'a"b'),
    kind: fc.constantFrom('trade' as const, 'liquidation' as const),
    source: fc.constantFrom('binance-aggtrades', 'tardis-trades'),
    price: fc.oneof(
      fc.integer({ min: 1, max: 10_000_000 }).map((m) => m / 10),
      fc.double({ noNaN: true }),
    ),
    amount: fc.oneof(
      fc.integer({ min: 1, max: 10_000_000 }).map((m) => m / 1000),
      fc.double(),
    ),
    notionalUsd: fc.option(fc.double(), { nil: null }),
    side: fc.constantFrom('buy', 'sell', 'unknown', 'long', 'short'),
    id: fc.option(fc.oneof(fc.nat().map(String), fc.string({ maxLength: 6 })), { nil: undefined }),
  })
  .map(({ id, ...rest }) => (id === undefined ? rest : { ...rest, id }))

/** A line changed in a few places: characters dropped, added or replaced. */
const damaged = (line: string) =>
  fc
    .array(
      fc.tuple(
        fc.nat({ max: Math.max(0, line.length) }),
        fc.constantFrom('drop', 'add', 'change'),
        fc.constantFrom('"', '\\', ',', ':', '}', '{', ' ', '0', '9', '.', 'e', '-', 'n', '\u0001', 'é'),
      ),
      { minLength: 1, maxLength: 3 },
    )
    .map((edits) => {
      let text = line
      for (const [at, how, c] of edits) {
        const i = Math.min(at, text.length)
        text =
          how === 'drop'
            ? text.slice(0, i) + text.slice(i + 1)
            : how === 'add'
              ? text.slice(0, i) + c + text.slice(i)
              : text.slice(0, i) + c + text.slice(i + 1)
      }
      return text
    })

const written = fc.oneof(usualEvent, anyEvent).map((e) => eventNdjson(e as never).slice(0, -1))
const ndjsonLine = fc.oneof(
  { weight: 3, arbitrary: written },
  { weight: 3, arbitrary: written.chain(damaged) },
  { weight: 1, arbitrary: fc.json() },
  { weight: 1, arbitrary: fc.string() },
)

describe('cascade-timeline NDJSON: fast reader = JSON.parse (differential property)', () => {
  it('the same event or the same bad row for any line', () => {
    fc.assert(
      fc.property(fc.array(ndjsonLine, { minLength: 1, maxLength: 6 }), (lines) => {
        // In runs: the reader keeps the names of the line before.
        for (const line of lines)
          expect(outcome(eventFromJsonLine, line), line).toStrictEqual(
            outcome(eventFromJsonLineGeneric, line),
          )
      }),
      { numRuns: 3000 },
    )
  })
})

/** The CSV row of an event (without its line end); its times must be within Date's range. */
const csvRow = fc
  .oneof(usualEvent, anyEvent)
  .filter((e) => Math.abs(e.ts) < 8.64e15)
  .map((e) => eventCsv(e as never).slice(0, -1))
const csvFields = fc.oneof(
  csvRow.map((line) => line.split(',')),
  csvRow.chain(damaged).map((line) => line.split(',')),
  fc.array(fc.oneof(fc.constant(''), fc.string({ maxLength: 5 }), fc.double().map(String)), {
    minLength: 26,
    maxLength: 28,
  }),
)

describe('cascade-timeline CSV: short record = record of every column (differential property)', () => {
  it('the same event or the same bad row for any row', () => {
    fc.assert(
      fc.property(csvFields, (fields) => {
        expect(outcome(eventFromCsvRow, fields)).toStrictEqual(outcome(eventFromCsvRowGeneric, fields))
      }),
      { numRuns: 3000 },
    )
  })
})
