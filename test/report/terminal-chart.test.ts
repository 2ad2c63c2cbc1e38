/**
 * The terminal picture of a cascade under the `cascade analyze` table: exact plain output for a
 * small hand-computed example, the same picture with colour on (and only then escape codes), and
 * the view around a cascade.
 */
import { describe, expect, it } from 'vitest'
import type { Cascade } from '../../src/analysis/report-types.js'
import {
  type CascadeChartData,
  cascadeView,
  renderCascadeChart,
  renderCascadeCharts,
} from '../../src/report/terminal-chart.js'

const MIN = 60_000
const T0 = Date.UTC(2024, 7, 5)
const minutes = (n: number) => Array.from({ length: n }, (_, i) => T0 + i * MIN)
const ESC = '\u001b'
const ANSI = new RegExp(`${ESC}\\[[0-9;]*m`, 'g')

const lows = [100, 100, 90, 80, 70, 60, 65, 70, 75, 80]
const data: CascadeChartData = {
  title: '#1 TEST ▼ -40.0%',
  direction: 'down',
  from: T0,
  to: T0 + 10 * MIN,
  start: T0 + 2 * MIN,
  extreme: T0 + 5 * MIN,
  end: T0 + 7 * MIN,
  price: { time: minutes(10), low: lows, high: lows, close: lows, stepMs: MIN },
  liquidations: {
    time: minutes(10),
    long: [0, 0, 5, 10, 20, 40, 10, 0, 0, 0],
    short: [0, 0, 0, 0, 0, 0, 5, 0, 0, 1],
    stepMs: MIN,
  },
}

describe('renderCascadeChart', () => {
  it('draws the price, the window with its extreme, and the liquidations (plain)', () => {
    // 31 columns: gutter 10 ("liq short" + 1), 2 for the axis, 9 for the totals → 10 chart columns, one minute each.
    // Price levels over 60…100 in 2 rows × 8: level = 1 + round((v − 60) / 40 × 15):
    // 100 → 16, 90 → 12, 80 → 9, 75 → 7, 70 → 5, 65 → 3, 60 → 1; the top row shows level − 8.
    // Liquidation bars on one scale (max 40): ceil(v / 40 × 8) eighths: 5 → ▁, 10 → ▂, 20 → ▄, 40 → █, 1 → ▁.
    expect(renderCascadeChart(data, { width: 31, color: false, height: 2 })).toEqual([
      '#1 TEST ▼ -40.0%  08-05 00:02 → 00:05, end 00:07 UTC (one column = 1 min)',
      '      100 ┤██▄▁     ▁',
      '       60 ┤████▅▁▃▅▇█',
      '             └──●─┘',
      ' liq long    ▁▂▄█▂    $85',
      'liq short        ▁  ▁ $6',
      '           00:02',
    ])
  })

  it('colours the window and the liquidation sides only when asked', () => {
    const plain = renderCascadeChart(data, { width: 31, color: false, height: 2 })
    const coloured = renderCascadeChart(data, { width: 31, color: true, height: 2 })
    expect(plain.join('\n')).not.toMatch(ANSI)
    expect(coloured.join('\n')).toContain(`${ESC}[31m`) // red: the window of a fall, long liquidations
    expect(coloured.join('\n')).toContain(`${ESC}[32m`) // green: short liquidations
    expect(coloured.map((line) => line.replace(ANSI, ''))).toEqual(plain)
  })

  it('says so when the window has no prices, and leaves out liquidations without data', () => {
    const lines = renderCascadeChart(
      { ...data, price: null, liquidations: null },
      { width: 80, color: false },
    )
    expect(lines[1]).toMatch(/no prices in this window/)
    expect(lines.join('\n')).not.toMatch(/liq/)
  })
})

describe('the view around a cascade', () => {
  const cascade = {
    market: 'BTC',
    direction: 'down',
    start: '2021-05-19T11:14:12.000Z',
    extreme: '2021-05-19T13:21:30.250Z',
    end: '2021-05-19T13:22:00.000Z',
    price: { movePct: -25.5 },
  } as Cascade

  it('adds a quarter of the window (at least 15 min) each side, on whole minutes', () => {
    // 11:14:12 → 13:22:00 is 127.8 min; a quarter rounds to 32 min: 10:42:12 → 10:42, 13:54:00.
    expect(cascadeView(cascade)).toEqual({
      from: Date.parse('2021-05-19T10:42:00Z'),
      to: Date.parse('2021-05-19T13:54:00Z'),
    })
    const short = { ...cascade, end: '2021-05-19T11:20:00.000Z' }
    expect(cascadeView(short).from).toBe(Date.parse('2021-05-19T10:59:00Z'))
  })

  it('renders one block per cascade, numbered, and nothing without cascades', () => {
    const text = renderCascadeCharts(
      [cascade, { ...cascade, direction: 'up', price: { movePct: 3 } } as Cascade],
      () => null,
      {
        width: 80,
        color: false,
      },
    )
    expect(text).toMatch(/^\n#1 BTC ▼ -25\.50% {2}05-19 11:14 → 13:21, end 13:22 UTC/)
    expect(text).toMatch(/\n\n#2 BTC ▲ \+3\.00%/)
    expect(renderCascadeCharts([], () => null, { width: 80, color: false })).toBe('')
  })
})
