/**
 * Time order within one file, decided as each row is read. Ordered sources pass their events
 * through, reporting any that go back in time; sources whose files are not in time order
 * (Binance metrics) go through a heap of up to `window` events that releases the oldest. An event
 * older than one already released cannot be placed and is reported through `onLate` (a counted
 * OUT_OF_ORDER bad row). Bar files written newest first are held whole instead (`sortWhole`).
 *
 * Deciding per event, in line order, keeps OUT_OF_ORDER rows in line order with the file's other
 * bad rows, whatever the batches the rows were read in (fast path or csv-parse alike).
 */
import type { BarEvent, Located } from './event.js'
import { MinHeap } from './heap.js'
import { before } from './merge.js'

export class TimeOrder {
  private readonly heap: MinHeap<Located> | null
  /** The latest time released (ordered files: the latest time read). */
  private released = Number.NEGATIVE_INFINITY
  private out: Located[] = []

  /**
   * `window`: events held to sort an unordered file; 0 for a file that must be in order; null for
   * a file held whole and sorted afterwards (`sortWhole`): its events pass as read, none is late.
   */
  constructor(
    private readonly window: number | null,
    private readonly onLate: (event: Located, latestReleased: number) => void,
  ) {
    this.heap = window !== null && window > 0 ? new MinHeap<Located>(before) : null
  }

  /** Events released so far and not yet taken. */
  get length(): number {
    return this.out.length
  }

  push(event: Located): void {
    if (event.ts < this.released) {
      this.onLate(event, this.released)
      return
    }
    const heap = this.heap
    if (heap === null) {
      if (this.window !== null) this.released = event.ts
      this.out.push(event)
      return
    }
    heap.push(event)
    if (heap.size > this.window!) {
      const oldest = heap.pop()!
      this.released = oldest.ts
      this.out.push(oldest)
    }
  }

  /** The events released since the last call, in time order (a file held whole: as read). */
  take(): Located[] {
    const out = this.out
    this.out = []
    return out
  }

  /** The end of the file: everything still held, in time order. */
  finish(): Located[] {
    const heap = this.heap
    if (heap) while (heap.size > 0) this.out.push(heap.pop()!)
    return this.take()
  }
}

export interface WholeFileOptions {
  /** Rows the file may hold; `onTooLong` is called (and must throw) past it. */
  limit: number
  onTooLong: (rows: number) => never
  /** Which of two different bars of one series and time stays (`first` is higher up in the file). */
  prefer?: (first: BarEvent, second: BarEvent) => BarEvent
  /** A bar that `prefer` did not keep: it leaves the timeline here. */
  onSuperseded: (event: Located, kept: Located) => void
  batchSize?: number
}

/**
 * For bar files written in any order (CryptoDataDownload: newest first): hold the whole file,
 * sort it by time (file order within a time) and settle bars of one series and time that differ,
 * through `prefer`. Memory grows with the file, so the caller bounds its rows.
 */
export async function* sortWhole(
  batches: AsyncIterable<Located[]>,
  options: WholeFileOptions,
): AsyncGenerator<Located[]> {
  const held: Located[] = []
  for await (const batch of batches) {
    for (const event of batch) held.push(event)
    if (held.length > options.limit) options.onTooLong(held.length)
  }
  held.sort((a, b) => a.ts - b.ts || a.line - b.line)
  const size = options.batchSize ?? 4096
  let out: Located[] = []
  for (let start = 0; start < held.length; ) {
    let end = start + 1
    while (end < held.length && held[end]!.ts === held[start]!.ts) end++
    const group = held.slice(start, end)
    for (const event of options.prefer && group.length > 1 ? settle(group, options) : group) {
      out.push(event)
      if (out.length >= size) {
        yield out
        out = []
      }
    }
    start = end
  }
  if (out.length > 0) yield out
}

/**
 * The events of one time, one bar per series, in file order. Exact copies of the bar that stays
 * are kept for the timeline to count as duplicates; a bar that loses takes its copies with it.
 * A bar that differs in any figure is not a copy, even where the duplicate identity does not
 * look (a rounded quote volume, a missing trade count).
 */
function settle(group: Located[], options: WholeFileOptions): Located[] {
  const prefer = options.prefer!
  const slots = new Map<string, { kept: Located<BarEvent>; copies: Located[] }>()
  const others: Located[] = []
  for (const event of group) {
    if (event.kind !== 'bar') {
      others.push(event)
      continue
    }
    const bar = event as Located<BarEvent>
    const series = `${bar.source}|${bar.exchange}|${bar.symbol}|${bar.market}|${bar.durationMs}`
    const slot = slots.get(series)
    if (slot === undefined) {
      slots.set(series, { kept: bar, copies: [] })
    } else if (sameFigures(slot.kept, bar)) {
      slot.copies.push(bar)
    } else if (prefer(slot.kept, bar) === bar) {
      for (const lost of [slot.kept, ...slot.copies]) options.onSuperseded(lost, bar)
      slots.set(series, { kept: bar, copies: [] })
    } else {
      options.onSuperseded(bar, slot.kept)
    }
  }
  const out = [...others]
  for (const slot of slots.values()) out.push(slot.kept, ...slot.copies)
  return out.sort((a, b) => a.line - b.line)
}

/** Every field of two events equal (their file lines aside). */
function sameFigures(a: Located, b: Located): boolean {
  const x = a as unknown as Record<string, unknown>
  const y = b as unknown as Record<string, unknown>
  const keys = Object.keys(x).filter((k) => k !== 'input' && k !== 'line')
  return keys.length === Object.keys(y).length - 2 && keys.every((k) => x[k] === y[k])
}
