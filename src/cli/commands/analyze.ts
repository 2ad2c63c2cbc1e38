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
  analyzeBars,
  DEFAULT_PARAMS,
  groupMarkets,
  marketSeries,
  paramProblems,
} from '../../analysis/index.js'
import {
  type InputSummary,
  REPORT_SCHEMA,
  type Report,
  type SuspectPrintsSummary,
} from '../../analysis/report-types.js'
import { BarStore } from '../../bars/index.js'
import { FatalError } from '../../errors.js'
import { type Ingestion, skipWarnings } from '../../ingest/index.js'
import { renderJson, renderNdjson } from '../../report/json.js'
import { addInputOptions, finish, type InputOptions, openTimeline, selectionOf } from '../common.js'
import { Output } from '../output.js'
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
    .option('--within <minutes>', 'longest time from start to extreme, in minutes', String(d.withinMin))
    .option(
      '--rebound <fraction>',
      'a bounce that gives back more than this fraction of the move so far ends the episode',
      String(d.reboundFrac),
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
      'fast legs further apart than this are separate cascades, whatever the bounce',
      String(d.mergeGapMin),
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
How detection works: a cascade is a price move of at least --min-move % from the last peak (trough)
to the low (high) within --within minutes, continuing across bounces smaller than --rebound of the
move so far. With liquidation data, liquidations must surge above their trailing --baseline (median
and MAD per minute, never below --liq-floor); with trades only, price speed, volume surge and taker
imbalance decide. Slow bleeds and small wiggles are not cascades. See README "How detection works".

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
      // Progress bar (stderr on a terminal only): erased before anything is printed.
      const progress = Progress.start(options)
      // The bars stay for the terminal charts. Trade files with a fast path fold straight into them.
      const store = new BarStore()
      const fold = { store, selection: selectionOf(options) }
      let ingestion: Awaited<ReturnType<typeof openTimeline>>
      try {
        ingestion = await openTimeline(
          paths,
          options,
          progress ? { onBytes: progress.onBytes, fold } : { fold },
        )
      } catch (error) {
        progress?.done()
        throw error
      }
      progress?.track(ingestion)
      let report: Report
      let analysisWarnings: string[]
      try {
        for await (const batch of ingestion.selected) for (const event of batch) store.add(event)
        progress?.done()
        const result = analyzeBars(store, params)
        analysisWarnings = result.warnings
        report = {
          schema: REPORT_SCHEMA,
          tool: { name: 'cascade', version: version() },
          params: result.params as unknown as Record<string, unknown>,
          inputs: inputSummaries(ingestion),
          markets: result.markets,
          cascades: result.cascades,
          badRows: {
            total: ingestion.ledger.total,
            byCode: ingestion.ledger.byCodeObject(),
            samples: ingestion.ledger.samples(),
          },
          suspectPrints: suspectPrintsOf(ingestion),
          warnings: [...ingestion.warnings, ...skipWarnings(ingestion.inputs), ...result.warnings],
        }
      } finally {
        progress?.done()
        await ingestion.close()
      }
      const out = new Output()
      const color = Boolean(process.stdout.isTTY) && !process.env.NO_COLOR && process.env.TERM !== 'dumb'
      // Each renderer is loaded when chosen: a pipeline asking for JSON never loads the table's.
      if (options.json) await out.write(renderJson(report))
      else if (options.ndjson) await out.write(renderNdjson(report))
      else if (options.csv)
        await out.write((await import('../../report/cascades-csv.js')).renderCascadesCsv(report))
      else if (options.md) await out.write((await import('../../report/markdown.js')).renderMarkdown(report))
      else {
        await out.write((await import('../../report/table.js')).renderTable(report, { color }))
        // On a terminal, a picture of each cascade under the table (never in a pipe: the table only).
        if (process.stdout.isTTY) await out.write(await terminalCharts(report, store, params, color))
      }
      // Data limits go to stderr for people; --json and --md carry them in the document.
      if (!options.quiet && !options.json && !options.md) {
        for (const warning of analysisWarnings) process.stderr.write(`cascade: note: ${warning}\n`)
      }
      const status = finish(ingestion, options)
      process.exitCode = status !== 0 ? status : options.exitCode && report.cascades.length > 0 ? 3 : 0
    })
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
