/**
 * The work of `cascade report` (its options and help are in report.ts): pick the files that cover
 * the day, analyse the day with its baseline and tail, and publish the day's files as one set.
 */
import { basename } from 'node:path'
import { analyzeBars, storeSeries } from '../../analysis/index.js'
import { BarStore } from '../../bars/index.js'
import { FatalError } from '../../errors.js'
import { type Ingestion, ingest, skipWarnings } from '../../ingest/index.js'
import { expandInputs, type InputFile } from '../../ingest/open.js'
import { analysisWindow, buildDailyReport } from '../../report/daily/build.js'
import { marketChartSvg } from '../../report/daily/charts.js'
import { canonicalZone, dayOf, narrowDay, resolveDate } from '../../report/daily/day.js'
import {
  checkOutput,
  publishDay,
  type ReportFile,
  readHistory,
  recoverStale,
} from '../../report/daily/files.js'
import { renderDailyHtml } from '../../report/daily/html.js'
import { renderDailyMarkdown } from '../../report/daily/markdown.js'
import type { DailyInput } from '../../report/daily/types.js'
import { withoutFloatNoise } from '../../report/json.js'
import { selects } from '../../timeline/filter.js'
import { readDate, utcMs } from '../../timeline/time.js'
import {
  finish,
  type InputOptions,
  openTimeline,
  parseColumns,
  parseMaxLineBytes,
  parseTime,
} from '../common.js'
import { say } from '../output.js'
import { Progress } from '../progress.js'
import { version } from '../version.js'
import { type DetectorOptions, inputSummaries, paramsOf, suspectPrintsOf } from './analyze.js'

/** The options of `cascade report`, as commander parses them. */
export interface ReportOptions extends InputOptions, DetectorOptions {
  date: string
  out: string
  tz: string
  exitCode?: boolean
}

const DAY = 86_400_000

export async function runReport(paths: string[], options: ReportOptions): Promise<void> {
  const tz = canonicalZone(options.tz)
  if (tz === null)
    throw new FatalError(
      `--tz ${options.tz}: not a time zone this system knows`,
      'use an IANA name such as UTC, Europe/Berlin or America/New_York',
    )
  const resolved = resolveDate(options.date, Date.now(), tz)
  if (!resolved.ok) throw new FatalError(`--date ${options.date}: ${resolved.problem}`)
  const date = resolved.value
  const params = paramsOf(options)
  const from = options.from === undefined ? undefined : parseTime(options.from, '--from')
  const to = options.to === undefined ? undefined : parseTime(options.to, '--to')
  const narrowed = narrowDay(dayOf(date, tz), from, to)
  if (!narrowed.ok)
    throw new FatalError(
      `${narrowed.option} ${narrowed.option === '--from' ? options.from : options.to}: ${narrowed.problem}`,
      'give times inside the day, e.g. --from 2021-05-19T12:00 --to 2021-05-19T18:00 for --date 2021-05-19',
    )
  const day = narrowed.value
  const window = analysisWindow(day, params)
  // Something that is not a report where the day's files go: refused before any input is read.
  await checkOutput(options.out, date)

  const files = await pickFiles(await expandInputs(paths), window.from, window.to, options)
  const progress = files.length > 0 ? Progress.start(options) : null
  let ingestion: Ingestion | null = null
  const store = new BarStore()
  const perInput = new Map<number, { before: number; day: number; after: number }>()
  let dataFrom: number | null = null
  let dataTo: number | null = null
  try {
    if (files.length > 0) {
      // --from/--to narrow the day reported, not the data read: the baseline before them is read too.
      const reading = { ...options, from: undefined, to: undefined }
      ingestion = await openTimeline(files, reading, progress ? { onBytes: progress.onBytes } : {})
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
  // Days a killed run left moved aside are put back first, so that they rank.
  const recovered = await recoverStale(options.out).catch(() => [] as string[])
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
    suspectPrints: ingestion ? suspectPrintsOf(ingestion) : { total: 0, samples: [] },
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
  for (const chart of report.files.charts) {
    const svg = await marketChartSvg(series.find((s) => s.market === chart.market)!, report, day)
    if (!svg) throw new Error(`${chart.market}: the chart listed in the report has nothing to draw`)
    svgs.set(chart.market, svg)
    written.push({ name: chart.file, content: `${svg}\n` })
  }
  written.push(
    { name: report.files.html, content: renderDailyHtml(report, svgs) },
    {
      name: report.files.markdown,
      content: renderDailyMarkdown(report, new Set(written.map((file) => file.name))),
    },
    { name: report.files.json, content: `${JSON.stringify(report, withoutFloatNoise, 2)}\n` },
  )
  let notes: string[]
  try {
    notes = [...recovered, ...(await publishDay(options.out, date, written))]
  } catch (error) {
    if (error instanceof FatalError) throw error
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message
    throw new FatalError(
      `${options.out}: cannot write the report (${reason}); the previous report of ${date}, if any, is unchanged`,
      'check that the directory is writable and has space',
      { cause: error },
    )
  }

  const where = `${options.out.replace(/\/+$/, '')}/${date}/`
  if (!options.quiet) for (const note of notes) say(`cascade: ${note}`)
  if (report.status === 'no-data') {
    // Said even with --quiet: a cron job's one line that the day's files are missing.
    say(`cascade: ${report.headline[0]} Wrote ${where} saying so.`)
  } else if (!options.quiet) {
    const found = report.cascades.length
    say(
      `cascade: wrote ${where} (${date}.json, .md, .html and ${svgs.size} chart${svgs.size === 1 ? '' : 's'}): ` +
        `${report.markets.length} market${report.markets.length === 1 ? '' : 's'}, ${found} cascade${found === 1 ? '' : 's'}`,
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
    const reading = readDate(lastDay[0])
    if (!reading.ok) return null
    const from = utcMs(reading.value)
    return { from, to: from + DAY }
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
  files: readonly InputFile[],
  from: number,
  to: number,
  options: ReportOptions,
): Promise<InputFile[]> {
  const picked: InputFile[] = []
  for (const file of files) {
    // A stream can be read once only; a file the walk left out is listed by ingest.
    const period = file.stream || file.skip !== undefined ? null : namedPeriod(file.path)
    if (period && (period.to <= from || period.from >= to)) {
      const first = await firstEventTime(file, options)
      if (first !== null && first >= period.from && first < period.to) continue
    }
    picked.push(file)
  }
  return picked
}

async function firstEventTime(file: InputFile, options: ReportOptions): Promise<number | null> {
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
