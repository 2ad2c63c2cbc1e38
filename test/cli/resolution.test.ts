// Issue 12 item 7: the words and notes fit the resolution of the data, and --within is honoured.
import { beforeAll, describe, expect, it } from 'vitest'
import { unitWord } from '../../src/analysis/figures.js'
import type { Report } from '../../src/analysis/report-types.js'
import { cascade, ensureBuilt } from '../helpers/cli.js'
import { tempFile } from '../helpers/temp.js'

const DAILY = 'fixtures/kraken-ohlcvt/XBTUSD_1440.csv'
const HOURLY = 'fixtures/wide-table/coinglass_BTC_regime_1h_1y.csv'
const SCENARIO = 'fixtures/scenarios/2021-05-19/'

beforeAll(ensureBuilt)

describe('resolution in words', () => {
  it('notes the coarse figures without "the rest from 1-second bars" when no 1-second bars exist', async () => {
    const run = await cascade(['analyze', HOURLY])
    expect(run.code).toBe(0)
    expect(run.stdout).toContain('Resolution: liquidations 1h, openInterest 1h, price 1h\n')
    expect(run.stdout).not.toContain('1-second')
  })

  it('refuses a cascade inside bars longer than --within, and says why', async () => {
    const run = await cascade(['analyze', DAILY, '--json'])
    expect(run.code).toBe(0)
    const report = JSON.parse(run.stdout) as Report
    expect(report.cascades).toEqual([])
    expect(report.warnings).toContain(
      'BTC: price bars are 1d, longer than --within 60 min: a move inside one bar cannot be shown to ' +
        'be that fast, so no cascade is called; give finer bars or raise --within to 1440',
    )
    // With a window a daily bar fits in, the May 2021 fall is called: 50,827.3 → 42,111.2 is −17.15 %.
    const wide = JSON.parse(
      (await cascade(['analyze', DAILY, '--within', '2880', '--json'])).stdout,
    ) as Report
    expect(wide.cascades.map((c) => [c.start, c.direction])).toEqual([['2021-05-15T00:00:00.000Z', 'down']])
    expect(wide.cascades[0]!.reasons[0]).toBe('price fell 17.15 % in 48 h 00 min (50827.3 → 42111.2)')
    expect(wide.warnings.some((w) => w.includes('longer than --within'))).toBe(false)
  })

  it('keeps the 5-minute OI of 1-minute bars 5-minute through cascade bars and back', async () => {
    const bars = await cascade(['bars', SCENARIO, '--interval', '1m'])
    expect(bars.code).toBe(0)
    const [header, first] = bars.stdout.split('\n')
    expect(header!.split(',').slice(-2)).toEqual(['openInterestUsd', 'openInterestSamplingMs'])
    // 00:00 UTC: the first metrics row (74,868.98 BTC) at its 5-minute sampling.
    expect(first!.endsWith(',74868.98,3211879242,300000')).toBe(true)
    const path = await tempFile('bars-1m.csv', bars.stdout)
    const direct = JSON.parse((await cascade(['analyze', SCENARIO, '--json'])).stdout) as Report
    const reread = JSON.parse((await cascade(['analyze', path, '--json'])).stdout) as Report
    expect(direct.cascades.map((c) => c.resolution.openInterest)).toEqual(['5m', '5m'])
    expect(reread.cascades.map((c) => c.resolution)).toEqual([
      { price: '1m', volume: '1m', liquidations: '1m', openInterest: '5m' },
      { price: '1m', volume: '1m', liquidations: '1m', openInterest: '5m' },
    ])
    // Without the optional column (a DuckDB job's bars), the OI is taken at the bars' length.
    const plain = await tempFile(
      'bars-1m-plain.csv',
      bars.stdout
        .split('\n')
        .map((line) => line.split(',').slice(0, -1).join(','))
        .join('\n'),
    )
    const guessed = JSON.parse((await cascade(['analyze', plain, '--json'])).stdout) as Report
    expect(guessed.cascades.map((c) => c.resolution.openInterest)).toEqual(['1m', '1m'])
  })

  it('names a daily cell a day, not a "1d bucket"', () => {
    expect(unitWord(86_400_000)).toBe('day')
    expect(unitWord(3_600_000)).toBe('hour')
    expect(unitWord(300_000)).toBe('5m bucket')
  })
})
