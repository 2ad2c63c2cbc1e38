/**
 * Names from the inputs on a terminal (issue 15 item 6): one escaping function, and every
 * renderer for people (the table, Markdown, the chart titles) uses it, while JSON keeps the
 * name as it was (JSON escapes by itself).
 */
import { readFileSync } from 'node:fs'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { Report } from '../../src/analysis/report-types.js'
import { escapeForTerminal, escapeStringsForTerminal } from '../../src/escape.js'
import { renderJson } from '../../src/report/json.js'
import { renderMarkdown } from '../../src/report/markdown.js'
import { renderTable } from '../../src/report/table.js'
import { chartData } from '../../src/report/terminal-chart.js'

/** Clears the screen, retitles the window and rings the bell. */
const HOSTILE = 'BTC\u001b[2J\u001b]0;PWNED\u0007'
const SHOWN = 'BTC\\x1b[2J\\x1b]0;PWNED\\x07'
const SGR = new RegExp(`${'\u001b'}\\[[0-9;]*m`, 'g')
/** Any character a terminal acts on: C0, DEL, C1 (CSI is 0x9b), bidi overrides and isolates. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: the characters the test looks for
const ACTS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/

/** The 19 May 2021 report (golden), with the market renamed into an attack everywhere it appears. */
function hostileReport(): Report {
  const text = readFileSync(new URL('../golden/analyze-2021-05-19.json', import.meta.url), 'utf8')
  const report = JSON.parse(text) as Report
  for (const market of report.markets) {
    market.market = HOSTILE
    market.series = market.series.map(() => `binance:${HOSTILE}`)
  }
  for (const cascade of report.cascades) {
    cascade.market = HOSTILE
    cascade.reasons = [...cascade.reasons, `seen in ${HOSTILE}`]
  }
  report.warnings = [`${HOSTILE}.csv: a note\nwith a second line`]
  return report
}

describe('escapeForTerminal', () => {
  it('writes control characters out, by name or code', () => {
    expect(escapeForTerminal(HOSTILE)).toBe(SHOWN)
    expect(escapeForTerminal('a\tb\nc\rd')).toBe('a\\tb\\nc\\rd')
    expect(escapeForTerminal('\u009b31m \u007f \u0000')).toBe('\\x9b31m \\x7f \\x00')
    expect(escapeForTerminal('abc\u202edef\u2066')).toBe('abc\\u202edef\\u2066')
  })

  it('leaves printable text alone: accents, CJK, emoji, the arrows and blocks cascade draws', () => {
    for (const text of ['Zürich', '比特币', '🚀 BTC', '→ ▼ █ ┤ …', 'C:\\data\\x.csv', '']) {
      expect(escapeForTerminal(text)).toBe(text)
    }
  })

  it('never lets a character a terminal acts on through, whatever the text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        expect(escapeForTerminal(text)).not.toMatch(ACTS)
        expect(escapeForTerminal(text)).not.toContain('\n')
      }),
    )
  })

  it('escapes every string of a report, and only strings', () => {
    const value = { a: [HOSTILE, 1, null, { b: HOSTILE, c: true }] }
    expect(escapeStringsForTerminal(value)).toEqual({ a: [SHOWN, 1, null, { b: SHOWN, c: true }] })
    expect(value.a[0]).toBe(HOSTILE) // a copy: the report itself is left as it was
  })
})

describe('renderers for people escape names; JSON keeps them', () => {
  const report = hostileReport()

  it('the table: summary, series line, rows, reasons and notes', () => {
    const table = renderTable(report, { color: false })
    expect(table).not.toMatch(ACTS)
    expect(table).toContain(`${SHOWN}  2021-05-19 00:00`)
    expect(table).toContain(`series: binance:${SHOWN}`)
    expect(table).toMatch(new RegExp(`^${SHOWN.replace(/[\\[\]]/g, '\\$&')} ▼`, 'm'))
    // With colour, the only escape codes are cascade's own SGR colours.
    const colored = renderTable(report, { color: true })
    expect(colored.replaceAll(SGR, '')).not.toMatch(ACTS)
  })

  it('Markdown: tables, reasons and data notes', () => {
    const md = renderMarkdown(report)
    expect(md).not.toMatch(ACTS)
    expect(md).toContain(`| ${SHOWN} |`)
    expect(md).toContain('a note\\nwith a second line')
  })

  it('the chart title of a cascade', () => {
    const data = chartData(report.cascades[0]!, 1, null)
    expect(data.title).toBe(`#1 ${SHOWN} ▼ -28.89%`)
  })

  it('JSON carries the name itself, escaped the JSON way', () => {
    const json = renderJson(report)
    expect(json).not.toMatch(ACTS)
    expect((JSON.parse(json) as Report).cascades[0]!.market).toBe(HOSTILE)
  })
})
