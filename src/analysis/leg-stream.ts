/**
 * Legs found while the bars stream past: the same legs as `findLegs` followed by `qualifies`
 * (legs.ts), from a layer handed over part by part (file by file), holding only the bars near the
 * newest one. Years of 1-second bars need never be in memory at once.
 *
 * Why it is exact. It runs findLegs' own loop, statement for statement, over the priced rows
 * (`has()`; a row without a price is skipped by every loop there and never read), with each row
 * addressed by its index among the priced rows so far. Only three things differ, and none changes
 * what is read:
 * - Rows far behind the scan are let go. findLegs reads behind the bar `k` it is on only through
 *   `reopen(low)`, which rewinds to the row after the running low; the start's top and open and the
 *   low's bottom and time are read from far back too, and are kept here as numbers. Every row
 *   between the low and `k` lies within `mergeGapMin` of the low (a later one makes a new low, a
 *   new peak, or ends the leg by the pause rule first), so rows from the low on are few.
 * - Bar `k` waits for later bars: its undercut look-ahead reads the rows up to `undercut` after it
 *   and the first priced row beyond. Until such a row has come (or `finish()`), the loop stops
 *   before `k` and resumes there on the next part, in the state it left.
 * - The speed test runs alongside. Whether `qualifies` passes at bar b depends only on the leg's
 *   start and the bars from the start to b (its sliding maximum starts empty at the start), not on
 *   the extreme. So a scanner restarted at every new start and moved forward over the bars as they
 *   come finds the first bar where the test passes; at the close, a leg that moves enough overall
 *   is fast iff it is a move inside one bar or that first bar is at or before its extreme. The
 *   scanner holds the rows of its window (`withinMin`) until it passes.
 *
 * Every figure (the bounce limit, the swallowed moves' sizes, the speed test) is computed by the
 * same expression as there, in the same order, so the results are equal to the bit. Only legs that
 * qualify are kept; findLegs' other legs (most of them, and small) are dropped as they close.
 *
 * Rows held (`retained`): those from the row after the running low, or from the oldest row in the
 * speed scanner's window, whichever is older, to the newest. The first are the rows within
 * `mergeGapMin` after the low and those within `undercut` = max(`undercutWithinMin`, bar length)
 * before the newest (the bars waiting for their look-ahead); the second, the rows within
 * `withinMin` before the newest. With rows at least a bar length d apart (1-second bars):
 * at most ⌊max(mergeGapMin + undercut, withinMin) / d⌋ + 2 rows, never a number that grows with
 * the bars seen (the tests reach that bound less one). The arrays behind them hold at most twice
 * the rows held plus the part being added. Beyond rows, the open leg's swallowed counter-moves are
 * kept (a few numbers each) until it closes.
 */
import type { BarColumns } from '../bars/index.js'
import type { Direction } from './legs.js'
import type { AnalysisParams } from './params.js'
import { MINUTE } from './stats.js'

/** A qualifying leg with its bars named by their open times (a stream has no bar indices). */
export interface StreamLeg {
  direction: Direction
  /** Open time of the start bar: the peak (trough, for a squeeze). */
  startT: number
  /** Open time of the extreme: the lowest low (highest high). */
  extremeT: number
  /** Open time of the bar where the leg was closed: the bounce, a pause, or the layer's last row. */
  closeT: number
  /** Counter-moves swallowed by the undercut rule, in time order: their top's bar and size. */
  swallowed: { topT: number; sizeFrac: number }[]
}

export type LegStreamParams = Pick<
  AnalysisParams,
  'reboundFrac' | 'undercutWithinMin' | 'mergeGapMin' | 'minMovePct' | 'withinMin'
>

/** Rows the arrays start with: they grow to what is held (and short paths in tests compact often). */
const INITIAL_CAPACITY = 16

/**
 * The priced rows near the scan, each addressed by its index among all priced rows added so far.
 * Rows before `first` are let go; the arrays are compacted when full (and doubled when the rows
 * held fill half of them), so a row is moved O(1) times on average.
 */
class PricedRows {
  time: Float64Array = new Float64Array(INITIAL_CAPACITY)
  open: Float64Array = new Float64Array(INITIAL_CAPACITY)
  high: Float64Array = new Float64Array(INITIAL_CAPACITY)
  low: Float64Array = new Float64Array(INITIAL_CAPACITY)
  /** Index of the row stored at position 0. */
  shift = 0
  /** Priced rows added so far (the next row's index). */
  count = 0
  /** The oldest row held. */
  first = 0

  /** The rows of `part` that have a price, after those held. */
  append(part: BarColumns): void {
    const { open, high } = part
    let priced = 0
    for (let i = 0; i < part.length; i++) if (!Number.isNaN(open[i]!) && !Number.isNaN(high[i]!)) priced++
    if (priced === 0) return
    if (this.count - this.shift + priced > this.time.length) this.makeRoom(priced)
    let at = this.count - this.shift
    for (let i = 0; i < part.length; i++) {
      if (Number.isNaN(open[i]!) || Number.isNaN(high[i]!)) continue
      this.time[at] = part.time[i]!
      this.open[at] = open[i]!
      this.high[at] = high[i]!
      this.low[at] = part.low[i]!
      at++
    }
    this.count += priced
  }

  /** Let go of the rows before `index`. */
  release(index: number): void {
    if (index > this.first) this.first = Math.min(index, this.count)
  }

  get held(): number {
    return this.count - this.first
  }

  private makeRoom(incoming: number): void {
    const held = this.count - this.first
    const need = held + incoming
    // At least as much room free after this as is held, so the next compaction is that many rows away.
    const capacity = 2 * need > this.time.length ? 2 * need : this.time.length
    const from = this.first - this.shift
    const to = this.count - this.shift
    const move = (column: Float64Array): Float64Array => {
      if (capacity === column.length) {
        column.copyWithin(0, from, to)
        return column
      }
      const next = new Float64Array(capacity)
      next.set(column.subarray(from, to))
      return next
    }
    this.time = move(this.time)
    this.open = move(this.open)
    this.high = move(this.high)
    this.low = move(this.low)
    this.shift = this.first
  }
}

/** findLegs and qualifies for one direction, resumable between parts. */
class DirectedLegScan {
  readonly legs: StreamLeg[] = []
  /** y = s · price: 1 for a fall, −1 for a squeeze (DirectedBars). */
  private readonly s: number
  private begun = false
  /** The next row the loop reads (findLegs' `k`). */
  private k = 0
  // The open leg: its start and running low (indices, and the figures read from them), the highest
  // top seen after that low, and the counter-moves it swallowed.
  private start = 0
  private startTop = 0
  private startOpen = 0
  private startTime = 0
  private low = 0
  private lowBottom = 0
  private lowTime = 0
  private afterLowTop = Number.NEGATIVE_INFINITY
  private afterLowTopIdx = -1
  private swallowed: { topT: number; sizeFrac: number }[] = []
  // The speed scanner for the current start: the next row it reads, the first row where the test
  // passed (-1: not yet), and its sliding maximum of tops (a monotonic deque of row indices).
  private scanAt = 0
  private passedAt = -1
  private deque: number[] = []
  private dequeHead = 0

  constructor(
    readonly direction: Direction,
    private readonly rows: PricedRows,
    private readonly params: LegStreamParams,
    private readonly undercut: number,
  ) {
    this.s = direction === 'down' ? 1 : -1
  }

  private time(i: number): number {
    return this.rows.time[i - this.rows.shift]!
  }
  private top(i: number): number {
    return this.s > 0 ? this.rows.high[i - this.rows.shift]! : -this.rows.low[i - this.rows.shift]!
  }
  private bottom(i: number): number {
    return this.s > 0 ? this.rows.low[i - this.rows.shift]! : -this.rows.high[i - this.rows.shift]!
  }

  /** The oldest row this scan will still read. */
  get oldestNeeded(): number {
    if (!this.begun) return this.rows.count
    // reopen(low) rewinds to low + 1 (and low < k); the scanner reads its window, or (done) nothing.
    const scanner =
      this.passedAt >= 0
        ? Number.POSITIVE_INFINITY
        : this.dequeHead < this.deque.length
          ? this.deque[this.dequeHead]!
          : this.scanAt
    return Math.min(this.low + 1, this.k, scanner)
  }

  /**
   * findLegs' loop over the rows there are (legs.ts explains each rule; this is its code). Unless
   * `finished`, it stops before a row whose undercut look-ahead could reach past the newest row,
   * and resumes there.
   */
  run(finished: boolean): void {
    const n = this.rows.count
    if (!this.begun) {
      if (n === 0) return
      this.begun = true
      this.newStart(0)
      this.k = 1
    }
    const pause = this.params.mergeGapMin * MINUTE
    const undercut = this.undercut
    // The newest row is held while a row before it waits (k is held).
    const newest = this.k < n ? this.time(n - 1) : Number.NaN
    let k = this.k
    for (; k < n; k++) {
      if (!finished && !(newest - this.time(k) > undercut)) break
      const top = this.top(k)
      const bottom = this.bottom(k)
      if (top > this.startTop || (this.low === this.start && top === this.startTop)) {
        this.close(this.time(k))
        this.newStart(k)
        continue
      }
      if (this.time(k) - this.lowTime > pause && bottom >= this.lowBottom) {
        this.close(this.time(k))
        k = this.reopen(this.low) - 1
        continue
      }
      if (bottom < this.lowBottom) {
        this.newLow(k)
        continue
      }
      if (top > this.afterLowTop) {
        this.afterLowTop = top
        this.afterLowTopIdx = k
      }
      if (this.afterLowTop - this.lowBottom <= this.bounceLimit()) continue
      let j = k + 1
      let counterTop = this.afterLowTop
      let counterTopIdx = this.afterLowTopIdx
      let undercutAt = -1
      for (; j < n; j++) {
        if (this.time(j) - this.time(k) > undercut) break
        if (this.bottom(j) < this.lowBottom) {
          undercutAt = j
          break
        }
        if (this.top(j) > this.startTop) break
        if (this.top(j) > counterTop) {
          counterTop = this.top(j)
          counterTopIdx = j
        }
      }
      if (undercutAt >= 0) {
        const base = Math.abs(this.s * this.lowBottom)
        this.swallowed.push({
          topT: this.time(counterTopIdx),
          sizeFrac: (counterTop - this.lowBottom) / base,
        })
        // The rows the jump skips are still read by the speed scanner (it moves over every row).
        this.newLow(undercutAt)
        k = undercutAt
        continue
      }
      this.close(this.time(k))
      k = this.reopen(this.low) - 1
    }
    this.k = k
    // Ahead of the loop, over every row there is: the start cannot move back before them.
    if (n > 0) this.scanTo(n - 1)
  }

  /** The last row of the layer (with or without a price) closes the open leg. */
  finish(lastRowTime: number): void {
    if (this.begun) this.close(lastRowTime)
  }

  private newStart(i: number): void {
    this.start = i
    this.startTop = this.top(i)
    this.startOpen = this.s * this.rows.open[i - this.rows.shift]!
    this.startTime = this.time(i)
    this.newLow(i)
    this.scanAt = i
    this.passedAt = -1
    this.deque.length = 0
    this.dequeHead = 0
  }

  private newLow(i: number): void {
    this.low = i
    this.lowBottom = this.bottom(i)
    this.lowTime = this.time(i)
    this.afterLowTop = Number.NEGATIVE_INFINITY
    this.afterLowTopIdx = -1
  }

  /** findLegs' reopen: the next start is the row after `from` (every row here has a price). */
  private reopen(from: number): number {
    const next = from + 1
    this.newStart(next)
    return next + 1
  }

  /** legs.ts bounceLimit, from the figures kept. */
  private bounceLimit(): number {
    const move = this.startTop - this.lowBottom
    const cap = (this.params.minMovePct / 100) * Math.abs(this.s * this.lowBottom)
    return Math.min(this.params.reboundFrac * move, cap)
  }

  private close(closeT: number): void {
    if ((this.low !== this.start || this.lowBottom < this.startOpen) && this.qualifies()) {
      this.legs.push({
        direction: this.direction,
        startT: this.startTime,
        extremeT: this.lowTime,
        closeT,
        swallowed: this.swallowed,
      })
    }
    this.swallowed = []
  }

  /** legs.ts qualifies for the open leg (the stream skips every row when bars are too long). */
  private qualifies(): boolean {
    const minMove = this.params.minMovePct / 100
    const startTop = this.start === this.low ? this.startOpen : this.startTop
    const extremeBottom = this.lowBottom
    if (startTop - extremeBottom < minMove * Math.abs(startTop)) return false
    if (this.start === this.low) return true
    this.scanTo(this.low)
    return this.passedAt >= 0 && this.passedAt <= this.low
  }

  /** Moves the speed scanner over the rows up to `last` (qualifies' loop, from the start). */
  private scanTo(last: number): void {
    if (this.passedAt >= 0) return
    const within = this.params.withinMin * MINUTE
    const minMove = this.params.minMovePct / 100
    const deque = this.deque
    let head = this.dequeHead
    for (let b = this.scanAt; b <= last; b++) {
      const top = this.top(b)
      while (deque.length > head && this.top(deque[deque.length - 1]!) <= top) deque.pop()
      deque.push(b)
      const from = this.time(b) - within
      while (this.time(deque[head]!) < from) head++
      const best = this.top(deque[head]!)
      if (best - this.bottom(b) >= minMove * Math.abs(best)) {
        this.passedAt = b
        this.scanAt = b + 1
        deque.length = 0
        this.dequeHead = 0
        return
      }
      // Drop the evicted head once it is half the array, so the deque stays the window's size.
      if (head > 1024 && 2 * head > deque.length) {
        deque.splice(0, head)
        head = 0
      }
    }
    this.scanAt = Math.max(this.scanAt, last + 1)
    this.dequeHead = head
  }
}

/**
 * `findLegs` + `qualifies` over a layer given part by part, in both directions, holding only the
 * bars near the newest (see the header for why the result is the same).
 */
export class LegStream {
  private readonly rows = new PricedRows()
  private scans: DirectedLegScan[] | null = null
  private durationMs: number | null = null
  private lastRowTime = Number.NEGATIVE_INFINITY
  /** Bars longer than `withinMin`: no leg qualifies (qualifies), so no row need be read. */
  private tooCoarse = false
  private finished = false

  constructor(private readonly params: LegStreamParams) {}

  /** The next bars of the layer: rows in strictly increasing time, all later than every row before; same durationMs every time. */
  add(part: BarColumns): void {
    if (this.finished) throw new Error('LegStream.add: called after finish()')
    if (this.durationMs === null) {
      this.durationMs = part.durationMs
      this.tooCoarse = part.durationMs > this.params.withinMin * MINUTE
      // findLegs: the next bar may always undercut (on bars as long as the window nothing finer is known).
      const undercut = Math.max(this.params.undercutWithinMin * MINUTE, part.durationMs)
      this.scans = (['down', 'up'] as const).map(
        (direction) => new DirectedLegScan(direction, this.rows, this.params, undercut),
      )
    } else if (part.durationMs !== this.durationMs) {
      throw new Error(`LegStream.add: bars of ${part.durationMs} ms after bars of ${this.durationMs} ms`)
    }
    if (part.length === 0) return
    let previous = this.lastRowTime
    for (let i = 0; i < part.length; i++) {
      const t = part.time[i]!
      if (!(t > previous)) throw new Error(`LegStream.add: row at ${t} is not after the row at ${previous}`)
      previous = t
    }
    this.lastRowTime = previous
    if (this.tooCoarse) return
    this.rows.append(part)
    this.run(false)
  }

  /** No more bars: closes the open legs. Call once, after the last add. */
  finish(): void {
    if (this.finished) throw new Error('LegStream.finish: called twice')
    this.finished = true
    if (this.scans === null || this.tooCoarse) return
    this.run(true)
    for (const scan of this.scans) scan.finish(this.lastRowTime)
    this.rows.release(this.rows.count)
  }

  /** After finish: the legs of one direction that pass `qualifies`, in findLegs' order. */
  legs(direction: Direction): StreamLeg[] {
    if (!this.finished) throw new Error('LegStream.legs: call finish() first')
    return this.scans?.find((scan) => scan.direction === direction)?.legs ?? []
  }

  /** Bars currently held (for the memory test and for the caller's accounting). */
  get retained(): number {
    return this.rows.held
  }

  private run(finished: boolean): void {
    let oldest = this.rows.count
    for (const scan of this.scans!) {
      scan.run(finished)
      oldest = Math.min(oldest, scan.oldestNeeded)
    }
    this.rows.release(oldest)
  }
}
