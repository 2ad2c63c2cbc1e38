/**
 * The one reader of typed dates and times (src/timeline/time.ts): every real instant written in ISO
 * reads back to itself, with or without a zone offset; every impossible day or time is refused with
 * the reason, where Date.parse would roll 2021-02-30 over to 2 March.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { daysInMonth, readDate, readInstant } from '../../src/timeline/time.js'

const MIN_MS = new Date('0001-01-01T00:00:00Z').getTime()
const MAX_MS = new Date('9999-12-31T23:59:59.999Z').getTime()
const value = <T>(reading: { ok: true; value: T } | { ok: false; problem: string }) =>
  reading.ok ? reading.value : reading.problem

describe('readInstant', () => {
  it('reads every instant of years 0001–9999 written by toISOString back to the same millisecond', () => {
    fc.assert(
      fc.property(fc.integer({ min: MIN_MS, max: MAX_MS }), (ms) => {
        expect(readInstant(new Date(ms).toISOString())).toEqual({ ok: true, value: ms })
      }),
    )
  })

  it('applies a zone offset, in any of its spellings', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(1970, 0, 1), max: Date.UTC(2100, 0, 1) }).map((ms) => ms - (ms % 60_000)),
        fc.integer({ min: -14 * 60, max: 14 * 60 }).map((minutes) => minutes - (minutes % 15)),
        (ms, offset) => {
          // The wall-clock time at `offset` minutes east of UTC, written with that offset.
          const wall = new Date(ms + offset * 60_000).toISOString().slice(0, 16)
          const sign = offset < 0 ? '-' : '+'
          const hh = String(Math.floor(Math.abs(offset) / 60)).padStart(2, '0')
          const mm = String(Math.abs(offset) % 60).padStart(2, '0')
          for (const zone of [`${sign}${hh}:${mm}`, `${sign}${hh}${mm}`])
            expect(readInstant(`${wall}${zone}`)).toEqual({ ok: true, value: ms })
          if (mm === '00') expect(readInstant(`${wall}${sign}${hh}`)).toEqual({ ok: true, value: ms })
        },
      ),
    )
  })

  it('refuses every day past the end of its month, and takes every day up to it', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 9999 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 31 }),
        (year, month, day) => {
          const text = `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`
          const reading = readInstant(text)
          if (day <= daysInMonth(year, month)) {
            expect(reading.ok).toBe(true)
            expect(new Date(value(reading) as number).toISOString().slice(0, 10)).toBe(text)
          } else {
            expect(reading.ok).toBe(false)
          }
        },
      ),
    )
  })

  it('says what is wrong', () => {
    expect(value(readInstant('2021-02-30'))).toBe('not a day: February 2021 has 28 days')
    expect(value(readInstant('2100-02-29T10:00'))).toBe('not a day: February 2100 has 28 days')
    expect(value(readInstant('2021-04-31T10:00Z'))).toBe('not a day: April 2021 has 30 days')
    expect(value(readInstant('2021-00-10'))).toBe('month 00 does not exist')
    expect(value(readInstant('2021-05-19T24:00'))).toBe(
      'not a time of day: hours go to 23, minutes and seconds to 59',
    )
    expect(value(readInstant('2021-05-19T12:60'))).toMatch(/^not a time of day/)
    expect(value(readInstant('2021-05-19T12:00+25:00'))).toMatch(/is not an offset/)
    for (const text of [
      '19.05.2021',
      '2021-05-19T12',
      '1621425600000',
      'yesterday',
      '2021-05-19T12:00 UTC',
      '',
    ])
      expect(value(readInstant(text))).toMatch(/^expected an ISO date or time such as 2021-05-19/)
  })

  it('takes the forms the README gives', () => {
    const noon = Date.UTC(2021, 4, 19, 12)
    expect(value(readInstant('2021-05-19'))).toBe(Date.UTC(2021, 4, 19))
    expect(value(readInstant('2021-05-19T12:00'))).toBe(noon)
    expect(value(readInstant('2021-05-19 12:00:00'))).toBe(noon)
    expect(value(readInstant(' 2021-05-19t12:00z '))).toBe(noon)
    expect(value(readInstant('2021-05-19T14:00+02:00'))).toBe(noon)
    expect(value(readInstant('2021-05-19T12:00:00.25Z'))).toBe(noon + 250)
    expect(value(readInstant('2021-05-19T12:00:00.123456789Z'))).toBe(noon + 123)
    expect(value(readInstant('2024-02-29'))).toBe(Date.UTC(2024, 1, 29))
    expect(value(readInstant('2000-02-29'))).toBe(Date.UTC(2000, 1, 29))
  })
})

describe('readDate', () => {
  it('takes YYYY-MM-DD of a real day only', () => {
    expect(readDate('2021-05-19')).toEqual({ ok: true, value: { year: 2021, month: 5, day: 19 } })
    expect(value(readDate('2021-02-29'))).toBe('not a day: February 2021 has 28 days')
    expect(value(readDate('2021-05-19T00:00'))).toBe('expected a date as YYYY-MM-DD, such as 2021-05-19')
  })
})
