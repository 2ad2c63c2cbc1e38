/**
 * The report directory: earlier daily reports read back as history, and atomic writes — each file
 * goes to a hidden temp file in DIR, is synced, and is renamed over its name only once every file
 * of the report is written, the JSON last (the JSON is what later runs read). A run killed at any
 * point leaves the previous report, or none, never a half-written file; the next run removes the
 * temp files that a killed run left behind.
 */
import { mkdir, open, readdir, readFile, rename, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { DAILY_SCHEMA, type HistoryDay } from './types.js'

const REPORT_JSON = /^(\d{4}-\d{2}-\d{2})\.json$/

export interface History {
  days: HistoryDay[]
  /** Files left out of the ranking, and why, in words. */
  notes: string[]
}

/** The daily reports in `dir` for days before `date` and in zone `tz`, as ranking history. */
export async function readHistory(dir: string, date: string, tz: string): Promise<History> {
  const names = await readdir(dir).catch(() => [] as string[])
  const days: HistoryDay[] = []
  const notes: string[] = []
  let otherZone = 0
  for (const name of names.sort()) {
    const match = REPORT_JSON.exec(name)
    if (!match || match[1]! >= date) continue
    let doc: unknown
    try {
      doc = JSON.parse(await readFile(join(dir, name), 'utf8'))
    } catch (error) {
      notes.push(
        `${name} in the report directory is not readable JSON (${(error as Error).message}); left out of the ranking`,
      )
      continue
    }
    const report = doc as {
      schema?: unknown
      date?: unknown
      tz?: unknown
      status?: unknown
      markets?: unknown
    }
    if (report.schema !== DAILY_SCHEMA || report.date !== match[1] || !Array.isArray(report.markets)) {
      notes.push(
        `${name} in the report directory is not a ${DAILY_SCHEMA} report for ${match[1]}; left out of the ranking`,
      )
      continue
    }
    if (report.tz !== tz) {
      otherZone++
      continue
    }
    if (report.status !== 'ok') continue
    const markets: HistoryDay['markets'] = new Map()
    for (const m of report.markets as Record<string, unknown>[]) {
      if (typeof m?.market !== 'string') continue
      const long = numberOrNull(m.liqLongUsd)
      const short = numberOrNull(m.liqShortUsd)
      const move = numberOrNull(m.largestMovePct)
      markets.set(m.market, {
        liquidationsUsd: long !== null && short !== null ? long + short : null,
        rangePct: numberOrNull(m.rangePct),
        cascadeMovePct: move === null ? null : Math.abs(move),
      })
    }
    days.push({ date: match[1]!, markets })
  }
  if (otherZone > 0) {
    notes.push(
      `${otherZone} earlier report${otherZone === 1 ? '' : 's'} in the directory cover days in another time zone than ${tz}; left out of the ranking`,
    )
  }
  return { days, notes }
}

function numberOrNull(x: unknown): number | null {
  return typeof x === 'number' && Number.isFinite(x) ? x : null
}

export interface ReportFile {
  name: string
  content: string
}

export interface WriteHooks {
  /** Called when every temp file is written and synced, before the first rename (tests kill here). */
  beforeRename?: () => Promise<void>
}

const tempName = (name: string, pid: number) => `.${name}.${pid}.tmp`
const TEMP = /^\.(.+)\.(\d+)\.tmp$/

/** Remove temp files of `names` left by runs that are no longer alive. */
export async function removeStaleTemps(dir: string, names: readonly string[]): Promise<string[]> {
  const wanted = new Set(names)
  const removed: string[] = []
  for (const entry of await readdir(dir).catch(() => [] as string[])) {
    const match = TEMP.exec(entry)
    if (!match || !wanted.has(match[1]!)) continue
    const pid = Number(match[2])
    if (pid !== process.pid && alive(pid)) continue
    await rm(join(dir, entry), { force: true })
    removed.push(entry)
  }
  return removed
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** Write every file atomically, in order (put the JSON last). */
export async function writeReportFiles(
  dir: string,
  files: readonly ReportFile[],
  hooks: WriteHooks = {},
): Promise<void> {
  await mkdir(dir, { recursive: true })
  await removeStaleTemps(
    dir,
    files.map((file) => file.name),
  )
  const written: string[] = []
  try {
    for (const file of files) {
      const temp = join(dir, tempName(file.name, process.pid))
      const handle = await open(temp, 'w', 0o644)
      written.push(temp)
      try {
        await handle.writeFile(file.content, 'utf8')
        await handle.sync()
      } finally {
        await handle.close()
      }
    }
    await hooks.beforeRename?.()
    for (const [i, file] of files.entries()) await rename(written[i]!, join(dir, file.name))
    written.length = 0
    await syncDirectory(dir)
  } finally {
    for (const temp of written) await rm(temp, { force: true })
  }
}

/** The renames reach the disk (best effort: not every platform can open a directory). */
async function syncDirectory(dir: string): Promise<void> {
  try {
    const handle = await open(dir, 'r')
    try {
      await handle.sync()
    } finally {
      await handle.close()
    }
  } catch {
    // Windows and some file systems cannot sync a directory; the renames are still atomic.
  }
}
