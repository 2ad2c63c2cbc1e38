/**
 * Every view of a figure agrees (issue "every figure agrees with every other"): one rounding per
 * kind of figure in every output, prices with their own digits, no float noise in JSON, one sign
 * rule for open interest, and tables that say what a reader needs.
 */
import { describe, expect, it } from 'vitest'
import type { Cascade, Report } from '../../src/analysis/report-types.js'
import { oiDrawdownChange, pct, price } from '../../src/report/format.js'
import { renderJson, withoutFloatNoise } from '../../src/report/json.js'
import { renderMarkdown } from '../../src/report/markdown.js'
import { renderTable, wrap } from '../../src/report/table.js'
import { cascade as run } from '../helpers/cli.js'
import { describeReal, itReal, realPath } from '../helpers/real.js'

function cascadeAt(start: string, movePct: number, n = 0): Cascade {
  return {
    id: `LINK-${n}`,
    market: 'LINK',
    direction: movePct < 0 ? 'down' : 'up',
    start,
    extreme: start,
    end: start,
    durationSec: 60,
    window: { from: start, to: start },
    withinBarMs: null,
    price: { start: 10, extreme: 8.67504, end: 9, movePct, reboundPct: 20 },
    speed: { pctPerMin: 1, timeToExtremeSec: 60, max1mPct: null, max5mPct: null, max15mPct: null },
    volume: {
      base: null,
      quoteUsd: null,
      takerBuyUsd: null,
      takerSellUsd: null,
      trades: null,
      baselineMultiple: null,
    },
    liquidations: null,
    openInterest: {
      startUsd: 1,
      minUsd: 1,
      drawdownUsd: 0,
      drawdownPct: 38.2,
      startBase: null,
      minBase: null,
      drawdownBasePct: null,
    },
    waves: 1,
    venues: [],
    reasons: [`price fell ${Math.abs(movePct).toFixed(2)} % in 1 min (10 → 8.67504)`],
    resolution: { price: '1m' },
    episode: null,
  }
}

function reportOf(cascades: Cascade[]): Report {
  return {
    schema: 'cascade.report/2',
    tool: { name: 'cascade', version: 'test' },
    params: {},
    inputs: [],
    skippedFiles: [],
    markets: [
      {
        market: 'LINK',
        series: ['binance:LINK-USDT-PERP'],
        first: '2025-12-31T00:00:00.000Z',
        last: '2026-02-28T23:59:00.000Z',
        open: 12.5,
        high: 13,
        highAt: '2026-01-02T10:00:00.000Z',
        low: 7.117,
        lowAt: '2026-02-06T00:19:00.000Z',
        close: 8.9,
        volumeUsd: null,
        liqLongUsd: null,
        liqShortUsd: null,
        priceSeries: 'binance:LINK-USDT-PERP',
        resolution: {},
      },
    ],
    cascades,
    episodes: [],
    events: [],
    badRows: { total: 0, byCode: {}, samples: [] },
    suspectPrints: { total: 0, samples: [] },
    warnings: [],
  } as unknown as Report
}

describe('one figure, one rounding', () => {
  it('a move of −13.25 % (JSON, rounded once from −13.2496) reads −13.25 % in the table, Markdown and reasons', () => {
    const report = reportOf([cascadeAt('2026-02-05T23:32:00.000Z', -13.25)])
    expect(JSON.parse(renderJson(report)).cascades[0].price.movePct).toBe(-13.25)
    expect(renderTable(report, { color: false })).toContain('-13.25%')
    expect(renderTable(report, { color: false })).not.toContain('-13.3%')
    expect(renderMarkdown(report)).toContain('-13.25%')
    expect(report.cascades[0]!.reasons[0]).toContain('13.25 %')
  })

  it('JSON carries no float noise, and keeps every digit a double holds exactly', () => {
    expect(JSON.stringify({ x: 214.49974999999998 }, withoutFloatNoise)).toBe('{"x":214.49975}')
    expect(JSON.stringify({ x: 0.1 + 0.2 }, withoutFloatNoise)).toBe('{"x":0.3}')
    expect(JSON.stringify({ x: 1630454400000, y: 0.00002853, z: 42187.6 }, withoutFloatNoise)).toBe(
      '{"x":1630454400000,"y":0.00002853,"z":42187.6}',
    )
  })

  it('open interest is a signed change everywhere: −38.20 %', () => {
    const report = reportOf([cascadeAt('2026-02-05T23:32:00.000Z', -13.25)])
    expect(oiDrawdownChange(report.cascades[0]!.openInterest)).toBe('-38.20%')
    expect(renderTable(report, { color: false })).toContain('-38.20%')
    expect(renderMarkdown(report)).toContain('-38.20%')
    expect(pct(30.154, false)).toBe('30.15%')
  })
})

describe('prices keep their digits', () => {
  it('ADA-BTC, PEPE-sized and large prices', () => {
    expect([price(0.00002853), price(0.00002821), price(0.00000123), price(42187.6), price(1888)]).toEqual([
      '0.00002853',
      '0.00002821',
      '0.00000123',
      '42,187.6',
      '1,888',
    ])
  })

  it('the real ADA-BTC minutes: 0.00002853 → …, and a note that names BTC as the quote', async () => {
    const result = await run(['analyze', 'fixtures/binance-klines/ADABTC-1m-2021-11-27.csv'])
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(/price 0\.00002853 → 0\.0000\d+ \(high 0\.0000\d+ at \d\d:\d\d, low/)
    expect(result.stderr).toMatch(/prices are in BTC, not\s+dollars/)
    expect(result.stderr).toMatch(/moves against\s+BTC/)
  })
})

describe('tables', () => {
  it('dates carry the year when cascades fall in different UTC years; the summary gives the times of high and low', () => {
    const table = renderTable(
      reportOf([cascadeAt('2025-12-31T23:00:00.000Z', -6), cascadeAt('2026-01-01T01:00:00.000Z', 7, 1)]),
      { color: false },
    )
    expect(table).toContain('2025-12-31 23:00')
    expect(table).toContain('2026-01-01 01:00')
    // The market's span crosses a year too: the times of high and low carry theirs.
    expect(table).toMatch(/high 13 at 2026-01-02 10:00, low 7\.117 at\s+2026-02-06 00:19/)
    expect(table.startsWith('LINK')).toBe(true)
  })

  it('numbered items from 10 up stay aligned, and "60 %" is never split across lines', () => {
    const many = Array.from({ length: 11 }, (_, i) =>
      cascadeAt(`2026-02-${String(i + 1).padStart(2, '0')}T00:00:00.000Z`, -6, i),
    )
    const text = renderTable(reportOf(many), { color: false })
    const items = text.split('\n').filter((line) => /^\d+\.\s+LINK/.test(line))
    expect(items).toHaveLength(11)
    for (const item of items) expect(item.indexOf('LINK')).toBe(4)
    const words = `${'x '.repeat(38)}60 % of it`
    for (const line of wrap(words, 80, '', '  ')) expect(line.trimStart().startsWith('%')).toBe(false)
  })

  it('a market without prices has no "price n/a → n/a" line', () => {
    const report = reportOf([])
    report.markets[0] = {
      ...report.markets[0]!,
      open: null,
      high: null,
      low: null,
      close: null,
      highAt: null,
      lowAt: null,
    }
    const table = renderTable(report, { color: false })
    expect(table).not.toContain('price n/a')
    expect(table).toContain('no prices')
  })
})

describeReal('one rounding on the real LINK and LTC minutes of February 2026', () => {
  itReal(
    'each move, OI change and multiple reads the same in JSON, table, Markdown and reasons',
    async () => {
      const files = [realPath('LINKUSDT-1m-2026-02.csv'), realPath('LTCUSDT-1m-2026-02.csv')]
      const [json, table, md] = await Promise.all([
        run(['analyze', ...files, '--json']),
        run(['analyze', ...files]),
        run(['analyze', ...files, '--md']),
      ])
      const report = JSON.parse(json.stdout) as Report
      expect(report.cascades.length).toBeGreaterThan(5)
      for (const x of report.cascades) {
        // Two decimals in the JSON, the same two everywhere else (the table's −13.3 % is gone).
        expect(Math.round(x.price.movePct * 100) / 100).toBe(x.price.movePct)
        const move = pct(x.price.movePct)
        expect(table.stdout).toContain(` ${move} `)
        expect(md.stdout).toContain(`| ${move} |`)
        expect(x.reasons[0]).toContain(` ${Math.abs(x.price.movePct).toFixed(2)} % `)
        // A multiple of the baseline: three significant digits in the JSON and in the words.
        const multiple = x.volume.baselineMultiple
        if (multiple !== null && multiple >= 1) {
          expect(Number(multiple.toPrecision(3))).toBe(multiple)
          expect(x.reasons.join('; ')).toContain(
            `volume ${multiple.toLocaleString('en-US')}× the median minute`,
          )
        }
      }
    },
  )

  itReal(
    'stderr: the notes and the closing count fit 80 columns; bad rows and warnings stay one line',
    async () => {
      const files = [realPath('Binance_ETHUSDT_1h.csv'), realPath('coinglass_BTC_regime_1h_1y.csv')]
      const { stderr } = await run(['analyze', ...files])
      const lines = stderr.trimEnd().split('\n')
      expect(lines.some((line) => line.startsWith('cascade: note: '))).toBe(true)
      expect(lines.at(-1)).toMatch(/^ {2}\S/) // the closing count went on to a second line
      for (const line of lines) {
        if (/^\S+:\d+: [A-Z_]+ /.test(line) || line.startsWith('cascade: warning: ')) continue
        expect(line.length, line).toBeLessThanOrEqual(80)
      }
    },
  )
})
