/**
 * The terminal report: a one-line summary per market, then one row per cascade, readable at 80
 * columns; colour only when the caller says so (a TTY without NO_COLOR).
 */
import { Chalk } from 'chalk'
import Table from 'cli-table3'
import type { Cascade, MarketSummary, Report } from '../analysis/report-types.js'
import { clock, count, duration, minute, pct, price, usd } from './format.js'

export interface TableOptions {
  color: boolean
}

const BORDERLESS = {
  top: '',
  'top-mid': '',
  'top-left': '',
  'top-right': '',
  bottom: '',
  'bottom-mid': '',
  'bottom-left': '',
  'bottom-right': '',
  left: '',
  'left-mid': '',
  mid: '',
  'mid-mid': '',
  right: '',
  'right-mid': '',
  middle: ' ',
}

export function renderTable(report: Report, options: TableOptions): string {
  const c = new Chalk({ level: options.color ? 1 : 0 })
  const lines: string[] = []
  for (const market of report.markets) lines.push(...marketLines(market, c))
  lines.push('')
  if (report.cascades.length === 0) {
    const p = report.params as { minMovePct?: number; withinMin?: number }
    lines.push(`No cascade found${p.minMovePct !== undefined ? ` (a move of at least ${p.minMovePct}% within ${p.withinMin} min)` : ''}.`)
    return `${lines.join('\n')}\n`
  }
  const table = new Table({
    head: ['Market', 'Start (UTC)', 'Extreme', 'Move', 'Time', 'Volume', 'Liq long/short', 'OI', 'Waves'],
    chars: BORDERLESS,
    style: { head: options.color ? ['bold'] : [], border: [], 'padding-left': 0, 'padding-right': 0 },
    colAligns: ['left', 'left', 'left', 'right', 'right', 'right', 'right', 'right', 'right'],
  })
  for (const cascade of report.cascades) table.push(cascadeRow(cascade, c))
  lines.push(table.toString())
  lines.push('')
  report.cascades.forEach((cascade, i) => {
    lines.push(`${i + 1}. ${cascade.market} ${cascade.direction === 'down' ? 'down' : 'up'} ${minute(cascade.start)} → ${minute(cascade.extreme)}: ${cascade.reasons.join('; ')}`)
  })
  const notes = footnotes(report)
  if (notes.length > 0) lines.push('', ...notes)
  return `${lines.join('\n')}\n`
}

function marketLines(m: MarketSummary, c: InstanceType<typeof Chalk>): string[] {
  const span = m.first && m.last ? `${minute(m.first)} → ${minute(m.last)} UTC` : ''
  const liq = m.liqLongUsd === null && m.liqShortUsd === null ? 'liq n/a' : `liq long ${usd(m.liqLongUsd)} / short ${usd(m.liqShortUsd)}`
  return [
    `${c.bold(m.market)}  ${span}`,
    `  open ${price(m.open)}  high ${price(m.high)}  low ${price(m.low)}  close ${price(m.close)}  vol ${usd(m.volumeUsd)}  ${liq}`,
    `  series: ${m.series.join(', ')}`,
  ]
}

function cascadeRow(x: Cascade, c: InstanceType<typeof Chalk>): string[] {
  const down = x.direction === 'down'
  const arrow = down ? c.red('▼') : c.green('▲')
  const move = down ? c.red(pct(x.price.movePct)) : c.green(pct(x.price.movePct))
  const liq = x.liquidations ? `${usd(x.liquidations.longUsd)} / ${usd(x.liquidations.shortUsd)}` : 'n/a¹'
  const oi = x.openInterest?.drawdownPct === null || x.openInterest === null ? 'n/a' : pct(-x.openInterest.drawdownPct)
  return [`${x.market} ${arrow}`, minute(x.start).slice(5), clock(x.extreme, x.start), move, duration(x.speed.timeToExtremeSec), usd(x.volume.quoteUsd), liq, oi, count(x.waves)]
}

function footnotes(report: Report): string[] {
  const notes: string[] = []
  if (report.cascades.some((x) => x.liquidations === null)) {
    notes.push('¹ no liquidation data in the inputs for this market: add liquidation files (Binance liquidationSnapshot, CoinGlass, Coinalyze, Tardis) to measure it')
  }
  const coarse = new Set<string>()
  for (const x of report.cascades) for (const [figure, res] of Object.entries(x.resolution ?? {})) if (res !== '1s') coarse.add(`${figure} ${res}`)
  if (coarse.size > 0) notes.push(`Resolution: ${[...coarse].sort().join(', ')} (the rest from 1-second bars)`)
  return notes
}
