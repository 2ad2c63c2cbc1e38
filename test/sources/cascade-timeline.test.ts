import { readFileSync } from 'node:fs'
import { parse } from 'csv-parse/sync'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { eventCsv, eventNdjson, timelineCsvHeader } from '../../src/report/timeline.js'
import { eventFromCsvRow, eventFromJsonLine } from '../../src/sources/cascade-timeline.js'
import type { TimelineEvent } from '../../src/timeline/event.js'
import { counts, plain, readAll } from '../helpers/ingest.js'
import { tempFile as temp } from '../helpers/temp.js'

const NDJSON = 'fixtures/cascade-timeline/timeline.ndjson'
const CSV = 'fixtures/cascade-timeline/timeline.csv'
const CSV_V1 = 'fixtures/cascade-timeline/timeline-v1.csv'

// The fixtures were written by src/report/timeline.ts from events that the Binance and CoinGlass
// sources made of real rows (FORMATS.md): a COIN-M liquidation (7 contracts × 100 USD at 30631.6),
// the CoinGlass crash hour, a funding settlement, an LTC 1m kline, a metrics OI level, a USD-M aggTrade.
const EXPECTED: TimelineEvent[] = [
  {
    ts: 1687656471926,
    exchange: 'binance',
    symbol: 'BTCUSD_PERP',
    market: 'BTC-USD-PERP',
    kind: 'liquidation',
    source: 'binance-liquidations',
    price: 30631.6,
    amount: 0.022852217970984214, // 700 / 30631.6
    notionalUsd: 700,
    side: 'short',
  },
  {
    ts: 1770336000000,
    exchange: 'coinglass',
    symbol: 'BTC',
    market: 'BTC-USD-AGG',
    kind: 'bar',
    source: 'coinglass-liquidations',
    durationMs: 3600000,
    open: null,
    high: null,
    low: null,
    close: null,
    volume: null,
    volumeUsd: null,
    takerBuyUsd: null,
    trades: null,
    liqLongUsd: 94172131.1504,
    liqShortUsd: 36252087.80051,
    openInterest: null,
    openInterestUsd: null,
  },
  {
    ts: 1770336000000,
    exchange: 'binance',
    symbol: 'BTCUSDT',
    market: 'BTC-USDT-PERP',
    kind: 'funding',
    source: 'binance-funding',
    fundingRate: -0.00001597,
    intervalHours: 8,
  },
  {
    ts: 1770337200000,
    exchange: 'binance',
    symbol: 'LTCUSDT',
    market: 'LTC-USDT-PERP',
    kind: 'bar',
    source: 'binance-klines',
    durationMs: 60000,
    open: 45.25,
    high: 45.8,
    low: 45,
    close: 45.55,
    volume: 109327.082,
    volumeUsd: 4961707.63434,
    takerBuyUsd: 2280109.45559,
    trades: 9672,
    liqLongUsd: null,
    liqShortUsd: null,
    openInterest: null,
    openInterestUsd: null,
  },
  {
    ts: 1789171500000,
    exchange: 'binance',
    symbol: 'BTCUSDT',
    market: 'BTC-USDT-PERP',
    kind: 'open_interest',
    source: 'binance-metrics',
    openInterest: 103453.15,
    openInterestUsd: 7992877899.36,
  },
  {
    ts: 1789655280294,
    exchange: 'binance',
    symbol: 'BTCUSDT',
    market: 'BTC-USDT-PERP',
    kind: 'trade',
    source: 'binance-aggtrades',
    price: 76988.7,
    amount: 0.037,
    notionalUsd: 2848.5818999999997, // 76988.7 × 0.037
    side: 'buy',
    id: '3454067270',
  },
]

describe('cascade-timeline', () => {
  it('reads the NDJSON back into the same events, which write out byte for byte', async () => {
    const read = await readAll([NDJSON])
    expect(read.inputs[0]!.source).toBe('cascade-timeline')
    expect(counts(read.inputs[0])).toEqual({ rows: 6, events: 6, duplicates: 0, badRows: 0, skipped: 0 })
    const events = read.events.map(plain)
    expect(events).toStrictEqual(EXPECTED)
    expect(events.map(eventNdjson).join('')).toBe(readFileSync(NDJSON, 'utf8'))
  })

  it('reads the --csv form back into the same events', async () => {
    const read = await readAll([CSV])
    expect(read.inputs[0]!.source).toBe('cascade-timeline')
    const events = read.events.map(plain)
    expect(events).toStrictEqual(EXPECTED)
    expect(timelineCsvHeader() + events.map(eventCsv).join('')).toBe(readFileSync(CSV, 'utf8'))
  })

  it('still reads the older --csv header, written before the liqLongBase/liqShortBase columns', async () => {
    const read = await readAll([CSV_V1])
    expect(read.inputs[0]!.source).toBe('cascade-timeline')
    expect(read.events.map(plain)).toStrictEqual(EXPECTED)
  })

  // Issue 12 item 3: the CSV carries every field the NDJSON does, so both read back to the same events.
  it.each([
    ['fixtures/coinalyze-liquidations/BTCUSDT_PERP.3_1min.csv'],
    ['fixtures/coinalyze-liquidations/BTCUSDT_PERP.A_liquidation-history.csv'],
    ['fixtures/coinalyze-open-interest/BTCUSDT_PERP.A_open-interest-history.csv'],
    ['fixtures/coinglass-liquidations/coinglass_BTC_liquidation_10y_1h.csv'],
    ['fixtures/wide-table/coinglass_BTC_regime_1h_1y.csv'],
    ['fixtures/binance-klines/LTCUSDT-1m-2026-02.csv'],
    ['fixtures/binance-funding/BTCUSDT-fundingRate-2021-05.csv'],
    ['fixtures/binance-metrics/BTCUSDT-metrics-2021-05-19.csv'],
    ['fixtures/tardis-liquidations/bitmex_liquidations_2024-08-05_XBTUSD.csv.gz'],
  ])('timeline NDJSON and --csv of %s read back to the same events', async (path) => {
    const source = (await readAll([path])).events.map(plain)
    expect(source.length).toBeGreaterThan(0)
    const ndjson = await temp('timeline.ndjson', source.map(eventNdjson).join(''))
    const csv = await temp('timeline.csv', timelineCsvHeader() + source.map(eventCsv).join(''))
    const fromNdjson = (await readAll([ndjson])).events.map(plain)
    const fromCsv = (await readAll([csv])).events.map(plain)
    expect(fromNdjson).toStrictEqual(source)
    expect(fromCsv).toStrictEqual(source)
  })

  it('writes Coinalyze liquidations in coins to the CSV as the NDJSON does', async () => {
    const [bar] = (await readAll(['fixtures/coinalyze-liquidations/BTCUSDT_PERP.3_1min.csv'])).events.map(
      plain,
    )
    const [header] = parse(timelineCsvHeader()) as string[][]
    const [row] = parse(eventCsv(bar as TimelineEvent)) as string[][]
    const cell = (name: string) => row![header!.indexOf(name)]
    // First row of the fixture: t=1789419660, l=0.6073999999999999, s=0 (coins).
    expect([cell('liqLongBase'), cell('liqShortBase')]).toEqual(['0.6073999999999999', '0'])
    expect(JSON.parse(eventNdjson(bar as TimelineEvent))).toMatchObject({
      liqLongBase: 0.6073999999999999,
      liqShortBase: 0,
    })
  })

  it('counts broken lines as BAD_JSON / MISSING_FIELD / BAD_SIDE / BAD_KIND with their physical line numbers', async () => {
    const good = readFileSync(NDJSON, 'utf8').split('\n')[0]!
    const text = [
      good,
      '{"ts":1687656471926,"exchange":"binance"', // cut short
      '',
      '{"ts":1687656471927,"exchange":"binance","market":"BTC-USD-PERP","kind":"funding","source":"x","fundingRate":0.1,"intervalHours":8}',
      '[1,2,3]',
      '{"ts":1687656471928,"exchange":"binance","symbol":"S","market":"M","kind":"trade","source":"x","price":1,"amount":1,"notionalUsd":1,"side":"long"}',
      '{"ts":1687656471929,"exchange":"binance","symbol":"S","market":"M","kind":"quote","source":"x"}',
      '{"ts":"soon","exchange":"binance","symbol":"S","market":"M","kind":"funding","source":"x","fundingRate":0.1,"intervalHours":8}',
      '{"ts":1687656471930,"exchange":"binance","symbol":"S","market":"M","kind":"funding","source":"x","fundingRate":0.1,"intervalHours":null}',
    ].join('\n')
    const read = await readAll([await temp('broken.ndjson', text)])
    // 8 non-blank lines: 2 events, 6 bad rows.
    expect(counts(read.inputs[0])).toEqual({ rows: 8, events: 2, duplicates: 0, badRows: 6, skipped: 0 })
    expect(read.badRows.map((r) => [r.line, r.code])).toEqual([
      [2, 'BAD_JSON'],
      [4, 'MISSING_FIELD'],
      [5, 'BAD_JSON'],
      [6, 'BAD_SIDE'],
      [7, 'BAD_KIND'],
      [8, 'BAD_TIMESTAMP'],
    ])
    expect(read.badRows[1]!.message).toBe('symbol: missing')
  })
})

// ---- round trip: any event → writer → this reader → the same event -------------------------

const MS_2000 = 946_684_800_000
const MS_2100 = 4_102_444_800_000
// -0 prints as 0 in both JSON and CSV; the writers never need to keep its sign.
const number = fc.double({ noNaN: true, noDefaultInfinity: true }).map((x) => (Object.is(x, -0) ? 0 : x))
const nullable = fc.option(number, { nil: null })
// A trade's or liquidation's price and amount: above 0 (0 or less is a bad row).
const aboveZero = fc.double({ min: Number.MIN_VALUE, noNaN: true, noDefaultInfinity: true })
// A text cell: never empty (empty means null); a leading apostrophe is the CSV writer's escape.
const text = fc.string({ minLength: 1, maxLength: 12 }).filter((s) => !s.startsWith("'"))
const head = fc.record({
  ts: fc.double({ min: MS_2000, max: MS_2100 - 1, noNaN: true }),
  exchange: text,
  symbol: text,
  market: text,
  source: text,
})

const eventArb: fc.Arbitrary<TimelineEvent> = fc.oneof(
  fc
    .tuple(
      head,
      aboveZero,
      aboveZero,
      nullable,
      fc.constantFrom('buy', 'sell', 'unknown') as fc.Arbitrary<'buy' | 'sell' | 'unknown'>,
      fc.option(text, { nil: undefined }),
    )
    .map(([h, price, amount, notionalUsd, side, id]) => ({
      ...h,
      kind: 'trade' as const,
      price,
      amount,
      notionalUsd,
      side,
      ...(id === undefined ? {} : { id }),
    })),
  fc
    .tuple(
      head,
      aboveZero,
      aboveZero,
      number,
      fc.constantFrom('long', 'short') as fc.Arbitrary<'long' | 'short'>,
    )
    .map(([h, price, amount, notionalUsd, side]) => ({
      ...h,
      kind: 'liquidation' as const,
      price,
      amount,
      notionalUsd,
      side,
    })),
  fc.tuple(head, nullable, nullable).map(([h, openInterest, openInterestUsd]) => ({
    ...h,
    kind: 'open_interest' as const,
    openInterest,
    openInterestUsd,
  })),
  fc.tuple(head, number, nullable).map(([h, fundingRate, intervalHours]) => ({
    ...h,
    kind: 'funding' as const,
    fundingRate,
    intervalHours,
  })),
  fc
    .tuple(
      head,
      fc.double({ min: 1, max: 1e10, noNaN: true }),
      fc.array(nullable, { minLength: 12, maxLength: 12 }),
    )
    .map(([h, durationMs, v]) => ({
      ...h,
      kind: 'bar' as const,
      durationMs,
      open: v[0]!,
      high: v[1]!,
      low: v[2]!,
      close: v[3]!,
      volume: v[4]!,
      volumeUsd: v[5]!,
      takerBuyUsd: v[6]!,
      trades: v[7]!,
      liqLongUsd: v[8]!,
      liqShortUsd: v[9]!,
      openInterest: v[10]!,
      openInterestUsd: v[11]!,
    })),
)

describe('cascade-timeline round trip (property)', () => {
  it('NDJSON: eventNdjson then reading the line gives the event back', () => {
    fc.assert(
      fc.property(eventArb, (event) => {
        const line = eventNdjson(event)
        expect(line.endsWith('\n')).toBe(true)
        expect(eventFromJsonLine(line.slice(0, -1))).toStrictEqual(event)
      }),
      { numRuns: 500 },
    )
  })

  it('CSV: eventCsv then parsing the row gives the event back', () => {
    fc.assert(
      fc.property(eventArb, (event) => {
        const [row] = parse(eventCsv(event), { relax_column_count: true }) as string[][]
        expect(eventFromCsvRow(row!)).toStrictEqual(event)
      }),
      { numRuns: 500 },
    )
  })
})
