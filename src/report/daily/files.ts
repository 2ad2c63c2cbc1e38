/**
 * The report directory. Each day's report is a set of files in its own directory, OUT/DATE/, and
 * the set is published whole: the files are written and synced in a hidden temp directory
 * (OUT/.DATE.PID.tmp), the previous OUT/DATE is renamed aside (OUT/.DATE.PID.old), the temp
 * directory is renamed to OUT/DATE, and only then is the old one removed. A reader sees the old
 * set or the new one, never a mix; a run killed between the two renames leaves no OUT/DATE for an
 * instant, and the next run puts the old set back before anything else. OUT/DATE.json and
 * OUT/DATE.html are symbolic links into the directory, so the paths of the old flat layout keep
 * working. Earlier days' JSON documents, in either layout, are read back as ranking history.
 */
import type { Dirent } from 'node:fs'
import { lstat, mkdir, open, readdir, readFile, readlink, rename, rm, stat, symlink } from 'node:fs/promises'
import { join } from 'node:path'
import { AGGREGATORS } from '../../analysis/index.js'
import { FatalError } from '../../errors.js'
import { DAILY_SCHEMA, type HistoryDay } from './types.js'

export interface ReportFile {
  /** A name inside the day's directory. */
  name: string
  content: string
}

const DAY = /^\d{4}-\d{2}-\d{2}$/
const FLAT_JSON = /^(\d{4}-\d{2}-\d{2})\.json$/
/** The schemas read as history: this one, and /1 from the flat layout of earlier versions. */
const HISTORY_SCHEMAS = new Set(['cascade.daily/1', DAILY_SCHEMA])
/** Hidden work files of a run: `.NAME.PID.tmp` (being written) and `.DATE.PID.old` (moved aside). */
const WORK = /^\.(.+)\.(\d+)\.(tmp|old)$/

/** The stable paths beside the day directory, each a link to the file of the same name inside it. */
export const entryPoints = (date: string): string[] => [`${date}.json`, `${date}.html`]

/** Whether `name` is a file a report of `date` puts in its directory (anything else is not ours to remove). */
export function isReportFile(date: string, name: string): boolean {
  if (!name.startsWith(date)) return false
  const rest = name.slice(date.length)
  return rest === '.json' || rest === '.md' || rest === '.html' || /^-[A-Za-z0-9._-]+\.svg$/.test(rest)
}

type Kind = 'none' | 'file' | 'directory' | 'link' | 'other'

async function kindOf(path: string): Promise<Kind> {
  try {
    const info = await lstat(path)
    if (info.isSymbolicLink()) return 'link'
    if (info.isDirectory()) return 'directory'
    return info.isFile() ? 'file' : 'other'
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'none'
    throw error
  }
}

const KIND_WORDS: Record<Kind, string> = {
  none: 'nothing',
  file: 'a file',
  directory: 'a directory',
  link: 'a symbolic link',
  other: 'a special file',
}

/**
 * Refuses (exit 2) when something that is not a report stands where the day's set goes: OUT is not
 * a directory, OUT/DATE is not a directory or holds anything a report does not write, or
 * OUT/DATE.json or OUT/DATE.html is a directory or a special file. Reads only: nothing is created
 * or replaced, so it runs before the inputs are read and again just before publishing.
 */
export async function checkOutput(out: string, date: string): Promise<void> {
  const refuse = (what: string) =>
    new FatalError(`${what}; nothing was written or replaced`, 'move it away, or choose another --out')
  try {
    if (!(await stat(out)).isDirectory()) throw refuse(`--out ${out} is not a directory`)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return
    throw error
  }
  const dayPath = join(out, date)
  const dayKind = await kindOf(dayPath)
  if (dayKind === 'directory') {
    for (const entry of await readdir(dayPath, { withFileTypes: true })) {
      if (!entry.isFile() || !isReportFile(date, entry.name)) {
        throw refuse(
          `${dayPath} holds ${entry.name}${entry.isFile() ? '' : ` (${KIND_WORDS[direntKind(entry)]})`}, which a report does not write: ` +
            `it is not a report directory`,
        )
      }
    }
  } else if (dayKind !== 'none') {
    throw refuse(`${dayPath} is ${KIND_WORDS[dayKind]} where the report's directory goes`)
  }
  for (const name of entryPoints(date)) {
    const kind = await kindOf(join(out, name))
    if (kind === 'directory' || kind === 'other')
      throw refuse(`${join(out, name)} is ${KIND_WORDS[kind]} where the link to the report goes`)
  }
}

function direntKind(entry: Dirent): Kind {
  if (entry.isSymbolicLink()) return 'link'
  if (entry.isDirectory()) return 'directory'
  return entry.isFile() ? 'file' : 'other'
}

function alive(pid: number): boolean {
  if (pid === process.pid) return true
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/**
 * Clears what runs that are no longer alive left in OUT: temp files and directories are removed; a
 * day directory moved aside is put back when its day has none (the run died between its two
 * renames), else removed. Returns what was done, in words.
 */
export async function recoverStale(out: string): Promise<string[]> {
  const done: string[] = []
  const entries = await readdir(out).catch(() => [] as string[])
  for (const entry of entries.sort()) {
    const match = WORK.exec(entry)
    if (!match || alive(Number(match[2]))) continue
    const path = join(out, entry)
    const name = match[1]!
    if (match[3] === 'old' && DAY.test(name) && (await kindOf(join(out, name))) === 'none') {
      await rename(path, join(out, name))
      done.push(`${join(out, name)}: put back the report a killed run had moved aside`)
    } else {
      await rm(path, { recursive: true, force: true })
    }
  }
  return done
}

/**
 * Publishes the day's files as one set in OUT/DATE/ (see the top of this file). Returns notes for
 * the user (a stale directory put back, links that could not be made); throws on anything that
 * leaves the previous set in place.
 */
export async function publishDay(out: string, date: string, files: readonly ReportFile[]): Promise<string[]> {
  await mkdir(out, { recursive: true })
  const notes = await recoverStale(out)
  await checkOutput(out, date)
  const dayPath = join(out, date)
  const temp = join(out, `.${date}.${process.pid}.tmp`)
  const aside = join(out, `.${date}.${process.pid}.old`)
  await rm(temp, { recursive: true, force: true })
  await mkdir(temp)
  try {
    for (const file of files) {
      const handle = await open(join(temp, file.name), 'wx', 0o644)
      try {
        await handle.writeFile(file.content, 'utf8')
        await handle.sync()
      } finally {
        await handle.close()
      }
    }
    await syncDirectory(temp)
    await swapIn(dayPath, temp, aside)
  } catch (error) {
    await rm(temp, { recursive: true, force: true })
    throw error
  }
  await syncDirectory(out)
  for (const name of entryPoints(date)) {
    if (!files.some((file) => file.name === name)) continue
    const problem = await linkEntry(out, name, `${date}/${name}`)
    if (problem) notes.push(problem)
  }
  await rm(aside, { recursive: true, force: true })
  await removeFlatLeftovers(out, date)
  return notes
}

/** Old set aside, new set in; when the second rename fails, the old set goes back. */
async function swapIn(dayPath: string, temp: string, aside: string): Promise<void> {
  await rm(aside, { recursive: true, force: true })
  let movedAside = false
  try {
    await rename(dayPath, aside)
    movedAside = true
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
  }
  try {
    await rename(temp, dayPath)
  } catch (error) {
    if (movedAside) await rename(aside, dayPath).catch(() => undefined)
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOTEMPTY' || code === 'EEXIST') {
      throw new FatalError(
        `${dayPath}: another run published this day's report at the same moment; this run's report was not written`,
        'run one report per day and directory at a time',
        { cause: error },
      )
    }
    throw error
  }
}

/** OUT/NAME → DATE/NAME, replaced by a rename (atomic); a note instead of a failure when links are not possible. */
async function linkEntry(out: string, name: string, target: string): Promise<string | null> {
  const path = join(out, name)
  if ((await readlink(path).catch(() => null)) === target) return null
  const temp = join(out, `.${name}.${process.pid}.tmp`)
  try {
    await rm(temp, { force: true })
    await symlink(target, temp)
    await rename(temp, path)
    return null
  } catch (error) {
    await rm(temp, { force: true })
    // A file of the flat layout left there would show an older report than the directory holds.
    if ((await kindOf(path)) === 'file') await rm(path, { force: true })
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message
    return `${path}: could not link it to ${target} (${reason}); the report is in ${join(out, target)}`
  }
}

/** The Markdown and charts of the day written flat in OUT by earlier versions (their JSON and HTML became links). */
async function removeFlatLeftovers(out: string, date: string): Promise<void> {
  for (const entry of await readdir(out, { withFileTypes: true })) {
    if (!entry.isFile() || entryPoints(date).includes(entry.name) || !isReportFile(date, entry.name)) continue
    await rm(join(out, entry.name), { force: true })
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

export interface History {
  days: HistoryDay[]
  /** Files left out of the ranking, or of part of it, and why, in words. */
  notes: string[]
}

/**
 * The daily reports in `out` for days before `date` in zone `tz`, as ranking history: OUT/DATE/DATE.json
 * (this layout), or OUT/DATE.json as a plain file (the flat layout of cascade.daily/1) for a day
 * without a directory. Reports narrowed with --from/--to cover part of a day and are left out.
 */
export async function readHistory(out: string, date: string, tz: string): Promise<History> {
  const entries = await readdir(out, { withFileTypes: true }).catch(() => [] as Dirent[])
  const found = new Map<string, { path: string; label: string }>()
  for (const entry of entries) {
    if (entry.isDirectory() && DAY.test(entry.name)) {
      const name = `${entry.name}/${entry.name}.json`
      found.set(entry.name, { path: join(out, name), label: name })
    }
  }
  for (const entry of entries) {
    const match = FLAT_JSON.exec(entry.name)
    if (match && entry.isFile() && !found.has(match[1]!))
      found.set(match[1]!, { path: join(out, entry.name), label: entry.name })
  }
  const days: HistoryDay[] = []
  const notes: string[] = []
  let otherZone = 0
  let narrowed = 0
  const doubled: string[] = []
  for (const day of [...found.keys()].sort()) {
    if (day >= date) continue
    const { path, label } = found.get(day)!
    let doc: unknown
    try {
      doc = JSON.parse(await readFile(path, 'utf8'))
    } catch (error) {
      const reason =
        (error as NodeJS.ErrnoException).code === 'ENOENT'
          ? 'missing'
          : `not readable JSON: ${(error as Error).message}`
      notes.push(`${label} in the report directory is ${reason}; left out of the ranking`)
      continue
    }
    const report = doc as {
      schema?: unknown
      date?: unknown
      tz?: unknown
      status?: unknown
      span?: { narrowed?: unknown }
      markets?: unknown
    }
    if (
      !HISTORY_SCHEMAS.has(report.schema as string) ||
      report.date !== day ||
      !Array.isArray(report.markets)
    ) {
      notes.push(`${label} in the report directory is not a daily report for ${day}; left out of the ranking`)
      continue
    }
    if (report.tz !== tz) {
      otherZone++
      continue
    }
    if (report.span?.narrowed === true) {
      narrowed++
      continue
    }
    if (report.status !== 'ok') continue
    const markets: HistoryDay['markets'] = new Map()
    for (const m of report.markets as Record<string, unknown>[]) {
      if (typeof m?.market !== 'string') continue
      const long = numberOrNull(m.liqLongUsd)
      const short = numberOrNull(m.liqShortUsd)
      const move = numberOrNull(m.largestMovePct)
      // cascade.daily/1 added an aggregator's liquidations to the exchanges it covers (and to other
      // aggregators'): its total is unreliable where an aggregator sat beside other series.
      const unreliable = report.schema === 'cascade.daily/1' && mayDoubleCount(m.series)
      if (unreliable && long !== null) doubled.push(`${day} ${m.market}`)
      markets.set(m.market, {
        liquidationsUsd: long !== null && short !== null && !unreliable ? long + short : null,
        rangePct: numberOrNull(m.rangePct),
        cascadeMovePct: move === null ? null : Math.abs(move),
      })
    }
    days.push({ date: day, markets })
  }
  if (otherZone > 0) {
    notes.push(
      `${otherZone} earlier report${otherZone === 1 ? '' : 's'} in the directory cover days in another time zone than ${tz}; left out of the ranking`,
    )
  }
  if (narrowed > 0) {
    notes.push(
      `${narrowed} earlier report${narrowed === 1 ? '' : 's'} in the directory cover part of a day (--from/--to); left out of the ranking`,
    )
  }
  if (doubled.length > 0) {
    notes.push(
      `liquidations of ${doubled.join(', ')} left out of the ranking: those cascade.daily/1 reports may count ` +
        'an aggregator (CoinGlass, Coinalyze) on top of the exchanges it covers; run them again to rank them',
    )
  }
  return { days, notes }
}

function mayDoubleCount(series: unknown): boolean {
  if (!Array.isArray(series) || series.length < 2) return false
  return series.some((key) => typeof key === 'string' && AGGREGATORS.has(key.split(':')[0]!))
}

function numberOrNull(x: unknown): number | null {
  return typeof x === 'number' && Number.isFinite(x) ? x : null
}
