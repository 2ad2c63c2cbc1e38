/**
 * `cascade report` killed with SIGKILL at every point of its publishing, through the test-only
 * fault module (test/helpers/fault.mjs, loaded into the child with NODE_OPTIONS=--import): just
 * before each call that writes into --out, in turn. Whatever the point, --out holds the old set or
 * the new one, never a mix — or, killed in the instant between the two renames, no day directory
 * and the old set moved aside whole, which the next run puts back (recoverStale, run here in the
 * test process; a sample of points is followed by a whole CLI run). A failure (EIO) at a rename
 * or a write leaves the old set and exits 2.
 */
import { spawn } from 'node:child_process'
import {
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { recoverStale } from '../../src/report/daily/files.js'
import { BIN, ensureBuilt, ROOT } from '../helpers/cli.js'

const DATE = '2024-01-02'
const FAULT = pathToFileURL(join(ROOT, 'test/helpers/fault.mjs')).href

let tmp: string
let data: string
beforeAll(() => {
  ensureBuilt()
  tmp = mkdtempSync(join(tmpdir(), 'cascade-atomic-'))
  data = join(tmp, 'data')
  mkdirSync(data)
  // Two markets of Binance 1-minute klines, six hours of the day; the old report has BTC only, the new one both.
  for (const [symbol, base] of [
    ['BTCUSDT', 42_000],
    ['ETHUSDT', 2_500],
  ] as const) {
    const t0 = Date.UTC(2024, 0, 2)
    const rows: string[] = []
    for (let i = 0; i < 360; i++) {
      const open = base * (1 + 0.02 * Math.sin(i / 90))
      const close = base * (1 + 0.02 * Math.sin((i + 1) / 90))
      const t = t0 + i * 60_000
      rows.push(
        [t, open, Math.max(open, close) * 1.001, Math.min(open, close) * 0.999, close]
          .map((x, k) => (k === 0 ? String(x) : x.toFixed(2)))
          .concat(['10.5', String(t + 59_999), (10.5 * close).toFixed(2), '100', '5', '1', '0'])
          .join(','),
      )
    }
    writeFileSync(join(data, `${symbol}-1m-${DATE}.csv`), `${rows.join('\n')}\n`)
  }
})
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

interface Exit {
  code: number | null
  signal: NodeJS.Signals | null
  stderr: string
}

function run(inputs: string[], out: string, fault: Record<string, string> = {}): Promise<Exit> {
  const env = { ...process.env, NO_COLOR: '1', TZ: 'UTC', FORCE_COLOR: '0', ...fault }
  if (Object.keys(fault).length > 0) {
    env.NODE_OPTIONS = `--import=${FAULT}`
    env.CASCADE_FAULT_UNDER = out
  }
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [BIN, 'report', '--date', DATE, ...inputs, '--out', out, '--quiet'],
      {
        cwd: ROOT,
        env,
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    )
    let stderr = ''
    child.stderr!.setEncoding('utf8').on('data', (d: string) => {
      stderr += d
    })
    child.on('error', reject)
    child.on('close', (code, signal) => resolve({ code, signal, stderr }))
  })
}

const OLD = () => [join(data, `BTCUSDT-1m-${DATE}.csv`)]
const NEW = () => [data]

/** The files of a directory and their bytes, as one comparable text. */
function snapshot(dir: string): string {
  return readdirSync(dir)
    .sort()
    .map((name) => `${name}\n${readFileSync(join(dir, name), 'utf8')}`)
    .join('\n\0\n')
}

describe('cascade report killed at any point of its publishing', () => {
  let oldSet: string
  let newSet: string
  /** The old report, the start of every run below; without its links, so that runs make them (more points). */
  let start: string
  let points: string[]

  beforeAll(async () => {
    start = join(tmp, 'start')
    expect((await run(OLD(), start)).code).toBe(0)
    oldSet = snapshot(join(start, DATE))
    for (const link of [`${DATE}.json`, `${DATE}.html`]) rmSync(join(start, link))
    // The new report, as it is when a run completes; and the calls that run makes, in order.
    const complete = join(tmp, 'complete')
    cpSync(start, complete, { recursive: true, verbatimSymlinks: true })
    const log = join(tmp, 'calls.log')
    expect((await run(NEW(), complete, { CASCADE_FAULT_LOG: log })).code).toBe(0)
    newSet = snapshot(join(complete, DATE))
    points = readFileSync(log, 'utf8').trim().split('\n')
  }, 120_000)

  it('differs between the old and the new set (the new one has a second market and chart)', () => {
    expect(oldSet).not.toBe(newSet)
    expect(newSet).toContain(`${DATE}-ETH.svg`)
    expect(oldSet).not.toContain(`${DATE}-ETH.svg`)
    // Every file written, the directory synced, the two renames, the links, the old set removed.
    expect(points.filter((p) => p.includes(' rename '))).toHaveLength(4)
    expect(points.filter((p) => p.includes(' symlink '))).toHaveLength(2)
    expect(points[points.length - 1]).toMatch(new RegExp(` rm .*/\\.${DATE}\\.\\d+\\.old$`))
  })

  it('leaves the old set or the new one, never a mix, at every point (and the next run clears up)', async () => {
    const seen = { old: 0, new: 0, between: 0 }
    let followed = 0
    const killAt = async (at: number) => {
      const out = join(tmp, `kill-${at}`)
      cpSync(start, out, { recursive: true, verbatimSymlinks: true })
      const exit = await run(NEW(), out, { CASCADE_FAULT_AT: String(at) })
      expect(exit.signal, `killed before call ${at}: ${points[at - 1]}`).toBe('SIGKILL')
      const day = join(out, DATE)
      const between = !existsSync(day)
      if (!between) {
        const state = snapshot(day)
        expect([oldSet, newSet], `the day's files after a kill before ${points[at - 1]}`).toContain(state)
        seen[state === oldSet ? 'old' : 'new']++
      } else {
        // The instant between the two renames: the old set aside, whole; the next run puts it back.
        const aside = readdirSync(out).filter((name) => name.startsWith(`.${DATE}.`) && name.endsWith('.old'))
        expect(aside, `after a kill before ${points[at - 1]}`).toHaveLength(1)
        expect(snapshot(join(out, aside[0]!))).toBe(oldSet)
        seen.between++
      }
      const before = between ? oldSet : snapshot(day)
      // A link, where there is one, points into the day's directory.
      for (const link of [`${DATE}.json`, `${DATE}.html`]) {
        const path = join(out, link)
        if (existsSync(path) || readdirSync(out).includes(link)) {
          expect(lstatSync(path).isSymbolicLink()).toBe(true)
          expect(readlinkSync(path)).toBe(`${DATE}/${link}`)
        }
      }
      // What the next run does first: the killed run's temp files go, a set moved aside comes back.
      await recoverStale(out)
      expect(readdirSync(out).filter((name) => name.startsWith('.'))).toEqual([])
      expect(snapshot(day)).toBe(before)
      // And a whole next run (for a sample of the points) publishes the new set over it.
      if (at % 8 === 0 || between) {
        followed++
        expect((await run(NEW(), out)).code).toBe(0)
        expect(snapshot(day)).toBe(newSet)
        expect(readdirSync(out).sort()).toEqual([DATE, `${DATE}.html`, `${DATE}.json`])
      }
      rmSync(out, { recursive: true, force: true })
    }
    // Three children at a time: each is a whole run of the CLI.
    const queue = points.map((_, i) => i + 1)
    await Promise.all(
      [0, 1, 2].map(async () => {
        for (let at = queue.shift(); at !== undefined; at = queue.shift()) await killAt(at)
      }),
    )
    expect(seen.old + seen.new + seen.between).toBe(points.length)
    // The kills fell before, between and after the renames.
    expect(seen.old).toBeGreaterThan(0)
    expect(seen.new).toBeGreaterThan(0)
    expect(seen.between).toBeGreaterThan(0)
    expect(followed).toBeGreaterThanOrEqual(3)
  }, 600_000)

  it('a failing rename or write (EIO) leaves the old set and no temp files, with exit 2 and one line', async () => {
    // The renames of the set (not of the links: a link that cannot be made is a note) and the writes.
    const set = new RegExp(` rename .*/(\\.${DATE}\\.\\d+\\.tmp|${DATE})$| handle\\.writeFile `)
    const failing = points.map((point, i) => ({ point, at: i + 1 })).filter(({ point }) => set.test(point))
    expect(failing.length).toBeGreaterThanOrEqual(7)
    for (const { point, at } of failing) {
      const out = join(tmp, `fail-${at}`)
      cpSync(start, out, { recursive: true, verbatimSymlinks: true })
      const exit = await run(NEW(), out, { CASCADE_FAULT_AT: String(at), CASCADE_FAULT: 'fail' })
      expect(exit.code, point).toBe(2)
      expect(exit.stderr).toMatch(
        /cannot write the report \(EIO\); the previous report of 2024-01-02, if any, is unchanged/,
      )
      expect(exit.stderr.trim().split('\n')).toHaveLength(1)
      expect(snapshot(join(out, DATE)), point).toBe(oldSet)
      expect(readdirSync(out), point).toEqual([DATE])
    }
  }, 300_000)
})
