#!/usr/bin/env node
/**
 * `npm run bench` (builds first): how fast `cascade analyze` reads, measured against DuckDB and
 * zlib in the same run (DESIGN §9, issue 5). Generates deterministic Binance USD-M aggTrades files
 * of 1 M, 3 M (≈ 200 MB) and 10 M rows into a temporary directory (deleted afterwards), runs
 * `cascade analyze --json` on each as .csv, .csv.gz and .zip, and prints wall time, MB/s, rows/s
 * and the child's peak RSS; the same 1-second bars in DuckDB (2 threads, read_csv + GROUP BY
 * second) and the ratio; inflating the .gz with zlib alone and the ratio; and `cascade analyze` of
 * one year of 1-minute cascade-bars (525,600 rows). Medians of several runs.
 *
 *   npm run bench                  # everything (a few minutes; ~2 GB of temporary files)
 *   npm run bench -- --quick       # the 1 M-row case only
 *   node scripts/bench.mjs --runs 5 --keep   # more runs; keep the temporary files
 *
 * Environment passed to cascade as is (CASCADE_THREADS=1 measures one thread).
 */
import { execFileSync, spawn } from 'node:child_process'
import { once } from 'node:events'
import { createReadStream, createWriteStream, existsSync, statSync } from 'node:fs'
import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import { availableParallelism, cpus, tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import { pipeline } from 'node:stream/promises'
import { fileURLToPath } from 'node:url'
import { createGunzip, createGzip } from 'node:zlib'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const BIN = join(ROOT, 'bin/cascade.js')
const args = process.argv.slice(2)
const quick = args.includes('--quick')
const keep = args.includes('--keep')
const runsArg = args.indexOf('--runs')
const RUNS = runsArg >= 0 ? Number(args[runsArg + 1]) : null
const SIZES = quick ? [1_000_000] : [1_000_000, 3_000_000, 10_000_000]
const MB = 1e6
const TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : null

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
}
const fmt = (x, digits = 2) => x.toFixed(digits)
const rowsLabel = (n) => `${n / 1e6} M`
const log = (text) => process.stderr.write(`${text}\n`)

/** Run `cascade ARGS` as a user would; wall seconds, the child's peak RSS (MiB) and its stdout. */
async function runCascade(cascadeArgs) {
  // The child's own peak RSS: /usr/bin/time where there is one, else the child reports it at exit.
  const command = TIME
    ? [TIME, ['-f', 'RSS_KIB=%M', process.execPath, BIN, ...cascadeArgs]]
    : [
        process.execPath,
        [
          '--input-type=module',
          '-e',
          `process.on('exit', () => process.stderr.write('\\nRSS_KIB=' + process.resourceUsage().maxRSS + '\\n'))
           const { main } = await import(${JSON.stringify(join(ROOT, 'dist/cli/main.js'))})
           await main([process.argv[0], 'cascade', ...process.argv.slice(1)])`,
          ...cascadeArgs,
        ],
      ]
  const started = process.hrtime.bigint()
  const child = spawn(command[0], command[1], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NO_COLOR: '1' },
  })
  let stdout = ''
  let stderr = ''
  child.stdout.setEncoding('utf8').on('data', (d) => {
    stdout += d
  })
  child.stderr.setEncoding('utf8').on('data', (d) => {
    stderr += d
  })
  const [code] = await once(child, 'close')
  const seconds = Number(process.hrtime.bigint() - started) / 1e9
  const rss = /RSS_KIB=(\d+)/.exec(stderr)
  if (code !== 0 || !rss) throw new Error(`cascade ${cascadeArgs.join(' ')} exited with ${code}:\n${stderr}`)
  return { seconds, rssMiB: Number(rss[1]) / 1024, stdout }
}

async function timed(fn) {
  const started = process.hrtime.bigint()
  const result = await fn()
  return { seconds: Number(process.hrtime.bigint() - started) / 1e9, result }
}

/** The 1-second bars `cascade bars` makes from USD-M aggTrades, in DuckDB. */
export function duckdbBarsSql(csv) {
  return `SELECT transact_time // 1000 * 1000 AS ts,
    arg_min(price, agg_trade_id) AS open, max(price) AS high, min(price) AS low,
    arg_max(price, agg_trade_id) AS close, sum(quantity) AS volume, sum(price * quantity) AS volumeUsd,
    sum(CASE WHEN is_buyer_maker THEN 0 ELSE price * quantity END) AS takerBuyUsd, count(*) AS trades
  FROM read_csv('${csv.replaceAll("'", "''")}', header = true)
  GROUP BY ALL ORDER BY ts`
}

async function gzipFile(from, to) {
  await pipeline(createReadStream(from, { highWaterMark: 1 << 20 }), createGzip(), createWriteStream(to))
}

async function zipFile(from, to) {
  const { default: yazl } = await import('yazl')
  const zip = new yazl.ZipFile()
  zip.addReadStream(createReadStream(from, { highWaterMark: 1 << 20 }), basename(from))
  zip.end()
  await pipeline(zip.outputStream, createWriteStream(to))
}

/** Inflate a .gz with zlib alone (1 MiB chunks), discarding the text: the floor for .csv.gz. */
async function inflateAlone(gz) {
  let bytes = 0
  const gunzip = createGunzip({ chunkSize: 1 << 20 })
  gunzip.on('data', (chunk) => {
    bytes += chunk.length
  })
  await pipeline(createReadStream(gz, { highWaterMark: 1 << 20 }), gunzip)
  return bytes
}

/** One year of 1-minute cascade-bars of one series (deterministic random walk). */
async function writeYearOfBars(path) {
  const out = createWriteStream(path, { highWaterMark: 1 << 20 })
  out.write(
    'ts,exchange,symbol,market,durationMs,open,high,low,close,volume,volumeUsd,takerBuyUsd,trades,liqLongUsd,liqShortUsd,openInterest,openInterestUsd\n',
  )
  let seed = 20250101
  const random = () => {
    seed = (seed + 0x6d2b79f5) | 0
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  const start = Date.UTC(2025, 0, 1)
  let price = 94000
  let oi = 80000
  let text = ''
  for (let i = 0; i < 525_600; i++) {
    const open = price
    // Now and then a fast fall of several percent, so that there is something to find.
    const shock = random() < 0.0002 ? -0.02 : 0
    price *= 1 + (random() - 0.5) * 0.002 + shock
    const high = Math.max(open, price) * (1 + random() * 0.0005)
    const low = Math.min(open, price) * (1 - random() * 0.0005)
    const volume = 5 + random() * 40 + (shock ? 500 : 0)
    const usd = volume * price
    oi *= 1 + (random() - 0.5) * 0.001 + shock
    text +=
      `${start + i * 60_000},binance,BTCUSDT,BTC-USDT-PERP,60000,${open.toFixed(1)},${high.toFixed(1)},${low.toFixed(1)},` +
      `${price.toFixed(1)},${volume.toFixed(3)},${usd.toFixed(2)},${(usd * random()).toFixed(2)},${Math.floor(volume * 40)},` +
      `${(random() * 2e4 + (shock ? 5e7 : 0)).toFixed(2)},${(random() * 2e4).toFixed(2)},${oi.toFixed(3)},${(oi * price).toFixed(2)}\n`
    if (text.length > 1 << 20) {
      if (!out.write(text)) await once(out, 'drain')
      text = ''
    }
  }
  out.end(text)
  await once(out, 'finish')
}

function verdict(ok) {
  return ok ? 'met' : 'MISSED'
}

async function main() {
  if (!existsSync(join(ROOT, 'dist/cli/main.js')))
    throw new Error('build first: npm run build (npm run bench does)')
  const dir = await mkdtemp(join(tmpdir(), 'cascade-bench-'))
  log(`cascade bench: temporary files in ${dir}${keep ? ' (kept)' : ''}`)
  const table = []
  const duck = new Map()
  const inflate = new Map()
  let duckdb = null
  try {
    try {
      const { DuckDBInstance } = await import('@duckdb/node-api')
      const instance = await DuckDBInstance.create(':memory:', { threads: '2' })
      duckdb = await instance.connect()
    } catch (error) {
      log(`DuckDB not available (${error.message}); its comparison is left out`)
    }
    for (const rows of SIZES) {
      const runs = RUNS ?? (rows >= 3_000_000 ? 3 : 5)
      // A directory per size: the files keep Binance's names (the symbol comes from the name).
      const sizeDir = join(dir, String(rows))
      await mkdir(sizeDir)
      const csv = join(sizeDir, 'BTCUSDT-aggTrades-2026-02-05.csv')
      log(`${rowsLabel(rows)} rows: generating…`)
      execFileSync(process.execPath, [join(ROOT, 'scripts/gen-aggtrades.mjs'), String(rows), csv])
      await gzipFile(csv, `${csv}.gz`)
      await zipFile(csv, csv.replace(/\.csv$/, '.zip'))
      const csvBytes = statSync(csv).size
      for (const [label, file] of [
        ['.csv', csv],
        ['.csv.gz', `${csv}.gz`],
        ['.zip', csv.replace(/\.csv$/, '.zip')],
      ]) {
        const times = []
        const rss = []
        for (let run = 0; run < runs; run++) {
          const result = await runCascade(['analyze', file, '--json', '--quiet'])
          const report = JSON.parse(result.stdout)
          if (report.inputs[0].rows !== rows)
            throw new Error(`${file}: read ${report.inputs[0].rows} rows, expected ${rows}`)
          times.push(result.seconds)
          rss.push(result.rssMiB)
        }
        const seconds = median(times)
        table.push({
          rows,
          label,
          bytes: statSync(file).size,
          csvBytes,
          seconds,
          rss: Math.max(...rss),
          runs,
        })
        log(`  ${label}: ${fmt(seconds)} s, peak RSS ${fmt(Math.max(...rss), 0)} MiB`)
      }
      if (duckdb) {
        const times = []
        for (let run = 0; run < runs; run++) {
          const { seconds, result } = await timed(() => duckdb.runAndReadAll(duckdbBarsSql(csv)))
          if (result.currentRowCount === 0) throw new Error('DuckDB made no bars')
          times.push(seconds)
        }
        duck.set(rows, median(times))
        log(`  DuckDB: ${fmt(median(times))} s`)
      }
      const times = []
      for (let run = 0; run < runs; run++) {
        const { seconds, result } = await timed(() => inflateAlone(`${csv}.gz`))
        if (result !== csvBytes) throw new Error('zlib inflated a different length')
        times.push(seconds)
      }
      inflate.set(rows, median(times))
      log(`  zlib inflate alone: ${fmt(median(times))} s`)
      if (!keep) await rm(sizeDir, { recursive: true, force: true })
    }
    let year = null
    if (!quick) {
      const bars = join(dir, 'bars-2025-1m.csv')
      await writeYearOfBars(bars)
      const times = []
      const rss = []
      for (let run = 0; run < (RUNS ?? 3); run++) {
        const result = await runCascade(['analyze', bars, '--json', '--quiet'])
        if (JSON.parse(result.stdout).inputs[0].rows !== 525_600)
          throw new Error('the year of bars was not read whole')
        times.push(result.seconds)
        rss.push(result.rssMiB)
      }
      year = { seconds: median(times), rss: Math.max(...rss), bytes: statSync(bars).size }
    }
    report(table, duck, inflate, year)
  } finally {
    if (!keep) await rm(dir, { recursive: true, force: true })
  }
}

function report(table, duck, inflate, year) {
  const cpu = cpus()[0]?.model ?? 'unknown CPU'
  const threads = process.env.CASCADE_THREADS ?? `default (${Math.min(8, availableParallelism())})`
  const lines = []
  lines.push('')
  lines.push(
    `cascade bench — Node ${process.version}, ${availableParallelism()} cores (${cpu}), cascade threads ${threads}`,
  )
  lines.push(
    '`cascade analyze FILE --json`, wall time end to end (process start to exit), median; MB/s of CSV text',
  )
  lines.push('')
  lines.push('| rows | input | file MB | seconds | MB/s | rows/s | peak RSS MiB | runs |')
  lines.push('|---:|---|---:|---:|---:|---:|---:|---:|')
  for (const r of table) {
    lines.push(
      `| ${rowsLabel(r.rows)} | ${r.label} | ${fmt(r.bytes / MB, 1)} | ${fmt(r.seconds)} | ${fmt(r.csvBytes / MB / r.seconds, 0)} | ` +
        `${fmt(r.rows / r.seconds / 1e6, 2)} M | ${fmt(r.rss, 0)} | ${r.runs} |`,
    )
  }
  lines.push('')
  const find = (rows, label) => table.find((r) => r.rows === rows && r.label === label)
  for (const rows of [...new Set(table.map((r) => r.rows))]) {
    const plain = find(rows, '.csv')
    const gz = find(rows, '.csv.gz')
    const parts = []
    if (duck.has(rows)) {
      parts.push(
        `DuckDB 1-second bars ${fmt(duck.get(rows))} s → cascade/DuckDB ${fmt(plain.seconds / duck.get(rows))}`,
      )
    }
    parts.push(
      `zlib inflate alone ${fmt(inflate.get(rows))} s → cascade .csv.gz/inflate ${fmt(gz.seconds / inflate.get(rows))}`,
    )
    lines.push(`- ${rowsLabel(rows)} rows: ${parts.join('; ')}`)
  }
  if (year) {
    lines.push(
      `- one year of 1-minute cascade-bars (525,600 rows, ${fmt(year.bytes / MB, 0)} MB): ${fmt(year.seconds)} s, peak RSS ${fmt(year.rss, 0)} MiB`,
    )
  }
  lines.push('')
  lines.push('Targets (issue 5):')
  const three = find(3_000_000, '.csv')
  if (three && duck.has(3_000_000)) {
    const ratio = three.seconds / duck.get(3_000_000)
    lines.push(`- 3 M-row CSV ≤ 0.6 × DuckDB: ${fmt(ratio)} × — ${verdict(ratio <= 0.6)}`)
  }
  const threeGz = find(3_000_000, '.csv.gz')
  if (threeGz) {
    const ratio = threeGz.seconds / inflate.get(3_000_000)
    lines.push(`- 3 M-row .csv.gz ≤ 1.2 × zlib inflate alone: ${fmt(ratio)} × — ${verdict(ratio <= 1.2)}`)
  }
  const ten = table.filter((r) => r.rows === 10_000_000)
  const one = table.filter((r) => r.rows === 1_000_000)
  if (ten.length > 0) {
    const peak = Math.max(...ten.map((r) => r.rss))
    const growth = Math.max(...ten.map((r) => r.rss / one.find((o) => o.label === r.label).rss))
    lines.push(
      `- peak RSS ≤ 150 MB for 10 M rows: ${fmt(peak * 1.048576, 0)} MB — ${verdict(peak * 1.048576 <= 150)}`,
    )
    lines.push(
      `- 10 M-row RSS within 20 % of 1 M: ${fmt((growth - 1) * 100, 0)} % — ${verdict(growth <= 1.2)}`,
    )
  }
  if (year)
    lines.push(`- a year of 1-minute bars ≤ 2 s: ${fmt(year.seconds)} s — ${verdict(year.seconds <= 2)}`)
  process.stdout.write(`${lines.join('\n')}\n`)
}

await main()
