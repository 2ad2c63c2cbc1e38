import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { cddDate, cddIntervalFromName, cddUnix } from '../../src/sources/cryptodatadownload.js'
import type { BarEvent, Located } from '../../src/timeline/event.js'
import { cascade, ensureBuilt } from '../helpers/cli.js'
import { expectTimeOrdered, plain, readAll as readWithStages } from '../helpers/ingest.js'
import { itReal, realPath } from '../helpers/real.js'
import { tempFile as temp } from '../helpers/temp.js'

/** The source as written: the suspect-print stage (tested in test/timeline/) is off here. */
const readAll: typeof readWithStages = (paths, options = {}) =>
  readWithStages(paths, { suspectJumpPct: null, ...options })

const DIR = 'fixtures/cryptodatadownload'
const FIXTURE = `${DIR}/Binance_ETHUSDT_1h.csv` // 36 real rows of the real file, newest first
const BANNER = `${DIR}/2022/Binance_ETHUSDT_1h.csv` // banner + current header, real ms rows
const OLDEST = `${DIR}/2019/Binance_ETHUSDT_1h.csv` // banner + Date,Symbol,… (no epoch), real 2017 rows
const H = 3_600_000

const at = (events: Located[], iso: string) => {
  const found = events.filter((e) => e.ts === Date.parse(iso))
  if (found.length !== 1) throw new Error(`${found.length} events at ${iso}`)
  return found[0] as Located<BarEvent>
}

const ledger = (input: {
  rows: number
  events: number
  duplicates: number
  badRows: number
  superseded: number
}) => {
  const { rows, events, duplicates, badRows, superseded } = input
  return { rows, events, duplicates, badRows, superseded }
}

describe('cryptodatadownload: the real ETH file cut', () => {
  it('puts newest-first rows in time order and counts the doubled hours as superseded', async () => {
    const read = await readAll([FIXTURE])
    const input = read.inputs[0]!
    expect(input.source).toBe('cryptodatadownload')
    // 36 rows: 7 hours appear twice (2020-11-20 05–07, 2020-10-07 19, 2020-08-02 00–01, 2020-08-01 23).
    expect(ledger(input)).toEqual({ rows: 36, events: 29, duplicates: 0, badRows: 0, superseded: 7 })
    expectTimeOrdered(read.events)
    expect(new Date(read.events[0]!.ts).toISOString()).toBe('2017-08-17T04:00:00.000Z')
    expect(new Date(read.events.at(-1)!.ts).toISOString()).toBe('2021-06-10T00:00:00.000Z')
    expect(read.warnings).toEqual([])
  })

  it('reads the first row 2017-08-17 04:00 as written (seconds with .0, NULL trade count)', async () => {
    const read = await readAll([FIXTURE])
    // Line 37: 1502942400.0,2017-08-17 04-AM,ETH/USDT,652.74,652.74,298,300.79,122.52,36736.84,NULL
    expect(read.events[0]!.line).toBe(37)
    expect(plain(read.events[0])).toEqual({
      ts: Date.UTC(2017, 7, 17, 4),
      exchange: 'binance',
      symbol: 'ETHUSDT',
      market: 'ETH-USDT',
      kind: 'bar',
      source: 'cryptodatadownload',
      durationMs: H,
      open: 652.74,
      high: 652.74,
      low: 298,
      close: 300.79,
      volume: 122.52,
      volumeUsd: 36736.84,
      takerBuyUsd: null,
      trades: null,
      liqLongUsd: null,
      liqShortUsd: null,
      openInterest: null,
      openInterestUsd: null,
    })
  })

  it('keeps the ms-stamped bar of a doubled hour (the one with a trade count)', async () => {
    const { events } = await readAll([FIXTURE])
    // Lines 9 and 10: 07:00 from the ms export (close 491.47, 48,459 trades) and the second-stamped
    // one (open 484.36, close 488.78, NULL).
    const seven = at(events, '2020-11-20T07:00:00Z')
    expect([seven.line, seven.open, seven.close, seven.volume, seven.volumeUsd, seven.trades]).toEqual([
      9, 484.33, 491.47, 140034.26143, 68579535.0450791, 48459,
    ])
    // 2020-10-07 19:00 differs only in the rounded quote volume and the trade count: still two
    // different bars, so superseded rather than a duplicate.
    const nineteen = at(events, '2020-10-07T19:00:00Z')
    expect([nineteen.line, nineteen.volumeUsd, nineteen.trades]).toEqual([16, 6278013.9598921, 6361])
    // 2020-08-02 02:00 has only its second-stamped row in the cut: it stays.
    expect(at(events, '2020-08-02T02:00:00Z').line).toBe(19)
  })

  it('takes the time from unix, not from the date column (4 h off on some 2017 rows)', async () => {
    const { events } = await readAll([FIXTURE])
    // Line 33: 1506448800.0,2017-09-26 02-PM — the epoch is 18:00 UTC.
    expect(at(events, '2017-09-26T18:00:00Z').line).toBe(33)
  })

  it('reads a pandas `nan` volume as missing, not as a bad row', async () => {
    const { events } = await readAll([FIXTURE])
    // Line 29: 1573095600.0,2019-11-07 03-AM,ETH/USDT,189.41,189.82,188.81,189.43,6747.07,nan,NULL
    const bar = at(events, '2019-11-07T03:00:00Z')
    expect([bar.line, bar.close, bar.volume, bar.volumeUsd]).toEqual([29, 189.43, 6747.07, null])
  })

  it('reads the same with csv-parse alone as with the fast path', async () => {
    for (const file of [FIXTURE, BANNER, OLDEST]) {
      const fast = await readAll([file])
      const slow = await readAll([file], { fast: false })
      expect(slow.events).toEqual(fast.events)
      expect(ledger(slow.inputs[0]!)).toEqual(ledger(fast.inputs[0]!))
    }
  })
})

describe('cryptodatadownload: other layouts', () => {
  it('steps over the banner line and the header (current files)', async () => {
    const read = await readAll([BANNER])
    expect(ledger(read.inputs[0]!)).toEqual({
      rows: 12,
      events: 12,
      duplicates: 0,
      badRows: 0,
      superseded: 0,
    })
    expectTimeOrdered(read.events)
    // Line 3 is the newest row, 2021-06-10 00:00; the oldest, 2021-06-09 13:00, is line 14.
    expect(read.events.map((e) => e.line)).toEqual([14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3])
    const last = read.events.at(-1) as Located<BarEvent>
    expect([last.ts, last.open, last.close, last.volume, last.volumeUsd, last.trades]).toEqual([
      Date.UTC(2021, 5, 10),
      2610.2,
      2620.87,
      4681.07201,
      12216098.6025796,
      6356,
    ])
  })

  it('counts bad rows on their physical line after the banner', async () => {
    const path = await temp(
      'Binance_ETHUSDT_1h.csv',
      [
        'https://www.CryptoDataDownload.com',
        'Unix,Date,Symbol,Open,High,Low,Close,Volume ETH,Volume USDT,tradecount',
        '1623283200000,2021-06-10 00:00:00,ETHUSDT,2610.2,2622,2595.4,2620.87,4681.07201,12216098.6025796,6356',
        '1623279600000,2021-06-09 23:00:00,ETHUSDT,2598.61,2613.42,x,2610.18,30281.67,78771572.616245,33224',
        '1623276000000,2021-06-09 22:00:00,ETHUSDT,2580.7,2626.63,2577,2598.72,31656.04394,82450585.6084406,45166',
      ].join('\n'),
    )
    const read = await readAll([path], { fast: false })
    expect(read.badRows.map((r) => [r.line, r.code, r.message])).toEqual([
      [4, 'BAD_NUMBER', 'Low: expected a number, got "x"'],
    ])
    expect(read.events.map((e) => e.line)).toEqual([5, 3])
  })

  it('reads the oldest layout by its date column: 12-hour clock, UTC', async () => {
    const read = await readAll([OLDEST])
    expect(ledger(read.inputs[0]!)).toEqual({
      rows: 12,
      events: 12,
      duplicates: 0,
      badRows: 0,
      superseded: 0,
    })
    expect(read.events.map((e) => new Date(e.ts).toISOString().slice(11, 13))).toEqual([
      '04',
      '05',
      '06',
      '07',
      '08',
      '09',
      '10',
      '11',
      '12',
      '13',
      '14',
      '15',
    ])
    // `2017-08-17 12-PM` is noon: 308.95 → 308.62 (line 6).
    const noon = at(read.events, '2017-08-17T12:00:00Z')
    expect([noon.line, noon.open, noon.close, noon.volume, noon.volumeUsd]).toEqual([
      6, 308.95, 308.62, 401.78, 124013.72,
    ])
  })

  it('takes the pair from the symbol column when the name has none, and --exchange', async () => {
    const path = await temp(
      'history.csv',
      [
        'unix,date,symbol,open,high,low,close,Volume BTC,Volume USD,tradecount',
        '1621386000000,2021-05-19 01:00:00,BTC/USD,42000,42100,41900,42050,10,420500,100',
        '1621382400000,2021-05-19 00:00:00,BTC/USD,42010,42020,41950,42000,12,504000,120',
      ].join('\n'),
    )
    const read = await readAll([path], { exchange: 'Kraken' })
    const first = read.events[0] as Located<BarEvent>
    expect([first.exchange, first.symbol, first.market, first.volume, first.volumeUsd]).toEqual([
      'kraken',
      'BTCUSD',
      'BTC-USD',
      12,
      504000,
    ])
  })

  it('takes the bar length from the name when the rows cannot tell', async () => {
    expect(cddIntervalFromName('Binance_BTCUSDT_d.csv')).toBe(24 * H)
    expect(cddIntervalFromName('Binance_BTCUSDT_1h.csv')).toBe(H)
    expect(cddIntervalFromName('Binance_BTCUSDT_4h.csv')).toBe(4 * H)
    expect(cddIntervalFromName('Binance_BTCUSDT_2021_minute.csv')).toBe(60_000)
    expect(cddIntervalFromName('gemini_BTCUSD_2020_1min.csv')).toBe(60_000)
    const path = await temp(
      'Binance_BTCUSDT_d.csv',
      'unix,date,symbol,open,high,low,close,Volume BTC,Volume USDT,tradecount\n' +
        '1621382400000,2021-05-19,BTCUSDT,42000,42100,30000,37000,200000,7000000000,3000000\n',
    )
    expect((await readAll([path])).events.map((e) => (e as BarEvent).durationMs)).toEqual([24 * H])
  })

  it('fails with exit 2 on a --symbol that is not a pair', async () => {
    await expect(readAll([FIXTURE], { symbol: 'ETH' })).rejects.toThrow(
      /--symbol ETH: cannot tell its base and quote/,
    )
  })
})

describe('cryptodatadownload times', () => {
  it('reads every date style as UTC', () => {
    expect(cddDate('2021-06-10 00:00:00', 'date')).toBe(Date.UTC(2021, 5, 10))
    expect(cddDate('2017-08-17 04-AM', 'date')).toBe(Date.UTC(2017, 7, 17, 4))
    expect(cddDate('2020-08-02 12-AM', 'date')).toBe(Date.UTC(2020, 7, 2, 0))
    expect(cddDate('2020-11-19 11-PM', 'date')).toBe(Date.UTC(2020, 10, 19, 23))
    expect(cddDate('2019-10-01', 'date')).toBe(Date.UTC(2019, 9, 1))
    expect(() => cddDate('2017-08-17 13-AM', 'date')).toThrow(/no such hour/)
    expect(() => cddDate('2017-02-30 01-AM', 'date')).toThrow(/not a valid date/)
    expect(cddUnix('1502942400.0', 'unix')).toBe(Date.UTC(2017, 7, 17, 4))
    expect(cddUnix('1623283200000', 'unix')).toBe(Date.UTC(2021, 5, 10))
  })

  it('property: an hour written in any of the styles reads to the same time', () => {
    const hours = fc.integer({ min: Date.UTC(2001, 0, 1) / H, max: Date.UTC(2099, 0, 1) / H })
    fc.assert(
      fc.property(hours, (hour) => {
        const ms = hour * H
        const d = new Date(ms)
        const day = d.toISOString().slice(0, 10)
        const h = d.getUTCHours()
        const twelve = `${String(h % 12 === 0 ? 12 : h % 12).padStart(2, '0')}-${h < 12 ? 'AM' : 'PM'}`
        expect(cddDate(`${day} ${String(h).padStart(2, '0')}:00:00`, 'date')).toBe(ms)
        expect(cddDate(`${day} ${twelve}`, 'date')).toBe(ms)
        expect(cddUnix(String(ms), 'unix')).toBe(ms)
        expect(cddUnix(`${ms / 1000}.0`, 'unix')).toBe(ms)
      }),
    )
  })

  it('property: a file in any order with any mix of time styles reads to the same ordered bars', async () => {
    const header = 'unix,date,symbol,open,high,low,close,Volume ETH,Volume USDT,tradecount'
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(fc.integer({ min: 0, max: 2000 }), { minLength: 2, maxLength: 30 }),
        fc.array(fc.boolean(), { minLength: 30, maxLength: 30 }),
        fc.boolean(),
        async (offsets, seconds, newestFirst) => {
          const start = Date.UTC(2020, 0, 1) / H
          const hours = [...offsets].sort((a, b) => (newestFirst ? b - a : a - b)).map((o) => (start + o) * H)
          const lines = hours.map((ms, i) => {
            const price = 100 + ((ms / H) % 97)
            const time = seconds[i] ? `${ms / 1000}.0,x` : `${ms},y`
            return `${time},ETH/USDT,${price},${price + 1},${price - 1},${price},1.5,${1.5 * price},${seconds[i] ? 'NULL' : 7}`
          })
          const path = await temp('Binance_ETHUSDT_1h.csv', `${header}\n${lines.join('\n')}\n`)
          const read = await readAll([path])
          expect(read.events.map((e) => e.ts)).toEqual([...hours].sort((a, b) => a - b))
          expect(read.events.every((e) => (e as BarEvent).close === 100 + ((e.ts / H) % 97))).toBe(true)
        },
      ),
      { numRuns: 25 },
    )
  })
})

describe('cryptodatadownload: the real file', () => {
  itReal(
    'reads Binance_ETHUSDT_1h.csv with no options: in order, 2,649 superseded, all rows counted',
    async () => {
      const read = await readWithStages([realPath('Binance_ETHUSDT_1h.csv')])
      const input = read.inputs[0]!
      expect(input.source).toBe('cryptodatadownload')
      // 36,062 rows: 2,649 hours (2020-08-01 23:00 → 2020-11-20 07:00) twice; one `nan` quote volume.
      expect(ledger(input)).toEqual({
        rows: 36062,
        events: 33411,
        duplicates: 0,
        badRows: 0,
        superseded: 2649,
      })
      // Two bars hold a suspect print (the 652.74 open and high of 2017-08-17 04:00, the 144.21 low
      // of 2017-08-22): they stay in the timeline without those fields and are counted apart.
      expect(input.suspect).toBe(2)
      expectTimeOrdered(read.events)
      expect(new Set(read.events.map((e) => e.ts)).size).toBe(33413)
      expect(new Date(read.events[0]!.ts).toISOString()).toBe('2017-08-17T04:00:00.000Z')
      expect(new Date(read.events.at(-1)!.ts).toISOString()).toBe('2021-06-10T00:00:00.000Z')
      // Every kept bar of the doubled span is the ms export's (it has a trade count).
      const doubled = read.events.filter(
        (e) => e.ts >= Date.UTC(2020, 7, 1, 23) && e.ts <= Date.UTC(2020, 10, 20, 7),
      ) as BarEvent[]
      expect(doubled).toHaveLength(2649)
      expect(doubled.every((bar) => bar.trades !== null)).toBe(true)
    },
    120_000,
  )

  itReal(
    'cascade analyze --json: exit 0, the ledger in inputs[], the rule in the warnings',
    async () => {
      ensureBuilt()
      const run = await cascade(['analyze', realPath('Binance_ETHUSDT_1h.csv'), '--json'])
      expect(run.code).toBe(0)
      const report = JSON.parse(run.stdout) as {
        inputs: Record<string, unknown>[]
        badRows: { total: number }
        warnings: string[]
      }
      expect(report.inputs).toMatchObject([
        {
          source: 'cryptodatadownload',
          rows: 36062,
          events: 33411,
          duplicates: 0,
          badRows: 0,
          skipped: 0,
          superseded: 2649,
          suspect: 2,
          first: '2017-08-17T04:00:00.000Z',
          last: '2021-06-10T00:00:00.000Z',
        },
      ])
      expect(report.badRows.total).toBe(0)
      expect(report.warnings.some((w) => /2649 bars superseded: .*trade count/.test(w))).toBe(true)
      // The closing line is fitted to 80 columns: read it back as one.
      expect(run.stderr.replace(/\n {2}/g, ' ')).toMatch(
        /36,062 rows from 1 input, 33,411 events, 2,649 superseded, 2 suspect prints left out of the price path, 0 bad rows/,
      )
      // The bad first print (2017-08-17 04:00, the last line of the newest-first file) is one of them.
      expect(run.stderr).toMatch(/Binance_ETHUSDT_1h.csv:36063: SUSPECT_PRINT/)
    },
    120_000,
  )
})
