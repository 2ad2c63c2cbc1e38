/**
 * What the rows of one input became, as the reading paths that make events one by one count them
 * (read.ts's csv-parse and whole-line reading, fast/ndjson.ts): a skipped row, or an event located
 * in its file and released in time order by the input's TimeOrder. Bad rows go to the ledger.
 */
import { Skip } from '../sources/source.js'
import type { Located, TimelineEvent } from '../timeline/event.js'
import type { TimeOrder } from '../timeline/reorder.js'
import type { InputStats } from './ledger.js'

export class RowOutcomes {
  private first: number
  private last: number

  constructor(
    protected readonly stats: InputStats,
    readonly order: TimeOrder,
  ) {
    this.first = stats.first ?? Number.POSITIVE_INFINITY
    this.last = stats.last ?? Number.NEGATIVE_INFINITY
  }

  /** A row `row()` read: skipped, or an event of the input's line `line`. */
  made(made: TimelineEvent | Skip, line: number): void {
    const stats = this.stats
    if (made instanceof Skip) {
      stats.skipped++
      stats.skipReasons.set(made.reason, (stats.skipReasons.get(made.reason) ?? 0) + 1)
      return
    }
    this.event(made, line)
  }

  /** An event of the input's line `line`. */
  protected event(event: TimelineEvent, line: number): void {
    const stats = this.stats
    stats.events++
    if (event.ts < this.first) this.first = event.ts
    if (event.ts > this.last) this.last = event.ts
    stats.symbols.add(event.symbol)
    stats.markets.add(event.market)
    stats.kinds.add(event.kind)
    const located = event as Located
    located.input = stats.index
    located.line = line
    this.order.push(located)
  }

  /** The events released so far (the input's span noted in its stats). */
  take(): Located[] {
    this.stamp()
    return this.order.take()
  }

  /** The end of the input: every event still held, in time order. */
  finish(): Located[] {
    this.stamp()
    return this.order.finish()
  }

  private stamp(): void {
    if (Number.isFinite(this.first)) {
      this.stats.first = this.first
      this.stats.last = this.last
    }
  }
}
