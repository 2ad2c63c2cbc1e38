/**
 * Bounded re-ordering for sources whose files are not in time order (Binance metrics): a heap
 * holds up to `window` events and releases the oldest. An event older than one already released
 * cannot be placed and is reported through `onLate` (a counted OUT_OF_ORDER bad row).
 */
import type { Located } from './event.js'
import { MinHeap } from './heap.js'
import { before } from './merge.js'

export async function* reorder(
  batches: AsyncIterable<Located[]>,
  window: number,
  onLate: (event: Located, latestReleased: number) => void,
): AsyncGenerator<Located[]> {
  const heap = new MinHeap<Located>(before)
  let released = Number.NEGATIVE_INFINITY
  for await (const batch of batches) {
    const out: Located[] = []
    for (const event of batch) {
      if (event.ts < released) {
        onLate(event, released)
        continue
      }
      heap.push(event)
      if (heap.size > window) {
        const oldest = heap.pop()!
        released = oldest.ts
        out.push(oldest)
      }
    }
    if (out.length > 0) yield out
  }
  const rest: Located[] = []
  while (heap.size > 0) rest.push(heap.pop()!)
  if (rest.length > 0) yield rest
}

/** For ordered sources: pass events through, reporting any that go back in time. */
export async function* requireOrder(
  batches: AsyncIterable<Located[]>,
  onLate: (event: Located, latestReleased: number) => void,
): AsyncGenerator<Located[]> {
  let latest = Number.NEGATIVE_INFINITY
  for await (const batch of batches) {
    let out = batch
    for (let i = 0; i < batch.length; i++) {
      const event = batch[i]!
      if (event.ts >= latest) {
        latest = event.ts
        if (out !== batch) out.push(event)
      } else {
        if (out === batch) out = batch.slice(0, i)
        onLate(event, latest)
      }
    }
    if (out.length > 0) yield out
  }
}
