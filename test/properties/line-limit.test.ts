/**
 * LineLimit (src/ingest/lines.ts), the splitter in front of csv-parse and the NDJSON reader: for
 * any bytes and any chunking, the same text and the same LINE_TOO_LONG markers, in the same
 * places; pieces end at line endings; nothing longer than the limit is passed on; and a text
 * with no line too long passes through whole.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { LineLimit, TooLong } from '../../src/ingest/lines.js'
import { cut } from '../helpers/read.js'

/** The text between markers, and the markers, as one list. */
function run(chunks: Buffer[], max: number, quoted: boolean): (string | { tooLong: number })[] {
  const limit = new LineLimit(max, quoted)
  const out: (Buffer | TooLong)[] = []
  for (const chunk of chunks) limit.push(chunk, out)
  limit.end(out)
  const result: (string | { tooLong: number })[] = []
  let text = ''
  out.forEach((piece, i) => {
    if (piece instanceof TooLong) {
      if (text) result.push(text)
      text = ''
      result.push({ tooLong: piece.lines })
      return
    }
    // Every piece but the last ends at a line ending (or is followed by a marker).
    if (i < out.length - 1 && !(out[i + 1] instanceof TooLong)) {
      expect([10, 13]).toContain(piece[piece.length - 1])
    }
    text += piece.toString('latin1')
  })
  if (text) result.push(text)
  return result
}

const bytes = fc
  .array(
    fc.oneof(
      { weight: 6, arbitrary: fc.constantFrom('a', 'b,', '7', ',', ' ') },
      { weight: 2, arbitrary: fc.constantFrom('\n', '\r\n', '\r') },
      { weight: 1, arbitrary: fc.constantFrom('"', '""', '","') },
      { weight: 1, arbitrary: fc.string({ maxLength: 30 }) },
    ),
    { maxLength: 120 },
  )
  .map((parts) => Buffer.from(parts.join(''), 'latin1'))

describe('LineLimit (property)', () => {
  it('the same text and markers whatever the chunking; no line longer than the limit passes', () => {
    fc.assert(
      fc.property(
        bytes,
        fc.array(fc.nat(400), { maxLength: 12 }),
        fc.integer({ min: 1, max: 40 }),
        fc.boolean(),
        (text, offsets, max, quoted) => {
          const whole = run([text], max, quoted)
          expect(run(cut(text, offsets), max, quoted)).toEqual(whole)
          if (!quoted) {
            for (const part of whole) {
              if (typeof part !== 'string') continue
              for (const line of part.split(/\r\n|\r|\n/)) expect(line.length).toBeLessThanOrEqual(max)
            }
          }
        },
      ),
      { numRuns: 3000 },
    )
  })

  it('passes a text with no line too long through unchanged', () => {
    fc.assert(
      fc.property(bytes, fc.array(fc.nat(400), { maxLength: 12 }), fc.boolean(), (text, offsets, quoted) => {
        expect(run(cut(text, offsets), 1 << 20, quoted)).toEqual(
          text.length > 0 ? [text.toString('latin1')] : [],
        )
      }),
      { numRuns: 1000 },
    )
  })

  it('a quoted record is judged whole, and the line endings it took are counted', () => {
    const text = Buffer.from('a,b\n"x\nyyyyyyyy\r\nzzzzzzzz\nc,d\n')
    // `"x⏎yyyyyyyy` passes 10 bytes at its last y: dropped to the CR LF after it, one line ending in it.
    expect(run([text], 10, true)).toEqual(['a,b\n', { tooLong: 1 }, 'zzzzzzzz\nc,d\n'])
    // Without quotes each line is short.
    expect(run([text], 10, false)).toEqual([text.toString('latin1')])
    expect(run([text], 100, true)).toEqual([text.toString('latin1')])
    // A long line ended by a lone CR: what follows the CR is the next line.
    expect(run([Buffer.from('ab\nxxxxxxxxxxxx\rcd\n')], 5, false)).toEqual(['ab\n', { tooLong: 0 }, 'cd\n'])
  })
})
