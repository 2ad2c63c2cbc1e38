/**
 * Filters that select nothing (issue 12 item 8): `--market ETH` or `--from 2027-01-01` over inputs
 * that hold none of it say so on stderr and in the JSON warnings, naming the markets the inputs
 * hold and their time span, instead of a bare "No cascade found".
 */
import { beforeAll, describe, expect, it } from 'vitest'
import type { Report } from '../../src/analysis/report-types.js'
import { cascade, ensureBuilt } from '../helpers/cli.js'

const MAY_2021 = 'fixtures/scenarios/2021-05-19/'
const HOLD = 'the inputs hold binance BTC-USDT-PERP, from 2021-05-19 00:00 to 2021-05-19 23:59 UTC'

beforeAll(() => ensureBuilt())

describe('a filter that matches nothing', () => {
  it('analyze --market ETH: a warning on stderr naming what the inputs hold', async () => {
    const run = await cascade(['analyze', MAY_2021, '--market', 'ETH'])
    expect(run.code).toBe(0)
    expect(run.stderr).toContain(`cascade: warning: nothing matched --market ETH: ${HOLD}\n`)
    expect(run.stdout).toMatch(/No cascade found/)
  })

  it('analyze --from 2027-01-01 --json: the same words in warnings', async () => {
    const run = await cascade(['analyze', MAY_2021, '--from', '2027-01-01', '--json'])
    expect(run.code).toBe(0)
    const report = JSON.parse(run.stdout) as Report
    expect(report.warnings).toContain(`nothing matched --from 2027-01-01: ${HOLD}`)
    expect(report.cascades).toEqual([])
  })

  it('timeline and bars say it too', async () => {
    const [timeline, bars] = await Promise.all([
      cascade(['timeline', MAY_2021, '--exchange', 'bybit']),
      cascade(['bars', MAY_2021, '--to', '2021-01-01', '--market', 'BTC']),
    ])
    expect(timeline.stdout).toBe('')
    expect(timeline.stderr).toContain(`nothing matched --exchange bybit: ${HOLD}`)
    expect(bars.stderr).toContain(`nothing matched --market BTC --to 2021-01-01: ${HOLD}`)
  })

  it('a filter that matches something says nothing of the kind', async () => {
    const run = await cascade(['timeline', MAY_2021, '--market', 'BTC', '--from', '2021-05-19T23:59'])
    expect(run.stdout.length).toBeGreaterThan(0)
    expect(run.stderr).not.toContain('nothing matched')
  })
})
