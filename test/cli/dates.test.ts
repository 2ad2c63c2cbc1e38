/**
 * One date reader for every command: `--from 2021-02-30` was read as 2 March by analyze, timeline
 * and bars (Date.parse rolls it over) while report refused the same date. Now each refuses it the
 * same way: exit 2, one line saying why, nothing on stdout.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { cascade, ensureBuilt } from '../helpers/cli.js'

const MAY_2021 = 'fixtures/scenarios/2021-05-19/'

beforeAll(() => ensureBuilt())

describe('an impossible date is refused by every command', () => {
  it.each([
    ['analyze', [MAY_2021, '--from', '2021-02-30']],
    ['timeline', [MAY_2021, '--to', '2021-02-30T12:00']],
    ['bars', [MAY_2021, '--from', '2021-02-30']],
  ])('%s', async (command, args) => {
    const run = await cascade([command, ...args])
    expect(run.code).toBe(2)
    expect(run.stdout).toBe('')
    expect(run.stderr).toMatch(
      /^cascade: --(from|to) 2021-02-30(T12:00)?: not a day: February 2021 has 28 days/,
    )
    expect(run.stderr.trim().split('\n')).toHaveLength(1)
  })

  it('report, for --date and for --from', async () => {
    for (const args of [
      ['--date', '2021-02-30'],
      ['--date', '2021-02-28', '--from', '2021-02-30'],
    ]) {
      const run = await cascade(['report', ...args, MAY_2021, '--out', 'test/.tmp/never-written'])
      expect(run.code).toBe(2)
      expect(run.stderr).toMatch(/2021-02-30: not a day: February 2021 has 28 days/)
    }
  })
})
