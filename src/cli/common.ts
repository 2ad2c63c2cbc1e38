/**
 * What every command that reads inputs shares: the input options, opening the timeline, the
 * bad-row report on stderr, and the exit status they lead to (DESIGN §8).
 */
import { type Command, Option } from 'commander'
import { FatalError } from '../errors.js'
import {
  DEFAULT_MAX_LINE_BYTES,
  DEFAULT_SORT_WINDOW,
  type Ingestion,
  type IngestOptions,
  type InputFile,
  ingest,
  MAX_LINE_BYTES_LIMIT,
  skipWarnings,
} from '../ingest/index.js'
import { exceedsTolerance, parseTolerance } from '../ingest/ledger.js'
import { wrap } from '../report/format.js'
import type { Located } from '../timeline/event.js'
import { filterEvents, type Selection } from '../timeline/filter.js'
import { DEFAULT_SUSPECT_JUMP_PCT } from '../timeline/suspect.js'
import { readInstant } from '../timeline/time.js'
import { say } from './output.js'

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
  suspectJump: string
  keepSuspectPrints?: boolean
  maxLineBytes?: string
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
      'rows a file written out of time order (Binance metrics, Bybit, BitMEX) may hold back to sort itself; about 400 bytes each (newest-first bar files are held whole: up to 600,000 rows, or this if larger)',
      String(DEFAULT_SORT_WINDOW),
    )
    .option(
      '--suspect-jump <pct>',
      'a print this many percent above the prints around it (or below them by the same factor) that comes back at once, unconfirmed, is kept out of the price path',
      String(DEFAULT_SUSPECT_JUMP_PCT),
    )
    .option('--keep-suspect-prints', 'keep every print in the price path, suspect or not')
    .option(
      '--max-line-bytes <size>',
      'longest line of a CSV or NDJSON input; a longer one is a LINE_TOO_LONG bad row, skipped unread (e.g. 4MiB)',
      '1MiB',
    )
    .option(
      '--threads <n>',
      'threads that parse big trade files (default: CASCADE_THREADS, else one per 48 MiB of input, up to the cores not busy)',
    )
    .addOption(new Option('--no-progress', 'never show a progress bar'))
    .option('-q, --quiet', 'print no summary or warnings on stderr (errors still)')
    .option('--debug', 'show stack traces of errors')
}

/**
 * `2021-05-19`, `2021-05-19T12:00`, `2021-05-19 12:00:00`, with optional zone; no zone means UTC.
 * Days and times that do not exist (2021-02-30) are refused: one reader for every command.
 */
export function parseTime(text: string, option: string): number {
  const reading = readInstant(text)
  if (!reading.ok) throw new FatalError(`${option} ${text}: ${reading.problem}`)
  return reading.value
}

const UNITS: Readonly<Record<string, number>> = { '': 1, k: 1 << 10, m: 1 << 20, g: 1 << 30 }

/** `--max-line-bytes`: bytes, or KiB/MiB with a suffix (`65536`, `64KiB`, `4M`). */
export function parseMaxLineBytes(text: string | undefined): number {
  if (text === undefined) return DEFAULT_MAX_LINE_BYTES
  const m = /^(\d+)\s*([kmg]?)(?:i?b)?$/i.exec(text.trim())
  const bytes = m ? Number(m[1]) * UNITS[m[2]!.toLowerCase()]! : Number.NaN
  if (!(Number.isSafeInteger(bytes) && bytes >= 1 && bytes <= MAX_LINE_BYTES_LIMIT)) {
    throw new FatalError(
      `--max-line-bytes ${text}: expected a size from 1 byte to 256MiB, such as 1048576, 64KiB or 4MiB`,
    )
  }
  return bytes
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

/** `--suspect-jump` as ingest takes it: percent, or null for --keep-suspect-prints. */
export function suspectJumpOf(
  options: Pick<InputOptions, 'suspectJump' | 'keepSuspectPrints'>,
): number | null {
  if (options.keepSuspectPrints) return null
  const text = options.suspectJump ?? String(DEFAULT_SUSPECT_JUMP_PCT)
  const pct = Number(text)
  if (!Number.isFinite(pct) || pct <= 0)
    throw new FatalError(
      `--suspect-jump ${text}: expected a positive percentage such as 50`,
      'or --keep-suspect-prints to keep every print',
    )
  return pct
}

/** Open the inputs as one filtered timeline (its bad rows and suspect prints are told in `finish`). */
export async function openTimeline(
  paths: readonly (string | InputFile)[],
  options: InputOptions,
  extra: Partial<IngestOptions> = {},
): Promise<Ingestion & { selected: AsyncIterable<Located[]> }> {
  const selection = selectionOf(options)
  parseTolerance(options.maxBadRows) // a bad option fails before any input is read
  const suspectJumpPct = suspectJumpOf(options)
  const sortWindow = Number(options.sortWindow ?? DEFAULT_SORT_WINDOW)
  if (!Number.isInteger(sortWindow) || sortWindow < 1)
    throw new FatalError(`--sort-window ${options.sortWindow}: expected a positive whole number`)
  const maxLineBytes = parseMaxLineBytes(options.maxLineBytes)
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
    suspectJumpPct,
    maxLineBytes,
    ...extra,
  })
  return { ...ingestion, selected: filterEvents(ingestion.events, selection) }
}

const count = (n: number) => n.toLocaleString('en-US')

const minuteOf = (ms: number) => new Date(ms).toISOString().slice(0, 16).replace('T', ' ')
const SHOWN_MARKETS = 10

/**
 * When --from, --to, --market or --exchange left nothing of inputs that hold events, the warning
 * that says so and what the inputs do hold (markets by exchange, time span); otherwise null.
 * `matched`: whether anything was selected, as the command counts it.
 */
export function nothingMatched(ingestion: Ingestion, options: InputOptions, matched: boolean): string | null {
  const filters = [
    ...(options.market?.length ? [`--market ${options.market.join(',')}`] : []),
    ...(options.exchange?.length ? [`--exchange ${options.exchange.join(',')}`] : []),
    ...(options.from !== undefined ? [`--from ${options.from}`] : []),
    ...(options.to !== undefined ? [`--to ${options.to}`] : []),
  ]
  const holding = ingestion.inputs.filter((input) => input.events > 0 && input.first !== null)
  if (matched || filters.length === 0 || holding.length === 0) return null
  const byExchange = new Map<string, Set<string>>()
  for (const input of holding) {
    const markets = byExchange.get(input.exchange) ?? new Set<string>()
    for (const market of input.markets) markets.add(market)
    byExchange.set(input.exchange, markets)
  }
  // Sources of several exchanges (`*`: cascade's own formats) name the market alone.
  const names = [...byExchange.keys()]
    .sort()
    .flatMap((exchange) =>
      [...byExchange.get(exchange)!]
        .sort()
        .map((market) => (exchange === '*' ? market : `${exchange} ${market}`)),
    )
  const more = names.length - SHOWN_MARKETS
  const markets = `${names.slice(0, SHOWN_MARKETS).join(', ')}${more > 0 ? ` and ${more} more` : ''}`
  const first = Math.min(...holding.map((input) => input.first!))
  const last = Math.max(...holding.map((input) => input.last ?? input.first!))
  return `nothing matched ${filters.join(' ')}: the inputs hold ${markets}, from ${minuteOf(first)} to ${minuteOf(last)} UTC`
}
const plural = (n: number, noun: string) => `${count(n)} ${noun}${n === 1 ? '' : 's'}`

/** The closing lines on stderr, and the exit status: 1 when bad rows exceed the tolerance. */
export function finish(ingestion: Ingestion, options: InputOptions): number {
  const { inputs, ledger } = ingestion
  const rows = inputs.reduce((n, i) => n + i.rows, 0)
  const tolerance = parseTolerance(options.maxBadRows)
  const exceeded = exceedsTolerance(ledger.total, rows, tolerance)
  if (!options.quiet) {
    // The first bad rows, then the first suspect prints, in file and line order: the same
    // whatever path read them, and in whatever order they were found (issue 15 item 11).
    for (const row of ledger.samples().slice(0, SHOWN_BAD_ROWS))
      say(`${row.file}:${row.line}: ${row.code} ${row.message}`)
    if (ledger.total > SHOWN_BAD_ROWS) say(`  … ${plural(ledger.total - SHOWN_BAD_ROWS, 'more bad row')}`)
    for (const row of ledger.suspectSamples().slice(0, SHOWN_BAD_ROWS))
      say(`${row.file}:${row.line}: ${row.code} ${row.message}`)
    if (ledger.suspectTotal > SHOWN_BAD_ROWS)
      say(`  … ${plural(ledger.suspectTotal - SHOWN_BAD_ROWS, 'more suspect print')}`)
    for (const warning of [...ingestion.warnings, ...skipWarnings(inputs)])
      say(`cascade: warning: ${warning}`)
    const events = inputs.reduce((n, i) => n + i.events, 0)
    const duplicates = inputs.reduce((n, i) => n + i.duplicates, 0)
    const skipped = inputs.reduce((n, i) => n + i.skipped, 0)
    const superseded = inputs.reduce((n, i) => n + i.superseded, 0)
    const suspect = inputs.reduce((n, i) => n + i.suspect, 0)
    const parts = [
      `${count(rows)} rows from ${count(inputs.length)} input${inputs.length === 1 ? '' : 's'}`,
      `${count(events)} events`,
    ]
    if (duplicates) parts.push(`${count(duplicates)} duplicates dropped`)
    if (skipped) parts.push(`${count(skipped)} skipped`)
    if (superseded) parts.push(`${count(superseded)} superseded`)
    if (suspect) parts.push(`${plural(suspect, 'suspect print')} left out of the price path`)
    parts.push(plural(ledger.total, 'bad row'))
    // Fitted to the terminal (80 columns when stderr is not one), as the notes are.
    for (const line of wrap(`cascade: ${parts.join(', ')}`, process.stderr.columns || 80, '', '  ')) say(line)
  }
  if (exceeded) {
    const limit = tolerance.percent !== undefined ? `${tolerance.percent}%` : String(tolerance.count ?? 0)
    say(
      `cascade: ${plural(ledger.total, 'bad row')} of ${count(rows)} exceed --max-bad-rows ${limit}; the output leaves them out (raise --max-bad-rows to accept them)`,
    )
    return 1
  }
  return 0
}
