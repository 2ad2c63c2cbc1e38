/**
 * The cascade-timeline readers' fast paths (src/sources/cascade-timeline.ts) against their
 * references, with fast-check: any line `cascade timeline` writes, the same lines damaged
 * (characters dropped, added or changed), and lines of any text give the same event or the same
 * bad row (code and message) through the NDJSON byte reader as through JSON.parse, and through the
 * CSV row reader as through a record of every column; and whole files with blank lines, CRLF, lone
 * CRs, a BOM and any text, cut into any chunks, give the same events and bad rows read from their
 * bytes as read as decoded whole lines.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { eventCsv, eventNdjson } from '../../src/report/timeline.js'
import {
  eventFromCsvRow,
  eventFromCsvRowGeneric,
  eventFromJsonLine,
  eventFromLineBytes,
} from '../../src/sources/cascade-timeline.js'
import { anyEvent } from '../helpers/events.js'
import { chunked, cut, readerFor, readStream } from '../helpers/read.js'

/** The fast path on one line: its bytes read where the reader can, else JSON.parse (as ingest does). */
function fast(line: string) {
  const bytes = Buffer.from(line, 'utf8')
  return eventFromLineBytes(bytes, 0, bytes.length) ?? eventFromJsonLine(line)
}

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

/** A trade or liquidation just as a source makes it: the fast reader's own lines. */
const cleanEvent = fc
  .record({
    ts: fc.integer({ min: 946_684_800_000, max: 4_102_444_799_999 }),
    exchange: fc.constantFrom('binance', 'okx'),
    symbol: fc.constantFrom('BTCUSDT', 'BTC-USDT-SWAP'),
    market: fc.constantFrom('BTC-USDT-PERP', 'BTC-USD-PERP'),
    source: fc.constantFrom('binance-aggtrades', 'okx-trades'),
    price: fc.integer({ min: 1, max: 10_000_000 }).map((m) => m / 10),
    amount: fc.integer({ min: 1, max: 10_000_000 }).map((m) => m / 1000),
    usd: fc.boolean(),
    side: fc.constantFrom('buy', 'sell', 'long', 'short'),
    id: fc.option(fc.nat().map(String), { nil: undefined }),
  })
  .map(({ usd, side, id, ...e }) => ({
    ...e,
    kind: side === 'long' || side === 'short' ? 'liquidation' : 'trade',
    notionalUsd: usd || side === 'long' || side === 'short' ? e.price * e.amount : null,
    side,
    ...(id === undefined ? {} : { id }),
  }))
const written = fc
  .oneof({ weight: 3, arbitrary: cleanEvent }, usualEvent, anyEvent)
  .map((e) => eventNdjson(e as never).slice(0, -1))
const ndjsonLine = fc.oneof(
  { weight: 3, arbitrary: written },
  { weight: 3, arbitrary: written.chain(damaged) },
  { weight: 1, arbitrary: fc.json() },
  { weight: 1, arbitrary: fc.string() },
)

describe('cascade-timeline NDJSON: fast reader = JSON.parse (differential property)', () => {
  it('reads the lines cascade writes (the fast path is taken)', () => {
    const lines = fc
      .sample(cleanEvent, { numRuns: 200, seed: 3 })
      .map((e) => eventNdjson(e as never).slice(0, -1))
    const read = lines.filter(
      (line) => eventFromLineBytes(Buffer.from(line), 0, Buffer.byteLength(line)) !== null,
    )
    expect(read).toHaveLength(200)
  })

  it('the same event or the same bad row for any line', () => {
    fc.assert(
      fc.property(fc.array(ndjsonLine, { minLength: 1, maxLength: 6 }), (lines) => {
        // In runs: the reader keeps the names of the line before.
        for (const line of lines)
          expect(outcome(fast, line), line).toStrictEqual(outcome(eventFromJsonLine, line))
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

const ending = fc.constantFrom('\n', '\n', '\n', '\r\n', '\r')
const fileLine = fc.oneof(
  { weight: 6, arbitrary: written },
  { weight: 2, arbitrary: written.chain(damaged) },
  { weight: 1, arbitrary: fc.constantFrom('', '   ', '\t', '\u00a0', '\ufeff', ' \u2028 ', 'x', 'é') },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 8 }) },
)

describe('cascade-timeline NDJSON files: read from bytes = read as decoded lines (differential property)', () => {
  it('the same events, line numbers and bad rows, however the bytes are cut', async () => {
    // The first line is one cascade writes, so that the file is detected as a timeline.
    const head = eventNdjson(fc.sample(usualEvent, { numRuns: 1, seed: 1 })[0] as never)
    const { reader } = await readerFor(Buffer.from(head), 'timeline.ndjson')
    expect(reader.fastLine).toBeDefined()
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fileLine, ending), { maxLength: 30 }),
        fc.boolean(),
        fc.array(fc.nat(4000), { maxLength: 12 }),
        async (lines, bom, offsets) => {
          const text = (bom ? '\ufeff' : '') + head + lines.map(([l, e]) => l + e).join('')
          const bytes = Buffer.from(text, 'utf8')
          const reference = await readStream(chunked([bytes]), reader, 'timeline.ndjson', false)
          const fromBytes = await readStream(chunked(cut(bytes, offsets)), reader, 'timeline.ndjson')
          expect(fromBytes.events).toStrictEqual(reference.events)
          expect(fromBytes.bad).toEqual(reference.bad)
          expect([fromBytes.stats.rows, fromBytes.stats.events, fromBytes.stats.badRows]).toEqual([
            reference.stats.rows,
            reference.stats.events,
            reference.stats.badRows,
          ])
        },
      ),
      { numRuns: 400 },
    )
  })
})
