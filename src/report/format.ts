/** Numbers and times for people: `$4.21B`, `-30.2%`, `05-19 13:21`, always UTC. */

export function usd(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return 'n/a'
  const abs = Math.abs(value)
  const sign = value < 0 ? '-' : ''
  if (abs >= 1e9) return `${sign}$${trim(abs / 1e9)}B`
  if (abs >= 1e6) return `${sign}$${trim(abs / 1e6)}M`
  if (abs >= 1e3) return `${sign}$${trim(abs / 1e3)}k`
  return `${sign}$${abs.toFixed(0)}`
}

/** Three significant digits, no trailing decimal zeros: 4.21, 42.1, 421, 200. */
function trim(x: number): string {
  const digits = x >= 100 ? 0 : x >= 10 ? 1 : 2
  const text = x.toFixed(digits)
  return digits === 0 ? text : text.replace(/\.?0+$/, '')
}

/**
 * A percentage as the JSON gives it: two decimals, rounded once from the exact value by the
 * analysis, so the table, Markdown, HTML, reasons and JSON all show the same figure.
 */
export function pct(value: number | null | undefined, signed = true): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return 'n/a'
  const text = `${Math.abs(value).toFixed(2)}%`
  if (!signed) return text
  return value < 0 ? `-${text}` : `+${text}`
}

/** A funding rate (a fraction per interval) as a signed percentage: 0.0001 → `+0.0100%`. */
export function fundingRate(value: number | null): string {
  if (value === null || !Number.isFinite(value)) return 'n/a'
  const text = `${Math.abs(value * 100).toFixed(4)}%`
  return value < 0 ? `-${text}` : `+${text}`
}

/** `funding +0.0300% before, -0.0200% after (binance:BTC-USDT-PERP)`; null without funding. */
export function fundingWords(
  funding: { before: number | null; after: number | null; series: string } | null,
): string | null {
  if (!funding) return null
  return `funding ${fundingRate(funding.before)} before, ${fundingRate(funding.after)} after (${funding.series})`
}

/** A price with its own significant digits (as the exchange printed it): 42,187.6, 0.00002853. */
export function price(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return 'n/a'
  return value.toLocaleString('en-US', { maximumSignificantDigits: 12 })
}

export function count(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return 'n/a'
  return value.toLocaleString('en-US')
}

/** `2021-05-19 13:21` from an ISO string (UTC). */
export function minute(iso: string | null | undefined): string {
  if (!iso) return 'n/a'
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)}`
}

/** `13:21` when on the same UTC day as `reference`, else `05-20 01:10`. */
export function clock(iso: string | null | undefined, reference?: string): string {
  if (!iso) return 'n/a'
  if (reference && reference.slice(0, 10) === iso.slice(0, 10)) return iso.slice(11, 16)
  return `${iso.slice(5, 10)} ${iso.slice(11, 16)}`
}

/** `2020-02-22 00:00 → 02:05`, or both in full when the span crosses a UTC day. */
export function spanText(from: string, to: string): string {
  return `${minute(from)} → ${from.slice(0, 10) === to.slice(0, 10) ? to.slice(11, 16) : minute(to)}`
}

/**
 * A time inside the span [from, to] as short as that span allows: `13:21` within one UTC day,
 * `05-19 13:21` within one year, else `2021-05-19 13:21`.
 */
export function within(iso: string | null | undefined, from: string | null, to: string | null): string {
  if (!iso) return 'n/a'
  if (from && to && from.slice(0, 10) === to.slice(0, 10)) return iso.slice(11, 16)
  if (from && to && from.slice(0, 4) === to.slice(0, 4)) return `${iso.slice(5, 10)} ${iso.slice(11, 16)}`
  return minute(iso)
}

export function duration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return 'n/a'
  if (seconds < 90) return `${Math.round(seconds)}s`
  if (seconds < 90 * 60) return `${Math.round(seconds / 60)}m`
  const h = Math.floor(seconds / 3600)
  const m = Math.round((seconds - h * 3600) / 60)
  return m === 0 ? `${h}h` : `${h}h${String(m).padStart(2, '0')}`
}

/** The data note on suspect prints (null when there are none): how many, and where the first is. */
export function suspectNote(summary: {
  total: number
  samples: { file: string; line: number }[]
}): string | null {
  if (summary.total === 0) return null
  const first = summary.samples[0]
  const where = first ? ` (${summary.total === 1 ? '' : 'first '}${first.file}:${first.line})` : ''
  return `${count(summary.total)} suspect print${summary.total === 1 ? '' : 's'} left out of the price path${where}`
}

/**
 * The open-interest drawdown of a cascade as a change, signed (−38.20%), in every output: the JSON's
 * `drawdownPct` is its positive magnitude.
 */
export function oiDrawdownChange(openInterest: { drawdownPct: number | null } | null | undefined): string {
  const drawdown = openInterest?.drawdownPct
  return drawdown === null || drawdown === undefined ? 'n/a' : pct(-drawdown)
}

/** Words wrapped to `width` columns: the first line starts with `first`, the others with `rest`. */
export function wrap(text: string, width: number, first: string, rest: string): string[] {
  const lines: string[] = []
  let line = first
  let empty = true
  // A unit after a number stays with it: "60 %", "24 h" or "4 h 15 min" is never split across
  // lines, nor a date from its time ("2026-06-02 05:00").
  for (const word of text.split(' ').reduce<string[]>((words, w) => {
    const previous = words[words.length - 1]
    const unit =
      previous !== undefined &&
      ((/\d$/.test(previous) && /^(h|min|s)(\W|$)/.test(w)) || (/\d h$/.test(previous) && /^\d\d$/.test(w)))
    const time = previous !== undefined && /\d\d-\d\d$/.test(previous) && /^\d\d:\d\d/.test(w)
    if (previous !== undefined && (w.startsWith('%') || unit || time)) words[words.length - 1] += ` ${w}`
    else words.push(w)
    return words
  }, [])) {
    if (!empty && line.length + 1 + word.length > width) {
      lines.push(line)
      line = rest + word
    } else {
      line += (empty ? '' : ' ') + word
    }
    empty = false
  }
  lines.push(line)
  return lines
}
