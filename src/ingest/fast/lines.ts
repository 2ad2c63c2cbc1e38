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
import type { SuspectRule } from '../../timeline/suspect.js'
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
  /** The first `bytes` bytes not yet taken (the rest stay). */
  takeFirst(bytes: number): Buffer
}

/**
 * Thrown when the input may hold a suspect print: the text from `released` bytes on must come from
 * the timeline's own stage (timeline/suspect.ts), which decides with the rows after each print. The
 * bytes before were screened clean (the same bytes the timeline writes), and so were the bad rows
 * up to `lastBadLine`, already in the ledger.
 */
export class MaySuspect extends Error {
  constructor(
    readonly released: number,
    readonly lastBadLine: number,
  ) {
    super('the input may hold a suspect print')
  }
}

/** Bad rows straight to the ledger (printed as met, sampled there), not kept by the fold. */
class LedgerTally extends BadRowTally {
  constructor(
    private readonly ledger: Ledger,
    private readonly stats: InputStats,
  ) {
    super(0)
  }

  /** The line of the last bad row added (bad rows come in line order). */
  lastLine = 0

  override add(line: number, code: string, message: string): void {
    this.total++
    this.lastLine = line
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
  /** Bytes taken from the encoder so far. */
  taken = 0
  /** Where each second's lines start (epoch second, byte offset), from `head` on. */
  private readonly starts: number[] = []
  private startsAt = 0
  private lastSecond = Number.NaN

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

  /**
   * Bytes that may be handed on: the lines of the seconds the suspect-print screen has judged
   * (all of them without a screen).
   */
  releasable(): number {
    const below = this.screenedBelow
    const starts = this.starts
    while (this.startsAt < starts.length && starts[this.startsAt]! < below) this.startsAt += 2
    const end = this.startsAt < starts.length ? starts[this.startsAt + 1]! : this.taken + this.encoder.length
    if (this.startsAt > 4096) {
      starts.splice(0, this.startsAt)
      this.startsAt = 0
    }
    return end - this.taken
  }

  protected override keep(): void {
    const ts = this.madeEvent !== null ? this.madeEvent.ts : this.ts
    const second = Math.floor(ts / 1000)
    if (second !== this.lastSecond) {
      this.lastSecond = second
      this.starts.push(second, this.taken + this.encoder.length)
    }
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
  /** The suspect-print rule (null with --keep-suspect-prints): lines wait until screened. */
  suspect: SuspectRule | null
}

export async function* timelineLines(
  stream: Readable,
  reader: FileReader & { fast: FastTrades },
  options: TimelineLinesOptions,
): AsyncGenerator<Buffer> {
  const { stats, ledger, selection, encoder } = options
  const layout = reader.fast
  const tally = new LedgerTally(ledger, stats)
  const lines = new TradeLines(
    layout,
    stats.index,
    { ...foldWindow(layout, selection), suspect: options.suspect },
    tally,
    encoder,
  )
  const scanner = new RowScanner(layout, reader, lines, { maxLineBytes: options.maxLineBytes })
  const chunks = (stream as AsyncIterable<Buffer | string>)[Symbol.asyncIterator]()
  /** The lines that may go now, once there are enough of them (or all, at the end). */
  const release = (atEnd: boolean): Buffer | null => {
    if (atEnd ? lines.mayHoldSuspectPrints() : lines.maySuspect)
      throw new MaySuspect(lines.taken, tally.lastLine)
    const bytes = atEnd ? encoder.length : lines.releasable()
    if (bytes === 0 || (!atEnd && bytes < GATHER)) return null
    stats.rows = lines.rows
    lines.taken += bytes
    return encoder.takeFirst(bytes)
  }
  const bad = (line: number, code: string, message: string) => lines.bad(line, code, message)
  try {
    let bailed: Buffer | null = null
    let rest: AsyncIterator<Buffer> | null = null
    read: for (;;) {
      const next = await chunks.next()
      if (next.done) break
      const chunk = typeof next.value === 'string' ? Buffer.from(next.value) : next.value
      for (let at = 0; at < chunk.length; at += SLICE) {
        if (!scanner.write(chunk.subarray(at, at + SLICE))) {
          // A line csv-parse must read (a lone CR, a quote): it reads the rest.
          bailed = Buffer.concat([scanner.bailed!, chunk.subarray(at + SLICE)])
          rest = bufferChunks(chunks)
          break read
        }
        const text = release(false)
        if (text) yield text
      }
    }
    if (!bailed && !scanner.end()) bailed = scanner.bailed!
    if (bailed) {
      for await (const _ of csvTail(scanner, bailed, rest, reader.unquoted === true, bad)) {
        const text = release(false)
        if (text) yield text
      }
    }
    const text = release(true)
    if (text) yield text
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
