/**
 * What every command that reads inputs shares: the input options, opening the timeline, the
 * bad-row report on stderr, and the exit status they lead to (DESIGN §8).
 */
import { type Command, Option } from 'commander'
import { FatalError } from '../errors.js'
import {
  DEFAULT_SORT_WINDOW,
  type Ingestion,
  type IngestOptions,
  ingest,
  skipWarnings,
} from '../ingest/index.js'
import { exceedsTolerance, parseTolerance } from '../ingest/ledger.js'
import type { Located } from '../timeline/event.js'
import { filterEvents, type Selection } from '../timeline/filter.js'

export interface InputOptions {
  source?: string
  symbol?: string
  columns?: string
  exchange?: string[]
  market?: string[]
  from?: string
  to?: string
  strict?: boolean
  maxBadRows: string
  sortWindow?: string
  threads?: string
  quiet?: boolean
  debug?: boolean
  progress?: boolean
}

const collect = (value: string, previous: string[] = []) => [...previous, ...value.split(',').filter(Boolean)]

export function addInputOptions(command: Command): Command {
  return command
    .option(
      '--from <time>',
      'start of the time range, ISO time or date, UTC unless a zone is given (e.g. 2021-05-19T12:00)',
    )
    .option('--to <time>', 'end of the time range (exclusive), same forms as --from')
    .option(
      '--market <name...>',
      'keep these markets: a base asset (BTC), a canonical market (BTC-USDT-PERP) or a symbol (BTCUSDT)',
      collect,
    )
    .option('--exchange <name...>', 'keep these exchanges (binance, bybit, …)', collect)
    .option('--source <id>', 'read every input as this format instead of detecting it (see cascade sources)')
    .option(
      '--symbol <symbol>',
      'the symbol of inputs whose name and rows do not say it (stdin, renamed files)',
    )
    .option(
      '--columns <mapping>',
      'generic CSV column mapping, e.g. ts=time,price=px,amount=qty,side=taker_side',
    )
    .option('--strict', 'stop at the first bad row (exit 1)')
    .option(
      '--max-bad-rows <n>',
      'bad rows tolerated before exit status 1: a count or a share like 0.1%',
      '0',
    )
    .option(
      '--sort-window <rows>',
      'rows a file written out of time order (Binance metrics, Bybit, BitMEX) may hold back to sort itself; about 400 bytes each',
      String(DEFAULT_SORT_WINDOW),
    )
    .option(
      '--threads <n>',
      'threads that parse big trade files (default: CASCADE_THREADS, else one per 48 MiB of input, up to the cores not busy)',
    )
    .addOption(new Option('--no-progress', 'never show a progress bar'))
    .option('-q, --quiet', 'print no summary or warnings on stderr (errors still)')
    .option('--debug', 'show stack traces of errors')
}

/** `2021-05-19`, `2021-05-19T12:00`, `2021-05-19 12:00:00`, with optional zone; no zone means UTC. */
export function parseTime(text: string, option: string): number {
  const trimmed = text.trim().replace(' ', 'T')
  let iso = trimmed
  if (/^\d{4}-\d{2}-\d{2}$/.test(trimmed)) iso = `${trimmed}T00:00:00Z`
  else if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(trimmed)) iso = `${trimmed}Z`
  const ms = /^\d{4}-\d{2}-\d{2}T/.test(iso) ? Date.parse(iso) : Number.NaN
  if (!Number.isFinite(ms))
    throw new FatalError(
      `${option} ${text}: expected an ISO date or time such as 2021-05-19 or 2021-05-19T12:00Z`,
    )
  return ms
}

export function parseColumns(text: string | undefined): Record<string, string> | undefined {
  if (text === undefined) return undefined
  const mapping: Record<string, string> = {}
  for (const pair of text.split(',')) {
    const eq = pair.indexOf('=')
    if (eq <= 0)
      throw new FatalError(`--columns: expected field=column pairs such as ts=time,price=px, got "${pair}"`)
    mapping[pair.slice(0, eq).trim()] = pair.slice(eq + 1).trim()
  }
  return mapping
}

export function selectionOf(options: InputOptions): Selection {
  const selection: Selection = {
    from: options.from === undefined ? undefined : parseTime(options.from, '--from'),
    to: options.to === undefined ? undefined : parseTime(options.to, '--to'),
    markets: options.market,
    exchanges: options.exchange,
  }
  if (selection.from !== undefined && selection.to !== undefined && selection.to <= selection.from) {
    throw new FatalError(`--to ${options.to} is not after --from ${options.from}`)
  }
  return selection
}

const SHOWN_BAD_ROWS = 10

/** Open the inputs as one filtered timeline, printing bad rows on stderr as they are found. */
export async function openTimeline(
  paths: string[],
  options: InputOptions,
  extra: Partial<IngestOptions> = {},
): Promise<Ingestion & { selected: AsyncIterable<Located[]> }> {
  const selection = selectionOf(options)
  parseTolerance(options.maxBadRows) // a bad option fails before any input is read
  const sortWindow = Number(options.sortWindow ?? DEFAULT_SORT_WINDOW)
  if (!Number.isInteger(sortWindow) || sortWindow < 1)
    throw new FatalError(`--sort-window ${options.sortWindow}: expected a positive whole number`)
  const threads = options.threads === undefined ? undefined : Number(options.threads)
  if (threads !== undefined && !(Number.isInteger(threads) && threads >= 1 && threads <= 64)) {
    throw new FatalError(`--threads ${options.threads}: expected a whole number from 1 to 64`)
  }
  const ingestion = await ingest(paths, {
    threads,
    source: options.source,
    symbol: options.symbol,
    columns: parseColumns(options.columns),
    exchange: options.exchange?.[0],
    market: options.market?.[0],
    strict: options.strict,
    sortWindow,
    onBadRow: (row, nth) => {
      if (options.quiet || nth > SHOWN_BAD_ROWS) return
      process.stderr.write(`${row.file}:${row.line}: ${row.code} ${row.message}\n`)
    },
    ...extra,
  })
  return { ...ingestion, selected: filterEvents(ingestion.events, selection) }
}

const count = (n: number) => n.toLocaleString('en-US')
const plural = (n: number, noun: string) => `${count(n)} ${noun}${n === 1 ? '' : 's'}`

/** The closing lines on stderr, and the exit status: 1 when bad rows exceed the tolerance. */
export function finish(ingestion: Ingestion, options: InputOptions): number {
  const { inputs, ledger } = ingestion
  const rows = inputs.reduce((n, i) => n + i.rows, 0)
  const tolerance = parseTolerance(options.maxBadRows)
  const exceeded = exceedsTolerance(ledger.total, rows, tolerance)
  if (!options.quiet) {
    for (const warning of [...ingestion.warnings, ...skipWarnings(inputs)])
      process.stderr.write(`cascade: warning: ${warning}\n`)
    if (ledger.total > SHOWN_BAD_ROWS)
      process.stderr.write(`  … ${plural(ledger.total - SHOWN_BAD_ROWS, 'more bad row')}\n`)
    const events = inputs.reduce((n, i) => n + i.events, 0)
    const duplicates = inputs.reduce((n, i) => n + i.duplicates, 0)
    const skipped = inputs.reduce((n, i) => n + i.skipped, 0)
    const parts = [
      `${count(rows)} rows from ${count(inputs.length)} input${inputs.length === 1 ? '' : 's'}`,
      `${count(events)} events`,
    ]
    if (duplicates) parts.push(`${count(duplicates)} duplicates dropped`)
    if (skipped) parts.push(`${count(skipped)} skipped`)
    parts.push(plural(ledger.total, 'bad row'))
    process.stderr.write(`cascade: ${parts.join(', ')}\n`)
  }
  if (exceeded) {
    const limit = tolerance.percent !== undefined ? `${tolerance.percent}%` : String(tolerance.count ?? 0)
    process.stderr.write(
      `cascade: ${plural(ledger.total, 'bad row')} of ${count(rows)} exceed --max-bad-rows ${limit}; the output leaves them out (raise --max-bad-rows to accept them)\n`,
    )
    return 1
  }
  return 0
}
