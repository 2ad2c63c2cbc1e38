/**
 * Worker threads for the fold (DESIGN §9: several files, and byte ranges of one big file, parsed
 * at once). Tasks queue and go to the next free runner. Where the compiled worker script is not
 * there (tests run the TypeScript sources), every task runs in this thread, one after the other.
 */
import { existsSync, readFileSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'
import { FatalError } from '../../errors.js'
import type { FoldResult } from './fold.js'
import { type FoldTask, type Progress, runFoldTask } from './task.js'

export interface PoolRequest {
  id: number
  task: FoldTask
}

export type PoolReply =
  | { id: number; progress: { bytes: number; rows: number } }
  | { id: number; result: FoldResult }
  | { id: number; error: { message: string; hint?: string; fatal: boolean; stack?: string } }

const WORKER_SCRIPT = new URL('./worker.js', import.meta.url)

/** Threads asked for with CASCADE_THREADS, or undefined (cascade then chooses: `autoThreads`). */
export function threadsFromEnv(): number | undefined {
  const fromEnv = Number(process.env.CASCADE_THREADS)
  return Number.isInteger(fromEnv) && fromEnv >= 1 ? fromEnv : undefined
}

/**
 * Input bytes that keep a worker thread busy long enough to pay for starting it: a worker takes
 * about 0.1 s of CPU to load and warm up, in which one thread parses some 40 MB; with less work
 * each, a second thread made a run slower, not faster (measured on 2 cores).
 */
export const WORKER_BYTES = 48 << 20

/**
 * Threads cascade chooses for `bytes` of input (where --threads and CASCADE_THREADS are not
 * given): one per WORKER_BYTES of work, at most the cores this process may use (at most 8) less
 * those other programs keep busy right now. On a 2-core machine shared with other busy programs a
 * second thread ran no faster and cost its start-up and the joining (measured: 60 daily files, 3.9 s
 * with two threads, 3.6 s with one).
 */
export function autoThreads(bytes: number): number {
  return Math.max(1, Math.min(usableCores() - busyCores(), Math.floor(bytes / WORKER_BYTES)))
}

/**
 * Cores other programs are using at this moment: the tasks running or waiting to run (Linux's
 * /proc/loadavg, fourth field), less this one. 0 where that cannot be read.
 */
export function busyCores(): number {
  try {
    const running = Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[3]?.split('/')[0])
    return Number.isInteger(running) ? Math.max(0, running - 1) : 0
  } catch {
    return 0
  }
}

/** Cores this process may use: its CPU affinity, and a container's CPU quota (cgroup v2) if lower. */
export function usableCores(): number {
  let cores = availableParallelism()
  try {
    // `max 100000` (no quota) or `200000 100000`: two cores' worth of time per period.
    const [quota, period] = readFileSync('/sys/fs/cgroup/cpu.max', 'utf8').trim().split(/\s+/)
    if (quota !== 'max' && Number(quota) > 0 && Number(period) > 0)
      cores = Math.min(cores, Math.max(1, Math.ceil(Number(quota) / Number(period))))
  } catch {
    // Not Linux, or no cgroup v2: the affinity alone.
  }
  return Math.max(1, Math.min(8, cores))
}

/** Worker threads exist where the compiled script does (not when tests run the sources). */
export function workersAvailable(): boolean {
  return WORKER_SCRIPT.protocol === 'file:' && existsSync(fileURLToPath(WORKER_SCRIPT))
}

interface Job {
  id: number
  task: FoldTask
  /** The main thread feeds these (it inflates): workers only, where there are workers. */
  workersOnly: boolean
  progress?: Progress
  resolve(result: FoldResult): void
  reject(error: Error): void
}

/**
 * `threads` runners: this thread and `threads - 1` workers, each taking the next task when free.
 * This thread starts at once while the workers load (~0.1 s), so small ranges keep them all busy.
 */
export class FoldPool {
  private readonly queue: Job[] = []
  private readonly idle: Worker[] = []
  private readonly busy = new Map<Worker, Job>()
  private readonly workers: Worker[] = []
  private readonly maxWorkers: number
  private nextId = 0
  private closed = false
  private mainBusy = false

  constructor(threads: number) {
    this.maxWorkers = workersAvailable() ? Math.max(0, threads - 1) : 0
  }

  /** Worker threads this pool may start (0: everything runs in this thread). */
  get workerThreads(): number {
    return this.maxWorkers
  }

  run(task: FoldTask, progress?: Progress, options: { workersOnly?: boolean } = {}): Promise<FoldResult> {
    return new Promise((resolve, reject) => {
      const workersOnly = options.workersOnly === true && this.maxWorkers > 0
      this.queue.push({ id: this.nextId++, task, workersOnly, progress, resolve, reject })
      this.dispatch()
    })
  }

  private dispatch(): void {
    while (this.queue.length > 0 && !this.closed) {
      // This thread first: it is ready now, a worker only after it has loaded.
      if (!this.mainBusy && !this.queue[0]!.workersOnly) {
        this.runHere(this.queue.shift()!)
        continue
      }
      let worker = this.idle.pop()
      if (!worker && this.workers.length < this.maxWorkers) worker = this.spawn()
      if (!worker) return
      const job = this.queue.shift()!
      this.busy.set(worker, job)
      worker.ref()
      const data = job.task.range?.data
      // A block of text moves to the worker rather than being copied.
      worker.postMessage(
        { id: job.id, task: job.task } satisfies PoolRequest,
        data ? [data.buffer as ArrayBuffer] : [],
      )
    }
  }

  /**
   * A task in this thread, pausing between chunks: the workers' replies are taken, and the rest of
   * the program (the progress bar, other inputs' timeline) goes on meanwhile.
   */
  private runHere(job: Job): void {
    this.mainBusy = true
    runFoldTask(job.task, job.progress, true).then(
      (result) => {
        this.mainBusy = false
        job.resolve(result)
        this.dispatch()
      },
      (error: Error) => {
        this.mainBusy = false
        job.reject(error)
        this.dispatch()
      },
    )
  }

  private spawn(): Worker {
    const worker = new Worker(WORKER_SCRIPT)
    this.workers.push(worker)
    worker.on('message', (reply: PoolReply) => {
      const job = this.busy.get(worker)
      if (!job || job.id !== reply.id) return
      if ('progress' in reply) {
        job.progress?.(reply.progress.bytes, reply.progress.rows)
        return
      }
      this.busy.delete(worker)
      this.idle.push(worker)
      // An idle worker must not keep the process alive.
      worker.unref()
      if ('result' in reply) job.resolve(reply.result)
      else {
        const error = reply.error.fatal
          ? new FatalError(reply.error.message, reply.error.hint)
          : new Error(reply.error.message)
        if (reply.error.stack) error.stack = reply.error.stack
        job.reject(error)
      }
      this.dispatch()
    })
    worker.on('error', (error) => {
      const job = this.busy.get(worker)
      this.busy.delete(worker)
      this.workers.splice(this.workers.indexOf(worker), 1)
      job?.reject(error)
      this.dispatch()
    })
    return worker
  }

  async close(): Promise<void> {
    this.closed = true
    for (const job of this.queue.splice(0)) job.reject(new Error('fold pool closed'))
    await Promise.all(this.workers.map((worker) => worker.terminate()))
    this.workers.length = 0
  }
}
