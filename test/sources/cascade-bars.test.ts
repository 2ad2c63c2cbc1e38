import { describe, expect, it } from 'vitest'
import { CASCADE_BARS_COLUMNS, cascadeBars } from '../../src/sources/cascade-bars.js'
import type { BarEvent } from '../../src/timeline/event.js'
import { counts, plain, readAll } from '../helpers/ingest.js'
import { tempFile as temp } from '../helpers/temp.js'

const DIR = 'fixtures/cascade-bars'
const HEADER = CASCADE_BARS_COLUMNS.join(',')

describe('cascade-bars', () => {
  it('defines the contract columns', () => {
    expect(HEADER).toBe(
      'ts,exchange,symbol,market,durationMs,open,high,low,close,volume,volumeUsd,takerBuyUsd,trades,liqLongUsd,liqShortUsd,openInterest,openInterestUsd',
    )
  })

  it('reads bars of several series; an empty cell is null', async () => {
    const read = await readAll([`${DIR}/bars-2026-02-06.csv`])
    expect(read.inputs[0]!.source).toBe('cascade-bars')
    expect(counts(read.inputs[0])).toEqual({ rows: 5, events: 5, duplicates: 0, badRows: 0, skipped: 0 })
    expect(plain(read.events[0])).toMatchObject({
      market: 'BTC-USD-AGG',
      durationMs: 3_600_000,
      close: null,
      liqLongUsd: 94172131.1504,
    })
    // The real LTCUSDT 1m kline of 2026-02-06 00:20 UTC (LTC's low, 45.00), as `cascade bars` would write it:
    // volume = base volume, volumeUsd = quote_volume, takerBuyUsd = taker_buy_quote_volume, trades = count.
    expect(plain(read.events.find((e) => e.ts === Date.UTC(2026, 1, 6, 0, 20)))).toEqual({
      ts: 1770337200000,
      exchange: 'binance',
      symbol: 'LTCUSDT',
      market: 'LTC-USDT-PERP',
      kind: 'bar',
      source: 'cascade-bars',
      durationMs: 60_000,
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
    })
  })

  it("accepts DuckDB's ISO timestamps", async () => {
    const read = await readAll([`${DIR}/bars-duckdb-LINKUSDT.csv`])
    const all = read.events as BarEvent[]
    // `2026-02-06 00:19:00+00` is 00:19 UTC; LINK's low 7.117 is in that minute (shared/real/SOURCES.md).
    expect(all.map((e) => new Date(e.ts).toISOString())).toEqual([
      '2026-02-06T00:17:00.000Z',
      '2026-02-06T00:18:00.000Z',
      '2026-02-06T00:19:00.000Z',
    ])
    expect(all[2]!.low).toBe(7.117)
  })

  it('takes columns in any order, ignores extras, and reads the optional liqLongBase,liqShortBase pair', async () => {
    const shuffled = [...CASCADE_BARS_COLUMNS].reverse()
    const values: Record<string, string> = {
      ts: '2024-08-05T18:00:00Z',
      exchange: 'binance',
      symbol: 'BTCUSDT_PERP.A',
      market: 'BTC-USDT-PERP',
      durationMs: '3600000',
      openInterest: '76760.013',
    }
    const row = [...shuffled.map((c) => values[c] ?? ''), 'note', '191.30799999999994', '20.526000000000007']
    const path = await temp(
      'bars.csv',
      `${[...shuffled, 'comment', 'liqLongBase', 'liqShortBase'].join(',')}\n${row.join(',')}\n`,
    )
    const [bar] = (await readAll([path])).events as BarEvent[]
    expect(bar).toMatchObject({
      ts: Date.UTC(2024, 7, 5, 18),
      market: 'BTC-USDT-PERP',
      openInterest: 76760.013,
      liqLongUsd: null,
      liqLongBase: 191.30799999999994,
      liqShortBase: 20.526000000000007,
    })
  })

  it('counts bad rows with codes and lines', async () => {
    const rows = [
      HEADER,
      '1770337200000,binance,LTCUSDT,LTC-USDT-PERP,60000,1,2,0.5,1.5,,,,,,,,',
      '1770337260000,,LTCUSDT,LTC-USDT-PERP,60000,1,2,0.5,1.5,,,,,,,,',
      '1770337320000,binance,LTCUSDT,LTC-USDT-PERP,0,1,2,0.5,1.5,,,,,,,,',
      'yesterday,binance,LTCUSDT,LTC-USDT-PERP,60000,1,2,0.5,1.5,,,,,,,,',
      '1770337440000,binance,LTCUSDT,LTC-USDT-PERP,60000,1,2,0.5,1.5',
      '1770337500000,binance,LTCUSDT,LTC-USDT-PERP,60000,1,2,-0.5,1.5,,,,,,,,',
    ]
    const read = await readAll([await temp('bars.csv', `${rows.join('\n')}\n`)])
    expect(counts(read.inputs[0])).toEqual({ rows: 6, events: 1, duplicates: 0, badRows: 5, skipped: 0 })
    expect(read.badRows.map((r) => [r.line, r.code])).toEqual([
      [3, 'MISSING_FIELD'],
      [4, 'BAD_NUMBER'],
      [5, 'BAD_TIMESTAMP'],
      [6, 'FIELD_COUNT'],
      [7, 'BAD_NUMBER'],
    ])
  })

  it('says which columns a near miss lacks', () => {
    const header = CASCADE_BARS_COLUMNS.filter((c) => c !== 'openInterestUsd')
    const verdict = cascadeBars.detect({ name: 'bars.csv', lines: [header] })
    expect(verdict.claims).toBe(false)
    expect(verdict.why).toContain('(missing openInterestUsd)')
  })
})
