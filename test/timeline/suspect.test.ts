/**
 * Suspect prints (src/timeline/suspect.ts): the rule on hand-made bars and trades whose verdicts are
 * worked out below, the stage's order and counts, the fast path's screen (it flags every input the
 * rule would find a suspect print in, and a file screened in ranges gets the verdict of the whole),
 * and the 2017 bad print of the CryptoDataDownload ETH file through ingest.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { CASCADE_BARS_COLUMNS } from '../../src/timeline/csv-formats.js'
import type { BarEvent, Located, TradeEvent } from '../../src/timeline/event.js'
import {
  DEFAULT_SUSPECT_RULE,
  type ScreenState,
  SpikeScreen,
  type SuspectPrint,
  SuspectPrints,
  type SuspectRule,
} from '../../src/timeline/suspect.js'
import { readAll } from '../helpers/ingest.js'
import { tempFile } from '../helpers/temp.js'

const T0 = Date.UTC(2026, 1, 5, 12)
const MINUTE = 60_000

/** A 1-minute bar at minute i (its line is i + 2, as under a header). */
function bar(i: number, [open, high, low, close]: number[], volume = 100): Located<BarEvent> {
  return {
    ts: T0 + i * MINUTE,
    exchange: 'binance',
    symbol: 'TESTUSDT',
    market: 'TEST-USDT-PERP',
    kind: 'bar',
    source: 'test',
    durationMs: MINUTE,
    open: open!,
    high: high!,
    low: low!,
    close: close!,
    volume,
    volumeUsd: volume * close!,
    takerBuyUsd: null,
    trades: null,
    liqLongUsd: null,
    liqShortUsd: null,
    openInterest: null,
    openInterestUsd: null,
    input: 0,
    line: i + 2,
  }
}

/** Quiet bars around 100: each opens at the last close and moves under 1 %. */
function quiet(n: number): Located<BarEvent>[] {
  return Array.from({ length: n }, (_, i) => {
    const open = 100 + (i % 3) * 0.2
    const close = 100 + ((i + 1) % 3) * 0.2
    return bar(i, [open, Math.max(open, close) + 0.3, Math.min(open, close) - 0.3, close])
  })
}

let nextLine = 2
/** A trade at `second` (ms offset `ms` within it). */
function trade(second: number, price: number, ms = 0, market = 'TEST-USDT-PERP'): Located<TradeEvent> {
  return {
    ts: T0 + second * 1000 + ms,
    exchange: 'binance',
    symbol: 'TESTUSDT',
    market,
    kind: 'trade',
    source: 'test',
    price,
    amount: 0.5,
    notionalUsd: 0.5 * price,
    side: 'buy',
    input: 0,
    line: nextLine++,
  }
}

/** Three trades a second near 100, for `n` seconds. */
function quietTrades(n: number): Located<TradeEvent>[] {
  return Array.from({ length: n }, (_, s) =>
    [0, 300, 600].map((ms, j) => trade(s, 100 + ((s + j) % 4) * 0.1, ms)),
  ).flat()
}

/** Run the stage over events given in batches of `batch`. */
function judge(events: Located[], rule: SuspectRule = DEFAULT_SUSPECT_RULE, batch = 7, hold?: number) {
  const found: SuspectPrint[] = []
  const stage = new SuspectPrints(rule, (p) => found.push(p), hold)
  const out: Located[] = []
  for (let i = 0; i < events.length; i += batch) out.push(...stage.push(events.slice(i, i + batch)))
  out.push(...stage.end())
  return { out, found }
}

const withBar = (bars: Located<BarEvent>[], i: number, ohlc: number[], volume = 100) =>
  bars.map((b, k) => (k === i ? bar(i, ohlc, volume) : b))

describe('suspect prints in bars', () => {
  it('an isolated spike up: only its high leaves the price path', () => {
    // Closes around it ≈ 100.2; 180 is 1.8× (over 1.5×); no neighbour reaches √(100.2·180) ≈ 134.
    const bars = withBar(quiet(12), 6, [100.2, 180, 99.9, 100.4])
    const { out, found } = judge(bars)
    expect(found).toHaveLength(1)
    expect(found[0]!.event.line).toBe(8)
    expect(found[0]!.message).toMatch(
      /^high 180: \+79\.\d % from the bars around it \(100\.\d+\), back at once/,
    )
    expect(found[0]!.message).toMatch(/\(open, low, close, volume kept\)$/)
    expect(out).toHaveLength(12)
    const cleaned = out[6] as Located<BarEvent>
    expect(cleaned).toMatchObject({
      open: 100.2,
      high: null,
      low: 99.9,
      close: 100.4,
      volume: 100,
      suspect: true,
    })
    // Every other bar passes unchanged, in order.
    expect(out.filter((_, k) => k !== 6)).toEqual(bars.filter((_, k) => k !== 6))
  })

  it('an isolated spike down: only its low', () => {
    // 55 is 100.2 / 1.82: below 100.2 / 1.5.
    const { out, found } = judge(withBar(quiet(12), 5, [100, 100.5, 55, 100.3]))
    expect(found.map((f) => f.message.split(':')[0])).toEqual(['low 55'])
    expect(out[5]).toMatchObject({ open: 100, high: 100.5, low: null, close: 100.3 })
  })

  it('a spike confirmed by the next bar stays (a real wick that took two bars)', () => {
    let bars = withBar(quiet(12), 5, [100.2, 180, 99.9, 100.4])
    // The next bar trades up to 150, past halfway (≈ 134).
    bars = withBar(bars, 6, [100.4, 150, 100, 100.2])
    expect(judge(bars).found).toEqual([])
    // Only 120 (below halfway): the 180 is not confirmed by it.
    bars = withBar(bars, 6, [100.4, 120, 100, 100.2])
    expect(judge(bars).found).toHaveLength(1)
  })

  it('a move that stays is no spike: the bars after it are at the new level', () => {
    const bars = quiet(12).map((b, k) =>
      k < 6 ? b : bar(k, [180 + (k % 2), 181.5, 179.5, 180 + ((k + 1) % 2)]),
    )
    expect(judge(bars).found).toEqual([])
  })

  it("the series' first bar is judged from the bars after it (the 2017 print)", () => {
    // The first row of Binance_ETHUSDT_1h.csv and the three hours after it.
    const bars = [
      bar(0, [652.74, 652.74, 298, 300.79], 122.52),
      bar(1, [301.61, 303.28, 300, 303.1], 377.67),
      bar(2, [303.1, 304.44, 301.9, 302.68], 302.51),
      bar(3, [302.68, 307.96, 302.6, 307.96], 753.19),
    ]
    const { out, found } = judge(bars)
    expect(found).toHaveLength(1)
    // The median close after it is 303.1; 652.74 / 303.1 − 1 = 115.4 %.
    expect(found[0]!.message).toBe(
      'open and high 652.74: +115.4 % from the bars after it (303.1), nothing near it confirms it; left out of the price path (low, close, volume kept)',
    )
    expect(out[0]).toMatchObject({ open: null, high: null, low: 298, close: 300.79, volume: 122.52 })
  })

  it('fields out at different prices are named each with its own; the percentage is the furthest', () => {
    // A bar that closed up there too: high 180 and close 170, the next bar opens back at 100.
    const { out, found } = judge(withBar(quiet(12), 5, [100.2, 180, 99.9, 170]))
    // Closes before it 100, 100.2, 100.4 (median 100.2), after it 100, 100.2, 100.4: 180 / 100.2.
    expect(found[0]!.message).toBe(
      'high 180, close 170: +79.6 % from the bars around it (100.2), back at once, nothing near it confirms it; left out of the price path (open, low, volume kept)',
    )
    expect(out[5]).toMatchObject({ open: 100.2, high: null, low: 99.9, close: null })
  })

  it("the series' last bar is judged from the bars before it", () => {
    const { found } = judge(withBar(quiet(8), 7, [100.2, 100.6, 40, 100.1]))
    expect(found.map((f) => f.event.line)).toEqual([9])
    // Closes of bars 4–6: 100.4, 100, 100.2; 40 / 100.2 − 1 = −60.1 %.
    expect(found[0]!.message).toMatch(/^low 40: -60\.1 % from the bars before it \(100\.2\), nothing near/)
  })

  it('heavy volume confirms: twice the median volume of the bars around it', () => {
    const spike = [100, 100.5, 55, 100.3]
    expect(judge(withBar(quiet(12), 5, spike, 200)).found).toEqual([])
    expect(judge(withBar(quiet(12), 5, spike, 199)).found).toHaveLength(1)
  })

  it('a −30 % wick on heavy volume stays even at --suspect-jump 20: a real flash crash', () => {
    // 70 is 100.2 / 1.43, past 1.2; no neighbour reaches √(100.2·70) ≈ 83.7; volume 4× theirs.
    const bars = withBar(quiet(12), 5, [100, 100.5, 70, 99.5], 400)
    expect(judge(bars, { ...DEFAULT_SUSPECT_RULE, jump: 0.2 }).found).toEqual([])
    expect(
      judge(withBar(quiet(12), 5, [100, 100.5, 70, 99.5]), { ...DEFAULT_SUSPECT_RULE, jump: 0.2 }).found,
    ).toHaveLength(1)
  })

  it('--suspect-jump: 40 % stays at the default 50 %, goes at 30 %', () => {
    const bars = withBar(quiet(12), 5, [100.2, 140.5, 99.9, 100.4])
    expect(judge(bars).found).toEqual([])
    expect(judge(bars, { ...DEFAULT_SUSPECT_RULE, jump: 0.3 }).found).toHaveLength(1)
  })

  it('a series of one bar, and bars without prices, pass as they are', () => {
    const lone = bar(0, [652.74, 652.74, 298, 300.79])
    expect(judge([lone]).out).toEqual([lone])
    const noPrice = { ...bar(1, [1, 1, 1, 1]), open: null, high: null, low: null, close: null, liqLongUsd: 5 }
    const bars = [...quiet(3), noPrice, ...quiet(3).map((b, k) => ({ ...b, ts: b.ts + (4 + k) * MINUTE }))]
    expect(judge(bars).out).toEqual(bars)
  })

  it('a bad bar written twice does not confirm itself: both copies are suspect', () => {
    const bars = quiet(12)
    const bad = bar(5, [100.2, 180, 99.9, 100.4])
    const { out, found } = judge([...bars.slice(0, 5), bad, { ...bad, line: 99 }, ...bars.slice(6)])
    expect(found.map((f) => f.event.line)).toEqual([7, 99])
    expect(out.slice(5, 7)).toEqual([
      { ...bad, high: null, suspect: true },
      { ...bad, line: 99, high: null, suspect: true },
    ])
  })

  it('two bad rows side by side confirm each other (the rule catches isolated prints only)', () => {
    let bars = withBar(quiet(12), 5, [100.2, 180, 99.9, 100.4])
    bars = withBar(bars, 6, [100.4, 178, 100, 100.2])
    expect(judge(bars).found).toEqual([])
  })
})

describe('suspect prints in trades', () => {
  it('one trade far from the seconds around it leaves; the rest of its second stays', () => {
    const trades = quietTrades(10)
    const bad = trade(4, 210.5, 400)
    const events = [...trades.slice(0, 14), bad, ...trades.slice(14)]
    const { out, found } = judge(events)
    expect(found.map((f) => f.event)).toEqual([bad])
    // Closes of seconds 1–3 and 5–7: 100.3, 100, 100.1 | 100.3, 100, 100.1: both medians 100.1.
    expect(found[0]!.message).toBe(
      'trade at 210.5: +110.3 % from the trades around it (100.1), back at once, nothing near it confirms it; left out of the price path',
    )
    expect(out).toEqual(trades)
  })

  it('a sweep through the book confirms itself: every level printed', () => {
    const trades = quietTrades(10)
    const sweep = [80, 65, 55].map((p, k) => trade(4, p, 700 + k))
    expect(judge([...trades.slice(0, 15), ...sweep, ...trades.slice(15)]).found).toEqual([])
  })

  it('fills of one order at one price are one print: both leave', () => {
    const trades = quietTrades(10)
    const fills = [trade(4, 40, 700), trade(4, 40, 700)]
    const { found } = judge([...trades.slice(0, 15), ...fills, ...trades.slice(15)])
    expect(found.map((f) => f.event)).toEqual(fills)
  })

  it('other series around it neither confirm nor delay it, and the order is kept', () => {
    const a = quietTrades(10)
    const b = quietTrades(10).map((t) => ({
      ...t,
      market: 'OTHER-USDT-PERP',
      price: t.price * 2,
      line: nextLine++,
    }))
    const bad = trade(5, 30, 900)
    const events = [...a, ...b, bad].sort((x, y) => x.ts - y.ts || x.line - y.line)
    const { out, found } = judge(events, DEFAULT_SUSPECT_RULE, 3)
    expect(found.map((f) => f.event)).toEqual([bad])
    expect(out).toEqual(events.filter((e) => e !== bad))
  })

  it('a full hold judges its oldest row with the rows it has, and keeps it when none came after it', () => {
    // A sparse series' spike, then many events of another series: the hold (10 events) fills.
    const spike = [trade(0, 100), trade(1, 100.2), trade(2, 100.1), trade(3, 300)]
    const other = Array.from({ length: 30 }, (_, k) => trade(4 + k, 50, 0, 'OTHER-USDT-PERP'))
    const { out, found } = judge([...spike, ...other], DEFAULT_SUSPECT_RULE, 5, 10)
    expect(found).toEqual([])
    expect(out).toHaveLength(34)
    // Given room, the end of the input judges it from the left alone.
    expect(judge([...spike, ...other], DEFAULT_SUSPECT_RULE, 5).found.map((f) => f.event)).toEqual([spike[3]])
  })
})

/**
 * Random trades near 100; some seconds carry a spike, others a price partway out that may confirm
 * one (so that which seconds count as neighbours decides the verdict).
 */
const tradeStream = fc
  .array(
    fc.record({
      gap: fc.constantFrom(0, 0, 1, 1, 1, 2, 5),
      trades: fc.array(
        fc.oneof(
          { weight: 12, arbitrary: fc.double({ min: 99, max: 101, noNaN: true }) },
          { weight: 2, arbitrary: fc.constantFrom(30, 45, 60, 160, 210, 400) },
          { weight: 2, arbitrary: fc.constantFrom(70, 75, 80, 125, 135, 150) },
        ),
        { minLength: 1, maxLength: 3 },
      ),
    }),
    { minLength: 1, maxLength: 40 },
  )
  .map((seconds) => {
    const events: Located<TradeEvent>[] = []
    let second = 0
    for (const s of seconds) {
      second += s.gap
      s.trades.forEach((price, k) => {
        events.push(trade(second, price, k * 10))
      })
    }
    return events
  })

describe('the fast path screen (SpikeScreen)', () => {
  it('flags every input in which the rule finds a suspect print', () => {
    fc.assert(
      fc.property(tradeStream, fc.constantFrom(0.2, 0.5, 1), (events, jump) => {
        const rule = { ...DEFAULT_SUSPECT_RULE, jump }
        const screen = new SpikeScreen(rule, true)
        for (const e of events) screen.trade(e.ts, e.price)
        if (judge(events, rule).found.length > 0) expect(screen.finish()).toBe(true)
      }),
      { numRuns: 1000 },
    )
  })

  it('a file screened in ranges (each joined after the head it left) = the file screened whole', () => {
    fc.assert(
      fc.property(tradeStream, fc.array(fc.nat(), { maxLength: 8 }), (events, cuts) => {
        const rule = DEFAULT_SUSPECT_RULE
        const whole = new SpikeScreen(rule, true)
        for (const e of events) whole.trade(e.ts, e.price)
        const bounds = [...new Set(cuts.map((c) => c % (events.length + 1)))].sort((a, b) => a - b)
        const parts = [0, ...bounds, events.length].flatMap((from, i, all) =>
          i + 1 < all.length ? [events.slice(from, all[i + 1])] : [],
        )
        expect(inRanges(parts, rule)).toBe(whole.finish())
      }),
      { numRuns: 2000 },
    )
  })

  it('the same over long files, whose screens keep only a window of seconds', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1100, max: 3000 }),
        fc.array(fc.tuple(fc.nat(), fc.constantFrom(30, 60, 75, 135, 160, 400)), { maxLength: 6 }),
        fc.array(fc.nat(), { maxLength: 4 }),
        (seconds, odd, cuts) => {
          const prices = Array.from({ length: seconds }, (_, s) => 100 + (s % 5) * 0.1)
          for (const [at, price] of odd) prices[at % seconds] = price
          const events = prices.map((price, s) => trade(s, price))
          const whole = new SpikeScreen(DEFAULT_SUSPECT_RULE, true)
          for (const e of events) whole.trade(e.ts, e.price)
          const bounds = [...new Set(cuts.map((c) => c % seconds))].sort((a, b) => a - b)
          const parts = [0, ...bounds, seconds].flatMap((from, i, all) =>
            i + 1 < all.length ? [events.slice(from, all[i + 1])] : [],
          )
          expect(inRanges(parts, DEFAULT_SUSPECT_RULE)).toBe(whole.finish())
        },
      ),
      { numRuns: 150 },
    )
  })
})

/**
 * Screen `parts` as the fold's workers and main thread do: a range after the first keeps its first
 * second's trades (its head) for the main thread, which places them after the range before it and
 * then joins the range's state.
 */
function inRanges(parts: Located<TradeEvent>[][], rule: SuspectRule): boolean {
  let main: SpikeScreen | null = null
  for (const [index, part] of parts.entries()) {
    const worker = new SpikeScreen(rule, index === 0)
    const headSecond = index > 0 && part.length > 0 ? Math.floor(part[0]!.ts / 1000) : Number.NaN
    const head = part.filter((e) => Math.floor(e.ts / 1000) === headSecond)
    for (const e of part) if (!head.includes(e)) worker.trade(e.ts, e.price)
    const state: ScreenState = worker.state()
    if (main === null) {
      main = SpikeScreen.resume(rule, state)
      continue
    }
    for (const e of head) main.trade(e.ts, e.price)
    main.join(state)
  }
  return main!.finish()
}

describe('through ingest', () => {
  const FIXTURE = 'fixtures/suspect-prints/ETHUSDT-1h-2017-08-17.csv'

  it('the 2017 print: one SUSPECT_PRINT, its open and high out of the price path, the rest kept', async () => {
    const read = await readAll([FIXTURE])
    const input = read.inputs[0]!
    expect([input.rows, input.events, input.suspect, input.badRows]).toEqual([30, 29, 1, 0])
    const first = read.events[0] as Located<BarEvent>
    expect(first).toMatchObject({ open: null, high: null, low: 298, close: 300.79, volume: 122.52 })
    expect(Math.max(...read.events.map((e) => (e as BarEvent).high ?? 0))).toBe(312.18)
    expect(read.badRows).toEqual([])
  })

  it('every row counted once: isolated spikes are suspect, copies and bad rows around them (property)', async () => {
    const row = (i: number, [o, h, l, c]: number[]) =>
      `${T0 + i * 3_600_000},binance,TESTUSDT,TEST-USDT-PERP,3600000,${o},${h},${l},${c},100,10000,,,,,,`
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 50 }),
        fc.array(fc.tuple(fc.nat(), fc.constantFrom('high', 'low', 'both')), { maxLength: 6 }),
        fc.array(fc.tuple(fc.nat(), fc.constantFrom('copy', 'bad', 'blank')), { maxLength: 6 }),
        fc.boolean(),
        async (n, spikeAt, trouble, fast) => {
          // Spikes at least 4 rows apart: no spike has another among its neighbours.
          const spikes = new Map<number, string>()
          for (const [at, kind] of spikeAt) {
            const i = at % n
            if ([...spikes.keys()].every((j) => Math.abs(i - j) >= 4)) spikes.set(i, kind)
          }
          const lines: string[] = [CASCADE_BARS_COLUMNS.join(',')]
          let suspectRows = 0
          for (let i = 0; i < n; i++) {
            const base = 100 + (i % 3) * 0.2
            const kind = spikes.get(i)
            const high = kind === 'high' || kind === 'both' ? base * 3 : base + 0.3
            const low = kind === 'low' || kind === 'both' ? base / 3 : base - 0.3
            const copies = 1 + trouble.filter(([at, t]) => at % n === i && t === 'copy').length
            // A spike is suspect when the series has another bar to judge it by; so is each copy.
            if (kind && n > 1) suspectRows += copies
            for (let c = 0; c < copies; c++) lines.push(row(i, [base, high, low, base + 0.1]))
            for (const [at, t] of trouble) {
              if (at % n !== i) continue
              if (t === 'bad') lines.push(`${T0 + i * 3_600_000},binance,TESTUSDT`)
              if (t === 'blank') lines.push('')
            }
          }
          const path = await tempFile('bars-2026-02-05.csv', `${lines.join('\n')}\n`)
          // readAll checks rows = events + duplicates + badRows + skipped + suspect on every input.
          const read = await readAll([path], { fast })
          const input = read.inputs[0]!
          expect(input.suspect).toBe(suspectRows)
          expect(input.badRows).toBe(trouble.filter(([, t]) => t === 'bad').length)
          // No price of a spike is left in the timeline, and one bar of each hour is.
          const prices = read.events.flatMap((e) => {
            const b = e as BarEvent
            return [b.open, b.high, b.low, b.close].filter((p): p is number => p !== null)
          })
          if (n > 1) expect(prices.every((p) => p > 99 && p < 101)).toBe(true)
          expect(new Set(read.events.map((e) => e.ts)).size).toBe(n)
        },
      ),
      { numRuns: 150 },
    )
  })

  it('--keep-suspect-prints keeps it; a jump of 150 % lets it through', async () => {
    for (const suspectJumpPct of [null, 150]) {
      const read = await readAll([FIXTURE], { suspectJumpPct })
      expect(read.inputs[0]!.suspect).toBe(0)
      expect(read.events[0]).toMatchObject({ open: 652.74, high: 652.74 })
    }
  })
})
