/**
 * binance-liquidations (liquidationSnapshot) through the real ingest path. Every row of these files is
 * written twice. Fixtures (fixtures/binance-liquidations/):
 * - BTCUSD_PERP-liquidationSnapshot-2023-06-25.csv: COIN-M, header; the BUY row at 1687656471926 is
 *   real (FORMATS §1.4, doubled as in the real file); 5 liquidations, 10 rows.
 * - BTCUSDT-liquidationSnapshot-2024-03-31.csv: USD-M (its last archived day), quantities in BTC; 6 × 2.
 * - BTCUSD_PERP-liquidationSnapshot-2024-08-05.zip: COIN-M in the zip Binance ships; 4 × 2.
 * Convention (DESIGN §3): SELL = a long liquidated; price = average_price; amount = accumulated_fill_quantity
 * in base units (COIN-M: contracts × 100 USD / average_price); notionalUsd = amount × average_price.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { Located } from '../../src/timeline/event.js'
import { counts, expectTimeOrdered, plain, readAll } from '../helpers/ingest.js'

const DIR = 'fixtures/binance-liquidations'
const CM_2023 = `${DIR}/BTCUSD_PERP-liquidationSnapshot-2023-06-25.csv`
const UM = `${DIR}/BTCUSDT-liquidationSnapshot-2024-03-31.csv`
const CM_ZIP = `${DIR}/BTCUSD_PERP-liquidationSnapshot-2024-08-05.zip`

const at = (events: Located[], ts: number) => {
  const found = events.find((e) => e.ts === ts)
  if (!found) throw new Error(`no event at ${ts}`)
  return found
}

describe('binance-liquidations', () => {
  it('COIN-M: doubled rows counted as duplicates; BUY = a short liquidated; contracts → BTC', async () => {
    const { inputs, events } = await readAll([CM_2023])
    expect(counts(inputs[0])).toEqual({ rows: 10, events: 5, duplicates: 5, badRows: 0, skipped: 0 })
    expect(inputs[0]!.source).toBe('binance-liquidations')
    expect([...inputs[0]!.markets]).toEqual(['BTC-USD-PERP'])
    // 1687656471926,BUY,LIMIT,IOC,7,30741.3,30631.6,FILLED,6,7 (twice, lines 4 and 5)
    // BUY closes a short; price = average_price 30631.6 (not the limit 30741.3);
    // 7 contracts × 100 USD = 700 USD; 700 / 30631.6 = 0.02285221797 BTC
    const real = at(events, 1687656471926)
    expect(plain(real)).toEqual({
      ts: 1687656471926,
      exchange: 'binance',
      symbol: 'BTCUSD_PERP',
      market: 'BTC-USD-PERP',
      kind: 'liquidation',
      source: 'binance-liquidations',
      price: 30631.6,
      amount: expect.closeTo(0.02285221797, 10),
      notionalUsd: 700,
      side: 'short',
    })
    expect(real.line).toBe(4)
    // 1687654932118,SELL,LIMIT,IOC,12,30380.1,30475.9,FILLED,12,12: SELL = a long; 1200 USD / 30475.9 = 0.0393753753 BTC
    expect(plain(at(events, 1687654932118))).toMatchObject({
      side: 'long',
      price: 30475.9,
      notionalUsd: 1200,
      amount: expect.closeTo(0.0393753753, 9),
    })
    // 1687668840560,BUY,…,25,30812.4,30716.0,FILLED,11,25: accumulated 25 (not the last fill 11) → 2500 USD
    expect(plain(at(events, 1687668840560))).toMatchObject({ side: 'short', price: 30716, notionalUsd: 2500 })
    expect(events.map((e) => (e.kind === 'liquidation' ? e.side : ''))).toEqual([
      'long',
      'short',
      'long',
      'short',
      'long',
    ])
    expectTimeOrdered(events)
  })

  it('USD-M: quantities in BTC, notional = accumulated_fill_quantity × average_price', async () => {
    const { inputs, events } = await readAll([UM])
    expect(counts(inputs[0])).toEqual({ rows: 12, events: 6, duplicates: 6, badRows: 0, skipped: 0 })
    expect([...inputs[0]!.markets]).toEqual(['BTC-USDT-PERP'])
    // 1711843386204,SELL,LIMIT,IOC,0.014,69388.10,69620.00,FILLED,0.014,0.014: 0.014 × 69620 = 974.68
    expect(plain(events[0])).toEqual({
      ts: 1711843386204,
      exchange: 'binance',
      symbol: 'BTCUSDT',
      market: 'BTC-USDT-PERP',
      kind: 'liquidation',
      source: 'binance-liquidations',
      price: 69620,
      amount: 0.014,
      notionalUsd: expect.closeTo(974.68, 9),
      side: 'long',
    })
    // 1711846813737,BUY,…,0.250,70126.50,69893.20,FILLED,0.113,0.250: 0.25 × 69893.2 = 17473.3, a short
    expect(plain(events[1])).toMatchObject({
      side: 'short',
      price: 69893.2,
      amount: 0.25,
      notionalUsd: expect.closeTo(17473.3, 9),
    })
    // 1711850021490,SELL,…,1.032,69211.80,69443.70,FILLED,0.600,1.032: 1.032 × 69443.7 = 71665.8984
    expect(plain(events[2])).toMatchObject({
      side: 'long',
      amount: 1.032,
      notionalUsd: expect.closeTo(71665.8984, 8),
    })
    const longUsd = events.reduce(
      (sum, e) => sum + (e.kind === 'liquidation' && e.side === 'long' ? e.notionalUsd : 0),
      0,
    )
    // 974.68 + 71665.8984 + 0.003 × 69537.3 (208.6119) = 72849.1903
    expect(longUsd).toBeCloseTo(72849.1903, 6)
  })

  it('COIN-M in a zip', async () => {
    const { inputs, events } = await readAll([CM_ZIP])
    expect(inputs.map((i) => i.path)).toEqual([`${CM_ZIP}/BTCUSD_PERP-liquidationSnapshot-2024-08-05.csv`])
    expect(counts(inputs[0])).toEqual({ rows: 8, events: 4, duplicates: 4, badRows: 0, skipped: 0 })
    // 1722831601523,SELL,LIMIT,IOC,215,51102.9,51274.0,FILLED,120,215: 21,500 USD; 21500 / 51274 = 0.4193158326 BTC
    expect(plain(events[1])).toMatchObject({
      ts: 1722831601523,
      side: 'long',
      price: 51274,
      notionalUsd: 21500,
    })
    expect(events[1]!.kind === 'liquidation' && events[1]!.amount).toBeCloseTo(0.4193158326, 9)
  })

  it('a file written twice over (A B C A B C) still gives duplicates, not out-of-order rows', async () => {
    const lines = (await readFile(UM, 'utf8')).trimEnd().split('\n')
    const distinct = lines.slice(1).filter((_, i) => i % 2 === 0)
    const dir = await mkdtemp(join(tmpdir(), 'cascade-liq-'))
    try {
      const path = join(dir, 'BTCUSDT-liquidationSnapshot-2024-03-31.csv')
      await writeFile(path, `${[lines[0], ...distinct, ...distinct].join('\n')}\n`)
      const { inputs, events, badRows } = await readAll([path])
      expect(badRows).toEqual([])
      expect(counts(inputs[0])).toEqual({ rows: 12, events: 6, duplicates: 6, badRows: 0, skipped: 0 })
      expect(events.map((e) => e.line)).toEqual([2, 3, 4, 5, 6, 7]) // the first copies are kept
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})
