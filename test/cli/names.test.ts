/**
 * Names from the inputs never reach the terminal raw (issue 15 item 6): a timeline CSV whose market
 * is `BTC ESC[2J ESC]0;PWNED BEL` (clear the screen, retitle the window) and files named with an
 * ESC, through the table, Markdown, the series line, notes, bad rows, warnings, error lines and
 * usage errors. JSON keeps the name itself (escaped the JSON way).
 */
import { spawnSync } from 'node:child_process'
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import type { Report } from '../../src/analysis/report-types.js'
import { BIN, cascade, ensureBuilt, ROOT } from '../helpers/cli.js'

const MAY_2021 = 'fixtures/scenarios/2021-05-19/'
const TRADES = 'fixtures/binance-aggtrades/BTCUSDT-aggTrades-2021-05-19.csv'
const HOSTILE = 'BTC\u001b[2J\u001b]0;PWNED\u0007'
const SHOWN = 'BTC\\x1b[2J\\x1b]0;PWNED\\x07'
/** Any character a terminal acts on (newlines and tabs of cascade's own layout aside). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: the characters the test looks for
const ACTS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/

let dir: string
/** The 19 May 2021 reconstruction as 1-minute bars in a timeline CSV, its market renamed. */
let hostileCsv: string
/** A file named with an ESC that no format claims, and one with bad rows. */
let unknownNamed: string
let badRowsNamed: string

beforeAll(async () => {
  ensureBuilt()
  dir = await mkdtemp(join(tmpdir(), 'cascade-names-'))
  const bars = join(dir, 'bars.csv')
  writeFileSync(bars, (await cascade(['bars', MAY_2021, '--interval', '1m'])).stdout)
  const timeline = (await cascade(['timeline', bars, '--csv'])).stdout
  expect(timeline.split('\n')[1]).toContain(',BTCUSDT,BTC-USDT-PERP,bar,')
  hostileCsv = join(dir, 'hostile-timeline.csv')
  writeFileSync(hostileCsv, timeline.replaceAll(',BTCUSDT,BTC-USDT-PERP,', `,${HOSTILE},${HOSTILE},`))
  // A folder of data and a file of no known format, named with an ESC.
  mkdirSync(join(dir, 'folder'))
  copyFileSync(TRADES, join(dir, 'folder', basename(TRADES)))
  unknownNamed = join(dir, 'folder', 'prices\u001b[2J\u001b]0;PWNED\u0007.csv')
  writeFileSync(unknownNamed, 'when,what\n1,2\n')
  badRowsNamed = join(dir, 'trades\u001b[31m.csv')
  writeFileSync(
    badRowsNamed,
    'agg_trade_id,price,quantity,first_trade_id,last_trade_id,transact_time,is_buyer_maker\n' +
      '1,100.0,0.1,1,1,1621382400000,false\n' +
      '2,abc\u001b[2J,0.1,2,2,1621382400001,false\n',
  )
}, 120_000)

const noEscape = (text: string) => expect(text).not.toMatch(ACTS)

describe('a market named with escape codes', () => {
  it('the table: the summary, the series line, each cascade row and its reasons, escaped', async () => {
    const run = await cascade(['analyze', hostileCsv])
    expect(run.code).toBe(0)
    noEscape(run.stdout)
    noEscape(run.stderr)
    expect(run.stdout).toContain(`${SHOWN}  2021-05-19 00:00 → 2021-05-19 23:59 UTC`)
    expect(run.stdout).toContain(`series: binance:${SHOWN}`)
    expect(run.stdout).toContain(`1. ${SHOWN} down 2021-05-19`)
  })

  it('Markdown escaped; JSON and NDJSON carry the name itself', async () => {
    const [md, json] = await Promise.all([
      cascade(['analyze', hostileCsv, '--md']),
      cascade(['analyze', hostileCsv, '--json']),
    ])
    noEscape(md.stdout)
    expect(md.stdout).toContain(`| ${SHOWN} |`)
    noEscape(json.stdout)
    const report = JSON.parse(json.stdout) as Report
    expect(report.markets[0]!.market).toBe(HOSTILE)
    expect(report.inputs[0]!.market).toBe(HOSTILE)
  })

  it('the notes on stderr', async () => {
    const run = await cascade(['analyze', hostileCsv, '--market', HOSTILE, '--from', '2030-01-01'])
    noEscape(run.stderr)
    expect(run.stderr).toContain(`--market ${SHOWN}`)
    expect(run.stderr).toContain(`the inputs hold ${SHOWN}, from 2021-05-19 00:00 to 2021-05-19 23:59 UTC`)
  })
})

describe('a file named with escape codes', () => {
  it('named on the command line and of no known format: the error line, escaped, exit 2', async () => {
    const run = await cascade(['analyze', unknownNamed])
    expect(run.code).toBe(2)
    noEscape(run.stderr)
    expect(run.stderr).toContain('prices\\x1b[2J\\x1b]0;PWNED\\x07.csv: unknown format')
  })

  it('bad rows: file:line: CODE message, the name and the value escaped', async () => {
    const run = await cascade([
      'timeline',
      badRowsNamed,
      '--source',
      'binance-aggtrades',
      '--symbol',
      'BTCUSDT',
    ])
    expect(run.code).toBe(1)
    noEscape(run.stderr)
    expect(run.stderr).toContain(
      'trades\\x1b[31m.csv:3: BAD_NUMBER price: expected a number, got "abc\\u001b[2J"',
    )
  })

  it('in a folder: the skipped-files line, escaped', async () => {
    const run = await cascade(['analyze', join(dir, 'folder')])
    expect(run.code).toBe(0)
    noEscape(run.stderr)
    expect(run.stderr).toMatch(/warning: skipped \d+ files? \(.*prices\\x1b\[2J\\x1b\]0;PWNED\\x07\.csv/)
  })

  it('cascade sources --explain quotes the name and the header escaped', async () => {
    const run = await cascade(['sources', '--explain', unknownNamed])
    expect(run.code).toBe(0)
    noEscape(run.stdout)
    expect(run.stdout).toContain('prices\\x1b[2J\\x1b]0;PWNED\\x07.csv')
  })
})

describe('what was typed', () => {
  it('a bad option value and an unknown option are quoted escaped', async () => {
    const bad = await cascade(['analyze', MAY_2021, '--min-move', '\u001b[2J'])
    expect(bad.code).toBe(2)
    noEscape(bad.stderr)
    expect(bad.stderr).toContain('--min-move \\x1b[2J')
    const unknown = await cascade(['analyze', MAY_2021, '--\u001b[2J'])
    expect(unknown.code).toBe(2)
    noEscape(unknown.stderr)
    expect(unknown.stderr).toContain("unknown option '--\\x1b[2J'")
  })
})

/** `script` (util-linux) runs a command on a pseudo-terminal: stdout is then a TTY. */
const haveScript = existsSync('/usr/bin/script')

/** cascade's stdout and stderr as a terminal receives them (line ends as \n again). */
function onTerminal(args: string[]): string {
  const run = spawnSync(
    'script',
    ['-qec', `"${process.execPath}" "$BIN" ${args.map((_, i) => `"$ARG${i}"`).join(' ')}`, '/dev/null'],
    {
      cwd: ROOT,
      encoding: 'utf8',
      env: {
        ...process.env,
        BIN,
        TZ: 'UTC',
        ...Object.fromEntries(args.map((arg, i) => [`ARG${i}`, arg])),
      },
    },
  )
  return run.stdout.replaceAll('\r\n', '\n')
}

describe.skipIf(!haveScript)('CSV to a terminal (stdout a TTY)', () => {
  it('bars, analyze --csv and timeline --csv show the names escaped; to a pipe they carry them as they are', async () => {
    const bars = onTerminal(['bars', hostileCsv, '--interval', '1h'])
    expect(bars.split('\n')[1]).toContain(`,binance,${SHOWN},${SHOWN},3600000,`)
    // Colour codes aside (none in CSV), nothing on the terminal acts.
    noEscape(bars)
    const csv = onTerminal(['analyze', hostileCsv, '--csv'])
    expect(csv).toContain(SHOWN)
    noEscape(csv)
    const timeline = onTerminal(['timeline', hostileCsv, '--csv'])
    expect(timeline.split('\n')[1]).toContain(`,binance,${SHOWN},${SHOWN},`)
    noEscape(timeline)
    const piped = await cascade(['bars', hostileCsv, '--interval', '1h'])
    expect(piped.stdout.split('\n')[1]).toContain(`,binance,${HOSTILE},${HOSTILE},3600000,`)
  })

  it('the table on a terminal (in colour, with its charts): the names escaped', () => {
    const table = onTerminal(['analyze', hostileCsv])
    expect(table).toContain(`series: binance:${SHOWN}`)
    // The table's own colours are SGR codes (ESC [ … m); nothing else acts.
    // biome-ignore lint/suspicious/noControlCharactersInRegex: removing the table's colour codes
    noEscape(table.replace(/\u001b\[[0-9;]*m/g, ''))
  })
})

describe('cascade report notes', () => {
  it("a report directory named with escape codes: the note that puts back a killed run's day is escaped", async () => {
    const out = join(dir, 'reports\u001b]0;PWNED\u0007')
    // A day moved aside by a run that died between its two renames (a pid no process has).
    const gone = spawnSync(process.execPath, ['-e', '']).pid!
    mkdirSync(join(out, `.2021-05-19.${gone}.old`), { recursive: true })
    const run = await cascade(['report', '--date', '2021-05-19', TRADES, '--out', out])
    expect(run.code).toBe(0)
    noEscape(run.stderr)
    expect(run.stderr).toContain(
      'reports\\x1b]0;PWNED\\x07/2021-05-19: put back the report a killed run had moved aside',
    )
  })
})
