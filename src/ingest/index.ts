/**
 * Ingest: paths in, one merged, de-duplicated, time-ordered timeline out, with a ledger of
 * every row (event, duplicate, skipped or bad) per input.
 */

import type { Readable } from 'node:stream'
import { FatalError, UnclaimedFile } from '../errors.js'
import { detectSource, sourceById } from '../sources/index.js'
import {
  type FastTrades,
  type FileReader,
  headerLineCount,
  type Probe,
  Skip,
  type Source,
  type SourceOptions,
} from '../sources/source.js'
import type { Located } from '../timeline/event.js'
import { filterEvents, type Selection } from '../timeline/filter.js'
import { dropDuplicates, mergeSorted } from '../timeline/merge.js'
import type { SuspectRule } from '../timeline/suspect.js'
import { type EventEncoder, MaySuspect, timelineLines } from './fast/lines.js'
import { besideTrades, canFold, type FoldInput, FoldPlan, type FoldTarget } from './fast/plan.js'
import { threadsFromEnv } from './fast/pool.js'
import { type BadRow, type InputStats, Ledger } from './ledger.js'
import { DEFAULT_MAX_LINE_BYTES } from './lines.js'
import {
  expandInputs,
  type InputFile,
  type Member,
  membersOf,
  removeTemp,
  type SkippedFile,
  type TempDir,
} from './open.js'
import { peek, type ReadOptions, readEvents } from './read.js'
import { judged, suspectRuleOf } from './suspect.js'

export type { FoldTarget } from './fast/plan.js'

export type { BadRow, InputStats } from './ledger.js'
export { Ledger } from './ledger.js'
export { DEFAULT_MAX_LINE_BYTES, MAX_LINE_BYTES_LIMIT } from './lines.js'
export type { InputFile, SkippedFile } from './open.js'

export interface IngestOptions extends SourceOptions {
  /** `--source ID`: skip detection and read every input as this format. */
  source?: string
  strict?: boolean
  /** Events an unordered file may hold back while sorting itself (default 500,000, about 200 MB). */
  sortWindow?: number
  onBadRow?: (row: BadRow, nth: number) => void
  /** A suspect print found (printed like a bad row, but not one). */
  onSuspect?: (row: BadRow, nth: number) => void
  /**
   * How far a print must jump from its neighbours to be suspect, in percent (`--suspect-jump`,
   * default 50); null keeps every print (`--keep-suspect-prints`).
   */
  suspectJumpPct?: number | null
  onBytes?: (n: number) => void
  /**
   * The caller folds the timeline into bars (`analyze`, `bars`): trade inputs with a fast path then
   * fold straight into `fold.store` — in worker threads, without an event per row — wherever that
   * gives the bars the timeline would (fast/plan.ts). Their bars are in the store once `events`
   * has been read to the end; the events are the other inputs'.
   */
  fold?: FoldTarget
  /**
   * The caller writes the timeline's events as text and needs nothing else of them (`cascade
   * timeline`): where a single ordered trade input with a fast path makes the whole timeline, its
   * kept rows are handed to `encoder` one by one as a reused event, without an event object each
   * (fast/lines.ts), and its bytes come in `Ingestion.text`, `events` then being empty.
   */
  lines?: { selection: Selection; encoder: EventEncoder }
  /** The fast path (DESIGN §9); default on unless CASCADE_FAST=0. Off: csv-parse reads everything. */
  fast?: boolean
  /**
   * Threads for folding (default CASCADE_THREADS, else chosen from the cores this process may use
   * and the bytes to read: fast/pool.ts `autoThreads`).
   */
  threads?: number
  /** `--max-line-bytes`: a longer line of a CSV or NDJSON input is a LINE_TOO_LONG bad row (lines.ts). */
  maxLineBytes?: number
}

export interface Ingestion {
  inputs: InputStats[]
  ledger: Ledger
  /** Things the user should know that are not bad rows (an empty file, an instrument skipped). */
  warnings: string[]
  /** Files of a directory, glob or zip that were not read, and why (no format claims them). */
  skippedFiles: SkippedFile[]
  /** The timeline, in time-ordered batches. Read it once. */
  events: AsyncIterable<Located[]>
  /** With `lines`, where it applies: the timeline already written, as bytes. Read it once. */
  text: AsyncIterable<Buffer> | null
  /** Total bytes of the inputs where known (plain files), for progress. */
  totalBytes: number | null
  close(): Promise<void>
}

export const DEFAULT_SORT_WINDOW = 500_000

/**
 * `paths` as the command line gives them, or as `expandInputs` expanded them (a caller that picks
 * among the files first keeps what the walk knew about each).
 */
export async function ingest(
  paths: readonly (string | InputFile)[],
  options: IngestOptions = {},
): Promise<Ingestion> {
  const temp: TempDir = {}
  try {
    return await ingestFiles(paths, options, temp)
  } catch (error) {
    await removeTemp(temp)
    throw error
  }
}

async function ingestFiles(
  paths: readonly (string | InputFile)[],
  options: IngestOptions,
  temp: TempDir,
): Promise<Ingestion> {
  if (paths.length === 0)
    throw new FatalError('no input files', 'name files, directories or globs, or - for stdin')
  const forced: Source | undefined = options.source ? sourceById(options.source) : undefined
  const ledger = new Ledger({
    strict: options.strict,
    onBadRow: options.onBadRow,
    onSuspect: options.onSuspect,
  })
  const suspectRule = suspectRuleOf(options.suspectJumpPct)
  const named = paths.filter((path) => typeof path === 'string')
  const files = [
    ...paths.filter((path) => typeof path !== 'string'),
    ...(named.length > 0 ? await expandInputs(named) : []),
  ]
  if (files.length === 0)
    throw new FatalError(
      `${paths.map((path) => (typeof path === 'string' ? path : path.path)).join(' ')}: no data files found`,
      'cascade reads CSV, NDJSON, JSON, Feather and Parquet files, plain, gzip or zip',
    )
  const skippedFiles: SkippedFile[] = []
  const skip = (path: string, reason: string, hint?: string) => {
    if (options.strict)
      throw new FatalError(
        `${path}: ${reason}`,
        `--strict stops at a file it cannot read${hint ? `; ${hint}` : ''}`,
      )
    skippedFiles.push({ path, reason })
  }
  // In the order of the walk: the files to read, and those the walk left out (listed in place).
  const members: ({ member: Member; file: InputFile; index: number } | { left: InputFile })[] = []
  // Opened a few at a time (each waits on the disk): a folder of daily files, or a zip of them.
  for await (const { file, inFile } of inOrder(files, async (file) => ({
    file,
    inFile: file.skip === undefined ? await membersOf(file.path, temp) : null,
  }))) {
    if (inFile === null) {
      members.push({ left: file })
      continue
    }
    if (inFile.length === 0) {
      if (file.named) throw new FatalError(`${shown(file)}: the zip holds no file to read`)
      skip(file.path, 'a zip with no file to read')
    }
    inFile.forEach((member, index) => {
      members.push({ member, file, index })
    })
  }
  const fast = options.fast ?? process.env.CASCADE_FAST !== '0'
  const maxLineBytes = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES

  const inputs: InputStats[] = []
  const warnings: string[] = []
  interface Detected {
    member: Member
    file: InputFile
    index: number
    probe: Probe
    /** The text, head included, of a member read once only (stdin, a pipe); null: opened again. */
    stream: Readable | null
    source: Source
    reader: FileReader
    stats: InputStats
  }
  const detected: Detected[] = []
  let totalBytes: number | null = 0
  /** Zips named on the command line, and whether a member of each was read. */
  const namedZips = new Map<InputFile, { read: boolean; first?: UnclaimedFile }>()
  type Peeked = { probe: Probe; stream: Readable | null } | { error: unknown }
  // Peeked a few at a time (each waits on the disk); errors are taken at their member's turn.
  const peekedAhead = inOrder(
    members,
    async (entry) => {
      if ('left' in entry) return { entry, peeked: null }
      const { member } = entry
      let opened: Readable | null = null
      let peeked: Peeked
      try {
        // Every input is detected before any is read: a stream kept open meanwhile holds what it
        // read ahead (a zip member's: megabytes of inflated text and zlib's buffers), so a folder
        // of daily zips cost memory per day. One that can be opened again is opened for its head
        // only, and closed after it; one read once only (stdin, a pipe) is kept for the read.
        opened = await member.open({ head: member.reopenable })
        const { probe, stream } = await peek(opened, member.name, member.path)
        if (member.reopenable) stream.destroy()
        peeked = { probe, stream: member.reopenable ? null : stream }
      } catch (error) {
        opened?.destroy()
        peeked = { error }
      }
      return { entry, peeked }
    },
    ({ peeked }) => {
      if (peeked && 'stream' in peeked) peeked.stream?.destroy()
    },
  )
  for await (const { entry, peeked } of peekedAhead) {
    if ('left' in entry) {
      skip(entry.left.path, entry.left.skip!)
      continue
    }
    const { member, file, index } = entry
    // A file named on the command line must be read; a walk's file or a zip's member may be skipped.
    const inZip = member.path !== shown(file)
    const mayBeSkipped = !file.named || inZip
    if (file.named && inZip && !namedZips.has(file)) namedZips.set(file, { read: false })
    let probe: Probe
    let stream: Readable | null
    let source: Source
    try {
      if (!peeked || 'error' in peeked) throw peeked?.error
      ;({ probe, stream } = peeked)
      if (probe.lines.length === 0 && probe.binary === undefined) {
        warnings.push(`${member.path}: empty file, nothing to read`)
        stream?.destroy()
        continue
      }
      try {
        source = forced ?? detectSource(probe, member.path, options)
      } catch (error) {
        stream?.destroy()
        throw error
      }
    } catch (error) {
      if (!(error instanceof UnclaimedFile) || !mayBeSkipped) throw error
      const zip = namedZips.get(file)
      if (zip) zip.first ??= error
      skip(member.path, error.reason, error.hint)
      continue
    }
    const zip = namedZips.get(file)
    if (zip) zip.read = true
    const reader = source.open(probe, options)
    const stats: InputStats = {
      index: inputs.length,
      path: member.path,
      file: file.path,
      source: source.id,
      exchange: source.exchange,
      symbols: new Set(),
      markets: new Set(),
      kinds: new Set(),
      rows: 0,
      events: 0,
      duplicates: 0,
      badRows: 0,
      skipped: 0,
      superseded: 0,
      suspect: 0,
      skipReasons: new Map(),
      first: null,
      last: null,
      bytes: 0,
    }
    inputs.push(stats)
    totalBytes = totalBytes !== null && member.size !== null ? totalBytes + member.size : null
    detected.push({ member, file, index, probe, stream, source, reader, stats })
  }
  for (const [file, zip] of namedZips) {
    if (!zip.read && zip.first)
      throw new FatalError(
        `${shown(file)}: no file in the zip is in a format cascade reads (${zip.first.path}: ${zip.first.reason})`,
        file.path === '-'
          ? 'save it to a file and run cascade sources --explain FILE to see what each format expects'
          : `run cascade sources --explain ${file.path} to see what each format expects`,
      )
  }
  if (detected.length === 0 && skippedFiles.length > 0)
    throw new FatalError(
      `${paths.map((path) => (typeof path === 'string' ? path : path.path)).join(' ')}: no file in a format cascade reads (${skippedList(skippedFiles)})`,
      'run cascade sources --explain FILE to see what each format expects, or force one with --source ID',
    )
  if (skippedFiles.length > 0) warnings.unshift(skippedLine(skippedFiles))

  const only = detected.length === 1 ? detected[0]! : null
  if (
    options.lines &&
    fast &&
    !options.strict &&
    only?.reader.fast &&
    !only.reader.unordered &&
    !only.reader.lineMode &&
    !only.reader.wholeFile &&
    !only.reader.document &&
    // With suspect prints screened, the input may have to be read again (see screenedText).
    (suspectRule === null || only.member.reopenable)
  ) {
    const reader = only.reader as FileReader & { fast: FastTrades }
    const { selection, encoder } = options.lines
    const { stats, member } = only
    const readAgain: ReadOptions = {
      ledger,
      stats,
      // A reader of its own: a source may keep state from row to row.
      reader: only.source.open(only.probe, options),
      sortWindow: options.sortWindow ?? DEFAULT_SORT_WINDOW,
      fast,
      maxLineBytes,
    }
    let opened = only.stream
    const text = async function* straight(): AsyncGenerator<Buffer> {
      opened ??= await member.open()
      const stream = opened
      try {
        yield* timelineLines(stream, reader, {
          stats,
          ledger,
          selection,
          encoder,
          maxLineBytes,
          suspect: suspectRule,
        })
        return
      } catch (error) {
        if (!(error instanceof MaySuspect) || !suspectRule) throw error
        stream.destroy()
        yield* screenedText(member, readAgain, error, suspectRule, selection, encoder)
      }
    }
    return {
      inputs,
      ledger,
      warnings,
      skippedFiles,
      events: noEvents(),
      text: text(),
      totalBytes,
      close: async () => {
        opened?.destroy()
        await removeTemp(temp)
      },
    }
  }

  // Which inputs fold straight into bars (fast/plan.ts): all foldable ones, when every other
  // input holds only what fills other bar columns than trades.
  const foldable = (d: Detected) => canFold(d.reader, d.member)
  const folding =
    options.fold !== undefined &&
    fast &&
    !options.strict &&
    detected.some(foldable) &&
    detected.every((d) => foldable(d) || besideTrades(d.source))
  const foldInputs: FoldInput[] = []

  const streams: AsyncIterable<Located[]>[] = []
  const starts: number[] = []
  for (const d of detected) {
    const { member, probe, stream, source, reader, stats } = d
    if (folding && foldable(d)) {
      // A zip read from a pipe is reopened from its temp copy.
      const file = member.spooled?.file ?? d.file.path
      foldInputs.push({ stats, file, memberIndex: d.index, member, source, probe, reader })
      continue
    }
    // Every input is detected up front (a bad one fails before any output), but read only when the
    // merge reaches its first timestamp: a month of daily files is then read about one at a time,
    // not all at once (memory bounded by the inputs that overlap in time, not by their number).
    // (A reader of its own: a source may keep state from row to row, such as forward-filled fields.)
    const start = member.reopenable
      ? firstTimestamp(probe, source.open(probe, options))
      : Number.NEGATIVE_INFINITY
    const readOptions = {
      ledger,
      stats,
      reader,
      sortWindow: options.sortWindow ?? DEFAULT_SORT_WINDOW,
      onBytes: options.onBytes,
      fast,
      maxLineBytes,
    }
    // A member that can be opened again was closed after its peek (see peekedAhead).
    const read = stream
      ? readEvents(stream, readOptions)
      : (async function* reopened() {
          yield* readEvents(await member.open(), readOptions)
        })()
    streams.push(suspectRule ? judged(read, suspectRule, ledger, stats) : read)
    starts.push(start)
  }
  const plan =
    foldInputs.length > 0 && options.fold
      ? new FoldPlan(foldInputs, {
          target: options.fold,
          ledger,
          options: {
            symbol: options.symbol,
            columns: options.columns,
            exchange: options.exchange,
            market: options.market,
          },
          threads: options.threads ?? threadsFromEnv(),
          suspectRule,
          sortWindow: options.sortWindow ?? DEFAULT_SORT_WINDOW,
          maxLineBytes,
          onBytes: options.onBytes,
        })
      : null
  plan?.start()
  const merged = dropDuplicates(mergeSorted(streams, undefined, starts), (event) => {
    // A cleaned bar's row stays counted as a suspect print.
    if (event.suspect) return
    const stats = inputs[event.input]!
    stats.duplicates++
    stats.events--
  })
  const events = plan ? foldAtEnd(merged, plan) : merged
  return {
    inputs,
    ledger,
    warnings,
    skippedFiles,
    events,
    text: null,
    totalBytes,
    close: async () => {
      await plan?.close()
      await removeTemp(temp)
    },
  }
}

async function* noEvents(): AsyncGenerator<Located[]> {}

/**
 * The rest of a timeline written straight from the rows, once the input may hold a suspect print:
 * the input read again through the timeline's own stages (suspect prints judged, duplicates
 * dropped, the selection applied), its text from the bytes already written on. Those bytes were
 * screened clean, so they are the first bytes of this text; the bad rows already in the ledger
 * (up to `restart.lastBadLine`) are not added again, and the input's other counts start over.
 */
async function* screenedText(
  member: Member,
  read: ReadOptions,
  restart: MaySuspect,
  rule: SuspectRule,
  selection: Selection,
  encoder: EventEncoder,
): AsyncGenerator<Buffer> {
  const { stats, ledger } = read
  Object.assign(stats, { rows: 0, events: 0, duplicates: 0, skipped: 0, suspect: 0, first: null, last: null })
  stats.skipReasons.clear()
  ledger.countedThrough(stats.index, restart.lastBadLine)
  encoder.take()
  const events = dropDuplicates(
    mergeSorted([judged(readEvents(await member.open(), read), rule, ledger, stats)]),
    (event) => {
      if (event.suspect) return
      stats.duplicates++
      stats.events--
    },
  )
  let written = restart.released
  for await (const batch of filterEvents(events, selection)) {
    for (const event of batch) encoder.add(event)
    const bytes = encoder.take()
    const skip = Math.min(written, bytes.length)
    written -= skip
    if (skip < bytes.length) yield bytes.subarray(skip)
  }
}

/** How many inputs are opened and peeked at once. */
export const OPEN_AHEAD = 8

/**
 * `open` of each item, up to OPEN_AHEAD at once, the results in the items' order; an error comes
 * at its item's turn. Results opened ahead and never taken (an error, the caller stopping) are
 * handed to `drop`.
 */
async function* inOrder<T, R>(
  items: readonly T[],
  open: (item: T) => Promise<R>,
  drop?: (result: R) => void,
): AsyncGenerator<R> {
  type Settled = { ok: true; value: R } | { ok: false; error: unknown }
  const ahead: Promise<Settled>[] = []
  let next = 0
  const openNext = () => {
    const item = items[next++]!
    ahead.push(
      open(item).then(
        (value): Settled => ({ ok: true, value }),
        (error: unknown): Settled => ({ ok: false, error }),
      ),
    )
  }
  try {
    while (next < items.length && ahead.length < OPEN_AHEAD) openNext()
    while (ahead.length > 0) {
      const settled = await ahead.shift()!
      if (next < items.length) openNext()
      if (!settled.ok) throw settled.error
      yield settled.value
    }
  } finally {
    for (const settled of await Promise.all(ahead.splice(0))) if (settled.ok) drop?.(settled.value)
  }
}

/** The timeline of the other inputs, and then the folded inputs' bars into the store. */
async function* foldAtEnd(events: AsyncIterable<Located[]>, plan: FoldPlan): AsyncGenerator<Located[]> {
  yield* events
  await plan.finish()
}

/**
 * The time of an ordered file's first event, from the rows already in the probe: ordered inputs
 * never emit an event before it (an earlier row is OUT_OF_ORDER), so the merge may leave the file
 * unread until then. -Infinity (read at once) when that cannot be known: unordered files, files
 * read whole (newest first), NDJSON lines, whole documents (JSON, Feather, Parquet), or no probe
 * row that makes an event.
 */
function firstTimestamp(probe: Probe, reader: FileReader): number {
  if (reader.unordered || reader.lineMode || reader.wholeFile || reader.document)
    return Number.NEGATIVE_INFINITY
  for (const row of probe.lines.slice(headerLineCount(reader))) {
    try {
      const made = reader.row([...row], 0)
      if (!(made instanceof Skip) && Number.isFinite(made.ts)) return made.ts
    } catch {
      // a bad row makes no event: the next one may
    }
  }
  return Number.NEGATIVE_INFINITY
}

const shown = (file: InputFile) => (file.path === '-' ? '<stdin>' : file.path)

const SHOWN_SKIPPED = 10

/** The skipped files by the first words of their reason: `unknown format: a.txt, b.json; not a data file: c.png`. */
function skippedList(skipped: readonly SkippedFile[]): string {
  const byReason = new Map<string, string[]>()
  for (const file of skipped.slice(0, SHOWN_SKIPPED)) {
    const brief = file.reason.replace(/ \(.*$|: .*$|, .*$/, '')
    byReason.set(brief, [...(byReason.get(brief) ?? []), file.path])
  }
  const more = skipped.length - Math.min(skipped.length, SHOWN_SKIPPED)
  const groups = [...byReason].map(([brief, paths]) => `${brief}: ${paths.join(', ')}`)
  return `${groups.join('; ')}${more > 0 ? `; and ${more} more` : ''}`
}

/** The one line on stderr (and in `warnings`) that counts and names the skipped files. */
function skippedLine(skipped: readonly SkippedFile[]): string {
  const n = skipped.length
  return `skipped ${n} file${n === 1 ? '' : 's'} (${skippedList(skipped)})`
}

/**
 * Warnings about rows that were read but are not events: skipped (could not be valued), one per
 * reason, and superseded bars, with the rule that chose.
 */
export function skipWarnings(inputs: readonly InputStats[]): string[] {
  return inputs.flatMap((input) => [
    ...[...input.skipReasons.entries()].map(
      ([reason, n]) => `${input.path}: ${n} row${n === 1 ? '' : 's'} skipped: ${reason}`,
    ),
    ...(input.superseded > 0
      ? [
          `${input.path}: ${input.superseded} bar${input.superseded === 1 ? '' : 's'} superseded: ` +
            `the file holds the same bar again with other values${input.supersededRule ? `; ${input.supersededRule}` : ''}`,
        ]
      : []),
  ])
}
