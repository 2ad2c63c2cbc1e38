/**
 * Folding inputs straight into bars (DESIGN §9), and the rules that keep the bars exactly those the
 * timeline would make:
 *
 * - Only ordered trade inputs with a fast path fold, and only when every other input holds
 *   liquidations, open interest or funding alone: those fill other columns of a bar than trades,
 *   so no second's sums depend on how the two interleave. (Any other input that may hold trades or
 *   bars makes every input go through the timeline; the fast path then makes events.)
 * - Inputs of one series whose kept times overlap (by the second) are read again as events,
 *   merged and de-duplicated as the timeline does: two copies of one day, trades and aggTrades
 *   of one symbol. Inputs one after the other (daily files) fold apart and join exactly.
 * - A plain file is cut into byte ranges read at once; the ranges are joined in order (see
 *   fold.ts), or the file is read again in one piece when a range's own decisions do not hold.
 *
 * - Suspect prints (timeline/suspect.ts) need the rows around a trade, and the fold keeps none: it
 *   screens the seconds it folds instead (SpikeScreen), and an input the screen flags is read
 *   again as events through the timeline's stage, which decides. Real data is hardly ever flagged.
 *
 * Bad rows and counts go to the ledger and the inputs' stats as the timeline would leave them.
 */
import { BarColumns, type BarStore, CompactTicks, SeriesBars, type WindowPlan } from '../../bars/index.js'
import type { FastTrades, FileReader, Probe, Source, SourceOptions } from '../../sources/source.js'
import type { Located } from '../../timeline/event.js'
import { filterEvents, type Selection, selects } from '../../timeline/filter.js'
import { dropDuplicates, mergeSorted } from '../../timeline/merge.js'
import type { SuspectRule } from '../../timeline/suspect.js'
import { type InputStats, Ledger } from '../ledger.js'
import type { Member } from '../open.js'
import { readEvents } from '../read.js'
import { judged } from '../suspect.js'
import { type FoldResult, type FoldWindow, SAMPLES, TradeFold } from './fold.js'
import { autoThreads, FoldPool } from './pool.js'
import { type FoldTask, fastReaderOf, runFoldTask } from './task.js'

/** What the consumer of the timeline folds into, and its selection (which the fold applies too). */
export interface FoldTarget {
  store: BarStore
  selection: Selection
  /**
   * Compact each series' 1-second bars as its files are joined (src/bars/window.ts): the caller
   * reads the inputs again, keeping more, when the compacted bars are not enough.
   */
  window?: WindowPlan
}

export interface FoldInput {
  stats: InputStats
  /** The path on the command line (a zip read from a pipe: its temp copy), and the member's index in it. */
  file: string
  memberIndex: number
  member: Member
  source: Source
  probe: Probe
  reader: FileReader
}

/** Kinds whose events fill other bar columns than trades do. */
const BESIDE_TRADES = new Set(['liquidation', 'open_interest', 'funding'])

/** Byte ranges a plain file is cut into, to share among the threads (DESIGN §9). */
export const RANGE_BYTES = 32 << 20
/** The smallest range worth a thread. */
export const MIN_RANGE_BYTES = 4 << 20
/** Blocks of decompressed text handed to the workers. */
export const BLOCK_BYTES = 4 << 20
/** Inputs smaller than this in all are folded in this thread (a worker takes ~50 ms to start). */
export const WORKER_MIN_BYTES = 4 << 20

/** Can this input fold straight into bars? (Ordered, with a fast path, re-openable.) */
export function canFold(reader: FileReader, member: Member): reader is FileReader & { fast: FastTrades } {
  return reader.fast !== undefined && !reader.unordered && !reader.lineMode && member.reopenable
}

/** Inputs that can be left beside folded trades: everything they hold fills other columns. */
export function besideTrades(source: Source): boolean {
  return source.kinds.every((kind) => BESIDE_TRADES.has(kind))
}

export interface FoldContext {
  target: FoldTarget
  ledger: Ledger
  options: SourceOptions
  /** Threads asked for; undefined: chosen from the cores and the work (`autoThreads`). */
  threads: number | undefined
  sortWindow: number
  /** Lines longer than this are LINE_TOO_LONG bad rows (lines.ts). */
  maxLineBytes: number
  onBytes?: (n: number) => void
  /** Null with --keep-suspect-prints. */
  suspectRule: SuspectRule | null
}

type Settled = { ok: true; result: FoldResult } | { ok: false; error: unknown }

interface Planned {
  input: FoldInput
  layout: FastTrades
  window: FoldWindow
  /** The member's tasks; for a member read in blocks, the first block's task as a template. */
  tasks: FoldTask[]
  /** A compressed member inflated here and handed to the workers block by block. */
  blocks: boolean
  results: Promise<Settled>[]
  /** The inflating of a member read in blocks (its errors are the member's). */
  feeding?: Promise<Settled | null>
  /** The blocks were given up on: the member is read again in one piece. */
  onePiece?: boolean
}

const settle = (result: Promise<FoldResult>): Promise<Settled> =>
  result.then(
    (r) => ({ ok: true, result: r }),
    (error: unknown) => ({ ok: false, error }),
  )

/** The selection as it applies to one trade input of one series. */
export function foldWindow(layout: FastTrades, selection: Selection): FoldWindow {
  // --market and --exchange as they apply to the whole input (its one series); time per row.
  const keeps = selects({ markets: selection.markets, exchanges: selection.exchanges })
  const excluded =
    keeps !== null &&
    !keeps({
      ts: 0,
      exchange: layout.exchange,
      symbol: layout.symbol,
      market: layout.market,
      kind: 'trade',
      source: layout.source,
      price: 0,
      amount: 0,
      notionalUsd: null,
      side: 'unknown',
    })
  return { from: selection.from, to: selection.to, excluded }
}

export class FoldPlan {
  private readonly pool: FoldPool
  private readonly planned: Planned[] = []
  /** The inputs' folds, joined as they finish (see joinInOrder). */
  private joining: Promise<void> | null = null
  private joinError: { error: unknown } | null = null
  private readonly folds: { plan: Planned; fold: TradeFold; flagged: boolean }[] = []
  private readonly joins = new Map<string, SeriesJoin>()

  constructor(
    inputs: FoldInput[],
    private readonly context: FoldContext,
  ) {
    const bytes = inputs.reduce((n, i) => n + (i.member.size ?? RANGE_BYTES), 0)
    const threads =
      context.threads === undefined ? autoThreads(bytes) : bytes >= WORKER_MIN_BYTES ? context.threads : 1
    this.pool = new FoldPool(threads)
    // Fewer compressed inputs than threads: each is inflated here (zlib on the thread pool) and
    // parsed by the workers in blocks, at the speed of inflate; more: each goes whole to a thread
    // of its own. Blocks need two workers: with one, inflating, feeding and parsing share two
    // cores worse than one thread parsing while zlib inflates beside it (measured).
    const compressed = inputs.filter((i) => i.member.path !== i.file || i.member.size === null)
    const inBlocks = this.pool.workerThreads >= 2 && compressed.length < threads
    const selection = context.target.selection
    for (const input of inputs) {
      const layout = input.reader.fast!
      const window: FoldWindow = { ...foldWindow(layout, selection), suspect: context.suspectRule }
      const base = {
        input: input.stats.index,
        file: input.file,
        fileShownAs: input.member.spooled?.shownAs ?? input.file,
        member: input.memberIndex,
        path: input.member.path,
        sourceId: input.source.id,
        probe: input.probe,
        options: context.options,
        window,
        maxLineBytes: context.maxLineBytes,
      }
      const size = input.member.size
      const plain = input.member.path === input.file && size !== null
      // At least one range per thread, of about RANGE_BYTES: the runners take the next one when
      // free, so the main thread, which starts at once, takes more than the workers, which start
      // about 0.1 s later. A file smaller than a thread's share of all the work is not cut: whole
      // files keep every thread busy (a folder of daily files), and a range costs a join.
      const ranges =
        plain && threads > 1 && size >= 2 * MIN_RANGE_BYTES && size * threads > bytes
          ? Math.max(Math.min(threads, Math.floor(size / MIN_RANGE_BYTES)), Math.round(size / RANGE_BYTES))
          : 1
      const tasks: FoldTask[] =
        ranges > 1
          ? Array.from({ length: ranges }, (_, index) => ({
              ...base,
              range: {
                index,
                from: Math.floor((index * size!) / ranges),
                to: Math.floor(((index + 1) * size!) / ranges),
              },
            }))
          : // A plain file in one piece is read as one range too: one reused buffer, no stream.
            [{ ...base, range: plain ? { index: 0, from: 0, to: size! } : null }]
      const blocks = inBlocks && !plain && (size === null || size >= 2 * BLOCK_BYTES)
      this.planned.push({ input, layout, window, tasks, blocks, results: [] })
      const key = seriesKey(layout)
      let join = this.joins.get(key)
      if (!join) {
        join = new SeriesJoin(context.target.window, key)
        this.joins.set(key, join)
      }
      join.inputs++
    }
  }

  /** Start every task (they run while the timeline of the other inputs is read). */
  start(): void {
    for (const plan of this.planned) {
      const progress = (bytes: number, rows: number) => {
        this.context.onBytes?.(bytes)
        plan.input.stats.rows += rows
      }
      if (plan.blocks) {
        plan.feeding = this.feed(plan, progress).then(
          () => null,
          (error: unknown) => ({ ok: false, error }),
        )
        continue
      }
      // Settled at once: an error waits for finish() instead of going unhandled.
      for (const task of plan.tasks) plan.results.push(settle(this.pool.run(task, progress)))
    }
    this.joining = this.joinInOrder().catch((error: unknown) => {
      this.joinError = { error }
    })
  }

  /**
   * Take each input's results as they come, in input order: its ranges joined, and its bars put
   * after those of the series' inputs before it (daily files end to end), so that a finished day's
   * parts are let go at once rather than all held until the last day is read.
   */
  private async joinInOrder(): Promise<void> {
    for (const plan of this.planned) {
      const failed = await plan.feeding
      if (failed && !failed.ok) throw failed.error
      const settled = await Promise.all(plan.results)
      plan.results = []
      for (const s of settled) if (!s.ok) throw s.error
      const results = settled.map((s) => (s as { result: FoldResult }).result)
      let fold = plan.onePiece ? null : joinRanges(plan.layout, plan.input.stats.index, plan.window, results)
      if (!fold) {
        // A range's own decisions do not hold (a lone CR, a boundary out of order): one piece.
        const whole = await runFoldTask({ ...plan.tasks[0]!, range: null })
        fold = joinRanges(plan.layout, plan.input.stats.index, plan.window, [whole])!
      }
      const flagged = fold.mayHoldSuspectPrints()
      this.folds.push({ plan, fold, flagged })
      // A flagged input's bars are made again from its events (finish).
      if (!flagged) this.joins.get(seriesKey(plan.layout))!.add(fold)
    }
    // Every task is done: the workers' memory goes before the analysis needs its own.
    await this.pool.close()
  }

  /**
   * Inflate a compressed member here (zlib works on the thread pool) and hand it to the workers in
   * blocks of whole lines, a few at a time (memory stays bounded whatever the member's size).
   */
  private async feed(plan: Planned, progress: (bytes: number, rows: number) => void): Promise<void> {
    const template = plan.tasks[0]!
    const inFlight = new Set<Promise<Settled>>()
    const limit = 2 * this.pool.workerThreads
    let index = 0
    let offset = 0
    const submit = async (data: Uint8Array) => {
      const task: FoldTask = {
        ...template,
        range: { index: index++, from: offset, to: offset + data.length, data },
      }
      offset += data.length
      const result = settle(this.pool.run(task, progress, { workersOnly: true }))
      plan.results.push(result)
      inFlight.add(result)
      void result.then(() => inFlight.delete(result))
      while (inFlight.size >= limit) await Promise.race(inFlight)
    }
    let block = new Uint8Array(BLOCK_BYTES)
    let used = 0
    // A line longer than --max-line-bytes is cut to its first max + 1 bytes, which the worker
    // counts as LINE_TOO_LONG as the whole line would be; the rest is dropped up to its ending.
    const max = this.context.maxLineBytes
    const biggest = Math.max(BLOCK_BYTES, max + 8)
    let dropping = false
    const stream = await plan.input.member.open()
    try {
      for await (const chunk of stream as AsyncIterable<Buffer>) {
        let rest: Uint8Array = chunk
        if (dropping) {
          const end = lineEnd(chunk)
          if (end < 0) continue
          dropping = false
          rest = chunk.subarray(end)
        }
        while (rest.length > 0) {
          const n = Math.min(rest.length, block.length - used)
          block.set(rest.subarray(0, n), used)
          used += n
          rest = rest.subarray(n)
          if (used < block.length) continue
          const nl = block.lastIndexOf(10, used - 1)
          if (nl < 0) {
            // The block holds part of one line.
            if (block.length < biggest) {
              const bigger = new Uint8Array(Math.min(block.length * 2, biggest))
              bigger.set(block)
              block = bigger
              continue
            }
            if (block.indexOf(13) >= 0) {
              // CRs in a line this long (csv-parse's line endings): read in one piece instead.
              plan.onePiece = true
              return
            }
            // Too long: its first max + 1 bytes, then its ending and what follows.
            used = max + 1
            const end = lineEnd(rest)
            dropping = end < 0
            rest = end < 0 ? rest.subarray(rest.length) : rest.subarray(end)
            continue
          }
          // The block ends after its last newline; the rest starts the next one. (The whole
          // buffer moves to the worker: the rest is copied out first.)
          const next = new Uint8Array(BLOCK_BYTES)
          next.set(block.subarray(nl + 1, used))
          const full = block
          block = next
          used -= nl + 1
          await submit(full.subarray(0, nl + 1))
        }
      }
    } finally {
      stream.destroy()
    }
    if (used > 0 || index === 0) await submit(block.subarray(0, used))
  }

  /** Wait for the tasks and put their bars into the store, their counts and bad rows where they go. */
  async finish(): Promise<void> {
    await this.joining
    if (this.joinError) throw this.joinError.error
    for (const { plan, fold } of this.folds) commit(fold, plan.input.stats, this.context.ledger, plan.layout)
    // Series by series: inputs that overlap in time go through the timeline instead, and so does
    // an input that may hold a suspect print (the timeline's stage decides).
    for (const [key, join] of this.joins) {
      const group = this.folds.filter((f) => seriesKey(f.plan.layout) === key)
      if (overlapping(group.map((g) => g.fold))) {
        await this.asEvents(group.map((g) => g.plan))
        continue
      }
      const joined = join.joined()
      if (joined) this.context.target.store.absorb(joined)
      for (const g of group) if (g.flagged) await this.asEvents([g.plan])
    }
  }

  /** Inputs of one series read again as events, merged and de-duplicated, then folded. */
  private async asEvents(plans: Planned[]): Promise<void> {
    // Rows and bad rows were counted by the fold already (the same for both reads): only the
    // events and duplicates that the merge decides are taken from this read.
    const scratch = new Map<number, InputStats>()
    const streams = plans.map((plan) => {
      const stats: InputStats = {
        ...plan.input.stats,
        symbols: new Set(),
        markets: new Set(),
        kinds: new Set(),
        skipReasons: new Map(),
        rows: 0,
        events: 0,
        duplicates: 0,
        badRows: 0,
        skipped: 0,
        superseded: 0,
        suspect: 0,
        first: null,
        last: null,
      }
      scratch.set(stats.index, stats)
      const reader = fastReaderOf({
        sourceId: plan.input.source.id,
        probe: plan.input.probe,
        options: this.context.options,
      })
      const context = this.context
      const events = (async function* read(): AsyncGenerator<Located[]> {
        yield* readEvents(await plan.input.member.open(), {
          ledger: new Ledger(),
          stats,
          reader,
          sortWindow: context.sortWindow,
          maxLineBytes: context.maxLineBytes,
        })
      })()
      // Suspect prints are found here as the timeline finds them, and go to the real ledger.
      return context.suspectRule ? judged(events, context.suspectRule, context.ledger, stats) : events
    })
    const events = dropDuplicates(mergeSorted(streams), (event) => {
      if (event.suspect) return
      const stats = scratch.get(event.input)!
      stats.duplicates++
      stats.events--
    })
    const store = new ScratchStore()
    for await (const batch of filterEvents(events, this.context.target.selection)) {
      for (const event of batch) store.add(event)
    }
    for (const plan of plans) {
      const stats = scratch.get(plan.input.stats.index)!
      plan.input.stats.events = stats.events
      plan.input.stats.duplicates = stats.duplicates
      plan.input.stats.suspect = stats.suspect
    }
    for (const series of store.all()) this.context.target.store.absorb(series)
  }

  async close(): Promise<void> {
    await this.pool.close()
  }
}

/** A store of trade series only, to fold events of a few inputs apart from the main store. */
class ScratchStore {
  private readonly series = new Map<string, SeriesBars>()

  add(event: Located): void {
    if (event.kind !== 'trade') throw new Error('fast path: a trade input made another kind of event')
    const key = `${event.exchange}:${event.market}`
    let series = this.series.get(key)
    if (!series) {
      series = new SeriesBars(event.exchange, event.market)
      series.symbol = event.symbol
      series.symbolTs = event.ts
      series.symbolInput = event.input
      this.series.set(key, series)
    }
    series.trade(event)
  }

  all(): SeriesBars[] {
    return [...this.series.values()]
  }
}

/** Where the first line ending (CR or LF) in `bytes` is, or -1. */
function lineEnd(bytes: Uint8Array): number {
  const lf = bytes.indexOf(10)
  const cr = bytes.indexOf(13)
  return lf < 0 ? cr : cr < 0 ? lf : Math.min(lf, cr)
}

/** The ranges of one input joined in order; null when the file must be read in one piece. */
export function joinRanges(
  layout: FastTrades,
  input: number,
  window: FoldWindow,
  results: FoldResult[],
): TradeFold | null {
  const fold = TradeFold.resume(layout, input, window, results[0]!)
  if (results[0]!.bailed) return null
  let offset = results[0]!.lines
  for (let k = 1; k < results.length; k++) {
    if (!fold.continueWith(results[k - 1]!, results[k]!, offset)) return null
    offset += results[k]!.lines
  }
  return fold.joined()
}

/** An input's counts and bad rows, as the timeline would have left them. */
function commit(fold: TradeFold, stats: InputStats, ledger: Ledger, layout: FastTrades): void {
  commitCounts(fold, stats, layout)
  addBadRows(fold, stats, ledger)
}

/** An input's counts (not its bad rows), as the timeline would have left them. */
export function commitCounts(fold: TradeFold, stats: InputStats, layout: FastTrades): void {
  stats.rows = fold.rows
  stats.events = fold.events
  stats.duplicates = fold.duplicates
  stats.skipped = fold.skipped
  for (const [reason, n] of fold.skipReasons)
    stats.skipReasons.set(reason, (stats.skipReasons.get(reason) ?? 0) + n)
  if (Number.isFinite(fold.first)) {
    stats.first = fold.first
    stats.last = fold.last
    stats.symbols.add(layout.symbol)
    stats.markets.add(layout.market)
    stats.kinds.add('trade')
  }
}

/** The first bad rows in line order go through the ledger (printed, sampled); the rest are counted. */
function addBadRows(fold: TradeFold, stats: InputStats, ledger: Ledger): void {
  const tally = fold.badRows
  const samples = [...tally.samples].sort((a, b) => a.line - b.line).slice(0, SAMPLES)
  const rest = new Map(tally.byCode)
  for (const row of samples) {
    ledger.add(stats, row.line, row.code, row.message)
    rest.set(row.code, rest.get(row.code)! - 1)
  }
  for (const [code, n] of rest) {
    if (n <= 0) continue
    ledger.total += n
    stats.badRows += n
    ledger.byCode.set(code, (ledger.byCode.get(code) ?? 0) + n)
  }
}

/** Do the kept times of these inputs (by the second) overlap? */
function overlapping(folds: TradeFold[]): boolean {
  const spans = folds
    .filter((f) => !Number.isNaN(f.firstAccepted))
    .map((f) => [Math.floor(f.firstAccepted / 1000), Math.floor(f.lastAccepted / 1000)] as const)
    .sort((a, b) => a[0] - b[0])
  for (let i = 1; i < spans.length; i++) if (spans[i]![0] <= spans[i - 1]![1]) return true
  return false
}

const seriesKey = (layout: FastTrades) => `${layout.exchange}:${layout.market}`

/**
 * The bars of one series' inputs, joined as each input finishes. Inputs that follow each other in
 * time (daily files in name order) go end to end into one layer that grows once to the size its
 * inputs so far foretell; an input that does not come after the ones before is set apart and
 * joined at the end. (Inputs that overlap are read again as events instead: `overlapping`.)
 */
class SeriesJoin {
  /** Inputs of the series in the plan. */
  inputs = 0
  private added = 0
  private readonly bars = new BarColumns(1000, 1)
  private readonly apart: BarColumns[] = []
  private series: SeriesBars | null = null
  /** With the window: each input's bars are compacted as they come, instead of joined. */
  private readonly compact: CompactTicks | null

  constructor(window: WindowPlan | undefined, key: string) {
    this.compact = window ? new CompactTicks(window.watch?.() ?? null, window.keep?.get(key) ?? []) : null
  }

  add(fold: TradeFold): void {
    this.added++
    const part = fold.series
    if (part.ticks.length === 0 && part.counts.trade === 0) return
    this.series ??= new SeriesBars(part.exchange, part.market)
    const series = this.series
    series.counts.trade += part.counts.trade
    series.nonUsdTrades += part.nonUsdTrades
    if (
      part.symbol !== '' &&
      (series.symbol === '' ||
        part.symbolTs < series.symbolTs ||
        (part.symbolTs === series.symbolTs && part.symbolInput < series.symbolInput))
    ) {
      series.symbol = part.symbol
      series.symbolTs = part.symbolTs
      series.symbolInput = part.symbolInput
    }
    const ticks = new BarColumns(part.ticks.durationMs, 1)
    ticks.takeOver(part.ticks)
    // The fold keeps its counts (for the ledger); its bars live here from now on.
    part.ticks.takeOver(new BarColumns(part.ticks.durationMs, 1))
    if (this.compact) {
      this.compact.add(ticks)
      return
    }
    const bars = this.bars
    if (bars.length > 0 && ticks.length > 0 && ticks.time[0]! <= bars.time[bars.length - 1]!) {
      this.apart.push(ticks)
      return
    }
    const need = bars.length + ticks.length
    if (bars.length > 0 && need > bars.room) {
      // Days of one series hold about as many seconds each: room for the inputs still to come.
      bars.reserve(Math.max(need, Math.ceil((need / this.added) * this.inputs * 1.02)))
    }
    bars.append(ticks)
  }

  /** The series with every input's bars, or null when no input kept an event. */
  joined(): SeriesBars | null {
    const series = this.series
    if (!series) return null
    if (this.compact) {
      this.compact.finish()
      if (this.compact.seconds > 0) series.compacted = this.compact
      return series
    }
    if (this.apart.length > 0) series.ticks.takeOver(BarColumns.concat([this.bars, ...this.apart]))
    else series.ticks.takeOver(this.bars)
    this.apart.length = 0
    return series
  }
}
