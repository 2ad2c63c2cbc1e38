/**
 * The window (src/bars/window.ts) against the full path (CASCADE_WINDOW=0): `cascade analyze`
 * prints the same bytes, status and notes on every fixture and on generated folders of daily
 * files — quiet days (the report comes from the compacted bars), days with a crash (read again with
 * 1-second bars), files whose names are out of time order, and trades beside liquidations.
 */
import { execFileSync } from 'node:child_process'
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fineBarsNeeded } from '../../src/analysis/candidates.js'
import { DEFAULT_PARAMS } from '../../src/analysis/params.js'
import { BarStore } from '../../src/bars/index.js'
import { ingest } from '../../src/ingest/index.js'
import { cascade, ensureBuilt, ROOT } from '../helpers/cli.js'

let dir: string
const HEADER = 'agg_trade_id,price,quantity,first_trade_id,last_trade_id,transact_time,is_buyer_maker'
const DAY = 86_400_000

/**
 * A day of aggTrades, one row every 5 s, the price wobbling by a few ticks around `level`; with
 * `crash`, a fall of 8 % over 5 minutes from 12:00 on ten times the volume, and half of it back.
 */
function aggDay(date: string, level: number, crash: boolean): string {
  const start = Date.parse(`${date}T00:00:00Z`)
  const lines = [HEADER]
  let id = Math.floor(start / 1000)
  for (let s = 0; s < DAY / 1000; s += 5) {
    const ts = start + s * 1000 + (s % 997)
    let price = level + ((s * 7919) % 13) - 6
    let quantity = 0.05 + ((s * 31) % 7) / 100
    const fromNoon = s - 12 * 3600
    if (crash && fromNoon >= 0) {
      const fall = Math.min(fromNoon / 300, 1) * 0.08
      const back = fromNoon > 300 ? Math.min((fromNoon - 300) / 600, 1) * 0.04 : 0
      price = level * (1 - fall + back)
      if (fromNoon <= 600) quantity *= 10
    }
    lines.push(
      `${id},${price.toFixed(1)},${quantity.toFixed(3)},${id * 2},${id * 2 + 1},${ts},${s % 2 === 0}`,
    )
    id++
  }
  return `${lines.join('\n')}\n`
}

async function folder(
  name: string,
  days: { file: string; date: string; crash?: boolean }[],
): Promise<string> {
  const path = join(dir, name)
  await mkdir(path, { recursive: true })
  for (const day of days) await writeFile(join(path, day.file), aggDay(day.date, 70_000, day.crash === true))
  return path
}

const dayFile = (date: string) => `BTCUSDT-aggTrades-${date}.csv`

/** The run with the window and the full path's: same status, output and notes. */
async function same(args: string[]): Promise<{ code: number | null; stdout: string }> {
  const windowed = await cascade(args)
  const full = await cascade(args, { env: { CASCADE_WINDOW: '0' } })
  expect(windowed.code, `${args.join(' ')}: ${windowed.stderr}`).toBe(full.code)
  expect(windowed.stdout, args.join(' ')).toBe(full.stdout)
  expect(windowed.stderr, args.join(' ')).toBe(full.stderr)
  return windowed
}

/** Whether the window's bars were enough for the report (no second read). */
async function enough(paths: string[]): Promise<boolean> {
  const store = new BarStore()
  const ingestion = await ingest(paths, { threads: 1, fold: { store, selection: {}, window: true } })
  try {
    for await (const batch of ingestion.events) for (const event of batch) store.add(event)
  } finally {
    await ingestion.close()
  }
  expect(store.series().some((series) => series.compacted !== null)).toBe(true)
  return fineBarsNeeded(store, { ...DEFAULT_PARAMS }).length === 0
}

beforeAll(async () => {
  ensureBuilt()
  dir = await mkdtemp(join(tmpdir(), 'cascade-window-'))
})

afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('the window gives the full path’s report', () => {
  it('on every fixture folder', async () => {
    const fixtures = join(ROOT, 'fixtures')
    const folders = (await readdir(fixtures, { withFileTypes: true })).filter((e) => e.isDirectory())
    const scenarios = await readdir(join(fixtures, 'scenarios'), { withFileTypes: true })
    const paths = [
      ...folders.filter((e) => e.name !== 'scenarios').map((e) => join(fixtures, e.name)),
      ...scenarios.filter((e) => e.isDirectory()).map((e) => join(fixtures, 'scenarios', e.name)),
    ]
    expect(paths.length).toBeGreaterThan(25)
    for (const path of paths) await same(['analyze', path, '--json'])
  }, 300_000)

  it('on quiet daily files: the report comes from the compacted bars', async () => {
    const quiet = await folder(
      'quiet',
      ['2025-01-01', '2025-01-02', '2025-01-03', '2025-01-04'].map((date) => ({ file: dayFile(date), date })),
    )
    expect(await enough([quiet])).toBe(true)
    const run = await same(['analyze', quiet, '--json'])
    const report = JSON.parse(run.stdout)
    expect(report.cascades).toEqual([])
    expect(report.markets[0].first).toBe('2025-01-01T00:00:00.000Z')
    expect(report.markets[0].last).toBe('2025-01-04T23:59:55.000Z')
    for (const format of ['--md', '--csv', '--ndjson']) await same(['analyze', quiet, format])
    await same(['analyze', quiet, '--from', '2025-01-02T06:00:00Z', '--to', '2025-01-03', '--json'])
    // Generated the way `npm run bench` makes its folders (a random walk in 0.1 ticks).
    const walk = join(dir, 'walk')
    await mkdir(walk)
    for (const [i, date] of ['2025-01-01', '2025-01-02', '2025-01-03'].entries()) {
      execFileSync(process.execPath, [
        join(ROOT, 'scripts/gen-aggtrades.mjs'),
        '20000',
        join(walk, dayFile(date)),
        '--start',
        date,
        '--span',
        '24',
        '--seed',
        String(i + 1),
      ])
    }
    expect(await enough([walk])).toBe(true)
    await same(['analyze', walk, '--json'])
    await same(['analyze', walk, '--json', '--threads', '2'])
  }, 120_000)

  it('on daily files with a crash: read again with 1-second bars', async () => {
    const crash = await folder('crash', [
      { file: dayFile('2025-01-01'), date: '2025-01-01' },
      { file: dayFile('2025-01-02'), date: '2025-01-02', crash: true },
      { file: dayFile('2025-01-03'), date: '2025-01-03' },
    ])
    expect(await enough([crash])).toBe(false)
    const report = JSON.parse((await same(['analyze', crash, '--json'])).stdout)
    expect(report.cascades).toHaveLength(1)
    // From the last wobble's peak before noon to the low at 12:05.
    expect(report.cascades[0].start.slice(0, 14)).toBe('2025-01-02T11:')
    expect(report.cascades[0].extreme).toBe('2025-01-02T12:05:00.000Z')
    // A --min-move above the crash: the coarse scan rules it out, and nothing is read twice.
    const calm = JSON.parse((await same(['analyze', crash, '--json', '--min-move', '9'])).stdout)
    expect(calm.cascades).toEqual([])
  }, 120_000)

  it('on files whose names are out of time order, and on trades beside liquidations', async () => {
    const shuffled = await folder('shuffled', [
      { file: dayFile('2025-01-01'), date: '2025-01-02' },
      { file: dayFile('2025-01-02'), date: '2025-01-01' },
    ])
    expect(await enough([shuffled])).toBe(false)
    await same(['analyze', shuffled, '--json'])
    const scenario = join(ROOT, 'fixtures/scenarios/2021-05-19')
    await same(['analyze', scenario, '--json'])
    await same(['analyze', scenario, '--json', '--group-by', 'series'])
  }, 120_000)
})
