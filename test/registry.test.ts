/**
 * The source registry against the fixtures: every file under fixtures/<id>/ (each member of a zip) is
 * claimed by exactly the source <id>, seen the way ingest sees it (src/ingest/read.ts peek()); every
 * source module is registered and has a fixture folder; ids are unique. New sources and their
 * fixture folders are picked up without touching this file. Folders that are not source ids
 * (fixtures/bad/, shared scenarios) are not format fixtures and are left out.
 */
import { existsSync, readdirSync, statSync } from 'node:fs'
import { basename, join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { expandPaths, membersOf } from '../src/ingest/open.js'
import { peek } from '../src/ingest/read.js'
import { explain, SOURCES } from '../src/sources/index.js'
import type { Source } from '../src/sources/source.js'

const FIXTURES = 'fixtures'
const SOURCE_DIR = 'src/sources'
const ids = new Set(SOURCES.map((s) => s.id))

const fixtureFolders = readdirSync(FIXTURES).filter((name) => statSync(join(FIXTURES, name)).isDirectory())
const formatFolders = fixtureFolders.filter((name) => ids.has(name))

/** What each source says about each member of a fixture file, probed exactly as ingest probes it. */
async function verdicts(file: string) {
  const result: { member: string; claimedBy: string[]; empty: boolean }[] = []
  for (const member of await membersOf(file, {})) {
    const { probe, stream } = await peek(await member.open(), member.name, member.path)
    stream.destroy()
    const claimedBy = explain(probe)
      .filter((e) => e.verdict.claims)
      .map((e) => e.source.id)
    result.push({ member: member.path, claimedBy, empty: probe.lines.length === 0 && !probe.binary })
  }
  return result
}

function isSource(value: unknown): value is Source {
  const v = value as Partial<Source> | null
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof v.id === 'string' &&
    typeof v.detect === 'function' &&
    typeof v.open === 'function'
  )
}

describe('source registry', () => {
  it('ids are unique', () => {
    const all = SOURCES.map((s) => s.id)
    expect(all.filter((id, i) => all.indexOf(id) !== i)).toEqual([])
  })

  it('every source has a fixture folder with at least one data file', async () => {
    for (const source of SOURCES) {
      const folder = join(FIXTURES, source.id)
      expect(existsSync(folder), `${folder} is missing`).toBe(true)
      expect((await expandPaths([folder])).length, `${folder} holds no data file`).toBeGreaterThan(0)
    }
  })

  it('every src/sources/*.ts that exports a Source is registered in SOURCES', async () => {
    const modules = readdirSync(SOURCE_DIR).filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
    const unregistered: string[] = []
    let found = 0
    for (const file of modules) {
      const exports = (await import(`../${SOURCE_DIR}/${file.replace(/\.ts$/, '.js')}`)) as Record<
        string,
        unknown
      >
      for (const [name, value] of Object.entries(exports)) {
        if (!isSource(value)) continue
        found++
        if (!SOURCES.includes(value)) unregistered.push(`${file}: ${name} (${value.id})`)
      }
    }
    expect(unregistered).toEqual([])
    expect(found).toBeGreaterThanOrEqual(SOURCES.length)
  })

  describe.each(formatFolders)('fixtures/%s', (id) => {
    const source = SOURCES.find((s) => s.id === id)!
    it('every file is claimed by exactly this source', async () => {
      // A fixture folder's README.md documents where its files come from: not a fixture.
      const files = (await expandPaths([join(FIXTURES, id)])).filter((f) => !f.endsWith('README.md'))
      expect(files.length).toBeGreaterThan(0)
      for (const file of files) {
        for (const { member, claimedBy, empty } of await verdicts(file)) {
          if (empty) continue // an empty file is a warning, not a format
          // A forced-only source (the generic mapping) claims nothing by itself; its fixtures just
          // must not be mistaken for a known format's.
          const expected = source.forcedOnly ? [] : [id]
          expect(claimedBy, `${member} (${basename(file)})`).toEqual(expected)
        }
      }
    })
  })
})
