/**
 * Inputs that are streams (issue 15 items 4 and 10): a zip on stdin is copied to a temp file,
 * which is gone after success, after exit 2, and after SIGINT or SIGTERM; FIFOs and process
 * substitution (`<(zcat f.gz)`) are read as stdin is.
 */
import { execFileSync, spawn } from 'node:child_process'
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import yazl from 'yazl'
import { BIN, cascade, ensureBuilt, ROOT, startCascade } from '../helpers/cli.js'

const ZIP = 'fixtures/scenarios/2021-05-19/BTCUSDT-aggTrades-2021-05-19.zip'
const TRADES = 'fixtures/binance-aggtrades/BTCUSDT-aggTrades-2021-05-19.csv'
const GZIP = 'fixtures/bybit-trades/BTCUSDT2022-05-02.csv.gz'

const haveMkfifo = (() => {
  try {
    execFileSync('mkfifo', ['--version'], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
})()

beforeAll(() => ensureBuilt())

/** A fresh TMPDIR for one run, to see what cascade leaves in it. */
const freshTemp = () => mkdtemp(join(tmpdir(), 'cascade-tmpdir-'))

describe('a zip on stdin', () => {
  it('reads as the named zip does (every thread count), and leaves no temp copy', async () => {
    const temp = await freshTemp()
    const named = await cascade(['analyze', ZIP, '--json'])
    for (const threads of ['1', '2']) {
      const run = await cascade(['analyze', '-', '--json', '--threads', threads], {
        input: readFileSync(ZIP),
        env: { TMPDIR: temp },
      })
      expect(run.code).toBe(0)
      const report = JSON.parse(run.stdout)
      expect(report.inputs[0].path).toBe('<stdin>/BTCUSDT-aggTrades-2021-05-19.csv')
      expect(report.cascades).toEqual(JSON.parse(named.stdout).cascades)
      expect(readdirSync(temp)).toEqual([])
    }
  })

  it('leaves no temp copy after exit 2', async () => {
    const temp = await freshTemp()
    const zip = new yazl.ZipFile()
    zip.addBuffer(Buffer.from('hello\nworld\n'), 'notes.txt')
    zip.end()
    const chunks: Buffer[] = []
    for await (const chunk of zip.outputStream) chunks.push(chunk as Buffer)
    const run = await cascade(['timeline', '-'], { input: Buffer.concat(chunks), env: { TMPDIR: temp } })
    expect(run.code).toBe(2)
    expect(run.stderr).toMatch(/^cascade: <stdin>: no file in the zip is in a format cascade reads/)
    expect(readdirSync(temp)).toEqual([])
  })

  it('a temp folder it cannot write: exit 2, one line', async () => {
    const run = await cascade(['timeline', '-'], {
      input: readFileSync(ZIP),
      env: { TMPDIR: join(await freshTemp(), 'missing') },
    })
    expect(run.code).toBe(2)
    expect(run.stderr).toMatch(/^cascade: <stdin>: cannot copy the zip to a temp file in .*missing/)
    expect(run.stderr.trim().split('\n')).toHaveLength(1)
  })

  it.each(['SIGINT', 'SIGTERM'] as const)(
    'leaves no temp copy after %s, and dies of the signal',
    async (signal) => {
      const temp = await freshTemp()
      const child = startCascade(['analyze', '-'], { env: { TMPDIR: temp } })
      child.stdout!.resume()
      child.stderr!.resume()
      const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_, s) => resolve(s)))
      // Half the zip, then stdin stays open: cascade is copying it when the signal comes.
      child.stdin!.write(readFileSync(ZIP).subarray(0, 100_000))
      const copying = () =>
        readdirSync(temp).some((dir) => readdirSync(join(temp, dir)).some((file) => file.endsWith('.zip')))
      for (let i = 0; i < 600 && !copying(); i++) await new Promise((resolve) => setTimeout(resolve, 50))
      expect(readdirSync(temp)).toHaveLength(1)
      child.kill(signal)
      expect(await exited).toBe(signal)
      expect(readdirSync(temp)).toEqual([])
    },
  )
})

describe('pipes and FIFOs are read as streams', () => {
  it('process substitution: <(zcat file.gz) and <(cat file.zip)', () => {
    const shell = (command: string) =>
      execFileSync('bash', ['-c', command, 'bash', process.execPath, BIN], {
        cwd: ROOT,
        encoding: 'utf8',
        env: { ...process.env, NO_COLOR: '1', TZ: 'UTC' },
      })
    const fromGzip = shell(`"$1" "$2" timeline <(zcat ${GZIP}) --symbol BTCUSDT --source bybit-trades`)
    const named = execFileSync(process.execPath, [BIN, 'timeline', GZIP], { cwd: ROOT, encoding: 'utf8' })
    expect(fromGzip).toBe(named)
    const fromZip = shell(`"$1" "$2" timeline <(cat ${ZIP}) | wc -l`)
    expect(Number(fromZip.trim())).toBe(163_791)
  })

  it.skipIf(!haveMkfifo)('a FIFO named on the command line, its writer started after cascade', async () => {
    const fifo = join(await freshTemp(), 'BTCUSDT-aggTrades-2021-05-19.csv')
    execFileSync('mkfifo', [fifo])
    const run = cascade(['timeline', fifo])
    // cascade waits for a writer, as cat does.
    const writer = spawn('sh', ['-c', 'cat "$0" > "$1"', join(ROOT, TRADES), fifo])
    await new Promise((resolve) => writer.on('exit', resolve))
    const result = await run
    expect(result.code).toBe(0)
    expect(result.stdout).toBe((await cascade(['timeline', TRADES])).stdout)
  })

  it.skipIf(!haveMkfifo)('a FIFO inside a walked folder is skipped with a word, not waited on', async () => {
    const dir = await freshTemp()
    execFileSync('mkfifo', [join(dir, 'pipe.csv')])
    writeFileSync(join(dir, 'BTCUSDT-aggTrades-2021-05-19.csv'), readFileSync(TRADES))
    const run = await cascade(['timeline', dir])
    expect(run.code).toBe(0)
    expect(run.stderr).toContain(`skipped 1 file (a FIFO: ${join(dir, 'pipe.csv')})`)
  })

  it('cascade sources --explain reads a pipe', () => {
    const out = execFileSync(
      'bash',
      ['-c', `"$1" "$2" sources --explain <(cat ${TRADES})`, 'bash', process.execPath, BIN],
      { cwd: ROOT, encoding: 'utf8' },
    )
    expect(out).toMatch(/claimed by binance-aggtrades/)
  })
})
