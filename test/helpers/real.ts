/**
 * The real exports of shared/ (`../shared/real` beside the repository, as CI has it; or
 * `CASCADE_REAL_DATA=/path/to/real`). One helper decides whether a real-data test runs:
 * - the folder is there: the test runs, and a missing file in it fails the test (no silent skip);
 * - the folder is absent: the test is skipped and its name says which folder it needs;
 * - `CASCADE_REQUIRE_REAL=1` (set by `.ci/run` when shared/ is present): a skip becomes a failure,
 *   so CI runs every real-data test or goes red.
 */
import { existsSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, it } from 'vitest'

const repository = fileURLToPath(new URL('../..', import.meta.url))

/** The folder of real exports: `CASCADE_REAL_DATA`, else `../shared/real` beside the repository. */
export const REAL = resolve(process.env.CASCADE_REAL_DATA ?? join(repository, '..', 'shared', 'real'))

/** Whether the real exports are present on this machine. */
export const hasReal = existsSync(REAL)

const required = process.env.CASCADE_REQUIRE_REAL === '1'

if (required && !hasReal) {
  throw new Error(`CASCADE_REQUIRE_REAL=1 but the real-data folder ${REAL} is missing`)
}

/** The path of a file under the real folder (`realPath('may2021/ETH_USDT-1m.json')`). */
export function realPath(name: string): string {
  return join(REAL, name)
}

const needs = ` [needs ${REAL}; set CASCADE_REAL_DATA]`

/** `describe` for a block of real-data tests: skipped, with the folder named, when it is absent. */
export const describeReal = (name: string, body: () => void): void => {
  if (hasReal) describe(name, body)
  // The body is not run: it may read the real files while collecting its tests.
  else describe.skip(`${name}${needs}`, () => it.skip('reads the real files'))
}

/** `it` for one real-data test: skipped, with the folder named, when it is absent. */
export const itReal = (name: string, body: () => unknown | Promise<unknown>, timeout?: number): void => {
  if (hasReal) it(name, body, timeout)
  else it.skip(`${name}${needs}`, body, timeout)
}
