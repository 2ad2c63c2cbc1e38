/**
 * binance-trades through the real ingest path. Fixtures (fixtures/binance-trades/):
 * - BTCUSDT-trades-2021-05-19.csv: spot, ms, no header, True/False; row 847213086 is real (FORMATS §1.1).
 * - BTCUSDT-trades-2025-10-10.zip: spot, µs (2025+), the zip Binance ships; row 5311020713 is real.
 * - BTCUSDT-trades-2026-02-05.csv: USD-M with header (files from 2022-08-11 on).
 * - BTCUSDT-trades-2022-08-10.csv: USD-M without header (the last day before headers, #278).
 * - BTCUSD_PERP-trades-2020-06-04.csv: COIN-M with header, qty in contracts; row 28457 is FORMATS' row.
 * The other rows are plausible continuations (20 rows per file).
 */
import { describe, expect, it } from 'vitest'
import { counts, expectTimeOrdered, plain, rawRows, readAll, tradeById } from '../helpers/ingest.js'

const DIR = 'fixtures/binance-trades'
const SPOT_2021 = `${DIR}/BTCUSDT-trades-2021-05-19.csv`
const SPOT_2025 = `${DIR}/BTCUSDT-trades-2025-10-10.zip`
const UM_HEADER = `${DIR}/BTCUSDT-trades-2026-02-05.csv`
const UM_NO_HEADER = `${DIR}/BTCUSDT-trades-2022-08-10.csv`
const CM = `${DIR}/BTCUSD_PERP-trades-2020-06-04.csv`
const clean = { rows: 20, events: 20, duplicates: 0, badRows: 0, skipped: 0 }

describe('binance-trades', () => {
  it('spot 2021 (ms, no header): the real row, taker side from isBuyerMaker', async () => {
    const { inputs, events } = await readAll([SPOT_2021])
    expect(inputs).toHaveLength(1)
    expect(counts(inputs[0])).toEqual(clean)
    expect(inputs[0]!.source).toBe('binance-trades')
    expect([...inputs[0]!.markets]).toEqual(['BTC-USDT'])
    expect(inputs[0]!.first).toBe(1621428969251)
    expect(inputs[0]!.last).toBe(1621428969511)
    // 847213086,33845.42000000,0.00716600,242.53627972,1621428969252,True,True
    // isBuyerMaker True ⇒ the buyer rested ⇒ the taker sold. 0.007166 × 33845.42 = 242.53627972.
    const real = tradeById(events, '847213086')
    expect(plain(real)).toEqual({
      ts: 1621428969252,
      exchange: 'binance',
      symbol: 'BTCUSDT',
      market: 'BTC-USDT',
      kind: 'trade',
      source: 'binance-trades',
      price: 33845.42,
      amount: 0.007166,
      notionalUsd: expect.closeTo(242.53627972, 8),
      side: 'sell',
      id: '847213086',
    })
    expect(real.line).toBe(11)
    // 847213076,35300.28000000,0.03241500,1144.25857620,1621428969251,False,True → taker bought
    expect(tradeById(events, '847213076')).toMatchObject({
      ts: 1621428969251,
      price: 35300.28,
      amount: 0.032415,
      side: 'buy',
    })
    expect(tradeById(events, '847213076').notionalUsd).toBeCloseTo(1144.2585762, 8)
    // In file order: ids ascending, times non-decreasing.
    expect(events.map((e) => (e.kind === 'trade' ? Number(e.id) : 0))).toEqual(
      Array.from({ length: 20 }, (_, i) => 847213076 + i),
    )
    expectTimeOrdered(events)
  })

  it('spot 2025 in a zip: µs become ms with a fraction', async () => {
    const { inputs, events } = await readAll([SPOT_2025])
    expect(inputs.map((i) => i.path)).toEqual([`${SPOT_2025}/BTCUSDT-trades-2025-10-10.csv`])
    expect(counts(inputs[0])).toEqual(clean)
    // 5311020713,107645.21000000,0.00010000,10.76452100,1760131438813239,False,True
    // 1760131438813239 µs = 1760131438813.239 ms; False ⇒ the taker bought; 0.0001 × 107645.21 = 10.764521.
    expect(plain(events[0])).toEqual({
      ts: 1760131438813.239,
      exchange: 'binance',
      symbol: 'BTCUSDT',
      market: 'BTC-USDT',
      kind: 'trade',
      source: 'binance-trades',
      price: 107645.21,
      amount: 0.0001,
      notionalUsd: expect.closeTo(10.764521, 9),
      side: 'buy',
      id: '5311020713',
    })
    // last row: 5311020732,107645.06000000,0.34470000,37105.25218200,1760131438821174,False,True
    expect(plain(events[19])).toMatchObject({
      ts: 1760131438821.174,
      price: 107645.06,
      amount: 0.3447,
      side: 'buy',
    })
    expect(events[19]!.kind === 'trade' && events[19]!.notionalUsd).toBeCloseTo(37105.252182, 7)
  })

  it('USD-M with header: the header is not a row', async () => {
    const { inputs, events } = await readAll([UM_HEADER])
    expect(counts(inputs[0])).toEqual(clean)
    expect([...inputs[0]!.markets]).toEqual(['BTC-USDT-PERP'])
    // 7066501200,70427.1,0.395,27818.7045,1770269280209,true — line 2 (line 1 is the header)
    expect(plain(events[0])).toEqual({
      ts: 1770269280209,
      exchange: 'binance',
      symbol: 'BTCUSDT',
      market: 'BTC-USDT-PERP',
      kind: 'trade',
      source: 'binance-trades',
      price: 70427.1,
      amount: 0.395,
      notionalUsd: expect.closeTo(27818.7045, 8),
      side: 'sell',
      id: '7066501200',
    })
    expect(events[0]!.line).toBe(2)
    expect(events[19]!.line).toBe(21)
  })

  it('USD-M without header (before 2022-08-11): 6 fields, first line is data', async () => {
    const { inputs, events } = await readAll([UM_NO_HEADER])
    expect(counts(inputs[0])).toEqual(clean)
    expect([...inputs[0]!.markets]).toEqual(['BTC-USDT-PERP'])
    // 2730511000,23912.52,1.455,34792.71660,1660132800129,false → line 1
    expect(plain(events[0])).toMatchObject({
      ts: 1660132800129,
      market: 'BTC-USDT-PERP',
      price: 23912.52,
      amount: 1.455,
      side: 'buy',
      id: '2730511000',
    })
    expect(events[0]!.kind === 'trade' && events[0]!.notionalUsd).toBeCloseTo(34792.7166, 8)
    expect(events[0]!.line).toBe(1)
    // 2730511019,23912.56,0.476,11382.37856,1660132802462,true
    expect(plain(events[19])).toMatchObject({
      ts: 1660132802462,
      price: 23912.56,
      amount: 0.476,
      side: 'sell',
    })
  })

  it('COIN-M: qty in contracts of 100 USD, base = contracts × 100 / price', async () => {
    const { inputs, events } = await readAll([CM])
    expect(counts(inputs[0])).toEqual(clean)
    expect([...inputs[0]!.markets]).toEqual(['BTC-USD-PERP'])
    // 28457,9635.0,1,0.01037883,1591250192508,true: 1 contract = 100 USD; 100 / 9635.0 = 0.0103788272 BTC,
    // which the file's base_qty column rounds to 0.01037883.
    const real = tradeById(events, '28457')
    expect(plain(real)).toEqual({
      ts: 1591250192508,
      exchange: 'binance',
      symbol: 'BTCUSD_PERP',
      market: 'BTC-USD-PERP',
      kind: 'trade',
      source: 'binance-trades',
      price: 9635,
      amount: expect.closeTo(100 / 9635, 12),
      notionalUsd: 100,
      side: 'sell',
      id: '28457',
    })
    expect(real.kind === 'trade' && real.amount).toBeCloseTo(0.01037883, 8)
    // 28450,9635.5,31,0.32172695,1591250190317,false: 31 × 100 = 3100 USD; 3100 / 9635.5 = 0.32172695 BTC
    const first = tradeById(events, '28450')
    expect(plain(first)).toMatchObject({ price: 9635.5, notionalUsd: 3100, side: 'buy' })
    expect(first.kind === 'trade' && first.amount).toBeCloseTo(0.32172695, 8)
  })

  it('merges all variants into one time-ordered timeline', async () => {
    const { inputs, events } = await readAll([SPOT_2025, UM_HEADER, CM, SPOT_2021, UM_NO_HEADER])
    expect(inputs.map(counts)).toEqual([clean, clean, clean, clean, clean])
    expect(events).toHaveLength(100)
    expectTimeOrdered(events)
    // 2020 COIN-M first, then 2021 spot, 2022 USD-M, 2025 spot, 2026 USD-M.
    const marketsInOrder = [...new Set(events.map((e) => `${e.market}@${new Date(e.ts).getUTCFullYear()}`))]
    expect(marketsInOrder).toEqual([
      'BTC-USD-PERP@2020',
      'BTC-USDT@2021',
      'BTC-USDT-PERP@2022',
      'BTC-USDT@2025',
      'BTC-USDT-PERP@2026',
    ])
  })

  it('the same file twice: the second copy is all duplicates', async () => {
    const { inputs, events } = await readAll([SPOT_2021, SPOT_2021])
    expect(events).toHaveLength(20)
    expect(counts(inputs[0])).toEqual(clean)
    expect(counts(inputs[1])).toEqual({ rows: 20, events: 0, duplicates: 20, badRows: 0, skipped: 0 })
  })

  it('units agree with the columns Binance computed: quote_qty (spot, USD-M) and base_qty (COIN-M)', async () => {
    for (const path of [SPOT_2021, SPOT_2025, UM_HEADER, UM_NO_HEADER, CM]) {
      const { events } = await readAll([path])
      const rows = (await rawRows(path)).filter((r) => /^\d+$/.test(r[0]!))
      expect(rows).toHaveLength(events.length)
      for (const row of rows) {
        const event = tradeById(events, row[0]!)
        if (event.kind !== 'trade') throw new Error('not a trade')
        if (path === CM) {
          expect(event.amount, `${path} ${row[0]}`).toBeCloseTo(Number(row[3]), 8) // base_qty, 8 decimals
          expect(event.notionalUsd).toBe(Number(row[2]) * 100)
        } else {
          expect(event.notionalUsd! / Number(row[3]), `${path} ${row[0]}`).toBeCloseTo(1, 12) // quote_qty
        }
      }
    }
  })
})
