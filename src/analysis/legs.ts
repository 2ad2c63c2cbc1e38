/**
 * Legs: the fast one-directional moves a cascade is made of (DESIGN §5, §5.1; METHODS §2.4).
 *
 * The price is read bar by bar, as the bars say it and no finer: 1-second bars for ticks, the
 * file's own bars for klines and aggregator buckets. Inside one bar the order of its high and its
 * low is unknown, so nothing here ever assumes one.
 *
 * A leg is an ε-drawdown (a drawup, for a squeeze) from a peak to the lowest low after it:
 * - It opens at the highest high since the previous leg's low (`start`: the last peak before the
 *   fall) and runs while the price makes lower lows.
 * - It ends at a bounce that the data shows: the highest high of the bars *after* the bar holding
 *   the running low gives back more than `reboundFrac` of the move so far (start → running low),
 *   or rises `minMovePct` above the low (a counter-move the size of a cascade is a reversal).
 *   A bounce inside the bar of the running low is of unknown order and never ends a leg.
 * - A bounce that a later bar undercuts within `undercutWithinMin` (the bounce's own bar, the next
 *   bar, and any bar opening within that time) does not end the leg either, unless it rose above
 *   the leg's start: it is kept as a swallowed counter-move and named in the reasons.
 * - A leg also ends when it makes no new low for `mergeGapMin` minutes: a long pause.
 *
 * Segmentation never uses `--within`, which only decides which legs qualify (`qualifies`). So a
 * leg found with a window W keeps its start and extreme with any larger W.
 */
import type { BarColumns } from '../bars/index.js'
import type { AnalysisParams } from './params.js'
import { MINUTE } from './stats.js'

export type Direction = 'down' | 'up'

/** A counter-move inside a leg that a later bar undercut, so it did not end the leg. */
export interface CounterMove {
  /** Bar index of the counter-move's top (its high, for a fall). */
  topIdx: number
  /** Its size as a fraction of the price at the leg's running low before it. */
  sizeFrac: number
}

export interface Leg {
  direction: Direction
  /** Bar index of the start: the peak (trough, for a squeeze). */
  startIdx: number
  /** Bar index of the extreme: the lowest low (highest high). */
  extremeIdx: number
  /** Bar index where the leg was closed: the bounce that ended it, a pause, or the last bar. */
  closeIdx: number
  /** Counter-moves swallowed by the undercut rule, in time order. */
  swallowed: CounterMove[]
}

type LegParams = Pick<AnalysisParams, 'reboundFrac' | 'undercutWithinMin' | 'mergeGapMin' | 'minMovePct'>

/** The bar layer seen from one direction: y = price for a fall, y = −price for a squeeze. */
export class DirectedBars {
  readonly n: number
  private readonly s: number
  constructor(
    readonly layer: BarColumns,
    readonly direction: Direction,
  ) {
    this.n = layer.length
    this.s = direction === 'down' ? 1 : -1
  }
  time(i: number): number {
    return this.layer.time[i]!
  }
  has(i: number): boolean {
    return !Number.isNaN(this.layer.open[i]!) && !Number.isNaN(this.layer.high[i]!)
  }
  /** The bar's open in y. */
  open(i: number): number {
    return this.s * this.layer.open[i]!
  }
  /** The bar's top in y (its high for a fall, its low for a squeeze, negated). */
  top(i: number): number {
    return this.s > 0 ? this.layer.high[i]! : -this.layer.low[i]!
  }
  bottom(i: number): number {
    return this.s > 0 ? this.layer.low[i]! : -this.layer.high[i]!
  }
  /** Back from y to a price. */
  price(y: number): number {
    return this.s * y
  }
}

/** Every leg of one direction, in time order, whatever its size. O(n) but for undercut look-aheads. */
export function findLegs(bars: DirectedBars, params: LegParams): Leg[] {
  const legs: Leg[] = []
  const n = bars.n
  // The next bar may always undercut: on bars as long as the window, nothing finer is known.
  const undercut = Math.max(params.undercutWithinMin * MINUTE, bars.layer.durationMs)
  const pause = params.mergeGapMin * MINUTE
  let k = 0
  while (k < n && !bars.has(k)) k++
  if (k >= n) return legs
  // The open leg: its start (peak), its running low, the highest top seen after that low.
  let start = k
  let low = k
  let afterLowTop = Number.NEGATIVE_INFINITY
  let afterLowTopIdx = -1
  let swallowed: CounterMove[] = []
  const close = (closeIdx: number) => {
    // Inside one bar only the move from its open is certain (the high may have come after the low).
    if (low !== start || bars.bottom(low) < bars.open(start))
      legs.push({ direction: bars.direction, startIdx: start, extremeIdx: low, closeIdx, swallowed })
    swallowed = []
  }
  /** Restart the search for a peak after bar `from` (exclusive); returns the next index to read. */
  const reopen = (from: number): number => {
    let next = from + 1
    while (next < n && !bars.has(next)) next++
    start = next
    low = next
    afterLowTop = Number.NEGATIVE_INFINITY
    afterLowTopIdx = -1
    return next + 1
  }
  for (k = k + 1; k < n; k++) {
    if (!bars.has(k)) continue
    const top = bars.top(k)
    const bottom = bars.bottom(k)
    if (top > bars.top(start) || (low === start && top === bars.top(start))) {
      // Above the start (or at it, before any fall): a new peak, the latest of equal highs, opens
      // the next leg; a leg before it (if any) ended at the bounce.
      close(k)
      start = k
      low = k
      afterLowTop = Number.NEGATIVE_INFINITY
      afterLowTopIdx = -1
      continue
    }
    if (bars.time(k) - bars.time(low) > pause && bottom >= bars.bottom(low)) {
      // A long pause without a new low ends the leg; the search for the next peak starts after it.
      close(k)
      k = reopen(low) - 1
      continue
    }
    if (bottom < bars.bottom(low)) {
      // A new low. Its own bar's high is of unknown order and is not a bounce.
      low = k
      afterLowTop = Number.NEGATIVE_INFINITY
      afterLowTopIdx = -1
      continue
    }
    if (top > afterLowTop) {
      afterLowTop = top
      afterLowTopIdx = k
    }
    if (afterLowTop - bars.bottom(low) <= bounceLimit(bars, start, low, params)) continue
    // A bounce beyond the rebound. Undercut soon by a later bar (and never above the start)?
    let j = k + 1
    let counterTop = afterLowTop
    let counterTopIdx = afterLowTopIdx
    let undercutAt = -1
    for (; j < n; j++) {
      if (!bars.has(j)) continue
      if (bars.time(j) - bars.time(k) > undercut) break
      if (bars.bottom(j) < bars.bottom(low)) {
        undercutAt = j
        break
      }
      if (bars.top(j) > bars.top(start)) break
      if (bars.top(j) > counterTop) {
        counterTop = bars.top(j)
        counterTopIdx = j
      }
    }
    if (undercutAt >= 0) {
      const base = Math.abs(bars.price(bars.bottom(low)))
      swallowed.push({ topIdx: counterTopIdx, sizeFrac: (counterTop - bars.bottom(low)) / base })
      low = undercutAt
      afterLowTop = Number.NEGATIVE_INFINITY
      afterLowTopIdx = -1
      k = undercutAt
      continue
    }
    // The bounce stands: the leg ends at its low, and the next peak is sought from after the low.
    close(k)
    k = reopen(low) - 1
  }
  close(n - 1)
  return legs
}

/**
 * The largest bounce that does not end a leg: `reboundFrac` of the move so far, and never more
 * than `minMovePct` of the price: a counter-move the size of a cascade is a reversal, not a pause,
 * however long the fall before it.
 */
function bounceLimit(bars: DirectedBars, start: number, low: number, params: LegParams): number {
  const move = bars.top(start) - bars.bottom(low)
  const cap = (params.minMovePct / 100) * Math.abs(bars.price(bars.bottom(low)))
  return Math.min(params.reboundFrac * move, cap)
}

/**
 * The leg's start in y: the start bar's top, or for a move inside one bar its open (the only part
 * of the bar's range whose order is certain).
 */
export function legStart(bars: DirectedBars, leg: Leg): number {
  return leg.startIdx === leg.extremeIdx ? bars.open(leg.startIdx) : bars.top(leg.startIdx)
}

/**
 * Whether a leg is fast and large enough: the whole leg moves at least `minMovePct`, and somewhere
 * in it the price covers `minMovePct` (from a top to a later or same bar's bottom) within
 * `withinMin`. Bar times are open times, so a move inside one bar takes 0 min. Bars longer than
 * `withinMin` never qualify: a move inside one daily bar cannot be shown to be within 60 min.
 */
export function qualifies(
  bars: DirectedBars,
  leg: Leg,
  params: Pick<AnalysisParams, 'minMovePct' | 'withinMin'>,
): boolean {
  if (bars.layer.durationMs > params.withinMin * MINUTE) return false
  const minMove = params.minMovePct / 100
  const startTop = legStart(bars, leg)
  const extremeBottom = bars.bottom(leg.extremeIdx)
  if (startTop - extremeBottom < minMove * Math.abs(startTop)) return false
  if (leg.startIdx === leg.extremeIdx) return true
  const within = params.withinMin * MINUTE
  // Sliding maximum of tops over the last `within` ms (monotonic deque of bar indices).
  const deque: number[] = []
  let head = 0
  for (let b = leg.startIdx; b <= leg.extremeIdx; b++) {
    if (!bars.has(b)) continue
    const top = bars.top(b)
    while (deque.length > head && bars.top(deque[deque.length - 1]!) <= top) deque.pop()
    deque.push(b)
    const from = bars.time(b) - within
    while (bars.time(deque[head]!) < from) head++
    const best = bars.top(deque[head]!)
    if (best - bars.bottom(b) >= minMove * Math.abs(best)) return true
  }
  return false
}

/**
 * The first bar after the extreme whose top gives back `reboundFrac` of the move, before any bar
 * goes beyond the extreme and within `limitMs` of it; -1 when none does.
 */
export function retraceBar(bars: DirectedBars, leg: Leg, reboundFrac: number, limitMs: number): number {
  const yStart = legStart(bars, leg)
  const yExtreme = bars.bottom(leg.extremeIdx)
  const need = yExtreme + reboundFrac * (yStart - yExtreme)
  const until = bars.time(leg.extremeIdx) + limitMs
  for (let k = leg.extremeIdx + 1; k < bars.n && bars.time(k) <= until; k++) {
    if (!bars.has(k)) continue
    if (bars.top(k) >= need) return k
    if (bars.bottom(k) < yExtreme) return -1
  }
  return -1
}
