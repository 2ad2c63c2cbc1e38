/**
 * The one reader of the dates and times a user types (`--from`, `--to`, `--date`) and of the dates
 * in file names: ISO 8601 calendar dates and times, UTC unless a zone is given, and only days and
 * times that exist. `Date.parse` rolls 2021-02-30 over to 2 March; this refuses it and says why.
 */

export interface CalendarDate {
  year: number
  /** 1–12. */
  month: number
  /** 1–31. */
  day: number
}

export type Reading<T> = { ok: true; value: T } | { ok: false; problem: string }

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
]

const isLeap = (year: number) => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0

export function daysInMonth(year: number, month: number): number {
  return month === 2 ? (isLeap(year) ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/
const INSTANT =
  /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(?:([Zz])|([+-])(\d{2})(?::?(\d{2}))?)?)?$/

const SHAPE = 'expected an ISO date or time such as 2021-05-19, 2021-05-19T12:00 or 2021-05-19T12:00+02:00'

function checkDay(year: number, month: number, day: number): string | null {
  if (month < 1 || month > 12) return `month ${String(month).padStart(2, '0')} does not exist`
  const days = daysInMonth(year, month)
  if (day < 1 || day > days) return `not a day: ${MONTHS[month - 1]} ${year} has ${days} days`
  return null
}

/** `2021-05-19` → the calendar date; a problem in words for any other text or a day that does not exist. */
export function readDate(text: string): Reading<CalendarDate> {
  const match = DATE.exec(text.trim())
  if (!match) return { ok: false, problem: 'expected a date as YYYY-MM-DD, such as 2021-05-19' }
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])]
  const problem = checkDay(year, month, day)
  return problem ? { ok: false, problem } : { ok: true, value: { year, month, day } }
}

/** Epoch ms of a time of day at a calendar date, UTC (years below 100 included, unlike Date.UTC). */
export function utcMs(date: CalendarDate, hour = 0, minute = 0, second = 0, ms = 0): number {
  const at = new Date(0)
  at.setUTCFullYear(date.year, date.month - 1, date.day)
  at.setUTCHours(hour, minute, second, ms)
  return at.getTime()
}

/** `YYYY-MM-DD` of a UTC calendar date. */
export function formatDate(date: CalendarDate): string {
  const pad = (n: number, width: number) => String(n).padStart(width, '0')
  return `${pad(date.year, 4)}-${pad(date.month, 2)}-${pad(date.day, 2)}`
}

/**
 * `2021-05-19` (midnight), `2021-05-19T12:00`, `2021-05-19 12:00:30.250`, with an optional zone
 * `Z`, `+02:00`, `+0200` or `+02`; no zone means UTC. Epoch ms, or a problem in words.
 */
export function readInstant(text: string): Reading<number> {
  const match = INSTANT.exec(text.trim())
  if (!match) return { ok: false, problem: SHAPE }
  const date = { year: Number(match[1]), month: Number(match[2]), day: Number(match[3]) }
  const dayProblem = checkDay(date.year, date.month, date.day)
  if (dayProblem) return { ok: false, problem: dayProblem }
  const hour = Number(match[4] ?? 0)
  const minute = Number(match[5] ?? 0)
  const second = Number(match[6] ?? 0)
  if (hour > 23 || minute > 59 || second > 59)
    return { ok: false, problem: `not a time of day: hours go to 23, minutes and seconds to 59` }
  const ms = match[7] ? Number(match[7].slice(0, 3).padEnd(3, '0')) : 0
  let offsetMin = 0
  if (match[9]) {
    const hours = Number(match[10])
    const minutes = Number(match[11] ?? 0)
    if (hours > 23 || minutes > 59)
      return { ok: false, problem: `zone offset ${match[9]}${match[10]}… is not an offset` }
    offsetMin = (match[9] === '-' ? -1 : 1) * (hours * 60 + minutes)
  }
  return { ok: true, value: utcMs(date, hour, minute, second, ms) - offsetMin * 60_000 }
}
