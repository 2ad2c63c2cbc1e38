/**
 * Time order within one file, decided as each row is read. Ordered sources pass their events
 * through, reporting any that go back in time; sources whose files are not in time order
 * (Binance metrics) go through a heap of up to `window` events that releases the oldest. An event
 * older than one already released cannot be placed and is reported through `onLate` (a counted
 * OUT_OF_ORDER bad row).
 *
 * Deciding per event, in line order, keeps OUT_OF_ORDER rows in line order with the file's other
 * bad rows, whatever the batches the rows were read in (fast path or csv-parse alike).
 */
import type { Located } from './event.js'
import { MinHeap } from './heap.js'
import { before } from './merge.js'

export class TimeOrder {
  private readonly heap: MinHeap<Located> | null
  /** The latest time released (ordered files: the latest time read). */
  private released = Number.NEGATIVE_INFINITY
  private out: Located[] = []

  /** `window`: events held to sort an unordered file; 0 for a file that must be in order. */
  constructor(
    private readonly window: number,
    private readonly onLate: (event: Located, latestReleased: number) => void,
  ) {
    this.heap = window > 0 ? new MinHeap<Located>(before) : null
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
      this.released = event.ts
      this.out.push(event)
      return
    }
    heap.push(event)
    if (heap.size > this.window) {
      const oldest = heap.pop()!
      this.released = oldest.ts
      this.out.push(oldest)
    }
  }

  /** The events released since the last call, in time order. */
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
