/**
 * The daily report's charts: per market, one SVG with three panels on one UTC time axis — price
 * (1-minute close with the low–high band) with the cascade windows shaded, liquidations per minute
 * (long and short, stacked), and open interest. Vega-Lite specs rendered to SVG in Node (no
 * browser, no network); the SVG is the same bytes for the same data on any host and time zone.
 */
import type { TopLevelSpec } from 'vega-lite'
import type { MarketSeries } from '../../analysis/index.js'
import { pct } from '../format.js'
import { isNarrowed, type ReportDay } from './day.js'
import type { DailyCascade, DailyReport } from './types.js'

export const COLORS = {
  price: '#1f4e8c',
  band: '#9ecae1',
  long: '#d62728',
  short: '#2ca02c',
  openInterest: '#6a3d9a',
  down: '#d62728',
  up: '#2ca02c',
} as const

const WIDTH = 880

/** `$0` rather than `$0M`, and `$2.5B` rather than d3's SI `$2.5G`. */
const USD_LABEL = "datum.value === 0 ? '$0' : replace(datum.label, 'G', 'B')"

export interface ChartPanels {
  price: boolean
  liquidations: boolean
  openInterest: boolean
}

/** Which panels a market's chart has: a figure without data gets no panel. */
export function panelsOf(series: MarketSeries): ChartPanels {
  return {
    price: series.price !== null,
    liquidations: (series.liquidations?.time.length ?? 0) > 0,
    openInterest: series.openInterest?.time.some((_, i) => oiValue(series, i) !== null) ?? false,
  }
}

function oiValue(series: MarketSeries, i: number): number | null {
  const oi = series.openInterest
  if (!oi) return null
  return oi.usd.some((x) => x !== null) ? (oi.usd[i] ?? null) : (oi.base[i] ?? null)
}

const stepWords = (ms: number) =>
  ms === 60_000 ? 'minute' : ms === 3_600_000 ? 'hour' : `${ms / 60_000} min`

/** The Vega-Lite spec of one market's chart; null when the market has nothing to draw. */
export function chartSpec(
  series: MarketSeries,
  cascades: readonly DailyCascade[],
  day: ReportDay,
  carriedOver: readonly DailyCascade[] = [],
): TopLevelSpec | null {
  const panels = panelsOf(series)
  const list = [panels.price, panels.liquidations, panels.openInterest]
  const last = list.lastIndexOf(true)
  if (last < 0) return null
  const utcDay = day.tz === 'UTC'
  const x = (axisTitle: boolean) => ({
    field: 't',
    type: 'temporal' as const,
    scale: { type: 'utc' as const, domain: [day.from, day.to] },
    axis: {
      format: '%H:%M',
      // Vega's interval names are vega-time's units ('hours'), whatever the Vega-Lite types say.
      tickCount: { interval: 'hours' as 'hour', step: day.to - day.from > 12 * 3_600_000 ? 2 : 1 },
      title: axisTitle
        ? isNarrowed(day)
          ? `time (UTC): ${new Date(day.from).toISOString().slice(0, 16).replace('T', ' ')} → ${new Date(day.to).toISOString().slice(0, 16).replace('T', ' ')}, part of ${day.date}${utcDay ? '' : ` in ${day.tz}`}`
          : utcDay
            ? `time (UTC), ${day.date}`
            : `time (UTC): ${day.date} in ${day.tz} is ${new Date(day.from).toISOString().slice(0, 16)} → ${new Date(day.to).toISOString().slice(0, 16)} UTC`
        : null,
      labelFlush: true,
    },
  })
  const window = (cascade: DailyCascade, label: string) => ({
    start: Math.max(Date.parse(cascade.start), day.from),
    end: Math.min(Date.parse(cascade.end), day.to),
    direction: cascade.direction,
    label,
  })
  // Numbered as in the report's tables; one carried over from the day before is marked with an arrow.
  const windows = [
    ...carriedOver.map((cascade) => window(cascade, `← ${pct(cascade.price.movePct)}`)),
    ...cascades.map((cascade, i) => window(cascade, `#${i + 1} ${pct(cascade.price.movePct)}`)),
  ]
  const shade = (withLabels: boolean) => [
    {
      data: { values: windows },
      mark: { type: 'rect' as const, opacity: 0.13 },
      encoding: {
        x: { field: 'start', type: 'temporal' as const },
        x2: { field: 'end' },
        // Its own words: Vega's default text gives the dates in the host's local time zone.
        description: { field: 'label' },
        color: { condition: { test: "datum.direction === 'down'", value: COLORS.down }, value: COLORS.up },
      },
    },
    ...(withLabels
      ? [
          {
            data: { values: windows },
            mark: {
              type: 'text' as const,
              align: 'left' as const,
              baseline: 'top' as const,
              dx: 3,
              dy: 3,
              fontSize: 11,
              fontWeight: 'bold' as const,
            },
            encoding: {
              x: { field: 'start', type: 'temporal' as const },
              y: { value: 0 },
              text: { field: 'label' },
              description: { field: 'label' },
              color: {
                condition: { test: "datum.direction === 'down'", value: COLORS.down },
                value: COLORS.up,
              },
            },
          },
        ]
      : []),
  ]
  const rows: object[] = []
  if (panels.price && series.price) {
    const p = series.price
    const values = p.time.map((t, i) => ({ t, low: p.low[i], high: p.high[i], close: p.close[i] }))
    rows.push({
      title: `Price — ${p.series}, ${stepWords(p.stepMs)} low–high and close`,
      width: WIDTH,
      height: 230,
      layer: [
        ...(windows.length > 0 ? shade(true) : []),
        {
          data: { values },
          mark: { type: 'area', color: COLORS.band, opacity: 0.55 },
          encoding: {
            x: x(last === 0),
            y: { field: 'low', type: 'quantitative', scale: { zero: false }, title: 'price' },
            y2: { field: 'high' },
          },
        },
        {
          data: { values },
          mark: { type: 'line', color: COLORS.price, strokeWidth: 1.2 },
          encoding: { x: x(last === 0), y: { field: 'close', type: 'quantitative' } },
        },
      ],
    })
  }
  if (panels.liquidations && series.liquidations) {
    const l = series.liquidations
    const values = l.time.flatMap((t, i) => [
      { t, side: 'long', usd: l.long[i] },
      { t, side: 'short', usd: l.short[i] },
    ])
    rows.push({
      title: `Liquidations per ${stepWords(l.stepMs)} — long (red) and short (green), stacked`,
      width: WIDTH,
      height: 130,
      layer: [
        ...(windows.length > 0 ? shade(false) : []),
        {
          data: { values },
          mark: { type: 'area', interpolate: 'step-after' },
          encoding: {
            x: x(last === 1),
            y: {
              field: 'usd',
              type: 'quantitative',
              stack: 'zero',
              title: 'USD',
              axis: { format: '$~s', labelExpr: USD_LABEL },
            },
            color: {
              field: 'side',
              type: 'nominal',
              scale: { domain: ['long', 'short'], range: [COLORS.long, COLORS.short] },
              legend: { orient: 'top-left', title: null, direction: 'horizontal', fillColor: 'white' },
            },
            order: { field: 'side', sort: 'ascending' },
          },
        },
      ],
    })
  }
  if (panels.openInterest && series.openInterest) {
    const oi = series.openInterest
    const inUsd = oi.usd.some((v) => v !== null)
    const values = oi.time.map((t, i) => ({ t, v: inUsd ? oi.usd[i] : oi.base[i] }))
    rows.push({
      title: `Open interest — ${inUsd ? 'USD' : 'base units'}, as known every ${stepWords(oi.stepMs)}`,
      width: WIDTH,
      height: 110,
      layer: [
        ...(windows.length > 0 ? shade(false) : []),
        {
          data: { values },
          mark: { type: 'line', color: COLORS.openInterest, strokeWidth: 1.5, interpolate: 'step-after' },
          encoding: {
            x: x(true),
            y: {
              field: 'v',
              type: 'quantitative',
              scale: { zero: false },
              title: inUsd ? 'USD' : 'base',
              axis: inUsd ? { format: '$.3~s', labelExpr: USD_LABEL } : { format: '.3~s' },
            },
          },
        },
      ],
    })
  }
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    background: 'white',
    padding: 8,
    spacing: 22,
    config: {
      font: 'Helvetica, Arial, sans-serif',
      view: { stroke: '#ccc' },
      axis: {
        labelFontSize: 11,
        titleFontSize: 11,
        titleColor: '#444',
        labelColor: '#333',
        gridColor: '#eee',
      },
      title: { anchor: 'start', fontSize: 13, fontWeight: 'normal', color: '#222', offset: 8 },
      legend: { labelFontSize: 11, symbolType: 'square' },
    },
    vconcat: rows,
    // Each panel keeps its own legend (the liquidation sides), not one for the whole chart.
    resolve: { scale: { color: 'independent' }, legend: { color: 'independent' } },
  } as TopLevelSpec
}

/**
 * Render a spec to SVG text. Vega logs its problems to the console and carries on with an empty
 * chart; here a problem fails the render instead, and nothing reaches the console.
 */
export async function renderSvg(spec: TopLevelSpec, idPrefix: string): Promise<string> {
  // Loaded on first use: Vega costs about 0.3 s and 20 MB at start-up, which every other command
  // (analyze on a big file, timeline in a pipe) would otherwise pay for nothing.
  const [{ logger, parse, View, Warn: WarnLevel }, { compile }] = await Promise.all([
    import('vega'),
    import('vega-lite'),
  ])
  const problems: string[] = []
  const collect = (_method: string, level: string, input: readonly unknown[]) => {
    if (level === 'ERROR')
      problems.push(
        Array.from(input)
          .map((x) => (x instanceof Error ? x.message : String(x)))
          .join(' '),
      )
  }
  const compiled = compile(spec, { logger: logger(WarnLevel, undefined, collect) }).spec
  const view = new View(parse(compiled), { renderer: 'none', logger: logger(WarnLevel, undefined, collect) })
  let svg = ''
  try {
    svg = await view.toSVG()
  } catch (error) {
    problems.push((error as Error).message)
  } finally {
    view.finalize()
  }
  if (problems.length > 0) throw new Error(`chart rendering failed: ${problems.join('; ')}`)
  return tidySvg(svg, idPrefix)
}

/**
 * Coordinates to a tenth of a pixel (Vega writes full float precision: half of the bytes) and ids
 * made unique per chart, so that several SVGs inline in one HTML page keep their own clip paths.
 */
export function tidySvg(svg: string, idPrefix: string): string {
  const prefix = idPrefix.replace(/[^A-Za-z0-9_-]/g, '-')
  return svg
    .replace(/\bd="([^"]*)"/g, (_, path: string) => `d="${simplifyPath(path)}"`)
    .replace(
      /\b(d|transform|x|y|x1|x2|y1|y2|width|height|points)="([^"]*)"/g,
      (_, name: string, value: string) => {
        return `${name}="${value.replace(/-?\d+\.\d{2,}/g, (n) => String(Number(Number(n).toFixed(1))))}"`
      },
    )
    .replace(/\bid="([^"]+)"/g, `id="${prefix}-$1"`)
    .replace(/url\(#([^)]+)\)/g, `url(#${prefix}-$1)`)
    .replace(/href="#([^"]+)"/g, `href="#${prefix}-$1"`)
}

/**
 * Drops the points of a polyline path (M and L commands only) that do not change its shape: repeats
 * and the middle points of horizontal or vertical runs — most of a step chart's points. Other paths
 * pass unchanged. A run that turns back (a one-pixel spike) keeps its tip.
 */
export function simplifyPath(path: string): string {
  if (!/^M[-\d.,LMZ]*$/.test(path)) return path
  return path
    .split('M')
    .filter(Boolean)
    .map((sub) => {
      const closed = sub.endsWith('Z')
      const points = (closed ? sub.slice(0, -1) : sub).split('L').map((pair) => pair.split(',').map(Number))
      if (points.some((p) => p.length !== 2 || p.some((x) => !Number.isFinite(x)))) return `M${sub}`
      const kept: number[][] = []
      for (const point of points) {
        const last = kept[kept.length - 1]
        if (last && last[0] === point[0] && last[1] === point[1]) continue
        const before = kept[kept.length - 2]
        if (before && last && (between(before, last, point, 0) || between(before, last, point, 1))) {
          kept[kept.length - 1] = point
        } else kept.push(point)
      }
      return `M${kept.map((p) => `${p[0]},${p[1]}`).join('L')}${closed ? 'Z' : ''}`
    })
    .join('')
}

/** `b` lies on the straight segment a–c along axis `axis` (the other coordinate is the same for all three). */
function between(a: number[], b: number[], c: number[], axis: 0 | 1): boolean {
  const other = axis === 0 ? 1 : 0
  if (!(a[other] === b[other] && b[other] === c[other])) return false
  return (b[axis]! - a[axis]!) * (c[axis]! - b[axis]!) >= 0
}

/** The chart of one market as SVG text; null when there is nothing to draw. */
export async function marketChartSvg(
  series: MarketSeries,
  report: Pick<DailyReport, 'cascades' | 'carriedOver'>,
  day: ReportDay,
): Promise<string | null> {
  const own = (cascade: DailyCascade) => cascade.market === series.market
  const spec = chartSpec(series, report.cascades.filter(own), day, report.carriedOver.filter(own))
  return spec ? renderSvg(spec, `chart-${series.market}`) : null
}
