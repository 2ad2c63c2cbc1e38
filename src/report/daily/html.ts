/**
 * OUT/DATE/DATE.html: one self-contained page — styles and charts inline (SVG), no script and no
 * network access (a Content-Security-Policy forbids both), so it opens the same from a disk, a mail
 * attachment or a web server.
 */
import { clock, count, duration, minute, oiDrawdownChange, pct, price, suspectNote, usd } from '../format.js'
import { COLORS } from './charts.js'
import { localMinute } from './day.js'
import {
  carriedWords,
  cascadeNotes,
  dayTitle,
  endText,
  episodeSentences,
  eventSentences,
  marketSlug,
  rankingSentence,
  spanLine,
} from './markdown.js'
import type { DailyCascade, DailyMarket, DailyReport } from './types.js'

const esc = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')

const STYLE = `
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; background: #f4f5f7; color: #1d2330; font: 14px/1.45 -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; }
main { max-width: 960px; margin: 0 auto; padding: 24px 16px 48px; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 19px; margin: 0 0 12px; }
h3 { font-size: 15px; margin: 20px 0 8px; }
.sub { color: #5b6475; margin: 0 0 16px; }
.headline { background: #fff; border-left: 4px solid #1f4e8c; padding: 10px 16px; margin: 0 0 20px; border-radius: 4px; }
.headline li { margin: 4px 0; }
section.notes > :first-child { margin-top: 0; }
section.market, section.notes { background: #fff; border-radius: 8px; padding: 18px 20px; margin: 0 0 20px; box-shadow: 0 1px 2px rgba(0,0,0,.08); }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(140px, 1fr)); gap: 8px; margin: 0 0 12px; }
.card { background: #f7f8fa; border-radius: 6px; padding: 8px 10px; }
.card .k { color: #5b6475; font-size: 12px; }
.card .v { font-size: 17px; font-weight: 600; font-variant-numeric: tabular-nums; white-space: nowrap; }
.card.wide { grid-column: span 2; }
.down { color: ${COLORS.down}; } .up { color: ${COLORS.up}; }
.ranking { margin: 0 0 12px; padding-left: 18px; color: #333; }
figure { margin: 8px 0 4px; overflow-x: auto; }
figure svg { max-width: 100%; height: auto; display: block; }
figcaption { color: #5b6475; font-size: 12px; }
table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; font-size: 13px; }
th, td { padding: 4px 6px; border-bottom: 1px solid #e6e8ec; text-align: right; white-space: nowrap; }
th { color: #5b6475; font-weight: 600; background: #fafbfc; }
td.l, th.l { text-align: left; }
.reasons { padding-left: 20px; color: #333; }
.reasons li { margin: 3px 0; }
details { margin-top: 12px; }
summary { cursor: pointer; color: #1f4e8c; }
.scroll { overflow-x: auto; }
footer { color: #5b6475; font-size: 12px; margin-top: 8px; }
code { font-size: 12px; }
`

export function renderDailyHtml(report: DailyReport, svgs: ReadonlyMap<string, string>): string {
  const out: string[] = [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>cascade daily report ${esc(dayTitle(report))}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    '<main>',
    `<h1>cascade daily report — ${esc(dayTitle(report))}</h1>`,
    `<p class="sub">${esc(report.span.narrowed ? spanLine(report) : `${minute(report.day.from)} → ${minute(report.day.to)} UTC (${report.day.hours} h)`)} · ` +
      `${count(report.inputs.length)} input${report.inputs.length === 1 ? '' : 's'} · baseline ${report.analysed.baselineHours} h before the ${report.span.narrowed ? 'span' : 'day'} · ` +
      `markets: ${report.markets.map((m) => `<a href="#${esc(marketSlug(m.market))}">${esc(m.market)}</a>`).join(', ') || 'none'}</p>`,
    `<ul class="headline">${report.headline.map((h) => `<li>${esc(h)}</li>`).join('')}</ul>`,
  ]
  const events = eventSentences(report)
  if (events.length > 0)
    out.push(
      `<section class="notes"><h2>Market-wide events</h2><ul class="reasons">${events.map((e) => `<li>${esc(e)}</li>`).join('')}</ul></section>`,
    )
  for (const market of report.markets)
    out.push(marketSection(report, market, svgs.get(market.market) ?? null))
  out.push(notesSection(report))
  out.push(
    `<footer>Made by cascade ${esc(report.tool.version)} from the inputs listed above; ` +
      `the same inputs give the same report. Times are UTC unless marked.</footer>`,
    '</main>',
    '</body>',
    '</html>',
  )
  return `${out.join('\n')}\n`
}

function card(key: string, value: string, tone = '', wide = false): string {
  return `<div class="card${wide ? ' wide' : ''}"><div class="k">${esc(key)}</div><div class="v${tone ? ` ${tone}` : ''}">${esc(value)}</div></div>`
}

const tone = (x: number | null | undefined) =>
  x === null || x === undefined || x === 0 ? '' : x < 0 ? 'down' : 'up'

function marketSection(report: DailyReport, m: DailyMarket, svg: string | null): string {
  const oi = m.openInterest
  const cascades = report.cascades.filter((x) => x.market === m.market)
  const parts: string[] = [
    `<section class="market" id="${esc(marketSlug(m.market))}">`,
    `<h2>${esc(m.market)}</h2>`,
    '<div class="cards">',
    card('Open → close', `${price(m.open)} → ${price(m.close)}`, '', true),
    card('Change', pct(m.changePct), tone(m.changePct)),
    card('High / low', `${price(m.high)} / ${price(m.low)}`),
    card('Range', pct(m.rangePct, false)),
    card('Volume', usd(m.volumeUsd)),
    card('Liquidated longs', usd(m.liqLongUsd), m.liqLongUsd ? 'down' : ''),
    card('Liquidated shorts', usd(m.liqShortUsd), m.liqShortUsd ? 'up' : ''),
    card(
      'Open interest',
      oi?.changePct != null
        ? pct(oi.changePct)
        : oi?.changeBasePct != null
          ? `${pct(oi.changeBasePct)} (base)`
          : 'n/a',
      tone(oi?.changePct ?? oi?.changeBasePct),
    ),
    card('Cascades', count(m.cascades)),
    '</div>',
  ]
  const r = m.ranking
  if (r.days === 0) parts.push(`<p class="sub">${esc(rankingSentence(r))}</p>`)
  else {
    parts.push(
      `<p class="sub">Against ${r.days} earlier daily report${r.days === 1 ? '' : 's'} (${esc(r.firstDay ?? '')} → ${esc(r.lastDay ?? '')}):</p>`,
      `<ul class="ranking">${r.notes.map((n) => `<li>${esc(n)}</li>`).join('')}</ul>`,
    )
  }
  if (svg) {
    parts.push(
      '<figure>',
      svg,
      `<figcaption>${esc(m.market)}: price (prices from ${esc(m.priceSeries ?? 'n/a')}) with the cascade windows shaded ` +
        `(red: down, green: up), liquidations, open interest. Data ${esc(minute(m.first))} → ${esc(minute(m.last))} UTC` +
        `${missingPanels(m)}.</figcaption>`,
      '</figure>',
    )
  }
  parts.push('<h3>Cascades</h3>')
  for (const x of report.carriedOver.filter((c) => c.market === m.market))
    parts.push(`<p>${esc(carriedWords(x, report.date))}</p>`)
  if (cascades.length === 0) {
    parts.push(
      `<p>No cascade (a move of at least ${esc(String(report.params.minMovePct))} % within ${esc(String(report.params.withinMin))} min with forced flow).</p>`,
    )
  } else parts.push(cascadeTable(report, cascades))
  const episodes = episodeSentences(report, m.market)
  if (episodes.length > 0)
    parts.push(`<ul class="reasons">${episodes.map((e) => `<li>${esc(e)}</li>`).join('')}</ul>`)
  parts.push(hourTable(report, m), '</section>')
  return parts.join('\n')
}

function missingPanels(m: DailyMarket): string {
  const missing: string[] = []
  if (m.liqLongUsd === null) missing.push('no liquidation data in the inputs')
  if (m.openInterest === null) missing.push('no open-interest data in the inputs')
  return missing.length > 0 ? `; ${missing.join('; ')}` : ''
}

function cascadeTable(report: DailyReport, cascades: readonly DailyCascade[]): string {
  const local = report.tz !== 'UTC'
  const head = [
    '#',
    'Direction',
    'Start (UTC)',
    ...(local ? [`Start (${report.tz})`] : []),
    'Extreme',
    'End',
    'Move',
    'To extreme',
    'Volume',
    'Liq long',
    'Liq short',
    'OI change',
    'Waves',
  ]
  const rows = cascades.map((x, i) => {
    const cells = [
      String(i + 1),
      x.direction,
      minute(x.start),
      ...(local ? [localMinute(Date.parse(x.start), report.tz)] : []),
      clock(x.extreme, x.start),
      endText(x),
      pct(x.price.movePct),
      duration(x.speed.timeToExtremeSec),
      usd(x.volume.quoteUsd),
      usd(x.liquidations?.longUsd),
      usd(x.liquidations?.shortUsd),
      oiDrawdownChange(x.openInterest),
      count(x.waves),
    ]
    const move = head.indexOf('Move')
    return `<tr>${cells.map((c, k) => `<td${k <= 2 ? ' class="l"' : k === move ? ` class="${x.direction}"` : ''}>${esc(c)}</td>`).join('')}</tr>`
  })
  const reasons = cascades.map(
    (x, i) =>
      `<li><b>#${i + 1}</b> ${esc(price(x.price.start))} → ${esc(price(x.price.extreme))} → ${esc(price(x.price.end))}: ${esc(cascadeNotes(x).join('; '))}</li>`,
  )
  return [
    '<div class="scroll"><table>',
    `<tr>${head.map((h, k) => `<th${k <= 2 ? ' class="l"' : ''}>${esc(h)}</th>`).join('')}</tr>`,
    ...rows,
    '</table></div>',
    `<ol class="reasons" style="list-style:none">${reasons.join('')}</ol>`,
  ].join('\n')
}

function hourTable(report: DailyReport, m: DailyMarket): string {
  const local = report.tz !== 'UTC'
  const head = [
    'Hour (UTC)',
    ...(local ? [report.tz] : []),
    'Open',
    'High',
    'Low',
    'Close',
    'Volume',
    'Liq long',
    'Liq short',
    'OI at end',
  ]
  const rows = m.hours.map((h) => {
    const cells = [
      minute(h.start).slice(11),
      ...(local ? [localMinute(Date.parse(h.start), report.tz).slice(11)] : []),
      price(h.open),
      price(h.high),
      price(h.low),
      price(h.close),
      usd(h.volumeUsd),
      usd(h.liqLongUsd),
      usd(h.liqShortUsd),
      usd(h.oiUsd),
    ]
    return `<tr>${cells.map((c, k) => `<td${k === 0 ? ' class="l"' : ''}>${esc(c)}</td>`).join('')}</tr>`
  })
  return [
    '<details><summary>Hour by hour (the chart as a table)</summary>',
    '<div class="scroll"><table>',
    `<tr>${head.map((h, k) => `<th${k === 0 ? ' class="l"' : ''}>${esc(h)}</th>`).join('')}</tr>`,
    ...rows,
    '</table></div></details>',
  ].join('\n')
}

function notesSection(report: DailyReport): string {
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
  const parts = ['<section class="notes">']
  if (report.status === 'no-data')
    parts.push('<p><b>No market has data inside the day</b>, so there is nothing to analyse.</p>')
  if (notes.length > 0)
    parts.push('<h3>Data notes</h3>', `<ul>${notes.map((n) => `<li>${esc(n)}</li>`).join('')}</ul>`)
  parts.push(
    `<details${report.inputs.length === 0 ? '' : ''}><summary>Inputs (${report.inputs.length})</summary>`,
    '<div class="scroll"><table>',
    '<tr><th class="l">Input</th><th class="l">Source</th><th>Events in the day</th><th>Before</th><th>After</th><th>Bad rows</th></tr>',
    ...report.inputs.map(
      (i) =>
        `<tr><td class="l"><code>${esc(i.path)}</code></td><td class="l">${esc(i.source)}</td><td>${count(i.eventsInDay)}</td>` +
        `<td>${count(i.eventsBefore)}</td><td>${count(i.eventsAfter)}</td><td>${count(i.badRows)}</td></tr>`,
    ),
    '</table></div></details>',
    `<details><summary>Detector parameters</summary><p>${esc(
      Object.entries(report.params)
        .map(([k, v]) => `${k} ${String(v)}`)
        .join(', '),
    )}</p></details>`,
    '</section>',
  )
  return parts.join('\n')
}
