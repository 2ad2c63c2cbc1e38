/**
 * Property: sortWhole (a bar file read whole: CryptoDataDownload) gives the file's bars in time
 * order, file order within a time, with one bar per series and time except exact copies (left for
 * the timeline's duplicate count); every other bar is reported superseded exactly once, and the
 * bar kept is the one `prefer` chooses — whatever the file order and batching.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { type BarEvent, emptyBar, type Located } from '../../src/timeline/event.js'
import { sortWhole } from '../../src/timeline/reorder.js'

type Bar = Located<BarEvent>

// Small domains so that equal times, series and figures are common.
const row = fc.record({
  ts: fc.integer({ min: 0, max: 6 }),
  symbol: fc.constantFrom('ETHUSDT', 'BTCUSDT'),
  close: fc.constantFrom(1, 2, 3),
  trades: fc.constantFrom(null, 5),
})

function barsOf(rows: { ts: number; symbol: string; close: number; trades: number | null }[]): Bar[] {
  return rows.map((r, i) => {
    const bar = emptyBar({
      ts: r.ts,
      exchange: 'binance',
      symbol: r.symbol,
      market: r.symbol,
      source: 'cryptodatadownload',
      durationMs: 1,
    }) as Bar
    bar.close = r.close
    bar.trades = r.trades
    bar.input = 0
    bar.line = i + 2
    return bar
  })
}

async function* batches(bars: Bar[], size: number): AsyncGenerator<Bar[]> {
  for (let i = 0; i < bars.length; i += size) yield bars.slice(i, i + size)
}

/** CryptoDataDownload's rule: a trade count wins, else the bar higher up in the file. */
const prefer = (first: BarEvent, second: BarEvent) =>
  first.trades !== null || second.trades === null ? first : second

async function run(bars: Bar[], size: number, limit = 1000) {
  const superseded: Bar[] = []
  const out: Bar[] = []
  for await (const batch of sortWhole(batches(bars, size), {
    limit,
    prefer,
    onTooLong: (rows) => {
      throw new Error(`too long: ${rows}`)
    },
    onSuperseded: (event) => {
      superseded.push(event as Bar)
    },
    batchSize: 3,
  })) {
    out.push(...(batch as Bar[]))
  }
  return { out, superseded }
}

describe('sortWhole', () => {
  it('property: ordered, one bar per series and time (copies aside), every other bar superseded once', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(row, { maxLength: 40 }),
        fc.integer({ min: 1, max: 7 }),
        async (rows, size) => {
          const bars = barsOf(rows)
          const { out, superseded } = await run(bars, size)
          // Time order, then file order.
          for (let i = 1; i < out.length; i++) {
            const a = out[i - 1]!
            const b = out[i]!
            expect(a.ts < b.ts || (a.ts === b.ts && a.line < b.line)).toBe(true)
          }
          // Nothing lost or made up.
          expect([...out, ...superseded].map((b) => b.line).sort((a, b) => a - b)).toEqual(
            bars.map((b) => b.line),
          )
          expect(new Set(superseded.map((b) => b.line)).size).toBe(superseded.length)
          // Per series and time: the bar `prefer` keeps over all others, plus its exact copies only.
          const groups = new Map<string, Bar[]>()
          for (const bar of bars)
            groups.set(`${bar.symbol}|${bar.ts}`, [...(groups.get(`${bar.symbol}|${bar.ts}`) ?? []), bar])
          for (const group of groups.values()) {
            const winner = group.reduce((kept, bar) => (prefer(kept, bar) === bar ? bar : kept))
            const kept = out.filter((b) => b.symbol === winner.symbol && b.ts === winner.ts)
            expect(kept.every((b) => b.close === winner.close && b.trades === winner.trades)).toBe(true)
            expect(kept.map((b) => b.line)).toContain(winner.line)
          }
        },
      ),
    )
  })

  it('keeps a copy of the winner for the duplicate count; the loser takes its copies with it', async () => {
    // Line 2 and 3: the same bar without a trade count; line 4: a bar with one wins over both.
    const bars = barsOf([
      { ts: 1, symbol: 'ETHUSDT', close: 1, trades: null },
      { ts: 1, symbol: 'ETHUSDT', close: 1, trades: null },
      { ts: 1, symbol: 'ETHUSDT', close: 2, trades: 5 },
      { ts: 1, symbol: 'ETHUSDT', close: 2, trades: 5 },
      { ts: 0, symbol: 'ETHUSDT', close: 3, trades: null },
    ])
    const { out, superseded } = await run(bars, 2)
    expect(out.map((b) => b.line)).toEqual([6, 4, 5])
    expect(superseded.map((b) => b.line)).toEqual([2, 3])
  })

  it('stops a file past its row limit', async () => {
    const bars = barsOf(
      Array.from({ length: 5 }, (_, i) => ({ ts: i, symbol: 'ETHUSDT', close: 1, trades: null })),
    )
    await expect(run(bars, 2, 4)).rejects.toThrow(/too long: [56]/)
  })
})
