/**
 * `cascade timeline` as a user runs it: golden output, exit codes and stderr (DESIGN §8).
 * Build first: `npm test` does; run alone, helpers/cli.ts builds when dist/ is stale.
 */
import { execFileSync, spawn } from 'node:child_process'
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BIN, cascade, ensureBuilt, ROOT } from '../helpers/cli.js'
import { expectGolden } from '../helpers/golden.js'

const AGG_2021 = 'fixtures/binance-aggtrades/BTCUSDT-aggTrades-2021-05-19.csv'
const METRICS_2021 = 'fixtures/binance-metrics/BTCUSDT-metrics-2021-05-19.csv'
const LIQ_2023 = 'fixtures/binance-liquidations/BTCUSD_PERP-liquidationSnapshot-2023-06-25.csv'
const KLINES_GZ = 'fixtures/binance-klines/BTCUSDT-1m-2025-10-10.csv.gz'
const BAD_ROWS = 'fixtures/bad/BTCUSDT-aggTrades-2026-09-18.csv'

let tmp: string
beforeAll(() => {
  ensureBuilt()
  tmp = mkdtempSync(join(tmpdir(), 'cascade-cli-'))
})
afterAll(() => {
  rmSync(tmp, { recursive: true, force: true })
})

const lines = (text: string) => text.split('\n').filter((l) => l.length > 0)

describe('cascade timeline: output', () => {
  it('NDJSON of three kinds of input, merged in time order (golden)', async () => {
    const run = await cascade(['timeline', LIQ_2023, AGG_2021, METRICS_2021])
    expect(run.stderr).toBe('cascade: 56 rows from 3 inputs, 38 events, 18 duplicates dropped, 0 bad rows\n')
    expect(run.code).toBe(0)
    expectGolden('timeline-binance.ndjson', run.stdout)
    const ts = lines(run.stdout).map((l) => (JSON.parse(l) as { ts: number }).ts)
    expect(ts).toEqual([...ts].sort((a, b) => a - b))
  })

  it('--csv of the same inputs (golden)', async () => {
    const run = await cascade(['timeline', '--csv', LIQ_2023, AGG_2021, METRICS_2021])
    expect(run.code).toBe(0)
    expectGolden('timeline-binance.csv', run.stdout)
    expect(lines(run.stdout)).toHaveLength(1 + 38)
  })

  it('a directory is read recursively (zips included), a glob expands', async () => {
    const nested = join(tmp, 'data', '2023', 'june')
    mkdirSync(nested, { recursive: true })
    copyFileSync(join(ROOT, LIQ_2023), join(nested, 'BTCUSD_PERP-liquidationSnapshot-2023-06-25.csv'))
    copyFileSync(
      join(ROOT, 'fixtures/binance-liquidations/BTCUSD_PERP-liquidationSnapshot-2024-08-05.zip'),
      join(tmp, 'data', 'BTCUSD_PERP-liquidationSnapshot-2024-08-05.zip'),
    )
    const dir = await cascade(['timeline', join(tmp, 'data')])
    expect(dir.code).toBe(0)
    expect(lines(dir.stdout)).toHaveLength(5 + 4)
    expect(dir.stderr).toBe('cascade: 18 rows from 2 inputs, 9 events, 9 duplicates dropped, 0 bad rows\n')

    const glob = await cascade(['timeline', 'fixtures/binance-funding/*.csv'])
    expect(glob.code).toBe(0)
    expect(lines(glob.stdout)).toHaveLength(93 + 20)
    expect(glob.stderr).toBe('cascade: 113 rows from 2 inputs, 113 events, 0 bad rows\n')
  })

  it('stdin, plain and gzip, with --symbol gives what the named file gives', async () => {
    const fromFile = await cascade(['timeline', AGG_2021])
    const plain = await cascade(['timeline', '-', '--symbol', 'BTCUSDT'], {
      input: readFileSync(join(ROOT, AGG_2021)),
    })
    expect(plain.code).toBe(0)
    expect(plain.stdout).toBe(fromFile.stdout)
    expect(plain.stderr).toBe('cascade: 20 rows from 1 input, 20 events, 0 bad rows\n')

    const gzFile = await cascade(['timeline', KLINES_GZ])
    const gz = await cascade(['timeline', '-', '--symbol', 'BTCUSDT'], {
      input: readFileSync(join(ROOT, KLINES_GZ)),
    })
    expect(gz.code).toBe(0)
    expect(gz.stdout).toBe(gzFile.stdout)
    expect(lines(gz.stdout)).toHaveLength(10)
  })

  it('stdin without --symbol: exit 2 saying how to name the symbol', async () => {
    const run = await cascade(['timeline', '-'], { input: readFileSync(join(ROOT, AGG_2021)) })
    expect(run.code).toBe(2)
    expect(run.stdout).toBe('')
    expect(run.stderr).toContain('<stdin>')
    expect(run.stderr).toContain('--symbol')
  })

  it('a closed pipe (| head -1) ends quietly with 0', async () => {
    const big = join(tmp, 'BTCUSDT-aggTrades-2026-02-05.csv')
    execFileSync(process.execPath, [join(ROOT, 'scripts/gen-aggtrades.mjs'), '200000', big])
    const child = spawn(process.execPath, [BIN, 'timeline', big], {
      cwd: ROOT,
      env: { ...process.env, NO_COLOR: '1', TZ: 'UTC' },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stderr = ''
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d
    })
    let first = ''
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      if (first.includes('\n')) return
      first += d
      // Like `head -1`: take one line, then close the read end of the pipe.
      if (first.includes('\n')) child.stdout.destroy()
    })
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve))
    expect(JSON.parse(first.split('\n')[0]!)).toMatchObject({
      kind: 'trade',
      source: 'binance-aggtrades',
      id: '3454067270',
    })
    expect(stderr).toBe('')
    expect(code).toBe(0)
  })
})

describe('cascade timeline: errors and exit codes', () => {
  it('unknown format: exit 2, the header seen and --source in one line, nothing on stdout', async () => {
    const run = await cascade(['timeline', 'fixtures/bad/prices.csv'])
    expect(run.code).toBe(2)
    expect(run.stdout).toBe('')
    expect(lines(run.stderr)).toHaveLength(1)
    expect(run.stderr).toContain('fixtures/bad/prices.csv')
    expect(run.stderr).toContain('date,close')
    expect(run.stderr).toContain('--source')
  })

  it('missing path: exit 2, one line', async () => {
    const run = await cascade(['timeline', 'fixtures/bad/no-such-file.csv'])
    expect(run.code).toBe(2)
    expect(run.stdout).toBe('')
    expect(run.stderr).toBe('cascade: fixtures/bad/no-such-file.csv: no such file or directory\n')
  })

  it.each([
    ['corrupt gzip', 'fixtures/bad/BTCUSDT-aggTrades-2021-05-19.csv.gz', /corrupt gzip/],
    ['truncated gzip', 'fixtures/bad/BTCUSDT-aggTrades-2021-05-20.csv.gz', /truncated gzip/],
    ['truncated zip', 'fixtures/bad/BTCUSDT-aggTrades-2021-05-21.zip', /corrupt or truncated zip/],
    [
      'corrupt zip member',
      'fixtures/bad/BTCUSDT-trades-2025-10-11.zip',
      /BTCUSDT-trades-2025-10-10\.csv: corrupt zip data/,
    ],
  ])('%s: exit 2, one line naming the file, no stack trace', async (_what, path, reason) => {
    const run = await cascade(['timeline', path])
    expect(run.code).toBe(2)
    expect(run.stdout).toBe('')
    expect(lines(run.stderr)).toHaveLength(1)
    // The file, or the zip member (`archive.zip/member.csv`), leads the line.
    expect(run.stderr).toMatch(new RegExp(`^cascade: ${path.replace(/\./g, '\\.')}(/[^:]+)?: `))
    expect(run.stderr).toMatch(reason)
    expect(run.stderr).not.toMatch(/\n\s+at /)
  })

  it('bad rows: file:line: CODE message on stderr, exit 1 at the default tolerance of 0', async () => {
    const run = await cascade(['timeline', BAD_ROWS])
    expect(run.code).toBe(1)
    expect(lines(run.stdout)).toHaveLength(16)
    expect(lines(run.stderr)).toEqual([
      `${BAD_ROWS}:5: BAD_NUMBER price: expected a number, got "76988.8.1"`,
      `${BAD_ROWS}:9: FIELD_COUNT expected 7 fields, got 5`,
      `${BAD_ROWS}:12: MISSING_FIELD transact_time: empty`,
      `${BAD_ROWS}:17: BAD_BOOLEAN is_buyer_maker: expected true or false, got "ture"`,
      'cascade: 20 rows from 1 input, 16 events, 4 bad rows',
      expect.stringMatching(/^cascade: 4 bad rows of 20 exceed --max-bad-rows 0/),
    ])
  })

  it.each([
    [['--max-bad-rows', '5'], 0],
    [['--max-bad-rows', '50%'], 0],
    [['--max-bad-rows', '4'], 0],
    [['--max-bad-rows', '3'], 1],
    [['--max-bad-rows', '10%'], 1], // 4 of 20 rows = 20 %
  ])('bad rows with %j: exit %i', async (options, code) => {
    const run = await cascade(['timeline', BAD_ROWS, ...options])
    expect(run.code).toBe(code)
    expect(lines(run.stdout)).toHaveLength(16)
    expect(run.stderr).toContain(`${BAD_ROWS}:5: BAD_NUMBER`)
  })

  it('--strict: exit 1 at the first bad row', async () => {
    const run = await cascade(['timeline', BAD_ROWS, '--strict'])
    expect(run.code).toBe(1)
    expect(lines(run.stderr)).toHaveLength(1)
    expect(run.stderr).toContain(`${BAD_ROWS}:5: BAD_NUMBER`)
    expect(run.stderr).toContain('--strict')
    expect(run.stderr).not.toContain(':9:')
  })

  it('a bad option value: exit 2 before reading anything', async () => {
    const run = await cascade(['timeline', AGG_2021, '--max-bad-rows', 'lots'])
    expect(run.code).toBe(2)
    expect(run.stdout).toBe('')
    expect(run.stderr).toContain('--max-bad-rows')
  })
})
