/**
 * One fold job: a whole member (plain, gzip or zip), a byte range of a plain file, or a block of
 * decompressed text, read with the fast path and folded into bars. Runs in a worker thread or, for
 * small inputs and in tests, in the main thread; it opens the input itself from what the task names.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs'
import { sourceById } from '../../sources/index.js'
import type { FastTrades, FileReader, Probe, SourceOptions } from '../../sources/source.js'
import { membersOf } from '../open.js'
import { csvTail } from './csv.js'
import { type FoldResult, type FoldWindow, TradeFold } from './fold.js'
import { RowScanner } from './scan.js'

export interface FoldTask {
  /** The input's index (ties in time keep input order). */
  input: number
  /** The path on the command line and the index of the member in it (zip files hold several). */
  file: string
  member: number
  /** How `file` is shown when not as itself (`<stdin>` for the temp copy of a zip read from a pipe). */
  fileShownAs?: string
  /** The member as shown to the user. */
  path: string
  sourceId: string
  probe: Probe
  options: SourceOptions
  window: FoldWindow
  /** Lines longer than this are LINE_TOO_LONG bad rows (lines.ts). */
  maxLineBytes: number
  /**
   * A part of the member, read beside the others: a byte range of a plain file, or a block of
   * decompressed text (`data`: whole lines, cut by the main thread as zlib inflates). Null: the
   * whole member.
   */
  range: { index: number; from: number; to: number; data?: Uint8Array } | null
}

export type Progress = (bytes: number, rows: number) => void

/** Reads are 1 MiB (DESIGN §9). */
const CHUNK = 1 << 20
/**
 * Read buffers of finished ranges, reused by the next: a fresh 1 MiB buffer per range, freed
 * later, left the allocator's memory growing with the number of ranges (+30 MB at 10 M rows).
 */
const spareBuffers: Buffer[] = []
const PROGRESS_EVERY = 8 << 20

export function fastReaderOf(task: Pick<FoldTask, 'sourceId' | 'probe' | 'options'>): FileReader & {
  fast: FastTrades
} {
  const reader = sourceById(task.sourceId).open(task.probe, task.options)
  if (!reader.fast) throw new Error(`${task.sourceId} has no fast path`)
  return reader as FileReader & { fast: FastTrades }
}

/** Let the event loop run (in the main thread, the workers' replies wait otherwise). */
const pause = () => new Promise<void>((resolve) => setImmediate(resolve))

/**
 * Run a fold task. `shareThread`: pause after every chunk, for a task in the main thread beside
 * worker threads.
 */
export async function runFoldTask(
  task: FoldTask,
  progress?: Progress,
  shareThread = false,
): Promise<FoldResult> {
  const reader = fastReaderOf(task)
  const later = task.range !== null && task.range.index > 0
  const fold = new TradeFold(reader.fast, task.input, task.window, { head: later })
  const scanner = new RowScanner(reader.fast, reader, fold, {
    headerPending: later ? false : reader.hasHeader,
    maxLineBytes: task.maxLineBytes,
  })
  if (later) scanner.atStart = false
  let sent = 0
  let sentRows = 0
  let pending = 0
  const report = (n: number) => {
    pending += n
    if (progress && pending - sent >= PROGRESS_EVERY) {
      progress(pending - sent, fold.rows - sentRows)
      sent = pending
      sentRows = fold.rows
    }
  }
  if (task.range) {
    let bailed = false
    const data = task.range.data
    const chunks = data
      ? [Buffer.from(data.buffer, data.byteOffset, data.byteLength)]
      : rangeChunks(task.file, task.range.from, task.range.to)
    for (const chunk of chunks) {
      report(chunk.length)
      if (!scanner.write(chunk)) {
        bailed = true
        break
      }
      if (shareThread) await pause()
    }
    if (!bailed && !scanner.end()) bailed = true
    progress?.(pending - sent, fold.rows - sentRows)
    return fold.result(scanner, bailed)
  }
  const members = await membersOf(task.file, {}, task.fileShownAs ?? task.file)
  const member = members[task.member]
  if (!member || member.path !== task.path) throw new Error(`${task.path}: the input changed while reading`)
  const stream = await member.open()
  const chunks = (stream as AsyncIterable<Buffer>)[Symbol.asyncIterator]()
  try {
    for (;;) {
      const next = await chunks.next()
      if (next.done) break
      report(next.value.length)
      if (!scanner.write(next.value)) {
        const rest = {
          next: async () => {
            const more = await chunks.next()
            if (!more.done) report(more.value.length)
            return more
          },
        }
        for await (const _ of csvTail(
          scanner,
          Buffer.from(scanner.bailed!),
          rest,
          reader.unquoted === true,
          (l, c, m) => fold.bad(l, c, m),
        )) {
          // the fold needs no batches
        }
        progress?.(pending - sent, fold.rows - sentRows)
        return fold.result(scanner)
      }
    }
    if (!scanner.end()) {
      for await (const _ of csvTail(scanner, scanner.bailed!, null, reader.unquoted === true, (l, c, m) =>
        fold.bad(l, c, m),
      )) {
        // as above
      }
    }
  } finally {
    await chunks.return?.()
    stream.destroy()
  }
  progress?.(pending - sent, fold.rows - sentRows)
  return fold.result(scanner)
}

/**
 * The bytes of a plain file's range, cut on line boundaries: the range holds the lines that start
 * at or after `from` and before `to` (a line starts at 0 and after every newline), so ranges that
 * meet at an offset share no line and miss none.
 *
 * Reads are synchronous: a 1 MiB read from the page cache is a copy of a tenth of a millisecond,
 * while an asynchronous one waits for a thread-pool thread — on a machine whose cores all parse,
 * often much longer. One buffer serves every read (the scanner copies what it keeps).
 */
export function* rangeChunks(file: string, from: number, to: number): Generator<Buffer> {
  const fd = openSync(file, 'r')
  let held: Buffer | null = null
  try {
    const size = fstatSync(fd).size
    const end = Math.min(to, size)
    const buffer = spareBuffers.pop() ?? Buffer.allocUnsafe(CHUNK)
    held = buffer
    let position = from
    if (from > 0) {
      // Start after the first newline at or after from - 1. None before the range's end: no line
      // starts in the range (a long line crosses it), and the search stops there, so ranges
      // inside one long line do not each read it to its end.
      position = newlineAfter(fd, buffer, from - 1, end)
      if (position < 0) return
      position++
      // The range's first line starts at or after its end: it belongs to the next range.
      if (position >= end) return
    }
    // The last line is the one holding byte end - 1: stop after the first newline at or after it.
    let stopAt = end - 1
    while (position < size) {
      const bytesRead = readSync(fd, buffer, 0, CHUNK, position)
      if (bytesRead === 0) return
      const chunk = buffer.subarray(0, bytesRead)
      if (position + bytesRead > stopAt) {
        const nl = chunk.indexOf(10, Math.max(0, stopAt - position))
        if (nl >= 0) {
          yield chunk.subarray(0, nl + 1)
          return
        }
        stopAt = position + bytesRead
      }
      yield chunk
      position += bytesRead
    }
  } finally {
    closeSync(fd)
    if (held) spareBuffers.push(held)
  }
}

/** Position of the first newline at or after `at` and before `end`, or -1. */
function newlineAfter(fd: number, buffer: Buffer, at: number, end: number): number {
  for (let position = at; position < end; ) {
    const bytesRead = readSync(fd, buffer, 0, Math.min(buffer.length, 64 * 1024, end - position), position)
    if (bytesRead === 0) return -1
    const nl = buffer.subarray(0, bytesRead).indexOf(10)
    if (nl >= 0) return position + nl
    position += bytesRead
  }
  return -1
}
