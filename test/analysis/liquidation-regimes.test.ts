/**
 * The feed-regime table (src/analysis/liquidation-regimes.ts): which venue and source records every
 * liquidation, which is capped, which is an aggregate, and where a run crosses from one to another.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  BINANCE_CAP_FROM,
  BYBIT_ALL_FROM,
  BYBIT_CAP_FROM,
  combineRegimes,
  contractFamily,
  FEED_RULES,
  feedStretches,
  missingFeedNote,
  recordRule,
  regimeChanges,
  regimeWarnings,
  seriesStretches,
} from '../../src/analysis/liquidation-regimes.js'
import { foldEvents } from '../../src/bars/index.js'
import { readAll } from '../helpers/ingest.js'
import { liquidation } from './helpers.js'

const day = (text: string) => Date.parse(`${text}T00:00:00Z`)
const binance = { venue: 'binance', market: 'BTC-USDT-PERP', source: 'tardis-liquidations' }

describe('the regime table', () => {
  it('dates the Binance cap at 2021-04-27 and the Bybit cap from September 2021 to 2025-02-26', () => {
    expect(BINANCE_CAP_FROM).toBe(day('2021-04-27'))
    expect(recordRule(binance, day('2021-04-26')).regime).toBe('complete')
    expect(recordRule(binance, day('2021-04-27')).regime).toBe('capped')
    expect(recordRule(binance, day('2021-04-27')).cap).toEqual({ per: 'symbol', intervalMs: 1000 })
    const bybit = { ...binance, venue: 'bybit' }
    expect([BYBIT_CAP_FROM, BYBIT_ALL_FROM]).toEqual([day('2021-09-01'), day('2025-02-26')])
    expect(recordRule(bybit, day('2021-08-31')).regime).toBe('complete')
    expect(recordRule(bybit, day('2023-01-01')).regime).toBe('capped')
    expect(recordRule(bybit, day('2025-02-26')).regime).toBe('complete')
  })

  it('caps OKX per contract, keeps BitMEX and Deribit complete, and calls CoinGlass an aggregate', () => {
    const at = day('2024-08-05')
    expect(recordRule({ ...binance, venue: 'okx' }, at).cap).toEqual({ per: 'contract', intervalMs: 1000 })
    expect(recordRule({ ...binance, venue: 'bitmex', market: 'BTC-USD-PERP' }, at).regime).toBe('complete')
    expect(recordRule({ ...binance, venue: 'deribit' }, at).regime).toBe('complete')
    expect(
      recordRule({ venue: 'coinglass', market: 'BTC-USD-AGG', source: 'coinglass-liquidations' }, at).regime,
    ).toBe('aggregate')
    // A venue the table does not know: its records are taken as they are, and the note says so.
    expect(recordRule({ ...binance, venue: 'hyperliquid' }, at)).toMatchObject({
      regime: 'complete',
      note: expect.stringMatching(/not in cascade's regime table/),
    })
  })

  it('says where Binance stopped publishing liquidationSnapshot files: USD-M 2024-03-31, COIN-M 2024-10-14', () => {
    expect(missingFeedNote('binance', 'BTC-USDT-PERP', day('2026-02-05'), day('2026-02-06'))).toBe(
      'Binance publishes no USD-M liquidationSnapshot files after 2024-03-31',
    )
    expect(missingFeedNote('binance', 'BTC-USDT-PERP', day('2024-03-31'), day('2024-04-01'))).toBeNull()
    expect(missingFeedNote('binance', 'BTC-USD-PERP', day('2024-10-14'), day('2024-10-15'))).toBeNull()
    expect(missingFeedNote('binance', 'BTC-USD-PERP', day('2024-10-15'), day('2024-10-16'))).toMatch(/COIN-M/)
    expect(missingFeedNote('bybit', 'BTC-USDT-PERP', day('2026-02-05'), day('2026-02-06'))).toBeNull()
    // A record that exists is never absent: the file rules only explain a missing file.
    const snapshot = { ...binance, source: 'binance-liquidations' }
    expect(recordRule(snapshot, day('2026-02-05')).regime).toBe('capped')
  })

  it('tells linear from inverse contracts by the market name', () => {
    expect(['BTC-USDT-PERP', 'BTC-USD-PERP', 'BTC-USD-240628', 'BTC-USDT'].map(contractFamily)).toEqual([
      'linear',
      'inverse',
      'inverse',
      null,
    ])
  })

  it('combines regimes: absent only when nothing is recorded, else the weakest', () => {
    expect(combineRegimes([])).toBe('absent')
    expect(combineRegimes(['absent', 'complete'])).toBe('complete')
    expect(combineRegimes(['complete', 'capped'])).toBe('capped')
    expect(combineRegimes(['capped', 'aggregate', 'complete'])).toBe('aggregate')
  })
})

describe('stretches of a window', () => {
  it('splits a window across the Binance cap into complete, then capped, and names the change', () => {
    const stretches = feedStretches(binance, day('2021-04-26'), day('2021-04-28'))
    expect(stretches.map((s) => [s.from, s.to, s.regime])).toEqual([
      [day('2021-04-26'), day('2021-04-27'), 'complete'],
      [day('2021-04-27'), day('2021-04-28'), 'capped'],
    ])
    const changes = regimeChanges(stretches)
    expect(changes.map((c) => c.at)).toEqual([day('2021-04-27')])
  })

  it('is a partition of the window, each stretch under one rule (property)', () => {
    const span = [day('2020-01-01'), day('2027-01-01')] as const
    const venues = ['binance', 'bybit', 'okx', 'bitmex', 'coinglass', 'kraken']
    fc.assert(
      fc.property(
        fc.integer({ min: span[0], max: span[1] }),
        fc.integer({ min: 1, max: 3 * 365 * 86_400_000 }),
        fc.constantFrom(...venues),
        fc.constantFrom('BTC-USDT-PERP', 'BTC-USD-PERP'),
        fc.constantFrom('*', 'binance-liquidations', 'tardis-liquidations'),
        (from, length, venue, market, source) => {
          const key = { venue, market, source }
          const to = from + length
          const stretches = feedStretches(key, from, to)
          expect(stretches[0]!.from).toBe(from)
          expect(stretches.at(-1)!.to).toBe(to)
          for (const [k, s] of stretches.entries()) {
            expect(s.to).toBeGreaterThan(s.from)
            if (k > 0) expect(s.from).toBe(stretches[k - 1]!.to)
            expect(recordRule(key, s.from)).toBe(s.rule)
            expect(recordRule(key, s.to - 1)).toBe(s.rule)
            expect(s.regime).not.toBe('absent')
          }
        },
      ),
    )
  })

  it('every rule has a note and a cap exactly when capped', () => {
    for (const rule of FEED_RULES) {
      expect(rule.note.length).toBeGreaterThan(20)
      expect(rule.cap !== null).toBe(rule.regime === 'capped')
    }
  })
})

describe('series tagged from their sources', () => {
  it('a Coinalyze per-exchange series (BTCUSDT_PERP.A) carries Binance’s regime', async () => {
    const { events } = await readAll([
      'fixtures/coinalyze-liquidations/BTCUSDT_PERP.A_liquidation-history.csv',
    ])
    const series = foldEvents(events).series()[0]!
    expect(series.key).toBe('binance:BTC-USDT-PERP')
    const layer = series.buckets[0]!
    const source = series.liquidationSources.get('coinalyze-liquidations')!
    expect(source.bucketMs).toBe(layer.durationMs)
    const stretches = seriesStretches(series, layer, source.first, source.last + 1)
    expect(stretches.map((s) => s.regime)).toEqual(['capped'])
    expect(stretches[0]!.rule.venue).toBe('binance')
  })

  it('a Coinalyze OKX series (BTCUSDT_PERP.3) is capped per contract', async () => {
    const { events } = await readAll(['fixtures/coinalyze-liquidations/BTCUSDT_PERP.3_1min.csv'])
    const series = foldEvents(events).series()[0]!
    expect(series.exchange).toBe('okx')
    const source = series.liquidationSources.get('coinalyze-liquidations')!
    const stretches = seriesStretches(series, series.buckets[0]!, source.first, source.last + 1)
    expect(stretches.map((s) => [s.regime, s.rule.cap?.per])).toEqual([['capped', 'contract']])
  })

  it('CoinGlass multi-exchange series carry aggregate, and say their totals are lower bounds', async () => {
    const { events } = await readAll([
      'fixtures/coinglass-liquidations/coinglass_BTC_aggregated-liquidation_4h.csv',
    ])
    const series = foldEvents(events).series()[0]!
    expect(series.key).toBe('coinglass:BTC-USD-AGG')
    const layer = series.buckets[0]!
    const stretches = seriesStretches(series, layer, layer.first!, layer.last! + layer.durationMs)
    expect(stretches.map((s) => s.regime)).toEqual(['aggregate'])
    expect(regimeWarnings(series, layer)).toEqual([
      "coinglass:BTC-USD-AGG: CoinGlass liquidation data sums the exchanges' public liquidation feeds, " +
        'most of them capped, so liquidation totals are lower bounds',
    ])
  })

  it('warns when a run crosses the Binance cap', () => {
    const t = day('2021-04-26') + 23 * 3_600_000
    const store = foldEvents([liquidation(t, 100, 1, 'long'), liquidation(t + 2 * 3_600_000, 100, 1, 'long')])
    const series = store.series()[0]!
    expect(regimeWarnings(series, series.ticks)).toEqual([
      'binance:TEST-USDT-PERP: Binance liquidation data after 2021-04-27 holds at most one liquidation per ' +
        'symbol per second, so liquidation totals are lower bounds',
      'binance:TEST-USDT-PERP: the liquidation records cross a change of liquidation feed at 2021-04-27 ' +
        '00:00 UTC: complete before, capped (at most one per symbol per second) after; totals on either ' +
        'side are not comparable',
    ])
  })

  it('takes records as complete when they hold several a second too often for a capped feed', () => {
    const t = day('2024-08-05')
    // 10 seconds, 5 of them with two liquidations: 50 % > 2 %, so not the capped feed the table expects
    const events = Array.from({ length: 10 }, (_, s) => [
      liquidation(t + s * 1000 + 100, 100, 1, 'long'),
      ...(s % 2 === 0 ? [liquidation(t + s * 1000 + 600, 100, 2, 'long')] : []),
    ]).flat()
    const series = foldEvents(events).series()[0]!
    const stretches = seriesStretches(series, series.ticks, t, t + 10_000)
    expect(stretches.map((s) => s.regime)).toEqual(['complete'])
    expect(stretches[0]!.rule.overrides?.regime).toBe('capped')
    expect(regimeWarnings(series, series.ticks)).toEqual([
      'binance:TEST-USDT-PERP: Binance liquidation data after 2021-04-27 holds at most one liquidation per ' +
        'symbol per second by the regime table, but these records hold several liquidations in one second in ' +
        '50 % of their seconds: they are taken as complete (the full tape)',
    ])
  })
})
