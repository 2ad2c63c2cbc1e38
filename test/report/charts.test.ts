/**
 * The daily charts: which panels a market gets, the SVG Vega renders in Node (data marks present,
 * UTC axis labels, ids unique per chart), the path simplification, and a render problem failing
 * loudly instead of giving an empty picture.
 */
import { describe, expect, it } from 'vitest'
import type { MarketSeries } from '../../src/analysis/series.js'
import {
  chartSpec,
  marketChartSvg,
  panelsOf,
  renderSvg,
  simplifyPath,
  tidySvg,
} from '../../src/report/daily/charts.js'
import { dayOf } from '../../src/report/daily/day.js'
import type { DailyCascade } from '../../src/report/daily/types.js'

const MIN = 60_000
const day = dayOf('2021-05-19', 'UTC')

function series(withFlows: boolean): MarketSeries {
  const time = Array.from({ length: 240 }, (_, i) => day.from + 600 * MIN + i * MIN)
  const close = time.map((_, i) => 40_000 - (i < 120 ? i * 50 : (240 - i) * 40))
  return {
    market: 'BTC',
    from: day.from,
    to: day.to,
    first: time[0]!,
    last: time[time.length - 1]!,
    price: {
      series: 'binance:BTC-USDT-PERP',
      stepMs: MIN,
      time,
      open: close,
      high: close.map((c) => c + 20),
      low: close.map((c) => c - 20),
      close,
    },
    volume: null,
    liquidations: withFlows
      ? {
          stepMs: MIN,
          time,
          long: time.map((_, i) => (i > 60 && i < 120 ? 1e6 : 0)),
          short: time.map(() => 1e4),
        }
      : null,
    openInterest: withFlows
      ? { stepMs: 5 * MIN, time: [day.from, day.from + 5 * MIN], usd: [3e9, 2.9e9], base: [75_000, 74_000] }
      : null,
  }
}

const crash = {
  market: 'BTC',
  direction: 'down',
  start: '2021-05-19T11:00:00.000Z',
  extreme: '2021-05-19T12:00:00.000Z',
  end: '2021-05-19T12:20:00.000Z',
  price: { start: 39_000, extreme: 34_000, end: 35_000, movePct: -12.82, reboundPct: 20 },
} as DailyCascade

describe('chartSpec', () => {
  it('draws only the figures the market has', () => {
    expect(panelsOf(series(true))).toEqual({ price: true, liquidations: true, openInterest: true })
    expect(panelsOf(series(false))).toEqual({ price: true, liquidations: false, openInterest: false })
    const spec = chartSpec(series(false), [crash], day) as { vconcat: { title: string }[] }
    expect(spec.vconcat.map((panel) => panel.title)).toEqual([
      'Price — binance:BTC-USDT-PERP, minute low–high and close',
    ])
    const empty = { ...series(false), price: null }
    expect(chartSpec(empty, [], day)).toBeNull()
  })
})

describe('the SVG', () => {
  it('has the price line, the low–high band, the liquidation areas, the OI line and the shaded window', async () => {
    const svg = (await marketChartSvg(series(true), { cascades: [crash], carriedOver: [] }, day))!
    expect(svg.startsWith('<svg')).toBe(true)
    const marks = (kind: string) =>
      svg.match(new RegExp(`aria-roledescription="${kind} mark" d="M[^"]+"`, 'g')) ?? []
    expect(marks('line')).toHaveLength(2) // price close, open interest
    expect(marks('area')).toHaveLength(3) // price band, long, short
    expect(marks('rect')).toHaveLength(3) // the cascade window in each panel
    expect(svg).toContain('#1 -12.82%')
    // UTC clock labels along the day, and the liquidation axis in dollars.
    expect(svg).toContain('>12:00</text>')
    expect(svg).toMatch(/>\$1M<\/text>/)
    expect(svg).toContain('time (UTC), 2021-05-19')
    // Every id is prefixed with the chart's name, so several charts can share one HTML page.
    expect(svg).not.toMatch(/\bid="(?!chart-BTC-)/)
    // Coordinates at a tenth of a pixel at most.
    expect(svg).not.toMatch(/d="[^"]*\d\.\d\d/)
  })

  it('is the same bytes for the same data (no host zone, no clock)', async () => {
    const a = await marketChartSvg(series(true), { cascades: [crash], carriedOver: [] }, day)
    const b = await marketChartSvg(series(true), { cascades: [crash], carriedOver: [] }, day)
    expect(a).toBe(b)
  })

  it('fails on a spec Vega cannot draw instead of returning an empty picture', async () => {
    const broken = {
      data: { values: [{ t: 1 }] },
      mark: 'line',
      encoding: {
        x: { field: 't', type: 'temporal', axis: { tickCount: { interval: 'fortnight', step: 2 } } },
      },
    }
    await expect(renderSvg(broken as never, 'x')).rejects.toThrow(/chart rendering failed/)
  })
})

describe('simplifyPath and tidySvg', () => {
  it('drops repeated and straight-through points of a step path, keeping its shape', () => {
    // A flat run with a step up, then a one-column spike that turns back.
    expect(simplifyPath('M0,10L1,10L2,10L2,10L3,10L3,5L4,5L4,10L5,10Z')).toBe('M0,10L3,10L3,5L4,5L4,10L5,10Z')
    expect(simplifyPath('M0,10L0,5L0,10')).toBe('M0,10L0,5L0,10')
    expect(simplifyPath('M0,0C1,1,2,2,3,3')).toBe('M0,0C1,1,2,2,3,3')
  })

  it('rounds coordinates and prefixes ids and references', () => {
    const svg =
      '<g transform="translate(10.123456,5)"><clipPath id="clip1"/><path d="M1.26,2L3,4.04" clip-path="url(#clip1)"/><text>0.000123</text></g>'
    expect(tidySvg(svg, 'chart-BTC')).toBe(
      '<g transform="translate(10.1,5)"><clipPath id="chart-BTC-clip1"/><path d="M1.3,2L3,4" clip-path="url(#chart-BTC-clip1)"/><text>0.000123</text></g>',
    )
  })
})
