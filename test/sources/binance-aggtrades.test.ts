/**
 * binance-aggtrades through the real ingest path. Fixtures (fixtures/binance-aggtrades/):
 * - BTCUSDT-aggTrades-2025-10-10.csv: spot, 8 fields, µs, no header, True/False.
 * - BTCUSDT-aggTrades-2026-09-17.csv: USD-M with header; the first row is real (FORMATS §1.2).
 * - BTCUSDT-aggTrades-2021-05-19.csv: USD-M without header (before 2022-08-11), the crash hour.
 * - BTCUSD_PERP-aggTrades-2024-08-05.csv: COIN-M with header, quantity in 100-USD contracts.
 * - BTCUSDT-aggTrades-2021-05-20_21.zip: one zip holding two daily CSVs (USD-M, no header, 5 rows each).
 */
import { execFileSync } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ingest } from '../../src/ingest/index.js'
import { counts, expectTimeOrdered, plain, readAll, tradeById } from '../helpers/ingest.js'

const DIR = 'fixtures/binance-aggtrades'
const SPOT = `${DIR}/BTCUSDT-aggTrades-2025-10-10.csv`
const UM_HEADER = `${DIR}/BTCUSDT-aggTrades-2026-09-17.csv`
const UM_2021 = `${DIR}/BTCUSDT-aggTrades-2021-05-19.csv`
const CM = `${DIR}/BTCUSD_PERP-aggTrades-2024-08-05.csv`
const TWO_DAYS = `${DIR}/BTCUSDT-aggTrades-2021-05-20_21.zip`
const clean = (rows: number) => ({ rows, events: rows, duplicates: 0, badRows: 0, skipped: 0 })

describe('binance-aggtrades', () => {
  it('spot (8 fields, µs, no header)', async () => {
    const { inputs, events } = await readAll([SPOT])
    expect(counts(inputs[0])).toEqual(clean(20))
    expect(inputs[0]!.source).toBe('binance-aggtrades')
    expect([...inputs[0]!.markets]).toEqual(['BTC-USDT'])
    // 3712440150,107645.28000000,0.32300000,5311020713,5311020715,1760131438813239,True,True
    // µs → 1760131438813.239 ms; True ⇒ taker sold; 0.323 × 107645.28 = 34769.42544 USDT
    expect(plain(events[0])).toEqual({
      ts: 1760131438813.239,
      exchange: 'binance',
      symbol: 'BTCUSDT',
      market: 'BTC-USDT',
      kind: 'trade',
      source: 'binance-aggtrades',
      price: 107645.28,
      amount: 0.323,
      notionalUsd: expect.closeTo(34769.42544, 8),
      side: 'sell',
      id: '3712440150',
    })
    // 3712440157,107645.41000000,0.14840000,5311020727,5311020727,1760131438816792,False,True
    expect(plain(tradeById(events, '3712440157'))).toMatchObject({
      ts: 1760131438816.792,
      amount: 0.1484,
      side: 'buy',
    })
    expect(inputs[0]!.last).toBe(1760131438821.925)
    expectTimeOrdered(events)
  })

  it('USD-M with header: the real row', async () => {
    const { inputs, events } = await readAll([UM_HEADER])
    expect(counts(inputs[0])).toEqual(clean(20))
    expect([...inputs[0]!.markets]).toEqual(['BTC-USDT-PERP'])
    // 3454067270,76988.7,0.037,8089233297,8089233297,1789655280294,false (2026-09-17T14:28:00.294Z)
    // false ⇒ the taker bought; 0.037 × 76988.7 = 2848.5819 USDT
    expect(plain(events[0])).toEqual({
      ts: 1789655280294,
      exchange: 'binance',
      symbol: 'BTCUSDT',
      market: 'BTC-USDT-PERP',
      kind: 'trade',
      source: 'binance-aggtrades',
      price: 76988.7,
      amount: 0.037,
      notionalUsd: expect.closeTo(2848.5819, 9),
      side: 'buy',
      id: '3454067270',
    })
    expect(new Date(events[0]!.ts).toISOString()).toBe('2026-09-17T14:28:00.294Z')
    expect(events[0]!.line).toBe(2)
    // 3454067271,76989.0,0.871,8089233298,8089233301,1789655280361,true
    expect(plain(events[1])).toMatchObject({ ts: 1789655280361, price: 76989, amount: 0.871, side: 'sell' })
  })

  it('USD-M without header (2021-05-19)', async () => {
    const { inputs, events } = await readAll([UM_2021])
    expect(counts(inputs[0])).toEqual(clean(20))
    expect([...inputs[0]!.markets]).toEqual(['BTC-USDT-PERP'])
    // 561830100,31047.22,1.352,836120400,836120404,1621429740144,true: 1.352 × 31047.22 = 41975.84144
    expect(plain(events[0])).toMatchObject({
      ts: 1621429740144,
      price: 31047.22,
      amount: 1.352,
      side: 'sell',
      id: '561830100',
    })
    expect(events[0]!.kind === 'trade' && events[0]!.notionalUsd).toBeCloseTo(41975.84144, 8)
    expect(events[0]!.line).toBe(1)
    expect(inputs[0]!.first).toBe(1621429740144)
    expect(inputs[0]!.last).toBe(1621429742732)
  })

  it('COIN-M: contracts of 100 USD give base = contracts × 100 / price', async () => {
    const { inputs, events } = await readAll([CM])
    expect(counts(inputs[0])).toEqual(clean(20))
    expect([...inputs[0]!.markets]).toEqual(['BTC-USD-PERP'])
    // 594312870,54010.7,250,1018345210,1018345212,1722816000126,true
    // 250 contracts × 100 USD = 25,000 USD; 25000 / 54010.7 = 0.46287124588 BTC; true ⇒ taker sold
    expect(plain(events[0])).toEqual({
      ts: 1722816000126,
      exchange: 'binance',
      symbol: 'BTCUSD_PERP',
      market: 'BTC-USD-PERP',
      kind: 'trade',
      source: 'binance-aggtrades',
      price: 54010.7,
      amount: expect.closeTo(0.46287124588, 10),
      notionalUsd: 25000,
      side: 'sell',
      id: '594312870',
    })
    // 594312885,54001.0,10,…,true: 1,000 USD, 1000 / 54001 = 0.01851817559 BTC
    const small = tradeById(events, '594312885')
    expect(plain(small)).toMatchObject({ price: 54001, notionalUsd: 1000, side: 'sell' })
    expect(small.kind === 'trade' && small.amount).toBeCloseTo(0.01851817559, 10)
  })

  it('a zip holding two CSVs: two inputs named archive.zip/member.csv', async () => {
    const { inputs, events } = await readAll([TWO_DAYS])
    expect(inputs.map((i) => i.path)).toEqual([
      `${TWO_DAYS}/BTCUSDT-aggTrades-2021-05-20.csv`,
      `${TWO_DAYS}/BTCUSDT-aggTrades-2021-05-21.csv`,
    ])
    expect(inputs.map(counts)).toEqual([clean(5), clean(5)])
    expect(events.map((e) => e.input)).toEqual([0, 0, 0, 0, 0, 1, 1, 1, 1, 1])
    // 563901200,39611.56,1.704,839455100,839455102,1621468800223,true (2021-05-20T00:00:00.223Z)
    expect(plain(events[0])).toMatchObject({
      ts: 1621468800223,
      price: 39611.56,
      amount: 1.704,
      side: 'sell',
    })
    // 566210904,36620.26,2.689,843012318,843012318,1621555201110,true — the last row of the 21st
    expect(plain(events[9])).toMatchObject({
      ts: 1621555201110,
      price: 36620.26,
      amount: 2.689,
      side: 'sell',
      id: '566210904',
    })
  })

  it('merges spot, USD-M and COIN-M files given in any order', async () => {
    const { inputs, events } = await readAll([UM_HEADER, TWO_DAYS, CM, SPOT, UM_2021])
    expect(inputs.map((i) => i.events)).toEqual([20, 5, 5, 20, 20, 20])
    expect(events).toHaveLength(90)
    expectTimeOrdered(events)
    expect(events[0]!.ts).toBe(1621429740144) // 2021-05-19 first
    expect(events.at(-1)!.ts).toBe(1789655284902) // 2026-09-17 last
  })

  it('daily files are read one after the other: a later day is not opened while an earlier one streams', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cascade-days-'))
    try {
      const days = ['2026-02-06', '2026-02-05'].map((day) => join(dir, `BTCUSDT-aggTrades-${day}.csv`))
      for (const [i, path] of days.entries()) {
        const day = /(\d{4}-\d{2}-\d{2})/.exec(path)![1]!
        execFileSync(process.execPath, [
          'scripts/gen-aggtrades.mjs',
          '10000',
          path,
          '--start',
          day,
          '--seed',
          String(i + 1),
        ])
      }
      const ingestion = await ingest(days)
      const iterator = ingestion.events[Symbol.asyncIterator]()
      const first = await iterator.next()
      expect(first.done).toBe(false)
      // The merge's first batch comes from 02-05 (input 1); 02-06 (input 0) starts later, unread so far.
      expect(new Set((first.value as { input: number }[]).map((e) => e.input))).toEqual(new Set([1]))
      expect(ingestion.inputs[0]!.rows).toBe(0)
      let events = (first.value as unknown[]).length
      for (let r = await iterator.next(); !r.done; r = await iterator.next()) events += r.value.length
      expect(events).toBe(20000)
      expect(ingestion.inputs.map(counts)).toEqual([
        { rows: 10000, events: 10000, duplicates: 0, badRows: 0, skipped: 0 },
        { rows: 10000, events: 10000, duplicates: 0, badRows: 0, skipped: 0 },
      ])
      await ingestion.close()
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})
