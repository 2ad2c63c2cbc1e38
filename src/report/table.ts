/**
 * The terminal report: a short summary per market, then one row per cascade, readable at 80
 * columns; colour only when the caller says so (a TTY without NO_COLOR).
 */
import { Chalk } from 'chalk'
import Table from 'cli-table3'
import type { Cascade, MarketSummary, Report } from '../analysis/report-types.js'
import { resolutionLabel } from '../analysis/stats.js'
import { escapeStringsForTerminal } from '../escape.js'
import { clock, count, duration, minute, oiDrawdownChange, pct, price, usd } from './format.js'

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
  lines.push(table.toString(), '')
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

function marketLines(m: MarketSummary, c: Paint): string[] {
  const span = m.first && m.last ? `${minute(m.first)} → ${minute(m.last)} UTC` : ''
  const at = (time: string | null) => (time ? ` at ${clock(time, m.first ?? undefined)}` : '')
  const range =
    m.open === null
      ? 'no prices'
      : `price ${price(m.open)} → ${price(m.close)} (high ${price(m.high)}${at(m.highAt)}, low ${price(m.low)}${at(m.lowAt)})`
  const liq =
    m.liqLongUsd === null && m.liqShortUsd === null
      ? 'liquidations n/a'
      : `liquidations long ${usd(m.liqLongUsd)} / short ${usd(m.liqShortUsd)}`
  return [
    `${c.bold(m.market)}  ${span}`,
    ...wrap(`${range}  volume ${usd(m.volumeUsd)}`, WIDTH, '  ', '  '),
    `  ${liq}`,
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

/** Words wrapped to `width` columns: the first line starts with `first`, the others with `rest`. */
export function wrap(text: string, width: number, first: string, rest: string): string[] {
  const lines: string[] = []
  let line = first
  let empty = true
  // A unit after a number stays with it: "60 %" is never split across lines.
  for (const word of text.split(' ').reduce<string[]>((words, w) => {
    if (words.length > 0 && (w === '%' || w.startsWith('%'))) words[words.length - 1] += ` ${w}`
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
