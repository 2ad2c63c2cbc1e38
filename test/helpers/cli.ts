/**
 * Running the built CLI (`node bin/cascade.js`, which loads dist/) as a user would, with NO_COLOR=1
 * and TZ=UTC. `npm test` builds before running vitest; run alone, the first CLI test builds
 * when dist/ is missing or older than src/ (one build at a time, across vitest's worker processes).
 */
import { type ChildProcess, execFileSync, type SpawnOptions, spawn } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, rmdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const ROOT = fileURLToPath(new URL('../..', import.meta.url))
export const BIN = join(ROOT, 'bin/cascade.js')
const BUILT = join(ROOT, 'dist/cli/main.js')

export interface Run {
  code: number | null
  stdout: string
  stderr: string
}

function newestSource(dir: string): number {
  let newest = 0
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs)
  }
  return newest
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms)
}

/** Build dist/ unless it is newer than every file in src/ (as it is under `npm test`). */
export function ensureBuilt(): void {
  if (process.env.npm_lifecycle_event === 'test' && existsSync(BUILT)) return
  if (existsSync(BUILT) && statSync(BUILT).mtimeMs >= newestSource(join(ROOT, 'src'))) return
  const lock = join(ROOT, 'node_modules/.cascade-test-build.lock')
  for (let waited = 0; ; waited += 200) {
    try {
      mkdirSync(lock)
      break
    } catch {
      if (waited > 120_000) throw new Error(`${lock} held for 2 minutes: remove it if no build is running`)
      sleep(200)
    }
  }
  try {
    if (!existsSync(BUILT) || statSync(BUILT).mtimeMs < newestSource(join(ROOT, 'src'))) {
      try {
        execFileSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', ROOT], {
          stdio: 'pipe',
        })
      } catch (error) {
        // tsc still emits on type errors; the tests then show whether the CLI works.
        if (!existsSync(BUILT)) throw error
      }
    }
  } finally {
    rmdirSync(lock)
  }
}

export interface RunOptions {
  /** Written to stdin (a Buffer or text), then stdin is closed. */
  input?: Buffer | string
  env?: Record<string, string>
  /** A file descriptor to use as stdout instead of a pipe (a file, /dev/full); `stdout` is then ''. */
  stdout?: number
}

/** Start `cascade ARGS…` from the project root, for tests that signal it or feed stdin slowly. */
export function startCascade(args: string[], options: Omit<RunOptions, 'input'> = {}): ChildProcess {
  const spawnOptions: SpawnOptions = {
    cwd: ROOT,
    env: { ...process.env, NO_COLOR: '1', TZ: 'UTC', FORCE_COLOR: '0', ...options.env },
    stdio: ['pipe', options.stdout ?? 'pipe', 'pipe'],
  }
  return spawn(process.execPath, [BIN, ...args], spawnOptions)
}

/** Run `cascade ARGS…` from the project root; `input` is written to its stdin. */
export function cascade(args: string[], options: RunOptions = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = startCascade(args, options)
    let stdout = ''
    let stderr = ''
    child.stdout?.setEncoding('utf8').on('data', (d: string) => {
      stdout += d
    })
    child.stderr!.setEncoding('utf8').on('data', (d: string) => {
      stderr += d
    })
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, stdout, stderr }))
    child.stdin!.on('error', () => {}) // cascade may exit before reading all of stdin
    child.stdin!.end(options.input ?? '')
  })
}
