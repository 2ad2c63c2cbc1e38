/**
 * Detection judged on real markets (issue: cascades that hold on real data). Real Binance bars of
 * real crashes: ETH/USDT spot minutes of 19 May 2021, BTCUSDT USD-M hours of September 2021,
 * CryptoDataDownload ETH hours (12–13 Mar 2020, 19 May 2021), LTC and LINK minutes and the
 * CoinGlass hourly table of 5–6 Feb 2026. Nothing here is tuned to a file: the same defaults run
 * on every file, and the rules checked (no overlap, no zero-length leg, lows to the bar) hold on all.
 */
import { readFileSync } from 'node:fs'
import { expect, it } from 'vitest'
import { type AnalysisResult, analyzeBars, DEFAULT_PARAMS } from '../../src/analysis/index.js'
import { foldEvents } from '../../src/bars/index.js'
import type { BarEvent } from '../../src/timeline/event.js'
import { describeReal, hasReal, realPath } from '../helpers/real.js'
import { expectDisjoint } from './disjoint.js'
import { klineEvents, regimeEvents } from './helpers.js'

function bar(
  ts: number,
  durationMs: number,
  o: number,
  h: number,
  l: number,
  c: number,
  v: number,
  market: string,
): BarEvent {
  return {
    ts,
    exchange: 'binance',
    symbol: market.replace(/-/g, ''),
    market,
    kind: 'bar',
    source: 'test',
    durationMs,
    open: o,
    high: h,
    low: l,
    close: c,
    volume: v,
    volumeUsd: null,
    takerBuyUsd: null,
    trades: null,
    liqLongUsd: null,
    liqShortUsd: null,
    openInterest: null,
    openInterestUsd: null,
  }
}

/** The derived CSV of the freqtrade file: open_time_ms,open_time_utc,open,high,low,close,volume_base. */
function ethMinutes(): BarEvent[] {
  const lines = readFileSync(realPath('may2021/ETHUSDT-spot-1m-2021-05-19.csv'), 'utf8')
    .trim()
    .split('\n')
    .slice(1)
  return lines.map((line) => {
    const f = line.split(',')
    return bar(Number(f[0]), 60_000, +f[2]!, +f[3]!, +f[4]!, +f[5]!, +f[6]!, 'ETH-USDT')
  })
}

/** Binance USD-M 1h klines without header (12 columns). */
function btcHours(): BarEvent[] {
  const lines = readFileSync(realPath('BTCUSDT-1h-2021-09.csv'), 'utf8').trim().split('\n')
  return lines.map((line) => {
    const f = line.split(',').map(Number)
    return bar(f[0]!, 3_600_000, f[1]!, f[2]!, f[3]!, f[4]!, f[5]!, 'BTC-USDT-PERP')
  })
}

/**
 * The CryptoDataDownload ETH hours in time order, within [from, to). The file is newest first and
 * holds some hours twice (ms and second stamps): the ms-stamped row is kept, as the source does.
 */
function cddHours(from: number, to: number): BarEvent[] {
  const lines = readFileSync(realPath('Binance_ETHUSDT_1h.csv'), 'utf8').trim().split('\n')
  const byHour = new Map<number, { ms: boolean; event: BarEvent }>()
  for (const line of lines) {
    const f = line.split(',')
    const raw = Number(f[0])
    if (!Number.isFinite(raw)) continue
    const ms = raw > 1e11
    const ts = ms ? raw : raw * 1000
    if (ts < from || ts >= to) continue
    const known = byHour.get(ts)
    if (known?.ms && !ms) continue
    byHour.set(ts, { ms, event: bar(ts, 3_600_000, +f[3]!, +f[4]!, +f[5]!, +f[6]!, +f[7]!, 'ETH-USDT') })
  }
  return [...byHour.values()].map((x) => x.event).sort((a, b) => a.ts - b.ts)
}

const analyze = (events: BarEvent[], params = DEFAULT_PARAMS): AnalysisResult =>
  analyzeBars(foldEvents(events), params)

/** The lowest low of the bars, and the open time of the (first) bar holding it. */
function lowest(events: readonly BarEvent[]): { price: number; at: string } {
  let best = events[0]!
  for (const e of events) if (e.low! < best.low!) best = e
  return { price: best.low!, at: new Date(best.ts).toISOString() }
}

/** On bars: no down cascade ends at a low that the very next bar undercuts (a wick is no bounce). */
function expectNoSplitAtUndercutWick(result: AnalysisResult, events: readonly BarEvent[]): void {
  const byTime = new Map(events.map((e, i) => [new Date(e.ts).toISOString(), i]))
  for (const c of result.cascades) {
    const i = byTime.get(c.extreme)!
    const next = events[i + 1]
    if (!next) continue
    if (c.direction === 'down') expect(next.low!).toBeGreaterThanOrEqual(c.price.extreme)
    else expect(next.high!).toBeLessThanOrEqual(c.price.extreme)
  }
}

describeReal('ETH/USDT spot minutes, 19 May 2021', () => {
  const events = hasReal ? ethMinutes() : []
  const result = analyze(events)
  const at = (hhmm: string) => `2021-05-19T${hhmm}:00.000Z`

  it('is one down episode from the 12:04 peak (or before) to 1,888.00 at 13:10, in two legs or more', () => {
    const crash = result.episodes.find((e) => e.direction === 'down' && e.extreme === at('13:10'))!
    expect(crash).toBeDefined()
    expect(crash.price.extreme).toBe(1888)
    expect(crash.start <= at('12:10')).toBe(true)
    expect(crash.price.movePct).toBeLessThanOrEqual(-30)
    expect(crash.cascades.length).toBeGreaterThanOrEqual(2)
    // The two liquidity cascades of that hour: 12:04 → 12:54 and 13:00 → 13:10.
    const legs = result.cascades.filter((c) => crash.cascades.includes(c.id))
    expect(legs.some((c) => c.start === at('12:04') && c.extreme === at('12:54'))).toBe(true)
    // 2,400 was touched at 12:59 and 13:00: the leg starts at the latest of the equal highs.
    expect(
      legs.some((c) => c.start === at('13:00') && c.price.start === 2400 && c.extreme === at('13:10')),
    ).toBe(true)
  })

  it('has no other down episode with its extreme between 11:00 and 14:00', () => {
    const others = result.episodes.filter(
      (e) => e.direction === 'down' && e.extreme >= at('11:00') && e.extreme <= at('14:00'),
    )
    expect(others).toHaveLength(1)
  })

  it('never overlaps, and flags every move inside one bar', () => {
    expectDisjoint(result.cascades)
    for (const c of result.cascades) expect(c.episode).not.toBeNull()
  })
})

describeReal('BTCUSDT USD-M hours, September 2021', () => {
  const events = hasReal ? btcHours() : []

  it('has a down cascade to 42,088.00 in the 15:00 bar of 7 September, whose start does not move with --within', () => {
    const starts = [60, 120, 180].map((withinMin) => {
      const result = analyze(events, { ...DEFAULT_PARAMS, withinMin })
      const crash = result.cascades.find((c) => c.direction === 'down' && c.price.extreme === 42088)!
      expect(crash.extreme).toBe('2021-09-07T15:00:00.000Z')
      expectDisjoint(result.cascades)
      expectNoSplitAtUndercutWick(result, events)
      return crash.start
    })
    expect(new Set(starts).size).toBe(1)
  })
})

describeReal('CryptoDataDownload ETH hours: 12–13 March 2020 and 19 May 2021', () => {
  for (const [name, from, to] of [
    ['12–13 March 2020', Date.UTC(2020, 2, 10), Date.UTC(2020, 2, 15)],
    ['19 May 2021', Date.UTC(2021, 4, 17), Date.UTC(2021, 4, 22)],
  ] as const) {
    it(`${name}: the crash ends at its lowest hourly low, no zero-length leg, no split at an undercut wick`, () => {
      const events = cddHours(from, to)
      const result = analyze(events)
      const low = lowest(events)
      const crash = result.cascades.find((c) => c.direction === 'down' && c.extreme === low.at)
      expect(crash?.price.extreme).toBe(low.price)
      expectDisjoint(result.cascades)
      expectNoSplitAtUndercutWick(result, events)
    })
  }
})

describeReal('LTC and LINK minutes, 5–6 February 2026', () => {
  const ltc = hasReal ? klineEvents(realPath('LTCUSDT-1m-2026-02.csv'), 'LTCUSDT', 'LTC-USDT-PERP') : []
  const link = hasReal ? klineEvents(realPath('LINKUSDT-1m-2026-02.csv'), 'LINKUSDT', 'LINK-USDT-PERP') : []
  const together = analyze([...ltc, ...link].sort((a, b) => a.ts - b.ts))

  for (const [market, low, lowAt] of [
    ['LTC', 45, '2026-02-06T00:20:00.000Z'],
    ['LINK', 7.117, '2026-02-06T00:19:00.000Z'],
  ] as const) {
    it(`${market}: the slide from 5 Feb 14:39 to the low at ${lowAt.slice(11, 16)} is one episode of two legs or more`, () => {
      const episode = together.episodes.find((e) => e.market === market && e.extreme === lowAt)!
      expect(episode.price.extreme).toBe(low)
      expect(episode.start).toBe('2026-02-05T14:39:00.000Z')
      expect(episode.cascades.length).toBeGreaterThanOrEqual(2)
      expect(together.cascades.find((c) => c.market === market && c.extreme === lowAt)?.price.extreme).toBe(
        low,
      )
    })
  }

  it('read together, their cascades form market-wide events, each with its lead', () => {
    expectDisjoint(together.cascades)
    const slide = together.events.find(
      (e) => e.direction === 'down' && e.start === '2026-02-05T14:39:00.000Z',
    )!
    expect(slide.markets).toEqual(['LINK', 'LTC'])
    // Both legs began in the same minute: every market that shares the lead is named, lead 0 s.
    expect(slide.lead).toEqual({ markets: ['LINK', 'LTC'], leadSec: 0 })
    for (const event of together.events) {
      expect(event.markets.length).toBeGreaterThanOrEqual(2)
      expect(event.lead.markets.length).toBeGreaterThanOrEqual(1)
      for (const id of event.cascades) expect(together.cascades.some((c) => c.id === id)).toBe(true)
    }
  })
})

describeReal('CoinGlass hourly BTC table, 5–6 February 2026', () => {
  const result = analyze(hasReal ? regimeEvents(realPath('coinglass_BTC_regime_1h_1y.csv')) : [])

  it('the slide from about 70.9k to 60,000 is one episode', () => {
    const inSlide = result.episodes.filter(
      (e) =>
        e.direction === 'down' &&
        e.extreme >= '2026-02-05T00:00:00.000Z' &&
        e.extreme < '2026-02-07T00:00:00.000Z',
    )
    expect(inSlide).toHaveLength(1)
    expect(inSlide[0]!.price.extreme).toBe(60000)
    expect(inSlide[0]!.extreme).toBe('2026-02-06T00:00:00.000Z')
    expectDisjoint(result.cascades)
  })
})
