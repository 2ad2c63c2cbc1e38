/**
 * The fast path making events (for `cascade timeline`, and for inputs that cannot fold straight
 * into bars): the same located events, counts and bad rows as csv-parse + `row()`, in batches.
 */
import type { Readable } from 'node:stream'
import type { FastTrades, FileReader, Skip } from '../../sources/source.js'
import type { Located, TimelineEvent, TradeEvent } from '../../timeline/event.js'
import type { TimeOrder } from '../../timeline/reorder.js'
import type { InputStats, Ledger } from '../ledger.js'
import { RowOutcomes } from '../outcomes.js'
import { csvTail } from './csv.js'
import { RowScanner, type RowSink, tradeAmount, tradeNotional } from './scan.js'

/**
 * Events and counts exactly as read.ts's parseRows makes them: each event goes to the file's time
 * order as it is read (so OUT_OF_ORDER rows are found in line order with the other bad rows).
 */
export class EventSink extends RowOutcomes implements RowSink {
  constructor(
    stats: InputStats,
    private readonly ledger: Ledger,
    private readonly layout: FastTrades | null,
    order: TimeOrder,
  ) {
    super(stats, order)
  }

  fast(scan: RowScanner, line: number): void {
    const layout = this.layout!
    const price = scan.price
    const size = scan.size
    const event: TradeEvent = {
      ts: scan.ts,
      exchange: layout.exchange,
      symbol: layout.symbol,
      market: layout.market,
      kind: 'trade',
      source: layout.source,
      price,
      amount: tradeAmount(layout, size, price),
      notionalUsd: tradeNotional(layout, size, price, scan.extra),
      side: scan.buyerMaker ? 'sell' : 'buy',
      id: scan.idText(),
    }
    this.stats.rows++
    this.event(event, line)
  }

  override made(made: TimelineEvent | Skip, line: number): void {
    this.stats.rows++
    super.made(made, line)
  }

  bad(line: number, code: string, message: string): void {
    this.stats.rows++
    this.ledger.add(this.stats, line, code, message)
  }
}

/** Bytes handed to the scanner at a time: batches stay small while the merge waits on other inputs. */
const SLICE = 64 * 1024

export interface FastEventOptions {
  stats: InputStats
  ledger: Ledger
  order: TimeOrder
  maxLineBytes: number
  onBytes?: (n: number) => void
}

/**
 * Parse a member with the fast path into batches of located events, in time order (the file's
 * TimeOrder): the source's fast description where it has one, else lines split at commas for
 * its `row()`.
 */
export async function* fastEvents(
  stream: Readable,
  reader: FileReader,
  options: FastEventOptions,
): AsyncGenerator<Located[]> {
  const { onBytes } = options
  const layout = reader.fast ?? null
  const sink = new EventSink(options.stats, options.ledger, layout, options.order)
  const scanner = new RowScanner(layout, reader, sink, { maxLineBytes: options.maxLineBytes })
  const chunks = (stream as AsyncIterable<Buffer | string>)[Symbol.asyncIterator]()
  try {
    for (;;) {
      const next = await chunks.next()
      if (next.done) break
      const chunk = typeof next.value === 'string' ? Buffer.from(next.value) : next.value
      onBytes?.(chunk.length)
      for (let at = 0; at < chunk.length; at += SLICE) {
        if (!scanner.write(chunk.subarray(at, at + SLICE))) {
          const rest = Buffer.concat([scanner.bailed!, chunk.subarray(at + SLICE)])
          yield* tail(scanner, sink, rest, counted(chunks, onBytes), reader)
          return
        }
        if (sink.order.length > 0) yield sink.take()
      }
    }
    if (!scanner.end()) {
      yield* tail(scanner, sink, scanner.bailed!, null, reader)
      return
    }
    const batch = sink.finish()
    if (batch.length > 0) yield batch
  } finally {
    await chunks.return?.()
  }
}

async function* tail(
  scanner: RowScanner,
  sink: EventSink,
  first: Buffer,
  rest: AsyncIterator<Buffer> | null,
  reader: FileReader,
): AsyncGenerator<Located[]> {
  for await (const _ of csvTail(scanner, first, rest, reader.unquoted === true, (line, code, message) =>
    sink.bad(line, code, message),
  )) {
    if (sink.order.length > 0) yield sink.take()
  }
  const batch = sink.finish()
  if (batch.length > 0) yield batch
}

/** The rest of a stream's chunks, still reporting their bytes. */
function counted(
  chunks: AsyncIterator<Buffer | string>,
  onBytes: ((n: number) => void) | undefined,
): AsyncIterator<Buffer> {
  return {
    async next() {
      const next = await chunks.next()
      if (next.done) return { done: true, value: undefined }
      const chunk = typeof next.value === 'string' ? Buffer.from(next.value) : next.value
      onBytes?.(chunk.length)
      return { done: false, value: chunk }
    },
  }
}
