/**
 * The price path the detector scans: a few points per scan bar, in time order. From 1-second bars
 * it is one point per minute for the open, the high, the low and the close, each at the exact
 * second it happened, so a scan over minutes still places peaks and lows to the second (DESIGN §2:
 * scan minutes, refine on seconds). From coarser bars (klines, hourly buckets) the four points sit
 * at the bar's open time, in the usual intra-bar order: a falling bar went up first (open, high,
 * low, close), a rising bar down first (open, low, high, close).
 */
import type { BarColumns } from '../bars/index.js'
import { MINUTE } from './stats.js'

export interface PricePath {
  /** Point times, epoch ms, non-decreasing. */
  time: Float64Array
  price: Float64Array
  length: number
  /** Resolution of the price figures: 1000 for tick data, else the bar length. */
  resolutionMs: number
  /** The layer the points came from (for refining on its 1-second bars). */
  layer: BarColumns
}

/** Builds the scan path from a layer that has prices. */
export function pricePath(layer: BarColumns): PricePath {
  return layer.durationMs <= 1000 ? pathFromSeconds(layer) : pathFromBuckets(layer)
}

function pathFromBuckets(layer: BarColumns): PricePath {
  const n = layer.length
  const time = new Float64Array(n * 4)
  const price = new Float64Array(n * 4)
  let k = 0
  for (let i = 0; i < n; i++) {
    const open = layer.open[i]!
    if (Number.isNaN(open)) continue
    const t = layer.time[i]!
    const close = layer.close[i]!
    const fallingBar = close < open
    time[k] = t
    price[k++] = open
    time[k] = t
    price[k++] = fallingBar ? layer.high[i]! : layer.low[i]!
    time[k] = t
    price[k++] = fallingBar ? layer.low[i]! : layer.high[i]!
    time[k] = t
    price[k++] = close
  }
  return { time, price, length: k, resolutionMs: layer.durationMs, layer }
}

function pathFromSeconds(layer: BarColumns): PricePath {
  const n = layer.length
  let minutes = 0
  let lastMinute = Number.NaN
  for (let i = 0; i < n; i++) {
    if (Number.isNaN(layer.open[i]!)) continue
    const m = Math.floor(layer.time[i]! / MINUTE)
    if (m !== lastMinute) minutes++
    lastMinute = m
  }
  const time = new Float64Array(minutes * 4)
  const price = new Float64Array(minutes * 4)
  let k = 0
  // The minute being gathered: its open, high, low and close, each with the second and an order key.
  let minute = Number.NaN
  let openT = 0
  let openX = 0
  let highT = 0
  let highX = 0
  let highRank = 1
  let lowT = 0
  let lowX = 0
  let lowRank = 2
  let closeT = 0
  let closeX = 0
  // Four (time, rank, price) slots sorted by insertion each time a minute is emitted.
  const slotT = new Float64Array(4)
  const slotR = new Float64Array(4)
  const slotX = new Float64Array(4)
  const emit = () => {
    slotT[0] = openT
    slotR[0] = 0
    slotX[0] = openX
    slotT[1] = highT
    slotR[1] = highRank
    slotX[1] = highX
    slotT[2] = lowT
    slotR[2] = lowRank
    slotX[2] = lowX
    slotT[3] = closeT
    slotR[3] = 3
    slotX[3] = closeX
    for (let a = 1; a < 4; a++) {
      const t = slotT[a]!
      const r = slotR[a]!
      const x = slotX[a]!
      let b = a - 1
      while (b >= 0 && (slotT[b]! > t || (slotT[b] === t && slotR[b]! > r))) {
        slotT[b + 1] = slotT[b]!
        slotR[b + 1] = slotR[b]!
        slotX[b + 1] = slotX[b]!
        b--
      }
      slotT[b + 1] = t
      slotR[b + 1] = r
      slotX[b + 1] = x
    }
    for (let a = 0; a < 4; a++) {
      time[k] = slotT[a]!
      price[k++] = slotX[a]!
    }
  }
  for (let i = 0; i < n; i++) {
    const open = layer.open[i]!
    if (Number.isNaN(open)) continue
    const t = layer.time[i]!
    const high = layer.high[i]!
    const low = layer.low[i]!
    const close = layer.close[i]!
    // Inside one second the order is unknown: a falling second is taken to have peaked first.
    const highFirst = close < open
    const m = Math.floor(t / MINUTE)
    if (m !== minute) {
      if (!Number.isNaN(minute)) emit()
      minute = m
      openT = t
      openX = open
      highT = t
      highX = high
      highRank = highFirst ? 1 : 2
      lowT = t
      lowX = low
      lowRank = highFirst ? 2 : 1
    } else {
      if (high > highX) {
        highT = t
        highX = high
        highRank = highFirst ? 1 : 2
      }
      if (low < lowX) {
        lowT = t
        lowX = low
        lowRank = highFirst ? 2 : 1
      }
    }
    closeT = t
    closeX = close
  }
  if (!Number.isNaN(minute)) emit()
  return { time, price, length: k, resolutionMs: layer.durationMs, layer }
}
