/**
 * Suspect prints on the real exports (../shared/real, SOURCES.md there): real crashes keep every
 * print — the 12–13 March 2020 and 19 May 2021 ETH hours, the 19 May 2021 ETH minutes (±10 %
 * whipsaws inside single minutes), the 7 September 2021 BTC hours and the 5–6 February 2026 LTC
 * and LINK minutes — while the CryptoDataDownload ETH file's 2017 bad prints go.
 */
import { readFileSync } from 'node:fs'
import { expect } from 'vitest'
import type { BarEvent, Located } from '../../src/timeline/event.js'
import {
  DEFAULT_SUSPECT_RULE,
  type SuspectPrint,
  SuspectPrints,
  type SuspectRule,
} from '../../src/timeline/suspect.js'
import { readAll } from '../helpers/ingest.js'
import { describeReal, itReal, realPath } from '../helpers/real.js'

function bar(ts: number, durationMs: number, [open, high, low, close, volume]: number[], line: number) {
  const event: Located<BarEvent> = {
    ts,
    exchange: 'binance',
    symbol: 'ETHUSDT',
    market: 'ETH-USDT',
    kind: 'bar',
    source: 'test',
    durationMs,
    open: open!,
    high: high!,
    low: low!,
    close: close!,
    volume: volume!,
    volumeUsd: null,
    takerBuyUsd: null,
    trades: null,
    liqLongUsd: null,
    liqShortUsd: null,
    openInterest: null,
    openInterestUsd: null,
    input: 0,
    line,
  }
  return event
}

/**
 * Binance_ETHUSDT_1h.csv in time order (it is newest-first), each hour once: of the hours written
 * twice, the ms-stamped row. Lines are the file's own.
 */
function cryptoDataDownloadHours(): Located<BarEvent>[] {
  const lines = readFileSync(realPath('Binance_ETHUSDT_1h.csv'), 'utf8').trim().split('\n')
  const byTime = new Map<number, { ms: boolean; event: Located<BarEvent> }>()
  lines.slice(1).forEach((text, i) => {
    const cells = text.split(',')
    const ms = !cells[0]!.includes('.')
    const ts = ms ? Number(cells[0]) : Number(cells[0]) * 1000
    const event = bar(ts, 3_600_000, cells.slice(3, 8).map(Number), i + 2)
    if (!byTime.has(ts) || ms) byTime.set(ts, { ms, event })
  })
  return [...byTime.values()].map((v) => v.event).sort((a, b) => a.ts - b.ts)
}

function judge(events: Located[], rule: SuspectRule = DEFAULT_SUSPECT_RULE) {
  const found: SuspectPrint[] = []
  const stage = new SuspectPrints(rule, (p) => found.push(p))
  const out = [...stage.push(events), ...stage.end()]
  return { out, found }
}

const at = (iso: string) => Date.parse(iso)

describeReal('the CryptoDataDownload ETH hours, 2017–2021', () => {
  itReal('its two 2017 bad prints go, and nothing from 2018 on, at 50 % as at 20 %', () => {
    const hours = cryptoDataDownloadHours()
    expect(hours).toHaveLength(33_413)
    for (const jump of [0.5, 0.2]) {
      const { out, found } = judge(hours, { ...DEFAULT_SUSPECT_RULE, jump })
      expect(out).toHaveLength(hours.length)
      expect(found.map((f) => [new Date(f.event.ts).toISOString(), f.message.split(':')[0]])).toEqual([
        // The file's first hour: open and high 652.74 among prices of about 300.
        ['2017-08-17T04:00:00.000Z', 'open and high 652.74'],
        // A low of 144.21 on 145 ETH, every hour around it above 279.
        ['2017-08-22T04:00:00.000Z', 'low 144.21'],
      ])
    }
  })

  itReal('the crash hours of 12–13 March 2020 and 19 May 2021 pass untouched', () => {
    const hours = cryptoDataDownloadHours()
    const { out } = judge(hours, { ...DEFAULT_SUSPECT_RULE, jump: 0.2 })
    for (const [from, to, count] of [
      ['2020-03-12T00:00Z', '2020-03-14T00:00Z', 48],
      ['2021-05-19T00:00Z', '2021-05-20T00:00Z', 24],
    ] as const) {
      const inside = (e: Located) => e.ts >= at(from) && e.ts < at(to)
      const kept = out.filter(inside)
      expect(kept).toHaveLength(count)
      expect(kept).toEqual(hours.filter(inside))
    }
    // The lows the crash reached are still in the price path.
    const low = (from: string, to: string) =>
      Math.min(...out.filter((e) => e.ts >= at(from) && e.ts < at(to)).map((e) => (e as BarEvent).low!))
    expect(low('2020-03-12T00:00Z', '2020-03-14T00:00Z')).toBe(86)
    expect(low('2021-05-19T00:00Z', '2021-05-20T00:00Z')).toBe(1888)
  })
})

describeReal('real crashes keep every print', () => {
  itReal('the 19 May 2021 ETH minutes (±10 % whipsaws within single minutes), even at 5 %', () => {
    const lines = readFileSync(realPath('may2021/ETHUSDT-spot-1m-2021-05-19.csv'), 'utf8').trim().split('\n')
    const minutes = lines.slice(1).map((text, i) => {
      const cells = text.split(',')
      return bar(Number(cells[0]), 60_000, cells.slice(2, 7).map(Number), i + 2)
    })
    expect(minutes).toHaveLength(1440)
    for (const jump of [0.5, 0.1, 0.05])
      expect(judge(minutes, { ...DEFAULT_SUSPECT_RULE, jump }).found).toEqual([])
  })

  for (const [name, file] of [
    ['the 5–6 February 2026 LTC minutes', 'LTCUSDT-1m-2026-02.csv'],
    ['the 5–6 February 2026 LINK minutes', 'LINKUSDT-1m-2026-02.csv'],
    ['the September 2021 BTC hours (7 September: −17 % in an hour)', 'BTCUSDT-1h-2021-09.csv'],
  ] as const) {
    itReal(`${name}, read as the CLI reads them, at 50 % and at 10 %`, async () => {
      for (const suspectJumpPct of [undefined, 10]) {
        const read = await readAll([realPath(file)], { suspectJumpPct })
        expect(read.inputs[0]!.suspect, file).toBe(0)
        expect(read.inputs[0]!.events).toBe(read.inputs[0]!.rows)
      }
    })
  }
})
