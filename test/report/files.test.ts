/**
 * Atomic report writes: every file lands whole under its name or not at all, a failure before the
 * renames leaves the previous report untouched and no temp files, and temp files of a killed run
 * are removed by the next run. (test/cli/report.test.ts kills a real run with SIGKILL.)
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { removeStaleTemps, writeReportFiles } from '../../src/report/daily/files.js'

const root = mkdtempSync(join(tmpdir(), 'cascade-files-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))
let n = 0
const freshDir = () => join(root, `d${n++}`)

const FILES = [
  { name: '2021-05-19-BTC.svg', content: '<svg/>\n' },
  { name: '2021-05-19.md', content: '# new\n' },
  { name: '2021-05-19.json', content: '{"new":true}\n' },
]

describe('writeReportFiles', () => {
  it('creates the directory and writes every file, leaving no temp file', async () => {
    const dir = join(freshDir(), 'nested')
    await writeReportFiles(dir, FILES)
    expect(readdirSync(dir).sort()).toEqual(['2021-05-19-BTC.svg', '2021-05-19.json', '2021-05-19.md'])
    expect(readFileSync(join(dir, '2021-05-19.json'), 'utf8')).toBe('{"new":true}\n')
  })

  it('a failure after the temp files are written keeps the previous report and removes the temps', async () => {
    const dir = freshDir()
    await writeReportFiles(dir, [{ name: '2021-05-19.md', content: '# old\n' }])
    let seen: string[] = []
    const failing = writeReportFiles(dir, FILES, {
      beforeRename: async () => {
        seen = readdirSync(dir).sort()
        throw new Error('killed')
      },
    })
    await expect(failing).rejects.toThrow('killed')
    // At the failure, the new content existed only as hidden temp files.
    expect(seen).toEqual([
      `.2021-05-19-BTC.svg.${process.pid}.tmp`,
      `.2021-05-19.json.${process.pid}.tmp`,
      `.2021-05-19.md.${process.pid}.tmp`,
      '2021-05-19.md',
    ])
    expect(readdirSync(dir)).toEqual(['2021-05-19.md'])
    expect(readFileSync(join(dir, '2021-05-19.md'), 'utf8')).toBe('# old\n')
  })

  it('removes temp files of dead runs, and keeps those of a live one', async () => {
    const dir = freshDir()
    await writeReportFiles(dir, [{ name: 'x.json', content: '1\n' }])
    // A pid that cannot be alive (above the kernel's pid_max) and our own parent, which is.
    writeFileSync(join(dir, '.2021-05-19.json.99999999.tmp'), '{"half')
    writeFileSync(join(dir, `.2021-05-19.json.${process.ppid}.tmp`), '{"other run')
    writeFileSync(join(dir, '.other.json.99999999.tmp'), 'not ours')
    const removed = await removeStaleTemps(dir, ['2021-05-19.json'])
    expect(removed).toEqual(['.2021-05-19.json.99999999.tmp'])
    await writeReportFiles(dir, FILES)
    expect(readdirSync(dir).sort()).toEqual([
      `.2021-05-19.json.${process.ppid}.tmp`,
      '.other.json.99999999.tmp',
      '2021-05-19-BTC.svg',
      '2021-05-19.json',
      '2021-05-19.md',
      'x.json',
    ])
  })
})
