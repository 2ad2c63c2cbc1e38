/**
 * `cascade sources [--explain FILE]`: golden output. The list grows with every source added:
 * rewrite the goldens with UPDATE_GOLDEN=1 and review the diff.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { SOURCES } from '../../src/sources/index.js'
import { cascade, ensureBuilt } from '../helpers/cli.js'
import { expectGolden } from '../helpers/golden.js'

beforeAll(() => {
  ensureBuilt()
})

describe('cascade sources', () => {
  it('lists every source within 80 columns, each title under its id (golden)', async () => {
    const run = await cascade(['sources'], { env: { COLUMNS: '80' } })
    expect(run.code).toBe(0)
    expect(run.stderr).toBe('')
    const lines = run.stdout.trimEnd().split('\n')
    expect(lines.filter((l) => !l.startsWith(' ')).map((l) => l.split(/\s+/)[0])).toEqual(
      SOURCES.map((s) => s.id),
    )
    for (const line of lines) expect([...line].length).toBeLessThanOrEqual(80)
    expectGolden('sources.txt', run.stdout)
  })

  it('fits a narrower terminal, and uses one line per source where that fits', async () => {
    const narrow = await cascade(['sources'], { env: { COLUMNS: '50' } })
    const lines = narrow.stdout.trimEnd().split('\n')
    for (const line of lines) expect([...line].length).toBeLessThanOrEqual(50)
    expect(lines.filter((l) => !l.startsWith(' ')).map((l) => l.split(/\s+/)[0])).toEqual(
      SOURCES.map((s) => s.id),
    )
    const wide = await cascade(['sources'], { env: { COLUMNS: '200' } })
    expect(
      wide.stdout
        .trimEnd()
        .split('\n')
        .map((l) => l.split(/\s+/)[0]),
    ).toEqual(SOURCES.map((s) => s.id))
  })

  it('--explain names the claiming source and what the others need (golden)', async () => {
    const run = await cascade([
      'sources',
      '--explain',
      'fixtures/binance-metrics/BTCUSDT-metrics-2021-05-19.csv',
    ])
    expect(run.code).toBe(0)
    expect(run.stderr).toBe('')
    expect(run.stdout).toContain('claimed by binance-metrics: no header; 8 fields create_time')
    expectGolden('sources-explain-metrics.txt', run.stdout)
  })

  it('--explain looks inside a zip, member by member', async () => {
    const run = await cascade([
      'sources',
      '--explain',
      'fixtures/binance-aggtrades/BTCUSDT-aggTrades-2021-05-20_21.zip',
    ])
    expect(run.code).toBe(0)
    expect(run.stdout.match(/claimed by binance-aggtrades/g)).toHaveLength(2)
    expect(run.stdout).toContain('BTCUSDT-aggTrades-2021-05-20_21.zip/BTCUSDT-aggTrades-2021-05-21.csv')
  })

  it('--explain on a file nobody claims says how to force one; exit 0', async () => {
    const run = await cascade(['sources', '--explain', 'fixtures/bad/prices.csv'])
    expect(run.code).toBe(0)
    expect(run.stdout).toContain('claimed by no source: force one with --source ID')
    expect(run.stdout).toContain('first line: "date,close"')
  })

  it('--explain on a truncated zip: exit 2, one line', async () => {
    const run = await cascade(['sources', '--explain', 'fixtures/bad/BTCUSDT-aggTrades-2021-05-21.zip'])
    expect(run.code).toBe(2)
    expect(run.stdout).toBe('')
    expect(run.stderr.trimEnd().split('\n')).toHaveLength(1)
  })
})

describe('cascade sources on a narrow terminal', () => {
  it('fits 80 columns: each title wrapped on its own lines under its id and kinds', async () => {
    const { sourceList } = await import('../../src/cli/commands/sources.js')
    const text = sourceList(SOURCES, 80)
    const lines = text.trimEnd().split('\n')
    expect(lines.filter((line) => line.length > 80)).toEqual([])
    expect(lines.filter((line) => !line.startsWith(' ')).map((line) => line.split(/\s+/)[0])).toEqual(
      SOURCES.map((s) => s.id),
    )
    // every title's words are there, in order
    const titles = text
      .split(/\n(?! )/)
      .map((entry) => entry.split('\n').slice(1).join(' ').replace(/\s+/g, ' ').trim())
    expect(titles.slice(0, SOURCES.length)).toEqual(SOURCES.map((s) => s.title))
    // wide enough: one line each, as piped
    expect(sourceList(SOURCES, 400)).toBe(sourceList(SOURCES))
  })
})
