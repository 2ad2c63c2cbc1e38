/** `--md`: the report as Markdown (markets, cascades, reasons, data notes). */
import type { CoveredFigure, Report } from '../analysis/report-types.js'
import { escapeStringsForTerminal } from '../escape.js'
import { clock, count, duration, minute, oiDrawdownChange, pct, price, suspectNote, usd } from './format.js'
import { narrowerSpans } from './table.js'

const FIGURE_NAMES: Record<CoveredFigure, string> = {
  price: 'prices',
  volume: 'volume',
  liquidations: 'liquidations',
  openInterest: 'open interest',
  funding: 'funding rates',
}

const cell = (text: string) => text.replace(/\|/g, '\\|')

export function renderMarkdown(input: Report): string {
  // Read on a terminal as often as rendered: names and notes from the inputs are escaped.
  const report = escapeStringsForTerminal(input)
  const out: string[] = ['# cascade report', '']
  out.push(
    '## Markets',
    '',
    '| Market | From (UTC) | To (UTC) | Open | High | Low | Close | Volume | Liq long | Liq short |',
    '|---|---|---|---:|---:|---:|---:|---:|---:|---:|',
  )
  for (const m of report.markets) {
    out.push(
      `| ${cell(m.market)} | ${minute(m.first)} | ${minute(m.last)} | ${price(m.open)} | ${price(m.high)} | ${price(m.low)} | ${price(m.close)} | ${usd(m.volumeUsd)} | ${usd(m.liqLongUsd)} | ${usd(m.liqShortUsd)} |`,
    )
  }
  // A figure whose data cover less than the market's span says which span its numbers are of.
  const narrower = report.markets.flatMap((m) => {
    const spans = Object.entries(narrowerSpans(m)).map(
      ([figure, span]) =>
        `${FIGURE_NAMES[figure as CoveredFigure]} from ${minute(span.from)} to ${minute(span.to)}`,
    )
    return spans.length > 0 ? [`- ${cell(m.market)}: ${spans.join('; ')}`] : []
  })
  if (narrower.length > 0)
    out.push('', "Figures whose data cover less than the market's span:", '', ...narrower)
  out.push('', '## Cascades', '')
  if (report.cascades.length === 0) out.push('No cascade found.')
  else {
    out.push(
      '| # | Market | Direction | Start (UTC) | Extreme | Move | Time to extreme | Volume | Liq long | Liq short | OI change | Waves |',
      '|---:|---|---|---|---|---:|---:|---:|---:|---:|---:|---:|',
    )
    report.cascades.forEach((x, i) => {
      out.push(
        `| ${i + 1} | ${cell(x.market)} | ${x.direction} | ${minute(x.start)} | ${clock(x.extreme, x.start)} | ${pct(x.price.movePct)} | ${duration(x.speed.timeToExtremeSec)} | ${usd(x.volume.quoteUsd)} | ${usd(x.liquidations?.longUsd)} | ${usd(x.liquidations?.shortUsd)} | ${oiDrawdownChange(x.openInterest)} | ${count(x.waves)} |`,
      )
    })
    out.push('')
    report.cascades.forEach((x, i) => {
      out.push(`${i + 1}. ${cell(x.reasons.join('; '))}`)
    })
  }
  const notes = [...report.warnings]
  if (report.badRows.total > 0)
    notes.push(
      `${count(report.badRows.total)} bad rows left out (${Object.entries(report.badRows.byCode)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')})`,
    )
  const suspect = suspectNote(report.suspectPrints)
  if (suspect) notes.push(suspect)
  if (notes.length > 0) out.push('', '## Data notes', '', ...notes.map((n) => `- ${cell(n)}`))
  return `${out.join('\n')}\n`
}
