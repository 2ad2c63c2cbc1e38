#!/usr/bin/env node
/**
 * Peak memory of `cascade timeline FILE > /dev/null`: the streaming check of DESIGN §9 (10 M rows
 * and 1 M rows must peak at about the same RSS). Build first (`npm run build`).
 *
 *   node scripts/gen-aggtrades.mjs 10000000 /tmp/BTCUSDT-aggTrades-2026-02-05.csv
 *   node scripts/rss-timeline.mjs /tmp/BTCUSDT-aggTrades-2026-02-05.csv [more cascade options]
 *
 * Prints one line: rows read (from cascade's summary), wall seconds and peak RSS in MiB. The child
 * reports its own peak through process.resourceUsage() at exit, so no external tool is needed.
 */
import { spawn } from 'node:child_process'
import { openSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const [file, ...extra] = process.argv.slice(2)
if (!file) {
  process.stderr.write('usage: node scripts/rss-timeline.mjs FILE [cascade timeline options]\n')
  process.exit(2)
}
const main = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url))
// Run the CLI's main() in a child that writes its peak RSS (KiB) to stderr as it exits.
const child = `
  process.on('exit', () => process.stderr.write('\\nRSS_KIB=' + process.resourceUsage().maxRSS + '\\n'))
  const { main } = await import(${JSON.stringify(main)})
  await main([process.argv[0], 'cascade', ...process.argv.slice(1)])
`
const started = process.hrtime.bigint()
const proc = spawn(process.execPath, ['--input-type=module', '-e', child, 'timeline', file, ...extra], {
  stdio: ['ignore', openSync('/dev/null', 'w'), 'pipe'],
})
let stderr = ''
proc.stderr.on('data', (chunk) => {
  stderr += chunk
})
const code = await new Promise((resolve) => proc.on('close', resolve))
const seconds = Number(process.hrtime.bigint() - started) / 1e9
const rss = /RSS_KIB=(\d+)/.exec(stderr)
const summary = /cascade: ([\d,]+) rows/.exec(stderr)
if (!rss || code !== 0) {
  process.stderr.write(stderr)
  process.stderr.write(`rss-timeline: cascade exited with ${code}\n`)
  process.exit(1)
}
const rows = summary ? summary[1] : '?'
process.stdout.write(
  `${file}: ${rows} rows, ${seconds.toFixed(1)} s, peak RSS ${(Number(rss[1]) / 1024).toFixed(0)} MiB\n`,
)
