import { describe, expect, it } from 'vitest'
import { epochToMs } from '../src/sources/fields.js'

describe('epochToMs', () => {
  it('tells s, ms, µs and ns apart by size', () => {
    expect(epochToMs('1621036794.507791', 't')).toBeCloseTo(1621036794507.791, 3)
    expect(epochToMs('1621428969252', 't')).toBe(1621428969252)
    expect(epochToMs('1760131438813239', 't')).toBe(1760131438813.239)
    expect(epochToMs('1583020803145000000', 't')).toBe(1583020803145)
  })
})
