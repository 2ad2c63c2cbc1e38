/**
 * A worker thread of the fold pool: runs fold tasks one at a time and sends back their results,
 * the bar columns transferred rather than copied.
 */
import { parentPort } from 'node:worker_threads'
import { FatalError } from '../../errors.js'
import type { PoolReply, PoolRequest } from './pool.js'
import { runFoldTask } from './task.js'

const port = parentPort
if (!port) throw new Error('fast/worker.js runs as a worker thread only')

port.on('message', async ({ id, task }: PoolRequest) => {
  const reply = (message: PoolReply, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer)
  try {
    const result = await runFoldTask(task, (bytes, rows) => reply({ id, progress: { bytes, rows } }))
    reply(
      { id, result },
      result.bars.columns.flatMap((column) => (column ? [column.buffer as ArrayBuffer] : [])),
    )
  } catch (error) {
    const e = error as Error
    reply({
      id,
      error: {
        message: e.message,
        hint: error instanceof FatalError ? error.hint : undefined,
        fatal: error instanceof FatalError,
        stack: e.stack,
      },
    })
  }
})
