import { describe, expect, it } from 'vitest'
import type { IngestOptions } from '../../src/ingest/index.js'
import type { LiquidationEvent, OpenInterestEvent, TradeEvent } from '../../src/timeline/event.js'
import { counts, plain, readAll } from '../helpers/ingest.js'
import { tempFile as temp } from '../helpers/temp.js'

const MYDATA = 'fixtures/generic/mydata.csv' // hand-made, with the column names of the issue's example
const KRAKEN = 'fixtures/kraken-trades/BCHEUR.csv' // real Kraken Time & Sales rows (peers/SOURCES.md), read here by column numbers
const ISSUE: IngestOptions = {
  source: 'generic',
  columns: { ts: 'time', price: 'px', amount: 'qty', side: 'taker_side', id: 'trade_id' },
  exchange: 'kraken',
  market: 'BTC-USD',
}

describe('generic', () => {
  it('claims nothing unless forced', async () => {
    await expect(readAll([MYDATA])).rejects.toThrow(/unknown format/)
  })

  it("reads the issue's example mapping: taker sides in several spellings, ids kept", async () => {
    const read = await readAll([MYDATA], ISSUE)
    expect(read.inputs[0]!.source).toBe('generic')
    // Rows 1 and 2 are equal but for their trade id: two trades, no duplicate.
    expect(counts(read.inputs[0])).toEqual({ rows: 5, events: 5, duplicates: 0, badRows: 0, skipped: 0 })
    expect(plain(read.events[0])).toEqual({
      ts: Date.UTC(2026, 1, 6, 0, 0, 1, 250),
      exchange: 'kraken',
      symbol: 'BTC-USD',
      market: 'BTC-USD',
      source: 'generic',
      kind: 'trade',
      price: 62909.9,
      amount: 0.015,
      notionalUsd: 62909.9 * 0.015, // ≈ 943.6485
      side: 'buy',
      id: '91000001',
    })
    expect((read.events as TradeEvent[]).map((e) => e.side)).toEqual(['buy', 'buy', 'sell', 'sell', 'buy'])
  })

  it('reads a headerless file by column numbers; identical rows stay separate trades', async () => {
    const read = await readAll([KRAKEN], {
      source: 'generic',
      columns: { ts: '1', price: '2', amount: '3' },
      exchange: 'kraken',
      market: 'BCH-EUR',
    })
    // 12 real rows; lines 4 and 6 are both `1672533909,90.000000,0.05000000` and both are trades.
    expect(counts(read.inputs[0])).toEqual({ rows: 12, events: 12, duplicates: 0, badRows: 0, skipped: 0 })
    const first = read.events[0] as TradeEvent
    expect([first.ts, first.price, first.amount, first.notionalUsd, first.side]).toEqual([
      1672531436000,
      90.54,
      1.1044842,
      null,
      'unknown',
    ])
    expect((read.events as TradeEvent[]).filter((e) => e.ts === 1672533909000).map((e) => e.amount)).toEqual([
      0.05, 0.55555555, 0.05,
    ])
  })

  it('does not take the first row of a headerless file with ISO times for a header', async () => {
    const path = await temp(
      'btcusd.csv',
      '2026-02-06T00:00:00Z,63000,0.5,s\n2026-02-06T00:00:01Z,63010,0.25,b\n',
    )
    const read = await readAll([path], {
      source: 'generic',
      columns: { ts: '1', price: '2', amount: '3', side: '4' },
      exchange: 'kraken',
      market: 'BTC-USD',
    })
    expect(counts(read.inputs[0])).toEqual({ rows: 2, events: 2, duplicates: 0, badRows: 0, skipped: 0 })
    expect((read.events as TradeEvent[]).map((e) => [e.ts, e.side, e.id])).toEqual([
      [Date.UTC(2026, 1, 6), 'sell', 'line-1'],
      [Date.UTC(2026, 1, 6, 0, 0, 1), 'buy', 'line-2'],
    ])
  })

  it('stops with a clear message when the mapping or the series is incomplete', async () => {
    await expect(
      readAll([MYDATA], { ...ISSUE, columns: { ...ISSUE.columns, price: 'price' } }),
    ).rejects.toThrow(/price=price: no such column; the header is time,px,qty,taker_side,trade_id/)
    await expect(readAll([MYDATA], { ...ISSUE, exchange: undefined })).rejects.toThrow(
      /needs the exchange and market/,
    )
    await expect(readAll([MYDATA], { ...ISSUE, columns: { ts: 'time', price: 'px' } })).rejects.toThrow(
      /lacks amount/,
    )
    await expect(readAll([MYDATA], { ...ISSUE, columns: { ...ISSUE.columns, size: 'qty' } })).rejects.toThrow(
      /size: not a generic field/,
    )
    await expect(
      readAll([KRAKEN], {
        source: 'generic',
        columns: { ts: 'time', price: '2', amount: '3' },
        exchange: 'kraken',
        market: 'BCH-EUR',
      }),
    ).rejects.toThrow(/no header, so columns are numbers 1–3/)
  })

  it('reads liquidations with position sides, and counts bad rows', async () => {
    const path = await temp(
      'liqs.csv',
      [
        'when,px,qty,position',
        '1770336000,63000,0.5,long',
        '1770336001,63000,0.5,buy',
        '1770336002,abc,0.5,short',
        '1770336003,62000,2,SHORT',
      ].join('\n'),
    )
    const read = await readAll([path], {
      source: 'generic',
      columns: { kind: 'liquidation', ts: 'when', price: 'px', amount: 'qty', side: 'position' },
      exchange: 'bybit',
      symbol: 'BTCUSDT',
    })
    expect(counts(read.inputs[0])).toEqual({ rows: 4, events: 2, duplicates: 0, badRows: 2, skipped: 0 })
    expect(read.badRows.map((r) => [r.line, r.code])).toEqual([
      [3, 'BAD_SIDE'],
      [4, 'BAD_NUMBER'],
    ])
    // --symbol BTCUSDT → market BTC-USDT; notional = 63000 × 0.5 = 31500 and 62000 × 2 = 124000.
    expect((read.events as LiquidationEvent[]).map((e) => [e.ts, e.market, e.side, e.notionalUsd])).toEqual([
      [1770336000000, 'BTC-USDT', 'long', 31500],
      [1770336003000, 'BTC-USDT', 'short', 124000],
    ])
  })

  it('reads open interest, and sorts rows that come newest first', async () => {
    const path = await temp(
      'oi.csv',
      'time,oi_btc\n2026-02-06T02:00:00Z,80000\n2026-02-06T01:00:00Z,81000\n2026-02-06T00:00:00Z,82000\n',
    )
    const read = await readAll([path], {
      source: 'generic',
      columns: { kind: 'open_interest', ts: 'time', oi: 'oi_btc' },
      exchange: 'binance',
      market: 'BTC-USDT-PERP',
    })
    expect(
      (read.events as OpenInterestEvent[]).map((e) => [
        new Date(e.ts).getUTCHours(),
        e.openInterest,
        e.openInterestUsd,
      ]),
    ).toEqual([
      [0, 82000, null],
      [1, 81000, null],
      [2, 80000, null],
    ])
  })
})
