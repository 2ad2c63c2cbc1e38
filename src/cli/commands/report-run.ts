/**
 * The work of `cascade report` (its options and help are in report.ts): pick the files that cover
 * the day, analyse the day with its baseline and tail, and write the report files atomically.
 */
import { basename } from 'node:path'
import { analyzeBars, storeSeries } from '../../analysis/index.js'
import { BarStore } from '../../bars/index.js'
import { FatalError } from '../../errors.js'
import { type Ingestion, ingest, skipWarnings } from '../../ingest/index.js'
import { expandPaths } from '../../ingest/open.js'
import { analysisWindow, buildDailyReport } from '../../report/daily/build.js'
import { marketChartSvg } from '../../report/daily/charts.js'
import { canonicalZone, dayOf, resolveDate } from '../../report/daily/day.js'
import { type ReportFile, readHistory, writeReportFiles } from '../../report/daily/files.js'
import { renderDailyHtml } from '../../report/daily/html.js'
import { chartFileName, renderDailyMarkdown } from '../../report/daily/markdown.js'
import type { DailyInput } from '../../report/daily/types.js'
import { selects } from '../../timeline/filter.js'
import { finish, type InputOptions, openTimeline, parseColumns, parseMaxLineBytes } from '../common.js'
import { Progress } from '../progress.js'
import { version } from '../version.js'
import { type DetectorOptions, inputSummaries, paramsOf } from './analyze.js'

/** The options of `cascade report`, as commander parses them. */
export interface ReportOptions extends InputOptions, DetectorOptions {
  date: string
  out: string
  tz: string
  exitCode?: boolean
}

const DAY = 86_400_000

/** Testing aid: hold this many ms after the temp files are written, before they are renamed. */
const HOLD_ENV = 'CASCADE_HOLD_BEFORE_RENAME_MS'

export async function runReport(paths: string[], options: ReportOptions): Promise<void> {
  if (options.from !== undefined || options.to !== undefined) {
    throw new FatalError('--from and --to do not apply to report: the day is --date (and --tz)')
  }
  const tz = canonicalZone(options.tz)
  if (tz === null)
    throw new FatalError(
      `--tz ${options.tz}: not a time zone this system knows`,
      'use an IANA name such as UTC, Europe/Berlin or America/New_York',
    )
  const date = resolveDate(options.date, Date.now(), tz)
  if (date === null)
    throw new FatalError(`--date ${options.date}: expected YYYY-MM-DD (a real day), yesterday or today`)
  const params = paramsOf(options)
  const day = dayOf(date, tz)
  const window = analysisWindow(day, params)

  const files = await pickFiles(await expandPaths(paths), window.from, window.to, options)
  const progress = files.length > 0 ? Progress.start(options) : null
  let ingestion: Ingestion | null = null
  const store = new BarStore()
  const perInput = new Map<number, { before: number; day: number; after: number }>()
  let dataFrom: number | null = null
  let dataTo: number | null = null
  try {
    if (files.length > 0) {
      ingestion = await openTimeline(files, options, progress ? { onBytes: progress.onBytes } : {})
      progress?.track(ingestion)
      const keep = selects({
        from: window.from,
        to: window.to,
        markets: options.market,
        exchanges: options.exchange,
      })!
      // The timeline is in time order: stop at the window's end, so later files are never opened.
      read: for await (const batch of ingestion.events) {
        for (const event of batch) {
          if (event.ts >= window.to) break read
          if (!keep(event)) continue
          store.add(event)
          if (dataFrom === null) dataFrom = event.ts
          dataTo = event.ts
          let counts = perInput.get(event.input)
          if (!counts) {
            counts = { before: 0, day: 0, after: 0 }
            perInput.set(event.input, counts)
          }
          if (event.ts < day.from) counts.before++
          else if (event.ts < day.to) counts.day++
          else counts.after++
        }
      }
    }
  } finally {
    progress?.done()
    await ingestion?.close()
  }

  const analysis = analyzeBars(store, params)
  const history = await readHistory(options.out, date, tz)
  const inputs: DailyInput[] = ingestion
    ? inputSummaries(ingestion)
        .map((summary, i) => ({
          ...summary,
          eventsInDay: perInput.get(i)?.day ?? 0,
          eventsBefore: perInput.get(i)?.before ?? 0,
          eventsAfter: perInput.get(i)?.after ?? 0,
        }))
        .filter(
          (input) => input.eventsInDay + input.eventsBefore + input.eventsAfter > 0 || input.badRows > 0,
        )
    : []
  const { report, series } = buildDailyReport({
    day,
    params,
    toolVersion: version(),
    analysis,
    series: storeSeries(store, params.groupBy, day.from, day.to),
    inputs,
    badRows: ingestion
      ? {
          total: ingestion.ledger.total,
          byCode: ingestion.ledger.byCodeObject(),
          samples: ingestion.ledger.samples(),
        }
      : { total: 0, byCode: {}, samples: [] },
    warnings: [
      ...(ingestion ? [...ingestion.warnings, ...skipWarnings(ingestion.inputs)] : []),
      ...history.notes,
    ],
    history: history.days,
    dataFrom,
    dataTo,
  })

  const svgs = new Map<string, string>()
  const written: ReportFile[] = []
  for (const market of series) {
    const svg = await marketChartSvg(market, report, day)
    if (!svg) continue
    svgs.set(market.market, svg)
    written.push({ name: chartFileName(date, market.market), content: `${svg}\n` })
  }
  written.push(
    { name: `${date}.html`, content: renderDailyHtml(report, svgs) },
    {
      name: `${date}.md`,
      content: renderDailyMarkdown(report, new Set(written.map((file) => file.name))),
    },
    // Last: the JSON is what marks a finished report (later runs read it as history).
    { name: `${date}.json`, content: `${JSON.stringify(report, null, 2)}\n` },
  )
  const hold = Number(process.env[HOLD_ENV] ?? 0)
  try {
    await writeReportFiles(options.out, written, {
      beforeRename: hold > 0 ? () => new Promise((resolve) => setTimeout(resolve, hold)) : undefined,
    })
  } catch (error) {
    if (error instanceof FatalError) throw error
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message
    throw new FatalError(
      `${options.out}: cannot write the report (${reason})`,
      'check that the directory is writable',
      { cause: error },
    )
  }

  const where = `${options.out.replace(/\/+$/, '')}/${date}`
  if (report.status === 'no-data') {
    // Said even with --quiet: a cron job's one line that the day's files are missing.
    process.stderr.write(`cascade: ${report.headline[0]} Wrote ${where}.json, .md and .html saying so.\n`)
  } else if (!options.quiet) {
    const found = report.cascades.length
    process.stderr.write(
      `cascade: wrote ${where}.json, .md, .html and ${svgs.size} chart${svgs.size === 1 ? '' : 's'}: ` +
        `${report.markets.length} market${report.markets.length === 1 ? '' : 's'}, ${found} cascade${found === 1 ? '' : 's'}\n`,
    )
  }
  const status = ingestion ? finish(ingestion, options) : 0
  process.exitCode = status !== 0 ? status : options.exitCode && report.cascades.length > 0 ? 3 : 0
}

/** `[start, end)` of the period a file name dates (`…-2021-05-19.zip`: that UTC day; `…-2021-05.zip`: the month). */
export function namedPeriod(path: string): { from: number; to: number } | null {
  const name = basename(path)
  const days = [...name.matchAll(/(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)/g)]
  const lastDay = days[days.length - 1]
  if (lastDay) {
    const from = Date.UTC(Number(lastDay[1]), Number(lastDay[2]) - 1, Number(lastDay[3]))
    return Number.isFinite(from) ? { from, to: from + DAY } : null
  }
  const months = [...name.matchAll(/(?<!\d)(\d{4})-(\d{2})(?![-\d])/g)]
  const lastMonth = months[months.length - 1]
  if (lastMonth) {
    const year = Number(lastMonth[1])
    const month = Number(lastMonth[2])
    if (month < 1 || month > 12) return null
    return { from: Date.UTC(year, month - 1, 1), to: Date.UTC(year, month, 1) }
  }
  return null
}

/**
 * The files to read for [from, to): all of them, except those whose name dates them outside the
 * window and whose first event, read from the file, falls in the named period (content confirms
 * the name). A file that cannot be checked is kept: the main read then reports its problem.
 */
async function pickFiles(
  files: readonly string[],
  from: number,
  to: number,
  options: ReportOptions,
): Promise<string[]> {
  const picked: string[] = []
  for (const file of files) {
    const period = file === '-' ? null : namedPeriod(file)
    if (period && (period.to <= from || period.from >= to)) {
      const first = await firstEventTime(file, options)
      if (first !== null && first >= period.from && first < period.to) continue
    }
    picked.push(file)
  }
  return picked
}

async function firstEventTime(file: string, options: ReportOptions): Promise<number | null> {
  let ingestion: Ingestion | null = null
  try {
    ingestion = await ingest([file], {
      source: options.source,
      symbol: options.symbol,
      columns: parseColumns(options.columns),
      exchange: options.exchange?.[0],
      market: options.market?.[0],
      maxLineBytes: parseMaxLineBytes(options.maxLineBytes),
    })
    for await (const batch of ingestion.events) {
      const first = batch[0]
      if (first) return first.ts
    }
    return null
  } catch {
    return null
  } finally {
    await ingestion?.close()
  }
}
