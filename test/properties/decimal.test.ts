/**
 * Numbers are read in decimal notation only (issue 15 item 8): `decimal` gives exactly the double
 * `Number` gives for every text in that notation, and NaN for every other text — hex, binary and
 * octal literals, `Infinity`, a cell of spaces — that `Number` would have read.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { decimal, isNumeric, num } from '../../src/sources/fields.js'

/** The notation, written out independently of src/sources/fields.ts. */
function isDecimalNotation(text: string): boolean {
  const body = text.replace(/^[ \t]+|[ \t]+$/g, '')
  const m = /^[+-]?(\d*)(?:\.(\d*))?(?:[eE][+-]?\d+)?$/.exec(body)
  return m !== null && (m[1]!.length > 0 || (m[2] ?? '').length > 0)
}

const same = (text: string) =>
  isDecimalNotation(text) ? Object.is(decimal(text), Number(text)) : Number.isNaN(decimal(text))

describe('decimal (property)', () => {
  it('equals Number on plain decimals of any length and precision', () => {
    const plain = fc
      .tuple(fc.boolean(), fc.stringMatching(/^\d{1,20}$/), fc.option(fc.stringMatching(/^\d{1,20}$/)))
      .map(
        ([minus, whole, fraction]) => `${minus ? '-' : ''}${whole}${fraction === null ? '' : `.${fraction}`}`,
      )
    fc.assert(
      fc.property(plain, (text) => Object.is(decimal(text), Number(text))),
      { numRuns: 20_000 },
    )
  })

  it('equals Number in decimal notation, NaN on anything else (prefixes, words, junk)', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[-+ \t.eE0-9xXbBoOaIfinty_]{0,12}$/), (text) => same(text)),
      { numRuns: 30_000 },
    )
  })

  it('refuses what Number reads but no export writes', () => {
    for (const text of [
      '0x10',
      '0X1F',
      '0b11',
      '0o17',
      'Infinity',
      '-Infinity',
      '+Infinity',
      'NaN',
      ' ',
      '\t',
      '1_000',
      '0x9670',
      '\u00a01',
      '1\n',
    ]) {
      expect(Number.isNaN(decimal(text)), JSON.stringify(text)).toBe(true)
      expect(isNumeric(text), JSON.stringify(text)).toBe(false)
      expect(() => num(text, 'price')).toThrow(/BAD_NUMBER|expected a number/)
    }
  })

  it('keeps the cases that matter', () => {
    for (const [text, value] of [
      ['0', 0],
      ['-0', -0],
      ['0.1', 0.1],
      ['76988.7', 76988.7],
      ['0.00000001', 1e-8],
      ['9007199254740993', 9007199254740992],
      ['999999999999999.9', 999999999999999.9],
      ['1.', 1],
      ['.5', 0.5],
      ['-.5', -0.5],
      ['+5', 5],
      ['1e5', 100000],
      ['1E-2', 0.01],
      [' 1', 1],
      ['2\t', 2],
    ] as const) {
      expect(decimal(text), text).toBe(value)
    }
    for (const text of ['-', '.', '+', 'e5', '1e', '1.2.3', '--1', '1 2']) {
      expect(Number.isNaN(decimal(text)), text).toBe(true)
    }
  })

  it('reads a cell of 500,000 digits in one pass (two ways to split a run of digits took hours)', () => {
    const digits = '7'.repeat(500_000)
    for (const text of [`${digits}x`, `${digits}.${digits}x`, `1e${digits}x`, `${digits} x`, `${digits}\n`])
      expect(Number.isNaN(decimal(text)), text.slice(-3)).toBe(true)
    expect(decimal(digits)).toBe(Number.POSITIVE_INFINITY)
  })
})
