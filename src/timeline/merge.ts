/**
 * The timeline: sorted batches of events from every input merged into one time-ordered stream
 * (k-way merge, as tardis-node's `combine`), with exact duplicates removed and counted.
 */
import { identityOf, type Located, sameIdentity } from './event.js'
import { MinHeap } from './heap.js'

/** Event order: time, then input order, then line, so equal timestamps keep the files' order. */
export function before(a: Located, b: Located): boolean {
  return a.ts < b.ts || (a.ts === b.ts && (a.input < b.input || (a.input === b.input && a.line < b.line)))
}

interface Cursor {
  batch: Located[]
  at: number
  rest: AsyncIterator<Located[]>
}

/**
 * Merge streams whose batches are each time-ordered into one time-ordered stream of batches.
 * Backpressure comes from pulling: a stream is read only when its current batch is used up.
 *
 * `starts[i]`, when given, is a time before which stream i has no event: the stream is not pulled
 * (so not opened or parsed) until the merge gets there. Daily files are then read one after the
 * other instead of all at once. -Infinity or no entry: pulled at once.
 */
export async function* mergeSorted(
  streams: AsyncIterable<Located[]>[],
  batchSize = 4096,
  starts: readonly number[] = [],
): AsyncGenerator<Located[]> {
  if (streams.length === 1) {
    yield* streams[0]!
    return
  }
  const heap = new MinHeap<Cursor>((a, b) => before(a.batch[a.at]!, b.batch[b.at]!))
  const next = async (rest: AsyncIterator<Located[]>): Promise<Cursor | null> => {
    for (;;) {
      const r = await rest.next()
      if (r.done) return null
      if (r.value.length > 0) return { batch: r.value, at: 0, rest }
    }
  }
  // Streams waiting for their start time, latest first so the next one due is at the end.
  const waiting = streams
    .map((stream, i) => ({ stream, start: starts[i] ?? Number.NEGATIVE_INFINITY }))
    .sort((a, b) => b.start - a.start)
  const startDue = async (until: number) => {
    const due: AsyncIterable<Located[]>[] = []
    while (waiting.length > 0 && waiting.at(-1)!.start <= until) due.push(waiting.pop()!.stream)
    const firsts = await Promise.all(due.map((s) => next(s[Symbol.asyncIterator]())))
    for (const cursor of firsts) if (cursor) heap.push(cursor)
  }
  await startDue(Number.NEGATIVE_INFINITY)
  let out: Located[] = []
  for (;;) {
    // Nothing may leave before a waiting stream whose start is at or before it has joined.
    if (
      waiting.length > 0 &&
      (heap.size === 0 || waiting.at(-1)!.start <= heap.peek()!.batch[heap.peek()!.at]!.ts)
    ) {
      await startDue(heap.size === 0 ? waiting.at(-1)!.start : heap.peek()!.batch[heap.peek()!.at]!.ts)
      continue
    }
    if (heap.size === 0) break
    const top = heap.peek()!
    out.push(top.batch[top.at]!)
    top.at++
    if (top.at < top.batch.length) {
      heap.replaceTop(top)
    } else {
      const refill = await next(top.rest)
      if (refill) heap.replaceTop(refill)
      else heap.pop()
    }
    if (out.length >= batchSize) {
      yield out
      out = []
    }
  }
  if (out.length > 0) yield out
}

/** A group of one timestamp longer than this is looked up by identity string rather than scanned. */
const SCAN_GROUP = 8

/**
 * Drop exact duplicates (same source, symbol and fields at the same timestamp: `sameIdentity`)
 * from a time-ordered stream, telling `onDuplicate` which input each dropped event came from.
 * Binance writes every liquidationSnapshot row twice; overlapping files repeat whole days.
 * Events of a timestamp are compared field by field; a big group (a busy millisecond) is indexed by
 * identity string, so that it costs linear time.
 */
export async function* dropDuplicates(
  batches: AsyncIterable<Located[]>,
  onDuplicate: (event: Located) => void,
): AsyncGenerator<Located[]> {
  let groupTs = Number.NaN
  let group: Located[] = []
  let index: Map<string, Located[]> | null = null
  const indexed = (event: Located) => {
    const key = identityOf(event)
    const bucket = index!.get(key)
    if (bucket) bucket.push(event)
    else index!.set(key, [event])
  }
  for await (const batch of batches) {
    const kept: Located[] = []
    for (const event of batch) {
      if (event.ts !== groupTs) {
        groupTs = event.ts
        group = [event]
        index = null
        kept.push(event)
        continue
      }
      let duplicate = false
      if (index === null && group.length <= SCAN_GROUP) {
        for (const other of group) {
          if (sameIdentity(other, event)) {
            duplicate = true
            break
          }
        }
      } else {
        if (index === null) {
          index = new Map()
          for (const other of group) indexed(other)
        }
        const bucket = index.get(identityOf(event))
        if (bucket) for (const other of bucket) if (sameIdentity(other, event)) duplicate = true
      }
      if (duplicate) {
        onDuplicate(event)
        continue
      }
      group.push(event)
      if (index !== null) indexed(event)
      kept.push(event)
    }
    if (kept.length > 0) yield kept
  }
}
