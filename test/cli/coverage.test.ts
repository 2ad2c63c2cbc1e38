/**
 * Each summary figure says which span it covers (issue 12 item 2): CoinGlass hours of 2025–26
 * beside two hours of 2020 trades give a volume of those two hours, and the summary says so in the
 * table, the Markdown and the JSON (`markets[].coverage`). A figure no input covers in a cascade's
 * window is null there, for the market and for each venue, and has no resolution.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import type { MarketSummary, Report } from '../../src/analysis/report-types.js'
import { renderMarkdown } from '../../src/report/markdown.js'
import { narrowerSpans, renderTable } from '../../src/report/table.js'
import { cascade, ensureBuilt } from '../helpers/cli.js'
import { describeReal, itReal, realPath } from '../helpers/real.js'

const HOURS = 'fixtures/wide-table/coinglass_BTC_regime_1h_1y.csv'
const TRADES = 'fixtures/tardis-trades/binance-futures_trades_2020-02-22_BTCUSDT.csv.gz'

beforeAll(() => ensureBuilt())

/** The checks every run of hourly CoinGlass data beside far-away trades must pass. */
function expectWindowsWithoutTrades(report: Report): void {
  expect(report.cascades.length).toBeGreaterThan(0)
  for (const x of report.cascades) {
    expect(x.volume).toEqual({
      base: null,
      quoteUsd: null,
      takerBuyUsd: null,
      takerSellUsd: null,
      trades: null,
      baselineMultiple: null,
    })
    // The venue of the trades has nothing in this window either: null, not $0.
    const binance = x.venues.find((venue) => venue.series === 'binance:BTC-USDT-PERP')!
    expect(binance.volumeUsd).toBeNull()
    expect(binance.liquidationsUsd).toBeNull()
    expect(x.resolution).toEqual({ price: '1h', liquidations: '1h', openInterest: '1h' })
  }
}

describe('the span of each summary figure (fixtures)', () => {
  it('JSON: coverage per figure; the volume is of the three seconds of 2020 trades', async () => {
    const run = await cascade(['analyze', HOURS, TRADES, '--json'])
    expect(run.code).toBe(0)
    const report = JSON.parse(run.stdout) as Report
    const [btc] = report.markets
    // Trades at 00:00:02.111 … 00:00:05.752 fill the seconds 00:00:02 … 00:00:05; the table's nine
    // hours open at 2026-02-05 18:00 … 2026-02-06 02:00.
    expect(btc!.coverage).toEqual({
      price: { from: '2026-02-05T18:00:00.000Z', to: '2026-02-06T02:00:00.000Z' },
      volume: { from: '2020-02-22T00:00:02.000Z', to: '2020-02-22T00:00:05.000Z' },
      liquidations: { from: '2026-02-05T18:00:00.000Z', to: '2026-02-06T02:00:00.000Z' },
      openInterest: { from: '2026-02-05T18:00:00.000Z', to: '2026-02-06T02:00:00.000Z' },
    })
    expect([btc!.first, btc!.last]).toEqual(['2020-02-22T00:00:02.000Z', '2026-02-06T02:00:00.000Z'])
    expectWindowsWithoutTrades(report)
  })

  it('table and Markdown name the span of each figure narrower than the market', async () => {
    const run = await cascade(['analyze', HOURS, TRADES])
    expect(run.stdout).toContain('  volume $28.3k, only 2020-02-22 00:00 → 00:00\n')
    expect(run.stdout).toMatch(/\(high 66,637\.46 at 2026-02-05 19:00, low 60,000 at\s+2026-02-06 00:00\)/)
    expect(run.stdout).toContain(', only 2026-02-05 18:00 → 2026-02-06 02:00\n')
    expect(run.stdout).toContain('  open interest only 2026-02-05 18:00 → 2026-02-06 02:00\n')
    // No figure of these cascades came from the 1-second bars of the trades.
    expect(run.stdout).toContain('Resolution: liquidations 1h, openInterest 1h, price 1h\n')
    const md = await cascade(['analyze', HOURS, TRADES, '--md'])
    expect(md.stdout).toContain(
      '- BTC: prices from 2026-02-05 18:00 to 2026-02-06 02:00; volume from 2020-02-22 00:00 to ' +
        '2020-02-22 00:00; liquidations from 2026-02-05 18:00 to 2026-02-06 02:00; open interest from ' +
        '2026-02-05 18:00 to 2026-02-06 02:00',
    )
  })
})

describe('which spans are named', () => {
  const market: MarketSummary = {
    market: 'BTC',
    series: ['binance:BTC-USDT-PERP'],
    first: '2021-05-19T00:00:00.000Z',
    last: '2021-05-19T23:59:00.000Z',
    open: 1,
    high: 1,
    highAt: '2021-05-19T00:00:00.000Z',
    low: 1,
    lowAt: '2021-05-19T00:00:00.000Z',
    close: 1,
    volumeUsd: 1,
    liqLongUsd: 1,
    liqShortUsd: 1,
    coverage: {
      price: { from: '2021-05-19T00:00:00.000Z', to: '2021-05-19T23:59:00.000Z' },
      // A feed's first record at 00:06 and metrics up to 23:55: the same span, not worth a word.
      liquidations: { from: '2021-05-19T00:06:00.000Z', to: '2021-05-19T23:58:00.000Z' },
      openInterest: { from: '2021-05-19T00:00:00.000Z', to: '2021-05-19T23:55:00.000Z' },
      // Funding up to 16:00 misses eight hours of the day.
      funding: { from: '2021-05-19T00:00:00.000Z', to: '2021-05-19T16:00:00.000Z' },
    },
  }

  it('a figure missing more than an hour (and 1 % of the span) at an end', () => {
    expect(Object.keys(narrowerSpans(market))).toEqual(['funding'])
    const report = { markets: [market], cascades: [], params: {} } as unknown as Report
    expect(renderTable(report, { color: false })).toContain('  funding rates only 2021-05-19 00:00 → 16:00\n')
    const md = renderMarkdown({
      ...report,
      warnings: [],
      badRows: { total: 0, byCode: {}, samples: [] },
      suspectPrints: { total: 0, samples: [] },
    })
    expect(md).toContain('- BTC: funding rates from 2021-05-19 00:00 to 2021-05-19 16:00\n')
  })
})

describeReal('the issue’s command: CoinGlass hours of 2025–26 and two hours of 2020 trades', () => {
  const paths = [
    realPath('coinglass_BTC_regime_1h_1y.csv'),
    realPath('peers/nautilus_trader_tardis_trades.csv'),
  ]

  itReal('the volume is of 2020-02-22 00:00:02 → 02:05:47 and says so; 2026 windows have none', async () => {
    const run = await cascade(['analyze', ...paths, '--json'])
    expect(run.code).toBe(0)
    const report = JSON.parse(run.stdout) as Report
    const [btc] = report.markets
    expect(btc!.coverage!.volume).toEqual({
      from: '2020-02-22T00:00:02.000Z',
      to: '2020-02-22T02:05:47.000Z',
    })
    expect(btc!.coverage!.price).toEqual({ from: '2025-12-04T06:00:00.000Z', to: '2026-06-02T05:00:00.000Z' })
    expect(btc!.volumeUsd).toBe(38968735.97)
    expectWindowsWithoutTrades(report)
    const table = await cascade(['analyze', ...paths])
    expect(table.stdout).toContain('  volume $39M, only 2020-02-22 00:00 → 02:05\n')
    expect(table.stdout).toMatch(/\), only 2025-12-04 06:00 → 2026-06-02 05:00\n/)
    expect(table.stdout).not.toContain('1-second')
  })
})
