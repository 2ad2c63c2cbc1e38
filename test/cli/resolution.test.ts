// Issue 12 item 7: the words and notes fit the resolution of the data, and --within is honoured.
import { beforeAll, describe, expect, it } from 'vitest'
import { unitWord } from '../../src/analysis/figures.js'
import type { Report } from '../../src/analysis/report-types.js'
import { cascade, ensureBuilt } from '../helpers/cli.js'

const DAILY = 'fixtures/kraken-ohlcvt/XBTUSD_1440.csv'
const HOURLY = 'fixtures/wide-table/coinglass_BTC_regime_1h_1y.csv'

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
    // With a window a daily bar fits in, the May 2021 fall is called: 50,827.3 → 42,111.2 is −17.1 %.
    const wide = JSON.parse(
      (await cascade(['analyze', DAILY, '--within', '2880', '--json'])).stdout,
    ) as Report
    expect(wide.cascades.map((c) => [c.start, c.direction])).toEqual([['2021-05-15T00:00:00.000Z', 'down']])
    expect(wide.cascades[0]!.reasons[0]).toBe('price fell 17.1 % in 48 h 00 min (50827.3 → 42111.2)')
    expect(wide.warnings.some((w) => w.includes('longer than --within'))).toBe(false)
  })

  it('names a daily cell a day, not a "1d bucket"', () => {
    expect(unitWord(86_400_000)).toBe('day')
    expect(unitWord(3_600_000)).toBe('hour')
    expect(unitWord(300_000)).toBe('5m bucket')
  })
})
