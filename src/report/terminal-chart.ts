/**
 * Pictures for the terminal, under the `cascade analyze` table: per cascade, a small price chart of
 * the window and the time around it, with the window marked (└──●──┘, ● at the extreme), and
 * liquidation bars, long and short, on one scale. Block characters only; colour (the window in red
 * or green, longs red, shorts green) only when asked, so NO_COLOR and pipes get plain text.
 */
import { Chalk } from 'chalk'
import type { Cascade } from '../analysis/report-types.js'
import type { MarketSeries } from '../analysis/series.js'
import { escapeForTerminal } from '../escape.js'
import { clock, pct, price, usd } from './format.js'

const BLOCKS = [' ', '▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'] as const
const MINUTE = 60_000

export interface ChartOptions {
  /** Terminal columns. */
  width: number
  color: boolean
  /** Rows of the price chart (default 4: 32 levels). */
  height?: number
}

export interface CascadeChartData {
  /** `#1 BTC ▼ -25.5%`. */
  title: string
  direction: 'down' | 'up'
  /** The time shown, epoch ms. */
  from: number
  to: number
  start: number
  extreme: number
  end: number
  price: { time: number[]; low: number[]; high: number[]; close: number[]; stepMs: number } | null
  liquidations: { time: number[]; long: number[]; short: number[]; stepMs: number } | null
}

/**
 * The time to show around a cascade: the window and a quarter of its length (at least 15 min) each
 * side, out to whole steps of the data (minutes; hours for hourly data), so that no bar is cut at
 * an edge: the first column has its price, and a bucket's liquidations are all in the view or not.
 */
export function cascadeView(
  cascade: Pick<Cascade, 'start' | 'end'>,
  stepMs = MINUTE,
): { from: number; to: number } {
  const start = Date.parse(cascade.start)
  const end = Date.parse(cascade.end)
  const step = Math.max(MINUTE, stepMs)
  const pad = Math.max(15 * MINUTE, Math.round((end - start) / 4 / MINUTE) * MINUTE)
  return { from: Math.floor((start - pad) / step) * step, to: Math.ceil((end + pad) / step) * step }
}

/** The coarsest step of a market's price and liquidation series (a minute at least). */
function seriesStep(series: MarketSeries | null): number {
  return Math.max(MINUTE, series?.price?.stepMs ?? 0, series?.liquidations?.stepMs ?? 0)
}

/** The chart data of one cascade from its market's series over `view` (`cascadeView(cascade)`). */
export function chartData(
  cascade: Cascade,
  n: number,
  series: MarketSeries | null,
  view: { from: number; to: number } = cascadeView(cascade),
): CascadeChartData {
  const arrow = cascade.direction === 'down' ? '▼' : '▲'
  return {
    title: `#${n} ${escapeForTerminal(cascade.market)} ${arrow} ${pct(cascade.price.movePct)}`,
    direction: cascade.direction,
    ...view,
    start: Date.parse(cascade.start),
    extreme: Date.parse(cascade.extreme),
    end: Date.parse(cascade.end),
    price: series?.price ?? null,
    liquidations: series?.liquidations ?? null,
  }
}

/** Charts of every cascade, with a blank line before each; empty when there is none. */
export function renderCascadeCharts(
  cascades: readonly Cascade[],
  seriesOf: (market: string, from: number, to: number) => MarketSeries | null,
  options: ChartOptions,
): string {
  const blocks = cascades.map((cascade, i) => {
    let view = cascadeView(cascade)
    let series = seriesOf(cascade.market, view.from, view.to)
    // Hourly data: the view widens to whole hours, so the first hour is not cut off.
    const step = seriesStep(series)
    if (step > MINUTE) {
      view = cascadeView(cascade, step)
      series = seriesOf(cascade.market, view.from, view.to)
    }
    return renderCascadeChart(chartData(cascade, i + 1, series, view), options).join('\n')
  })
  return blocks.length === 0 ? '' : `\n${blocks.join('\n\n')}\n`
}

interface Column {
  value: number | null
  long: number
  short: number
}

/** Bin the series into `width` columns over [from, to). */
function columns(data: CascadeChartData, width: number): Column[] {
  const span = (data.to - data.from) / width
  const cols: Column[] = Array.from({ length: width }, () => ({ value: null, long: 0, short: 0 }))
  const colOf = (t: number) => Math.floor((t - data.from) / span)
  // The columns a bar [t, t + step) covers: one when bars are shorter than a column, several when
  // longer (an hourly bar over 12-minute columns fills five of them).
  const covered = (t: number, step: number): [number, number] =>
    step > span ? [colOf(t), Math.ceil((t + step - data.from) / span) - 1] : [colOf(t), colOf(t)]
  const p = data.price
  if (p) {
    // A fall shows each column's low, a squeeze its high: the extreme is always in the picture.
    const pick = data.direction === 'down' ? p.low : p.high
    const better =
      data.direction === 'down' ? (a: number, b: number) => a < b : (a: number, b: number) => a > b
    for (let i = 0; i < p.time.length; i++) {
      const [first, last] = covered(p.time[i]!, p.stepMs)
      for (let c = Math.max(0, first); c <= Math.min(width - 1, last); c++) {
        const v = pick[i]!
        const col = cols[c]!
        if (col.value === null || better(v, col.value)) col.value = v
      }
    }
    // Columns without a trade carry the last close forward.
    let last: number | null = null
    let k = 0
    for (let c = 0; c < width; c++) {
      const colEnd = data.from + (c + 1) * span
      while (k < p.time.length && p.time[k]! < colEnd) last = p.close[k++]!
      if (cols[c]!.value === null && last !== null && data.from + c * span > p.time[0]!) cols[c]!.value = last
    }
  }
  const l = data.liquidations
  if (l) {
    for (let i = 0; i < l.time.length; i++) {
      const t = l.time[i]!
      const [first, last] = covered(t, l.stepMs)
      for (let c = Math.max(0, first); c <= Math.min(width - 1, last); c++) {
        // A bucket longer than a column is spread over its columns by the time it shares with
        // each (an hour of liquidations is not one spike); the columns still add up to it.
        const share =
          first === last
            ? 1
            : (Math.min(t + l.stepMs, data.from + (c + 1) * span) - Math.max(t, data.from + c * span)) /
              l.stepMs
        cols[c]!.long += l.long[i]! * share
        cols[c]!.short += l.short[i]! * share
      }
    }
  }
  return cols
}

export function renderCascadeChart(data: CascadeChartData, options: ChartOptions): string[] {
  const c = new Chalk({ level: options.color ? 1 : 0 })
  const height = options.height ?? 4
  const values = data.price ? [] : null
  let lo = Number.POSITIVE_INFINITY
  let hi = Number.NEGATIVE_INFINITY
  if (data.price) {
    for (let i = 0; i < data.price.time.length; i++) {
      const t = data.price.time[i]!
      if (t < data.from || t >= data.to) continue
      lo = Math.min(lo, data.price.low[i]!)
      hi = Math.max(hi, data.price.high[i]!)
    }
  }
  const top = Number.isFinite(hi) ? price(hi) : ''
  const bottom = Number.isFinite(lo) ? price(lo) : ''
  const hasLiq = data.liquidations !== null
  const gutter = Math.max(top.length, bottom.length, hasLiq ? 'liq short'.length : 0) + 1
  const right = hasLiq ? 9 : 0
  const width = Math.max(10, Math.min(72, options.width - gutter - 2 - right))
  const cols = columns(data, width)
  const span = (data.to - data.from) / width
  const colOf = (t: number) => Math.min(width - 1, Math.max(0, Math.floor((t - data.from) / span)))
  const startCol = colOf(data.start)
  const endCol = colOf(data.end)
  const extremeCol = colOf(data.extreme)
  // The start and end marks sit beside the extreme when they share its column (an end at the
  // extreme, a move inside one bar): └● and ●┘, never hidden under it.
  const startMark = startCol === extremeCol ? Math.max(0, extremeCol - 1) : startCol
  const endMark = endCol === extremeCol ? Math.min(width - 1, extremeCol + 1) : endCol
  const inWindow = (col: number) => col >= startMark && col <= endMark
  const windowColor = data.direction === 'down' ? c.red : c.green

  const minutes = span / MINUTE
  const perColumn =
    span < MINUTE
      ? `${Math.round(span / 1000)} s`
      : `${Number.isInteger(minutes) ? minutes : minutes.toFixed(1)} min`
  const lines = [
    `${c.bold(data.title)}  ${clock(iso(data.start))} → ${clock(iso(data.extreme), iso(data.start))}, ` +
      `end ${clock(iso(data.end), iso(data.start))} UTC ${c.dim(`(one column = ${perColumn})`)}`,
  ]
  if (values === null || !Number.isFinite(lo))
    lines.push(`${' '.repeat(gutter)}${c.dim('no prices in this window')}`)
  else {
    const levels = height * 8
    const levelOf = (v: number) =>
      hi === lo ? levels / 2 : 1 + Math.round(((v - lo) / (hi - lo)) * (levels - 1))
    for (let r = 0; r < height; r++) {
      const base = (height - 1 - r) * 8
      const label = r === 0 ? top : r === height - 1 ? bottom : ''
      const cells: [string, Paint][] = []
      for (let col = 0; col < width; col++) {
        const v = cols[col]!.value
        const fill = v === null ? 0 : Math.max(0, Math.min(8, levelOf(v) - base))
        cells.push([BLOCKS[fill]!, fill === 0 ? plain : inWindow(col) ? windowColor : c.dim])
      }
      lines.push(`${label.padStart(gutter - 1)} ${c.dim('┤')}${paintRuns(cells)}`.trimEnd())
    }
  }
  let marker = ''
  for (let col = 0; col < width; col++) {
    if (col === extremeCol) marker += '●'
    else if (col === startMark) marker += '└'
    else if (col === endMark) marker += '┘'
    else marker += inWindow(col) ? '─' : ' '
  }
  lines.push(`${' '.repeat(gutter)} ${windowColor(marker.trimEnd())}`)
  if (data.liquidations) {
    let max = 0
    let long = 0
    let short = 0
    for (const col of cols) {
      max = Math.max(max, col.long, col.short)
      long += col.long
      short += col.short
    }
    const bar = (v: number) => (v <= 0 || max <= 0 ? ' ' : BLOCKS[Math.max(1, Math.ceil((v / max) * 8))]!)
    const row = (side: 'long' | 'short') => cols.map((col) => bar(col[side])).join('')
    lines.push(`${'liq long'.padStart(gutter - 1)}  ${c.red(row('long'))} ${usd(long)}`)
    lines.push(`${'liq short'.padStart(gutter - 1)}  ${c.green(row('short'))} ${usd(short)}`)
  }
  lines.push(`${' '.repeat(gutter + 1)}${c.dim(timeAxis(data, width, colOf))}`)
  return lines
}

const iso = (ms: number) => new Date(ms).toISOString()

type Paint = (text: string) => string
const plain: Paint = (text) => text

/** Runs of cells with the same paint in one escape sequence each (and blanks never painted). */
function paintRuns(cells: readonly [string, Paint][]): string {
  let out = ''
  let run = ''
  let paint: Paint = plain
  for (const [ch, p] of cells) {
    if (p !== paint) {
      out += paint(run)
      run = ''
      paint = p
    }
    run += ch
  }
  return (out + paint(run)).replace(/\s+$/, '')
}

/** Clock labels under the chart: the window's start and end first, then the view's ends where they fit. */
function timeAxis(data: CascadeChartData, width: number, colOf: (t: number) => number): string {
  const axis = Array<string>(width + 6).fill(' ')
  const taken: [number, number][] = []
  const place = (t: number, align: 'left' | 'right' | 'center') => {
    const label = iso(t).slice(11, 16)
    const col = colOf(t)
    let at = align === 'left' ? col : align === 'right' ? col - label.length + 1 : col - 2
    at = Math.max(0, Math.min(width - label.length, at))
    if (taken.some(([a, b]) => at <= b + 1 && at + label.length - 1 >= a - 1)) return
    taken.push([at, at + label.length - 1])
    for (let k = 0; k < label.length; k++) axis[at + k] = label[k]!
  }
  place(data.start, 'center')
  place(data.end, 'center')
  place(data.from, 'left')
  place(data.to, 'right')
  return axis.join('').trimEnd()
}
