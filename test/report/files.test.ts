/**
 * The report directory: a day's files published as one set in OUT/DATE/ with links OUT/DATE.json and
 * OUT/DATE.html into it, the flat layout of earlier versions replaced, paths blocked by something
 * else refused before anything changes, leftovers of killed runs cleared or put back, and the
 * earlier days read back as ranking history from both layouts. (test/cli/report.test.ts kills real
 * runs with SIGKILL at every file-system call of the publishing.)
 */
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { FatalError } from '../../src/errors.js'
import { checkOutput, publishDay, readHistory, recoverStale } from '../../src/report/daily/files.js'

const root = mkdtempSync(join(tmpdir(), 'cascade-files-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))
let n = 0
const freshDir = () => join(root, `d${n++}`)
/** A pid that cannot be alive (above the kernel's pid_max). */
const DEAD = 99_999_999

const DATE = '2021-05-19'
const set = (tag: string, markets: string[]) => [
  ...markets.map((m) => ({ name: `${DATE}-${m}.svg`, content: `<svg>${tag}</svg>\n` })),
  { name: `${DATE}.html`, content: `<p>${tag}</p>\n` },
  { name: `${DATE}.md`, content: `# ${tag}\n` },
  { name: `${DATE}.json`, content: `{"tag":"${tag}"}\n` },
]
const contents = (dir: string) =>
  Object.fromEntries(
    readdirSync(dir)
      .sort()
      .map((name) => [name, readFileSync(join(dir, name), 'utf8')]),
  )
const asFiles = (files: { name: string; content: string }[]) =>
  Object.fromEntries([...files].sort((a, b) => (a.name < b.name ? -1 : 1)).map((f) => [f.name, f.content]))

describe('publishDay', () => {
  it('writes the set into OUT/DATE/, links DATE.json and DATE.html into it, and leaves nothing hidden', async () => {
    const out = join(freshDir(), 'nested')
    expect(await publishDay(out, DATE, set('new', ['BTC']))).toEqual([])
    expect(readdirSync(out).sort()).toEqual([DATE, `${DATE}.html`, `${DATE}.json`])
    expect(contents(join(out, DATE))).toEqual(asFiles(set('new', ['BTC'])))
    expect(readlinkSync(join(out, `${DATE}.json`))).toBe(`${DATE}/${DATE}.json`)
    expect(readlinkSync(join(out, `${DATE}.html`))).toBe(`${DATE}/${DATE}.html`)
    expect(readFileSync(join(out, `${DATE}.json`), 'utf8')).toBe('{"tag":"new"}\n')
  })

  it('replaces the whole set: a chart of the old set that the new one lacks is gone', async () => {
    const out = freshDir()
    await publishDay(out, DATE, set('old', ['BTC', 'ETH']))
    await publishDay(out, DATE, set('new', ['BTC']))
    expect(contents(join(out, DATE))).toEqual(asFiles(set('new', ['BTC'])))
    expect(readdirSync(out).filter((name) => name.startsWith('.'))).toEqual([])
  })

  it('replaces a day of the flat layout: its JSON and HTML become links, its Markdown and charts go, other files stay', async () => {
    const out = freshDir()
    mkdirSync(out)
    for (const file of set('flat', ['BTC', 'ETH'])) writeFileSync(join(out, file.name), file.content)
    writeFileSync(join(out, '2021-05-18.json'), '{"an":"other day"}\n')
    writeFileSync(join(out, `${DATE}-notes.txt`), 'mine\n')
    await publishDay(out, DATE, set('new', ['BTC']))
    expect(readdirSync(out).sort()).toEqual([
      '2021-05-18.json',
      DATE,
      `${DATE}-notes.txt`,
      `${DATE}.html`,
      `${DATE}.json`,
    ])
    expect(lstatSync(join(out, `${DATE}.json`)).isSymbolicLink()).toBe(true)
    expect(readFileSync(join(out, `${DATE}.html`), 'utf8')).toBe('<p>new</p>\n')
  })

  it('a failure while writing leaves the previous set and no temp directory', async () => {
    const out = freshDir()
    await publishDay(out, DATE, set('old', ['BTC']))
    // Two files of one name: the second open ('wx') fails after the first was written.
    const twice = [...set('new', ['BTC']), { name: `${DATE}.md`, content: 'again' }]
    await expect(publishDay(out, DATE, twice)).rejects.toThrow(/EEXIST/)
    expect(contents(join(out, DATE))).toEqual(asFiles(set('old', ['BTC'])))
    expect(readdirSync(out).sort()).toEqual([DATE, `${DATE}.html`, `${DATE}.json`])
  })
})

describe('checkOutput: something else where the set goes is refused before anything changes', () => {
  const refused = async (prepare: (out: string) => void, message: RegExp) => {
    const out = freshDir()
    await publishDay(out, DATE, set('old', ['BTC']))
    prepare(out)
    const before = readdirSync(out).sort()
    for (const attempt of [checkOutput(out, DATE), publishDay(out, DATE, set('new', ['BTC']))]) {
      const error = await attempt.catch((e: unknown) => e)
      expect(error).toBeInstanceOf(FatalError)
      expect((error as Error).message).toMatch(message)
      expect((error as Error).message).toMatch(/nothing was written or replaced/)
    }
    expect(readdirSync(out).sort()).toEqual(before)
    if (existsSync(join(out, DATE)) && lstatSync(join(out, DATE)).isDirectory())
      expect(readFileSync(join(out, DATE, `${DATE}.json`), 'utf8')).toBe('{"tag":"old"}\n')
  }

  it('a directory named DATE.json', () =>
    refused((out) => {
      rmSync(join(out, `${DATE}.json`))
      mkdirSync(join(out, `${DATE}.json`))
    }, /2021-05-19\.json is a directory where the link to the report goes/))

  it('a file named DATE', () =>
    refused((out) => {
      rmSync(join(out, DATE), { recursive: true })
      writeFileSync(join(out, DATE), 'data')
    }, /2021-05-19 is a file where the report's directory goes/))

  it('a day directory holding files a report does not write (the day’s input files, say)', () =>
    refused(
      (out) => writeFileSync(join(out, DATE, 'BTCUSDT-aggTrades-2021-05-19.zip'), 'PK'),
      /holds BTCUSDT-aggTrades-2021-05-19\.zip, which a report does not write/,
    ))

  it('a day directory holding a directory', () =>
    refused(
      (out) => mkdirSync(join(out, DATE, `${DATE}-BTC.svg.d`)),
      /holds 2021-05-19-BTC\.svg\.d \(a directory\)/,
    ))

  it('--out that is a file', async () => {
    const out = freshDir()
    writeFileSync(out, 'x')
    await expect(checkOutput(out, DATE)).rejects.toThrow(/is not a directory/)
  })

  it('a missing --out is fine (it is created when the report is published)', async () => {
    await expect(checkOutput(join(freshDir(), 'new'), DATE)).resolves.toBeUndefined()
  })
})

describe('recoverStale', () => {
  it('puts back a day a dead run moved aside, removes its temp files, and keeps a live run’s', async () => {
    const out = freshDir()
    await publishDay(out, DATE, set('old', ['BTC']))
    // A dead run between its two renames: the old set aside, the new one complete in its temp directory.
    const { renameSync } = await import('node:fs')
    renameSync(join(out, DATE), join(out, `.${DATE}.${DEAD}.old`))
    mkdirSync(join(out, `.${DATE}.${DEAD}.tmp`))
    writeFileSync(join(out, `.${DATE}.${DEAD}.tmp`, `${DATE}.json`), '{"tag":"new"}\n')
    writeFileSync(join(out, `.${DATE}.json.${DEAD}.tmp`), 'a link being made')
    // Aside while the day is there too: only removed. A live run's work (our parent's pid): kept.
    mkdirSync(join(out, `.2021-05-18.${DEAD}.old`))
    mkdirSync(join(out, '2021-05-18'))
    mkdirSync(join(out, `.${DATE}.${process.ppid}.tmp`))
    const done = await recoverStale(out)
    expect(done).toEqual([`${join(out, DATE)}: put back the report a killed run had moved aside`])
    expect(readdirSync(out).sort()).toEqual([
      `.${DATE}.${process.ppid}.tmp`,
      '2021-05-18',
      DATE,
      `${DATE}.html`,
      `${DATE}.json`,
    ])
    expect(contents(join(out, DATE))).toEqual(asFiles(set('old', ['BTC'])))
  })
})

describe('readHistory', () => {
  const doc = (date: string, extra: Record<string, unknown> = {}) =>
    JSON.stringify({
      schema: 'cascade.daily/2',
      date,
      tz: 'UTC',
      status: 'ok',
      span: { narrowed: false },
      markets: [{ market: 'BTC', liqLongUsd: 3, liqShortUsd: 1, rangePct: 5, largestMovePct: -7 }],
      ...extra,
    })

  it('reads OUT/DATE/DATE.json and, for days without a directory, the flat OUT/DATE.json of cascade.daily/1', async () => {
    const out = freshDir()
    mkdirSync(out)
    // 05-10: this layout. 05-11: the flat layout (/1). 05-12: both; the directory wins.
    mkdirSync(join(out, '2021-05-10'))
    writeFileSync(join(out, '2021-05-10', '2021-05-10.json'), doc('2021-05-10'))
    symlinkSync('2021-05-10/2021-05-10.json', join(out, '2021-05-10.json'))
    writeFileSync(
      join(out, '2021-05-11.json'),
      doc('2021-05-11', {
        schema: 'cascade.daily/1',
        span: undefined,
        markets: [{ market: 'BTC', liqLongUsd: 10, liqShortUsd: 2, rangePct: 4, largestMovePct: null }],
      }),
    )
    mkdirSync(join(out, '2021-05-12'))
    writeFileSync(join(out, '2021-05-12', '2021-05-12.json'), doc('2021-05-12'))
    writeFileSync(join(out, '2021-05-12.json'), doc('2021-05-12', { schema: 'cascade.daily/1', markets: [] }))
    // Not history: a narrowed report, a later day, and a hidden temp directory of a run.
    mkdirSync(join(out, '2021-05-13'))
    writeFileSync(join(out, '2021-05-13', '2021-05-13.json'), doc('2021-05-13', { span: { narrowed: true } }))
    mkdirSync(join(out, '2021-05-20'))
    writeFileSync(join(out, '2021-05-20', '2021-05-20.json'), doc('2021-05-20'))
    mkdirSync(join(out, `.2021-05-14.${DEAD}.tmp`))
    writeFileSync(join(out, `.2021-05-14.${DEAD}.tmp`, '2021-05-14.json'), doc('2021-05-14'))

    const history = await readHistory(out, DATE, 'UTC')
    expect(history.days.map((d) => [d.date, d.markets.get('BTC')])).toEqual([
      ['2021-05-10', { liquidationsUsd: 4, rangePct: 5, cascadeMovePct: 7 }],
      ['2021-05-11', { liquidationsUsd: 12, rangePct: 4, cascadeMovePct: null }],
      ['2021-05-12', { liquidationsUsd: 4, rangePct: 5, cascadeMovePct: 7 }],
    ])
    expect(history.notes).toEqual([
      '1 earlier report in the directory cover part of a day (--from/--to); left out of the ranking',
    ])
  })

  it('leaves out the liquidations of a cascade.daily/1 day whose market had an aggregator beside other series', async () => {
    const out = freshDir()
    mkdirSync(out)
    const market = (series: string[]) => ({
      schema: 'cascade.daily/1',
      span: undefined,
      markets: [{ market: 'BTC', series, liqLongUsd: 8e8, liqShortUsd: 1e8, rangePct: 15 }],
    })
    writeFileSync(
      join(out, '2021-05-10.json'),
      doc('2021-05-10', market(['coinglass:BTC', 'coinglass:BTC-USD-AGG'])),
    )
    writeFileSync(join(out, '2021-05-11.json'), doc('2021-05-11', market(['coinglass:BTC-USD-AGG'])))
    writeFileSync(join(out, '2021-05-12.json'), doc('2021-05-12', market(['binance:BTC-USDT-PERP'])))
    const history = await readHistory(out, DATE, 'UTC')
    expect(history.days.map((d) => d.markets.get('BTC')!.liquidationsUsd)).toEqual([null, 9e8, 9e8])
    expect(history.days[0]!.markets.get('BTC')!.rangePct).toBe(15)
    expect(history.notes.join('\n')).toMatch(
      /liquidations of 2021-05-10 BTC left out of the ranking: those cascade\.daily\/1 reports may count an aggregator/,
    )
  })

  it('says which files it could not use', async () => {
    const out = freshDir()
    mkdirSync(join(out, '2021-05-10'), { recursive: true })
    writeFileSync(join(out, '2021-05-11.json'), '{"half')
    writeFileSync(join(out, '2021-05-12.json'), JSON.stringify({ schema: 'other/1', date: '2021-05-12' }))
    const history = await readHistory(out, DATE, 'UTC')
    expect(history.days).toEqual([])
    expect(history.notes[0]).toBe(
      '2021-05-10/2021-05-10.json in the report directory is missing; left out of the ranking',
    )
    expect(history.notes[1]).toMatch(/^2021-05-11\.json in the report directory is not readable JSON/)
    expect(history.notes[2]).toBe(
      '2021-05-12.json in the report directory is not a daily report for 2021-05-12; left out of the ranking',
    )
  })
})
