/**
 * The window (DESIGN §2): years of ticks in bounded memory.
 *
 * A folder of daily trade files is folded file by file (src/ingest/fast/plan.ts). With the window
 * on, each file's 1-second bars are compacted as soon as they are joined, in time order, into a
 * `CompactTicks` layer that keeps, for the whole span:
 *
 * - a summary of every minute (about 72 B, 38 MB a year): its highest high and lowest low, its
 *   first and last priced second with their closes, and its volume in base units and USD, each
 *   added second by second in time order: what the per-minute tracks, the price at a minute and
 *   the whole-layer figures need, to the bit;
 * - the whole-layer figures (first and last second, open, high and low with their second, close,
 *   each sum column added second by second), computed as the analysis computes them;
 * - the 1-second bars themselves only inside the stretches it was told to keep (`WindowPlan.keep`);
 * - whatever a watcher makes of the seconds as they pass: the analysis's leg finder
 *   (src/analysis/leg-stream.ts), which finds the legs the 1-second path would find, holding only
 *   the last few hours of bars.
 *
 * Design call: a candidate is refined by reading the inputs again, keeping 1-second bars only
 * around it. The legs are found while reading, exactly, so after the first read the analysis knows
 * every leg that passes the speed test and the stretch of time its measures read (from the leg's
 * start, with margins for the episode gap, open-interest staleness and the chart, to the rebound
 * limit after the extreme). With no such leg the report is made at once; with some, the inputs are
 * read once more keeping those stretches' seconds: memory holds the minutes of the span and the
 * seconds around cascades, never the seconds of the span. Anything the kept bars cannot answer
 * exactly raises `WindowMiss`, and the command then reads everything again on the full path, so a
 * report never differs from the full path's (src/cli/commands/analyze.ts). Inputs that cannot be
 * opened twice (stdin) never use the window; `CASCADE_WINDOW=0` forces the full path.
 */
import {
  BarColumns,
  type CellColumn,
  type CoverageFigure,
  lowerBoundOf,
  notePrice,
  type PriceRange,
  type SumColumn,
} from './columns.js'

const MINUTE = 60_000
const COVERAGE_FIGURES: readonly CoverageFigure[] = ['price', 'volume', 'openInterest']
const SUM_COLUMNS: readonly SumColumn[] = ['volume', 'volumeUsd', 'takerBuyUsd', 'takerSellUsd', 'trades']
/** The flags a compacted layer can carry: those of a layer made from trades alone. */
const TRADE_FLAGS = ['hasPrice', 'hasVolume', 'hasVolumeUsd', 'hasTaker', 'hasTrades'] as const

/** A half-open stretch of time [from, to), epoch ms, whole minutes. */
export interface Stretch {
  from: number
  to: number
}

/** Sees every second of a compacted layer once, in time order (the analysis's leg finder). */
export interface TicksWatcher {
  add(part: BarColumns): void
  /** No more seconds. */
  finish(): void
}

/** How the window compacts each series of trades. */
export interface WindowPlan {
  /** A watcher for each compacted series. */
  watch?: () => TicksWatcher
  /** The stretches whose 1-second bars a series keeps, by series key (`exchange:market`). */
  keep?: ReadonlyMap<string, readonly Stretch[]>
}

/** The compacted bars cannot answer a question exactly: the caller takes the full path. */
export class WindowMiss extends Error {
  constructor(what: string) {
    super(`window: ${what}`)
    this.name = 'WindowMiss'
  }
}

/**
 * A 1-second layer of trades compacted for the window: rows only inside the kept stretches, the
 * minutes' summaries and the whole-layer figures. It stands where the 1-second layer would in
 * `SeriesBars`, and answers what the analysis asks of it exactly or raises `WindowMiss`.
 */
export class CompactTicks extends BarColumns {
  /** Open time of each minute that has a second. */
  minuteTime = new Float64Array(1024)
  /** Its highest high and lowest low (NaN: no price in the minute). */
  minuteHigh = new Float64Array(1024)
  minuteLow = new Float64Array(1024)
  /** Its first and last priced second and their closes (NaN: no price). */
  private minuteFirstAt = new Float64Array(1024)
  private minuteFirstClose = new Float64Array(1024)
  private minuteLastAt = new Float64Array(1024)
  private minuteLastClose = new Float64Array(1024)
  /** Its volume in base units and in USD, added second by second. */
  private minuteVolume = new Float64Array(1024)
  private minuteVolumeUsd = new Float64Array(1024)
  minutes = 0
  /** Seconds compacted (the rows the 1-second layer would hold). */
  seconds = 0
  /** Why the compacted layer is not the 1-second layer's equal; null while it is. */
  inexact: string | null = null
  /** The stretches whose seconds are kept as rows, in time order, disjoint. */
  kept: readonly Stretch[]
  readonly watcher: TicksWatcher | null
  /** The span of the rows added beside the trades (`addBeside`); null before. */
  private beside: { first: number; last: number; openInterest: { from: number; to: number } | null } | null =
    null
  private firstTime: number | null = null
  private lastTime: number | null = null
  private range: PriceRange | null = null
  private readonly sums = new Map<SumColumn, number>(SUM_COLUMNS.map((c) => [c, 0]))
  private readonly spans = new Map<CoverageFigure, { from: number; to: number }>()

  constructor(watcher: TicksWatcher | null = null, kept: readonly Stretch[] = []) {
    super(1000, 1)
    this.watcher = watcher
    this.kept = kept
  }

  override get first(): number | null {
    const beside = this.beside?.first ?? null
    return this.firstTime === null || (beside !== null && beside < this.firstTime) ? beside : this.firstTime
  }

  override get last(): number | null {
    const beside = this.beside?.last ?? null
    return this.lastTime === null || (beside !== null && beside > this.lastTime) ? beside : this.lastTime
  }

  /**
   * The series' other 1-second rows (liquidations, open interest: a few a minute at most) join the
   * kept rows whole, as they join the trades' rows on the full path: read after the trades, once.
   */
  addBeside(rows: BarColumns): void {
    if (rows.length === 0) return
    if (rows.hasPrice || rows.hasVolume || this.beside) {
      this.inexact ??= 'trades of the series read apart from its compacted ones'
      return
    }
    this.beside = { first: rows.first!, last: rows.last!, openInterest: rows.span('openInterest') }
    if (rows.oiSamplingMs !== null && rows.oiSamplingMs > (this.oiSamplingMs ?? 0))
      this.oiSamplingMs = rows.oiSamplingMs
    this.mergeWith(rows)
  }

  override priceRange(): PriceRange | null {
    return this.range === null ? null : { ...this.range }
  }

  override total(column: SumColumn): number {
    return this.sums.get(column)!
  }

  override span(figure: CoverageFigure): { from: number; to: number } | null {
    const span = figure === 'openInterest' ? this.beside?.openInterest : this.spans.get(figure)
    return span ? { ...span } : null
  }

  override get bytes(): number {
    return super.bytes + this.minuteTime.byteLength * 9
  }

  /** Whether the seconds of [from, to) are all kept as rows (inside one kept stretch). */
  keeps(from: number, to: number): boolean {
    if (!(to > from)) return true
    return this.kept.some((stretch) => stretch.from <= from && to <= stretch.to)
  }

  /** Raises `WindowMiss` unless the seconds of [from, to) are kept. */
  mustKeep(from: number, to: number, what: string): void {
    if (!this.keeps(from, to))
      throw new WindowMiss(`${what} reads ${iso(from)} – ${iso(to)}, outside the seconds kept`)
  }

  /**
   * The close of the last priced second at or before `t`: from the kept rows inside a stretch, from
   * the minutes' summaries outside one (exact there too, unless `t` falls between two priced
   * seconds of one minute: then `WindowMiss`).
   */
  closeAtOrBefore(t: number): number | null {
    const stretch = this.kept.find((s) => s.from <= t && t < s.to)
    if (stretch) {
      for (let i = this.lowerBound(t + 1) - 1; i >= 0 && this.time[i]! >= stretch.from; i--) {
        if (!Number.isNaN(this.close[i]!)) return this.close[i]!
      }
      return this.minuteCloseBefore(stretch.from)
    }
    const minute = Math.floor(t / MINUTE) * MINUTE
    const k = this.minuteIndex(minute)
    if (k >= 0 && !Number.isNaN(this.minuteFirstAt[k]!)) {
      if (t >= this.minuteLastAt[k]!) return this.minuteLastClose[k]!
      if (t === this.minuteFirstAt[k]!) return this.minuteFirstClose[k]!
      if (t > this.minuteFirstAt[k]!)
        throw new WindowMiss(`the price at ${iso(t)} is inside a minute not kept`)
    }
    return this.minuteCloseBefore(minute)
  }

  /**
   * Adds the minutes opening in [from, to) into cells of `step` from `origin`: the same bits as the
   * 1-second rows would give (`BarColumns.addCells` adds sub-minute rows minute by minute too).
   */
  override addCells(
    column: CellColumn,
    into: Float64Array,
    origin: number,
    step: number,
    from: number,
    to: number,
  ): void {
    // Liquidations are all kept as rows (beside the trades' seconds, which hold none).
    if (column !== 'volume' && column !== 'volumeUsd') {
      super.addCells(column, into, origin, step, from, to)
      return
    }
    if (step % MINUTE !== 0 || origin % MINUTE !== 0)
      throw new WindowMiss(`cells of ${step} ms from ${iso(origin)} do not hold whole minutes`)
    const cuts = (t: number) => Number.isFinite(t) && t % MINUTE !== 0
    if (cuts(from) || cuts(to)) throw new WindowMiss(`cells from ${iso(from)} to ${iso(to)} cut a minute`)
    const values = column === 'volume' ? this.minuteVolume : this.minuteVolumeUsd
    for (let k = 0; k < this.minutes; k++) {
      const minute = this.minuteTime[k]!
      if (minute < from || minute >= to) continue
      const cell = Math.floor((minute - origin) / step)
      into[cell] = into[cell]! + values[k]!
    }
  }

  /**
   * The kept seconds of `side`, the same series compacted again from the files that hold its kept
   * stretches (a second read of those files only), join this layer's rows; its stretches become
   * this layer's. This layer must have kept none.
   */
  keepFrom(side: CompactTicks): void {
    if (this.kept.length > 0) throw new Error('CompactTicks.keepFrom: seconds kept already')
    if (side.inexact) {
      this.inexact ??= side.inexact
      return
    }
    this.mergeWith(side)
    this.kept = side.kept
  }

  /** The bars of the next stretch of the series (later than everything before). */
  add(part: BarColumns): void {
    if (part.length === 0) return
    if (part.hasLiquidations || part.hasOpenInterest) {
      this.inexact ??= 'liquidations or open interest in the bars of trades'
    }
    if (this.lastTime !== null && part.time[0]! <= this.lastTime) {
      this.inexact ??= 'files of one series out of time order'
      return
    }
    this.watcher?.add(part)
    this.keepRows(part)
    for (const flag of TRADE_FLAGS) this[flag] ||= part[flag]
    this.firstTime ??= part.time[0]!
    this.lastTime = part.time[part.length - 1]!
    this.seconds += part.length
    for (const figure of COVERAGE_FIGURES) {
      const span = part.span(figure)
      if (!span) continue
      const held = this.spans.get(figure)
      this.spans.set(figure, held ? { from: held.from, to: span.to } : span)
    }
    for (const column of SUM_COLUMNS) {
      const values = part[column]
      let sum = this.sums.get(column)!
      for (let i = 0; i < part.length; i++) sum += values[i]!
      this.sums.set(column, sum)
    }
    const { time, open, high, low, close, volume, volumeUsd } = part
    for (let i = 0; i < part.length; i++) {
      const t = time[i]!
      const minute = Math.floor(t / MINUTE) * MINUTE
      let k = this.minutes - 1
      if (k < 0 || this.minuteTime[k] !== minute) k = this.newMinute(minute)
      // Sums start at 0 and add second by second, as BarColumns.addCells adds them.
      this.minuteVolume[k] = this.minuteVolume[k]! + volume[i]!
      this.minuteVolumeUsd[k] = this.minuteVolumeUsd[k]! + volumeUsd[i]!
      if (Number.isNaN(open[i]!)) continue
      this.range = notePrice(this.range, t, open[i]!, high[i]!, low[i]!, close[i]!)
      if (Number.isNaN(this.minuteFirstAt[k]!)) {
        this.minuteFirstAt[k] = t
        this.minuteFirstClose[k] = close[i]!
        this.minuteHigh[k] = high[i]!
        this.minuteLow[k] = low[i]!
      } else {
        if (high[i]! > this.minuteHigh[k]!) this.minuteHigh[k] = high[i]!
        if (low[i]! < this.minuteLow[k]!) this.minuteLow[k] = low[i]!
      }
      this.minuteLastAt[k] = t
      this.minuteLastClose[k] = close[i]!
    }
  }

  /** No more seconds: the watcher closes what it holds open. */
  finish(): void {
    this.watcher?.finish()
  }

  /** The rows of `part` inside the kept stretches become rows of this layer. */
  private keepRows(part: BarColumns): void {
    const from = part.time[0]!
    const to = part.time[part.length - 1]! + 1
    for (const stretch of this.kept) {
      if (stretch.to <= from || stretch.from >= to) continue
      const i = part.lowerBound(stretch.from)
      const j = part.lowerBound(stretch.to)
      if (j > i) this.append(part.slice(i, j))
    }
  }

  private newMinute(minute: number): number {
    if (this.minutes === this.minuteTime.length) this.growMinutes()
    const k = this.minutes++
    this.minuteTime[k] = minute
    this.minuteHigh[k] = Number.NaN
    this.minuteLow[k] = Number.NaN
    this.minuteFirstAt[k] = Number.NaN
    this.minuteFirstClose[k] = Number.NaN
    this.minuteLastAt[k] = Number.NaN
    this.minuteLastClose[k] = Number.NaN
    this.minuteVolume[k] = 0
    this.minuteVolumeUsd[k] = 0
    return k
  }

  /** Index of the minute opening at `minute`; -1 when it has no second. */
  private minuteIndex(minute: number): number {
    const k = lowerBoundOf(this.minuteTime, this.minutes, minute)
    return k < this.minutes && this.minuteTime[k] === minute ? k : -1
  }

  /** The close of the last priced second of the minutes opening before `minute`. */
  private minuteCloseBefore(minute: number): number | null {
    for (let k = lowerBoundOf(this.minuteTime, this.minutes, minute) - 1; k >= 0; k--)
      if (!Number.isNaN(this.minuteLastAt[k]!)) return this.minuteLastClose[k]!
    return null
  }

  private growMinutes(): void {
    const grow = (old: Float64Array) => {
      const next = new Float64Array(old.length * 2)
      next.set(old)
      return next
    }
    this.minuteTime = grow(this.minuteTime)
    this.minuteHigh = grow(this.minuteHigh)
    this.minuteLow = grow(this.minuteLow)
    this.minuteFirstAt = grow(this.minuteFirstAt)
    this.minuteFirstClose = grow(this.minuteFirstClose)
    this.minuteLastAt = grow(this.minuteLastAt)
    this.minuteLastClose = grow(this.minuteLastClose)
    this.minuteVolume = grow(this.minuteVolume)
    this.minuteVolumeUsd = grow(this.minuteVolumeUsd)
  }
}

const iso = (ms: number) => (Number.isFinite(ms) ? new Date(ms).toISOString() : String(ms))
