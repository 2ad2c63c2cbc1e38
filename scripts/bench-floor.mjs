#!/usr/bin/env node
/**
 * The floor under any JavaScript CSV reader (npm run bench): a whole process that starts Node, reads
 * FILE in 1 MiB chunks on THREADS threads (byte ranges, as cascade splits a big file) and touches
 * every byte once in a JS loop (counting line ends), nothing else. cascade's fast path does this
 * and also tokenizes, parses numbers and folds bars: its time over this one is what the parsing
 * costs; this one's time over DuckDB's is what no JS reader can win back.
 *
 *   node scripts/bench-floor.mjs FILE THREADS
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs'
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads'

function scan(file, from, to) {
  const fd = openSync(file, 'r')
  const buffer = Buffer.allocUnsafe(1 << 20)
  let lines = 0
  for (let at = from; at < to; ) {
    const n = readSync(fd, buffer, 0, Math.min(buffer.length, to - at), at)
    if (n <= 0) break
    for (let i = 0; i < n; i++) if (buffer[i] === 10) lines++
    at += n
  }
  closeSync(fd)
  return lines
}

if (isMainThread) {
  const [file, threadsText] = process.argv.slice(2)
  const threads = Math.max(1, Number(threadsText) || 1)
  const fd = openSync(file, 'r')
  const size = fstatSync(fd).size
  closeSync(fd)
  const cut = (k) => Math.floor((size * k) / threads)
  const others = []
  for (let k = 1; k < threads; k++) {
    others.push(
      new Promise((resolve, reject) => {
        const worker = new Worker(new URL(import.meta.url), {
          workerData: { file, from: cut(k), to: cut(k + 1) },
        })
        worker.once('message', resolve)
        worker.once('error', reject)
      }),
    )
  }
  const mine = scan(file, 0, cut(1))
  const lines = (await Promise.all(others)).reduce((n, x) => n + x, mine)
  process.stdout.write(`${lines}\n`)
} else {
  parentPort.postMessage(scan(workerData.file, workerData.from, workerData.to))
}
