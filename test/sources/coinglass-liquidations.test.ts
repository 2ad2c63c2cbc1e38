import { describe, expect, it } from 'vitest'
import type { BarEvent } from '../../src/timeline/event.js'
import { counts, plain, readAll } from '../helpers/ingest.js'
import { itReal, realPath } from '../helpers/real.js'
import { tempFile as temp } from '../helpers/temp.js'

const DIR = 'fixtures/coinglass-liquidations'
const REAL = realPath('coinglass_BTC_liquidation_10y_1h.csv')
const HOUR = 3_600_000

const bars = (events: unknown[]) => events as BarEvent[]

describe('coinglass-liquidations', () => {
  it('reads the export layout: one hourly bar per row, long/short USD, no price or OI', async () => {
    const read = await readAll([`${DIR}/coinglass_BTC_liquidation_10y_1h.csv`])
    expect(read.inputs[0]!.source).toBe('coinglass-liquidations')
    expect(counts(read.inputs[0])).toEqual({ rows: 9, events: 9, duplicates: 0, badRows: 0, skipped: 0 })
    // Row `1770321600000,2026-02-05T20:00:00.000Z,134454356.1747,7923895.19104,142378251.36574`,
    // the biggest hour of the crash (FORMATS §9).
    expect(plain(read.events.find((e) => e.ts === 1770321600000))).toEqual({
      ts: 1770321600000,
      exchange: 'coinglass',
      symbol: 'BTC',
      market: 'BTC-USD-AGG',
      kind: 'bar',
      source: 'coinglass-liquidations',
      durationMs: HOUR,
      open: null,
      high: null,
      low: null,
      close: null,
      volume: null,
      volumeUsd: null,
      takerBuyUsd: null,
      trades: null,
      liqLongUsd: 134454356.1747,
      liqShortUsd: 7923895.19104,
      openInterest: null,
      openInterestUsd: null,
    })
    expect(read.events[0]!.ts).toBe(Date.UTC(2026, 1, 5, 18))
    expect(read.events.at(-1)!.ts).toBe(Date.UTC(2026, 1, 6, 2))
  })

  it('reads the API v4 aggregated layout and takes the 4 h bucket from the spacing', async () => {
    const read = await readAll([`${DIR}/coinglass_BTC_aggregated-liquidation_4h.csv`])
    expect(counts(read.inputs[0])).toEqual({ rows: 5, events: 5, duplicates: 0, badRows: 0, skipped: 0 })
    const first = bars(read.events)[0]!
    expect(first.ts).toBe(Date.UTC(2026, 1, 5, 12))
    expect(first.durationMs).toBe(4 * HOUR)
    // The fixture's buckets are sums of four real hourly rows (12:00–15:00):
    // long 33221928.54994 + 672099.87965 + 3911971.00018 + 84292601.58451 = 122098601.01428
    // short 690207.37148 + 504874.4184 + 3956071.72007 + 5590750.68714 = 10741904.19709
    expect(first.liqLongUsd).toBe(122098601.01428)
    expect(first.liqShortUsd).toBe(10741904.19709)
    expect(first.market).toBe('BTC-USD-AGG')
  })

  it('reads the per-pair layout: the pair names a perpetual, exchange stays coinglass', async () => {
    const path = await temp(
      'coinglass_BTCUSDT_liquidation.csv',
      'time,long_liquidation_usd,short_liquidation_usd\n1770336000000,1000.5,20\n1770337800000,0,7.25',
    )
    const read = await readAll([path])
    expect(
      bars(read.events).map((e) => [e.ts, e.durationMs, e.market, e.exchange, e.liqLongUsd, e.liqShortUsd]),
    ).toEqual([
      [1770336000000, 1_800_000, 'BTC-USDT-PERP', 'coinglass', 1000.5, 20],
      [1770337800000, 1_800_000, 'BTC-USDT-PERP', 'coinglass', 0, 7.25],
    ])
  })

  it('counts bad rows with their codes and lines, and keeps the good ones', async () => {
    const path = await temp(
      'coinglass_ETH_liquidation_1h.csv',
      [
        'timestamp,datetime_utc,longUsd,shortUsd,totalUsd',
        '1770336000000,2026-02-06T00:00:00.000Z,100,50,150',
        '1770339600000,2026-02-06T01:00:00.000Z,100,50,151', // 100 + 50 ≠ 151
        '1770343200000,2026-02-06T03:00:00.000Z,1,2,3', // stamps disagree by an hour
        '1770346800000,2026-02-06T03:00:00.000Z,-1,2,1',
        '1770350400000,2026-02-06T04:00:00.000Z,abc,2,3',
        '1770354000000,2026-02-06T05:00:00.000Z,1,2',
        '1770357600000,2026-02-06T06:00:00.000Z,0.1,0.2,0.30000000000000004',
      ].join('\n'),
    )
    const read = await readAll([path])
    expect(counts(read.inputs[0])).toEqual({ rows: 7, events: 2, duplicates: 0, badRows: 5, skipped: 0 })
    expect(read.badRows.map((r) => [r.line, r.code])).toEqual([
      [3, 'LIQ_TOTAL_MISMATCH'],
      [4, 'BAD_TIMESTAMP'],
      [5, 'BAD_NUMBER'],
      [6, 'BAD_NUMBER'],
      [7, 'FIELD_COUNT'],
    ])
    expect(read.badRows[0]!.message).toContain('totalUsd 151')
    expect(bars(read.events).map((e) => e.market)).toEqual(['ETH-USD-AGG', 'ETH-USD-AGG'])
  })

  it('takes the bucket length of a one-row file from its name, and refuses to guess without one', async () => {
    const row = 'time,aggregated_long_liquidation_usd,aggregated_short_liquidation_usd\n1770336000000,5,6'
    const named = await readAll([await temp('coinglass_BTC_liquidation_4h.csv', row)])
    expect(bars(named.events)[0]!.durationMs).toBe(4 * HOUR)
    await expect(readAll([await temp('coinglass_BTC_liquidation.csv', row)])).rejects.toThrow(/bucket length/)
  })

  it('needs the coin from the name or --symbol', async () => {
    const row =
      'time,aggregated_long_liquidation_usd,aggregated_short_liquidation_usd\n1770336000000,5,6\n1770339600000,7,8'
    const path = await temp('liquidations.csv', row)
    await expect(readAll([path])).rejects.toThrow(/cannot tell the coin/)
    const read = await readAll([path], { symbol: 'eth' })
    expect(bars(read.events)[0]!.market).toBe('ETH-USD-AGG')
    const named = await readAll([await temp('SOL_liquidations.csv', row)])
    expect(bars(named.events)[0]!.market).toBe('SOL-USD-AGG')
  })

  itReal('loads the real 6-month export with no bad row and its peak 24 h', async () => {
    const read = await readAll([REAL])
    expect(counts(read.inputs[0])).toEqual({
      rows: 4320,
      events: 4320,
      duplicates: 0,
      badRows: 0,
      skipped: 0,
    })
    const all = bars(read.events)
    expect(all.every((e) => e.durationMs === HOUR)).toBe(true)
    // FORMATS §9: peak rolling-24 h liquidations $618M ($507M long), the window's last hour 2026-02-06 01:00.
    let best = { total: 0, long: 0, ts: 0 }
    for (let i = 23; i < all.length; i++) {
      const window = all.slice(i - 23, i + 1)
      const long = window.reduce((s, e) => s + e.liqLongUsd!, 0)
      const total = long + window.reduce((s, e) => s + e.liqShortUsd!, 0)
      if (total > best.total) best = { total, long, ts: all[i]!.ts }
    }
    expect(best.ts).toBe(Date.UTC(2026, 1, 6, 1))
    expect(best.total / 1e6).toBeCloseTo(618.41, 2)
    expect(best.long / 1e6).toBeCloseTo(506.64, 2)
  })
})
