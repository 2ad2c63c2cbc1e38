/**
 * Folding a trade file straight into 1-second bars, without an event object per row (DESIGN §9),
 * for `cascade analyze` and `cascade bars`. What the timeline would do to the file's events is
 * done here, in the same order: time order checked (OUT_OF_ORDER, as requireOrder), exact
 * duplicates dropped (as dropDuplicates: same time, id, price, amount and side), --from/--to
 * applied, then the fold of SeriesBars.trade — so the bars are the ones the events would make.
 *
 * A byte range after the first of a file split across workers cannot know the time its
 * predecessor ended at, so it keeps its first second's events aside (the `head`); the main thread
 * replays them after the previous range, and checks that the range's own decisions hold, in
 * `continueWith` (or the file is read again in one piece).
 */
import { BarColumns, type ExportedBars, SeriesBars } from '../../bars/index.js'
import { type FastTrades, Skip } from '../../sources/source.js'
import type { TimelineEvent, TradeEvent } from '../../timeline/event.js'
import { type ScreenState, SpikeScreen, type SuspectRule } from '../../timeline/suspect.js'
import type { RowScanner, RowSink } from './scan.js'

/** The command line's selection as it applies to one input of one series. */
export interface FoldWindow {
  /** Epoch ms, inclusive. */
  from?: number
  /** Epoch ms, exclusive. */
  to?: number
  /** --market/--exchange leave this input's series out: rows are read and counted, nothing is folded. */
  excluded: boolean
  /**
   * The suspect-print rule the fold screens its seconds for (timeline/suspect.ts); absent or null
   * with --keep-suspect-prints. (Not a selection, but it goes wherever the window goes.)
   */
  suspect?: SuspectRule | null
}

export interface BadRowSample {
  line: number
  code: string
  message: string
}

export const SAMPLES = 20

/** Bad rows of one read: every one counted by code, the first ones (in line order) kept. */
export class BadRowTally {
  total = 0
  readonly byCode = new Map<string, number>()
  samples: BadRowSample[] = []

  constructor(private readonly keep = SAMPLES) {}

  add(line: number, code: string, message: string): void {
    this.total++
    this.byCode.set(code, (this.byCode.get(code) ?? 0) + 1)
    if (this.samples.length < this.keep) this.samples.push({ line, code, message })
  }
}

const BUY = 0
const SELL = 1
const UNKNOWN = 2
const SIDES = ['buy', 'sell', 'unknown'] as const

/** A group longer than this is looked up in a hash table rather than scanned. */
const SCAN_GROUP = 8
/** A double's two 32-bit words, for hashing. */
const HASH_BITS = new Float64Array(1)
const HASH_WORDS = new Int32Array(HASH_BITS.buffer)

const sideIndex = (side: TradeEvent['side']) => (side === 'buy' ? BUY : side === 'sell' ? SELL : UNKNOWN)

/** A trade id as a duplicate-check key: a number for canonical whole numbers, else the text. */
export function idKeyOf(text: string): number | string {
  return /^(0|[1-9]\d{0,14})$/.test(text) ? Number(text) : text
}

/** The first second's events of a range after the first, kept for the main thread to place. */
export interface HeadEvents {
  ts: number[]
  price: number[]
  amount: number[]
  /** NaN where the trade has no USD value. */
  usd: number[]
  side: number[]
  id: (number | string)[]
  line: number[]
}

/** The events of the last timestamp, against which a following duplicate is checked. */
export interface DedupeGroup {
  ts: number
  id: (number | string)[]
  price: number[]
  amount: number[]
  side: number[]
}

/** What one read (a member, or a byte range of one) gives back to the main thread. */
export interface FoldResult {
  rows: number
  events: number
  duplicates: number
  skipped: number
  skipReasons: [string, number][]
  bad: { total: number; byCode: [string, number][]; samples: BadRowSample[] }
  /** Time range of every event made (also those then dropped), as the input's stats keep it. */
  first: number | null
  last: number | null
  /** Physical lines read (the next range's line numbers continue after them). */
  lines: number
  /** No line but blank ones was seen: the header may still come. */
  headerPending: boolean
  /** The range met a line csv-parse would split differently: read the file again in one piece. */
  bailed: boolean
  head: HeadEvents | null
  /** The range's own starting point for time order: the latest time of its head. */
  initLatest: number
  /** Events the range found out of order before it kept one (judged against `initLatest`). */
  droppedBeforeAccepted: number
  /** First and last time kept (in order, not a duplicate); NaN when none. */
  firstAccepted: number
  lastAccepted: number
  group: DedupeGroup
  bars: ExportedBars
  trades: number
  nonUsdTrades: number
  /** Time of the first trade folded into the bars (+Infinity when none). */
  symbolTs: number
  /** The suspect-print screen's state (null when off). */
  screen: ScreenState | null
}

/**
 * The one trade SeriesBars.trade reads, rewritten for every row. A class of its own: event objects
 * of the same shape share V8's hidden class, and once one holds a null or an integer there, every
 * write of a double to this one would allocate.
 */
export class ScratchTrade implements TradeEvent {
  readonly kind = 'trade'
  readonly exchange: string
  readonly symbol: string
  readonly market: string
  readonly source: string
  // NaN to start with keeps the numeric fields doubles (see RowScanner).
  ts = Number.NaN
  price = Number.NaN
  amount = Number.NaN
  notionalUsd: number | null = Number.NaN
  side: TradeEvent['side'] = 'buy'

  constructor(layout: FastTrades) {
    this.exchange = layout.exchange
    this.symbol = layout.symbol
    this.market = layout.market
    this.source = layout.source
  }
}

export class TradeFold implements RowSink {
  readonly series: SeriesBars
  rows = 0
  events = 0
  duplicates = 0
  skipped = 0
  readonly skipReasons = new Map<string, number>()
  badRows: BadRowTally
  first = Number.POSITIVE_INFINITY
  last = Number.NEGATIVE_INFINITY
  latest = Number.NEGATIVE_INFINITY
  firstAccepted = Number.NaN
  lastAccepted = Number.NaN
  droppedBeforeAccepted = 0
  initLatest = Number.NEGATIVE_INFINITY
  // The dedupe group: kept events of the latest timestamp. Ids that are canonical whole numbers
  // are kept as numbers (groupIdText null), other ids as text (groupIdNumber NaN).
  groupTs = Number.NaN
  private groupIdNumber = new Float64Array(16)
  private groupIdText: (string | null)[] = []
  private groupPrice = new Float64Array(16)
  private groupAmount = new Float64Array(16)
  private groupSide = new Uint8Array(16)
  private groupLength = 0
  /**
   * A hash table over the group (open addressing, group index + 1 per slot, 0 empty), built once
   * the group outgrows a short scan: busy seconds hold thousands of trades at one timestamp, and a
   * scan of the whole group per row made them quadratic. `hashedLength` rows of the group are in it.
   */
  private groupTable = new Int32Array(0)
  private hashedLength = 0
  // The event being placed. Fields rather than arguments: V8 boxes the doubles it passes to a
  // function it does not inline, an allocation per row (and, in parallel, GC work per thread).
  protected ts = Number.NaN
  protected price = Number.NaN
  protected amount = Number.NaN
  /** NaN where the trade has no USD value. */
  protected usd = Number.NaN
  protected side = 0
  protected idNumber = Number.NaN
  protected idText: string | null = null
  private line = 0
  head: HeadEvents | null
  private headOpen: boolean
  /** Bars of earlier ranges, set aside until `joined()`. */
  private readonly parts: BarColumns[] = []
  // The instrument, for valuing sizes (as baseAmount and usdNotional do).
  private readonly inverse: boolean
  private readonly contractSize: number
  private readonly usdQuoted: boolean
  private readonly fromExtra: boolean
  private headSecond = Number.NaN
  private headMax = Number.NEGATIVE_INFINITY
  /** Reused for every trade folded: SeriesBars.trade reads these five fields. */
  private readonly scratch: ScratchTrade
  /** Screens every second read for a suspect print (its trades then go through the timeline). */
  private screen: SpikeScreen | null

  constructor(
    readonly layout: FastTrades,
    readonly input: number,
    readonly window: FoldWindow,
    options: { head?: boolean; keepAllBadRows?: boolean; badRows?: BadRowTally } = {},
  ) {
    this.series = new SeriesBars(layout.exchange, layout.market)
    this.inverse = layout.instrument.contract === 'inverse'
    this.contractSize = layout.instrument.contractSize
    this.usdQuoted = layout.instrument.usdQuoted
    this.fromExtra = layout.notional === 'extra'
    this.badRows =
      options.badRows ?? new BadRowTally(options.keepAllBadRows ? Number.POSITIVE_INFINITY : SAMPLES)
    this.head = options.head ? { ts: [], price: [], amount: [], usd: [], side: [], id: [], line: [] } : null
    this.headOpen = options.head === true
    this.scratch = new ScratchTrade(layout)
    // A range after the first starts without the seconds before it (they are joined in `continueWith`).
    this.screen = window.suspect ? new SpikeScreen(window.suspect, options.head !== true) : null
  }

  fast(scan: RowScanner, line: number): void {
    this.rows++
    const price = scan.price
    const size = scan.size
    // tradeAmount and tradeNotional written out (a double returned from a call V8 does not inline
    // is boxed: an allocation per row); the fold tests hold them to the same numbers.
    const units = size * this.contractSize
    if (this.inverse) {
      this.amount = price > 0 ? units / price : 0
      this.usd = this.fromExtra ? (this.usdQuoted ? scan.extra : Number.NaN) : units
    } else {
      this.amount = units
      this.usd =
        this.fromExtra || !this.usdQuoted ? (this.usdQuoted ? scan.extra : Number.NaN) : units * price
    }
    this.ts = scan.ts
    this.price = price
    this.side = scan.buyerMaker ? SELL : BUY
    const id = scan.idNumber
    this.idNumber = id
    this.idText = id >= 0 ? null : scan.idText()
    this.line = line
    this.accept()
  }

  made(made: TimelineEvent | Skip, line: number): void {
    this.rows++
    if (made instanceof Skip) {
      this.skipped++
      this.skipReasons.set(made.reason, (this.skipReasons.get(made.reason) ?? 0) + 1)
      return
    }
    const layout = this.layout
    if (
      made.kind !== 'trade' ||
      made.exchange !== layout.exchange ||
      made.market !== layout.market ||
      made.symbol !== layout.symbol ||
      made.source !== layout.source
    ) {
      throw new Error(`fast path: ${layout.source} row() made an event its fast description does not`)
    }
    this.ts = made.ts
    this.price = made.price
    this.amount = made.amount
    this.usd = made.notionalUsd ?? Number.NaN
    this.side = sideIndex(made.side)
    this.setId(idKeyOf(made.id ?? ''))
    this.line = line
    this.accept()
  }

  bad(line: number, code: string, message: string): void {
    this.rows++
    this.badRows.add(line, code, message)
  }

  private setId(id: number | string): void {
    if (typeof id === 'number') {
      this.idNumber = id
      this.idText = null
    } else {
      this.idNumber = Number.NaN
      this.idText = id
    }
  }

  /** The event made from a row: into the head while it is open, else placed. */
  private accept(): void {
    const ts = this.ts
    if (ts < this.first) this.first = ts
    if (ts > this.last) this.last = ts
    const head = this.head
    if (this.headOpen && head !== null) {
      const second = Math.floor(ts / 1000)
      if (head.ts.length === 0) this.headSecond = second
      if (second === this.headSecond) {
        head.ts.push(ts)
        head.price.push(this.price)
        head.amount.push(this.amount)
        head.usd.push(this.usd)
        head.side.push(this.side)
        head.id.push(this.idText ?? this.idNumber)
        head.line.push(this.line)
        if (ts > this.headMax) this.headMax = ts
        return
      }
      this.headOpen = false
      this.initLatest = this.headMax
      this.latest = this.headMax
    }
    this.place()
  }

  /** Place a head event kept by a worker (in the main thread, after the range before it). */
  private replay(head: HeadEvents, i: number, lineOffset: number): void {
    this.ts = head.ts[i]!
    this.price = head.price[i]!
    this.amount = head.amount[i]!
    this.usd = head.usd[i]!
    this.side = head.side[i]!
    this.setId(head.id[i]!)
    this.line = head.line[i]! + lineOffset
    this.place()
  }

  /** What requireOrder, dropDuplicates, the selection and SeriesBars.trade do to the event. */
  private place(): void {
    const ts = this.ts
    if (ts < this.latest) {
      this.badRows.add(
        this.line,
        'OUT_OF_ORDER',
        `time ${new Date(ts).toISOString()} is before ${new Date(this.latest).toISOString()}, already read (this format is written in time order)`,
      )
      if (Number.isNaN(this.firstAccepted)) this.droppedBeforeAccepted++
      return
    }
    this.latest = ts
    if (Number.isNaN(this.firstAccepted)) this.firstAccepted = ts
    this.lastAccepted = ts
    const price = this.price
    // Every event in order, kept or not (suspect prints are judged before the selection).
    if (this.screen !== null) this.screen.trade(ts, price)
    const amount = this.amount
    const side = this.side
    const idNumber = this.idNumber
    const idText = this.idText
    let n = this.groupLength
    if (ts === this.groupTs) {
      if (n <= SCAN_GROUP) {
        for (let k = 0; k < n; k++) {
          if (this.sameAsGroupRow(k)) {
            this.duplicates++
            return
          }
        }
      } else if (this.inGroupTable()) {
        this.duplicates++
        return
      }
    } else {
      this.groupTs = ts
      this.hashedLength = 0
      n = 0
    }
    if (n === this.groupPrice.length) this.growGroup()
    this.groupIdNumber[n] = idNumber
    this.groupIdText[n] = idText
    this.groupPrice[n] = price
    this.groupAmount[n] = amount
    this.groupSide[n] = side
    this.groupLength = n + 1
    this.events++
    const window = this.window
    if (window.excluded) return
    if (window.from !== undefined && ts + 1 <= window.from) return
    if (window.to !== undefined && ts >= window.to) return
    this.keep()
  }

  /** The event being placed is in the timeline and the selection: into the bars. */
  protected keep(): void {
    const series = this.series
    if (series.symbol === '') {
      series.symbol = this.layout.symbol
      series.symbolTs = this.ts
      series.symbolInput = this.input
    }
    this.fillScratch(this.scratch)
    series.trade(this.scratch)
  }

  /** The event being placed, written into a reused event. */
  protected fillScratch(scratch: TradeEvent): void {
    scratch.ts = this.ts
    scratch.price = this.price
    scratch.amount = this.amount
    // Two stores, not `a ? null : b`: a value that may be null or a double is boxed first.
    const usd = this.usd
    if (Number.isNaN(usd)) scratch.notionalUsd = null
    else scratch.notionalUsd = usd
    scratch.side = SIDES[this.side]!
  }

  /** Is the event being placed the same as row k of the group (as dropDuplicates' identity)? */
  private sameAsGroupRow(k: number): boolean {
    return (
      this.groupPrice[k] === this.price &&
      this.groupAmount[k] === this.amount &&
      this.groupSide[k] === this.side &&
      (this.idText === null ? this.groupIdNumber[k] === this.idNumber : this.groupIdText[k] === this.idText)
    )
  }

  /**
   * Is the event being placed already in the group? Looked up in the group's hash table, which is
   * first brought up to date (rows added since, or the whole group after a new timestamp).
   */
  private inGroupTable(): boolean {
    const n = this.groupLength
    // At most half full, so that probes stay short; rebuilt for a new group at a size of its own
    // (clearing a table left by a far bigger group would cost that group's size again).
    const length = this.groupTable.length
    if (length < 2 * (n + 1) || (this.hashedLength === 0 && length > 64 && length > 8 * (n + 1))) {
      let size = 64
      while (size < 4 * (n + 1)) size *= 2
      this.groupTable = new Int32Array(size)
      this.hashedLength = 0
    } else if (this.hashedLength === 0) this.groupTable.fill(0)
    const table = this.groupTable
    const mask = table.length - 1
    for (let k = this.hashedLength; k < n; k++) {
      let slot = this.rowHash(this.groupPrice[k]!, this.groupAmount[k]!, this.groupSide[k]!, k) & mask
      while (table[slot] !== 0) slot = (slot + 1) & mask
      table[slot] = k + 1
    }
    this.hashedLength = n
    let slot = this.rowHash(this.price, this.amount, this.side, -1) & mask
    for (;;) {
      const entry = table[slot]!
      if (entry === 0) return false
      if (this.sameAsGroupRow(entry - 1)) return true
      slot = (slot + 1) & mask
    }
  }

  /**
   * A hash of a row's identity: of group row k, or (k < 0) of the event being placed. Equal rows
   * hash alike: prices and amounts are compared as doubles (+0 and -0 are equal: both hash as 0).
   */
  private rowHash(price: number, amount: number, side: number, k: number): number {
    const bits = HASH_BITS
    const words = HASH_WORDS
    let h = side + 0x9e3779b9
    bits[0] = price === 0 ? 0 : price
    h = Math.imul(h ^ words[0]!, 0x85ebca6b) ^ words[1]!
    bits[0] = amount === 0 ? 0 : amount
    h = Math.imul(h ^ words[0]!, 0xc2b2ae35) ^ words[1]!
    const text = k < 0 ? this.idText : this.groupIdText[k]!
    if (text === null) {
      bits[0] = k < 0 ? this.idNumber : this.groupIdNumber[k]!
      h = Math.imul(h ^ words[0]!, 0x27d4eb2f) ^ words[1]!
    } else {
      for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193)
    }
    h ^= h >>> 16
    h = Math.imul(h, 0x7feb352d)
    return h ^ (h >>> 15)
  }

  private growGroup(): void {
    const size = this.groupPrice.length * 2
    const grow = <T extends Float64Array | Uint8Array>(old: T, make: (n: number) => T): T => {
      const next = make(size)
      next.set(old)
      return next
    }
    this.groupIdNumber = grow(this.groupIdNumber, (n) => new Float64Array(n))
    this.groupPrice = grow(this.groupPrice, (n) => new Float64Array(n))
    this.groupAmount = grow(this.groupAmount, (n) => new Float64Array(n))
    this.groupSide = grow(this.groupSide, (n) => new Uint8Array(n))
  }

  private get group(): DedupeGroup {
    const n = this.groupLength
    return {
      ts: this.groupTs,
      id: Array.from({ length: n }, (_, k) => this.groupIdText[k] ?? this.groupIdNumber[k]!),
      price: [...this.groupPrice.subarray(0, n)],
      amount: [...this.groupAmount.subarray(0, n)],
      side: [...this.groupSide.subarray(0, n)],
    }
  }

  private set group(group: DedupeGroup) {
    const n = group.id.length
    while (this.groupPrice.length < n) this.growGroup()
    this.groupTs = group.ts
    group.id.forEach((id, k) => {
      this.groupIdNumber[k] = typeof id === 'number' ? id : Number.NaN
      this.groupIdText[k] = typeof id === 'string' ? id : null
    })
    this.groupPrice.set(group.price)
    this.groupAmount.set(group.amount)
    this.groupSide.set(group.side)
    this.groupLength = n
    this.hashedLength = 0
  }

  result(scan: { line: number; headerPending: boolean }, bailed = false): FoldResult {
    if (this.headOpen && this.head) {
      this.initLatest = this.headMax
    }
    return {
      rows: this.rows,
      events: this.events,
      duplicates: this.duplicates,
      skipped: this.skipped,
      skipReasons: [...this.skipReasons],
      bad: { total: this.badRows.total, byCode: [...this.badRows.byCode], samples: this.badRows.samples },
      first: Number.isFinite(this.first) ? this.first : null,
      last: Number.isFinite(this.last) ? this.last : null,
      lines: scan.line,
      headerPending: scan.headerPending,
      bailed,
      head: this.head,
      initLatest: this.initLatest,
      droppedBeforeAccepted: this.droppedBeforeAccepted,
      firstAccepted: this.firstAccepted,
      lastAccepted: this.lastAccepted,
      group: this.group,
      bars: this.series.ticks.exportRows(),
      trades: this.series.counts.trade,
      nonUsdTrades: this.series.nonUsdTrades,
      symbolTs: this.series.symbolTs,
      screen: this.screen?.state() ?? null,
    }
  }

  /**
   * The main thread's fold of a file read in ranges, starting from the first range's result. Bad
   * rows are all kept here (each range kept its first ones) and cut to the first in line order when
   * they go to the ledger.
   */
  static resume(layout: FastTrades, input: number, window: FoldWindow, first: FoldResult): TradeFold {
    const fold = new TradeFold(layout, input, window, { keepAllBadRows: true })
    fold.rows = first.rows
    fold.events = first.events
    fold.duplicates = first.duplicates
    fold.skipped = first.skipped
    for (const [reason, n] of first.skipReasons) fold.skipReasons.set(reason, n)
    fold.addBadRows(first.bad, 0)
    fold.first = first.first ?? Number.POSITIVE_INFINITY
    fold.last = first.last ?? Number.NEGATIVE_INFINITY
    fold.firstAccepted = first.firstAccepted
    fold.lastAccepted = first.lastAccepted
    if (!Number.isNaN(first.lastAccepted)) fold.latest = first.lastAccepted
    fold.group = first.group
    fold.takeBars(first)
    fold.screen = window.suspect && first.screen ? SpikeScreen.resume(window.suspect, first.screen) : null
    return fold
  }

  /**
   * Add the next range (its line numbers start after `lineOffset` lines): replay its head here, then
   * check that what the range decided on its own holds after everything before it. False when it
   * does not (the file must then be read in one piece); nothing is changed in that case only if the
   * head was empty, so the caller drops this fold.
   */
  continueWith(previous: FoldResult, next: FoldResult, lineOffset: number): boolean {
    if (next.bailed || previous.headerPending) return false
    const head = next.head
    if (head) for (let i = 0; i < head.ts.length; i++) this.replay(head, i, lineOffset)
    // Events the range judged out of order before keeping one were judged against its head alone.
    if (next.droppedBeforeAccepted > 0 && this.latest !== next.initLatest) return false
    if (!Number.isNaN(next.firstAccepted)) {
      // Its first kept event must still be in order, and start a new timestamp (no duplicate check
      // across the boundary was made).
      if (next.firstAccepted < this.latest || next.firstAccepted === this.groupTs) return false
    }
    const ticks = this.series.ticks
    if (
      next.bars.length > 0 &&
      ticks.length > 0 &&
      next.bars.columns[0]![0]! <= ticks.time[ticks.length - 1]!
    ) {
      return false
    }
    this.rows += next.rows
    this.events += next.events
    this.duplicates += next.duplicates
    this.skipped += next.skipped
    for (const [reason, n] of next.skipReasons)
      this.skipReasons.set(reason, (this.skipReasons.get(reason) ?? 0) + n)
    this.addBadRows(next.bad, lineOffset)
    if (next.first !== null && next.first < this.first) this.first = next.first
    if (next.last !== null && next.last > this.last) this.last = next.last
    if (!Number.isNaN(next.firstAccepted)) {
      this.latest = next.lastAccepted
      this.group = next.group
      if (Number.isNaN(this.firstAccepted)) this.firstAccepted = next.firstAccepted
      this.lastAccepted = next.lastAccepted
    }
    if (this.screen !== null && next.screen !== null) this.screen.join(next.screen)
    this.takeBars(next)
    return true
  }

  /**
   * Once the last range is in: may the input hold a suspect print? (Then its trades must go through
   * the timeline's stage, which decides; call once.)
   */
  mayHoldSuspectPrints(): boolean {
    return this.screen?.finish() ?? false
  }

  /**
   * While reading: may a second screened so far hold a suspect print? And the second (epoch
   * seconds) before which every second is screened (+Infinity with no screen).
   */
  get maySuspect(): boolean {
    return this.screen?.possible ?? false
  }

  get screenedBelow(): number {
    return this.screen?.judgedBelow() ?? Number.POSITIVE_INFINITY
  }

  /** The series with its bars in one piece (call once the last range is in). */
  joined(): this {
    if (this.parts.length > 0) {
      this.series.ticks.takeOver(BarColumns.concat([...this.parts, this.series.ticks]))
      this.parts.length = 0
    }
    return this
  }

  private addBadRows(bad: FoldResult['bad'], lineOffset: number): void {
    const tally = this.badRows
    tally.total += bad.total
    for (const [code, n] of bad.byCode) tally.byCode.set(code, (tally.byCode.get(code) ?? 0) + n)
    for (const row of bad.samples) tally.samples.push({ ...row, line: row.line + lineOffset })
  }

  /**
   * The bars of the next range. The range before it is set aside (its last second may have taken
   * the next range's head) and the parts are joined once, by `joined()`: one copy, of the exact size.
   */
  private takeBars(result: FoldResult): void {
    const series = this.series
    // A range without bars changes nothing: the next head continues the last bars there are.
    if (result.bars.length > 0) {
      if (series.ticks.length > 0) {
        const part = new BarColumns(series.ticks.durationMs)
        part.takeOver(series.ticks)
        this.parts.push(part)
      }
      series.ticks.takeOver(BarColumns.importRows(result.bars))
    }
    series.counts.trade += result.trades
    series.nonUsdTrades += result.nonUsdTrades
    if (series.symbol === '' && Number.isFinite(result.symbolTs)) {
      series.symbol = this.layout.symbol
      series.symbolTs = result.symbolTs
      series.symbolInput = this.input
    }
  }
}
