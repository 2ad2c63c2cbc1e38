/**
 * Colour (issue 12 item 13): on a terminal `FORCE_COLOR=0` turns it off as `NO_COLOR` does;
 * `FORCE_COLOR=1` asks for it even in a pipe (`| less -R`).
 */
import { execFileSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { colorWanted } from '../../src/cli/output.js'
import { BIN, cascade, ensureBuilt, ROOT } from '../helpers/cli.js'

const MAY_2021 = 'fixtures/scenarios/2021-05-19/'
const SGR = new RegExp(`${'\u001b'}\\[3\\dm`)

const haveScript = (() => {
  try {
    execFileSync('script', ['--version'], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
})()

describe('colorWanted', () => {
  it('FORCE_COLOR decides when set, then NO_COLOR, then a terminal that is not dumb', () => {
    const tty = { isTTY: true }
    const pipe = { isTTY: false }
    expect(colorWanted(tty, {})).toBe(true)
    expect(colorWanted(tty, { TERM: 'dumb' })).toBe(false)
    expect(colorWanted(tty, { NO_COLOR: '1' })).toBe(false)
    expect(colorWanted(tty, { NO_COLOR: '' })).toBe(true)
    for (const off of ['0', 'false']) expect(colorWanted(tty, { FORCE_COLOR: off })).toBe(false)
    for (const on of ['1', '2', '3', 'true']) expect(colorWanted(pipe, { FORCE_COLOR: on })).toBe(true)
    expect(colorWanted(pipe, { FORCE_COLOR: '' })).toBe(false)
    expect(colorWanted(pipe, {})).toBe(false)
  })
})

describe('cascade analyze and colour', () => {
  it.skipIf(!haveScript)('on a terminal: colour by default, none with FORCE_COLOR=0', () => {
    ensureBuilt()
    const screen = (env: string) =>
      execFileSync(
        'script',
        ['-qec', `${env} TZ=UTC ${process.execPath} ${BIN} analyze ${MAY_2021} --no-progress`, '/dev/null'],
        {
          cwd: ROOT,
          encoding: 'utf8',
          env: { ...process.env, NO_COLOR: '', FORCE_COLOR: '' },
        },
      )
    expect(screen('TERM=xterm')).toMatch(SGR)
    const off = screen('TERM=xterm FORCE_COLOR=0')
    expect(off).toMatch(/#1 BTC ▼ -28\.89%/) // the charts are still drawn, without colour
    expect(off).not.toMatch(SGR)
  })

  it('in a pipe: no colour, unless FORCE_COLOR=1 asks for it', async () => {
    ensureBuilt()
    const plain = await cascade(['analyze', MAY_2021], { env: { NO_COLOR: '', FORCE_COLOR: '' } })
    expect(plain.stdout).not.toMatch(SGR)
    const forced = await cascade(['analyze', MAY_2021], { env: { NO_COLOR: '', FORCE_COLOR: '1' } })
    expect(forced.stdout).toMatch(SGR)
  })
})
