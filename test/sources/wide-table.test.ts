import { readFileSync } from 'node:fs'
import { basename } from 'node:path'
import { describe, expect, it } from 'vitest'
import { groupMarkets } from '../../src/analysis/index.js'
import { openInterestFigures } from '../../src/analysis/metrics.js'
import { foldEvents } from '../../src/bars/index.js'
import type { Probe } from '../../src/sources/source.js'
import { wideTable } from '../../src/sources/wide-table.js'
import type { BarEvent } from '../../src/timeline/event.js'
import { counts, plain, readAll } from '../helpers/ingest.js'
import { itReal, realPath } from '../helpers/real.js'
import { tempFile as temp } from '../helpers/temp.js'

const FIXTURE = 'fixtures/wide-table/coinglass_BTC_regime_1h_1y.csv'
const REAL = realPath('coinglass_BTC_regime_1h_1y.csv')

function probeOf(path: string): Probe {
  const lines = readFileSync(path, 'utf8').split(/\r?\n/).filter(Boolean).slice(0, 20)
  return { name: basename(path), lines: lines.map((l) => l.split(',')) }
}

const bars = (events: unknown[]) => events as BarEvent[]

describe('wide-table', () => {
  it('claims the regime table by its column names and says which columns it uses', () => {
    const verdict = wideTable.detect(probeOf(FIXTURE))
    expect(verdict.claims).toBe(true)
    expect(verdict.why).toContain('price + liquidations + open interest')
    expect(verdict.why).toContain('close=price_close')
    expect(verdict.why).toContain('oi=oi_close')
    expect(verdict.why).toMatch(/ignored: datetime_utc,funding_open/)
  })

  it('makes one bar per row: price OHLC, liquidations and OI close side by side', async () => {
    const read = await readAll([FIXTURE])
    expect(read.inputs[0]!.source).toBe('wide-table')
    expect(counts(read.inputs[0])).toEqual({ rows: 9, events: 9, duplicates: 0, badRows: 0, skipped: 0 })
    // The crash hour, 2026-02-06 00:00 UTC: Binance spot low 60,000.00 (FORMATS §9).
    expect(plain(read.events.find((e) => e.ts === Date.UTC(2026, 1, 6)))).toEqual({
      ts: 1770336000000,
      // The file name starts with coinglass_: its liquidations are an aggregate across exchanges.
      exchange: 'coinglass',
      symbol: 'BTC',
      // The same aggregate series as coinglass-liquidations' BTC file (issue 12 item 14).
      market: 'BTC-USD-AGG',
      kind: 'bar',
      source: 'wide-table',
      durationMs: 3_600_000,
      open: 62909.87,
      high: 63861.87,
      low: 60000,
      close: 63509.39,
      volume: null,
      volumeUsd: null,
      takerBuyUsd: null,
      trades: null,
      liqLongUsd: 93618771.1504,
      liqShortUsd: 36252087.80051,
      openInterest: null,
      openInterestUsd: 5705318852,
      // oi_low of the row (issue 12 item 6): the drawdown reaches down to it.
      openInterestUsdLow: 5448246232,
      openInterestLow: null,
    })
  })

  it('names the aggregate market as coinglass-liquidations does (issue 12 item 14)', async () => {
    const table = await readAll([FIXTURE])
    const export10y = await readAll(['fixtures/coinglass-liquidations/coinglass_BTC_liquidation_10y_1h.csv'])
    const marketsOf = (events: unknown[]) => [
      ...new Set(bars(events).map((e) => `${e.exchange}:${e.market}`)),
    ]
    expect(marketsOf(table.events)).toEqual(['coinglass:BTC-USD-AGG'])
    expect(marketsOf(export10y.events)).toEqual(['coinglass:BTC-USD-AGG'])
    // A table not named after an aggregator does not claim to be one.
    const own = await temp('BTC_joined_1h.csv', readFileSync(FIXTURE, 'utf8'))
    expect(marketsOf((await readAll([own])).events)).toEqual(['unknown:BTC'])
  })

  it('takes the OI drawdown down to the oi_low column of OHLC open interest (issue 12 item 6)', async () => {
    const read = await readAll([FIXTURE])
    const [market] = groupMarkets(foldEvents(read.events), 'market')
    const oi = market!.venues[0]!.openInterest!
    // The hour of the issue: from 2026-02-05 23:00 through the 00:00 bucket (its close at 01:00).
    const figures = openInterestFigures([oi], () => null, Date.UTC(2026, 1, 5, 23), Date.UTC(2026, 1, 6, 1))
    // Start: the 22:00 bucket's close 6,015,256,439. Closes after it: 5,829,428,132 and
    // 5,705,318,852 (5.15 % down); lows of the 23:00 and 00:00 buckets: 5,818,903,911 and
    // 5,448,246,232, so (6,015,256,439 − 5,448,246,232) / 6,015,256,439 = 9.43 %.
    expect(figures.startUsd).toBe(6015256439)
    expect(figures.minUsd).toBe(5448246232)
    expect(Math.round(figures.venueDrawdownPct[0]! * 100) / 100).toBe(9.43)
    // Without the column, the closes alone: 5.15 %.
    const closesOnly = await readAll([FIXTURE], { columns: { oiLow: '' } })
    const [plainMarket] = groupMarkets(foldEvents(closesOnly.events), 'market')
    const fromCloses = openInterestFigures(
      [plainMarket!.venues[0]!.openInterest!],
      () => null,
      Date.UTC(2026, 1, 5, 23),
      Date.UTC(2026, 1, 6, 1),
    )
    expect(Math.round(fromCloses.venueDrawdownPct[0]! * 100) / 100).toBe(5.15)
  })

  it('lets --columns replace or drop a field, and names the header when a column is missing', async () => {
    const overridden = await readAll([FIXTURE], {
      columns: { close: 'price_open', oi: '' },
      exchange: 'Binance',
    })
    const bar = bars(overridden.events).find((e) => e.ts === Date.UTC(2026, 1, 6))!
    expect([bar.close, bar.openInterestUsd, bar.exchange]).toEqual([62909.87, null, 'binance'])
    await expect(readAll([FIXTURE], { columns: { close: 'px' } })).rejects.toThrow(
      /close=px: no such column; the header is timestamp,datetime_utc/,
    )
    await expect(readAll([FIXTURE], { columns: { amount: 'qty' } })).rejects.toThrow(/not a wide-table field/)
  })

  it('reads exchange and symbol columns per row, ISO times, empty cells as null, and checks totals', async () => {
    const path = await temp(
      'my_join.csv',
      [
        'Time,Exchange,Symbol,Price,Liq Long USD,Liq Short USD,Liq Total USD,Open Interest',
        '2026-02-06T00:00:00Z,Bybit,BTCUSDT,63500,1000,500,1500,',
        '2026-02-06 00:05:00,Bybit,BTCUSDT,63400,,,,7000000',
        '2026-02-06T00:10:00Z,OKX,ETHUSDT,1900,10,20,31,5',
      ].join('\n'),
    )
    const read = await readAll([path])
    expect(counts(read.inputs[0])).toEqual({ rows: 3, events: 2, duplicates: 0, badRows: 1, skipped: 0 })
    expect(read.badRows.map((r) => [r.line, r.code])).toEqual([[4, 'LIQ_TOTAL_MISMATCH']]) // 10 + 20 ≠ 31
    expect(
      bars(read.events).map((e) => [
        e.ts,
        e.durationMs,
        e.exchange,
        e.market,
        e.close,
        e.liqLongUsd,
        e.openInterestUsd,
      ]),
    ).toEqual([
      [Date.UTC(2026, 1, 6, 0, 0), 300_000, 'bybit', 'BTC-USDT', 63500, 1000, null],
      [Date.UTC(2026, 1, 6, 0, 5), 300_000, 'bybit', 'BTC-USDT', 63400, null, 7000000],
    ])
  })

  it('leaves single-group tables (klines, trades, CoinGlass exports) and cascade formats to their sources', async () => {
    const detectText = (name: string, header: string) =>
      wideTable.detect({ name, lines: [header.split(',')] }).claims
    expect(detectText('BTC_1h.csv', 'time,open,high,low,close,volume')).toBe(false)
    expect(detectText('x.csv', 'timestamp,datetime_utc,longUsd,shortUsd,totalUsd')).toBe(false)
    expect(
      detectText(
        'x.csv',
        'exchange,symbol,timestamp,local_timestamp,funding_timestamp,funding_rate,predicted_funding_rate,open_interest,last_price,index_price,mark_price',
      ),
    ).toBe(false)
    expect(wideTable.detect(probeOf('fixtures/cascade-bars/bars-2026-02-06.csv')).claims).toBe(false)
    expect(wideTable.detect(probeOf('fixtures/cascade-timeline/timeline.csv')).claims).toBe(false)
    // A price-only table is the plain OHLCV source's (which asks for the market); forced, wide-table reads it.
    const path = await temp(
      'ETH_prices.csv',
      'time,open,high,low,close\n1770336000000,1,2,0.5,1.5\n1770339600000,1.5,2,1,1.8',
    )
    await expect(readAll([path])).rejects.toThrow(/cannot tell the market of this OHLCV file/)
    const forced = await readAll([path], { source: 'wide-table' })
    expect(bars(forced.events).map((e) => [e.market, e.open, e.close])).toEqual([
      ['ETH', 1, 1.5],
      ['ETH', 1.5, 1.8],
    ])
  })

  itReal('loads the real regime table fully: the 60,000.00 low in the 2026-02-06 00:00 row', async () => {
    const read = await readAll([REAL])
    expect(counts(read.inputs[0])).toEqual({
      rows: 4312,
      events: 4312,
      duplicates: 0,
      badRows: 0,
      skipped: 0,
    })
    const all = bars(read.events)
    // 8 missing hours widen some steps to 2 h, but the bucket stays 1 h.
    expect(all.every((e) => e.durationMs === 3_600_000)).toBe(true)
    const lowest = all.reduce((a, b) => (b.low! < a.low! ? b : a))
    expect([lowest.low, new Date(lowest.ts).toISOString()]).toEqual([60000, '2026-02-06T00:00:00.000Z'])
    const feb5 = all.filter((e) => e.ts >= Date.UTC(2026, 1, 5) && e.ts < Date.UTC(2026, 1, 6))
    const highest = feb5.reduce((a, b) => (b.high! > a.high! ? b : a))
    expect([highest.high, new Date(highest.ts).toISOString()]).toEqual([73341.18, '2026-02-05T01:00:00.000Z'])
    // FORMATS §9: 2026-02-05..06 liquidations $551.7M long, $195.9M short.
    const twoDays = all.filter((e) => e.ts >= Date.UTC(2026, 1, 5) && e.ts < Date.UTC(2026, 1, 7))
    expect(twoDays).toHaveLength(48)
    expect(twoDays.reduce((s, e) => s + e.liqLongUsd!, 0) / 1e6).toBeCloseTo(551.65, 2)
    expect(twoDays.reduce((s, e) => s + e.liqShortUsd!, 0) / 1e6).toBeCloseTo(195.94, 2)
    expect(all.find((e) => e.ts === Date.UTC(2026, 1, 5))!.openInterestUsd).toBe(6837320024)
  })
})
