// Issue 12 item 7: the words and notes fit the resolution of the data, and --within is honoured.
import { beforeAll, describe, expect, it } from 'vitest'
import { unitWord } from '../../src/analysis/figures.js'
import type { Report } from '../../src/analysis/report-types.js'
import { cascade, ensureBuilt } from '../helpers/cli.js'
import { describeReal, itReal, realPath } from '../helpers/real.js'
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
    // Daily bars know no minutes: "2 days", not "48 h 00 min".
    expect(wide.cascades[0]!.reasons[0]).toBe('price fell 17.15 % in 2 days (50,827.3 → 42,111.2)')
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

describe('reasons name the baseline actually used (issue 12 item 5)', () => {
  it('without the day before, the baseline is the hours of the day before the cascade, and says so', async () => {
    const report = JSON.parse((await cascade(['analyze', SCENARIO, '--json'])).stdout) as Report
    // The files begin at 00:00; the fall starts at 09:06:26, the squeeze at 13:21:30.
    expect(report.cascades[0]!.reasons).toContain(
      'volume 24.1× the median minute of the previous 9 h 06 min (the data begin there)',
    )
    expect(report.cascades[1]!.reasons[1]).toBe(
      'short liquidations $217k in the peak minute; the median minute of the previous 13 h 22 min ' +
        '(the data begin there) had none',
    )
    expect(report.cascades.flatMap((c) => c.reasons).join(' ')).not.toContain('previous 24 h')
  })

  it('--from 2021-05-19T12:00: the data before it, and no multiple below 1 given as a reason', async () => {
    const report = JSON.parse(
      (await cascade(['analyze', SCENARIO, '--from', '2021-05-19T12:00', '--json'])).stdout,
    ) as Report
    // Less than an hour before the fall: the minutes outside it stand in ("of the data").
    expect(report.cascades[0]!.reasons).toContain('volume 68.1× the median minute of the data')
    expect(report.cascades[1]!.reasons[1]).toMatch(
      /the median minute of the previous 82 min \(the data begin there\)/,
    )
    for (const reason of report.cascades.flatMap((c) => c.reasons)) expect(reason).not.toMatch(/ 0\.\d+×/)
  })
})

describeReal('words that fit daily and hourly bars (real files)', () => {
  itReal(
    'Kraken daily bars with --within 1440: "the previous day", "within one day", whole days',
    async () => {
      const report = JSON.parse(
        (await cascade(['analyze', realPath('peers/XBTUSD_1440.csv'), '--within', '1440', '--json'])).stdout,
      ) as Report
      const reasons = report.cascades.flatMap((c) => c.reasons)
      expect(report.cascades[0]!.reasons.slice(0, 2)).toEqual([
        'price fell 5.90 % in 24 h (146.14 → 137.52)',
        'volume 3.02× the previous day',
      ])
      const inside = report.cascades.find((c) => c.withinBarMs !== null)!
      expect(inside.reasons[0]).toMatch(/^price (fell|rose) \d+\.\d\d % within one day \(/)
      expect(reasons.join(' ')).not.toMatch(/1d bar|1d bucket|median day|h 00 min/)
    },
  )

  itReal('CoinGlass hours: a counter-move is undercut within the next hour, not "within 5 min"', async () => {
    const report = JSON.parse(
      (await cascade(['analyze', realPath('coinglass_BTC_regime_1h_1y.csv'), '--json'])).stdout,
    ) as Report
    const reasons = report.cascades.flatMap((c) => c.reasons)
    expect(reasons).toContain(
      'a counter-move of 2.94 % at 16:00 UTC was undercut within 60 min, so it is part of this leg',
    )
    expect(reasons.join(' ')).not.toContain('within 5 min')
  })
})
