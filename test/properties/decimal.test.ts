/** The fast decimal parser gives exactly the double `Number` gives, for every text. */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { decimal } from '../../src/sources/fields.js'

const same = (text: string) => Object.is(decimal(text), Number(text))

describe('decimal (property)', () => {
  it('equals Number on plain decimals of any length and precision', () => {
    const plain = fc
      .tuple(fc.boolean(), fc.stringMatching(/^\d{1,20}$/), fc.option(fc.stringMatching(/^\d{1,20}$/)))
      .map(
        ([minus, whole, fraction]) => `${minus ? '-' : ''}${whole}${fraction === null ? '' : `.${fraction}`}`,
      )
    fc.assert(
      fc.property(plain, (text) => same(text)),
      { numRuns: 20_000 },
    )
  })

  it('equals Number on anything else (signs, exponents, spaces, junk)', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[-+ .eE0-9xa]{0,12}$/), (text) => same(text)),
      { numRuns: 20_000 },
    )
  })

  it('keeps the cases that matter', () => {
    for (const text of [
      '0',
      '-0',
      '0.1',
      '76988.7',
      '0.00000001',
      '9007199254740993',
      '999999999999999.9',
      '1.',
      '.5',
      '-.5',
      '-',
      '.',
      '1e5',
      ' 1',
    ]) {
      expect(same(text), text).toBe(true)
    }
  })
})
