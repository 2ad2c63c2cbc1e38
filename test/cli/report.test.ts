/**
 * `cascade report` as cron runs it: golden Markdown and JSON of the 19 May 2021 reconstruction,
 * byte-identical re-runs (under other host time zones too), a run killed mid-write, a day without
 * data, exit codes, inputs picked by content, and the ranking against earlier reports in DIR.
 * Also: `cascade analyze` piped prints the table only (no colour, no charts, no progress).
 */
import { execFileSync } from 'node:child_process'
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DailyReport } from '../../src/report/daily/types.js'
import { BIN, cascade, ensureBuilt, ROOT, type Run } from '../helpers/cli.js'
import { expectGolden } from '../helpers/golden.js'
import { describeReal, itReal, REAL, realPath } from '../helpers/real.js'

const MAY_2021 = 'fixtures/scenarios/2021-05-19/'
const FEB_2026 = 'fixtures/scenarios/2026-02-05/'
const ESC = '\u001b'
const FILES = ['2021-05-19-BTC.svg', '2021-05-19.html', '2021-05-19.json', '2021-05-19.md']
/** What --out holds after one report: the day's directory and the two links into it. */
const TOP = ['2021-05-19', '2021-05-19.html', '2021-05-19.json']

let tmp: string
beforeAll(() => {
  ensureBuilt()
  tmp = mkdtempSync(join(tmpdir(), 'cascade-report-'))
})
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

const dirOf = (name: string) => join(tmp, name)
/** A file of a day's report: `name` inside OUT/DATE/ (DATE from the name). */
const read = (dir: string, name: string) => readFileSync(join(dir, name.slice(0, 10), name), 'utf8')
const daily = (dir: string, date: string) => JSON.parse(read(dir, `${date}.json`)) as DailyReport
const report = (
  date: string,
  paths: string[],
  out: string,
  extra: string[] = [],
  env?: Record<string, string>,
) => cascade(['report', '--date', date, ...paths, '--out', out, ...extra], { env })

describe('cascade report on the 19 May 2021 reconstruction', () => {
  let run: Run
  const out = () => dirOf('may')
  beforeAll(async () => {
    run = await report('2021-05-19', [MAY_2021], out())
  })

  it('writes DATE/ with DATE.json, DATE.md, DATE.html and the chart, links DATE.json and DATE.html into it, says so on stderr', () => {
    expect(run.code).toBe(0)
    expect(run.stdout).toBe('')
    expect(readdirSync(out()).sort()).toEqual(TOP)
    expect(readdirSync(join(out(), '2021-05-19')).sort()).toEqual(FILES)
    for (const link of ['2021-05-19.json', '2021-05-19.html'])
      expect(readlinkSync(join(out(), link))).toBe(`2021-05-19/${link}`)
    expect(run.stderr).toMatch(
      /wrote .*\/2021-05-19\/ \(2021-05-19\.json, \.md, \.html and 1 chart\): 1 market, 2 cascades/,
    )
  })

  it('the JSON: the day, its figures and its cascades (golden)', () => {
    const doc = daily(out(), '2021-05-19')
    expect(doc.schema).toBe('cascade.daily/2')
    expect(doc.status).toBe('ok')
    expect(doc.span).toEqual({ ...doc.day, narrowed: false })
    expect(doc.files).toEqual({
      directory: '2021-05-19',
      json: '2021-05-19.json',
      markdown: '2021-05-19.md',
      html: '2021-05-19.html',
      charts: [{ market: 'BTC', file: '2021-05-19-BTC.svg' }],
    })
    const btc = doc.markets[0]!
    // fixtures/scenarios/README.md: open 42,900, low 30,000, close 37,545.25; longs $104,791,729, shorts $3,208,628.
    expect([btc.open, btc.low, btc.close]).toEqual([42900, 30000, 37545.25])
    expect([Math.round(btc.liqLongUsd!), Math.round(btc.liqShortUsd!)]).toEqual([104_791_729, 3_208_628])
    // Range (42,936.? − 30,000) / 42,900 ≈ 30.1 %.
    expect(btc.rangePct).toBeCloseTo(30.15, 1)
    expect(doc.cascades.map((c) => [c.direction, c.start.slice(0, 16)])).toEqual([
      ['down', '2021-05-19T09:06'],
      ['up', '2021-05-19T13:21'],
    ])
    expect(btc.hours).toHaveLength(24)
    expectGolden('report-2021-05-19.json', read(out(), '2021-05-19.json'))
  })

  it('the Markdown: tables of the same figures, the chart linked (golden)', () => {
    const md = read(out(), '2021-05-19.md')
    expect(md).toContain(
      '![BTC on 2021-05-19: price with cascades shaded, liquidations per minute, open interest](2021-05-19-BTC.svg)',
    )
    expect(md).toContain('(2021-05-19.html#BTC)')
    expectGolden('report-2021-05-19.md', md)
  })

  it('the HTML is one self-contained page: inline SVG, no script, nothing fetched', () => {
    const html = read(out(), '2021-05-19.html')
    expect(html).toContain('<svg')
    expect(html).toContain("default-src 'none'")
    expect(html).not.toMatch(/<script|<link|src="http|href="http/i)
  })

  it('gives byte-identical files when run again, whatever the host time zone', async () => {
    const runs = await Promise.all([
      report('2021-05-19', [MAY_2021], dirOf('again')),
      report('2021-05-19', [MAY_2021], dirOf('new-york'), [], { TZ: 'America/New_York' }),
      report('2021-05-19', [MAY_2021], dirOf('tokyo'), [], { TZ: 'Asia/Tokyo' }),
    ])
    for (const r of runs) expect(r.code).toBe(0)
    // And again into the same directory (over the files of the first run).
    expect((await report('2021-05-19', [MAY_2021], out())).code).toBe(0)
    for (const dir of [out(), dirOf('again'), dirOf('new-york'), dirOf('tokyo')]) {
      expect(readdirSync(dir).sort()).toEqual(TOP)
      expect(readdirSync(join(dir, '2021-05-19')).sort()).toEqual(FILES)
      for (const name of FILES) expect(read(dir, name)).toBe(read(dirOf('again'), name))
    }
  })

  it('--exit-code exits 3 when the day has a cascade', async () => {
    const found = await report('2021-05-19', [MAY_2021], dirOf('alert'), ['--exit-code', '--quiet'])
    expect(found.code).toBe(3)
    expect(found.stderr).toBe('')
  })
})

describe('days without data, and errors', () => {
  it('a day the inputs do not cover: a report that says so, a message on stderr (even with --quiet), exit 0', async () => {
    const out = dirOf('empty')
    const run = await report('2021-06-01', [MAY_2021], out, ['--quiet'])
    expect(run.code).toBe(0)
    expect(run.stdout).toBe('')
    expect(run.stderr).toMatch(
      /^cascade: No data for 2021-06-01 \(UTC\) in the inputs\. Wrote .*\/2021-06-01\/ saying so\.\n$/,
    )
    const doc = daily(out, '2021-06-01')
    expect(doc).toMatchObject({ status: 'no-data', markets: [], cascades: [], inputs: [] })
    expect(read(out, '2021-06-01.md')).toMatch(/No data for 2021-06-01/)
    expect(readdirSync(join(out, '2021-06-01')).sort()).toEqual([
      '2021-06-01.html',
      '2021-06-01.json',
      '2021-06-01.md',
    ])
  })

  it('refuses a bad date, zone or option with exit 2 and one line', async () => {
    for (const [args, message] of [
      [['--date', '2021-02-30'], /--date 2021-02-30: not a day: February 2021 has 28 days/],
      [['--date', 'someday'], /--date someday: expected YYYY-MM-DD \(a real day\), yesterday or today/],
      [['--date', '2021-05-19', '--tz', 'Mars/Olympus'], /--tz Mars\/Olympus: not a time zone/],
      [['--date', '2021-05-19', '--from', '2021-05-19T25:00'], /--from 2021-05-19T25:00: not a time of day/],
      [
        ['--date', '2021-05-19', '--from', '2021-05-18T12:00'],
        /--from 2021-05-18T12:00: outside the day 2021-05-19 \(UTC\)/,
      ],
      [['--date', '2021-05-19', '--to', '2021-05-20T00:01'], /--to 2021-05-20T00:01: outside the day/],
      [
        ['--date', '2021-05-19', '--from', '2021-05-19T12:00', '--to', '2021-05-19T12:00'],
        /--to 2021-05-19T12:00: not after --from/,
      ],
    ] as const) {
      const run = await cascade(['report', ...args, MAY_2021, '--out', dirOf('errors')])
      expect(run.code).toBe(2)
      expect(run.stdout).toBe('')
      expect(run.stderr).toMatch(message)
      expect(run.stderr.trim().split('\n')).toHaveLength(1)
    }
    expect(existsSync(dirOf('errors'))).toBe(false)
  })

  it('refuses, before replacing anything, when a directory stands where DATE.json goes', async () => {
    const out = dirOf('blocked')
    expect((await report('2021-05-19', [MAY_2021], out, ['--quiet'])).code).toBe(0)
    const before = FILES.map((name) => [name, statSync(join(out, '2021-05-19', name)).mtimeMs])
    rmSync(join(out, '2021-05-19.json'))
    mkdirSync(join(out, '2021-05-19.json'))
    const run = await report('2021-05-19', [MAY_2021], out, ['--quiet', '--min-move', '4'])
    expect(run.code).toBe(2)
    expect(run.stderr).toMatch(
      /^cascade: .*\/2021-05-19\.json is a directory where the link to the report goes; nothing was written or replaced/,
    )
    expect(run.stderr.trim().split('\n')).toHaveLength(1)
    expect(readdirSync(out).sort()).toEqual(TOP)
    expect(FILES.map((name) => [name, statSync(join(out, '2021-05-19', name)).mtimeMs])).toEqual(before)
  })
})

describe('inputs picked by content', () => {
  it('reads a file whose name says another day, and leaves unread one whose content confirms it is not the day', async () => {
    const data = dirOf('misnamed-data')
    mkdirSync(data, { recursive: true })
    // The 19 May trades under a 1 May name, and the 19 May metrics under their own name.
    copyFileSync(
      join(ROOT, MAY_2021, 'BTCUSDT-aggTrades-2021-05-19.zip'),
      join(data, 'BTCUSDT-aggTrades-2021-05-01.zip'),
    )
    copyFileSync(
      join(ROOT, MAY_2021, 'BTCUSDT-metrics-2021-05-19.zip'),
      join(data, 'BTCUSDT-metrics-2021-05-19.zip'),
    )
    const out = dirOf('misnamed')
    expect((await report('2021-05-19', [data], out, ['--quiet'])).code).toBe(0)
    const inputs = daily(out, '2021-05-19').inputs
    expect(inputs.map((i) => [i.source, i.eventsInDay])).toEqual([
      ['binance-aggtrades', 163_791],
      ['binance-metrics', 288],
    ])
    // For 1 May, the trades file's name says 1 May but its first event says 19 May: it is opened, and
    // read only until its events pass the window. The metrics file's name and first event agree on
    // 19 May, outside the window: it is not read at all.
    const may1 = await report('2021-05-01', [data], out)
    expect(may1.code).toBe(0)
    expect(may1.stderr).toMatch(/ rows from 1 input,/)
    expect(daily(out, '2021-05-01').status).toBe('no-data')
  })

  it('uses the day before as the baseline and measures a cascade that crosses midnight to its end', async () => {
    const out = dirOf('february')
    expect((await report('2026-02-05', [FEB_2026], out, ['--quiet'])).code).toBe(0)
    expect((await report('2026-02-06', [FEB_2026], out, ['--quiet'])).code).toBe(0)
    const fifth = daily(out, '2026-02-05')
    // The crash that starts at 23:16 on the 5th bottoms at 60,000 at 00:20 on the 6th (README of the scenarios).
    const late = fifth.cascades.find((c) => c.start.startsWith('2026-02-05T23'))!
    expect(late).toMatchObject({ endsAfterDay: true, cutByDataEnd: false })
    expect(late.price.extreme).toBe(60000)
    const sixth = daily(out, '2026-02-06')
    expect(sixth.carriedOver.map((c) => c.id)).toEqual([late.id])
    expect(sixth.cascades.some((c) => c.id === late.id)).toBe(false)
    expect(sixth.inputs.find((i) => i.path.includes('aggTrades-2026-02-05'))).toMatchObject({
      eventsInDay: 0,
    })
    expect(sixth.analysed.dataFrom! < sixth.day.from).toBe(true)
    expect(sixth.markets[0]!.ranking.days).toBe(1)
  })
})

describeReal('report and analyze agree on the real files', () => {
  // The two CoinGlass files carry the same BTC liquidations (an aggregate, twice): the day takes the
  // larger per hour, never their sum (analyze's rule); LINK and LTC klines have none.
  const inputs = [
    'coinglass_BTC_liquidation_10y_1h.csv',
    'coinglass_BTC_regime_1h_1y.csv',
    'LINKUSDT-1m-2026-02.csv',
    'LTCUSDT-1m-2026-02.csv',
  ].map(realPath)

  itReal(
    'the day’s liquidations, hour table, headline and ranking figure equal analyze’s totals',
    async () => {
      const out = dirOf('real-agree')
      // The day before first: the 5th's ranking then compares its total with the 4th's.
      expect((await report('2026-02-04', inputs, out, ['--quiet'])).code).toBe(0)
      const [made, analysed] = await Promise.all([
        report('2026-02-05', inputs, out, ['--quiet']),
        cascade(['analyze', ...inputs, '--from', '2026-02-05', '--to', '2026-02-06', '--json', '--quiet']),
      ])
      expect(made.code).toBe(0)
      expect(analysed.code).toBe(0)
      const doc = daily(out, '2026-02-05')
      const totals = new Map(
        (
          JSON.parse(analysed.stdout) as {
            markets: { market: string; liqLongUsd: number | null; liqShortUsd: number | null }[]
          }
        ).markets.map((m) => [m.market, [m.liqLongUsd, m.liqShortUsd]]),
      )
      expect(doc.markets.map((m) => m.market)).toEqual([...totals.keys()])
      for (const m of doc.markets) expect([m.liqLongUsd, m.liqShortUsd]).toEqual(totals.get(m.market))
      const btc = doc.markets.find((m) => m.market === 'BTC')!
      // The figures: $415.1M long, $67.6M short (the report used to add the two files: $827.4M, $135.2M).
      expect(Math.round(btc.liqLongUsd! / 1e5) / 10).toBe(415.1)
      expect(Math.round(btc.liqShortUsd! / 1e5) / 10).toBe(67.6)
      const hourLong = btc.hours.reduce((sum, h) => sum + (h.liqLongUsd ?? 0), 0)
      const hourShort = btc.hours.reduce((sum, h) => sum + (h.liqShortUsd ?? 0), 0)
      expect(hourLong).toBeCloseTo(btc.liqLongUsd!, 0)
      expect(hourShort).toBeCloseTo(btc.liqShortUsd!, 0)
      expect(doc.headline.find((h) => h.startsWith('BTC'))).toMatch(/liquidations \$483M \(86 % longs\)/)
      expect(btc.ranking.liquidationsUsd!.value).toBeCloseTo(btc.liqLongUsd! + btc.liqShortUsd!, 1)
      expect(btc.ranking.days).toBe(1)
    },
  )
})

describe('a report narrowed with --from/--to', () => {
  it('covers that part of the day only: figures, hours and cascades of the span; not ranked, and left out of later rankings', async () => {
    const out = dirOf('narrowed')
    const span = ['--from', '2021-05-19T10:00', '--to', '2021-05-19T16:30']
    const [made, analysed] = await Promise.all([
      report('2021-05-19', [MAY_2021], out, span),
      cascade(['analyze', MAY_2021, ...span, '--json', '--quiet']),
    ])
    expect(made.code).toBe(0)
    const doc = daily(out, '2021-05-19')
    expect(doc.span).toEqual({
      from: '2021-05-19T10:00:00.000Z',
      to: '2021-05-19T16:30:00.000Z',
      hours: 6.5,
      narrowed: true,
    })
    expect(doc.day).toEqual({ from: '2021-05-19T00:00:00.000Z', to: '2021-05-20T00:00:00.000Z', hours: 24 })
    const btc = doc.markets[0]!
    // Seven hour rows on the day's hour grid, the last one half an hour.
    expect(btc.hours.map((h) => h.start.slice(11, 16))).toEqual([
      '10:00',
      '11:00',
      '12:00',
      '13:00',
      '14:00',
      '15:00',
      '16:00',
    ])
    // The span's liquidations are analyze's over the same range, and the hours add up to them.
    const m = JSON.parse(analysed.stdout).markets[0] as { liqLongUsd: number; liqShortUsd: number }
    expect([btc.liqLongUsd, btc.liqShortUsd]).toEqual([m.liqLongUsd, m.liqShortUsd])
    expect(btc.hours.reduce((sum, h) => sum + h.liqLongUsd!, 0)).toBeCloseTo(btc.liqLongUsd!, 1)
    // Both cascades start inside the span (11:14 and 13:21), measured with the baseline before it.
    // The fall's leg starts at 09:06, before the span (its start is the last peak, read from the
    // data before the span too): only the squeeze starts inside it.
    expect(doc.cascades.map((c) => c.start.slice(11, 16))).toEqual(['13:21'])
    expect(doc.analysed.from).toBe('2021-05-18T10:00:00.000Z')
    expect(btc.ranking).toMatchObject({ days: 0, liquidationsUsd: null })
    expect(btc.ranking.notes).toEqual([
      'not ranked: the report covers 10:00–16:30 UTC of the day (--from/--to), rankings compare whole days',
    ])
    expect(doc.headline[0]).toMatch(/^10:00–16:30 UTC: BTC /)
    expect(read(out, '2021-05-19.md')).toContain(
      '2021-05-19 10:00 → 2021-05-19 16:30 UTC (6.5 h), part of the day 2021-05-19 00:00 → 2021-05-20 00:00 UTC (--from/--to)',
    )
    // A later day's report leaves the narrowed one out of its ranking, and says so.
    expect((await report('2021-05-20', [MAY_2021], out, ['--quiet'])).code).toBe(0)
    expect(daily(out, '2021-05-20').warnings).toContain(
      '1 earlier report in the directory cover part of a day (--from/--to); left out of the ranking',
    )
  })
})

describe('ranking against earlier reports in DIR', () => {
  // The earlier days are written as the flat OUT/DATE.json files of cascade.daily/1: folders of
  // reports made by earlier versions keep ranking.
  it('ranks the day’s liquidations, range and cascade move among the earlier days (hand-computed)', async () => {
    const out = dirOf('ranked')
    mkdirSync(out, { recursive: true })
    // Ten earlier days, 05-09 … 05-18; BTC liquidations in $M, range %, largest cascade move %.
    const liq = [20, 35, 50, 200, 15, 60, 90, 10, 25, 40]
    const range = [35, 3, 4, 12, 5, 6, 7, 8, 9, 10]
    const move: (number | null)[] = [null, null, null, -12, null, null, 6, null, null, null]
    liq.forEach((m, i) => {
      const date = `2021-05-${String(9 + i).padStart(2, '0')}`
      const market = {
        market: 'BTC',
        liqLongUsd: m * 1e6 * 0.75,
        liqShortUsd: m * 1e6 * 0.25,
        rangePct: range[i],
        largestMovePct: move[i],
      }
      writeFileSync(
        join(out, `${date}.json`),
        JSON.stringify({ schema: 'cascade.daily/1', date, tz: 'UTC', status: 'ok', markets: [market] }),
      )
    })
    // Not history: another zone, and a later day.
    writeFileSync(
      join(out, '2021-05-08.json'),
      JSON.stringify({
        schema: 'cascade.daily/1',
        date: '2021-05-08',
        tz: 'Asia/Tokyo',
        status: 'ok',
        markets: [],
      }),
    )
    writeFileSync(
      join(out, '2021-05-20.json'),
      JSON.stringify({
        schema: 'cascade.daily/1',
        date: '2021-05-20',
        tz: 'UTC',
        status: 'ok',
        markets: [{ market: 'BTC', liqLongUsd: 1e12, liqShortUsd: 0 }],
      }),
    )
    expect((await report('2021-05-19', [MAY_2021], out, ['--quiet'])).code).toBe(0)
    const r = daily(out, '2021-05-19').markets[0]!.ranking
    expect([r.days, r.firstDay, r.lastDay]).toEqual([10, '2021-05-09', '2021-05-18'])
    // Liquidations $108,000,357.83: only 05-12 ($200M) larger → rank 2 of 11; 9 of 10 smaller → percentile 90;
    // the days after 05-12 were all smaller → "the largest since 2021-05-12".
    expect(r.liquidationsUsd).toEqual({
      value: 108_000_357.83,
      rank: 2,
      of: 10,
      percentile: 90,
      record: false,
      largestSince: '2021-05-12',
    })
    // Range 30.15 %: only 05-09 (35 %) larger → rank 2, percentile 90, largest since 05-09.
    expect(r.rangePct).toMatchObject({ rank: 2, percentile: 90, largestSince: '2021-05-09' })
    // Cascade move 25.5 %: larger than both earlier days with a cascade (12, 6): a record.
    expect(r.cascadeMovePct).toMatchObject({ rank: 1, of: 2, percentile: 100, record: true })
    const md = read(out, '2021-05-19.md')
    expect(md).toContain(
      '- liquidations $108M: the largest since 2021-05-12 (rank 2 of 11, percentile 90.0 of 10 earlier days)',
    )
    expect(md).toMatch(/1 earlier report in the directory cover days in another time zone than UTC/)
    expect(daily(out, '2021-05-19').headline[0]).toMatch(/the largest liquidations since 2021-05-12/)
  })
})

describe('cascade analyze piped: the table only', () => {
  it('has no colour codes, no charts and no progress, even with colour allowed', async () => {
    const run = await cascade(['analyze', MAY_2021], { env: { NO_COLOR: '', FORCE_COLOR: '' } })
    expect(run.code).toBe(0)
    expect(run.stdout).not.toContain('\u001b')
    expect(run.stdout).not.toMatch(/[┤●█▁]/)
    for (const sign of ['\r', '\u001b', 'reading']) expect(run.stderr).not.toContain(sign)
    expect(run.stdout).toBe((await cascade(['analyze', MAY_2021])).stdout)
  })

  const haveScript = (() => {
    try {
      execFileSync('script', ['--version'], { stdio: 'ignore' })
      return true
    } catch {
      return false
    }
  })()

  it.skipIf(!haveScript)(
    'on a terminal: a chart per cascade under the table, any progress bar erased before it',
    () => {
      const command = `stty cols 100; NO_COLOR=1 TZ=UTC ${process.execPath} ${BIN} analyze ${MAY_2021}`
      const screen = execFileSync('script', ['-qec', command, '/dev/null'], { cwd: ROOT, encoding: 'utf8' })
      const table = screen.indexOf('BTC  2021-05-19 00:00')
      expect(table).toBeGreaterThanOrEqual(0)
      // Whatever progress was drawn on stderr was erased before the first line of the table.
      expect(screen.slice(table)).not.toMatch(/reading /)
      const before = screen.slice(0, table)
      if (before.includes('reading')) expect(before.endsWith('\r\u001b[2K')).toBe(true)
      expect(screen).toMatch(/#1 BTC ▼ -28\.89% {2}05-19 09:06 → 13:21/)
      expect(screen).toMatch(/└─+●/)
      expect(screen).toMatch(/ liq long {2}/)
      expect(screen.slice(table)).not.toMatch(new RegExp(`${ESC}\\[3\\dm`)) // NO_COLOR: no colours in the charts either
    },
  )
})

describeReal('cascade report shows episodes and market-wide events (LTC and LINK, 5 Feb 2026)', () => {
  it('lists each slide as one episode of its legs, and the legs of both markets as events', async () => {
    const out = dirOf('episodes')
    const run = await report(
      '2026-02-05',
      [`${REAL}/LTCUSDT-1m-2026-02.csv`, `${REAL}/LINKUSDT-1m-2026-02.csv`],
      out,
    )
    expect(run.code).toBe(0)
    const doc = JSON.parse(read(out, '2026-02-05.json')) as {
      episodes: { market: string; start: string; cascades: string[] }[]
      events: { markets: string[]; lead: { markets: string[]; leadSec: number } }[]
      cascades: { id: string }[]
    }
    for (const market of ['LINK', 'LTC']) {
      const slide = doc.episodes.find((e) => e.market === market && e.start === '2026-02-05T14:39:00.000Z')!
      expect(slide.cascades.length).toBeGreaterThanOrEqual(2)
    }
    expect(doc.events.length).toBeGreaterThanOrEqual(1)
    for (const event of doc.events) expect(event.markets).toEqual(['LINK', 'LTC'])
    const md = read(out, '2026-02-05.md')
    expect(md).toMatch(/## Market-wide events\n\n- Market-wide fall from 2026-02-05 14:39 UTC: LINK, LTC/)
    expect(md).toMatch(/- Episode down 2026-02-05 14:39 → 02-06 00:20 UTC \(-21\.34%, 57\.21 → 45\): 2 legs/)
    expect(read(out, '2026-02-05.html')).toContain('<h2>Market-wide events</h2>')
  })
})
