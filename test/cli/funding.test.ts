/**
 * Funding beside cascades, as a user runs it: the 19 May 2021 reconstruction with Binance's real
 * BTCUSDT funding file of May 2021 (fixtures/binance-funding/). Rates set at 08:00 (0.00035813),
 * 16:00 (-0.00089697) and 20 May 00:00 (0.0001) UTC: the fall (09:06 → 13:22) had the 08:00 rate
 * before it and the 16:00 rate after; the rebound (13:21 → 21:01) ends before the 00:00 rate.
 * Then funding files alone and Coinalyze files alone, which must say what they lack.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Report } from '../../src/analysis/report-types.js'
import type { DailyReport } from '../../src/report/daily/types.js'
import { cascade, ensureBuilt } from '../helpers/cli.js'
import { itReal, realPath } from '../helpers/real.js'

const MAY_2021 = 'fixtures/scenarios/2021-05-19/'
const FUNDING = 'fixtures/binance-funding/BTCUSDT-fundingRate-2021-05.csv'
const SERIES = 'binance:BTC-USDT-PERP'

let tmp: string
beforeAll(() => {
  ensureBuilt()
  tmp = mkdtempSync(join(tmpdir(), 'cascade-funding-'))
})
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

describe('funding beside the 19 May 2021 cascades', () => {
  it('analyze --json: each cascade and episode carries the rate before and after', async () => {
    const run = await cascade(['analyze', MAY_2021, FUNDING, '--json'])
    expect(run.code).toBe(0)
    const report = JSON.parse(run.stdout) as Report
    const fall = { before: 0.00035813, after: -0.00089697, series: SERIES }
    const rebound = { before: 0.00035813, after: 0.0001, series: SERIES }
    expect(report.cascades.map((c) => [c.direction, c.start, c.end, c.funding])).toEqual([
      ['down', '2021-05-19T09:06:26.000Z', '2021-05-19T13:22:00.000Z', fall],
      ['up', '2021-05-19T13:21:30.000Z', '2021-05-19T21:01:02.000Z', rebound],
    ])
    expect(report.episodes.map((e) => e.funding)).toEqual([fall, rebound])
    expect(run.stderr).not.toMatch(/funding/)
  })

  it('without the funding file, funding is null', async () => {
    const report = JSON.parse((await cascade(['analyze', MAY_2021, '--json', '--quiet'])).stdout) as Report
    expect(report.cascades.map((c) => c.funding)).toEqual([null, null])
    expect(report.episodes.map((e) => e.funding)).toEqual([null, null])
  })

  it('the daily report shows it beside each cascade, in JSON, Markdown and HTML', async () => {
    const out = join(tmp, 'daily')
    const run = await cascade(['report', '--date', '2021-05-19', MAY_2021, FUNDING, '--out', out])
    expect(run.code).toBe(0)
    const read = (name: string) => readFileSync(join(out, '2021-05-19', name), 'utf8')
    const daily = JSON.parse(read('2021-05-19.json')) as DailyReport
    expect(daily.cascades.map((c) => c.funding?.after)).toEqual([-0.00089697, 0.0001])
    const fall = `funding +0.0358% before, -0.0897% after (${SERIES})`
    const rebound = `funding +0.0358% before, +0.0100% after (${SERIES})`
    for (const text of [read('2021-05-19.md'), read('2021-05-19.html')]) {
      expect(text).toContain(fall)
      expect(text).toContain(rebound)
    }
  })
})

describe('funding of February 2026 beside CoinGlass hourly BTC (real files)', () => {
  // Binance BTCUSDT rates: 5 Feb 08:00 0.00000298, 6 Feb 00:00 -0.00001597, 6 Feb 08:00 -0.00013688.
  // The fall (5 Feb 09:00 → 6 Feb 01:00) and the squeeze that starts on the 00:00 rate (at or
  // before the start counts as in force) both end before the 08:00 rate.
  itReal('gives the rate at or before the start and the first after the end', async () => {
    const run = await cascade([
      'analyze',
      realPath('coinglass_BTC_regime_1h_1y.csv'),
      realPath('peers/BTCUSDT-fundingRate-2026-02.csv'),
      '--from',
      '2026-02-05',
      '--to',
      '2026-02-07',
      '--json',
      '--quiet',
    ])
    const report = JSON.parse(run.stdout) as Report
    expect(report.cascades.map((c) => [c.id, c.end, c.funding])).toEqual([
      [
        'BTC-20260205T090000Z-down',
        '2026-02-06T01:00:00.000Z',
        { before: 0.00000298, after: -0.00013688, series: SERIES },
      ],
      [
        'BTC-20260206T000000Z-up',
        '2026-02-06T03:00:00.000Z',
        { before: -0.00001597, after: -0.00013688, series: SERIES },
      ],
    ])
  })
})

describe('inputs that cannot make a cascade on their own say so', () => {
  it('funding files alone: the rates are read, but prices are needed', async () => {
    const run = await cascade(['analyze', 'fixtures/binance-funding/'])
    expect(run.code).toBe(0)
    // Notes are wrapped to the terminal's width (80 when piped): read them as one line each.
    run.stderr = run.stderr.replace(/\n {2}/g, ' ')
    expect(run.stderr).toContain('BTC: no prices (trades or klines), so no cascade can be detected')
    expect(run.stderr).toContain(
      'BTC: 93 funding rates read (binance:BTC-USDT-PERP), but funding is shown only beside a cascade: ' +
        'add trades or klines of the same market covering the same time',
    )
    expect(run.stderr).toContain('AXS: 20 funding rates read (binance:AXS-USDT-PERP)')
  })

  it('Coinalyze liquidations alone: their base units need a price series', async () => {
    const run = await cascade(['analyze', 'fixtures/coinalyze-liquidations/', '--json'])
    expect(run.code).toBe(0)
    const report = JSON.parse(run.stdout) as Report
    expect(report.warnings).toContain(
      'binance:BTC-USDT-PERP: 10 liquidation buckets in base units (coins, as Coinalyze writes them) ' +
        'need a price series of the same market to be valued in USD: add trades or klines covering the same time',
    )
    expect(report.warnings.join('\n')).toMatch(
      /okx:BTC-USDT-PERP: 1 liquidation bucket in base units .* needs a price/,
    )
  })
})
