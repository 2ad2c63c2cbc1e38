/**
 * Golden files: `expectGolden('name.ndjson', text)` compares with test/golden/name.ndjson.
 * UPDATE_GOLDEN=1 rewrites the file instead (review the diff before committing it).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { expect } from 'vitest'

const GOLDEN_DIR = fileURLToPath(new URL('../golden/', import.meta.url))

export function expectGolden(name: string, actual: string): void {
  const path = join(GOLDEN_DIR, name)
  if (process.env.UPDATE_GOLDEN === '1') {
    mkdirSync(dirname(path), { recursive: true })
    writeFileSync(path, actual)
    return
  }
  if (!existsSync(path)) {
    throw new Error(
      `no golden file test/golden/${name}: run with UPDATE_GOLDEN=1 to create it, then review it`,
    )
  }
  expect(actual, `differs from test/golden/${name} (UPDATE_GOLDEN=1 rewrites it)`).toBe(
    readFileSync(path, 'utf8'),
  )
}
