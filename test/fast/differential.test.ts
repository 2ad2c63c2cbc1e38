/**
 * The differential property of DESIGN §2/§9: for any bytes — good rows, bad numbers, wrong field
 * counts, stray quotes, blank lines, CRLF, lone CRs, a BOM, no final newline, invalid UTF-8 — and any
 * chunk boundaries, the fast path makes exactly the events, bad rows (code, message, line, in the
 * order found) and counts that csv-parse + the source's row() make.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { cutAt, FORMATS, type Format, QUOTED_FORMATS, readerOf, readWith } from './helpers.js'

/** Cells that Number(), epochToMs and bool() read in every way they can. */
const ODD_CELLS = [
  '',
  ' ',
  ' 12',
  '12 ',
  '-1',
  '-0',
  '+5',
  '.5',
  '5.',
  '.',
  '007',
  '1e3',
  '1E-2',
  '0x1F',
  '0b11',
  'Infinity',
  'NaN',
  '1.2.3',
  '12345678901234567890',
  '123456789012345678901234567890.5',
  '9007199254740993',
  '0.1234567890123456789012345',
  '1'.repeat(400),
  '1621429740',
  '1621429740.5',
  '1621429740144',
  '1621429740144.75',
  '1621429740144123',
  '1621429740144123456',
  '99999999999',
  '4102444800000',
  '946684799999',
  'true',
  'True',
  'TRUE',
  'tRUE',
  'false',
  'False',
  'FALSE',
  'fals',
  'yes',
  '"1"',
  '"',
  'é',
  '€76988.7',
  'трue',
  'a|b',
]

type Piece = string | Uint8Array

const ending = fc.constantFrom('\n', '\n', '\n', '\n', '\r\n', '\r\n', '\r')

/** One line of a file of `format`, as text or raw bytes. */
function lineArbitrary(format: Format) {
  const good = fc.nat(10_000).map((i) => format.row(i).join(','))
  const oddCell = fc.oneof(
    fc.constantFrom(...ODD_CELLS),
    fc.string({ maxLength: 6 }),
    fc.string({ unit: 'binary', maxLength: 3 }),
    // Quoted cells, closed or not, with the separators inside.
    fc.constantFrom('"BTCUSDT"', '"7.5"', '"a,b"', '"x\ny"', '"open', 'a"b', '""'),
  )
  const mutated = fc
    .tuple(fc.nat(10_000), fc.nat(9), oddCell, fc.constantFrom('replace', 'drop', 'add', 'insert'))
    .map(([i, at, cell, how]) => {
      const fields = format.row(i)
      const k = at % fields.length
      if (how === 'replace') fields[k] = cell
      else if (how === 'drop') fields.splice(k, 1)
      else if (how === 'add') fields.splice(k, 0, cell)
      else fields[k] = `${fields[k]}${cell}`
      return fields.join(',')
    })
  const blank = fc.constantFrom('', '', ' ', '\t')
  const bytes = fc.uint8Array({ maxLength: 12 })
  // Lines around a small --max-line-bytes: good rows padded, runs of one byte, CRs and quotes inside.
  const long = fc
    .tuple(
      fc.nat(10_000),
      fc.integer({ min: 0, max: 300 }),
      fc.constantFrom('7', ',', ' ', '"', 'é'),
      fc.constantFrom('', '\r', '\rx', '"'),
    )
    .map(
      ([i, n, unit, inside]) => `${format.row(i).join(',')}${unit.repeat(n)}${inside}${unit.repeat(n >> 1)}`,
    )
  return fc.oneof(
    { arbitrary: good, weight: 12 },
    { arbitrary: mutated, weight: 5 },
    { arbitrary: blank, weight: 2 },
    { arbitrary: bytes, weight: 1 },
    { arbitrary: long, weight: 2 },
  ) as fc.Arbitrary<Piece>
}

const fileArbitrary = (formats: Format[]) =>
  fc.nat(formats.length - 1).chain((formatIndex) =>
    fc.record({
      format: fc.constant(formats[formatIndex]!),
      lines: fc.array(fc.tuple(lineArbitrary(formats[formatIndex]!), ending), { maxLength: 40 }),
      header: fc.boolean(),
      bom: fc.boolean(),
      finalNewline: fc.boolean(),
      offsets: fc.array(fc.nat(3000), { maxLength: 30 }),
      // --max-line-bytes: mostly the default, else small enough for some lines to pass it.
      maxLineBytes: fc.option(fc.integer({ min: 1, max: 400 }), { nil: undefined, freq: 2 }),
    }),
  )

function bytesOf(file: {
  lines: [Piece, string][]
  header: boolean
  bom: boolean
  finalNewline: boolean
  format: Format
}): Buffer {
  const format = file.format
  const parts: Buffer[] = []
  if (file.bom) parts.push(Buffer.from([0xef, 0xbb, 0xbf]))
  // A header only where the reader expects one (it was decided from the probe); else a data row.
  const reader = readerOf(format)
  if (reader.hasHeader && file.header) parts.push(Buffer.from(`${format.probeLine}\n`))
  file.lines.forEach(([line, end], i) => {
    parts.push(typeof line === 'string' ? Buffer.from(line) : Buffer.from(line))
    if (i < file.lines.length - 1 || file.finalNewline) parts.push(Buffer.from(end))
  })
  return Buffer.concat(parts)
}

describe('fast path = csv-parse + row() (differential property)', () => {
  it('same events, bad rows and counts for random files and chunkings', async () => {
    await fc.assert(
      fc.asyncProperty(fileArbitrary(FORMATS), async (file) => {
        const reader = readerOf(file.format)
        expect(reader.fast).toBeDefined()
        const bytes = bytesOf(file)
        const reference = await readWith([bytes], reader, false, file.maxLineBytes)
        const fast = await readWith(cutAt(bytes, file.offsets), reader, true, file.maxLineBytes)
        expect(fast).toEqual(reference)
      }),
      { numRuns: Number(process.env.RUNS ?? 1500) },
    )
  })

  it('formats without a fast description: lines split at commas until a quote or a lone CR', async () => {
    await fc.assert(
      fc.asyncProperty(fileArbitrary(QUOTED_FORMATS), async (file) => {
        const reader = readerOf(file.format)
        expect(reader.fast).toBeUndefined()
        expect(reader.unquoted).toBeFalsy()
        const bytes = bytesOf(file)
        const reference = await readWith([bytes], reader, false, file.maxLineBytes)
        const fast = await readWith(cutAt(bytes, file.offsets), reader, true, file.maxLineBytes)
        expect(fast).toEqual(reference)
      }),
      { numRuns: Number(process.env.RUNS ?? 800) },
    )
  })

  it('every split point of a file with each kind of trouble', async () => {
    for (const format of FORMATS) {
      const reader = readerOf(format)
      const rows = [0, 1, 2, 3].map((i) => format.row(i).join(','))
      const text =
        `\uFEFF${reader.hasHeader ? `${format.probeLine}\r\n` : ''}${rows[0]}\r\n\r\n${rows[1]}\n` +
        `${rows[2]!.replace('.', '.5.')}\n"${rows[3]}\n${rows[0]},x\n  \n${rows[1]!.replace(/,[^,]*$/, '')}\n${rows[2]}`
      const bytes = Buffer.from(text)
      const reference = await readWith([bytes], reader, false)
      // The reference itself: 4 good rows, 4 bad (bad number, quote, extra field, blank-looking, short).
      expect(reference.counts.events, format.name).toBe(3)
      for (let at = 1; at < bytes.length; at++) {
        expect(await readWith(cutAt(bytes, [at]), reader, true), `${format.name} split at ${at}`).toEqual(
          reference,
        )
      }
    }
  })

  it('a lone CR hands the rest of the file to csv-parse, line numbers continuing', async () => {
    const format = FORMATS[0]!
    const reader = readerOf(format)
    const rows = [0, 1, 2, 3, 4].map((i) => format.row(i).join(','))
    const text = `${format.probeLine}\n${rows[0]}\n${rows[1]}\r${rows[2]}\nbad\n${rows[3]}\r\n${rows[4]}\n`
    const fast = await readWith([Buffer.from(text)], reader, true)
    expect(fast).toEqual(await readWith([Buffer.from(text)], reader, false))
    // header 1, rows 2 and 3, the lone CR makes row 2's line 4, "bad" is line 5.
    expect(fast.bad.map((b) => [b.line, b.code])).toEqual([[5, 'FIELD_COUNT']])
    expect(fast.events.map((e) => e.line)).toEqual([2, 3, 4, 6, 7])
  })
})
