/**
 * The terminal picture of a cascade under the `cascade analyze` table: exact plain output for a
 * small hand-computed example, the same picture with colour on (and only then escape codes), and
 * the view around a cascade.
 */
import { describe, expect, it } from 'vitest'
import { analyzeBars, groupMarkets, marketSeries } from '../../src/analysis/index.js'
import type { Cascade } from '../../src/analysis/report-types.js'
import type { MarketSeries } from '../../src/analysis/series.js'
import { foldEvents } from '../../src/bars/index.js'
import {
  type CascadeChartData,
  cascadeView,
  renderCascadeChart,
  renderCascadeCharts,
} from '../../src/report/terminal-chart.js'
import { readAll } from '../helpers/ingest.js'
import { describeReal, itReal, realPath } from '../helpers/real.js'

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

describe('the window marks beside the extreme (issue 12 item 13)', () => {
  it('an end in the extreme’s column is drawn right of it: ●┘', () => {
    const lines = renderCascadeChart({ ...data, end: data.extreme }, { width: 31, color: false, height: 2 })
    expect(lines[3]).toBe('             └──●┘')
  })

  it('a start in the extreme’s column (a move inside one bar) is drawn left of it: └●', () => {
    const lines = renderCascadeChart({ ...data, start: data.extreme }, { width: 31, color: false, height: 2 })
    expect(lines[3]).toBe('               └●─┘')
  })
})

describe('hourly data on the terminal chart', () => {
  const HOUR = 60 * MIN
  const hours = (n: number) => Array.from({ length: n }, (_, i) => T0 + i * HOUR)
  const prices = [100, 90, 70, 80]
  const hourly: CascadeChartData = {
    title: '#1 TEST ▼ -30.0%',
    direction: 'down',
    from: T0,
    to: T0 + 4 * HOUR,
    start: T0,
    extreme: T0 + 2 * HOUR,
    end: T0 + 3 * HOUR,
    price: { time: hours(4), low: prices, high: prices, close: prices, stepMs: HOUR },
    liquidations: { time: hours(4), long: [0, 80, 40, 0], short: [0, 0, 0, 0], stepMs: HOUR },
  }

  it('an hour fills its columns: no blank lead-in, and its liquidations spread, not one spike', () => {
    // 37 columns: gutter 10, 2 for the axis, 9 for the totals → 16 columns of 15 min, 4 per hour.
    // Levels over 70…100: 1 + round((v − 70) / 30 × 15): 100 → 16, 90 → 11, 70 → 1, 80 → 6.
    // Liquidations per column: 80 / 4 = 20 (█, the maximum), 40 / 4 = 10 → ceil(10 / 20 × 8) = 4 (▄).
    expect(renderCascadeChart(hourly, { width: 37, color: false, height: 2 })).toEqual([
      '#1 TEST ▼ -30.0%  08-05 00:00 → 02:00, end 03:00 UTC (one column = 15 min)',
      '      100 ┤████▃▃▃▃',
      '       70 ┤████████▁▁▁▁▆▆▆▆',
      '           └───────●───┘',
      ' liq long      ████▄▄▄▄     $120',
      'liq short                   $0',
      '           00:00     03:00',
    ])
  })

  it('the view around a cascade of hourly data is whole hours', () => {
    const cascade = {
      market: 'BTC',
      direction: 'down',
      start: '2026-02-05T19:00:00.000Z',
      extreme: '2026-02-05T20:00:00.000Z',
      end: '2026-02-05T20:00:00.000Z',
      price: { movePct: -6.44 },
    } as Cascade
    const asked: [string, string][] = []
    renderCascadeCharts(
      [cascade],
      (_market, from, to) => {
        asked.push([new Date(from).toISOString(), new Date(to).toISOString()])
        return {
          price: { series: 'x', stepMs: HOUR, time: [], open: [], high: [], low: [], close: [] },
          liquidations: null,
        } as unknown as MarketSeries
      },
      { width: 80, color: false },
    )
    // 15 min either side (18:45 → 20:15), then out to whole hours: 18:00 → 21:00.
    expect(asked).toEqual([
      ['2026-02-05T18:45:00.000Z', '2026-02-05T20:15:00.000Z'],
      ['2026-02-05T18:00:00.000Z', '2026-02-05T21:00:00.000Z'],
    ])
  })
})

/** The charts `cascade analyze` draws on a terminal for these files, one block each. */
async function chartsOf(paths: string[]): Promise<string[][]> {
  const store = foldEvents((await readAll(paths)).events)
  const { cascades } = analyzeBars(store)
  const markets = new Map(groupMarkets(store, 'market').map((market) => [market.name, market]))
  const text = renderCascadeCharts(cascades, (name, from, to) => marketSeries(markets.get(name)!, from, to), {
    width: 100,
    color: false,
  })
  return text
    .trim()
    .split('\n\n')
    .map((block) => block.split('\n'))
}

/** The chart's rows of price cells (after the axis), its marker row, and a liquidation row. */
function parts(chart: string[]) {
  const priceRows = chart
    .filter((line) => line.includes('┤'))
    .map((line) => line.slice(line.indexOf('┤') + 1))
  const marker = chart.find((line) => line.includes('●'))!.trim()
  const long = chart.find((line) => line.startsWith(' liq long'))
  return { priceRows, marker, long: long?.slice(11, long.lastIndexOf(' ')) }
}

describeReal('terminal charts of real hourly and minute files', () => {
  itReal(
    'CoinGlass hours: the first column has its price, the ends are marked, liquidations are hours wide',
    async () => {
      const charts = await chartsOf([
        realPath('coinglass_BTC_regime_1h_1y.csv'),
        realPath('coinglass_BTC_liquidation_10y_1h.csv'),
      ])
      expect(charts.length).toBeGreaterThan(3)
      for (const chart of charts) {
        const { priceRows, marker, long } = parts(chart)
        expect(priceRows.at(-1)![0], chart[0]).not.toBe(' ')
        expect(marker).toMatch(/^└─*●─*┘$/)
        // An hour covers several columns (at most 72 columns over the view): every bar of
        // liquidations is at least two columns wide, never a one-column spike between blanks.
        for (const run of long!.trim().split(/ +/)) expect(run.length, chart[0]).toBeGreaterThanOrEqual(2)
      }
    },
  )

  itReal(
    'Binance hours of September 2021: an end at the extreme is drawn (●┘), no blank lead-in',
    async () => {
      const charts = await chartsOf([realPath('BTCUSDT-1h-2021-09.csv')])
      const atExtreme = charts.find((chart) =>
        chart[0]!.startsWith('#6 BTC ▲ +7.44%  09-26 07:00 → 09:00, end 09:00'),
      )
      expect(atExtreme).toBeDefined()
      expect(parts(atExtreme!).marker).toMatch(/^└─*●┘$/)
      for (const chart of charts) {
        expect(parts(chart).priceRows.at(-1)![0], chart[0]).not.toBe(' ')
        expect(parts(chart).marker).toMatch(/^└─*●─*┘$/)
      }
    },
  )

  itReal('LINK minutes of February 2026: every chart marks start, extreme and end', async () => {
    const charts = await chartsOf([realPath('LINKUSDT-1m-2026-02.csv')])
    expect(charts.length).toBeGreaterThan(3)
    for (const chart of charts) expect(parts(chart).marker).toMatch(/^└─*●─*┘$/)
  })
})
