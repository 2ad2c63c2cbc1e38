/**
 * The measurements of one cascade window (DESIGN §6). Each function is pure over bars or cells and
 * returns null where its inputs cannot give the figure.
 *
 * The window of a cascade is [start, end + r), r being the price resolution, so that the bar in
 * which the end falls counts whole. A bucket counts when it overlaps the window: hourly
 * liquidations of a 35-minute cascade are the hour(s) it touched, and the report says `1h`.
 */
import { type BarColumns, CompactTicks } from '../bars/index.js'
import type { CellTrack, FigureView } from './market.js'
import { madOrNull, medianOrNull, robustZ } from './stats.js'

/** Rows of `layer` whose bucket overlaps [from, to): [first, last) indices. */
export function overlapRange(layer: BarColumns, from: number, to: number): [number, number] {
  return [layer.lowerBound(from - layer.durationMs + 1), layer.lowerBound(to)]
}

export interface WindowSums {
  volume: number
  volumeUsd: number
  takerBuyUsd: number
  takerSellUsd: number
  trades: number
  liqLongUsd: number
  liqShortUsd: number
  liqCount: number
  liqLargestUsd: number
}

/** Sums of every additive column over the buckets of `layer` that overlap [from, to). */
export function windowSums(layer: BarColumns, from: number, to: number): WindowSums {
  const sums: WindowSums = {
    volume: 0,
    volumeUsd: 0,
    takerBuyUsd: 0,
    takerSellUsd: 0,
    trades: 0,
    liqLongUsd: 0,
    liqShortUsd: 0,
    liqCount: 0,
    liqLargestUsd: 0,
  }
  if (layer instanceof CompactTicks) layer.mustKeep(from, to, 'a sum')
  const [first, last] = overlapRange(layer, from, to)
  for (let i = first; i < last; i++) {
    sums.volume += layer.volume[i]!
    sums.volumeUsd += layer.volumeUsd[i]!
    sums.takerBuyUsd += layer.takerBuyUsd[i]!
    sums.takerSellUsd += layer.takerSellUsd[i]!
    sums.trades += layer.trades[i]!
    sums.liqLongUsd += layer.liqLongUsd[i]!
    sums.liqShortUsd += layer.liqShortUsd[i]!
    sums.liqCount += layer.liqLongCount[i]! + layer.liqShortCount[i]!
    sums.liqLargestUsd = Math.max(sums.liqLargestUsd, layer.liqLargestUsd[i]!)
  }
  return sums
}

/** The last price (close) of a bucket opening at or before `t`; null when none. */
export function priceAt(layer: BarColumns, t: number): number | null {
  if (layer instanceof CompactTicks) return layer.closeAtOrBefore(t)
  for (let i = layer.lowerBound(t + 1) - 1; i >= 0; i--) {
    const close = layer.close[i]!
    if (!Number.isNaN(close)) return close
  }
  return null
}

/**
 * The price known at instant `t`: the close of the last bucket that had ended by then (for 1-second
 * bars, the second at `t` itself). Null when none. Used to value open-interest levels, which hold
 * from a bucket's end.
 */
export function priceKnownAt(layer: BarColumns, t: number): number | null {
  const shift = layer.durationMs > 1000 ? layer.durationMs : 0
  return priceAt(layer, t - shift)
}

/**
 * The largest move over `deltaMs` inside [from, to], as 100 · |ln(p(t+Δ) / p(t))| with p the last
 * close at or before each time (METHODS §2.6). Null when the bars are coarser than Δ or the window
 * is shorter than Δ. The prices are laid on a dense grid of the bar length, carried forward.
 */
export function maxMovePct(layer: BarColumns, from: number, to: number, deltaMs: number): number | null {
  const step = layer.durationMs
  if (deltaMs < step || deltaMs % step !== 0 || to - from < deltaMs) return null
  if (layer instanceof CompactTicks) layer.mustKeep(from, to + step, 'the largest move')
  const cells = Math.floor((to - from) / step) + 1
  const grid = new Float64Array(cells)
  let price = priceAt(layer, from) ?? Number.NaN
  let i = layer.lowerBound(from + 1)
  for (let c = 0; c < cells; c++) {
    const cellEnd = from + c * step
    while (i < layer.length && layer.time[i]! <= cellEnd) {
      const close = layer.close[i]!
      if (!Number.isNaN(close)) price = close
      i++
    }
    grid[c] = price
  }
  const lag = deltaMs / step
  let best = Number.NaN
  for (let c = 0; c + lag < cells; c++) {
    const move = Math.abs(Math.log(grid[c + lag]! / grid[c]!))
    if (!Number.isNaN(move) && !(move <= best)) best = move
  }
  return Number.isNaN(best) ? null : best * 100
}

export interface Baseline {
  median: number
  mad: number
  cells: number
  /** True when the trailing window was too short and the whole track outside the cascade was used. */
  wholeTrack: boolean
  /**
   * The time the trailing cells cover: `hours` unless the data begin later (a report without the
   * day before reads its baseline from the hours of the day before the cascade). 0 with `wholeTrack`.
   */
  spanMs: number
}

/**
 * Median and MAD of cell totals over the `hours` before `startMs` (cells before the cascade's
 * first cell). With less than an hour of cells there, the cells outside [firstCell, lastCell] of
 * the whole track stand in. Null for an empty track.
 */
export function trailingBaseline(
  track: CellTrack,
  startMs: number,
  hours: number,
  lastCell: number,
): Baseline | null {
  const firstCell = track.cellOf(startMs)
  const from = track.cellOf(startMs - hours * 3_600_000)
  let values = track.totals(from, firstCell)
  let wholeTrack = false
  const enough = Math.max(1, Math.ceil(3_600_000 / track.step))
  if (values.length < enough) {
    values = [...track.totals(0, firstCell), ...track.totals(lastCell + 1, track.length)]
    wholeTrack = true
  }
  const median = medianOrNull(values)
  const mad = madOrNull(values)
  if (median === null || mad === null) return null
  // The trailing cells begin where the data do when that is later than `hours` before the start.
  const spanMs = wholeTrack
    ? 0
    : Math.min(hours * 3_600_000, startMs - Math.max(track.coverFrom, track.startOf(from)))
  return { median, mad, cells: values.length, wholeTrack, spanMs }
}

export interface Peak {
  cell: number
  value: number
}

/** The cell with the largest total in [first, last] (the earliest on ties); null for none. */
export function peakCell(track: CellTrack, first: number, last: number): Peak | null {
  let best: Peak | null = null
  for (let c = Math.max(0, first); c <= last && c < track.length; c++) {
    const value = track.total(c)
    if (best === null || value > best.value) best = { cell: c, value }
  }
  return best
}

/** Robust z of a peak against a baseline (+∞ for a flat baseline and a peak above it). */
export function peakZ(peak: Peak, baseline: Baseline | null): number {
  return baseline === null ? Number.POSITIVE_INFINITY : robustZ(peak.value, baseline.median, baseline.mad)
}

/**
 * Bursts in cells [first, last]: a cell is hot at `hot` or more (and above 0); two hot runs are
 * separate waves when at least `calmCells` cold cells lie between them. At least 1.
 */
export function countWaves(
  track: CellTrack,
  first: number,
  last: number,
  hot: number,
  calmCells: number,
): number {
  let waves = 0
  let lastHot = Number.NEGATIVE_INFINITY
  for (let c = Math.max(0, first); c <= last && c < track.length; c++) {
    const value = track.total(c)
    if (!(value >= hot && value > 0)) continue
    if (c - lastHot - 1 >= calmCells) waves++
    lastHot = c
  }
  return Math.max(1, waves)
}

/**
 * When the flow returned to baseline: the first cell after `afterCell`, at or before `limitCell`,
 * that starts a run of `calmCells` cells all below `hot` (the run may reach past the limit; past the
 * end of the data counts as calm). Null when no such run starts by the limit.
 */
export function calmAfter(
  track: CellTrack,
  afterCell: number,
  hot: number,
  calmCells: number,
  limitCell: number,
): number | null {
  const calm = (c: number) => c >= track.length || track.total(c) < hot
  for (let c = afterCell + 1; c <= limitCell; c++) {
    let k = 0
    while (k < calmCells && calm(c + k)) k++
    if (k === calmCells) return track.startOf(c)
    c += k // every start up to c + k would meet the same hot cell
  }
  return null
}

export interface OpenInterestFigures {
  startUsd: number | null
  minUsd: number | null
  startBase: number | null
  minBase: number | null
  /** Per venue: (start − min) / start in %, USD (base where USD is unknown); null where not included. */
  venueDrawdownPct: (number | null)[]
}

interface Level {
  time: number
  usd: number
  base: number
}

/** Open-interest levels of one venue in time order, each at the time it was true. */
function levelsOf(
  view: FigureView,
  convert: (t: number) => number | null,
  from: number,
  to: number,
): {
  start: Level | null
  during: Level[]
} {
  const layer = view.layer
  // A bucket's level is its close: it holds from the bucket's end.
  const shift = layer.durationMs > 1000 ? layer.durationMs : 0
  const stale = Math.max(3 * view.resolutionMs, 3_600_000)
  const levelAt = (i: number, low = false): Level | null => {
    // An OHLC bucket's low (issue 12 item 6) was reached inside it: placed just before its close.
    const lows = low ? layer.oiLows.get(layer.time[i]!) : undefined
    if (low && !lows) return null
    const time = layer.time[i]! + shift - (low ? 1 : 0)
    let usd = lows ? lows.usd : layer.oiUsd[i]!
    let base = lows ? lows.base : layer.oi[i]!
    if (Number.isNaN(usd) && Number.isNaN(base)) return null
    if (Number.isNaN(base) || Number.isNaN(usd)) {
      const price = convert(time)
      if (price !== null && price > 0) {
        if (Number.isNaN(base)) base = usd / price
        else usd = base * price
      }
    }
    return { time, usd, base }
  }
  let start: Level | null = null
  const firstAfter = layer.lowerBound(from - shift + 1)
  for (let i = firstAfter - 1; i >= 0 && layer.time[i]! + shift >= from - stale; i--) {
    start = levelAt(i)
    if (start) break
  }
  const during: Level[] = []
  for (let i = firstAfter; i < layer.length && layer.time[i]! + shift <= to; i++) {
    const low = layer.oiLows.size > 0 ? levelAt(i, true) : null
    if (low) during.push(low)
    const level = levelAt(i)
    if (level) during.push(level)
  }
  return { start, during }
}

/**
 * Open interest over [from, to] summed across venues (DESIGN §6): each venue's last level at or
 * before `from` (not older than three sampling intervals or an hour), carried forward; min = the
 * lowest sum from `from` to `to`. Venues without a level at the start are left out so the sum never
 * jumps when one appears. Inverse OI known only in USD gets base units at `priceOf(venue, t)`.
 */
export function openInterestFigures(
  views: readonly (FigureView | null)[],
  priceOf: (venue: number, t: number) => number | null,
  from: number,
  to: number,
): OpenInterestFigures {
  const starts: (Level | null)[] = []
  const events: { time: number; venue: number; level: Level }[] = []
  const venueDrawdownPct: (number | null)[] = []
  views.forEach((view, venue) => {
    if (!view) {
      starts.push(null)
      venueDrawdownPct.push(null)
      return
    }
    const { start, during } = levelsOf(view, (t) => priceOf(venue, t), from, to)
    starts.push(start)
    if (!start) {
      venueDrawdownPct.push(null)
      return
    }
    const key = Number.isNaN(start.usd) ? 'base' : 'usd'
    let min = start[key]
    for (const level of during) {
      events.push({ time: level.time, venue, level })
      if (level[key] < min) min = level[key]
    }
    venueDrawdownPct.push(start[key] > 0 ? ((start[key] - min) / start[key]) * 100 : null)
  })
  const included = starts.filter((start): start is Level => start !== null)
  if (included.length === 0)
    return { startUsd: null, minUsd: null, startBase: null, minBase: null, venueDrawdownPct }
  const current = starts.map((start) => (start ? { usd: start.usd, base: start.base } : null))
  let usd = included.reduce((sum, level) => sum + level.usd, 0)
  let base = included.reduce((sum, level) => sum + level.base, 0)
  const startUsd = usd
  const startBase = base
  let minUsd = usd
  let minBase = base
  events.sort((a, b) => a.time - b.time || a.venue - b.venue)
  for (let k = 0; k < events.length; k++) {
    const { venue, level } = events[k]!
    const held = current[venue]!
    usd += level.usd - held.usd
    base += level.base - held.base
    held.usd = level.usd
    held.base = level.base
    // Levels stamped at one instant are applied together before the sum is read.
    if (k + 1 < events.length && events[k + 1]!.time === events[k]!.time) continue
    if (usd < minUsd) minUsd = usd
    if (base < minBase) minBase = base
  }
  const known = (x: number) => (Number.isFinite(x) ? x : null)
  return {
    startUsd: known(startUsd),
    minUsd: known(minUsd),
    startBase: known(startBase),
    minBase: known(minBase),
    venueDrawdownPct,
  }
}
