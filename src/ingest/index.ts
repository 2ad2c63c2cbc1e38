/**
 * Ingest: paths in, one merged, de-duplicated, time-ordered timeline out, with a ledger of
 * every row (event, duplicate, skipped or bad) per input.
 */

import type { Readable } from 'node:stream'
import { FatalError } from '../errors.js'
import { detectSource, sourceById } from '../sources/index.js'
import {
  type FastTrades,
  type FileReader,
  type Probe,
  Skip,
  type Source,
  type SourceOptions,
} from '../sources/source.js'
import type { Located } from '../timeline/event.js'
import type { Selection } from '../timeline/filter.js'
import { dropDuplicates, mergeSorted } from '../timeline/merge.js'
import { type EventEncoder, timelineLines } from './fast/lines.js'
import { besideTrades, canFold, type FoldInput, FoldPlan, type FoldTarget } from './fast/plan.js'
import { threadsFromEnv } from './fast/pool.js'
import { type BadRow, type InputStats, Ledger } from './ledger.js'
import { expandPaths, type Member, membersOf, removeTemp } from './open.js'
import { peek, readEvents } from './read.js'

export type { FoldTarget } from './fast/plan.js'

export type { BadRow, InputStats } from './ledger.js'
export { Ledger } from './ledger.js'

export interface IngestOptions extends SourceOptions {
  /** `--source ID`: skip detection and read every input as this format. */
  source?: string
  strict?: boolean
  /** Events an unordered file may hold back while sorting itself (default 500,000, about 200 MB). */
  sortWindow?: number
  onBadRow?: (row: BadRow, nth: number) => void
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
}

export interface Ingestion {
  inputs: InputStats[]
  ledger: Ledger
  /** Things the user should know that are not bad rows (an empty file, an instrument skipped). */
  warnings: string[]
  /** The timeline, in time-ordered batches. Read it once. */
  events: AsyncIterable<Located[]>
  /** With `lines`, where it applies: the timeline already written, as bytes. Read it once. */
  text: AsyncIterable<Buffer> | null
  /** Total bytes of the inputs where known (plain files), for progress. */
  totalBytes: number | null
  close(): Promise<void>
}

export const DEFAULT_SORT_WINDOW = 500_000

export async function ingest(paths: readonly string[], options: IngestOptions = {}): Promise<Ingestion> {
  if (paths.length === 0)
    throw new FatalError('no input files', 'name files, directories or globs, or - for stdin')
  const forced: Source | undefined = options.source ? sourceById(options.source) : undefined
  const ledger = new Ledger({ strict: options.strict, onBadRow: options.onBadRow })
  const stdinTemp: { dir?: string } = {}
  const files = await expandPaths(paths)
  if (files.length === 0)
    throw new FatalError(
      `${paths.join(' ')}: no data files found`,
      'cascade reads .csv, .csv.gz, .zip and .ndjson files',
    )
  const members: { member: Member; file: string; index: number }[] = []
  // Opened a few at a time (each waits on the disk): a folder of daily files, or a zip of them.
  for await (const { file, inFile } of inOrder(files, async (file) => ({
    file,
    inFile: await membersOf(file, stdinTemp),
  }))) {
    inFile.forEach((member, index) => {
      members.push({ member, file, index })
    })
  }
  const fast = options.fast ?? process.env.CASCADE_FAST !== '0'

  const inputs: InputStats[] = []
  const warnings: string[] = []
  interface Detected {
    member: Member
    file: string
    index: number
    probe: Probe
    stream: Readable
    source: Source
    reader: FileReader
    stats: InputStats
  }
  const detected: Detected[] = []
  let totalBytes: number | null = 0
  const peeked = inOrder(
    members,
    async (m) => ({ ...m, ...(await peek(await m.member.open(), m.member.name, m.member.path)) }),
    (unused) => unused.stream.destroy(),
  )
  for await (const { member, file, index, probe, stream } of peeked) {
    if (probe.lines.length === 0) {
      warnings.push(`${member.path}: empty file, nothing to read`)
      stream.destroy()
      continue
    }
    const source = forced ?? detectSource(probe, member.path, options)
    const reader = source.open(probe, options)
    const stats: InputStats = {
      index: inputs.length,
      path: member.path,
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
      skipReasons: new Map(),
      first: null,
      last: null,
      bytes: 0,
    }
    inputs.push(stats)
    totalBytes = totalBytes !== null && member.size !== null ? totalBytes + member.size : null
    detected.push({ member, file, index, probe, stream, source, reader, stats })
  }

  const only = detected.length === 1 ? detected[0]! : null
  if (
    options.lines &&
    fast &&
    !options.strict &&
    only?.reader.fast &&
    !only.reader.unordered &&
    !only.reader.lineMode
  ) {
    const reader = only.reader as FileReader & { fast: FastTrades }
    return {
      inputs,
      ledger,
      warnings,
      events: noEvents(),
      text: timelineLines(
        only.stream,
        reader,
        only.stats,
        ledger,
        options.lines.selection,
        options.lines.encoder,
      ),
      totalBytes,
      close: async () => {
        only.stream.destroy()
        await removeTemp(stdinTemp)
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
      stream.destroy()
      foldInputs.push({ stats, file: d.file, memberIndex: d.index, member, source, probe, reader })
      continue
    }
    // Every input is detected up front (a bad one fails before any output), but read only when the
    // merge reaches its first timestamp: a month of daily files is then read about one at a time,
    // not all at once (memory bounded by the inputs that overlap in time, not by their number).
    // (A reader of its own: a source may keep state from row to row, such as forward-filled fields.)
    const start = member.reopenable
      ? firstTimestamp(probe, source.open(probe, options))
      : Number.NEGATIVE_INFINITY
    if (start > Number.NEGATIVE_INFINITY) stream.destroy()
    const readOptions = {
      ledger,
      stats,
      reader,
      sortWindow: options.sortWindow ?? DEFAULT_SORT_WINDOW,
      onBytes: options.onBytes,
      fast,
    }
    streams.push(
      start > Number.NEGATIVE_INFINITY
        ? (async function* reopened() {
            yield* readEvents(await member.open(), readOptions)
          })()
        : readEvents(stream, readOptions),
    )
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
          sortWindow: options.sortWindow ?? DEFAULT_SORT_WINDOW,
          onBytes: options.onBytes,
        })
      : null
  plan?.start()
  const merged = dropDuplicates(mergeSorted(streams, undefined, starts), (event) => {
    const stats = inputs[event.input]!
    stats.duplicates++
    stats.events--
  })
  const events = plan ? foldAtEnd(merged, plan) : merged
  return {
    inputs,
    ledger,
    warnings,
    events,
    text: null,
    totalBytes,
    close: async () => {
      await plan?.close()
      await removeTemp(stdinTemp)
    },
  }
}

async function* noEvents(): AsyncGenerator<Located[]> {}

/** How many inputs are opened and peeked at once. */
const OPEN_AHEAD = 8

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
 * unread until then. -Infinity (read at once) when that cannot be known: unordered files, NDJSON
 * lines, or no probe row that makes an event.
 */
function firstTimestamp(probe: Probe, reader: FileReader): number {
  if (reader.unordered || reader.lineMode) return Number.NEGATIVE_INFINITY
  for (const row of probe.lines.slice(reader.hasHeader ? 1 : 0)) {
    try {
      const made = reader.row([...row], 0)
      if (!(made instanceof Skip) && Number.isFinite(made.ts)) return made.ts
    } catch {
      // a bad row makes no event: the next one may
    }
  }
  return Number.NEGATIVE_INFINITY
}

/** Warnings about rows that were read but could not be valued, one per reason. */
export function skipWarnings(inputs: readonly InputStats[]): string[] {
  return inputs.flatMap((input) =>
    [...input.skipReasons.entries()].map(
      ([reason, n]) => `${input.path}: ${n} row${n === 1 ? '' : 's'} skipped: ${reason}`,
    ),
  )
}
