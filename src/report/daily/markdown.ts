/**
 * OUT/DATE/DATE.md: the daily report for a chat channel or a wiki. The charts are the SVG files
 * beside it (and the HTML report); their figures are here as tables: the day per market, the
 * cascades, and the day hour by hour.
 */
import {
  clock,
  count,
  duration,
  fundingWords,
  minute,
  oiDrawdownChange,
  pct,
  price,
  suspectNote,
  usd,
} from '../format.js'
import { localMinute } from './day.js'
import type { DailyCascade, DailyMarket, DailyReport } from './types.js'

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ')

/** `2021-05-19-BTC.svg`: a file name for one market's chart. */
export function chartFileName(date: string, market: string): string {
  return `${date}-${marketSlug(market)}.svg`
}

/** `BTC` → `BTC`; `binance:BTC-USDT-PERP` → `binance-BTC-USDT-PERP` (for file names and anchors). */
export function marketSlug(market: string): string {
  return market.replace(/[^A-Za-z0-9._-]+/g, '-')
}

/** `The day 2021-05-19 00:00 → 2021-05-20 00:00 UTC (24 h)`, or the part of it a narrowed report covers. */
export function spanLine(report: DailyReport): string {
  const { day, span } = report
  return span.narrowed
    ? `${minute(span.from)} → ${minute(span.to)} UTC (${span.hours} h), part of the day ${minute(day.from)} → ${minute(day.to)} UTC (--from/--to)`
    : `The day ${minute(day.from)} → ${minute(day.to)} UTC (${day.hours} h)`
}

/** What stands for the ranking of a market that has none: why not, as a sentence. */
export function rankingSentence(r: DailyMarket['ranking']): string {
  const note = r.notes[0]
  return note
    ? `${note.charAt(0).toUpperCase()}${note.slice(1)}.`
    : 'Ranking: no earlier daily reports for this market in the report directory yet.'
}

export function dayTitle(report: DailyReport): string {
  return `${report.date}${report.tz === 'UTC' ? ' (UTC)' : ` (${report.tz})`}`
}

export function renderDailyMarkdown(report: DailyReport, charts: ReadonlySet<string>): string {
  const out: string[] = [`# cascade daily report — ${dayTitle(report)}`, '']
  const inputs = report.inputs.length
  out.push(
    `${spanLine(report)}, ${inputs} input${inputs === 1 ? '' : 's'}, baseline ${report.analysed.baselineHours} h before the ${report.span.narrowed ? 'span' : 'day'}. ` +
      `[HTML report with charts](${report.files.html})`,
    '',
  )
  for (const sentence of report.headline) out.push(`- ${cell(sentence)}`)
  out.push('')
  if (report.status === 'no-data') {
    out.push('No market has data inside the day, so there is nothing to analyse.', '')
  }
  const events = eventSentences(report)
  if (events.length > 0) out.push('## Market-wide events', '', ...events.map((e) => `- ${cell(e)}`), '')
  for (const market of report.markets) out.push(...marketSection(report, market, charts))
  out.push(...notesSection(report))
  return `${out
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trimEnd()}\n`
}

function marketSection(report: DailyReport, m: DailyMarket, charts: ReadonlySet<string>): string[] {
  const out: string[] = [`## ${m.market}`, '']
  const chart = chartFileName(report.date, m.market)
  if (charts.has(chart)) {
    out.push(
      `![${cell(m.market)} on ${report.date}: price with cascades shaded, liquidations per minute, open interest](${chart})`,
      '',
      `Chart: [${chart}](${chart}) · [in the HTML report](${report.files.html}#${marketSlug(m.market)})`,
      '',
    )
  }
  const oi = m.openInterest
  out.push(
    '| Open | High | Low | Close | Change | Range | Volume | Liq long | Liq short | OI change |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    `| ${price(m.open)} | ${price(m.high)} | ${price(m.low)} | ${price(m.close)} | ${pct(m.changePct)} | ${pct(m.rangePct, false)} | ` +
      `${usd(m.volumeUsd)} | ${usd(m.liqLongUsd)} | ${usd(m.liqShortUsd)} | ${oiChange(oi)} |`,
    '',
    `Data: ${minute(m.first)} → ${minute(m.last)} UTC from ${m.series.map((s) => `\`${s}\``).join(', ')}` +
      `${m.priceSeries ? `; prices from \`${m.priceSeries}\`` : ''}` +
      `${
        Object.keys(m.resolution).length > 0
          ? `; resolution ${Object.entries(m.resolution)
              .map(([k, v]) => `${k} ${v}`)
              .join(', ')}`
          : ''
      }.`,
    '',
  )
  const r = m.ranking
  if (r.days === 0) out.push(`${cell(rankingSentence(r))}`, '')
  else {
    out.push(
      `Ranking against ${r.days} earlier daily report${r.days === 1 ? '' : 's'} (${r.firstDay} → ${r.lastDay}):`,
      '',
    )
    for (const note of r.notes) out.push(`- ${cell(note)}`)
    out.push('')
  }
  const cascades = report.cascades.filter((x) => x.market === m.market)
  out.push('### Cascades', '')
  for (const x of report.carriedOver.filter((c) => c.market === m.market))
    out.push(`${carriedWords(x, report.date)}`, '')
  if (cascades.length === 0) {
    out.push(
      `No cascade (a move of at least ${String(report.params.minMovePct)} % within ${String(report.params.withinMin)} min with forced flow).`,
      '',
    )
  } else out.push(...cascadeTable(report, cascades))
  for (const sentence of episodeSentences(report, m.market)) out.push(`- ${cell(sentence)}`)
  out.push('')
  out.push(...hourTable(report, m))
  return out
}

/** The market's episodes of two legs or more, one sentence each: one crash, read as its legs. */
export function episodeSentences(report: DailyReport, market: string): string[] {
  return report.episodes
    .filter((e) => e.market === market && e.cascades.length > 1)
    .map(
      (e) =>
        `Episode ${e.direction === 'down' ? 'down' : 'up'} ${minute(e.start)} → ${clock(e.extreme, e.start)} UTC ` +
        `(${pct(e.price.movePct)}, ${e.price.start} → ${e.price.extreme}): ` +
        `${[...e.reasons, ...[fundingWords(e.funding)].filter((w) => w !== null)].join('; ')}.`,
    )
}

/** Market-wide events of the day, one sentence each. */
export function eventSentences(report: DailyReport): string[] {
  return report.events.map((event) => {
    const lead =
      event.lead.leadSec > 0
        ? `${event.lead.markets.join(', ')} led by ${duration(event.lead.leadSec)}`
        : `${event.lead.markets.join(', ')} started together`
    return (
      `Market-wide ${event.direction === 'down' ? 'fall' : 'squeeze'} from ${minute(event.start)} UTC: ` +
      `${event.markets.join(', ')}, ${event.cascades.length} cascades, median move ${pct(event.medianMovePct)}; ${lead}.`
    )
  })
}

/** `14:11`, `05-20 01:10` after the day, `23:59 (data ends)` when the data ran out first. */
export function endText(x: DailyCascade): string {
  return `${clock(x.end, x.start)}${x.cutByDataEnd ? ' (data ends)' : ''}`
}

/** A cascade that started before the day (or before a narrowed span) and went on into it, in a sentence. */
export function carriedWords(x: DailyCascade, date: string): string {
  const before = x.start.slice(0, 10) === date ? 'earlier in the day' : 'the day before'
  return (
    `Continuing from ${before}: the ${x.direction} cascade from ${minute(x.start)} UTC (${pct(x.price.movePct)}, ` +
    `${price(x.price.start)} → ${price(x.price.extreme)}) reached its extreme at ${minute(x.extreme)} and ended ${minute(x.end)} UTC; ` +
    `it is in the report of ${x.start.slice(0, 10)}.`
  )
}

function oiChange(oi: DailyMarket['openInterest']): string {
  if (!oi) return 'n/a'
  if (oi.changePct !== null) return `${pct(oi.changePct)} (${usd(oi.changeUsd)})`
  return oi.changeBasePct !== null ? `${pct(oi.changeBasePct)} (base)` : 'n/a'
}

/** A cascade's reasons, then the funding rate around it when the inputs have funding. */
export function cascadeNotes(cascade: DailyCascade): string[] {
  const funding = fundingWords(cascade.funding)
  return funding ? [...cascade.reasons, funding] : cascade.reasons
}

function cascadeTable(report: DailyReport, cascades: readonly DailyCascade[]): string[] {
  const local = report.tz !== 'UTC'
  const out = [
    `| # | Direction | Start (UTC) |${local ? ` Start (${report.tz}) |` : ''} Extreme | End | Move | Time to extreme | Volume | Liq long | Liq short | OI change | Waves |`,
    `|---:|---|---|${local ? '---|' : ''}---|---|---:|---:|---:|---:|---:|---:|---:|`,
  ]
  cascades.forEach((x, i) => {
    out.push(
      `| ${i + 1} | ${x.direction} | ${minute(x.start)} |${local ? ` ${localMinute(Date.parse(x.start), report.tz)} |` : ''} ` +
        `${clock(x.extreme, x.start)} | ${endText(x)} | ${pct(x.price.movePct)} | ` +
        `${duration(x.speed.timeToExtremeSec)} | ${usd(x.volume.quoteUsd)} | ${usd(x.liquidations?.longUsd)} | ` +
        `${usd(x.liquidations?.shortUsd)} | ${oiDrawdownChange(x.openInterest)} | ${count(x.waves)} |`,
    )
  })
  out.push('')
  cascades.forEach((x, i) => {
    out.push(
      `${i + 1}. ${price(x.price.start)} → ${price(x.price.extreme)} → ${price(x.price.end)}: ${cell(cascadeNotes(x).join('; '))}`,
    )
  })
  out.push('')
  return out
}

function hourTable(report: DailyReport, m: DailyMarket): string[] {
  const local = report.tz !== 'UTC'
  const out = [
    '### Hour by hour',
    '',
    `| Hour (UTC) |${local ? ` ${report.tz} |` : ''} Open | High | Low | Close | Volume | Liq long | Liq short | OI at end |`,
    `|---|${local ? '---|' : ''}---:|---:|---:|---:|---:|---:|---:|---:|`,
  ]
  for (const h of m.hours) {
    out.push(
      `| ${minute(h.start)} |${local ? ` ${localMinute(Date.parse(h.start), report.tz).slice(11)} |` : ''} ${price(h.open)} | ${price(h.high)} | ` +
        `${price(h.low)} | ${price(h.close)} | ${usd(h.volumeUsd)} | ${usd(h.liqLongUsd)} | ${usd(h.liqShortUsd)} | ${usd(h.oiUsd)} |`,
    )
  }
  out.push('')
  return out
}

function notesSection(report: DailyReport): string[] {
  const notes = [...report.warnings]
  if (report.badRows.total > 0) {
    notes.push(
      `${count(report.badRows.total)} bad rows left out (${Object.entries(report.badRows.byCode)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')})`,
    )
  }
  const suspect = suspectNote(report.suspectPrints)
  if (suspect) notes.push(suspect)
  const out: string[] = []
  if (notes.length > 0) out.push('## Data notes', '', ...notes.map((n) => `- ${cell(n)}`), '')
  out.push('## Inputs', '')
  if (report.inputs.length === 0) out.push('No input had events in the day or around it.', '')
  else {
    out.push(
      '| Input | Source | Events in the day | Before | After | Bad rows |',
      '|---|---|---:|---:|---:|---:|',
    )
    for (const input of report.inputs) {
      out.push(
        `| \`${cell(input.path)}\` | ${input.source} | ${count(input.eventsInDay)} | ${count(input.eventsBefore)} | ` +
          `${count(input.eventsAfter)} | ${count(input.badRows)} |`,
      )
    }
    out.push('')
  }
  const params = Object.entries(report.params)
    .map(([k, v]) => `${k} ${String(v)}`)
    .join(', ')
  out.push(`Detector parameters: ${params}. Made by cascade ${report.tool.version}.`)
  return out
}
