/**
 * Fault injection for tests, never loaded by cascade itself. A test starts the CLI with
 *
 *   NODE_OPTIONS=--import=<file URL of this module>
 *   CASCADE_FAULT_UNDER=/the/output/dir   only calls on paths under it count
 *   CASCADE_FAULT_AT=N                    act just before the Nth counted call
 *   CASCADE_FAULT=kill | fail             SIGKILL the process there (default), or make the call fail with EIO
 *   CASCADE_FAULT_LOG=/some/file          append each counted call as "N call path" (to learn how many there are)
 *
 * The counted calls are those of node:fs/promises that change the file system or write into it:
 * open, mkdir, rename, rm, rmdir, unlink, symlink, copyFile, writeFile, and a file handle's
 * writeFile, write and sync. The module patches node:fs/promises before cascade's modules load, and
 * syncBuiltinESMExports() makes their `import { rename } from 'node:fs/promises'` see the patch.
 */
import { appendFileSync } from 'node:fs'
import fsPromises from 'node:fs/promises'
import { syncBuiltinESMExports } from 'node:module'
import { resolve } from 'node:path'

const under = process.env.CASCADE_FAULT_UNDER ? resolve(process.env.CASCADE_FAULT_UNDER) : null
const at = Number(process.env.CASCADE_FAULT_AT ?? 0)
const mode = process.env.CASCADE_FAULT ?? 'kill'
const log = process.env.CASCADE_FAULT_LOG
let count = 0

const inside = (path) =>
  under !== null &&
  (typeof path === 'string' || path instanceof URL) &&
  resolve(String(path)).startsWith(under)

/** Counts one call; kills the process or throws when it is the chosen one. */
function point(call, path) {
  if (!inside(path)) return
  count++
  if (log) appendFileSync(log, `${count} ${call} ${resolve(String(path))}\n`)
  if (count !== at) return
  if (mode === 'fail') {
    const error = new Error(`EIO: i/o error (injected), ${call} '${path}'`)
    error.code = 'EIO'
    throw error
  }
  process.kill(process.pid, 'SIGKILL')
}

const CALLS = ['mkdir', 'rename', 'rm', 'rmdir', 'unlink', 'symlink', 'copyFile', 'writeFile']
for (const call of CALLS) {
  const original = fsPromises[call]
  fsPromises[call] = async function (...args) {
    // symlink(target, path): the path made is the second argument; the target may be relative.
    point(call, call === 'symlink' ? args[1] : args[0])
    return original.apply(this, args)
  }
}

const HANDLE_CALLS = ['writeFile', 'write', 'sync']
const open = fsPromises.open
fsPromises.open = async function (path, ...rest) {
  point('open', path)
  const handle = await open.call(this, path, ...rest)
  for (const call of HANDLE_CALLS) {
    const original = handle[call]
    handle[call] = (...args) => {
      try {
        point(`handle.${call}`, path)
      } catch (error) {
        return Promise.reject(error)
      }
      return original.apply(handle, args)
    }
  }
  return handle
}

syncBuiltinESMExports()
