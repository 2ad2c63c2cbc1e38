/**
 * Folders that hold more than data (issue 11 item 2, issue 15 item 9): files of a directory, a glob
 * or a zip that no format claims are skipped, counted and named on stderr in one line, and listed
 * in `skippedFiles[]`; a file named on the command line still fails; --strict makes a skipped file
 * fatal; symbolic links are followed, loops and repeats skipped with a word.
 */
import { copyFileSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs'
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import yazl from 'yazl'
import type { Report } from '../../src/analysis/report-types.js'
import { cascade, ensureBuilt } from '../helpers/cli.js'

const TRADES = 'fixtures/binance-aggtrades/BTCUSDT-aggTrades-2021-05-19.csv'
const TRADES_2025 = 'fixtures/binance-aggtrades/BTCUSDT-aggTrades-2025-10-10.csv'
const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex')

interface Skipped {
  path: string
  reason: string
}
type WithSkipped = Report & { skippedFiles: Skipped[] }

async function zipOf(path: string, members: Record<string, Buffer | string>): Promise<void> {
  const zip = new yazl.ZipFile()
  for (const [name, content] of Object.entries(members)) zip.addBuffer(Buffer.from(content), name)
  zip.end()
  const chunks: Buffer[] = []
  for await (const chunk of zip.outputStream) chunks.push(chunk as Buffer)
  writeFileSync(path, Buffer.concat(chunks))
}

let data: string
beforeAll(async () => {
  ensureBuilt()
  data = await mkdtemp(join(tmpdir(), 'cascade-folder-'))
  copyFileSync(TRADES, join(data, 'BTCUSDT-aggTrades-2021-05-19.csv'))
  writeFileSync(join(data, 'README.txt'), 'Trades I downloaded in May.\n')
  writeFileSync(join(data, 'notes.json'), '{"note": "the crash of 19 May"}\n')
  writeFileSync(join(data, 'prices.csv'), 'when,what\n2021-05-19,42000\n')
  writeFileSync(join(data, 'chart.png'), PNG)
  writeFileSync(join(data, 'BTCUSDT-aggTrades-2021-05-19.zip.CHECKSUM'), 'abc  x.zip\n')
  writeFileSync(join(data, '.DS_Store'), PNG)
  await zipOf(join(data, 'more.zip'), {
    'BTCUSDT-aggTrades-2025-10-10.csv': await import('node:fs').then((fs) => fs.readFileSync(TRADES_2025)),
    'logo.png': PNG,
    'readme.md': '# read me\n',
  })
}, 60_000)

describe('a folder of data and other files', () => {
  it('reads the data, exit 0, and names the skipped files in one stderr line', async () => {
    const run = await cascade(['analyze', data])
    expect(run.code).toBe(0)
    const lines = run.stderr.split('\n').filter((line) => line.includes('skipped'))
    expect(lines).toHaveLength(1)
    const line = lines[0]!
    expect(line).toMatch(/^cascade: warning: skipped 6 files \(/)
    for (const name of [
      'README.txt',
      'notes.json',
      'prices.csv',
      'chart.png',
      'more.zip/logo.png',
      'more.zip/readme.md',
    ])
      expect(line).toContain(join(data, name))
    // Companions of downloads and hidden files are not data and not news.
    expect(line).not.toMatch(/CHECKSUM|DS_Store/)
    expect(run.stderr).toMatch(/40 rows from 2 inputs/)
  })

  it('lists them in skippedFiles[] of the JSON; inputs[].skipped stays a count of rows', async () => {
    const run = await cascade(['analyze', data, '--json'])
    expect(run.code).toBe(0)
    const report = JSON.parse(run.stdout) as WithSkipped
    expect(report.skippedFiles).toEqual([
      {
        path: join(data, 'README.txt'),
        reason: 'unknown format (first line has 1 fields: "Trades I downloaded in May.")',
      },
      { path: join(data, 'chart.png'), reason: 'not a data file (binary bytes)' },
      { path: join(data, 'more.zip/logo.png'), reason: 'not a data file (binary bytes)' },
      {
        path: join(data, 'more.zip/readme.md'),
        reason: 'unknown format (first line has 1 fields: "# read me")',
      },
      {
        path: join(data, 'notes.json'),
        reason: 'unknown format (first line has 1 fields: "{\\"note\\": \\"the crash of 19 May\\"}")',
      },
      { path: join(data, 'prices.csv'), reason: 'unknown format (first line has 2 fields: "when,what")' },
    ])
    expect(report.inputs.map((input) => [input.path, input.skipped])).toEqual([
      [join(data, 'BTCUSDT-aggTrades-2021-05-19.csv'), 0],
      [join(data, 'more.zip/BTCUSDT-aggTrades-2025-10-10.csv'), 0],
    ])
    expect(report.warnings[0]).toMatch(/^skipped 6 files/)
  })

  it('a glob skips likewise', async () => {
    const run = await cascade(['timeline', join(data, '*')])
    expect(run.code).toBe(0)
    expect(run.stderr).toMatch(/skipped 6 files/)
    expect(run.stdout.trim().split('\n')).toHaveLength(40)
  })

  it('--strict makes a skipped file fatal: exit 2 naming it', async () => {
    const run = await cascade(['analyze', data, '--strict'])
    expect(run.code).toBe(2)
    expect(run.stderr).toBe(
      `cascade: ${join(data, 'README.txt')}: unknown format (first line has 1 fields: "Trades I downloaded in May."); --strict stops at a file it cannot read; run cascade sources --explain ${join(data, 'README.txt')} to see what each format expects, or force one with --source ID\n`,
    )
  })

  it('a file named on the command line still fails: exit 2, one line', async () => {
    for (const name of ['README.txt', 'chart.png']) {
      const run = await cascade(['analyze', join(data, name)])
      expect(run.code).toBe(2)
      expect(run.stderr.trim().split('\n')).toHaveLength(1)
      expect(run.stderr).toContain(join(data, name))
    }
  })

  it('a folder with nothing cascade reads: exit 2 naming what it skipped', async () => {
    const junk = await mkdtemp(join(tmpdir(), 'cascade-junk-'))
    writeFileSync(join(junk, 'README.txt'), 'nothing here\n')
    writeFileSync(join(junk, 'chart.png'), PNG)
    const run = await cascade(['analyze', junk])
    expect(run.code).toBe(2)
    expect(run.stderr).toMatch(
      /: no file in a format cascade reads \(unknown format: .*README\.txt; not a data file: .*chart\.png\)/,
    )
  })
})

describe('zips named on the command line', () => {
  it('skip the members no format claims, and read the rest', async () => {
    const run = await cascade(['timeline', join(data, 'more.zip')])
    expect(run.code).toBe(0)
    expect(run.stderr).toMatch(
      /skipped 2 files \(not a data file: .*more\.zip\/logo\.png; unknown format: .*more\.zip\/readme\.md\)/,
    )
  })

  it('with no member cascade reads: exit 2', async () => {
    const zip = join(await mkdtemp(join(tmpdir(), 'cascade-zip-')), 'pictures.zip')
    await zipOf(zip, { 'logo.png': PNG, 'notes.txt': 'hello\n' })
    const run = await cascade(['analyze', zip])
    expect(run.code).toBe(2)
    expect(run.stderr).toMatch(
      /pictures\.zip: no file in the zip is in a format cascade reads \(.*logo\.png: not a data file/,
    )
  })
})

describe('symbolic links inside a folder', () => {
  let root: string
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'cascade-links-'))
    mkdirSync(join(root, 'days'))
    mkdirSync(join(root, 'elsewhere'))
    copyFileSync(TRADES, join(root, 'days', 'BTCUSDT-aggTrades-2021-05-19.csv'))
    copyFileSync(TRADES_2025, join(root, 'elsewhere', 'BTCUSDT-aggTrades-2025-10-10.csv'))
    // A linked directory and a linked file outside the folder: followed.
    symlinkSync(join(root, 'elsewhere'), join(root, 'days', 'linked-dir'))
    // A link back up (a loop), a second way to a file already read, a broken link.
    symlinkSync('..', join(root, 'days', 'loop'))
    symlinkSync('BTCUSDT-aggTrades-2021-05-19.csv', join(root, 'days', 'latest.csv'))
    symlinkSync('missing.csv', join(root, 'days', 'broken.csv'))
  })

  it('are followed; a loop, a repeat and a broken link are skipped with a word', async () => {
    const run = await cascade(['analyze', join(root, 'days'), '--json'])
    expect(run.code).toBe(0)
    const report = JSON.parse(run.stdout) as WithSkipped
    const days = join(root, 'days')
    expect(report.inputs.map((input) => input.path)).toEqual([
      join(days, 'BTCUSDT-aggTrades-2021-05-19.csv'),
      join(days, 'linked-dir', 'BTCUSDT-aggTrades-2025-10-10.csv'),
    ])
    expect(report.skippedFiles).toEqual([
      { path: join(days, 'broken.csv'), reason: 'broken symbolic link' },
      {
        path: join(days, 'latest.csv'),
        reason: `read already as ${join(days, 'BTCUSDT-aggTrades-2021-05-19.csv')} (a symbolic link)`,
      },
      { path: join(days, 'loop'), reason: `symbolic link loop: back to ${root}` },
    ])
    expect(run.stderr).toMatch(
      /skipped 3 files \(broken symbolic link: .*; read already as .*; symbolic link loop: /,
    )
  })
})
