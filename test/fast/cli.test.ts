/**
 * The fast path end to end (the built CLI): `cascade analyze --json` and `cascade bars` print the
 * same bytes whether the inputs are read by csv-parse alone (CASCADE_FAST=0), by the fast path in
 * one thread (CASCADE_THREADS=1), or in worker threads with a big file cut into byte ranges
 * (CASCADE_THREADS=2), or a compressed one inflated here and parsed by workers in blocks
 * (CASCADE_THREADS=3) — plain, gzip and zip, with liquidations and open interest beside.
 */
import { execFileSync } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import yazl from 'yazl'
import { cascade, ensureBuilt, ROOT } from '../helpers/cli.js'

let dir: string
let plain: string

beforeAll(async () => {
  ensureBuilt()
  dir = await mkdtemp(join(tmpdir(), 'cascade-fast-cli-'))
  // ~11 MB: cut into ranges with two or more threads.
  plain = join(dir, 'BTCUSDT-aggTrades-2026-02-05.csv')
  execFileSync(process.execPath, [join(ROOT, 'scripts/gen-aggtrades.mjs'), '160000', plain, '--seed', '7'])
  const text = await readFile(plain)
  await writeFile(join(dir, 'BTCUSDT-aggTrades-2026-02-05.csv.gz'), gzipSync(text))
  const zip = new yazl.ZipFile()
  zip.addBuffer(text, 'BTCUSDT-aggTrades-2026-02-05.csv')
  zip.end()
  const chunks: Buffer[] = []
  for await (const chunk of zip.outputStream as AsyncIterable<Buffer>) chunks.push(chunk)
  await writeFile(join(dir, 'BTCUSDT-aggTrades-2026-02-05.zip'), Buffer.concat(chunks))
})

afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

const MODES: Record<string, Record<string, string>> = {
  'csv-parse only': { CASCADE_FAST: '0' },
  'fast, one thread': { CASCADE_THREADS: '1' },
  'fast, two threads': { CASCADE_THREADS: '2' },
}

/** Three threads: a compressed file is inflated in the main thread and parsed by two workers in blocks. */
const BLOCKS = { 'fast, three threads (blocks)': { CASCADE_THREADS: '3' } }

async function same(args: string[], modes: Record<string, Record<string, string>> = MODES): Promise<string> {
  const outputs: Record<string, string> = {}
  for (const [mode, env] of Object.entries(modes)) {
    const run = await cascade(args, { env })
    expect(run.code, `${mode}: ${run.stderr}`).toBe(0)
    outputs[mode] = run.stdout
  }
  const reference = outputs['csv-parse only']!
  for (const [mode, output] of Object.entries(outputs)) expect(output, mode).toBe(reference)
  return reference
}

describe('fast path and threads: byte-identical output', () => {
  it('analyze --json on a plain file cut into ranges', async () => {
    const json = JSON.parse(await same(['analyze', plain, '--json']))
    expect(json.inputs[0].rows).toBe(160_000)
  })

  it('analyze --json on gzip and zip, and two files at once', async () => {
    for (const name of ['BTCUSDT-aggTrades-2026-02-05.csv.gz', 'BTCUSDT-aggTrades-2026-02-05.zip']) {
      const json = JSON.parse(await same(['analyze', join(dir, name), '--json'], { ...MODES, ...BLOCKS }))
      expect(json.inputs[0].events).toBe(160_000)
    }
    // The same day twice: the second copy's rows are all duplicates (read through the timeline).
    const twice = JSON.parse(
      await same(['analyze', plain, join(dir, 'BTCUSDT-aggTrades-2026-02-05.zip'), '--json']),
    )
    expect(twice.inputs.map((i: { duplicates: number }) => i.duplicates)).toEqual([0, 160_000])
  })

  it('analyze --json on the 2021-05-19 scenario (trades, open interest, liquidations)', async () => {
    const json = JSON.parse(await same(['analyze', 'fixtures/scenarios/2021-05-19/', '--json']))
    expect(json.cascades.length).toBeGreaterThan(0)
  })

  it('bars, and analyze with --from/--to and --market', async () => {
    await same(['bars', plain])
    await same(['analyze', plain, '--json', '--from', '2026-02-05T00:10', '--to', '2026-02-05T00:20'])
    await same(['analyze', plain, 'fixtures/scenarios/2021-05-19/', '--json', '--market', 'BTC-USDT-PERP'])
  }, 180_000) // six runs of the CLI: room for a loaded machine (no timing is asserted)

  it('a zip of many copies of one day, stored and deflated (issue 15: N copies cost N² before)', async () => {
    const day = await readFile('fixtures/binance-aggtrades/BTCUSDT-aggTrades-2026-09-17.csv')
    const zip = new yazl.ZipFile()
    for (let k = 0; k < 60; k++)
      zip.addBuffer(day, `copy${String(k).padStart(2, '0')}/BTCUSDT-aggTrades-2026-09-17.csv`, {
        compress: k % 2 === 0,
      })
    zip.end()
    const chunks: Buffer[] = []
    for await (const chunk of zip.outputStream as AsyncIterable<Buffer>) chunks.push(chunk)
    const copies = join(dir, 'copies.zip')
    await writeFile(copies, Buffer.concat(chunks))
    const json = JSON.parse(await same(['analyze', copies, '--json']))
    const rows = day.toString().trim().split('\n').length - 1
    expect(json.inputs).toHaveLength(60)
    expect(json.inputs[0]).toMatchObject({ rows, events: rows, duplicates: 0 })
    for (const input of json.inputs.slice(1))
      expect(input).toMatchObject({ rows, events: 0, duplicates: rows })
  })
})
