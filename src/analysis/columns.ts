/**
 * Columnar bar storage: one growable Float64Array per field, one row per bucket that has data
 * (a second with no event takes no room). Rows stay in time order; sums add, OHLC and open
 * interest keep first/max/min/last, so bars are mergeable (DESIGN §10).
 */

const INITIAL_CAPACITY = 256

/** The layer's flags, in the order `exportRows()` lists them. */
const FLAG_NAMES = [
  'hasPrice',
  'hasVolume',
  'hasVolumeUsd',
  'hasTaker',
  'hasTrades',
  'hasLiquidations',
  'liqFromBuckets',
  'hasOpenInterest',
] as const

/** A layer as plain arrays (to move between worker threads: the arrays' buffers are transferable). */
export interface ExportedBars {
  durationMs: number
  length: number
  /** time, open, high, low, close, volume, volumeUsd, takerBuyUsd, takerSellUsd, trades, liqLongUsd, liqShortUsd, liqLongCount, liqShortCount, liqLargestUsd, oi, oiUsd. */
  columns: Float64Array[]
  flags: boolean[]
}

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

  /**
   * The columns as arrays of `length` rows (views, not copies: the layer must not change after),
   * and the flags.
   */
  exportRows(): ExportedBars {
    return {
      durationMs: this.durationMs,
      length: this.length,
      columns: this.columns().map((column) => column.subarray(0, this.length)),
      flags: FLAG_NAMES.map((flag) => this[flag]),
    }
  }

  /** Bars from `exportRows()` (the arrays are taken over, not copied). */
  static importRows(rows: ExportedBars): BarColumns {
    const bars = new BarColumns(rows.durationMs, Math.max(rows.length, 1))
    bars.setColumns(rows.columns, rows.length)
    FLAG_NAMES.forEach((flag, i) => {
      bars[flag] = rows.flags[i] ?? false
    })
    return bars
  }

  /**
   * Rows of `later` added after this layer's rows: the buckets must all be later than this layer's
   * last (bars of consecutive stretches of one input).
   */
  append(later: BarColumns): void {
    for (const flag of FLAG_NAMES) this[flag] ||= later[flag]
    if (later.length === 0) return
    if (this.length === 0) {
      // Nothing to keep: take the other layer's arrays over.
      this.setColumns(later.columns(), later.length)
      return
    }
    if (later.time[0]! <= this.time[this.length - 1]!) throw new Error('BarColumns.append: buckets overlap')
    const length = this.length + later.length
    const mine = this.columns()
    const theirs = later.columns()
    // Room to spare, as slot() grows: the ranges of a file come one after another.
    const capacity = length <= this.capacity ? this.capacity : Math.max(length, this.capacity * 2)
    this.setColumns(
      mine.map((column, c) => {
        const next = capacity === this.capacity ? column : new Float64Array(capacity)
        if (next !== column) next.set(column.subarray(0, this.length))
        next.set(theirs[c]!.subarray(0, later.length), this.length)
        return next
      }),
      length,
    )
  }

  /** This layer becomes `other` (its arrays taken over, not copied; `other` must not be used after). */
  takeOver(other: BarColumns): void {
    this.setColumns(other.columns(), other.length)
    for (const flag of FLAG_NAMES) this[flag] = other[flag]
  }

  /** Layers that follow each other in time (none shares a bucket) as one, copied once. */
  static concat(layers: readonly BarColumns[]): BarColumns {
    const ordered = [...layers].filter((l) => l.length > 0).sort((a, b) => a.time[0]! - b.time[0]!)
    const durationMs = layers[0]?.durationMs ?? 1000
    const length = ordered.reduce((n, l) => n + l.length, 0)
    const out = new BarColumns(durationMs, Math.max(length, 1))
    const columns = out.columns()
    let at = 0
    for (const layer of ordered) {
      if (at > 0 && layer.time[0]! <= out.time[at - 1]!) throw new Error('BarColumns.concat: buckets overlap')
      layer.columns().forEach((column, c) => {
        columns[c]!.set(column.subarray(0, layer.length), at)
      })
      at += layer.length
      for (const flag of FLAG_NAMES) out[flag] ||= layer[flag]
    }
    out.length = length
    return out
  }

  /**
   * Both layers in one, bucket by bucket: sums add, high/low widen, open and open interest keep
   * this layer's where it has one, close and a later open interest take `other`'s. Exact (any
   * order gives the same numbers) when no bucket holds the same figure on both sides — trades on
   * one side and liquidations or open interest on the other. A linear merge: no row is shifted.
   */
  mergeWith(other: BarColumns): void {
    if (other.length === 0) {
      for (const flag of FLAG_NAMES) this[flag] ||= other[flag]
      return
    }
    if (this.length === 0) {
      this.append(other)
      return
    }
    const a = this.columns()
    const b = other.columns()
    const out = a.map(() => new Float64Array(this.length + other.length))
    const [time, open, high, low, close] = [0, 1, 2, 3, 4]
    const firstSum = 5
    const largest = 14
    const oi = 15
    let i = 0
    let j = 0
    let n = 0
    while (i < this.length || j < other.length) {
      const ta = i < this.length ? this.time[i]! : Number.POSITIVE_INFINITY
      const tb = j < other.length ? other.time[j]! : Number.POSITIVE_INFINITY
      if (ta < tb) {
        for (let c = 0; c < a.length; c++) out[c]![n] = a[c]![i]!
        i++
      } else if (tb < ta) {
        for (let c = 0; c < b.length; c++) out[c]![n] = b[c]![j]!
        j++
      } else {
        out[time]![n] = ta
        const pick = (c: number, first: boolean) => {
          const x = a[c]![i]!
          const y = b[c]![j]!
          return Number.isNaN(x) ? y : Number.isNaN(y) ? x : first ? x : y
        }
        out[open]![n] = pick(open, true)
        out[close]![n] = pick(close, false)
        const ha = a[high]![i]!
        const hb = b[high]![j]!
        out[high]![n] = Number.isNaN(ha) ? hb : Number.isNaN(hb) ? ha : Math.max(ha, hb)
        const la = a[low]![i]!
        const lb = b[low]![j]!
        out[low]![n] = Number.isNaN(la) ? lb : Number.isNaN(lb) ? la : Math.min(la, lb)
        for (let c = firstSum; c < largest; c++) out[c]![n] = a[c]![i]! + b[c]![j]!
        out[largest]![n] = Math.max(a[largest]![i]!, b[largest]![j]!)
        out[oi]![n] = pick(oi, false)
        out[oi + 1]![n] = pick(oi + 1, false)
        i++
        j++
      }
      n++
    }
    this.setColumns(out, n)
    for (const flag of FLAG_NAMES) this[flag] ||= other[flag]
  }

  private setColumns(columns: Float64Array[], length: number): void {
    if (columns.length !== 17) throw new Error(`BarColumns: expected 17 columns, got ${columns.length}`)
    this.time = columns[0]!
    this.open = columns[1]!
    this.high = columns[2]!
    this.low = columns[3]!
    this.close = columns[4]!
    this.volume = columns[5]!
    this.volumeUsd = columns[6]!
    this.takerBuyUsd = columns[7]!
    this.takerSellUsd = columns[8]!
    this.trades = columns[9]!
    this.liqLongUsd = columns[10]!
    this.liqShortUsd = columns[11]!
    this.liqLongCount = columns[12]!
    this.liqShortCount = columns[13]!
    this.liqLargestUsd = columns[14]!
    this.oi = columns[15]!
    this.oiUsd = columns[16]!
    this.length = length
    this.capacity = columns[0]!.length
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
    const capacity = Math.max(INITIAL_CAPACITY, this.capacity * 2)
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
