/**
 * cascade report --date D <paths…> --out DIR — the daily report for cron (DESIGN §7): DIR/D.json
 * (cascade.daily/1), DIR/D.md, DIR/D.html and one SVG chart per market.
 *
 *   cascade report --date yesterday /data/binance /data/bybit --out /srv/reports
 *   cascade report --date 2026-02-05 data/ --out reports/ --tz Europe/Berlin
 *
 * The inputs that cover the day are picked by content: every event in [day − baseline, day end +
 * tail) is used, whatever the file is called (the tail measures a cascade that starts late in the day). A file whose name dates it outside that window (Binance's
 * `…-2021-05-18.zip`, `…-2021-04.zip`) is left unread only when its first event confirms the name,
 * so a cron job over a growing archive reads the day, not the whole history, every morning.
 */
import { basename } from 'node:path'
import type { Command } from 'commander'
import { analyzeBars, BarStore, storeSeries } from '../../analysis/index.js'
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
import { addInputOptions, finish, type InputOptions, openTimeline, parseColumns } from '../common.js'
import { Progress } from '../progress.js'
import { version } from '../version.js'
import { addDetectorOptions, type DetectorOptions, inputSummaries, paramsOf } from './analyze.js'

interface ReportOptions extends InputOptions, DetectorOptions {
  date: string
  out: string
  tz: string
  exitCode?: boolean
}

const DAY = 86_400_000

/** Testing aid: hold this many ms after the temp files are written, before they are renamed. */
const HOLD_ENV = 'CASCADE_HOLD_BEFORE_RENAME_MS'

export function reportCommand(program: Command): void {
  const command = addInputOptions(
    addDetectorOptions(
      program
        .command('report')
        .description(
          'write the daily report of one day (JSON, Markdown and HTML with charts) into a directory, for cron',
        )
        .argument(
          '<paths...>',
          'files, directories (recursive) or globs; the files that cover the day are picked by their content',
        )
        .requiredOption('--date <day>', 'the day: YYYY-MM-DD, yesterday or today (in --tz)')
        .requiredOption(
          '--out <dir>',
          'directory for DATE.json, DATE.md, DATE.html and the charts (created if missing)',
        )
        .option(
          '--tz <zone>',
          'time zone whose midnight starts the day (IANA name, e.g. Europe/Berlin); charts stay in UTC',
          'UTC',
        )
        .option('--exit-code', 'exit with status 3 when the day has at least one cascade (for alerting)'),
    ),
  )
  // The day is --date: the time-range options of the other commands do not apply.
  for (const option of command.options)
    if (option.long === '--from' || option.long === '--to') option.hideHelp()
  command
    .addHelpText(
      'after',
      `
The report compares the day with the earlier DATE.json reports in --out ("the largest liquidations
since 2025-10-10", percentiles). Files are written atomically (a temp file, then a rename): a killed
run leaves the previous report or none, never half of one. The same inputs give byte-identical files.
A day without data still gets a report that says so (exit 0, a message on stderr).

Examples:
  cascade report --date 2021-05-19 fixtures/scenarios/2021-05-19/ --out reports/
  cascade report --date yesterday /data/binance --out /srv/reports --quiet     # crontab
  cascade report --date today data/ --out reports/ --tz America/New_York --exit-code || notify
`,
    )
    .action(async (paths: string[], options: ReportOptions) => {
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
    })
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
