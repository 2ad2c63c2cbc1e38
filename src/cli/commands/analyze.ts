/**
 * cascade analyze <paths…> — find cascades and measure them.
 *
 *   cascade analyze BTCUSDT-aggTrades-2021-05-19.zip BTCUSDT-metrics-2021-05-19.zip BTCUSDT-liquidationSnapshot-2021-05-19.zip
 *   cascade analyze trades.csv
 *   cascade analyze data/2026-02-05/ --json | jq '.cascades[] | {start, extreme, move: .price.movePct}'
 *   cascade analyze data/ --ndjson --exit-code || alert "cascade found"
 */
import { type Command, Option } from 'commander'
import {
  type AnalysisParams,
  type AnalysisResult,
  analyzeBars,
  buildReport,
  DEFAULT_PARAMS,
  groupMarkets,
  marketSeries,
  paramProblems,
  windowPlan,
  windowVerdict,
} from '../../analysis/index.js'
import type { InputSummary, Report, SuspectPrintsSummary } from '../../analysis/report-types.js'
import { BarStore, WindowMiss, type WindowPlan } from '../../bars/index.js'
import { FatalError } from '../../errors.js'
import { recordsForStdout } from '../../escape.js'
import { type Ingestion, type InputStats, skipWarnings } from '../../ingest/index.js'
import { renderJson, renderNdjson } from '../../report/json.js'
import {
  addInputOptions,
  finish,
  type InputOptions,
  nothingMatched,
  openTimeline,
  selectionOf,
} from '../common.js'
import { colorWanted, Output, say } from '../output.js'
import { Progress } from '../progress.js'
import { version } from '../version.js'

export interface DetectorOptions {
  minMove: string
  within: string
  rebound: string
  baseline: string
  liqFloor: string
  liqZ: string
  mergeGap: string
  undercutWithin: string
  episodeGap: string
  eventWindow: string
  minVolumeMultiple: string
  waveCalm: string
  waveFrac: string
  groupBy: 'market' | 'series'
}

interface AnalyzeOptions extends InputOptions, DetectorOptions {
  json?: boolean
  ndjson?: boolean
  csv?: boolean
  md?: boolean
  exitCode?: boolean
}

/** The detector's options (DESIGN §5), shared by analyze and report. */
export function addDetectorOptions(command: Command): Command {
  const d = DEFAULT_PARAMS
  return command
    .option('--min-move <pct>', 'smallest price move that counts, in percent', String(d.minMovePct))
    .option(
      '--within <minutes>',
      'speed test: somewhere in a leg the price moves --min-move within this many minutes',
      String(d.withinMin),
    )
    .option(
      '--rebound <fraction>',
      'a bounce after the low that gives back more than this fraction of the move ends the leg',
      String(d.reboundFrac),
    )
    .option(
      '--undercut-within <minutes>',
      'a bounce that a later bar undercuts within this many minutes does not end the leg',
      String(d.undercutWithinMin),
    )
    .option(
      '--baseline <hours>',
      'trailing window for the liquidation and volume baselines, in hours',
      String(d.baselineHours),
    )
    .option(
      '--liq-floor <usd>',
      'per-minute liquidations (USD) below this never count as a surge, however quiet the baseline',
      String(d.liqFloorUsd),
    )
    .option(
      '--liq-z <z>',
      'robust z-score (median/MAD) a liquidation minute needs to count as a surge',
      String(d.liqZ),
    )
    .option(
      '--merge-gap <minutes>',
      'a leg that makes no new low (high) for this many minutes ends: a pause',
      String(d.mergeGapMin),
    )
    .option(
      '--episode-gap <hours>',
      'same-direction legs of one market this close, without recovery above the start, are one episode',
      String(d.episodeGapHours),
    )
    .option(
      '--event-window <minutes>',
      'cascades of different markets starting this close (or overlapping) form one market-wide event',
      String(d.eventWindowMin),
    )
    .option(
      '--min-volume-multiple <x>',
      'without liquidation data: volume per minute needed, as a multiple of the baseline median',
      String(d.minVolumeMultiple),
    )
    .option('--wave-calm <minutes>', 'calm minutes that separate two waves', String(d.waveCalmMin))
    .option(
      '--wave-frac <fraction>',
      'a minute belongs to a wave when it carries this fraction of the peak minute',
      String(d.waveFrac),
    )
    .addOption(
      new Option('--group-by <how>', 'analyse all venues of one base asset together, or each series apart')
        .choices(['market', 'series'])
        .default(d.groupBy),
    )
}

export function analyzeCommand(program: Command): void {
  addInputOptions(
    addDetectorOptions(
      program
        .command('analyze')
        .description(
          'detect cascades (fast, large, forced moves) and report price, speed, volume, liquidations and open interest',
        )
        .argument(
          '<paths...>',
          'files, directories (recursive), globs, or - for stdin; gzip and zip are recognised from their bytes',
        )
        .option('--json', 'write the report as one JSON document (schema cascade.report/1)')
        .option('--ndjson', 'write one JSON cascade per line (nothing when none is found)')
        .option('--csv', 'write one CSV row per cascade (spreadsheet-safe)')
        .option('--md', 'write the report as Markdown')
        .option('--exit-code', 'exit with status 3 when at least one cascade is found (for alerting)'),
    ),
  )
    .addHelpText(
      'after',
      `
How detection works: a cascade is one fast leg, from the last peak (trough) to the lowest low
(highest high) before a bounce of more than --rebound of the move, read bar by bar; it counts when it
moves at least --min-move % and somewhere covers --min-move % within --within minutes. With
liquidation data, liquidations must surge above their trailing --baseline (median and MAD per
minute, never below --liq-floor); without it, a volume surge (--min-volume-multiple) decides, and
without volume, price alone. Taker imbalance is reported, not a rule. Legs of one market form
episodes (--episode-gap); cascades of several markets form events (--event-window). Slow bleeds and
small wiggles are not cascades. See README "How detection works".

Examples:
  cascade analyze BTCUSDT-aggTrades-2021-05-19.zip BTCUSDT-metrics-2021-05-19.zip
  cascade analyze data/2026-02-05/ --json | jq '.cascades[] | {start, extreme, move: .price.movePct}'
  cascade analyze data/ --ndjson --exit-code || alert "cascade found"
`,
    )
    .action(async (paths: string[], options: AnalyzeOptions) => {
      const formats = ['json', 'ndjson', 'csv', 'md'].filter((f) => options[f as 'json'])
      if (formats.length > 1)
        throw new FatalError(`choose one output format, not ${formats.map((f) => `--${f}`).join(' and ')}`)
      const params = paramsOf(options)
      const { store, ingestion, progress, result } = await analyseInputs(paths, options, params)
      let report: Report
      let analysisWarnings: string[]
      try {
        const unmatched = nothingMatched(
          ingestion,
          options,
          store.series().length > 0 || store.fundingEvents > 0,
        )
        if (unmatched) ingestion.warnings.push(unmatched)
        analysisWarnings = result.warnings
        report = buildReport(result, {
          version: version(),
          inputs: inputSummaries(ingestion),
          skippedFiles: ingestion.skippedFiles,
          badRows: {
            total: ingestion.ledger.total,
            byCode: ingestion.ledger.byCodeObject(),
            samples: ingestion.ledger.samples(),
          },
          suspectPrints: suspectPrintsOf(ingestion),
          warnings: [...ingestion.warnings, ...skipWarnings(ingestion.inputs)],
        })
      } finally {
        progress?.done()
        await ingestion.close()
      }
      const color = colorWanted(process.stdout)
      // Each renderer is loaded when chosen: a pipeline asking for JSON never loads the table's.
      // The whole output is rendered before any of it is written (a failed run writes nothing).
      let text: string
      if (options.json) text = renderJson(report)
      else if (options.ndjson) text = renderNdjson(report)
      else if (options.csv)
        text = recordsForStdout((await import('../../report/cascades-csv.js')).renderCascadesCsv(report))
      else if (options.md) text = (await import('../../report/markdown.js')).renderMarkdown(report)
      else {
        const width = process.stdout.isTTY ? process.stdout.columns : undefined
        text = (await import('../../report/table.js')).renderTable(report, { color, width })
        // On a terminal, a picture of each cascade under the table (never in a pipe: the table only).
        if (process.stdout.isTTY) text += await terminalCharts(report, store, params, color)
      }
      await new Output(options.ndjson ? 'records' : 'document').write(text)
      // Data limits go to stderr for people; --json and --md carry them in the document.
      if (!options.quiet && !options.json && !options.md) {
        const { wrap } = await import('../../report/table.js')
        for (const warning of analysisWarnings)
          for (const line of wrap(`cascade: note: ${warning}`, process.stderr.columns || 80, '', '  '))
            say(line)
      }
      const status = finish(ingestion, options)
      process.exitCode = status !== 0 ? status : options.exitCode && report.cascades.length > 0 ? 3 : 0
    })
}

/**
 * The window is on unless `CASCADE_WINDOW=0` (the full path, for comparison) or an input is
 * stdin, which cannot be read a second time.
 */
export function windowWanted(paths: readonly string[]): boolean {
  return process.env.CASCADE_WINDOW !== '0' && !paths.includes('-')
}

type Opened = Awaited<ReturnType<typeof openTimeline>>

/** How the window went: the compacted bars alone, a second read around the legs, or the full path. */
export type WindowRoute = 'compacted' | 'kept' | 'full'

/**
 * The inputs read and analysed. The window (src/bars/window.ts): 1-second bars of trade files are
 * compacted as they are read, their legs found on the way; the files holding the legs that pass
 * the speed test are read again keeping the seconds around them, and everything is read again on
 * the full path when the compacted bars cannot be exact. The caller closes `ingestion` and ends
 * `progress`.
 */
export async function analyseInputs(
  paths: string[],
  options: AnalyzeOptions,
  params: AnalysisParams,
): Promise<{
  store: BarStore
  ingestion: Opened
  progress: Progress | null
  result: AnalysisResult
  route: WindowRoute
}> {
  let plan = windowWanted(paths) ? windowPlan(params) : undefined
  let route: WindowRoute = plan ? 'compacted' : 'full'
  let { store, ingestion, progress } = await readBars(paths, options, plan)
  try {
    for (;;) {
      const verdict = plan ? windowVerdict(store, params) : null
      if (verdict?.kind === 'keep' && !plan?.keep) {
        plan = windowPlan(params, verdict.keep)
        route = 'kept'
        progress?.done()
        const kept = await keepAround(store, ingestion.inputs, options, plan)
        if (kept) {
          // Its progress bar (it read the files again) says "analysing" next.
          progress = kept.progress
          continue
        }
        plan = undefined
      } else if (verdict && verdict.kind !== 'ready') plan = undefined
      else {
        progress?.analysing()
        try {
          return { store, ingestion, progress, result: analyzeBars(store, params), route }
        } catch (error) {
          if (!(error instanceof WindowMiss)) throw error
          plan = undefined
        }
      }
      route = 'full'
      progress?.done()
      await ingestion.close()
      ;({ store, ingestion, progress } = await readBars(paths, options, plan))
    }
  } catch (error) {
    progress?.done()
    await ingestion.close()
    throw error
  }
}

/**
 * The window's second read: the files that hold the stretches `plan.keep` asks for (trade inputs
 * whose span meets a stretch of their series) are read again, and the seconds they keep join the
 * compacted layers of `store`. Null when a series' seconds could not all be found that way (the
 * caller then takes the full path).
 */
async function keepAround(
  store: BarStore,
  inputs: readonly InputStats[],
  options: AnalyzeOptions,
  plan: WindowPlan,
): Promise<{ progress: Progress | null } | null> {
  const keep = plan.keep!
  const meets = (input: InputStats) =>
    input.kinds.has('trade') &&
    input.first !== null &&
    input.last !== null &&
    [...input.markets].some((market) =>
      (keep.get(`${input.exchange}:${market}`) ?? []).some(
        (s) => input.first! < s.to && input.last! >= s.from,
      ),
    )
  const files = [...new Set(inputs.filter(meets).map((input) => input.file))]
  if (files.length === 0) return null
  // Their legs are the first read's: the second keeps seconds and finds nothing.
  const side = await readBars(files, options, { keep })
  await side.ingestion.close()
  const read = new Map(side.store.series().map((series) => [series.key, series.compacted]))
  for (const series of store.series()) {
    if (!series.compacted || (keep.get(series.key) ?? []).length === 0) continue
    const again = read.get(series.key)
    if (!again) {
      side.progress?.done()
      return null
    }
    series.compacted.keepFrom(again)
  }
  return { progress: side.progress }
}

/** The inputs read into a new store (trade files with a fast path fold straight into it). */
async function readBars(
  paths: string[],
  options: AnalyzeOptions,
  window: WindowPlan | undefined,
): Promise<{ store: BarStore; ingestion: Opened; progress: Progress | null }> {
  // Progress bar (stderr on a terminal only): erased before anything is printed, kept on success
  // for the analysis that follows (the caller erases it).
  const progress = Progress.start(options)
  const store = new BarStore()
  const fold = { store, selection: selectionOf(options), window }
  let ingestion: Opened
  try {
    ingestion = await openTimeline(paths, options, progress ? { onBytes: progress.onBytes, fold } : { fold })
  } catch (error) {
    progress?.done()
    throw error
  }
  progress?.track(ingestion)
  try {
    for await (const batch of ingestion.selected) for (const event of batch) store.add(event)
  } catch (error) {
    progress?.done()
    await ingestion.close()
    throw error
  }
  return { store, ingestion, progress }
}

function positiveNumber(text: string, option: string): number {
  const value = Number(text)
  if (!Number.isFinite(value) || value <= 0)
    throw new FatalError(`${option} ${text}: expected a positive number`)
  return value
}

export function paramsOf(options: DetectorOptions): AnalysisParams {
  const reboundFrac = positiveNumber(options.rebound, '--rebound')
  if (reboundFrac >= 1)
    throw new FatalError(`--rebound ${options.rebound}: expected a fraction below 1, such as 0.33`)
  const params: AnalysisParams = {
    ...DEFAULT_PARAMS,
    minMovePct: positiveNumber(options.minMove, '--min-move'),
    withinMin: positiveNumber(options.within, '--within'),
    reboundFrac,
    baselineHours: positiveNumber(options.baseline, '--baseline'),
    liqFloorUsd: positiveNumber(options.liqFloor, '--liq-floor'),
    liqZ: positiveNumber(options.liqZ, '--liq-z'),
    mergeGapMin: positiveNumber(options.mergeGap, '--merge-gap'),
    undercutWithinMin: positiveNumber(options.undercutWithin, '--undercut-within'),
    episodeGapHours: positiveNumber(options.episodeGap, '--episode-gap'),
    eventWindowMin: positiveNumber(options.eventWindow, '--event-window'),
    minVolumeMultiple: positiveNumber(options.minVolumeMultiple, '--min-volume-multiple'),
    waveCalmMin: positiveNumber(options.waveCalm, '--wave-calm'),
    waveFrac: positiveNumber(options.waveFrac, '--wave-frac'),
    groupBy: options.groupBy,
  }
  const problems = paramProblems(params)
  if (problems.length > 0) throw new FatalError(`bad detector option: ${problems.join('; ')}`)
  return params
}

const iso = (ms: number | null) => (ms === null ? null : new Date(Math.floor(ms)).toISOString())

export function inputSummaries(ingestion: Ingestion): InputSummary[] {
  return ingestion.inputs.map((i) => ({
    path: i.path,
    source: i.source,
    exchange: i.exchange,
    symbol: [...i.symbols].sort().join(','),
    market: [...i.markets].sort().join(','),
    kind: [...i.kinds].sort().join(','),
    rows: i.rows,
    events: i.events,
    duplicates: i.duplicates,
    badRows: i.badRows,
    skipped: i.skipped,
    superseded: i.superseded,
    suspect: i.suspect,
    first: iso(i.first),
    last: iso(i.last),
  }))
}

/** The suspect prints of a run (their total is the inputs' counts, as the ledger identity has it). */
export function suspectPrintsOf(ingestion: Ingestion): SuspectPrintsSummary {
  return {
    total: ingestion.inputs.reduce((n, i) => n + i.suspect, 0),
    samples: ingestion.ledger.suspectSamples(),
  }
}

async function terminalCharts(
  report: Report,
  store: BarStore,
  params: AnalysisParams,
  color: boolean,
): Promise<string> {
  const { renderCascadeCharts } = await import('../../report/terminal-chart.js')
  const markets = new Map(groupMarkets(store, params.groupBy).map((market) => [market.name, market]))
  return renderCascadeCharts(
    report.cascades,
    (name, from, to) => {
      const market = markets.get(name)
      return market ? marketSeries(market, from, to) : null
    },
    { width: process.stdout.columns || 80, color },
  )
}
