import { readFileSync } from 'node:fs'
/**
 * `cascade analyze` as a user runs it: on the shipped reconstruction of 19 May 2021 (the README's
 * first command), on the real files in ../shared/real, and on trades alone. Golden files hold the
 * table, JSON, NDJSON, CSV and Markdown; the figures themselves are asserted too.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import type { Report } from '../../src/analysis/report-types.js'
import { cascade, ensureBuilt, type Run } from '../helpers/cli.js'
import { expectGolden } from '../helpers/golden.js'
import { describeReal, REAL } from '../helpers/real.js'

const MAY_2021 = 'fixtures/scenarios/2021-05-19/'
const json = (run: Run) => JSON.parse(run.stdout) as Report

beforeAll(() => ensureBuilt())

describe('cascade analyze on the 19 May 2021 reconstruction', () => {
  let table: Run
  let report: Report
  beforeAll(async () => {
    ;[table, report] = await Promise.all([
      cascade(['analyze', MAY_2021]),
      cascade(['analyze', MAY_2021, '--json']).then(json),
    ])
  })

  it('shows the crash as a down cascade in two waves, its low within minutes of the planted low', () => {
    expect(table.code).toBe(0)
    const crash = report.cascades.find((c) => c.direction === 'down')!
    expect(crash.waves).toBe(2)
    // Planted low: 30,000.0 at 13:21:30.250 UTC (fixtures/scenarios/README.md).
    expect(crash.price.extreme).toBe(30000)
    expect(Math.abs(Date.parse(crash.extreme) - Date.parse('2021-05-19T13:21:30.250Z'))).toBeLessThan(
      5 * 60_000,
    )
    expect(crash.liquidations!.longUsd / crash.liquidations!.usd).toBeGreaterThan(0.85)
    expect(crash.openInterest!.drawdownBasePct).toBeGreaterThan(10)
    expect(crash.reasons.join(' ')).toMatch(/price fell/)
  })

  it('writes the table (80 columns, no colour when piped) and the report on stderr', () => {
    expectGolden('analyze-2021-05-19.txt', table.stdout)
    expect(table.stdout).not.toContain('\u001b[')
    for (const line of table.stdout.split('\n')) expect([...line].length).toBeLessThanOrEqual(80)
    expect(table.stderr).toMatch(/171,725 rows from 3 inputs/)
    expect(table.stderr).toMatch(/lower bounds/)
  })

  it('writes the JSON contract, byte-identical across runs', async () => {
    const again = await cascade(['analyze', MAY_2021, '--json'])
    expect(again.stdout).toBe(`${JSON.stringify(report, null, 2)}\n`)
    expect(report.schema).toBe('cascade.report/2')
    expect(
      report.inputs.map((i) => [
        i.source,
        i.rows,
        i.events + i.duplicates + i.badRows + i.skipped + i.superseded + i.suspect,
      ]),
    ).toEqual(report.inputs.map((i) => [i.source, i.rows, i.rows]))
    expectGolden('analyze-2021-05-19.json', again.stdout)
  })

  it('writes NDJSON, CSV and Markdown of the same cascades', async () => {
    const [ndjson, csv, md] = await Promise.all(
      ['--ndjson', '--csv', '--md'].map((flag) => cascade(['analyze', MAY_2021, flag])),
    )
    const lines = ndjson.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
    expect(lines).toEqual(report.cascades)
    expect(csv.stdout.split('\n')[0]).toMatch(/^id,market,direction,start,extreme,end/)
    expect(csv.stdout.trim().split('\n')).toHaveLength(report.cascades.length + 1)
    expectGolden('analyze-2021-05-19.csv', csv.stdout)
    expectGolden('analyze-2021-05-19.md', md.stdout)
  })

  it('--exit-code exits 3 when a cascade is found, 0 when none is', async () => {
    const found = await cascade(['analyze', MAY_2021, '--ndjson', '--exit-code'])
    expect(found.code).toBe(3)
    const none = await cascade(['analyze', MAY_2021, '--ndjson', '--exit-code', '--min-move', '60'])
    expect(none.code).toBe(0)
    expect(none.stdout).toBe('')
  })

  it('refuses two output formats and bad detector options with exit 2', async () => {
    const two = await cascade(['analyze', MAY_2021, '--json', '--csv'])
    expect(two.code).toBe(2)
    expect(two.stdout).toBe('')
    const bad = await cascade(['analyze', MAY_2021, '--rebound', '1.5'])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toMatch(/--rebound/)
  })
})

describeReal('cascade analyze on the real freqtrade file of May 2021 (no options)', () => {
  it('finds the 19 May crash as one down episode into 1,888.00 at 13:10, in two legs or more', async () => {
    const run = await cascade(['analyze', `${REAL}/may2021/ETH_USDT-1m.json`, '--json'])
    expect(run.code).toBe(0)
    const report = json(run)
    const crash = report.episodes.find(
      (e) => e.direction === 'down' && e.extreme === '2021-05-19T13:10:00.000Z',
    )!
    expect(crash.price.extreme).toBe(1888)
    expect(crash.start <= '2021-05-19T12:10:00.000Z').toBe(true)
    expect(crash.price.movePct).toBeLessThanOrEqual(-30)
    expect(crash.cascades.length).toBeGreaterThanOrEqual(2)
    const others = report.episodes.filter(
      (e) =>
        e.direction === 'down' &&
        e.id !== crash.id &&
        e.extreme >= '2021-05-19T11:00:00.000Z' &&
        e.extreme <= '2021-05-19T14:00:00.000Z',
    )
    expect(others).toEqual([])
  })

  it('the table shows the crash as one episode with its legs under it, and no leg of "0s"', async () => {
    const run = await cascade([
      'analyze',
      `${REAL}/may2021/ETH_USDT-1m.json`,
      '--from',
      '2021-05-19T10:00',
      '--to',
      '2021-05-19T13:30',
    ])
    expect(run.code).toBe(0)
    const lines = run.stdout.split('\n')
    const header = lines.findIndex((line) =>
      /^ETH ▼ episode 05-19 \d\d:\d\d → 13:10 +-3\d\.\d\d% in \d+ legs:/.test(line),
    )
    expect(header).toBeGreaterThan(0)
    expect(lines[header + 1]).toMatch(/^ETH ▼ /)
    expect(lines.slice(header + 1).find((line) => line.includes(' 12:04 12:54 '))).toMatch(/-29\.33%/)
    expect(run.stdout).not.toMatch(/ 0s /)
  })
})

describeReal('cascade analyze on the real February 2026 files', () => {
  it('finds the LTC down cascade into the real low of 45.00 at 2026-02-06 00:20 UTC', async () => {
    const report = json(await cascade(['analyze', `${REAL}/LTCUSDT-1m-2026-02.csv`, '--json']))
    const low = report.cascades.find((c) => c.extreme === '2026-02-06T00:20:00.000Z')!
    expect(low.direction).toBe('down')
    expect(low.price.extreme).toBe(45)
    // No liquidation file: in /2 still an object, with nothing recorded and nothing made up.
    expect(low.liquidations).toMatchObject({
      usd: null,
      observedUsd: null,
      regime: 'absent',
      estimatedUsd: null,
    })
    expect(low.resolution.price).toBe('1m')
  })

  it('reads the two CoinGlass exports together: hourly liquidations and OI, no double counting', async () => {
    const run = await cascade([
      'analyze',
      `${REAL}/coinglass_BTC_liquidation_10y_1h.csv`,
      `${REAL}/coinglass_BTC_regime_1h_1y.csv`,
      `${REAL}/LTCUSDT-1m-2026-02.csv`,
      `${REAL}/LINKUSDT-1m-2026-02.csv`,
      '--json',
    ])
    expect(run.code).toBe(0)
    const report = json(run)
    expect(report.markets.map((m) => m.market)).toEqual(['BTC', 'LINK', 'LTC'])
    const btc = report.cascades.find((c) => c.market === 'BTC' && c.price.extreme === 60000)!
    expect(btc.direction).toBe('down')
    expect(btc.extreme).toBe('2026-02-06T00:00:00.000Z')
    expect(btc.resolution).toMatchObject({ price: '1h', liquidations: '1h', openInterest: '1h' })
    // Both files are `coinglass:BTC-USD-AGG`: each hour takes the file with the larger total
    // (long + short), never their sum. In this window the two differ in 8 hours: 7 won by the
    // export, 2026-02-05 17:00 by the table (long 19,785,157.85 against 19,785,067.85).
    const hourly = (name: string, long: string, short: string) => {
      const [header, ...rows] = readFileSync(`${REAL}/${name}`, 'utf8').trim().split('\n')
      const columns = header!.split(',')
      const [l, s] = [columns.indexOf(long), columns.indexOf(short)]
      return new Map(
        rows.map((row) => [Number(row.split(',')[0]), [+row.split(',')[l]!, +row.split(',')[s]!]]),
      )
    }
    const regime = hourly('coinglass_BTC_regime_1h_1y.csv', 'liquidation_long_usd', 'liquidation_short_usd')
    const exported = hourly('coinglass_BTC_liquidation_10y_1h.csv', 'longUsd', 'shortUsd')
    let larger = 0
    let summed = 0
    for (let t = Date.parse(btc.start); t <= Date.parse(btc.extreme); t += 3_600_000) {
      const [a, b] = [regime.get(t) ?? [0, 0], exported.get(t) ?? [0, 0]]
      larger += (a[0]! + a[1]! > b[0]! + b[1]! ? a : b)[0]!
      summed += a[0]! + b[0]!
    }
    expect(btc.liquidations!.longUsd).toBeCloseTo(larger, 1)
    expect(Math.round(larger)).toBe(449958072)
    expect(btc.liquidations!.longUsd).toBeLessThan(summed * 0.75)
    expect(btc.liquidations!.longUsd).toBeGreaterThan(btc.liquidations!.shortUsd)
    expect(btc.openInterest!.drawdownPct).toBeGreaterThan(0)
    expect(report.cascades.some((c) => c.market === 'LINK' && c.price.extreme === 7.117)).toBe(true)
  })
})

describe('cascade analyze on trades alone', () => {
  it('needs no options; liquidations and OI are null and the table says why', async () => {
    const path = 'fixtures/scenarios/2021-05-19/BTCUSDT-aggTrades-2021-05-19.zip'
    const [table, run] = await Promise.all([cascade(['analyze', path]), cascade(['analyze', path, '--json'])])
    const report = json(run)
    expect(report.cascades.length).toBeGreaterThan(0)
    for (const c of report.cascades) {
      expect(c.liquidations).toMatchObject({
        usd: null,
        observedUsd: null,
        regime: 'absent',
        oiImplied: null,
      })
      expect(c.openInterest).toBeNull()
    }
    expect(table.stdout).toMatch(/no liquidation data in the inputs/)
    expect(report.warnings.join('\n')).toMatch(/liquidation figures need liquidation files/)
  })
})
