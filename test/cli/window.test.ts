/**
 * The window (src/bars/window.ts) against the full path (CASCADE_WINDOW=0): `cascade analyze`
 * prints the same bytes, status and notes on every fixture and on generated folders of daily
 * files — quiet days (the report comes from the compacted bars), days with a crash (read again with
 * 1-second bars), files whose names are out of time order, and trades beside liquidations.
 */
import { execFileSync } from 'node:child_process'
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Command } from 'commander'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEFAULT_PARAMS } from '../../src/analysis/params.js'
import type { BarStore } from '../../src/bars/index.js'
import { analyseInputs, analyzeCommand, type WindowRoute } from '../../src/cli/commands/analyze.js'
import { cascade, ensureBuilt, ROOT } from '../helpers/cli.js'
import { describeReal, realPath } from '../helpers/real.js'

let dir: string
const HEADER = 'agg_trade_id,price,quantity,first_trade_id,last_trade_id,transact_time,is_buyer_maker'
const DAY = 86_400_000
const PARAMS = { ...DEFAULT_PARAMS }

/**
 * A day of aggTrades, one row every 5 s, the price wobbling by a few ticks around `level`; with
 * `crash`, a fall of 8 % over 5 minutes from 12:00 on ten times the volume, and half of it back.
 */
function aggDay(date: string, level: number, crash: boolean | number, spot = false): string {
  const start = Date.parse(`${date}T00:00:00Z`)
  // Spot files (Binance since 2025): no header, microseconds, an is_best_match column.
  const lines = spot ? [] : [HEADER]
  let id = Math.floor(start / 1000)
  const crashAt = crash === true ? 12 * 3600 : crash === false ? Number.POSITIVE_INFINITY : crash * 3600
  for (let s = 0; s < DAY / 1000; s += 5) {
    const ts = start + s * 1000 + (s % 997)
    let price = level + ((s * 7919) % 13) - 6
    let quantity = 0.05 + ((s * 31) % 7) / 100
    const fromCrash = s - crashAt
    if (fromCrash >= 0) {
      const fall = Math.min(fromCrash / 300, 1) * 0.08
      const back = fromCrash > 300 ? Math.min((fromCrash - 300) / 600, 1) * 0.04 : 0
      price = level * (1 - fall + back)
      if (fromCrash <= 600) quantity *= 10
    }
    const time = spot ? `${ts}${String(s % 1000).padStart(3, '0')}` : String(ts)
    const maker = spot ? `${s % 2 === 0 ? 'True' : 'False'},True` : String(s % 2 === 0)
    lines.push(`${id},${price.toFixed(1)},${quantity.toFixed(3)},${id * 2},${id * 2 + 1},${time},${maker}`)
    id++
  }
  return `${lines.join('\n')}\n`
}

/** A day of Binance metrics (open interest every 5 min), a tenth of it closed in the hour after `crashHour`. */
function metricsDay(date: string, level: number, crashHour: number | null): string {
  const start = Date.parse(`${date}T00:00:00Z`)
  const lines = [
    'create_time,symbol,sum_open_interest,sum_open_interest_value,count_toptrader_long_short_ratio,sum_toptrader_long_short_ratio,count_long_short_ratio,sum_taker_long_short_vol_ratio',
  ]
  for (let m = 0; m < 1440; m += 5) {
    const t = new Date(start + m * 60_000).toISOString().replace('T', ' ').slice(0, 19)
    const closed = crashHour === null || m < crashHour * 60 ? 0 : Math.min((m - crashHour * 60) / 60, 1) * 0.1
    const oi = 90_000 * (1 - closed) + (m % 7)
    lines.push(`${t},BTCUSDT,${oi.toFixed(4)},${(oi * level).toFixed(4)},1.6,1.2,1.5,1.0`)
  }
  return `${lines.join('\n')}\n`
}

/** Long liquidations: a few a day, and one every 10 s in the ten minutes after `crashHour`. */
function liquidationDay(date: string, level: number, crashHour: number | null): string {
  const start = Date.parse(`${date}T00:00:00Z`)
  const lines = [
    'time,side,order_type,time_in_force,original_quantity,price,average_price,order_status,last_fill_quantity,accumulated_fill_quantity',
  ]
  const times: number[] = []
  for (let h = 1; h < 24; h += 5) times.push(start + h * 3_600_000 + 1234)
  if (crashHour !== null)
    for (let s = 0; s < 600; s += 10) times.push(start + crashHour * 3_600_000 + s * 1000 + 77)

  times.sort((a, b) => a - b)
  for (const t of times) {
    const q = (0.5 + (t % 5) / 10).toFixed(3)
    lines.push(
      `${t},SELL,LIMIT,IOC,${q},${(level * 0.95).toFixed(1)},${(level * 0.95).toFixed(1)},FILLED,${q},${q}`,
    )
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

/** `cascade analyze`'s options, defaults and all, quiet and on one thread. */
function analyzeOptions(): Parameters<typeof analyseInputs>[1] {
  const program = new Command()
  analyzeCommand(program)
  return { ...program.commands[0]!.opts(), quiet: true, threads: '1' } as Parameters<typeof analyseInputs>[1]
}

/**
 * The way `cascade analyze` reads the inputs with the window: `compacted` (one read), `kept` (the
 * files holding the legs read again, keeping the seconds around them) or `full`; and its store.
 */
async function windowRoute(paths: string[]): Promise<{ route: WindowRoute; store: BarStore }> {
  const { store, ingestion, progress, route } = await analyseInputs(paths, analyzeOptions(), PARAMS)
  progress?.done()
  await ingestion.close()
  if (route === 'kept') {
    // Only the seconds around the legs are kept, and they were enough for the analysis.
    for (const series of store.series()) {
      if (series.compacted) expect(series.compacted.length).toBeLessThan(series.compacted.seconds)
    }
  }
  return { route, store }
}

async function windowPath(paths: string[]): Promise<WindowRoute> {
  return (await windowRoute(paths)).route
}

/** Whether the window's bars were enough for the report (no second read). */
async function enough(paths: string[]): Promise<boolean> {
  return (await windowPath(paths)) === 'compacted'
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
    expect(await windowPath([crash])).toBe('kept')
    const report = JSON.parse((await same(['analyze', crash, '--json'])).stdout)
    expect(report.cascades).toHaveLength(1)
    // From the last wobble's peak before noon to the low at 12:05.
    expect(report.cascades[0].start.slice(0, 14)).toBe('2025-01-02T11:')
    expect(report.cascades[0].extreme).toBe('2025-01-02T12:05:00.000Z')
    // A --min-move above the crash: no leg passes, and nothing is read twice.
    const calm = JSON.parse((await same(['analyze', crash, '--json', '--min-move', '9'])).stdout)
    expect(calm.cascades).toEqual([])
  }, 120_000)

  it('on a week of two venues with liquidations and open interest: only the seconds around the legs are kept', async () => {
    const path = join(dir, 'week')
    await mkdir(path)
    // Crashes at the very start (no baseline before it), mid-week, twice within a day (one
    // episode), and in the last hour of the data (a leg that the end of the data closes).
    const crashes: Record<string, number | null> = {
      '2025-03-01': 0.25,
      '2025-03-02': null,
      '2025-03-03': null,
      '2025-03-04': 12,
      '2025-03-05': 3,
      '2025-03-06': null,
      '2025-03-07': null,
      '2025-03-08': 23.5,
    }
    for (const [date, hour] of Object.entries(crashes)) {
      await writeFile(join(path, dayFile(date)), aggDay(date, 70_000, hour ?? false))
      await mkdir(join(path, 'spot'), { recursive: true })
      await writeFile(join(path, 'spot', dayFile(date)), aggDay(date, 70_005, hour ?? false, true))
      await writeFile(join(path, `BTCUSDT-metrics-${date}.csv`), metricsDay(date, 70_000, hour))
      await writeFile(
        join(path, `BTCUSDT-liquidationSnapshot-${date}.csv`),
        liquidationDay(date, 70_000, hour),
      )
    }
    expect(await windowPath([path])).toBe('kept')
    const report = JSON.parse((await same(['analyze', path, '--json'])).stdout)
    // The four crashes, the two a day apart as one episode.
    expect(report.cascades.map((c: { extreme: string }) => c.extreme.slice(0, 16))).toEqual([
      '2025-03-01T00:20',
      '2025-03-04T12:05',
      '2025-03-05T03:05',
      '2025-03-08T23:35',
    ])
    expect(report.episodes).toHaveLength(3)
    expect(report.markets[0].series).toHaveLength(2)
    for (const args of [
      ['--md'],
      ['--csv'],
      ['--group-by', 'series', '--json'],
      ['--min-move', '3', '--json'],
    ])
      await same(['analyze', path, ...args])
    await same(['analyze', path, '--from', '2025-03-04T06:00:00Z', '--to', '2025-03-06', '--json'])
  }, 300_000)

  it('on files whose names are out of time order, and on trades beside liquidations', async () => {
    const shuffled = await folder('shuffled', [
      { file: dayFile('2025-01-01'), date: '2025-01-02' },
      { file: dayFile('2025-01-02'), date: '2025-01-01' },
    ])
    expect(await windowPath([shuffled])).toBe('full')
    await same(['analyze', shuffled, '--json'])
    const scenario = join(ROOT, 'fixtures/scenarios/2021-05-19')
    // Trades, liquidationSnapshot and metrics of one series: kept around the day's legs.
    expect(await windowPath([scenario])).toBe('kept')
    await same(['analyze', scenario, '--json'])
    await same(['analyze', scenario, '--json', '--group-by', 'series'])
  }, 120_000)
})

/**
 * Daily aggTrades files of a real month, four trades a minute that follow each real 1-minute kline
 * (open, then its high and low in the order of the minute's direction, then its close).
 */
async function tradesOfKlines(klines: string, path: string, symbol: string): Promise<void> {
  const days = new Map<string, string[]>()
  let id = 1
  for (const line of (await readFile(klines, 'utf8')).trim().split('\n').slice(1)) {
    const [openTime, open, high, low, close, volume] = line.split(',')
    const t = Number(openTime)
    const falling = Number(close) < Number(open)
    const q = (Number(volume) / 4).toFixed(3)
    const prices = falling ? [open, high, low, close] : [open, low, high, close]
    const date = new Date(t).toISOString().slice(0, 10)
    const rows = days.get(date) ?? [HEADER]
    days.set(date, rows)
    prices.forEach((price, k) => {
      rows.push(`${id},${price},${q},${id},${id},${t + 100 + k * 15_000},${falling}`)
      id++
    })
  }
  for (const [date, rows] of days)
    await writeFile(join(path, `${symbol}-aggTrades-${date}.csv`), `${rows.join('\n')}\n`)
}

describeReal('the window on a real month (Feb 2026 LTC and LINK minutes as daily trade files)', () => {
  it('keeps the seconds around the 5–6 Feb legs only, and reports what the full path reports', async () => {
    const path = join(dir, 'feb2026')
    await mkdir(path)
    await tradesOfKlines(realPath('LTCUSDT-1m-2026-02.csv'), path, 'LTCUSDT')
    await tradesOfKlines(realPath('LINKUSDT-1m-2026-02.csv'), path, 'LINKUSDT')
    const { route, store } = await windowRoute([path])
    expect(route).toBe('kept')
    for (const series of store.series()) {
      // A month of seconds, of which the stretches around the legs keep a small part.
      expect(series.compacted!.seconds).toBeGreaterThan(150_000)
      expect(series.compacted!.length).toBeLessThan(series.compacted!.seconds / 3)
    }
    const report = JSON.parse((await same(['analyze', path, '--json'])).stdout)
    const markets = new Set(report.cascades.map((c: { market: string }) => c.market))
    expect(markets).toEqual(new Set(['LINK', 'LTC']))
    expect(report.cascades.some((c: { start: string }) => c.start.startsWith('2026-02-05'))).toBe(true)
    await same(['analyze', path, '--md'])
  }, 300_000)
})
