/**
 * `cascade timeline` of a single ordered trade input, straight from the fast path (DESIGN §9):
 * each row the timeline keeps is handed to the caller's writer as one reused event and comes back
 * as text — no event object per row, no merge, no de-duplication pass over identity strings. What
 * the timeline would do to the rows is TradeFold's work, as for bars: time order (OUT_OF_ORDER),
 * exact duplicates, --from/--to/--market/--exchange. Bad rows go to the ledger as they are met,
 * as the timeline's do. A line the fast path does not read goes to the source's `row()`, and the
 * event it makes is written as made.
 */
import type { Readable } from 'node:stream'
import { type FastTrades, type FileReader, Skip } from '../../sources/source.js'
import type { TimelineEvent, TradeEvent } from '../../timeline/event.js'
import type { Selection } from '../../timeline/filter.js'
import type { InputStats, Ledger } from '../ledger.js'
import { csvTail } from './csv.js'
import { BadRowTally, type FoldWindow, ScratchTrade, TradeFold } from './fold.js'
import { commitCounts, foldWindow } from './plan.js'
import { RowScanner } from './scan.js'

/** Writes events as bytes (lines of NDJSON or CSV), handed out a buffer at a time. */
export interface EventEncoder {
  /** `idNumber` ≥ 0: the event's id is that whole number's decimal text (whatever `id` holds). */
  add(event: TimelineEvent, idNumber?: number): void
  /** Bytes written and not yet taken. */
  readonly length: number
  take(): Buffer
}

/** Bad rows straight to the ledger (printed as met, sampled there), not kept by the fold. */
class LedgerTally extends BadRowTally {
  constructor(
    private readonly ledger: Ledger,
    private readonly stats: InputStats,
  ) {
    super(0)
  }

  override add(line: number, code: string, message: string): void {
    this.total++
    this.ledger.add(this.stats, line, code, message)
  }
}

/** A reused trade event with an id, for the writer. */
class ScratchTradeWithId extends ScratchTrade {
  id = ''
}

class TradeLines extends TradeFold {
  /** The event `row()` made of the row being placed (written as made), or null for a fast row. */
  private madeEvent: TradeEvent | null = null
  private readonly event: ScratchTradeWithId

  constructor(
    layout: FastTrades,
    input: number,
    window: FoldWindow,
    badRows: BadRowTally,
    private readonly encoder: EventEncoder,
  ) {
    super(layout, input, window, { badRows })
    this.event = new ScratchTradeWithId(layout)
  }

  override made(made: TimelineEvent | Skip, line: number): void {
    this.madeEvent = made instanceof Skip || made.kind !== 'trade' ? null : made
    try {
      super.made(made, line)
    } finally {
      this.madeEvent = null
    }
  }

  protected override keep(): void {
    if (this.madeEvent !== null) {
      this.encoder.add(this.madeEvent)
      return
    }
    const event = this.event
    this.fillScratch(event)
    // A canonical whole-number id is kept as its number: its text is that number's.
    if (this.idText === null) this.encoder.add(event, this.idNumber)
    else {
      event.id = this.idText
      this.encoder.add(event)
    }
  }
}

/** Bytes handed to the scanner at a time: the lines of each are written before the next is read. */
const SLICE = 64 * 1024
/** Bytes of lines gathered before they are handed on. */
const GATHER = 128 * 1024

/**
 * The input's timeline as text, chunk by chunk. Its counts are in `stats` once the text has been
 * read to the end (or given up on).
 */
export interface TimelineLinesOptions {
  stats: InputStats
  ledger: Ledger
  selection: Selection
  encoder: EventEncoder
  maxLineBytes: number
}

export async function* timelineLines(
  stream: Readable,
  reader: FileReader & { fast: FastTrades },
  options: TimelineLinesOptions,
): AsyncGenerator<Buffer> {
  const { stats, ledger, selection, encoder } = options
  const layout = reader.fast
  const lines = new TradeLines(
    layout,
    stats.index,
    foldWindow(layout, selection),
    new LedgerTally(ledger, stats),
    encoder,
  )
  const scanner = new RowScanner(layout, reader, lines, { maxLineBytes: options.maxLineBytes })
  const chunks = (stream as AsyncIterable<Buffer | string>)[Symbol.asyncIterator]()
  const take = () => {
    stats.rows = lines.rows
    return encoder.take()
  }
  const bad = (line: number, code: string, message: string) => lines.bad(line, code, message)
  try {
    for (;;) {
      const next = await chunks.next()
      if (next.done) break
      const chunk = typeof next.value === 'string' ? Buffer.from(next.value) : next.value
      for (let at = 0; at < chunk.length; at += SLICE) {
        if (!scanner.write(chunk.subarray(at, at + SLICE))) {
          // A line csv-parse must read (a lone CR, a quote): it reads the rest.
          const rest = Buffer.concat([scanner.bailed!, chunk.subarray(at + SLICE)])
          for await (const _ of csvTail(scanner, rest, bufferChunks(chunks), reader.unquoted === true, bad)) {
            if (encoder.length >= GATHER) yield take()
          }
          if (encoder.length > 0) yield take()
          return
        }
        if (encoder.length >= GATHER) yield take()
      }
    }
    if (!scanner.end()) {
      for await (const _ of csvTail(scanner, scanner.bailed!, null, reader.unquoted === true, bad)) {
        if (encoder.length >= GATHER) yield take()
      }
    }
    if (encoder.length > 0) yield take()
  } finally {
    await chunks.return?.()
    commitCounts(lines, stats, layout)
  }
}

function bufferChunks(chunks: AsyncIterator<Buffer | string>): AsyncIterator<Buffer> {
  return {
    async next() {
      const next = await chunks.next()
      if (next.done) return { done: true, value: undefined }
      return { done: false, value: typeof next.value === 'string' ? Buffer.from(next.value) : next.value }
    },
  }
}
