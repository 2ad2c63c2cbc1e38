/**
 * TimelineEncoder (src/report/timeline-bytes.ts), what `cascade timeline` writes with: its bytes
 * are the generic writers' (a record per event through JSON.stringify, or csvLine), for any run
 * of events of any kind, with ids handed over as whole numbers (as the fast path reads them), and
 * across the buffers it hands out.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { eventCsvGeneric, eventNdjsonGeneric } from '../../src/report/timeline.js'
import { TimelineEncoder } from '../../src/report/timeline-bytes.js'
import type { TimelineEvent } from '../../src/timeline/event.js'
import { anyEvent } from '../helpers/events.js'

/** A trade as the fast path makes it: plain names, decimal numbers, an id that is a whole number. */
const fastTrade = fc
  .record({
    ts: fc.integer({ min: 946_684_800_000, max: 4_102_444_799_999 }),
    price: fc.integer({ min: 1, max: 10_000_000 }).map((m) => m / 10),
    amount: fc.integer({ min: 1, max: 10_000_000 }).map((m) => m / 1000),
    side: fc.constantFrom('buy' as const, 'sell' as const),
    id: fc.integer({ min: 0, max: 999_999_999_999_999 }),
    usd: fc.boolean(),
  })
  .map(({ ts, price, amount, side, id, usd }) => ({
    event: {
      ts,
      exchange: 'binance',
      symbol: 'BTCUSDT',
      market: 'BTC-USDT-PERP',
      kind: 'trade' as const,
      source: 'binance-aggtrades',
      price,
      amount,
      notionalUsd: usd ? price * amount : null,
      side,
      id: String(id),
    },
    idNumber: id,
  }))

const entry = fc.oneof(
  fastTrade,
  anyEvent.map((event) => ({ event, idNumber: -1 })),
)

/** Each event's line from the encoder, or the error it raised (a time beyond Date's range). */
function encoded(format: 'ndjson' | 'csv', entries: { event: TimelineEvent; idNumber: number }[]) {
  const encoder = new TimelineEncoder(format)
  return entries.map(({ event, idNumber }) => {
    try {
      encoder.add(event, idNumber)
      return encoder.take().toString('utf8')
    } catch (error) {
      return `${(error as Error).name}: ${(error as Error).message}`
    }
  })
}

function generic(format: 'ndjson' | 'csv', entries: { event: TimelineEvent }[]) {
  const write = format === 'csv' ? eventCsvGeneric : eventNdjsonGeneric
  return entries.map(({ event }) => {
    try {
      return write(event)
    } catch (error) {
      return `${(error as Error).name}: ${(error as Error).message}`
    }
  })
}

describe('TimelineEncoder = the generic writers (differential property)', () => {
  for (const format of ['ndjson', 'csv'] as const) {
    it(`${format}: every line the same bytes`, () => {
      fc.assert(
        fc.property(fc.array(entry, { maxLength: 20 }), (entries) => {
          expect(encoded(format, entries)).toEqual(generic(format, entries))
        }),
        { numRuns: 1500 },
      )
    })
  }

  it('many lines across several buffers: the same bytes in order', () => {
    const entries = fc.sample(fastTrade, { numRuns: 20_000, seed: 7 })
    for (const format of ['ndjson', 'csv'] as const) {
      const encoder = new TimelineEncoder(format)
      const parts: Buffer[] = []
      for (const { event, idNumber } of entries) {
        encoder.add(event, idNumber)
        if (encoder.length > 100_000) parts.push(encoder.take())
      }
      parts.push(encoder.take())
      expect(parts.length).toBeGreaterThan(2)
      expect(Buffer.concat(parts).toString('utf8')).toBe(generic(format, entries).join(''))
    }
  })
})
