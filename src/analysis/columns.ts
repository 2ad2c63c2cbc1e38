/**
 * Columnar bar storage: one growable Float64Array per field, one row per bucket that has data
 * (a second with no event takes no room). Rows stay in time order; sums add, OHLC and open
 * interest keep first/max/min/last, so bars are mergeable (DESIGN §10).
 */

const INITIAL_CAPACITY = 256

export class BarColumns {
  /** Bucket length in ms: 1000 for the tick layer, the input's own for klines and aggregator buckets. */
  readonly durationMs: number
  length = 0
  private capacity: number
  /** Bucket open time, epoch ms UTC. */
  time: Float64Array
  /** Price OHLC; NaN where the bucket has no price (a second with only a liquidation). */
  open: Float64Array
  high: Float64Array
  low: Float64Array
  close: Float64Array
  /** Base units traded. */
  volume: Float64Array
  volumeUsd: Float64Array
  takerBuyUsd: Float64Array
  takerSellUsd: Float64Array
  trades: Float64Array
  liqLongUsd: Float64Array
  liqShortUsd: Float64Array
  liqLongCount: Float64Array
  liqShortCount: Float64Array
  liqLargestUsd: Float64Array
  /** Open-interest level last seen in the bucket (base units, USD); NaN where none. */
  oi: Float64Array
  oiUsd: Float64Array

  // What the layer holds at all: a figure is null in the report when its flag is off.
  hasPrice = false
  hasVolume = false
  hasVolumeUsd = false
  hasTaker = false
  hasTrades = false
  hasLiquidations = false
  /** Liquidation counts and largest order are known only from liquidation events, not buckets. */
  liqFromBuckets = false
  hasOpenInterest = false

  constructor(durationMs: number, capacity = INITIAL_CAPACITY) {
    this.durationMs = durationMs
    this.capacity = capacity
    this.time = new Float64Array(capacity)
    this.open = new Float64Array(capacity)
    this.high = new Float64Array(capacity)
    this.low = new Float64Array(capacity)
    this.close = new Float64Array(capacity)
    this.volume = new Float64Array(capacity)
    this.volumeUsd = new Float64Array(capacity)
    this.takerBuyUsd = new Float64Array(capacity)
    this.takerSellUsd = new Float64Array(capacity)
    this.trades = new Float64Array(capacity)
    this.liqLongUsd = new Float64Array(capacity)
    this.liqShortUsd = new Float64Array(capacity)
    this.liqLongCount = new Float64Array(capacity)
    this.liqShortCount = new Float64Array(capacity)
    this.liqLargestUsd = new Float64Array(capacity)
    this.oi = new Float64Array(capacity)
    this.oiUsd = new Float64Array(capacity)
  }

  /** The row of the bucket opening at `time`, created empty when absent. */
  slot(time: number): number {
    const n = this.length
    if (n > 0) {
      const last = this.time[n - 1]!
      if (time === last) return n - 1
      if (time < last) return this.insert(time)
    }
    if (n === this.capacity) this.grow()
    this.time[n] = time
    this.clear(n)
    this.length = n + 1
    return n
  }

  /** First row with time ≥ t (binary search); `length` when none. */
  lowerBound(t: number): number {
    let lo = 0
    let hi = this.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (this.time[mid]! < t) lo = mid + 1
      else hi = mid
    }
    return lo
  }

  get first(): number | null {
    return this.length > 0 ? this.time[0]! : null
  }

  get last(): number | null {
    return this.length > 0 ? this.time[this.length - 1]! : null
  }

  private clear(i: number): void {
    this.open[i] = Number.NaN
    this.high[i] = Number.NaN
    this.low[i] = Number.NaN
    this.close[i] = Number.NaN
    this.oi[i] = Number.NaN
    this.oiUsd[i] = Number.NaN
    // Sum columns start at 0; a reused slot after insert() was shifted, so zero them explicitly.
    this.volume[i] = 0
    this.volumeUsd[i] = 0
    this.takerBuyUsd[i] = 0
    this.takerSellUsd[i] = 0
    this.trades[i] = 0
    this.liqLongUsd[i] = 0
    this.liqShortUsd[i] = 0
    this.liqLongCount[i] = 0
    this.liqShortCount[i] = 0
    this.liqLargestUsd[i] = 0
  }

  /** An out-of-order bucket (rare: the timeline is time-ordered): find it or shift rows to make room. */
  private insert(time: number): number {
    const at = this.lowerBound(time)
    if (at < this.length && this.time[at] === time) return at
    if (this.length === this.capacity) this.grow()
    for (const column of this.columns()) column.copyWithin(at + 1, at, this.length)
    this.time[at] = time
    this.clear(at)
    this.length++
    return at
  }

  private columns(): Float64Array[] {
    return [
      this.time,
      this.open,
      this.high,
      this.low,
      this.close,
      this.volume,
      this.volumeUsd,
      this.takerBuyUsd,
      this.takerSellUsd,
      this.trades,
      this.liqLongUsd,
      this.liqShortUsd,
      this.liqLongCount,
      this.liqShortCount,
      this.liqLargestUsd,
      this.oi,
      this.oiUsd,
    ]
  }

  private grow(): void {
    const capacity = this.capacity * 2
    const bigger = (old: Float64Array) => {
      const next = new Float64Array(capacity)
      next.set(old.subarray(0, this.length))
      return next
    }
    this.time = bigger(this.time)
    this.open = bigger(this.open)
    this.high = bigger(this.high)
    this.low = bigger(this.low)
    this.close = bigger(this.close)
    this.volume = bigger(this.volume)
    this.volumeUsd = bigger(this.volumeUsd)
    this.takerBuyUsd = bigger(this.takerBuyUsd)
    this.takerSellUsd = bigger(this.takerSellUsd)
    this.trades = bigger(this.trades)
    this.liqLongUsd = bigger(this.liqLongUsd)
    this.liqShortUsd = bigger(this.liqShortUsd)
    this.liqLongCount = bigger(this.liqLongCount)
    this.liqShortCount = bigger(this.liqShortCount)
    this.liqLargestUsd = bigger(this.liqLargestUsd)
    this.oi = bigger(this.oi)
    this.oiUsd = bigger(this.oiUsd)
    this.capacity = capacity
  }

  /** Bytes held by the columns (for benchmarks and memory checks). */
  get bytes(): number {
    return this.capacity * 8 * 17
  }
}
