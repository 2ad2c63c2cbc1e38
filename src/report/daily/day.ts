/**
 * The day a daily report covers: `YYYY-MM-DD`, `today` or `yesterday` in a time zone (UTC unless
 * `--tz`), as an interval of UTC instants [from, to). Date arithmetic goes through date-fns on a
 * TZDate, so the host's own zone never leaks in; `now` is passed in (the CLI reads the clock).
 * A day is 23 or 25 hours long when the zone changes its clocks that day.
 */
import { TZDate } from '@date-fns/tz'
import { addDays } from 'date-fns/addDays'
import { format } from 'date-fns/format'
import { formatDate, type Reading, readDate } from '../../timeline/time.js'

export interface ReportDay {
  /** `2021-05-19`: the calendar day in `tz`. */
  date: string
  /** IANA zone name, canonical (`UTC`, `Europe/Berlin`). */
  tz: string
  /** Start of the span reported, epoch ms UTC (inclusive): the day's start unless --from narrowed it. */
  from: number
  /** End of the span reported, epoch ms UTC (exclusive): the next day's start unless --to narrowed it. */
  to: number
  /** The whole calendar day: local midnight to the next, epoch ms UTC. */
  whole: { from: number; to: number }
}

/**
 * The zone's name as IANA spells it (`europe/berlin` → `Europe/Berlin`, `utc` → `UTC`), or null when
 * the runtime does not know the zone. Names are kept, not canonicalised: Asia/Kolkata stays Asia/Kolkata.
 */
export function canonicalZone(zone: string): string | null {
  const name = zone.trim()
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name })
  } catch {
    return null
  }
  if (/^(etc\/)?(utc|gmt|zulu|uct|universal)$/i.test(name)) return 'UTC'
  const known = Intl.supportedValuesOf('timeZone').find((z) => z.toLowerCase() === name.toLowerCase())
  return known ?? name
}

/** The calendar date of instant `ms` in `tz`. */
export function dateIn(ms: number, tz: string): string {
  return format(new TZDate(ms, tz), 'yyyy-MM-dd')
}

/**
 * `2021-05-19`, `today` or `yesterday` → the date; a problem in words when the text is none of them
 * or names a day that does not exist (2021-02-30).
 */
export function resolveDate(text: string, nowMs: number, tz: string): Reading<string> {
  const word = text.trim().toLowerCase()
  if (word === 'today') return { ok: true, value: dateIn(nowMs, tz) }
  if (word === 'yesterday')
    return { ok: true, value: format(addDays(new TZDate(nowMs, tz), -1), 'yyyy-MM-dd') }
  const reading = readDate(word)
  if (reading.ok) return { ok: true, value: formatDate(reading.value) }
  return {
    ok: false,
    problem: /^\d{4}-\d{2}-\d{2}$/.test(word)
      ? reading.problem
      : 'expected YYYY-MM-DD (a real day), yesterday or today',
  }
}

/** The instants of local midnight of `date` and of the next day, in `tz`. */
export function dayOf(date: string, tz: string): ReportDay {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number]
  const start = new TZDate(y, m - 1, d, tz)
  const whole = { from: start.getTime(), to: addDays(start, 1).getTime() }
  return { date, tz, ...whole, whole }
}

/** Whether --from/--to narrowed the day to part of it. */
export const isNarrowed = (day: ReportDay): boolean => day.from !== day.whole.from || day.to !== day.whole.to

export type Narrowing =
  | { ok: true; value: ReportDay }
  | { ok: false; option: '--from' | '--to'; problem: string }

/**
 * The day narrowed to [from, to) (either may be absent); which option is wrong, and why, when that
 * span is not a non-empty part of the day.
 */
export function narrowDay(day: ReportDay, from?: number, to?: number): Narrowing {
  const start = from ?? day.whole.from
  const end = to ?? day.whole.to
  const outside = `outside the day ${day.date} (${day.tz}), ${iso(day.whole.from)} → ${iso(day.whole.to)} UTC`
  if (start < day.whole.from || start >= day.whole.to)
    return { ok: false, option: '--from', problem: outside }
  if (end <= day.whole.from || end > day.whole.to) return { ok: false, option: '--to', problem: outside }
  if (end <= start) return { ok: false, option: '--to', problem: 'not after --from' }
  return { ok: true, value: { ...day, from: start, to: end } }
}

const iso = (ms: number) => new Date(ms).toISOString().slice(0, 16)

/** `2021-05-19 02:00` in `tz` (for labels beside UTC times). */
export function localMinute(ms: number, tz: string): string {
  return format(new TZDate(ms, tz), 'yyyy-MM-dd HH:mm')
}

/** The zone's offset at `ms`, such as `+09:00` (`Z` for UTC). */
export function offsetAt(ms: number, tz: string): string {
  const text = format(new TZDate(ms, tz), 'xxx')
  return text === '+00:00' && tz === 'UTC' ? 'Z' : text
}
