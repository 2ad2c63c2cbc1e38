/**
 * okx-trades through the real ingest path. Fixtures (fixtures/okx-trades/) are zips holding one CSV
 * of the same name, as OKX's data-download serves them:
 * - BTC-USDT-SWAP-trades-2025-06-01.zip: new header; its first row is the real row of FORMATS §4
 *   (BTC-USDT-SWAP,1566502282,sell,104503.0,30.14,1748707200008 — 16:00 UTC, the start of a UTC+8 day).
 * - BTC-USD-SWAP-aggtrades-2024-08-05.zip: new header, inverse swap (100 USD per contract).
 * - BTC-USDT-trades-2023-04-25.zip: the older bilingual header, spot, no instrument column; the
 *   layout of FORMATS' fixture row (its price made plausible for the date), one size as `1.912e-05`.
 */
import { describe, expect, it } from 'vitest'
import { FatalError } from '../../src/errors.js'
import { SOURCES } from '../../src/sources/index.js'
import { okxTrades } from '../../src/sources/okx-trades.js'
import { Skip } from '../../src/sources/source.js'
import { counts, plain, readAll, tradeById } from '../helpers/ingest.js'
import { claimants, probeOf, rowReader } from './venue-rows.js'

const DIR = 'fixtures/okx-trades'
const SWAP = `${DIR}/BTC-USDT-SWAP-trades-2025-06-01.zip`
const INVERSE = `${DIR}/BTC-USD-SWAP-aggtrades-2024-08-05.zip`
const SPOT_OLD = `${DIR}/BTC-USDT-trades-2023-04-25.zip`
const NEW_HEADER = 'instrument_name,trade_id,side,price,size,created_time'
const OLD_HEADER = 'trade_id/交易id,side/交易方向,size/数量,price/价格,created_time/成交时间'

describe('okx-trades', () => {
  it('BTC-USDT-SWAP: the real row, 30.14 contracts × 0.01 BTC', async () => {
    const { inputs, events } = await readAll([SWAP])
    expect(inputs.map((i) => i.path)).toEqual([`${SWAP}/BTC-USDT-SWAP-trades-2025-06-01.csv`])
    expect(counts(inputs[0])).toEqual({ rows: 3, events: 3, duplicates: 0, badRows: 0, skipped: 0 })
    // BTC-USDT-SWAP,1566502282,sell,104503.0,30.14,1748707200008
    // 30.14 × 0.01 = 0.3014 BTC; 0.3014 × 104503 = 31497.2042 USD; taker sold.
    expect(plain(tradeById(events, '1566502282'))).toEqual({
      ts: 1748707200008,
      exchange: 'okx',
      symbol: 'BTC-USDT-SWAP',
      market: 'BTC-USDT-PERP',
      kind: 'trade',
      source: 'okx-trades',
      price: 104503,
      amount: expect.closeTo(0.3014, 12),
      notionalUsd: expect.closeTo(31497.2042, 7),
      side: 'sell',
      id: '1566502282',
    })
    // 112.0 contracts → 1.12 BTC, bought.
    expect(tradeById(events, '1566502284')).toMatchObject({ amount: expect.closeTo(1.12, 12), side: 'buy' })
  })

  it('BTC-USD-SWAP aggtrades: inverse, 100 USD per contract', async () => {
    const { inputs, events } = await readAll([INVERSE])
    expect(counts(inputs[0])).toEqual({ rows: 2, events: 2, duplicates: 0, badRows: 0, skipped: 0 })
    // 25.0 contracts × 100 = 2500 USD; 2500 / 58012.3 = 0.04309430931… BTC
    expect(tradeById(events, '714286001')).toMatchObject({
      market: 'BTC-USD-PERP',
      amount: 2500 / 58012.3,
      notionalUsd: 2500,
      side: 'sell',
    })
  })

  it('the bilingual header: columns found by their English names (size before price), instrument from the name', async () => {
    const { inputs, events } = await readAll([SPOT_OLD])
    expect(counts(inputs[0])).toEqual({ rows: 3, events: 3, duplicates: 0, badRows: 0, skipped: 0 })
    // 719977054,buy,0.00527188,27562.1,1682434103856: size 0.00527188 BTC, price 27562.1
    expect(tradeById(events, '719977054')).toMatchObject({
      ts: 1682434103856,
      symbol: 'BTC-USDT',
      market: 'BTC-USDT',
      price: 27562.1,
      amount: 0.00527188,
      side: 'buy',
    })
    // 719977055,sell,1.912e-05,27562.0: 0.00001912 BTC; 0.00001912 × 27562 = 0.52698544 USD
    const tiny = tradeById(events, '719977055')
    expect(tiny).toMatchObject({ amount: 0.00001912, side: 'sell' })
    expect(tiny.kind === 'trade' && tiny.notionalUsd).toBeCloseTo(0.52698544, 12)
  })

  it('contract values for ETH swaps and dated futures; unknown derivatives skipped, never guessed', () => {
    const read = rowReader(okxTrades, 'trades.csv', [NEW_HEADER])
    // ETH-USDT-SWAP: 0.1 ETH per contract → 7 contracts = 0.7 ETH; × 2500 = 1750 USD
    expect(read('ETH-USDT-SWAP,1,buy,2500,7,1722787200000')).toMatchObject({
      market: 'ETH-USDT-PERP',
      amount: expect.closeTo(0.7, 12),
      notionalUsd: expect.closeTo(1750, 9),
    })
    // ETH-USD-SWAP: 10 USD per contract → 7 contracts = 70 USD; 70 / 2500 = 0.028 ETH
    expect(read('ETH-USD-SWAP,2,sell,2500,7,1722787200000')).toMatchObject({
      market: 'ETH-USD-PERP',
      amount: 70 / 2500,
      notionalUsd: 70,
    })
    // BTC-USD-250926: dated inverse, 100 USD → 3 contracts = 300 USD at 100000 = 0.003 BTC
    expect(read('BTC-USD-250926,3,buy,100000,3,1750000000000')).toMatchObject({
      market: 'BTC-USD-250926',
      amount: 300 / 100000,
      notionalUsd: 300,
    })
    // BTC-USDT-250926: dated linear, 0.01 BTC → 3 contracts = 0.03 BTC at 100000 = 3000 USD
    expect(read('BTC-USDT-250926,4,buy,100000,3,1750000000000')).toMatchObject({
      market: 'BTC-USDT-250926',
      amount: expect.closeTo(0.03, 12),
      notionalUsd: expect.closeTo(3000, 8),
    })
    const usdc = read('BTC-USDC-SWAP,5,buy,100000,3,1750000000000')
    expect(usdc).toBeInstanceOf(Skip)
    expect((usdc as Skip).reason).toBe(
      "BTC-USDC-SWAP: its contract value (ctVal) is not in cascade's OKX table; not supported",
    )
    expect((read('BTC-USD-250926-100000-C,6,buy,0.01,3,1750000000000') as Skip).reason).toMatch(/option/)
  })

  it('claims both headers and nothing else; the old header needs a file name or --symbol', () => {
    expect(claimants(SOURCES, probeOf('BTC-USDT-SWAP-trades-2025-06-01.csv', NEW_HEADER))).toEqual([
      'okx-trades',
    ])
    expect(claimants(SOURCES, probeOf('BTC-USDT-trades-2023-04-25.csv', OLD_HEADER))).toEqual(['okx-trades'])
    expect(okxTrades.detect(probeOf('x.csv', 'trade_id,side,size,price,created_time,fee')).claims).toBe(false)
    expect(() => okxTrades.open(probeOf('export.csv', OLD_HEADER), {})).toThrow(FatalError)
    const read = rowReader(okxTrades, 'export.csv', [OLD_HEADER], { symbol: 'BTC-USDT-SWAP' })
    expect(read('1,sell,2,60000,1722787200000')).toMatchObject({ symbol: 'BTC-USDT-SWAP', amount: 0.02 })
  })
})
