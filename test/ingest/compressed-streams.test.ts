/**
 * What a folder of daily zips (or gzips) holds open while it is read. Every input is detected
 * before any is read; a member's stream kept open from its peek to its read held what zlib had
 * inflated ahead (about 1.8 MB of text and 1 MiB buffers per member), so a folder's memory grew
 * with its number of days (issue 13: 60 daily zips peaked at 335 MiB, 120 at 460 MiB). zlib's
 * streams are counted here as ingest makes them: a look at a head inflates little, at most
 * OPEN_AHEAD of them are open at once, and every one is closed when the read ends.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Readable } from 'node:stream'
import type * as zlib from 'node:zlib'
import { gzipSync } from 'node:zlib'
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import yazl from 'yazl'
import { BarStore } from '../../src/bars/index.js'
import { ingest, OPEN_AHEAD } from '../../src/ingest/index.js'
import { membersOf } from '../../src/ingest/open.js'

/** Every inflate and gunzip stream made, in order. */
const made: zlib.Inflate[] = []
/** The most of them open (made and not destroyed) at once. */
let mostOpen = 0

vi.mock('node:zlib', async (importOriginal) => {
  const real = await importOriginal<typeof zlib>()
  const counted =
    <T extends zlib.Inflate>(create: (options?: zlib.ZlibOptions) => T) =>
    (options?: zlib.ZlibOptions): T => {
      const stream = create(options)
      made.push(stream)
      mostOpen = Math.max(mostOpen, made.filter((s) => !s.destroyed).length)
      return stream
    }
  return {
    ...real,
    createInflateRaw: counted(real.createInflateRaw as (o?: zlib.ZlibOptions) => zlib.Inflate),
    createGunzip: counted(real.createGunzip as (o?: zlib.ZlibOptions) => zlib.Inflate),
  }
})

const AGG_HEADER = 'agg_trade_id,price,quantity,first_trade_id,last_trade_id,transact_time,is_buyer_maker'
const DAYS = 20
/** Rows a day: about 350 KB of text, several times a head (64 KiB). */
const ROWS = 5000
/** Rows of the day whose head is looked at: 2.3 MB of text, about 500 KB of deflate. */
const BIG_ROWS = 30_000

/**
 * Day `d` of September 2026 as Binance's aggTrades CSV, a trade every 2.5 s; prices and sizes
 * wander as real ones do, so that deflate shrinks the text about as much (5:1) as a real day's.
 */
function day(d: number, rows: number): { name: string; text: string } {
  const start = Date.UTC(2026, 8, 1 + d)
  const date = new Date(start).toISOString().slice(0, 10)
  const lines = [AGG_HEADER]
  let seed = d + 1
  const random = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31
    return seed / 2 ** 31
  }
  let price = 76000
  for (let i = 0; i < rows; i++) {
    const id = d * BIG_ROWS + i
    price = Math.max(1000, price + Math.round((random() - 0.5) * 40) / 10)
    const quantity = (random() * 3).toFixed(3)
    const time = start + i * 2500 + Math.floor(random() * 2500)
    lines.push(
      `${3454067270 + id},${price.toFixed(1)},${quantity},${8089233297 + id},${8089233297 + id},${time},${random() < 0.5}`,
    )
  }
  return { name: `BTCUSDT-aggTrades-${date}.csv`, text: `${lines.join('\n')}\n` }
}

function zipOf(name: string, content: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const zip = new yazl.ZipFile()
    zip.addBuffer(Buffer.from(content), name)
    zip.end()
    const parts: Buffer[] = []
    zip.outputStream.on('data', (d: Buffer) => parts.push(d))
    zip.outputStream.on('end', () => resolve(Buffer.concat(parts)))
    zip.outputStream.on('error', reject)
  })
}

let zips = ''
let gzips = ''
let big = ''

beforeAll(async () => {
  zips = await mkdtemp(join(tmpdir(), 'cascade-zips-'))
  gzips = await mkdtemp(join(tmpdir(), 'cascade-gzips-'))
  for (let d = 0; d < DAYS; d++) {
    const { name, text } = day(d, ROWS)
    await writeFile(join(zips, name.replace(/\.csv$/, '.zip')), await zipOf(name, text))
    await writeFile(join(gzips, `${name}.gz`), gzipSync(text))
  }
  big = await mkdtemp(join(tmpdir(), 'cascade-big-'))
  const { name, text } = day(0, BIG_ROWS)
  await writeFile(join(big, name.replace(/\.csv$/, '.zip')), await zipOf(name, text))
  await writeFile(join(big, `${name}.gz`), gzipSync(text))
})

afterAll(async () => {
  for (const dir of [zips, gzips, big]) if (dir) await rm(dir, { recursive: true, force: true })
})

beforeEach(() => {
  made.length = 0
  mostOpen = 0
})

/** Let zlib and the streams go on as far as they would unread (zlib works on the thread pool). */
async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise((resolve) => setTimeout(resolve, 1))
}

async function firstChunk(stream: Readable): Promise<Buffer> {
  stream.pause()
  for (;;) {
    const chunk = stream.read() as Buffer | null
    if (chunk) return chunk
    await new Promise((resolve) => stream.once('readable', resolve))
  }
}

describe('a look at the head of a compressed member', () => {
  for (const kind of ['zip', 'gzip'] as const) {
    it(`inflates a little of a ${kind}, not megabytes ahead`, async () => {
      const name = kind === 'zip' ? 'BTCUSDT-aggTrades-2026-09-01.zip' : 'BTCUSDT-aggTrades-2026-09-01.csv.gz'
      const [member] = await membersOf(join(big, name), {})
      const stream = await member!.open({ head: true })
      const head = await firstChunk(stream)
      expect(head.subarray(0, AGG_HEADER.length).toString()).toBe(AGG_HEADER)
      await settle()
      const inflate = made.at(-1)!
      // Compressed bytes zlib took, and text waiting in the stream (a 64 KiB head): nearly all of
      // the day was inflated ahead before (1 MiB reads, 1 MiB buffers behind zlib).
      expect(inflate.bytesWritten).toBeLessThanOrEqual(64 * 1024)
      expect(head.length + stream.readableLength).toBeLessThanOrEqual(256 * 1024)
      stream.destroy()
    })
  }
})

describe('a folder of daily compressed files', () => {
  for (const kind of ['zip', 'gzip'] as const) {
    it(`folded into bars (analyze): at most ${OPEN_AHEAD} ${kind} streams open at once, all closed at the end`, async () => {
      const ingestion = await ingest([kind === 'zip' ? zips : gzips], {
        threads: 1,
        fold: { store: new BarStore(), selection: {} },
      })
      for await (const _ of ingestion.events) {
        // the trades fold into the store
      }
      await ingestion.close()
      await settle()
      expect(ingestion.inputs.map((input) => input.rows)).toEqual(Array(DAYS).fill(ROWS))
      // Each member opened for its head, and again for its read.
      expect(made.length).toBe(2 * DAYS)
      expect(mostOpen).toBeLessThanOrEqual(OPEN_AHEAD)
      expect(made.filter((stream) => !stream.destroyed)).toEqual([])
    })

    it(`read as events (timeline): at most ${OPEN_AHEAD} ${kind} streams open at once, all closed at the end`, async () => {
      const ingestion = await ingest([kind === 'zip' ? zips : gzips])
      for await (const _ of ingestion.events) {
        // every day read
      }
      await ingestion.close()
      await settle()
      expect(ingestion.inputs.map((input) => input.rows)).toEqual(Array(DAYS).fill(ROWS))
      expect(mostOpen).toBeLessThanOrEqual(OPEN_AHEAD)
      expect(made.filter((stream) => !stream.destroyed)).toEqual([])
    })
  }

  it('closes every stream when the reader stops early', async () => {
    const ingestion = await ingest([zips])
    for await (const _ of ingestion.events) break
    await ingestion.close()
    await settle()
    expect(made.filter((stream) => !stream.destroyed)).toEqual([])
  })
})
