/**
 * The day a daily report covers: `YYYY-MM-DD`, `today` or `yesterday` in a time zone (UTC unless
 * `--tz`), as an interval of UTC instants [from, to). Date arithmetic goes through date-fns on a
 * TZDate, so the host's own zone never leaks in; `now` is passed in (the CLI reads the clock).
 * A day is 23 or 25 hours long when the zone changes its clocks that day.
 */
import { TZDate } from '@date-fns/tz'
import { addDays } from 'date-fns/addDays'
import { format } from 'date-fns/format'

export interface ReportDay {
  /** `2021-05-19`: the calendar day in `tz`. */
  date: string
  /** IANA zone name, canonical (`UTC`, `Europe/Berlin`). */
  tz: string
  /** Start of the day, epoch ms UTC (inclusive). */
  from: number
  /** Start of the next day, epoch ms UTC (exclusive). */
  to: number
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
 * `2021-05-19`, `today` or `yesterday` → the date; null when the text is none of them or names a
 * day that does not exist (2021-02-30).
 */
export function resolveDate(text: string, nowMs: number, tz: string): string | null {
  const word = text.trim().toLowerCase()
  if (word === 'today') return dateIn(nowMs, tz)
  if (word === 'yesterday') return format(addDays(new TZDate(nowMs, tz), -1), 'yyyy-MM-dd')
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(word)
  if (!match) return null
  const start = new TZDate(Number(match[1]), Number(match[2]) - 1, Number(match[3]), 'UTC')
  return format(start, 'yyyy-MM-dd') === word ? word : null
}

/** The instants of local midnight of `date` and of the next day, in `tz`. */
export function dayOf(date: string, tz: string): ReportDay {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number]
  const start = new TZDate(y, m - 1, d, tz)
  return { date, tz, from: start.getTime(), to: addDays(start, 1).getTime() }
}

/** `2021-05-19 02:00` in `tz` (for labels beside UTC times). */
export function localMinute(ms: number, tz: string): string {
  return format(new TZDate(ms, tz), 'yyyy-MM-dd HH:mm')
}

/** The zone's offset at `ms`, such as `+09:00` (`Z` for UTC). */
export function offsetAt(ms: number, tz: string): string {
  const text = format(new TZDate(ms, tz), 'xxx')
  return text === '+00:00' && tz === 'UTC' ? 'Z' : text
}
