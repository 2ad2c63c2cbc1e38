#!/usr/bin/env node
/**
 * `npm run bench` (builds first): cascade against DuckDB on the jobs users run (DESIGN §9, issues
 * 5, 13 and 15). Generates deterministic Binance USD-M aggTrades data into a temporary directory
 * (deleted afterwards) and times, end to end (process start to exit, median of several runs, with
 * each process's peak RSS):
 *
 * - single files of 1 M, 3 M and 10 M rows as .csv, .csv.gz and .zip: `cascade analyze --json`;
 *   DuckDB making the same 1-second bars from the .csv; zlib inflating the .gz alone;
 * - a folder of 60 daily files of 200k rows (12 M rows), as .csv and as .zip: `cascade analyze DIR`;
 *   DuckDB's bars over the glob of the .csv files; and a folder of 365 small days (memory);
 * - `cascade timeline` of 1 M rows to NDJSON against DuckDB's COPY … TO (FORMAT JSON);
 * - `cascade analyze` of that NDJSON against DuckDB's read_json → 1-second bars;
 * - the pipe `cascade timeline F | cascade analyze -` against `cascade analyze F`;
 * - the default thread count against --threads 1;
 * - hostile input: 400k rows at one millisecond, zips of N copies of one day;
 * - one year of 1-minute cascade-bars;
 * - the progress bar's first estimate against the real time left, on a pseudo-terminal (util-linux
 *   `script`): a big file and the daily folder, as .csv and .zip.
 *
 * DuckDB always runs as a whole process too (scripts/bench-duckdb.mjs: start Node, load
 * @duckdb/node-api, query, result), with the thread count cascade uses for the job.
 *
 *   npm run bench                       # everything (about 15 minutes; ~3 GB of temporary files)
 *   npm run bench -- --quick            # small sizes, one run each (about 2 minutes)
 *   node scripts/bench.mjs --runs 5 --keep --only folder,timeline
 *   node scripts/bench.mjs --only progress  # the progress bar's first estimate (util-linux script)
 *
 * --only takes: single, folder, threads, timeline, hostile, bars, progress.
 *
 * Environment is passed to cascade as is (CASCADE_THREADS=1 measures one thread everywhere).
 */
import { execFileSync, spawn } from 'node:child_process'
import { once } from 'node:events'
import {
  closeSync,
  createReadStream,
  createWriteStream,
  existsSync,
  openSync,
  readdirSync,
  statSync,
} from 'node:fs'
import { link, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import { pipeline } from 'node:stream/promises'
import { fileURLToPath } from 'node:url'
import { createGunzip, createGzip } from 'node:zlib'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const BIN = join(ROOT, 'bin/cascade.js')
const DUCK = join(ROOT, 'scripts/bench-duckdb.mjs')
const FLOOR = join(ROOT, 'scripts/bench-floor.mjs')
const GEN = join(ROOT, 'scripts/gen-aggtrades.mjs')
const args = process.argv.slice(2)
const quick = args.includes('--quick')
const keep = args.includes('--keep')
const option = (name) => {
  const at = args.indexOf(name)
  return at >= 0 ? args[at + 1] : undefined
}
const RUNS = option('--runs') ? Number(option('--runs')) : null
const ONLY = option('--only')?.split(',') ?? null
const runsFor = (heavy) => RUNS ?? (quick ? 1 : heavy ? 3 : 5)
const wanted = (job) => ONLY === null || ONLY.includes(job)
const MB = 1e6
const TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : null
const CORES = Math.min(8, availableParallelism())
/**
 * Threads for a job of this many bytes on both sides: what cascade chooses on a quiet machine
 * (fast/pool.ts autoThreads: one per 48 MiB, at most the cores). cascade also leaves out cores
 * other programs keep busy when it chooses on its own; the "threads" lines measure that default.
 */
const jobThreads = (bytes) =>
  Number(process.env.CASCADE_THREADS) || Math.max(1, Math.min(CORES, Math.floor(bytes / (48 << 20))))

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
}
const fmt = (x, digits = 2) => (x === null || x === undefined ? '—' : x.toFixed(digits))
const log = (text) => process.stderr.write(`${text}\n`)

/**
 * Run a process as a user would: wall seconds, its peak RSS (MiB) and stdout. `shell`: a pipeline
 * (peak RSS then unknown).
 */
async function run(command, commandArgs, { shell = false, stdoutFile = null, env = {} } = {}) {
  const timed =
    TIME && !shell ? [TIME, ['-f', 'RSS_KIB=%M', command, ...commandArgs]] : [command, commandArgs]
  const started = process.hrtime.bigint()
  // Output to a file, as a user's `> file` (collecting it here would slow the child down).
  const stdout = stdoutFile === null ? 'pipe' : openSync(stdoutFile, 'w')
  const child = spawn(timed[0], timed[1], {
    stdio: ['ignore', stdout, 'pipe'],
    env: { ...process.env, NO_COLOR: '1', ...env },
    shell,
  })
  let out = ''
  let err = ''
  child.stdout?.setEncoding('utf8').on('data', (d) => {
    out += d
  })
  child.stderr.setEncoding('utf8').on('data', (d) => {
    err += d
  })
  const [code] = await once(child, 'close')
  if (typeof stdout === 'number') closeSync(stdout)
  const seconds = Number(process.hrtime.bigint() - started) / 1e9
  if (code !== 0) throw new Error(`${command} ${commandArgs.join(' ')} exited with ${code}:\n${err}`)
  const rss = /RSS_KIB=(\d+)/.exec(err)
  return { seconds, rssMiB: rss ? Number(rss[1]) / 1024 : null, stdout: out }
}

/** Median wall time and the largest peak RSS of `runs` runs; `check` looks at each run's stdout. */
async function measure(runs, start, check = () => {}) {
  const times = []
  const rss = []
  for (let i = 0; i < runs; i++) {
    const result = await start()
    check(result.stdout)
    times.push(result.seconds)
    if (result.rssMiB !== null) rss.push(result.rssMiB)
  }
  return { seconds: median(times), rss: rss.length ? Math.max(...rss) : null, runs }
}

const cascade = (cascadeArgs, options) => run(process.execPath, [BIN, ...cascadeArgs], options)
const duckdb = (threads, ...duckArgs) => run(process.execPath, [DUCK, String(threads), ...duckArgs])

function generate(rows, path, ...extra) {
  execFileSync(process.execPath, [GEN, String(rows), path, ...extra])
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
  const started = process.hrtime.bigint()
  let bytes = 0
  const gunzip = createGunzip({ chunkSize: 1 << 20 })
  gunzip.on('data', (chunk) => {
    bytes += chunk.length
  })
  await pipeline(createReadStream(gz, { highWaterMark: 1 << 20 }), gunzip)
  return { seconds: Number(process.hrtime.bigint() - started) / 1e9, bytes }
}

const day = (i) => new Date(Date.UTC(2025, 0, 1) + i * 86_400_000).toISOString().slice(0, 10)

/** `days` daily aggTrades files of `rows` rows each spread over the whole day, as Binance names them. */
/** Daily files of a random walk; `crashDay`: the day (index) with a crash at noon. */
async function dailyFolder(dir, days, rows, crashDay = null) {
  await mkdir(dir, { recursive: true })
  for (let i = 0; i < days; i++)
    generate(
      rows,
      join(dir, `BTCUSDT-aggTrades-${day(i)}.csv`),
      '--start',
      day(i),
      '--span',
      '24',
      '--seed',
      String(i + 1),
      ...(i === crashDay ? ['--crash', '12'] : []),
    )
}

/** The rows cascade read, from its --json report. */
const rowsRead = (stdout) => JSON.parse(stdout).inputs.reduce((n, i) => n + i.rows, 0)
const expectRows = (rows) => (stdout) => {
  if (rowsRead(stdout) !== rows) throw new Error(`read ${rowsRead(stdout)} rows, expected ${rows}`)
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

/** Jobs measured against DuckDB: { job, cascade, duckdb, threads, target, goal }. */
const jobs = []
/** Other lines of the report. */
const notes = []
const singles = []

async function singleFiles(dir) {
  for (const rows of quick ? [1_000_000] : [1_000_000, 3_000_000, 10_000_000]) {
    const runs = runsFor(rows >= 3_000_000)
    const sizeDir = join(dir, `single-${rows}`)
    await mkdir(sizeDir)
    const csv = join(sizeDir, 'BTCUSDT-aggTrades-2026-02-05.csv')
    log(`${rows / 1e6} M rows, one file: generating…`)
    generate(rows, csv)
    await gzipFile(csv, `${csv}.gz`)
    await zipFile(csv, csv.replace(/\.csv$/, '.zip'))
    const csvBytes = statSync(csv).size
    const threads = jobThreads(csvBytes)
    for (const [label, file] of [
      ['.csv', csv],
      ['.csv.gz', `${csv}.gz`],
      ['.zip', csv.replace(/\.csv$/, '.zip')],
    ]) {
      const m = await measure(
        runs,
        () => cascade(['analyze', file, '--json', '--quiet', '--threads', String(threads)]),
        expectRows(rows),
      )
      singles.push({ rows, label, bytes: statSync(file).size, csvBytes, ...m })
      log(`  ${label}: ${fmt(m.seconds)} s, peak RSS ${fmt(m.rss, 0)} MiB`)
    }
    const duck = await measure(runs, () => duckdb(threads, 'bars', csv))
    log(`  DuckDB (${threads} threads): ${fmt(duck.seconds)} s`)
    // The floor: Node started, the bytes read and each touched once in JS, on the same threads.
    const floor = await measure(runs, () => run(process.execPath, [FLOOR, csv, String(threads)]))
    log(`  JS floor (${threads} threads): ${fmt(floor.seconds)} s`)
    const inflations = []
    for (let run = 0; run < runs; run++) inflations.push((await inflateAlone(`${csv}.gz`)).seconds)
    const inflate = median(inflations)
    log(`  zlib inflate alone: ${fmt(inflate)} s`)
    const plain = singles.find((s) => s.rows === rows && s.label === '.csv')
    const goal = { 3000000: 0.8, 10000000: 1.0 }[rows]
    jobs.push({
      job: `one file, ${rows / 1e6} M rows (.csv, ${fmt(csvBytes / MB, 0)} MB)`,
      cascade: plain,
      duckdb: duck,
      threads,
      goal,
    })
    notes.push(
      `- ${rows / 1e6} M rows: .csv.gz ${fmt(singles.find((s) => s.rows === rows && s.label === '.csv.gz').seconds)} s against zlib inflating alone ${fmt(inflate)} s`,
      `- ${rows / 1e6} M rows, the JS floor (start Node, read the bytes, touch each once on ${threads} thread${threads === 1 ? '' : 's'}): ${fmt(floor.seconds)} s = ${fmt(floor.seconds / duck.seconds)} × DuckDB; cascade ${fmt(plain.seconds)} s = ${fmt(plain.seconds / floor.seconds)} × the floor`,
    )
    if (rows === 3_000_000 && wanted('threads')) await threadsAgainstOne('one file, 3 M rows', csv, rows)
    if (!keep) await rm(sizeDir, { recursive: true, force: true })
  }
}

/**
 * The default thread count against --threads 1 (the default must never be slower) and against all
 * cores, the runs taken in turn so that the machine's load falls on all three alike.
 */
async function threadsAgainstOne(label, path, rows) {
  const variants = [[], ['--threads', '1'], ['--threads', String(CORES)]]
  const times = variants.map(() => [])
  for (let i = 0; i < runsFor(true); i++) {
    for (const [k, extra] of variants.entries()) {
      const result = await cascade(['analyze', path, '--json', '--quiet', ...extra])
      expectRows(rows)(result.stdout)
      times[k].push(result.seconds)
    }
  }
  const [auto, one, all] = times.map(median)
  notes.push(
    `- threads, ${label}: default ${fmt(auto)} s, --threads 1 ${fmt(one)} s (default/1 = ${fmt(auto / one)} ×), --threads ${CORES} ${fmt(all)} s`,
  )
  log(`  default threads ${fmt(auto)} s, --threads 1 ${fmt(one)} s, --threads ${CORES} ${fmt(all)} s`)
}

async function folders(dir) {
  const days = quick ? 10 : 60
  const rows = 200_000
  const folder = join(dir, 'days-csv')
  const zips = join(dir, 'days-zip')
  log(`${days} daily files of ${rows / 1000}k rows: generating…`)
  await dailyFolder(folder, days, rows)
  await mkdir(zips)
  for (const name of readdirSync(folder))
    await zipFile(join(folder, name), join(zips, name.replace(/\.csv$/, '.zip')))
  const bytes = readdirSync(folder).reduce((n, f) => n + statSync(join(folder, f)).size, 0)
  const threads = jobThreads(bytes)
  const runs = runsFor(true)
  const csv = await measure(
    runs,
    () => cascade(['analyze', folder, '--json', '--quiet', '--threads', String(threads)]),
    expectRows(days * rows),
  )
  log(`  .csv folder: ${fmt(csv.seconds)} s, peak RSS ${fmt(csv.rss, 0)} MiB`)
  const zip = await measure(
    runs,
    () => cascade(['analyze', zips, '--json', '--quiet', '--threads', String(threads)]),
    expectRows(days * rows),
  )
  log(`  .zip folder: ${fmt(zip.seconds)} s, peak RSS ${fmt(zip.rss, 0)} MiB`)
  const duck = await measure(runs, () => duckdb(threads, 'bars', join(folder, '*.csv')))
  log(`  DuckDB (${threads} threads): ${fmt(duck.seconds)} s, peak RSS ${fmt(duck.rss, 0)} MiB`)
  const label = `${days} daily files, ${(days * rows) / 1e6} M rows (${fmt(bytes / MB, 0)} MB)`
  jobs.push({ job: `folder of ${label}, .csv`, cascade: csv, duckdb: duck, threads, goal: 0.8 })
  jobs.push({
    job: `folder of ${label}, .zip (DuckDB on the .csv)`,
    cascade: zip,
    duckdb: duck,
    threads,
    goal: 1.0,
  })
  if (!quick && wanted('threads')) await threadsAgainstOne(`${days}-day folder`, folder, days * rows)
  if (!keep) await rm(zips, { recursive: true, force: true })
  // The same days with a crash in the middle: the window reads them again, keeping the seconds
  // around the crash only; the full path (CASCADE_WINDOW=0) keeps every second.
  const crash = join(dir, 'days-crash')
  const crashDay = Math.floor(days / 2)
  await mkdir(crash)
  for (const name of readdirSync(folder)) await link(join(folder, name), join(crash, name))
  await rm(join(crash, `BTCUSDT-aggTrades-${day(crashDay)}.csv`))
  generate(
    rows,
    join(crash, `BTCUSDT-aggTrades-${day(crashDay)}.csv`),
    '--start',
    day(crashDay),
    '--span',
    '24',
    '--seed',
    String(crashDay + 1),
    '--crash',
    '12',
  )
  const oneCascade = (stdout) => {
    expectRows(days * rows)(stdout)
    const found = JSON.parse(stdout).cascades.length
    if (found !== 1) throw new Error(`expected the crash as one cascade, found ${found}`)
  }
  const args = ['analyze', crash, '--json', '--quiet', '--threads', String(threads)]
  const windowed = await measure(runs, () => cascade(args), oneCascade)
  const full = await measure(runs, () => cascade(args, { env: { CASCADE_WINDOW: '0' } }), oneCascade)
  log(
    `  with a crash: window ${fmt(windowed.seconds)} s, peak RSS ${fmt(windowed.rss, 0)} MiB; full path ${fmt(full.seconds)} s, ${fmt(full.rss, 0)} MiB`,
  )
  notes.push(
    `- ${days}-day folder with a crash on day ${crashDay + 1}: window ${fmt(windowed.seconds)} s, peak RSS ${fmt(windowed.rss, 0)} MiB (read twice: the second read keeps the seconds around the crash); full path (CASCADE_WINDOW=0) ${fmt(full.seconds)} s, ${fmt(full.rss, 0)} MiB`,
  )
  if (!keep) await rm(crash, { recursive: true, force: true })
  // A year of small days: memory must not grow with the number of days.
  const yearDays = quick ? 60 : 365
  const small = join(dir, 'year-csv')
  log(`${yearDays} small daily files (20k rows): generating…`)
  await dailyFolder(small, yearDays, 20_000)
  const year = await measure(
    1,
    () => cascade(['analyze', small, '--json', '--quiet']),
    expectRows(yearDays * 20_000),
  )
  // …nor with a crash in it (the window keeps the seconds around it, read a second time).
  await rm(join(small, `BTCUSDT-aggTrades-${day(yearDays - 30)}.csv`))
  generate(
    20_000,
    join(small, `BTCUSDT-aggTrades-${day(yearDays - 30)}.csv`),
    '--start',
    day(yearDays - 30),
    '--span',
    '24',
    '--seed',
    String(yearDays - 29),
    '--crash',
    '12',
  )
  const yearCrash = await measure(
    1,
    () => cascade(['analyze', small, '--json', '--quiet']),
    (stdout) => {
      expectRows(yearDays * 20_000)(stdout)
      const found = JSON.parse(stdout).cascades.length
      if (found !== 1) throw new Error(`expected the crash as one cascade, found ${found}`)
    },
  )
  log(
    `  ${yearDays}-day folder with a crash: ${fmt(yearCrash.seconds)} s, peak RSS ${fmt(yearCrash.rss, 0)} MiB`,
  )
  notes.push(
    `- ${yearDays} small daily files with a crash on one day: ${fmt(yearCrash.seconds)} s, peak RSS ${fmt(yearCrash.rss, 0)} MiB`,
  )
  log(`  ${yearDays}-day folder: ${fmt(year.seconds)} s, peak RSS ${fmt(year.rss, 0)} MiB`)
  notes.push(
    `- ${yearDays} small daily files (20k rows each): ${fmt(year.seconds)} s, peak RSS ${fmt(year.rss, 0)} MiB; the ${days}-day folder peaked at ${fmt(csv.rss, 0)} MiB`,
  )
  jobs.memory = { year, days: csv, yearDays, dayCount: days }
  if (!keep) await rm(small, { recursive: true, force: true })
  return folder
}

async function pipelines(dir) {
  const rows = quick ? 200_000 : 1_000_000
  const sub = join(dir, 'pipe')
  await mkdir(sub)
  const csv = join(sub, 'BTCUSDT-aggTrades-2026-02-05.csv')
  const ndjson = join(sub, 'timeline.ndjson')
  generate(rows, csv)
  const runs = runsFor(false)
  log(`timeline of ${rows / 1e6} M rows…`)
  const write = await measure(runs, () =>
    run(process.execPath, [BIN, 'timeline', csv, '--quiet'], { stdoutFile: ndjson }),
  )
  const duckOut = join(sub, 'duckdb.ndjson')
  const duckWrite = await measure(runs, () => duckdb(1, 'timeline', csv, duckOut))
  log(`  cascade ${fmt(write.seconds)} s, DuckDB ${fmt(duckWrite.seconds)} s`)
  jobs.push({
    job: `\`cascade timeline\`, ${rows / 1e6} M rows → NDJSON`,
    cascade: write,
    duckdb: duckWrite,
    threads: 1,
    goal: 1.0,
  })
  const read = await measure(runs, () => cascade(['analyze', ndjson, '--json', '--quiet']), expectRows(rows))
  const duckRead = await measure(runs, () => duckdb(1, 'bars-json', ndjson))
  log(`  analyze NDJSON: cascade ${fmt(read.seconds)} s, DuckDB ${fmt(duckRead.seconds)} s`)
  jobs.push({
    job: `\`cascade analyze\` of that NDJSON (${rows / 1e6} M events)`,
    cascade: read,
    duckdb: duckRead,
    threads: 1,
    goal: 2.0,
  })
  const q = (path) => `'${path.replaceAll("'", "'\\''")}'`
  const node = q(process.execPath)
  const pipe = await measure(
    runs,
    () =>
      run(`${node} ${q(BIN)} timeline ${q(csv)} --quiet | ${node} ${q(BIN)} analyze - --json --quiet`, [], {
        shell: true,
      }),
    expectRows(rows),
  )
  const direct = await measure(runs, () => cascade(['analyze', csv, '--json', '--quiet']), expectRows(rows))
  log(`  pipe ${fmt(pipe.seconds)} s, direct ${fmt(direct.seconds)} s`)
  notes.push(
    `- \`cascade timeline F | cascade analyze -\`, ${rows / 1e6} M rows: ${fmt(pipe.seconds)} s (target ≤ 3 s at 1 M rows); \`cascade analyze F\` ${fmt(direct.seconds)} s`,
  )
  jobs.pipe = pipe
  if (!keep) await rm(sub, { recursive: true, force: true })
}

async function hostile(dir) {
  const sub = join(dir, 'hostile')
  await mkdir(sub)
  const rows = quick ? 100_000 : 400_000
  const same = join(sub, 'BTCUSDT-aggTrades-2026-09-17.csv')
  let text = 'agg_trade_id,price,quantity,first_trade_id,last_trade_id,transact_time,is_buyer_maker\n'
  for (let i = 0; i < rows; i++) text += `${i},100.0,0.1,${i},${i},1789655280294,false\n`
  await writeFile(same, text)
  const oneMs = await measure(
    runsFor(false),
    () => cascade(['analyze', same, '--json', '--quiet']),
    expectRows(rows),
  )
  notes.push(`- ${rows / 1000}k rows at one millisecond: ${fmt(oneMs.seconds)} s (issue 15: < 2 s for 400k)`)
  log(`  ${rows / 1000}k rows at one millisecond: ${fmt(oneMs.seconds)} s`)
  const { default: yazl } = await import('yazl')
  const dayText = await readFile(join(ROOT, 'fixtures/binance-aggtrades/BTCUSDT-aggTrades-2026-09-17.csv'))
  const copies = []
  for (const n of quick ? [100, 200] : [100, 200, 400, 800]) {
    const zip = new yazl.ZipFile()
    for (let k = 0; k < n; k++) zip.addBuffer(dayText, `copy${k}/BTCUSDT-aggTrades-2026-09-17.csv`)
    zip.end()
    const path = join(sub, `copies-${n}.zip`)
    await pipeline(zip.outputStream, createWriteStream(path))
    const m = await measure(runsFor(false), () => cascade(['analyze', path, '--json', '--quiet']))
    copies.push(`${n}: ${fmt(m.seconds)} s`)
  }
  notes.push(`- a zip of N copies of one day (issue 15: linear): ${copies.join(', ')}`)
  log(`  copies ${copies.join(', ')}`)
  if (!keep) await rm(sub, { recursive: true, force: true })
}

async function yearOfBars(dir) {
  const bars = join(dir, 'bars-2025-1m.csv')
  await writeYearOfBars(bars)
  const m = await measure(
    runsFor(true),
    () => cascade(['analyze', bars, '--json', '--quiet']),
    expectRows(525_600),
  )
  notes.push(
    `- one year of 1-minute cascade-bars (525,600 rows, ${fmt(statSync(bars).size / MB, 0)} MB): ${fmt(m.seconds)} s, peak RSS ${fmt(m.rss, 0)} MiB`,
  )
}

/**
 * The progress bar's first estimate against the real time left (issue 13: within 2×). cascade runs
 * as a user runs it on a terminal: under a pseudo-terminal of util-linux `script`, whose advanced
 * timing log times every write to the terminal and the whole run (DURATION). The first line with
 * "ETA m:ss" gives when the estimate appeared and its value; the end of the process less that time
 * is the real time left. Also counts lines that said "ETA 0:00" (the bar is erased before the
 * analysis, so any line means work remained), and the time from the `analysing` line to the end.
 */
async function firstEstimate(cascadeArgs, scratch) {
  const timing = join(scratch, 'timing.log')
  const out = join(scratch, 'terminal.log')
  const q = (s) => `'${s.replaceAll("'", "'\\''")}'`
  const command = [process.execPath, BIN, ...cascadeArgs].map(q).join(' ')
  const term = process.env.TERM && process.env.TERM !== 'dumb' ? process.env.TERM : 'xterm'
  const child = spawn(
    'script',
    ['-q', '-e', '-E', 'never', '-m', 'advanced', '-T', timing, '-O', out, '-c', command],
    { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, TERM: term, NO_COLOR: '1' } },
  )
  let err = ''
  child.stderr.setEncoding('utf8').on('data', (d) => {
    err += d
  })
  const [code] = await once(child, 'close')
  if (code !== 0) throw new Error(`script -c ${command} exited with ${code}:\n${err}`)
  const writes = []
  let duration = null
  let at = 0
  for (const line of (await readFile(timing, 'utf8')).split('\n')) {
    const write = /^O ([\d.]+) (\d+)$/.exec(line)
    if (write) {
      at += Number(write[1])
      writes.push({ at, bytes: Number(write[2]) })
    }
    const end = /^H [\d.]+ DURATION ([\d.]+)$/.exec(line)
    if (end) duration = Number(end[1])
  }
  if (duration === null) throw new Error(`no DURATION in ${timing} (script too old for -m advanced?)`)
  // latin1: one character per byte, so offsets in the text are offsets in the log.
  let text = (await readFile(out)).toString('latin1')
  if (text.startsWith('Script started')) text = text.slice(text.indexOf('\n') + 1)
  const eta = /ETA (?:(\d+):)?(\d+):(\d\d)/g
  const first = eta.exec(text)
  const zeros = (text.match(/ETA 0:00(?!\d)/g) ?? []).length
  /** When the terminal had received the text up to `offset`. */
  const timeAt = (offset) => {
    let end = 0
    for (const write of writes) {
      end += write.bytes
      if (end >= offset) return write.at
    }
    return null
  }
  // The line that replaces the bar once reading is over: the rest is analysis and the report.
  const analysing = text.indexOf('analysing ')
  const analysis = analysing < 0 ? null : duration - timeAt(analysing + 1)
  if (!first) return { shown: null, eta: null, remaining: null, duration, zeros, analysis }
  const shown = timeAt(first.index + first[0].length)
  const value = Number(first[1] ?? 0) * 3600 + Number(first[2]) * 60 + Number(first[3])
  return { shown, eta: value, remaining: duration - shown, duration, zeros, analysis }
}

const progressRows = []

async function progressEstimates(dir) {
  if (!existsSync('/usr/bin/script') && !existsSync('/bin/script')) {
    notes.push('- progress bar: skipped, util-linux `script` is not installed')
    return
  }
  const sub = join(dir, 'progress')
  await mkdir(sub)
  const rows = quick ? 3_000_000 : 10_000_000
  const csv = join(sub, 'BTCUSDT-aggTrades-2026-02-05.csv')
  log(`progress bar: ${rows / 1e6} M rows, one file, and a folder of daily files: generating…`)
  generate(rows, csv)
  const zip = csv.replace(/\.csv$/, '.zip')
  await zipFile(csv, zip)
  // The folder job's days when it ran (the same files), otherwise made here.
  const days = quick ? 10 : 60
  let folder = join(dir, 'days-csv')
  if (!existsSync(folder)) {
    folder = join(sub, 'days-csv')
    await dailyFolder(folder, days, 200_000)
  }
  const zips = join(sub, 'days-zip')
  await mkdir(zips)
  for (const name of readdirSync(folder))
    await zipFile(join(folder, name), join(zips, name.replace(/\.csv$/, '.zip')))
  const cases = [
    [`one file, ${rows / 1e6} M rows, .csv`, csv],
    [`one file, ${rows / 1e6} M rows, .zip`, zip],
    [`folder of ${days} daily files, .csv`, folder],
    [`folder of ${days} daily files, .zip`, zips],
  ]
  for (const [job, path] of cases) {
    for (let i = 0; i < runsFor(true); i++) {
      const r = await firstEstimate(['analyze', path], sub)
      progressRows.push({ job, ...r })
      log(
        `  ${job}: first ETA ${r.eta ?? '—'} s at ${fmt(r.shown)} s, ended at ${fmt(r.duration)} s ` +
          `(${fmt(r.remaining)} s left): ${r.eta === null ? '—' : `${fmt(r.eta / r.remaining)} ×`}`,
      )
    }
  }
  if (!keep) await rm(sub, { recursive: true, force: true })
}

function report() {
  const cpu = cpus()[0]?.model ?? 'unknown CPU'
  const lines = ['']
  lines.push(
    `cascade bench — Node ${process.version}, ${availableParallelism()} cores (${cpu}), load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')} at the end${quick ? ', QUICK' : ''}`,
  )
  lines.push(
    'Wall time end to end (process start to exit), median; peak RSS of the process. DuckDB as a whole process.',
  )
  if (jobs.length > 0) {
    lines.push('')
    lines.push(
      '| job | threads | cascade s | DuckDB s | ratio | target | cascade peak MiB | DuckDB peak MiB |',
    )
    lines.push('|---|---:|---:|---:|---:|---|---:|---:|')
    for (const j of jobs) {
      const ratio = j.cascade.seconds / j.duckdb.seconds
      const target = j.goal === undefined ? '' : `≤ ${fmt(j.goal, 1)} × ${ratio <= j.goal ? 'met' : 'MISSED'}`
      lines.push(
        `| ${j.job} | ${j.threads} | ${fmt(j.cascade.seconds)} | ${fmt(j.duckdb.seconds)} | ${fmt(ratio)} × | ${target} | ${fmt(j.cascade.rss, 0)} | ${fmt(j.duckdb.rss, 0)} |`,
      )
    }
  }
  if (singles.length > 0) {
    lines.push('')
    lines.push('| rows | input | file MB | seconds | MB/s | rows/s | peak RSS MiB | runs |')
    lines.push('|---:|---|---:|---:|---:|---:|---:|---:|')
    for (const r of singles) {
      lines.push(
        `| ${r.rows / 1e6} M | ${r.label} | ${fmt(r.bytes / MB, 1)} | ${fmt(r.seconds)} | ${fmt(r.csvBytes / MB / r.seconds, 0)} | ` +
          `${fmt(r.rows / r.seconds / 1e6, 2)} M | ${fmt(r.rss, 0)} | ${r.runs} |`,
      )
    }
  }
  if (progressRows.length > 0) {
    lines.push('')
    lines.push(
      'Progress bar on a pseudo-terminal (`cascade analyze PATH`, default threads): its first estimate (ETA) against the real time left (end of the process less the time the estimate appeared), ratio = ETA / real; each run, then the median.',
    )
    lines.push('')
    lines.push(
      '| job | first ETA at s | ETA s / real time left s | ratio | median ratio | within 2× | "ETA 0:00" lines | analysing s | total s |',
    )
    lines.push('|---|---:|---|---|---:|---|---:|---:|---:|')
    const within = (ratio) => ratio >= 0.5 && ratio <= 2
    for (const job of new Set(progressRows.map((r) => r.job))) {
      const runs = progressRows.filter((r) => r.job === job)
      const estimated = runs.filter((r) => r.eta !== null)
      const ratios = estimated.map((r) => r.eta / r.remaining)
      const verdict =
        ratios.length === 0
          ? 'no ETA'
          : `${within(median(ratios)) ? 'yes' : 'NO'} (runs: ${ratios.filter(within).length} of ${runs.length})`
      const each = (f) => runs.map(f).join(', ')
      lines.push(
        `| ${job} | ${each((r) => fmt(r.shown))} | ${each((r) => `${r.eta ?? '—'} / ${fmt(r.remaining)}`)} | ` +
          `${each((r) => (r.eta === null ? '—' : fmt(r.eta / r.remaining)))} | ${ratios.length ? `${fmt(median(ratios))} ×` : '—'} | ${verdict} | ` +
          `${runs.reduce((n, r) => n + r.zeros, 0)} | ${each((r) => fmt(r.analysis))} | ${each((r) => fmt(r.duration))} |`,
      )
    }
  }
  if (jobs.memory) {
    const { year, days, yearDays, dayCount } = jobs.memory
    const growth = year.rss / days.rss - 1
    notes.push(
      `- ${yearDays}-day folder peak RSS within 20 % of the ${dayCount}-day folder's: ${fmt(growth * 100, 0)} % — ${growth <= 0.2 ? 'met' : 'MISSED'}; ${dayCount}-day folder ≤ 300 MiB: ${fmt(days.rss, 0)} MiB — ${days.rss <= 300 ? 'met' : 'MISSED'}`,
    )
  }
  if (jobs.pipe && !quick)
    notes.push(`- pipe of 1 M rows ≤ 3 s: ${jobs.pipe.seconds <= 3 ? 'met' : 'MISSED'}`)
  lines.push('')
  lines.push(...notes)
  process.stdout.write(`${lines.join('\n')}\n`)
}

async function main() {
  if (!existsSync(join(ROOT, 'dist/cli/main.js')))
    throw new Error('build first: npm run build (npm run bench does)')
  const dir = await mkdtemp(join(tmpdir(), 'cascade-bench-'))
  log(`cascade bench: temporary files in ${dir}${keep ? ' (kept)' : ''}`)
  try {
    if (wanted('single')) await singleFiles(dir)
    if (wanted('folder')) await folders(dir)
    if (wanted('timeline')) await pipelines(dir)
    if (wanted('hostile')) await hostile(dir)
    if (wanted('bars') && !quick) await yearOfBars(dir)
    if (wanted('progress')) await progressEstimates(dir)
    report()
  } finally {
    if (!keep) await rm(dir, { recursive: true, force: true })
  }
}

await main()
