/**
 * Property: how the bytes arrive does not change what is read. For any chunk boundaries — inside a
 * CRLF, inside a multi-byte character, inside the header — an aggTrades CSV gives the same events
 * and the same bad rows (line, code, message) as the whole text in one chunk; so does NDJSON in
 * line mode; and so does a file larger than the 64 KiB probe read through peek().
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { peek } from '../../src/ingest/read.js'
import { detectSource } from '../../src/sources/index.js'
import type { FileReader } from '../../src/sources/source.js'
import { chunked, cut, readerFor, readStream } from '../helpers/read.js'

const NAME = 'BTCUSDT-aggTrades-2026-09-17.csv'
const HEADER = 'agg_trade_id,price,quantity,first_trade_id,last_trade_id,transact_time,is_buyer_maker'

/** A line of the file: a good row, a bad one (some with multi-byte text), or a blank line. */
const lineKind = fc.constantFrom('good', 'good', 'good', 'good', 'euro', 'cyrillic', 'short', 'blank')
const ending = fc.constantFrom('\n', '\n', '\r\n')

function aggTradesText(kinds: string[], endings: string[]): string {
  let text = HEADER + (endings[0] ?? '\n')
  kinds.forEach((kind, i) => {
    const id = 3454067270 + i
    const ts = 1789655280294 + i * 7
    const good = `${id},76988.${i % 10},0.0${(i % 89) + 10},${8089233297 + i},${8089233297 + i},${ts},${i % 3 === 0}`
    const line =
      kind === 'good'
        ? good
        : kind === 'euro'
          ? good.replace(',76988.', ',€76988.') // BAD_NUMBER quoting a 3-byte character
          : kind === 'cyrillic'
            ? good.replace(/(true|false)$/, 'trиe') // BAD_BOOLEAN with 2-byte characters
            : kind === 'short'
              ? good.split(',').slice(0, 4).join(',')
              : ''
    text += line + (endings[i + 1] ?? '\n')
  })
  return text
}

const simplify = (o: Awaited<ReturnType<typeof readStream>>) => ({
  events: o.events,
  bad: o.bad,
  counts: [o.stats.rows, o.stats.events, o.stats.badRows],
})

describe('chunking (property)', () => {
  it('aggTrades CSV: any chunk boundaries give the same events and bad rows', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(lineKind, { minLength: 1, maxLength: 40 }),
        fc.array(ending, { maxLength: 41 }),
        fc.array(fc.nat(4000), { maxLength: 60 }),
        async (kinds, endings, offsets) => {
          const bytes = Buffer.from(aggTradesText(kinds, endings), 'utf8')
          const { reader } = await readerFor(bytes, NAME)
          const whole = simplify(await readStream(chunked([bytes]), reader))
          const pieces = simplify(await readStream(chunked(cut(bytes, offsets)), reader))
          expect(pieces).toEqual(whole)
          // And the whole-text reading is itself right: one event per good row, one bad row per bad one.
          const good = kinds.filter((k) => k === 'good').length
          const bad = kinds.filter((k) => k !== 'good' && k !== 'blank').length
          expect(whole.counts).toEqual([good + bad, good, bad])
        },
      ),
      { numRuns: 300 },
    )
  })

  it('every single-byte split point of a small file gives the same result', async () => {
    const bytes = Buffer.from(
      aggTradesText(
        ['good', 'euro', 'good', 'blank', 'cyrillic', 'good'],
        ['\r\n', '\r\n', '\n', '\r\n', '\n', '\r\n', '\r\n'],
      ),
    )
    const { reader } = await readerFor(bytes, NAME)
    const whole = simplify(await readStream(chunked([bytes]), reader))
    expect(whole.bad.map((b) => [b.line, b.code])).toEqual([
      [3, 'BAD_NUMBER'],
      [6, 'BAD_BOOLEAN'],
    ])
    expect(whole.bad[0]!.message).toContain('€76988.1')
    for (let at = 1; at < bytes.length; at++) {
      expect(simplify(await readStream(chunked(cut(bytes, [at])), reader)), `split at byte ${at}`).toEqual(
        whole,
      )
    }
  })

  it('NDJSON in line mode: same lines, same line numbers, multi-byte text intact', async () => {
    // A stand-in line-mode reader (like the cascade-timeline source): one JSON object per line.
    const reader: FileReader = {
      hasHeader: false,
      lineMode: true,
      row(fields, line) {
        const value = JSON.parse(fields[0]!) as { ts: number; note: string }
        return {
          ts: value.ts,
          exchange: 'x',
          symbol: value.note,
          market: 'X-USD',
          kind: 'funding',
          source: 'test',
          fundingRate: line,
          intervalHours: null,
        }
      },
    }
    const note = fc.constantFrom('plain', 'prix €', 'цена', '価格', '🙂')
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.option(note, { nil: null }), { minLength: 1, maxLength: 25 }),
        fc.array(ending, { maxLength: 26 }),
        fc.array(fc.nat(1500), { maxLength: 40 }),
        async (notes, endings, offsets) => {
          const text = notes
            .map(
              (n, i) =>
                (n === null ? '' : JSON.stringify({ ts: 1_700_000_000_000 + i, note: n })) +
                (endings[i] ?? '\n'),
            )
            .join('')
          const bytes = Buffer.from(`\uFEFF${text}`, 'utf8')
          const whole = simplify(await readStream(chunked([bytes]), reader))
          const pieces = simplify(await readStream(chunked(cut(bytes, offsets)), reader))
          expect(pieces).toEqual(whole)
          expect(whole.events.map((e) => e.symbol)).toEqual(notes.filter((n) => n !== null))
          expect(whole.events.map((e) => e.line)).toEqual(
            notes.flatMap((n, i) => (n === null ? [] : [i + 1])),
          )
        },
      ),
      { numRuns: 200 },
    )
  })

  it('a file larger than the probe: peek() puts the head back whatever the chunking', async () => {
    const kinds = Array.from({ length: 1500 }, (_, i) =>
      i % 97 === 5 ? 'euro' : i % 89 === 7 ? 'blank' : 'good',
    )
    const bytes = Buffer.from(
      aggTradesText(
        kinds,
        kinds.map((_, i) => (i % 5 === 0 ? '\r\n' : '\n')),
      ),
      'utf8',
    )
    expect(bytes.length).toBeGreaterThan(64 * 1024)
    const read = async (chunks: Buffer[]) => {
      const { probe, stream } = await peek(chunked(chunks), NAME, NAME)
      const reader = detectSource(probe, NAME).open(probe, {})
      return simplify(await readStream(stream, reader))
    }
    const whole = await read([bytes])
    expect(whole.counts).toEqual([1500 - 17, 1500 - 17 - 16, 16]) // 17 blank lines, 16 bad rows
    await fc.assert(
      fc.asyncProperty(fc.array(fc.nat(bytes.length), { minLength: 1, maxLength: 80 }), async (offsets) => {
        expect(await read(cut(bytes, offsets))).toEqual(whole)
      }),
      { numRuns: 25 },
    )
  })
})
