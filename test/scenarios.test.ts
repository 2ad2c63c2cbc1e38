/**
 * The reconstructed crash days in fixtures/scenarios/ (written by scripts/generate-scenarios.mjs):
 * the committed files are what the generator writes, they ingest cleanly in every Binance quirk
 * they carry (no header in 2021, doubled and shuffled metrics, doubled liquidations), and the
 * planted figures are where the README says they are.
 */
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { beforeAll, describe, expect, it } from 'vitest'
import { type InputStats, ingest } from '../src/ingest/index.js'
import type { Located } from '../src/timeline/event.js'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const SCENARIOS = `${ROOT}fixtures/scenarios`

interface Seen {
  inputs: InputStats[]
  badRows: number
  sorted: boolean
  kinds: Map<string, number>
  lowest: { price: number; ts: number; count: number }
  highest: { price: number; ts: number }
  firstTrade: { price: number; ts: number } | null
  openInterest: { ts: number; level: number }[]
  longUsd: number
  shortUsd: number
}

/** Ingest a folder and fold its timeline into the few facts the tests look at. */
async function read(folder: string): Promise<Seen> {
  const ingestion = await ingest([`${SCENARIOS}/${folder}`])
  const seen: Seen = {
    inputs: ingestion.inputs,
    badRows: 0,
    sorted: true,
    kinds: new Map(),
    lowest: { price: Number.POSITIVE_INFINITY, ts: 0, count: 0 },
    highest: { price: Number.NEGATIVE_INFINITY, ts: 0 },
    firstTrade: null,
    openInterest: [],
    longUsd: 0,
    shortUsd: 0,
  }
  let last = Number.NEGATIVE_INFINITY
  const look = (event: Located) => {
    if (event.ts < last) seen.sorted = false
    last = event.ts
    seen.kinds.set(event.kind, (seen.kinds.get(event.kind) ?? 0) + 1)
    if (event.kind === 'trade') {
      seen.firstTrade ??= { price: event.price, ts: event.ts }
      if (event.price < seen.lowest.price) seen.lowest = { price: event.price, ts: event.ts, count: 1 }
      else if (event.price === seen.lowest.price) seen.lowest.count++
      if (event.price > seen.highest.price) seen.highest = { price: event.price, ts: event.ts }
    } else if (event.kind === 'open_interest') {
      seen.openInterest.push({ ts: event.ts, level: event.openInterest ?? Number.NaN })
    } else if (event.kind === 'liquidation') {
      if (event.side === 'long') seen.longUsd += event.notionalUsd
      else seen.shortUsd += event.notionalUsd
    }
  }
  try {
    for await (const batch of ingestion.events) for (const event of batch) look(event)
  } finally {
    await ingestion.close()
  }
  seen.badRows = ingestion.ledger.total
  return seen
}

function input(seen: Seen, member: string): InputStats {
  const found = seen.inputs.find((i) => i.path.endsWith(`/${member}`))
  if (!found) throw new Error(`no input ${member} among ${seen.inputs.map((i) => i.path).join(', ')}`)
  return found
}

const counts = (i: InputStats) => ({
  source: i.source,
  rows: i.rows,
  events: i.events,
  duplicates: i.duplicates,
  badRows: i.badRows,
  skipped: i.skipped,
})

const levels = (seen: Seen, fromIso: string, toIso: string) =>
  seen.openInterest
    .filter((r) => r.ts >= Date.parse(fromIso) && r.ts <= Date.parse(toIso))
    .map((r) => r.level)

describe('scenario fixtures', () => {
  it('are exactly what the generator writes (--check)', () => {
    const run = spawnSync(process.execPath, ['scripts/generate-scenarios.mjs', '--check'], {
      cwd: ROOT,
      encoding: 'utf8',
    })
    expect(run.stderr).not.toMatch(/differs|missing|not written/)
    expect(run.status).toBe(0)
  })

  describe('2021-05-19 (shaped like 19 May 2021)', () => {
    let seen: Seen
    beforeAll(async () => {
      seen = await read('2021-05-19')
    })

    it('counts every row of each file: metrics and liquidations are doubled, trades are not', () => {
      expect(seen.inputs).toHaveLength(3)
      // Rows as written by the generator (fixtures/scenarios/README.md).
      expect(counts(input(seen, 'BTCUSDT-aggTrades-2021-05-19.csv'))).toEqual({
        source: 'binance-aggtrades',
        rows: 163_791,
        events: 163_791,
        duplicates: 0,
        badRows: 0,
        skipped: 0,
      })
      // 288 five-minute rows, each written twice: 576 rows, 288 duplicates.
      expect(counts(input(seen, 'BTCUSDT-metrics-2021-05-19.csv'))).toEqual({
        source: 'binance-metrics',
        rows: 2 * 288,
        events: 288,
        duplicates: 288,
        badRows: 0,
        skipped: 0,
      })
      const liquidations = input(seen, 'BTCUSDT-liquidationSnapshot-2021-05-19.csv')
      expect(liquidations.source).toBe('binance-liquidations')
      expect(liquidations.rows % 2).toBe(0)
      expect(liquidations.duplicates).toBe(liquidations.rows / 2)
      expect(liquidations.events).toBe(liquidations.rows / 2)
      expect(seen.badRows).toBe(0)
      expect(seen.kinds.get('liquidation')).toBe(liquidations.rows / 2)
    })

    it('is one time-ordered timeline', () => {
      expect(seen.sorted).toBe(true)
    })

    it('opens at 42,900 and has its low, 30,000.0, at the planted 13:21:30.250 UTC', () => {
      expect(seen.firstTrade?.price).toBe(42_900)
      expect(seen.firstTrade!.ts - Date.parse('2021-05-19T00:00:00Z')).toBeLessThan(1000)
      expect(seen.lowest).toEqual({ price: 30_000, ts: Date.parse('2021-05-19T13:21:30.250Z'), count: 1 })
    })

    it('loses a fifth of its open interest (in BTC) from 11:55 to 13:25', () => {
      // Planted: 76,500 BTC at 11:55 and 61,200 BTC at 13:25; (76,500 − 61,200) / 76,500 = 0.2.
      const before = levels(seen, '2021-05-19T11:55:00Z', '2021-05-19T11:55:00Z')
      const crash = levels(seen, '2021-05-19T12:00:00Z', '2021-05-19T14:00:00Z')
      expect(before).toEqual([76_500])
      expect(Math.min(...crash)).toBe(61_200)
      expect(Math.min(...seen.openInterest.map((r) => r.level))).toBe(61_200)
    })

    it('liquidates mostly longs: at least 85 % of liquidated USD', () => {
      expect(seen.longUsd / (seen.longUsd + seen.shortUsd)).toBeGreaterThanOrEqual(0.85)
      expect(seen.shortUsd).toBeGreaterThan(0)
    })
  })

  describe('2026-02-05 (shaped like 5–6 Feb 2026)', () => {
    let seen: Seen
    beforeAll(async () => {
      seen = await read('2026-02-05')
    })

    it('counts every row of the two days; single metrics rows, no liquidations', () => {
      expect(seen.inputs).toHaveLength(4)
      for (const [date, rows] of [
        ['2026-02-05', 95_533],
        ['2026-02-06', 107_823],
      ] as const) {
        // Header excluded.
        expect(counts(input(seen, `BTCUSDT-aggTrades-${date}.csv`))).toEqual({
          source: 'binance-aggtrades',
          rows,
          events: rows,
          duplicates: 0,
          badRows: 0,
          skipped: 0,
        })
        expect(counts(input(seen, `BTCUSDT-metrics-${date}.csv`))).toEqual({
          source: 'binance-metrics',
          rows: 288,
          events: 288,
          duplicates: 0,
          badRows: 0,
          skipped: 0,
        })
      }
      expect(seen.badRows).toBe(0)
      expect(seen.kinds.has('liquidation')).toBe(false)
      expect(seen.sorted).toBe(true)
    })

    it('peaks at 73,300 early on 5 Feb and bottoms at 60,000.0 at 00:20:10.730 UTC on 6 Feb', () => {
      expect(seen.highest).toEqual({ price: 73_300, ts: Date.parse('2026-02-05T01:14:20.480Z') })
      expect(seen.lowest).toEqual({ price: 60_000, ts: Date.parse('2026-02-06T00:20:10.730Z'), count: 1 })
    })

    it('loses open interest (in BTC) through the crash', () => {
      const before = levels(seen, '2026-02-05T12:00:00Z', '2026-02-06T00:20:00Z')
      const after = levels(seen, '2026-02-06T00:00:00Z', '2026-02-06T12:00:00Z')
      // Shaped after 94,200 BTC (5 Feb 19:00) → 85,500 BTC (6 Feb 08:00): about −9 %.
      expect(Math.min(...after) / Math.max(...before)).toBeLessThan(0.93)
    })
  })
})
