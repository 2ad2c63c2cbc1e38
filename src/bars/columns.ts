/**
 * Columnar bar storage: one growable Float64Array per field, one row per bucket that has data
 * (a second with no event takes no room). Rows stay in time order; sums add, OHLC and open
 * interest keep first/max/min/last, so bars are mergeable (DESIGN §10).
 */

const INITIAL_CAPACITY = 256
const MINUTE = 60_000
/** Columns in `columns()` order; those from FIRST_OPTIONAL on may be absent (all default). */
const COLUMNS = 18
const FIRST_OPTIONAL = 10
/** The optional columns' getters, in `columns()` order. */
const OPTIONAL_NAMES = [
  'liqLongUsd',
  'liqShortUsd',
  'liqLongCount',
  'liqShortCount',
  'liqLargestUsd',
  'oi',
  'oiUsd',
  'liqLastMs',
] as const
/** Each column's value in a new row: NaN for price and open-interest levels, 0 for sums. */
const DEFAULTS: readonly number[] = [
  Number.NaN, // time (always set)
  Number.NaN,
  Number.NaN,
  Number.NaN,
  Number.NaN,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  Number.NaN,
  Number.NaN,
  Number.NaN,
]

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
  /**
   * time, open, high, low, close, volume, volumeUsd, takerBuyUsd, takerSellUsd, trades, liqLongUsd,
   * liqShortUsd, liqLongCount, liqShortCount, liqLargestUsd, oi, oiUsd, liqLastMs; null for a column
   * the layer never held (every row the default).
   */
  columns: (Float64Array | null)[]
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
  // Liquidation and open-interest columns exist once written or read: a layer made from trades
  // alone never needs them, and they are 8 of the 18 columns (DESIGN §9: memory grows with the
  // seconds covered, so every column counts). Null: every row holds the default.
  private liqLongUsdColumn: Float64Array | null = null
  private liqShortUsdColumn: Float64Array | null = null
  private liqLongCountColumn: Float64Array | null = null
  private liqShortCountColumn: Float64Array | null = null
  private liqLargestUsdColumn: Float64Array | null = null
  /** Open-interest level last seen in the bucket (base units, USD); NaN where none. */
  private oiColumn: Float64Array | null = null
  private oiUsdColumn: Float64Array | null = null
  private liqLastMsColumn: Float64Array | null = null

  get liqLongUsd(): Float64Array {
    this.liqLongUsdColumn ??= this.defaults(0)
    return this.liqLongUsdColumn
  }
  get liqShortUsd(): Float64Array {
    this.liqShortUsdColumn ??= this.defaults(0)
    return this.liqShortUsdColumn
  }
  get liqLongCount(): Float64Array {
    this.liqLongCountColumn ??= this.defaults(0)
    return this.liqLongCountColumn
  }
  get liqShortCount(): Float64Array {
    this.liqShortCountColumn ??= this.defaults(0)
    return this.liqShortCountColumn
  }
  get liqLargestUsd(): Float64Array {
    this.liqLargestUsdColumn ??= this.defaults(0)
    return this.liqLargestUsdColumn
  }
  /**
   * The lowest open-interest level of a bucket (base units, USD), by bucket open time, for buckets
   * whose source gives OHLC open interest. Bucket layers only: ticks carry levels, not ranges.
   */
  readonly oiLows = new Map<number, { base: number; usd: number }>()
  /**
   * Liquidations counted in coins (Coinalyze), long and short, by bucket open time: not in the USD
   * columns until valued at a price of the same market (SeriesBars.valueBaseLiquidations).
   */
  readonly baseLiquidations = new Map<number, { long: number; short: number }>()
  /** Open-interest sampling the inputs declared coarser than the bars (read-back `cascade bars`). */
  oiSamplingMs: number | null = null

  get oi(): Float64Array {
    this.oiColumn ??= this.defaults(Number.NaN)
    return this.oiColumn
  }
  get oiUsd(): Float64Array {
    this.oiUsdColumn ??= this.defaults(Number.NaN)
    return this.oiUsdColumn
  }
  /**
   * Milliseconds into the bucket of its latest liquidation; NaN where none (and in coarser
   * buckets). A feed capped at one record a second keeps the latest: how late it sits in its
   * second tells how many it hid (src/analysis/liquidation-estimate.ts).
   */
  get liqLastMs(): Float64Array {
    this.liqLastMsColumn ??= this.defaults(Number.NaN)
    return this.liqLastMsColumn
  }

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
    return lowerBoundOf(this.time, this.length, t)
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
    // Sum columns start at 0; a reused slot after insert() was shifted, so reset them explicitly.
    this.volume[i] = 0
    this.volumeUsd[i] = 0
    this.takerBuyUsd[i] = 0
    this.takerSellUsd[i] = 0
    this.trades[i] = 0
    const columns = this.columns()
    for (let c = FIRST_OPTIONAL; c < COLUMNS; c++) {
      const column = columns[c]
      if (column) column[i] = DEFAULTS[c]!
    }
  }

  /** An out-of-order bucket (rare: the timeline is time-ordered): find it or shift rows to make room. */
  private insert(time: number): number {
    const at = this.lowerBound(time)
    if (at < this.length && this.time[at] === time) return at
    if (this.length === this.capacity) this.grow()
    for (const column of this.columns()) column?.copyWithin(at + 1, at, this.length)
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
      columns: this.columns().map((column) => column?.subarray(0, this.length) ?? null),
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
        const other = theirs[c]!
        if (column === null && other === null) return null
        let next: Float64Array
        if (column === null) next = filled(capacity, DEFAULTS[c]!)
        else if (capacity === this.capacity) next = column
        else {
          next = new Float64Array(capacity)
          next.set(column.subarray(0, this.length))
        }
        if (other === null) next.fill(DEFAULTS[c]!, this.length, length)
        else next.set(other.subarray(0, later.length), this.length)
        return next
      }),
      length,
    )
  }

  /** Rows [from, to) as a new layer (copied). */
  slice(from: number, to: number): BarColumns {
    const out = new BarColumns(this.durationMs, 1)
    out.setColumns(
      this.columns().map((column) => column?.slice(from, to) ?? null),
      to - from,
    )
    for (const flag of FLAG_NAMES) out[flag] = this[flag]
    return out
  }

  /** This layer becomes `other` (its arrays taken over, not copied; `other` must not be used after). */
  takeOver(other: BarColumns): void {
    this.setColumns(other.columns(), other.length)
    for (const flag of FLAG_NAMES) this[flag] = other[flag]
  }

  /**
   * Layers that share no bucket as one, copied once, in time order. They may come in any order and
   * interleave (daily files read out of order, joined to a block of others): each run of rows that
   * comes before every other layer's next row is copied whole.
   */
  static concat(layers: readonly BarColumns[]): BarColumns {
    const parts = layers.filter((l) => l.length > 0)
    const durationMs = layers[0]?.durationMs ?? 1000
    const length = parts.reduce((n, l) => n + l.length, 0)
    const out = new BarColumns(durationMs, Math.max(length, 1))
    // An optional column exists in the result when some layer has it.
    const held = parts.map((layer) => layer.columns())
    const columns = out
      .columns()
      .map((column, c) => column ?? (held.some((h) => h[c] !== null) ? out.column(c) : null))
    for (const layer of layers) for (const flag of FLAG_NAMES) out[flag] ||= layer[flag]
    const next = parts.map(() => 0)
    let at = 0
    for (;;) {
      // The layer with the earliest next row, and the earliest next row of all the others.
      let k = -1
      let others = Number.POSITIVE_INFINITY
      for (let j = 0; j < parts.length; j++) {
        if (next[j]! >= parts[j]!.length) continue
        const t = parts[j]!.time[next[j]!]!
        if (k < 0 || t < parts[k]!.time[next[k]!]!) {
          if (k >= 0) others = Math.min(others, parts[k]!.time[next[k]!]!)
          k = j
        } else others = Math.min(others, t)
      }
      if (k < 0) break
      const layer = parts[k]!
      const from = next[k]!
      const to = others === Number.POSITIVE_INFINITY ? layer.length : layer.lowerBound(others)
      if ((to < layer.length && layer.time[to] === others) || layer.time[from] === others)
        throw new Error('BarColumns.concat: buckets overlap')
      held[k]!.forEach((column, c) => {
        const into = columns[c]
        if (!into) return
        if (column) into.set(column.subarray(from, to), at)
        else into.fill(DEFAULTS[c]!, at, at + to - from)
      })
      at += to - from
      next[k] = to
    }
    out.length = length
    return out
  }

  /**
   * Both layers in one, bucket by bucket: sums add, high/low widen, open and open interest keep
   * this layer's where it has one, close and a later open interest take `other`'s, the latest
   * liquidation's offset the later of the two. Exact (any
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
    // Rare (layers of one series from several inputs): every column, present or not.
    const a = this.allColumns()
    const b = other.allColumns()
    const out = a.map(() => new Float64Array(this.length + other.length))
    const [time, open, high, low, close] = [0, 1, 2, 3, 4]
    const firstSum = 5
    const largest = 14
    const oi = 15
    const lastMs = 17
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
        const lastA = a[lastMs]![i]!
        const lastB = b[lastMs]![j]!
        out[lastMs]![n] = Number.isNaN(lastA) ? lastB : Number.isNaN(lastB) ? lastA : Math.max(lastA, lastB)
        i++
        j++
      }
      n++
    }
    this.setColumns(out, n)
    for (const flag of FLAG_NAMES) this[flag] ||= other[flag]
  }

  private setColumns(columns: readonly (Float64Array | null)[], length: number): void {
    if (columns.length !== COLUMNS)
      throw new Error(`BarColumns: expected ${COLUMNS} columns, got ${columns.length}`)
    for (let c = 0; c < FIRST_OPTIONAL; c++)
      if (!columns[c]) throw new Error(`BarColumns: column ${c} is required`)
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
    this.liqLongUsdColumn = columns[10]!
    this.liqShortUsdColumn = columns[11]!
    this.liqLongCountColumn = columns[12]!
    this.liqShortCountColumn = columns[13]!
    this.liqLargestUsdColumn = columns[14]!
    this.oiColumn = columns[15]!
    this.oiUsdColumn = columns[16]!
    this.liqLastMsColumn = columns[17]!
    this.length = length
    this.capacity = columns[0]!.length
  }

  /** A new column of `capacity` rows, every one the column's default. */
  private defaults(value: number): Float64Array {
    return filled(this.capacity, value)
  }

  /** Column `c`, created with defaults if absent (the getter of an optional column creates it). */
  private column(c: number): Float64Array {
    return this.columns()[c] ?? this[OPTIONAL_NAMES[c - FIRST_OPTIONAL]!]
  }

  /** Every column, the absent ones created. */
  private allColumns(): Float64Array[] {
    return this.columns().map((_, c) => this.column(c))
  }

  /** The columns as they are held: null for an optional column never written or read. */
  private columns(): (Float64Array | null)[] {
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
      this.liqLongUsdColumn,
      this.liqShortUsdColumn,
      this.liqLongCountColumn,
      this.liqShortCountColumn,
      this.liqLargestUsdColumn,
      this.oiColumn,
      this.oiUsdColumn,
      this.liqLastMsColumn,
    ]
  }

  private grow(): void {
    this.reserve(Math.max(INITIAL_CAPACITY, this.capacity * 2))
  }

  /** Rows the layer holds before its columns must grow. */
  get room(): number {
    return this.capacity
  }

  /**
   * Room for `capacity` rows, in one copy: a layer joined from many parts (daily files) whose final
   * length can be foreseen grows once rather than by doubling (a doubling step holds three times
   * the old rows at once).
   */
  reserve(capacity: number): void {
    if (capacity <= this.capacity) return
    const length = this.length
    this.setColumns(
      this.columns().map((old) => {
        if (old === null) return null
        const next = new Float64Array(capacity)
        next.set(old.subarray(0, length))
        return next
      }),
      length,
    )
  }

  /**
   * The price of the whole layer: the first open, the highest high and the lowest low with the
   * time of their first bar, and the last close, over the rows that have a price; null without
   * one. A compacted layer (window.ts) gives the same figures from what it kept.
   */
  priceRange(): PriceRange | null {
    let range: PriceRange | null = null
    for (let i = 0; i < this.length; i++) {
      if (Number.isNaN(this.open[i]!)) continue
      range = notePrice(range, this.time[i]!, this.open[i]!, this.high[i]!, this.low[i]!, this.close[i]!)
    }
    return range
  }

  /** Does row `i` hold the figure? (A row of a volume layer may hold liquidations or OI alone.) */
  holds(figure: CoverageFigure, i: number): boolean {
    switch (figure) {
      case 'price':
        return !Number.isNaN(this.open[i]!)
      case 'volume':
        return !Number.isNaN(this.open[i]!) || this.volume[i]! > 0 || this.volumeUsd[i]! > 0
      case 'openInterest':
        return !Number.isNaN(this.oi[i]!) || !Number.isNaN(this.oiUsd[i]!)
    }
  }

  /** Open times of the first and last rows that hold the figure; null when none does. */
  span(figure: CoverageFigure): { from: number; to: number } | null {
    let i = 0
    while (i < this.length && !this.holds(figure, i)) i++
    if (i === this.length) return null
    let j = this.length - 1
    while (j > i && !this.holds(figure, j)) j--
    return { from: this.time[i]!, to: this.time[j]! }
  }

  /** A sum column added up over every row, in time order (a compacted layer kept the same sum). */
  total(column: SumColumn): number {
    const values = this[column]
    let sum = 0
    for (let i = 0; i < this.length; i++) sum += values[i]!
    return sum
  }

  /**
   * Adds `column`'s rows opening in [from, to) into `into`, cells of `step` ms from `origin`.
   * Rows finer than a minute are added up minute by minute first, then each minute into its cell:
   * the order a compacted layer (window.ts) keeps its minutes in, so both give the same bits.
   */
  addCells(
    column: CellColumn,
    into: Float64Array,
    origin: number,
    step: number,
    from: number,
    to: number,
  ): void {
    const values = this[column]
    const end = this.lowerBound(to)
    const byMinute = this.durationMs < MINUTE && step % MINUTE === 0 && origin % MINUTE === 0
    if (!byMinute) {
      for (let i = this.lowerBound(from); i < end; i++) {
        const cell = Math.floor((this.time[i]! - origin) / step)
        into[cell] = into[cell]! + values[i]!
      }
      return
    }
    let minute = Number.NaN
    let sum = 0
    for (let i = this.lowerBound(from); i < end; i++) {
      const m = Math.floor(this.time[i]! / MINUTE) * MINUTE
      if (m !== minute) {
        if (!Number.isNaN(minute)) addAt(into, Math.floor((minute - origin) / step), sum)
        minute = m
        sum = 0
      }
      sum += values[i]!
    }
    if (!Number.isNaN(minute)) addAt(into, Math.floor((minute - origin) / step), sum)
  }

  /** Bytes held by the columns (for benchmarks and memory checks). */
  get bytes(): number {
    return this.columns().reduce((n, column) => n + (column ? column.byteLength : 0), 0)
  }
}

/** Figures whose span a layer gives (`span`). */
export type CoverageFigure = 'price' | 'volume' | 'openInterest'

/** Columns that add up over buckets. */
export type SumColumn = 'volume' | 'volumeUsd' | 'takerBuyUsd' | 'takerSellUsd' | 'trades'

/** Columns that per-minute tracks add up (analysis: volume and liquidation tracks). */
export type CellColumn = 'volume' | 'volumeUsd' | 'liqLongUsd' | 'liqShortUsd'

export interface PriceRange {
  open: number
  high: number
  /** Open time of the first bar that reached `high`. */
  highAt: number
  low: number
  lowAt: number
  close: number
}

/**
 * `range` with one more priced bar (bars in time order): the rule `priceRange()` and a compacted
 * layer both follow, so that the two agree to the bit.
 */
export function notePrice(
  range: PriceRange | null,
  time: number,
  open: number,
  high: number,
  low: number,
  close: number,
): PriceRange {
  if (range === null) return { open, high, highAt: time, low, lowAt: time, close }
  if (high > range.high) {
    range.high = high
    range.highAt = time
  }
  if (low < range.low) {
    range.low = low
    range.lowAt = time
  }
  range.close = close
  return range
}

/** First of the first `n` sorted times with time ≥ t (binary search); `n` when none. */
export function lowerBoundOf(times: Float64Array, n: number, t: number): number {
  let lo = 0
  let hi = n
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (times[mid]! < t) lo = mid + 1
    else hi = mid
  }
  return lo
}

/** `into[cell] += value`. */
function addAt(into: Float64Array, cell: number, value: number): void {
  into[cell] = into[cell]! + value
}

function filled(length: number, value: number): Float64Array {
  const column = new Float64Array(length)
  if (value !== 0) column.fill(value)
  return column
}

/**
 * The sampling interval of a layer's open interest: a bucket layer's length (or the coarser one its
 * inputs declared), else the median gap between the levels of a tick layer.
 */
export function openInterestSamplingMs(layer: BarColumns): number {
  const declared = layer.oiSamplingMs ?? 0
  if (layer.durationMs > 1000) return Math.max(layer.durationMs, declared)
  const gaps: number[] = []
  let previous = Number.NaN
  for (let i = 0; i < layer.length; i++) {
    if (Number.isNaN(layer.oi[i]!) && Number.isNaN(layer.oiUsd[i]!)) continue
    const t = layer.time[i]!
    if (!Number.isNaN(previous)) gaps.push(t - previous)
    previous = t
  }
  gaps.sort((a, b) => a - b)
  const mid = gaps.length >> 1
  const gap = gaps.length === 0 ? null : gaps.length % 2 ? gaps[mid]! : (gaps[mid - 1]! + gaps[mid]!) / 2
  const sampled = gap === null ? layer.durationMs : Math.max(1000, Math.round(gap / 1000) * 1000)
  return Math.max(sampled, declared)
}
