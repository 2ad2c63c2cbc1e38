/**
 * The window (DESIGN §2): years of ticks in bounded memory.
 *
 * A folder of daily trade files is folded file by file (src/ingest/fast/plan.ts). With the window
 * on, each file's 1-second bars are compacted as soon as they are joined, in time order, into a
 * `CompactTicks` layer that keeps, for the whole span:
 *
 * - the high and low of every minute (24 B a minute, 13 MB a year): enough for the coarse scan
 *   (src/analysis/candidates.ts), which flags every stretch where a leg could pass the speed test on
 *   1-second bars (a superset: a minute's high is at least any of its seconds' highs);
 * - the figures the report takes from the whole layer, computed from the 1-second bars exactly as
 *   the analysis computes them (first and last second, open, high and low with their second, close,
 *   and each sum column added second by second in time order), so they agree to the bit.
 *
 * The 1-second bars themselves are let go: memory holds the minutes of the span and the files in
 * flight, not the seconds of the span.
 *
 * Design call: a candidate is refined by reading the inputs again, not from retained fine bars.
 * Where a leg starts depends on the price path since the previous leg ended, which can be days
 * before the fast part of a fall, so no window of fine bars around a candidate is provably enough
 * to find the leg the 1-second path finds. When the coarse scan finds no candidate on a market's
 * price path, the 1-second path finds no cascade there either, and the report is made from the
 * compacted layer. When it finds one, or when anything here cannot stay exact (files out of time
 * order, other figures in the same bars), the inputs are read again with the window off: the full
 * path, 1-second bars for the whole span. Inputs that cannot be opened twice (stdin) never use the
 * window. The command decides (src/cli/commands/analyze.ts); `CASCADE_WINDOW=0` forces the full path.
 */
import { BarColumns, type CoverageFigure, notePrice, type PriceRange, type SumColumn } from './columns.js'

const MINUTE = 60_000
const COVERAGE_FIGURES: readonly CoverageFigure[] = ['price', 'volume', 'openInterest']
const SUM_COLUMNS: readonly SumColumn[] = ['volume', 'volumeUsd', 'takerBuyUsd', 'takerSellUsd', 'trades']
/** The flags a compacted layer can carry: those of a layer made from trades alone. */
const TRADE_FLAGS = ['hasPrice', 'hasVolume', 'hasVolumeUsd', 'hasTaker', 'hasTrades'] as const

/**
 * A 1-second layer of trades compacted for the window: no rows (`length` is 0), the minutes' highs
 * and lows, and the whole-layer figures. It stands where the 1-second layer would in `SeriesBars`.
 */
export class CompactTicks extends BarColumns {
  /** Open time of each minute that has a price, its highest high and lowest low. */
  minuteTime = new Float64Array(1024)
  minuteHigh = new Float64Array(1024)
  minuteLow = new Float64Array(1024)
  minutes = 0
  /** Seconds compacted (the rows the 1-second layer would hold). */
  seconds = 0
  /** Why the compacted layer is not the 1-second layer's equal; null while it is. */
  inexact: string | null = null
  private firstTime: number | null = null
  private lastTime: number | null = null
  private range: PriceRange | null = null
  private readonly sums = new Map<SumColumn, number>(SUM_COLUMNS.map((c) => [c, 0]))
  private readonly spans = new Map<CoverageFigure, { from: number; to: number }>()

  constructor() {
    super(1000, 1)
  }

  override get first(): number | null {
    return this.firstTime
  }

  override get last(): number | null {
    return this.lastTime
  }

  override priceRange(): PriceRange | null {
    return this.range === null ? null : { ...this.range }
  }

  override total(column: SumColumn): number {
    return this.sums.get(column)!
  }

  override span(figure: CoverageFigure): { from: number; to: number } | null {
    const span = this.spans.get(figure)
    return span ? { ...span } : null
  }

  override get bytes(): number {
    return this.minuteTime.byteLength * 3
  }

  /** The bars of the next stretch of the series (later than everything before), then let go. */
  add(part: BarColumns): void {
    if (part.length === 0) return
    if (part.hasLiquidations || part.hasOpenInterest) {
      this.inexact ??= 'liquidations or open interest in the bars of trades'
    }
    if (this.lastTime !== null && part.time[0]! <= this.lastTime) {
      this.inexact ??= 'files of one series out of time order'
      return
    }
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
    const { time, open, high, low, close } = part
    for (let i = 0; i < part.length; i++) {
      if (Number.isNaN(open[i]!)) continue
      this.range = notePrice(this.range, time[i]!, open[i]!, high[i]!, low[i]!, close[i]!)
      const minute = Math.floor(time[i]! / MINUTE) * MINUTE
      const k = this.minutes - 1
      if (k >= 0 && this.minuteTime[k] === minute) {
        if (high[i]! > this.minuteHigh[k]!) this.minuteHigh[k] = high[i]!
        if (low[i]! < this.minuteLow[k]!) this.minuteLow[k] = low[i]!
        continue
      }
      if (this.minutes === this.minuteTime.length) this.growMinutes()
      this.minuteTime[this.minutes] = minute
      this.minuteHigh[this.minutes] = high[i]!
      this.minuteLow[this.minutes] = low[i]!
      this.minutes++
    }
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
  }
}
