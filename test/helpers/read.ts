/**
 * Driving src/ingest/read.ts directly on bytes, for property tests: a probe from the whole text
 * (as peek() makes it), then readEvents over any chunking of the same bytes.
 */
import { Readable } from 'node:stream'
import { type InputStats, Ledger } from '../../src/ingest/ledger.js'
import { peek, readEvents } from '../../src/ingest/read.js'
import { detectSource } from '../../src/sources/index.js'
import type { FileReader, Probe } from '../../src/sources/source.js'
import type { Located } from '../../src/timeline/event.js'

export function newStats(path: string): InputStats {
  return {
    index: 0,
    path,
    source: 'test',
    exchange: 'test',
    symbols: new Set(),
    markets: new Set(),
    kinds: new Set(),
    rows: 0,
    events: 0,
    duplicates: 0,
    badRows: 0,
    skipped: 0,
    superseded: 0,
    suspect: 0,
    skipReasons: new Map(),
    first: null,
    last: null,
    bytes: 0,
  }
}

/** Bytes as a stream of the given chunks (plain Buffers, not object mode). */
export function chunked(chunks: Buffer[]): Readable {
  return Readable.from(chunks, { objectMode: false })
}

/** Cut `bytes` at the given offsets (any order, repeats and out-of-range ones ignored). */
export function cut(bytes: Buffer, offsets: number[]): Buffer[] {
  const at = [...new Set(offsets.filter((o) => o > 0 && o < bytes.length))].sort((a, b) => a - b)
  const chunks: Buffer[] = []
  let from = 0
  for (const to of [...at, bytes.length]) {
    chunks.push(bytes.subarray(from, to))
    from = to
  }
  return chunks
}

/** The probe and reader ingest would use for this text under this file name. */
export async function readerFor(bytes: Buffer, name: string): Promise<{ probe: Probe; reader: FileReader }> {
  const { probe, stream } = await peek(chunked([bytes]), name, name)
  stream.destroy()
  const source = detectSource(probe, name)
  return { probe, reader: source.open(probe, {}) }
}

export interface Outcome {
  events: Located[]
  bad: { line: number; code: string; message: string }[]
  stats: InputStats
}

/** Everything readEvents makes of a stream: events, bad rows (file order) and counts. */
export async function readStream(
  stream: Readable,
  reader: FileReader,
  path = 'test.csv',
  fast = true,
): Promise<Outcome> {
  const stats = newStats(path)
  const ledger = new Ledger()
  const events: Located[] = []
  for await (const batch of readEvents(stream, {
    ledger,
    stats,
    reader,
    sortWindow: 1_000_000,
    batchSize: 5,
    fast,
  })) {
    events.push(...batch)
  }
  const bad = ledger.samples().map(({ line, code, message }) => ({ line, code, message }))
  return { events, bad, stats }
}
