/**
 * Writing the output fails (issue 15 item 5): a full device, a file size limit. One line and exit
 * 2, the stack only with --debug; a document (`analyze --json`, `--md`, the table) is written whole
 * or not at all; a stream of records (`timeline`, `bars`, `--ndjson`) stops after a whole record;
 * stderr that cannot be written does not crash the run. (A closed pipe, `| head`, stays a quiet
 * success: test/cli/timeline.test.ts.)
 */
import { spawnSync } from 'node:child_process'
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs'
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { BIN, cascade, ensureBuilt, ROOT, type Run } from '../helpers/cli.js'

const MAY_2021 = 'fixtures/scenarios/2021-05-19/'
const TRADES = 'fixtures/binance-aggtrades/BTCUSDT-aggTrades-2021-05-19.csv'
const haveFull = existsSync('/dev/full')

beforeAll(() => ensureBuilt())

async function toFull(args: string[]): Promise<Run> {
  const fd = openSync('/dev/full', 'w')
  try {
    return await cascade(args, { stdout: fd })
  } finally {
    closeSync(fd)
  }
}

/** Run under `ulimit -f BLOCKS` (blocks of 1 KiB in sh) with stdout to a fresh file. */
async function underFileLimit(args: string[], blocks: number) {
  const file = join(await mkdtemp(join(tmpdir(), 'cascade-ulimit-')), 'out')
  const quoted = args.map((a) => `'${a}'`).join(' ')
  const run = spawnSync(
    'sh',
    ['-c', `ulimit -f ${blocks}; exec "$0" "$1" ${quoted} > '${file}'`, process.execPath, BIN],
    {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1', TZ: 'UTC' },
    },
  )
  return { code: run.status, stderr: run.stderr, written: readFileSync(file, 'utf8') }
}

function oneLine(stderr: string, pattern: RegExp) {
  const lines = stderr.trimEnd().split('\n')
  expect(lines, stderr).toHaveLength(1)
  expect(lines[0]).toMatch(pattern)
  expect(stderr).not.toMatch(/\n\s+at /) // no stack trace
}

describe.skipIf(!haveFull)('stdout on a full device (/dev/full)', () => {
  it.each(
    [
      ['timeline', TRADES],
      ['timeline', TRADES, '--csv'],
      ['bars', TRADES],
      ['analyze', TRADES, '--json'],
      ['analyze', MAY_2021, '--ndjson'],
      ['analyze', TRADES, '--md'],
      ['analyze', TRADES],
    ].map((args) => [args.join(' '), args] as const),
  )('cascade %s: one line and exit 2', async (_, args) => {
    const run = await toFull([...args])
    expect(run.code).toBe(2)
    oneLine(run.stderr, /^cascade: cannot write to stdout: no space left on device \(ENOSPC\)$/)
  })

  it.each([['sources'], ['sources', '--explain', TRADES], ['--help'], ['--version'], ['analyze', '--help']])(
    'cascade %s: one line and exit 2 (help and version exited 0 with nothing written)',
    async (...args) => {
      const run = await toFull(args)
      expect(run.code).toBe(2)
      oneLine(run.stderr, /^cascade: cannot write to stdout: no space left on device \(ENOSPC\)$/)
    },
  )

  it('help to a pipe is written whole and exits 0', async () => {
    const run = await cascade(['--help'])
    expect(run.code).toBe(0)
    expect(run.stdout).toMatch(
      /^Usage: cascade \[options\] \[command\]\n[\s\S]*\n {2}help \[command\] +display help for command\n$/,
    )
    expect(run.stderr).toBe('')
  })

  it('--debug adds the stack trace', async () => {
    const run = await toFull(['timeline', TRADES, '--debug'])
    expect(run.code).toBe(2)
    expect(run.stderr).toMatch(/^cascade: cannot write to stdout: no space left on device \(ENOSPC\)\n/)
    expect(run.stderr).toMatch(/\n\s+at /)
  })
})

describe('stdout to a file over the size limit (ulimit -f)', () => {
  it('a document is not written at all: analyze --json leaves an empty file, exit 2', async () => {
    const run = await underFileLimit(['analyze', TRADES, '--json'], 1)
    expect(run.code).toBe(2)
    oneLine(run.stderr, /^cascade: cannot write to stdout: file too large \(EFBIG\)$/)
    expect(run.written).toBe('')
  })

  it('the table and Markdown likewise', async () => {
    for (const flags of [[], ['--md']]) {
      const run = await underFileLimit(['analyze', MAY_2021, ...flags], 1)
      expect(run.code).toBe(2)
      expect(run.written).toBe('')
    }
  })

  it('timeline: the events before the limit, each line whole, then exit 2', async () => {
    const run = await underFileLimit(['timeline', TRADES], 2)
    expect(run.code).toBe(2)
    oneLine(run.stderr, /^cascade: cannot write to stdout: file too large \(EFBIG\)$/)
    expect(run.written.length).toBeGreaterThan(0)
    expect(run.written.length).toBeLessThanOrEqual(2048)
    expect(run.written.endsWith('\n')).toBe(true)
    const lines = run.written.trimEnd().split('\n')
    for (const line of lines) expect(() => JSON.parse(line)).not.toThrow()
    // The same events as the full output begins with.
    const full = await cascade(['timeline', TRADES])
    expect(full.stdout.startsWith(run.written)).toBe(true)
  })

  it('bars --ndjson: whole records only', async () => {
    const run = await underFileLimit(['bars', MAY_2021, '--ndjson'], 4)
    expect(run.code).toBe(2)
    expect(run.written.endsWith('\n')).toBe(true)
    for (const line of run.written.trimEnd().split('\n')) expect(() => JSON.parse(line)).not.toThrow()
  })
})

describe('stderr that cannot be written', () => {
  it.skipIf(!haveFull)('does not crash the run: the data is on stdout, exit 0', () => {
    const run = spawnSync(
      'sh',
      ['-c', `exec "$0" "$1" timeline ${TRADES} 2>/dev/full`, process.execPath, BIN],
      {
        cwd: ROOT,
        encoding: 'utf8',
      },
    )
    expect(run.status).toBe(0)
    expect(run.stdout.trimEnd().split('\n')).toHaveLength(20)
  })
})
