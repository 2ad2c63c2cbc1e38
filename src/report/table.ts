/**
 * The terminal report: a short summary per market, then one row per cascade, readable at 80
 * columns; colour only when the caller says so (a TTY without NO_COLOR).
 */
import { Chalk } from 'chalk'
import Table from 'cli-table3'
import type { Cascade, CoveredFigure, MarketSummary, Report, TimeSpan } from '../analysis/report-types.js'
import { resolutionLabel } from '../analysis/stats.js'
import { escapeStringsForTerminal } from '../escape.js'
import {
  clock,
  count,
  duration,
  minute,
  oiDrawdownChange,
  pct,
  price,
  spanText,
  usd,
  within,
  wrap,
} from './format.js'

export { wrap }

export interface TableOptions {
  color: boolean
  /** Columns of the terminal for the words under the table (default 80; the table keeps 80). */
  width?: number
}

type Paint = InstanceType<typeof Chalk>

const WIDTH = 80

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

export function renderTable(input: Report, options: TableOptions): string {
  // Names, reasons and notes come from the inputs: no control character reaches the terminal.
  const report = escapeStringsForTerminal(input)
  const c = new Chalk({ level: options.color ? 1 : 0 })
  const textWidth = Math.max(40, options.width ?? WIDTH)
  const lines: string[] = []
  for (const market of report.markets) lines.push(...marketLines(market, c))
  if (lines.length > 0) lines.push('')
  if (report.cascades.length === 0) {
    const p = report.params as { minMovePct?: number; withinMin?: number }
    const rule =
      p.minMovePct === undefined ? '' : ` (a move of at least ${p.minMovePct}% within ${p.withinMin} min)`
    lines.push(`No cascade found${rule}.`)
    return `${lines.join('\n')}\n`
  }
  // Dates carry their year when the cascades fall in different UTC years.
  const manyYears = new Set(report.cascades.map((x) => x.start.slice(0, 4))).size > 1
  const table = new Table({
    head: ['Market', 'Start (UTC)', 'Extreme', 'Move', 'Time', 'Volume', 'Liq long/short', 'OI', 'Waves'],
    chars: BORDERLESS,
    style: { head: options.color ? ['bold'] : [], border: [], 'padding-left': 0, 'padding-right': 0 },
    colAligns: ['left', 'left', 'left', 'right', 'right', 'right', 'right', 'right', 'right'],
  })
  // The legs of one crash (an episode of two legs or more) stand together under its line.
  const episodes = new Map((report.episodes ?? []).map((e) => [e.id, e]))
  const shown = new Set<string>()
  const ordered: Cascade[] = []
  for (const cascade of report.cascades) {
    if (shown.has(cascade.id)) continue
    const episode = cascade.episode ? episodes.get(cascade.episode) : undefined
    const legs =
      episode && episode.cascades.length > 1
        ? report.cascades.filter((x) => episode.cascades.includes(x.id))
        : [cascade]
    if (legs.length > 1 && episode) {
      const down = episode.direction === 'down'
      table.push([
        {
          colSpan: 9,
          content: c.bold(
            `${episode.market} ${down ? '▼' : '▲'} episode ${minute(episode.start).slice(5)} → ` +
              `${clock(episode.extreme, episode.start)}  ${pct(episode.price.movePct)} in ${legs.length} legs:`,
          ),
        },
      ])
    }
    for (const leg of legs) {
      shown.add(leg.id)
      ordered.push(leg)
      table.push(cascadeRow(leg, c, manyYears))
    }
  }
  // cli-table3 pads a spanning cell (an episode's line) to the table's width: no trailing blanks.
  lines.push(
    table
      .toString()
      .split('\n')
      .map((line) => line.trimEnd())
      .join('\n'),
    '',
  )
  // Items from 10 up keep their text aligned with the first nine.
  const indent = ' '.repeat(String(ordered.length).length + 2)
  ordered.forEach((x, i) => {
    const head = `${`${i + 1}.`.padEnd(indent.length - 1)} ${x.market} ${x.direction} ${minute(x.start)} → ${minute(x.extreme)}:`
    lines.push(...wrap(`${head} ${x.reasons.join('; ')}`, textWidth, '', indent))
  })
  for (const event of report.events ?? []) {
    const lead =
      event.lead.leadSec > 0
        ? `${event.lead.markets.join(', ')} led by ${duration(event.lead.leadSec)}`
        : `${event.lead.markets.join(', ')} started together`
    const text =
      `Market-wide ${event.direction === 'down' ? 'fall' : 'squeeze'} from ${minute(event.start)}: ` +
      `${event.markets.join(', ')} (${event.cascades.length} cascades, median move ${pct(event.medianMovePct)}); ${lead}`
    lines.push('', ...wrap(text, textWidth, '', '  '))
  }
  const notes = footnotes(report)
  if (notes.length > 0) lines.push('', ...notes.flatMap((note) => wrap(note, textWidth, '', '  ')))
  return `${lines.join('\n')}\n`
}

/** Names of the summary's figures in words, in the order they are shown. */
const FIGURE_WORDS: Record<CoveredFigure, string> = {
  price: 'price',
  volume: 'volume',
  liquidations: 'liquidations',
  openInterest: 'open interest',
  funding: 'funding rates',
}

/**
 * The figures of a market whose data cover less than the market's span, each with its own span
 * (at the minute the table shows): a sum over two hours of 2020 is not a figure of six years.
 */
export function narrowerSpans(m: MarketSummary): Partial<Record<CoveredFigure, TimeSpan>> {
  const out: Partial<Record<CoveredFigure, TimeSpan>> = {}
  if (!m.first || !m.last) return out
  const first = Date.parse(m.first)
  const last = Date.parse(m.last)
  // Sparse records (a liquidation feed's first record at 00:06 of a day of trades) are not a gap:
  // a figure is narrower when it misses more than an hour, and more than 1 % of the span, at an end.
  const slack = Math.max(HOUR, (last - first) / 100)
  for (const [figure, span] of Object.entries(m.coverage ?? {}) as [CoveredFigure, TimeSpan][]) {
    if (Date.parse(span.from) - first > slack || last - Date.parse(span.to) > slack) out[figure] = span
  }
  return out
}

const HOUR = 3_600_000

function marketLines(m: MarketSummary, c: Paint): string[] {
  const span = m.first && m.last ? `${minute(m.first)} → ${minute(m.last)} UTC` : ''
  const at = (time: string | null) => (time ? ` at ${within(time, m.first, m.last)}` : '')
  const narrower = narrowerSpans(m)
  const only = (figure: CoveredFigure) => {
    const own = narrower[figure]
    return own ? `, only ${spanText(own.from, own.to)}` : ''
  }
  const range =
    m.open === null
      ? 'no prices'
      : `price ${price(m.open)} → ${price(m.close)} (high ${price(m.high)}${at(m.highAt)}, low ${price(m.low)}${at(m.lowAt)})${only('price')}`
  const liq =
    m.liqLongUsd === null && m.liqShortUsd === null
      ? `liquidations n/a${only('liquidations')}`
      : `liquidations long ${usd(m.liqLongUsd)} / short ${usd(m.liqShortUsd)}${only('liquidations')}`
  // Open interest and funding have no figure in the summary: their span is named when narrower.
  const spansOnly = (['openInterest', 'funding'] as const).flatMap((figure) =>
    narrower[figure] ? [`${FIGURE_WORDS[figure]}${only(figure).slice(1)}`] : [],
  )
  return [
    `${c.bold(m.market)}  ${span}`,
    ...[range, `volume ${usd(m.volumeUsd)}${only('volume')}`, liq, ...spansOnly].flatMap((line) =>
      wrap(line, WIDTH, '  ', '    '),
    ),
    ...wrap(`series: ${m.series.join(', ')}`, WIDTH, '  ', '    '),
  ]
}

function cascadeRow(x: Cascade, c: Paint, withYear: boolean): string[] {
  const down = x.direction === 'down'
  const paint = down ? c.red : c.green
  const l = x.liquidations
  // A capped or aggregated feed's sum is a lower bound: marked, the estimate is in the reasons.
  const bound = l?.regime === 'capped' || l?.regime === 'aggregate' ? '≥' : ''
  const liq = l && l.usd !== null ? `${bound}${usd(l.longUsd)} / ${usd(l.shortUsd)}` : 'n/a¹'
  return [
    `${x.market} ${paint(down ? '▼' : '▲')}`,
    withYear ? minute(x.start) : minute(x.start).slice(5),
    clock(x.extreme, x.start),
    paint(pct(x.price.movePct)),
    // A move inside one bar took at most the bar: its order inside the bar is unknown.
    x.withinBarMs ? `≤${resolutionLabel(x.withinBarMs)}` : duration(x.speed.timeToExtremeSec),
    usd(x.volume.quoteUsd),
    liq,
    oiDrawdownChange(x.openInterest),
    count(x.waves),
  ]
}

function footnotes(report: Report): string[] {
  const notes: string[] = []
  if (report.cascades.some((x) => x.liquidations === null || x.liquidations.usd === null)) {
    notes.push(
      '¹ no liquidation data in the inputs for this market: add liquidation files ' +
        '(Binance liquidationSnapshot, Tardis, CoinGlass, Coinalyze) to measure it',
    )
  }
  if (
    report.cascades.some((x) => x.liquidations?.regime === 'capped' || x.liquidations?.regime === 'aggregate')
  ) {
    notes.push(
      '≥ recorded on a capped or aggregated liquidation feed: a lower bound; the reasons give the estimate',
    )
  }
  const coarse = new Set<string>()
  let fromSeconds = false
  for (const x of report.cascades) {
    for (const [figure, resolution] of Object.entries(x.resolution ?? {})) {
      if (resolution !== '1s') coarse.add(`${figure} ${resolution}`)
      else fromSeconds = true
    }
  }
  // "The rest" only when some figure of the table did come from 1-second bars.
  if (coarse.size > 0)
    notes.push(
      `Resolution: ${[...coarse].sort().join(', ')}${fromSeconds ? ' (the rest from 1-second bars)' : ''}`,
    )
  return notes
}
