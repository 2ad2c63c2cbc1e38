/**
 * The report's day: local midnight to local midnight in --tz as UTC instants, `today`/`yesterday`
 * from a clock passed in, and nothing taken from the host's zone (the CLI tests run the whole
 * report under TZ=America/New_York and TZ=Asia/Tokyo as well).
 */
import { describe, expect, it } from 'vitest'
import {
  canonicalZone,
  dateIn,
  dayOf,
  localMinute,
  narrowDay,
  resolveDate,
} from '../../src/report/daily/day.js'

const H = 3_600_000

describe('dayOf', () => {
  it('is a UTC day by default', () => {
    expect(dayOf('2021-05-19', 'UTC')).toEqual({
      date: '2021-05-19',
      tz: 'UTC',
      from: Date.UTC(2021, 4, 19),
      to: Date.UTC(2021, 4, 20),
      whole: { from: Date.UTC(2021, 4, 19), to: Date.UTC(2021, 4, 20) },
    })
  })

  it('starts at local midnight in the zone, and is 23 or 25 hours on the days the clocks change', () => {
    // New York: EST (UTC−5) until 2026-03-08 02:00, then EDT (UTC−4): midnight is 05:00 UTC, the next 04:00 UTC.
    const spring = dayOf('2026-03-08', 'America/New_York')
    expect(new Date(spring.from).toISOString()).toBe('2026-03-08T05:00:00.000Z')
    expect((spring.to - spring.from) / H).toBe(23)
    const autumn = dayOf('2026-11-01', 'America/New_York')
    expect((autumn.to - autumn.from) / H).toBe(25)
    // Kolkata is UTC+5:30 all year: 2026-02-05 starts 2026-02-04 18:30 UTC.
    expect(new Date(dayOf('2026-02-05', 'Asia/Kolkata').from).toISOString()).toBe('2026-02-04T18:30:00.000Z')
  })
})

const resolve = (text: string, now: number, tz: string) => {
  const reading = resolveDate(text, now, tz)
  return reading.ok ? reading.value : null
}

describe('resolveDate', () => {
  // 2026-02-05 23:30 UTC is already 2026-02-06 08:30 in Tokyo.
  const now = Date.UTC(2026, 1, 5, 23, 30)

  it('reads today and yesterday in the report zone', () => {
    expect(resolve('today', now, 'UTC')).toBe('2026-02-05')
    expect(resolve('yesterday', now, 'UTC')).toBe('2026-02-04')
    expect(resolve('today', now, 'Asia/Tokyo')).toBe('2026-02-06')
    expect(resolve('Yesterday', now, 'Asia/Tokyo')).toBe('2026-02-05')
    // Across a month and a leap day: 2024-03-01 00:10 UTC.
    expect(resolve('yesterday', Date.UTC(2024, 2, 1, 0, 10), 'UTC')).toBe('2024-02-29')
  })

  it('takes real dates and refuses the rest', () => {
    expect(resolve('2021-05-19', now, 'UTC')).toBe('2021-05-19')
    expect(resolveDate('2021-02-30', now, 'UTC')).toEqual({
      ok: false,
      problem: 'not a day: February 2021 has 28 days',
    })
    expect(resolveDate('2024-02-29', now, 'UTC')).toEqual({ ok: true, value: '2024-02-29' })
    expect(resolveDate('2021-13-01', now, 'UTC')).toEqual({ ok: false, problem: 'month 13 does not exist' })
    for (const text of ['2021-5-19', 'last week', '2021-05-19T00:00'])
      expect(resolveDate(text, now, 'UTC')).toEqual({
        ok: false,
        problem: 'expected YYYY-MM-DD (a real day), yesterday or today',
      })
  })
})

describe('narrowDay', () => {
  const day = dayOf('2021-05-19', 'UTC')
  const at = (h: number, m = 0) => Date.UTC(2021, 4, 19, h, m)

  it('narrows the day to [from, to), keeping the whole day beside it', () => {
    expect(narrowDay(day, at(10), at(16, 30))).toEqual({
      ok: true,
      value: { ...day, from: at(10), to: at(16, 30) },
    })
    expect(narrowDay(day, at(10))).toEqual({ ok: true, value: { ...day, from: at(10) } })
    expect(narrowDay(day, undefined, day.whole.to)).toEqual({ ok: true, value: day })
  })

  it('refuses a span that is not a part of the day', () => {
    const refused = (from?: number, to?: number) => {
      const reading = narrowDay(day, from, to)
      return reading.ok ? null : `${reading.option}: ${reading.problem}`
    }
    expect(refused(at(-1))).toBe(
      '--from: outside the day 2021-05-19 (UTC), 2021-05-19T00:00 → 2021-05-20T00:00 UTC',
    )
    expect(refused(day.whole.to)).toMatch(/^--from: outside the day/)
    expect(refused(undefined, at(24, 1))).toMatch(/^--to: outside the day/)
    expect(refused(undefined, day.whole.from)).toMatch(/^--to: outside the day/)
    expect(refused(at(12), at(12))).toBe('--to: not after --from')
  })
})

describe('zones', () => {
  it('names zones as IANA spells them, and knows an unknown one', () => {
    expect(canonicalZone('utc')).toBe('UTC')
    expect(canonicalZone('Etc/UTC')).toBe('UTC')
    expect(canonicalZone('europe/berlin')).toBe('Europe/Berlin')
    expect(canonicalZone('Mars/Olympus_Mons')).toBeNull()
  })

  it('formats instants in the zone, not in the host zone', () => {
    expect(dateIn(Date.UTC(2021, 4, 19, 22), 'Asia/Tokyo')).toBe('2021-05-20')
    expect(localMinute(Date.UTC(2021, 4, 19, 11, 14), 'America/New_York')).toBe('2021-05-19 07:14')
  })
})
