/**
 * Episode finding on a price path (DESIGN §5, METHODS §2.3–2.4): fast legs, merged across small
 * rebounds (an ε-drawdown whose ε is a fraction of the move so far).
 *
 * - A point is *fast* when it lies at least `minMovePct` beyond the highest point (lowest, for a
 *   squeeze) of the `withinMin` minutes before it. A slow bleed has no fast point; a wiggle is too small.
 * - A cascade opens at the first fast point; start = that highest point (the last peak before the
 *   fall, the latest of equal highs). It goes on while the price gives back no more than
 *   `reboundFrac` of the move so far (start → lowest point since) and the next fast point comes
 *   within `mergeGapMin` minutes: two legs with a partial bounce are one cascade.
 * - extreme = the lowest point from start to the last fast point: a slow drift after the fast part
 *   is not the cascade. A later cascade starts after the previous extreme.
 */
import type { AnalysisParams } from './params.js'
import type { PricePath } from './path.js'
import { MINUTE } from './stats.js'

export type Direction = 'down' | 'up'

export interface Episode {
  direction: Direction
  /** Path index of the last peak (trough) before the move. */
  startIdx: number
  /** Path index of the low (high). */
  extremeIdx: number
  /** The last fast point of the cascade. */
  lastFastIdx: number
  /** The point that closed the cascade (a large bounce, or a long pause), or the last point. */
  searchEndIdx: number
}

type Params = Pick<AnalysisParams, 'minMovePct' | 'withinMin' | 'reboundFrac' | 'mergeGapMin'>

/** Episodes of one direction, in time order. O(n): one pass with a monotonic deque. */
export function findEpisodes(path: PricePath, direction: Direction, params: Params): Episode[] {
  const episodes: Episode[] = []
  const n = path.length
  // Work on y = ±price so that both directions are "fall from a peak": peak = max y, extreme = min y.
  const s = direction === 'down' ? 1 : -1
  const x = path.price
  const t = path.time
  const minMove = params.minMovePct / 100
  const rebound = params.reboundFrac
  const within = params.withinMin * MINUTE
  const mergeGap = params.mergeGapMin * MINUTE
  // Indices whose y decreases from head to tail: the head is the highest point of the window.
  const deque = new Int32Array(Math.max(1, n))
  let head = 0
  let tail = 0
  /** No start may lie at or before the previous cascade's extreme. */
  let floor = 0
  let open = false
  let startIdx = 0
  let lastFast = 0
  let runMin = 0

  const isFast = (k: number): boolean => {
    while (head < tail && deque[head]! < floor) head++
    if (head === tail) return false
    const yTop = s * x[deque[head]!]!
    return yTop - s * x[k]! >= minMove * Math.abs(yTop)
  }
  const close = (searchEnd: number) => {
    let extremeIdx = startIdx
    for (let k = startIdx + 1; k <= lastFast; k++) if (s * x[k]! < s * x[extremeIdx]!) extremeIdx = k
    episodes.push({ direction, startIdx, extremeIdx, lastFastIdx: lastFast, searchEndIdx: searchEnd })
    floor = extremeIdx + 1
    open = false
  }

  for (let k = 0; k < n; k++) {
    const y = s * x[k]!
    while (tail > head && s * x[deque[tail - 1]!]! <= y) tail--
    deque[tail++] = k
    const from = t[k]! - within
    while (t[deque[head]!]! < from) head++
    if (open) {
      if (y < runMin) runMin = y
      const yStart = s * x[startIdx]!
      if (y - runMin > rebound * (yStart - runMin) || t[k]! - t[lastFast]! > mergeGap) close(k)
      else if (isFast(k)) lastFast = k
    }
    if (!open && isFast(k)) {
      open = true
      startIdx = deque[head]!
      lastFast = k
      runMin = y
      for (let j = startIdx + 1; j < k; j++) if (s * x[j]! < runMin) runMin = s * x[j]!
    }
  }
  if (open) close(n - 1)
  return episodes
}

/**
 * The first point after the extreme where the price has given back `reboundFrac` of the move
 * (start → extreme), looking no further than `limitIdx`; -1 when it never does.
 */
export function retraceIndex(
  path: PricePath,
  episode: Episode,
  reboundFrac: number,
  limitIdx: number,
): number {
  const s = episode.direction === 'down' ? 1 : -1
  const x = path.price
  const yStart = s * x[episode.startIdx]!
  const yExtreme = s * x[episode.extremeIdx]!
  const need = reboundFrac * (yStart - yExtreme)
  for (let k = episode.extremeIdx + 1; k <= limitIdx && k < path.length; k++) {
    if (s * x[k]! - yExtreme >= need) return k
  }
  return -1
}

/**
 * On 1-second bars, the first second after `afterMs` and at or before `byMs` whose high (low, for
 * a squeeze) reaches `threshold`: the retrace placed to the second. Null when the layer is not
 * 1-second bars or no second qualifies.
 */
export function refineRetrace(
  path: PricePath,
  direction: Direction,
  afterMs: number,
  byMs: number,
  threshold: number,
): { time: number; price: number } | null {
  const layer = path.layer
  if (layer.durationMs > 1000) return null
  for (let i = layer.lowerBound(afterMs + 1); i < layer.length && layer.time[i]! <= byMs; i++) {
    if (direction === 'down') {
      const high = layer.high[i]!
      if (high >= threshold) return { time: layer.time[i]!, price: high }
    } else {
      const low = layer.low[i]!
      if (low <= threshold) return { time: layer.time[i]!, price: low }
    }
  }
  return null
}
