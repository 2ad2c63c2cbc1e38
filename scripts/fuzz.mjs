#!/usr/bin/env node
/**
 * `npm run fuzz` (builds first): hostile input, generated. Each case mutates real-format files
 * (the fixtures of every source: flipped bytes, lines cut, doubled, swapped or made too long, odd
 * numbers, stray quotes and CRs, a BOM, a lost header, …; the items of a JSON document; the bytes
 * of a Feather or Parquet file, and the sizes and counts they claim), wraps them plain, in gzip or
 * in zip (sometimes with the wrapper corrupted), and reads them in this process through the library —
 * `ingest` as `cascade timeline` reads, and folded into bars as `cascade analyze` reads — on the
 * fast path and on the reference path (csv-parse + row(), CASCADE_FAST=0). A sample of cases also
 * runs through the real binary. It checks:
 *
 * - no crash: every failure is a FatalError (exit 2), never an internal error or a stack trace;
 * - no hang: every read ends (a case that stops answering is killed and counted);
 * - row accounting: for every input, rows = events + duplicates + bad rows + skipped rows +
 *   superseded bars + suspect prints (ROW_OUTCOMES);
 * - fast = reference: the same outcome, counts, bad rows (codes, lines, messages), events and bars;
 * - the binary: exit status as predicted (0 / 1 bad rows / 2 could not run), no stack trace, and
 *   the same stdout and stderr with CASCADE_FAST=0.
 *
 *   npm run fuzz                              # 2,000 cases, a random seed (printed)
 *   npm run fuzz -- --cases 100000            # the long campaign (minutes)
 *   npm run fuzz -- --seed 7 --case 1234      # one case again: what differed, and its files kept
 *   node scripts/fuzz.mjs --jobs 2 --binary-every 100 --keep /tmp/findings
 *
 * Exits 1 when it found anything. `runFuzz` runs cases in this process (the test suite runs a few
 * hundred seeded ones: test/fuzz.test.ts).
 */
import { execFile, fork } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { availableParallelism, tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { gunzipSync, gzipSync } from 'node:zlib'
import yauzl from 'yauzl'
import yazl from 'yazl'
import { Random } from './lib/random.mjs'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const BIN = join(ROOT, 'bin/cascade.js')
const FIXTURES = join(ROOT, 'fixtures')

/** Sources whose files need options to be read (as their tests read them). */
const SEED_OPTIONS = {
  'generic/mydata.csv': {
    source: 'generic',
    columns: { ts: 'time', price: 'px', amount: 'qty', side: 'taker_side', id: 'trade_id' },
    exchange: 'kraken',
    market: 'BTC-USD',
  },
  'generic/freqtrade_BCHEUR.csv': {
    source: 'generic',
    columns: { ts: '1', price: '2', amount: '3' },
    exchange: 'kraken',
    market: 'BCH-EUR',
  },
}

/** Cells that numbers, times, booleans and sides are read from in every odd way. */
const ODD_CELLS = [
  '',
  ' ',
  '0',
  '-0',
  '0.0',
  '-1',
  '+5',
  '.5',
  '5.',
  '.',
  '1e3',
  '1E-2',
  '1e400',
  '0x10',
  '0X1F',
  '0b11',
  '0o17',
  'Infinity',
  '-Infinity',
  'NaN',
  '1_000',
  '1.2.3',
  '12345678901234567890',
  '9007199254740993',
  '0.00000000000000000001',
  '1621429740',
  '1621429740144123',
  '1621429740144123456',
  '4102444800000',
  '946684799999',
  '2021-05-19 12:00:00',
  '2021-02-30 12:00:00',
  '2021-05-19T12:00:00Z',
  'true',
  'False',
  'TRUE',
  'ture',
  'buy',
  'SELL',
  'long',
  'x',
  'BT$X',
  'BTCUSDT',
  'XBTUSD',
  '"',
  '""',
  '"a,b"',
  '"x\ny"',
  'a"b',
  'é',
  '€',
  '\u0000',
  '\t',
  '\r',
  '=1+1',
  '{}',
  '{"ts":1}',
  '\u001b[2J',
]

const LF = 10

// ---- the seeds --------------------------------------------------------------------------------

/** Lines kept of a fixture: enough for every kind of row, few enough for thousands of cases a minute. */
const SEED_LINES = 60

function head(bytes) {
  let at = -1
  for (let n = 0; n < SEED_LINES; n++) {
    at = bytes.indexOf(LF, at + 1)
    if (at < 0) return bytes
  }
  return bytes.subarray(0, at + 1)
}

/** Files read whole (JSON, Feather, Parquet): kept whole, as a cut one is no document at all. */
const DOCUMENT = /\.(json|feather|parquet)$/

/** The files of a folder and its subfolders, each with its folder under `root` ('' at the top). */
function filesUnder(root, dir = '') {
  return readdirSync(join(root, dir), { withFileTypes: true })
    .sort((a, b) => (a.name < b.name ? -1 : 1))
    .flatMap((entry) =>
      entry.isDirectory() ? filesUnder(root, join(dir, entry.name)) : [{ dir, file: entry.name }],
    )
}

/**
 * Every fixture of every source, decompressed: one seed per file (a CSV or NDJSON text: its first
 * lines). A seed keeps the folder it sits in under its source's (freqtrade's files are named by
 * their exchange folder: binance/ETH_USDT-1m.json).
 */
export async function loadSeeds() {
  const seeds = []
  for (const folder of readdirSync(FIXTURES).sort()) {
    if (folder === 'scenarios' || folder === 'bad' || folder.includes('.')) continue
    for (const { dir, file } of filesUnder(join(FIXTURES, folder))) {
      if (file.endsWith('.md')) continue
      const bytes = readFileSync(join(FIXTURES, folder, dir, file))
      const options = SEED_OPTIONS[`${folder}/${file}`] ?? {}
      const seed = (name, text) => ({
        source: folder,
        dir,
        name,
        text: DOCUMENT.test(name) ? text : head(text),
        options,
      })
      if (file.endsWith('.zip')) {
        for (const member of await unzip(bytes)) seeds.push(seed(basename(member.name), member.text))
      } else if (file.endsWith('.gz')) seeds.push(seed(file.replace(/\.gz$/, ''), gunzipSync(bytes)))
      else seeds.push(seed(file, bytes))
    }
  }
  return seeds
}

function unzip(bytes) {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(bytes, { lazyEntries: true }, (error, zip) => {
      if (error) return reject(error)
      const members = []
      zip.on('entry', (entry) => {
        zip.openReadStream(entry, (e, stream) => {
          if (e) return reject(e)
          const parts = []
          stream.on('data', (d) => parts.push(d))
          stream.on('end', () => {
            members.push({ name: entry.fileName, text: Buffer.concat(parts) })
            zip.readEntry()
          })
        })
      })
      zip.on('end', () => resolve(members))
      zip.readEntry()
    })
  })
}

function zipOf(members) {
  return new Promise((resolve, reject) => {
    const zip = new yazl.ZipFile()
    for (const { name, bytes, store } of members)
      zip.addBuffer(bytes, name, { compress: !store, mtime: new Date(0) })
    zip.end()
    const parts = []
    zip.outputStream.on('data', (d) => parts.push(d))
    zip.outputStream.on('end', () => resolve(Buffer.concat(parts)))
    zip.outputStream.on('error', reject)
  })
}

// ---- mutations --------------------------------------------------------------------------------

/** A line to damage: mostly a data row (a damaged header only makes the file unknown). */
function someLine(r, lines) {
  return lines.length > 1 && r.chance(0.85) ? r.int(1, lines.length - 1) : r.int(0, lines.length - 1)
}

function splitLines(bytes) {
  const lines = []
  let from = 0
  for (;;) {
    const nl = bytes.indexOf(LF, from)
    if (nl < 0) {
      if (from < bytes.length) lines.push(bytes.subarray(from))
      return lines
    }
    lines.push(bytes.subarray(from, nl))
    from = nl + 1
  }
}

const joinLines = (lines, ending = '\n') =>
  Buffer.concat(lines.flatMap((line, i) => (i < lines.length - 1 ? [line, Buffer.from(ending)] : [line])))

/** Ways to damage a text, each small; a case applies a few. */
const MUTATIONS = {
  flipBytes(r, text) {
    const out = Buffer.from(text)
    // Mostly after the first line (see someLine).
    const from = r.chance(0.85) ? Math.max(0, out.indexOf(LF) + 1) : 0
    for (let k = r.int(1, 4); k > 0 && out.length > from; k--)
      out[r.int(from, out.length - 1)] = r.int(0, 255)
    return out
  },
  oddCell(r, text) {
    const lines = splitLines(text)
    if (lines.length === 0) return text
    for (let k = r.int(1, 3); k > 0; k--) {
      const i = someLine(r, lines)
      const cells = lines[i].toString('utf8').split(',')
      cells[r.int(0, cells.length - 1)] = r.pick(ODD_CELLS)
      lines[i] = Buffer.from(cells.join(','))
    }
    return Buffer.concat([joinLines(lines), Buffer.from(text.at(-1) === LF ? '\n' : '')])
  },
  fieldCount(r, text) {
    const lines = splitLines(text)
    if (lines.length === 0) return text
    const i = someLine(r, lines)
    const cells = lines[i].toString('utf8').split(',')
    if (r.chance(0.5)) cells.splice(r.int(0, cells.length - 1), 1)
    else cells.splice(r.int(0, cells.length), 0, r.pick(ODD_CELLS))
    lines[i] = Buffer.from(cells.join(','))
    return Buffer.concat([joinLines(lines), Buffer.from(text.at(-1) === LF ? '\n' : '')])
  },
  lines(r, text) {
    const lines = splitLines(text)
    if (lines.length === 0) return text
    const i = someLine(r, lines)
    const j = someLine(r, lines)
    switch (r.int(0, 5)) {
      case 0:
        lines.splice(i, 1)
        break
      case 1:
        lines.splice(i, 0, lines[i])
        break
      case 2:
        ;[lines[i], lines[j]] = [lines[j], lines[i]]
        break
      case 3:
        // Newest first (some exports), the header kept on top.
        if (lines.length > 2) lines.splice(1, lines.length - 1, ...lines.slice(1).reverse())
        break
      case 4:
        lines.splice(i, 0, Buffer.from(r.pick(['', ' ', '\t', ',,,', '\u00a0'])))
        break
      default:
        lines.push(...lines.slice(0, i + 1))
    }
    return joinLines(lines)
  },
  endings(r, text) {
    const lines = splitLines(text)
    switch (r.int(0, 3)) {
      case 0:
        return joinLines(lines, '\r\n')
      case 1:
        return joinLines(lines, '\r')
      case 2: {
        // One lone CR somewhere.
        const out = Buffer.from(text)
        const nl = out.indexOf(LF, r.int(0, Math.max(0, out.length - 1)))
        if (nl >= 0) out[nl] = 13
        return out
      }
      default:
        return lines.length > 0 ? joinLines(lines) : text
    }
  },
  bom(_r, text) {
    return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), text])
  },
  header(r, text) {
    const lines = splitLines(text)
    if (lines.length === 0) return text
    if (r.chance(0.5)) lines.shift()
    else lines.splice(r.int(1, lines.length), 0, lines[0])
    return joinLines(lines)
  },
  longLine(r, text, context) {
    const lines = splitLines(text)
    const max = context.maxLineBytes
    // Lines past the default limit (1 MiB) are costly to make and read: one in five such cases.
    const length =
      max > 1000 && !r.chance(0.2)
        ? r.int(1, 3000)
        : r.pick([max - 1, max, max + 1, max + 2, 2 * max + r.int(0, 50), r.int(1, 3 * max)])
    // CRs make many short lines of one long one: only with a small limit (else a case is slow).
    const unit = r.pick(max <= 1000 ? ['7', ',', ' ', '"', 'é', 'x\r', '\r'] : ['7', ',', ' ', '"', 'é'])
    let line = Buffer.from(unit.repeat(Math.ceil(length / Buffer.byteLength(unit)))).subarray(
      0,
      Math.max(0, length),
    )
    if (lines.length > 0 && r.chance(0.5)) line = Buffer.concat([lines[r.int(0, lines.length - 1)], line])
    lines.splice(r.int(0, lines.length), 0, line)
    return joinLines(lines, r.pick(['\n', '\n', '\r\n']))
  },
  time(r, text) {
    // A row moved back or ahead in time (its time column edited): OUT_OF_ORDER and its kin.
    const lines = splitLines(text)
    if (lines.length < 2) return text
    const i = r.int(1, lines.length - 1)
    lines[i] = Buffer.from(
      lines[i].toString('utf8').replace(/\b(1[5-9]\d{8,17})\b/, (m) => {
        const shifted = BigInt(m) - BigInt(r.int(-5000, 50000)) * 10n ** BigInt(Math.max(0, m.length - 13))
        return shifted.toString()
      }),
    )
    return joinLines(lines)
  },
  quote(r, text) {
    const out = Buffer.from(text)
    if (out.length > 0) out[r.int(0, out.length - 1)] = 34
    return out
  },
  binary(r, text) {
    const at = r.int(0, text.length)
    const junk = Buffer.from(Array.from({ length: r.int(1, 16) }, () => r.int(0, 255)))
    return Buffer.concat([text.subarray(0, at), junk, text.subarray(at)])
  },
  truncate(r, text) {
    return text.subarray(0, r.int(0, text.length))
  },
}
const MUTATION_NAMES = Object.keys(MUTATIONS)

/**
 * A Feather or Parquet file that lies about a size or a count: five bytes near its end (the
 * footer, the page headers and record batch metadata of a small file) made a huge Thrift varint or
 * a huge little-endian integer, the rest left as it was.
 */
function claims(r, text) {
  const out = Buffer.from(text)
  const from = Math.max(0, out.length - 2048)
  const at = r.int(from, Math.max(from, out.length - 6))
  const huge = r.pick([
    [0xfe, 0xff, 0xff, 0xff, 0x0f],
    [0xff, 0xff, 0xff, 0x7f, 0x00],
    [0x80, 0x80, 0x80, 0x80, 0x08],
    [0x00, 0x00, 0x00, 0x80, 0x00],
  ])
  huge.forEach((byte, i) => {
    if (at + i < out.length) out[at + i] = byte
  })
  return out
}

/** Values a JSON document's cells are given: odd numbers as text, and what is no number at all. */
const ODD_JSON = [null, 0, -0, -1, 1e21, 5e-324, true, false, {}, [], [1, 2], ...ODD_CELLS]
/** A fresh one: the items are changed in place, the list must stay as it is. */
const oddJson = (r) => structuredClone(r.pick(ODD_JSON))

/**
 * The items of a JSON array of rows damaged as a writer's bug would (a cell of another type, a
 * row short or long, a row that is no array, rows doubled, swapped or reversed); the result
 * written on one line or an item a line. A text that is no JSON array comes back as it was.
 */
function jsonItems(r, text) {
  let items
  try {
    items = JSON.parse(text.toString('utf8'))
  } catch {
    return text
  }
  if (!Array.isArray(items) || items.length === 0) return text
  for (let k = r.int(1, 3); k > 0; k--) {
    const i = r.int(0, items.length - 1)
    const item = items[i]
    switch (r.int(0, 5)) {
      case 0:
        if (Array.isArray(item) && item.length > 0) item[r.int(0, item.length - 1)] = oddJson(r)
        break
      case 1:
        if (!Array.isArray(item)) break
        if (r.chance(0.5)) item.pop()
        else item.push(oddJson(r))
        break
      case 2:
        items[i] = oddJson(r)
        break
      case 3:
        items.splice(i, 0, structuredClone(item))
        break
      case 4: {
        const j = r.int(0, items.length - 1)
        ;[items[i], items[j]] = [items[j], items[i]]
        break
      }
      default:
        items.reverse()
    }
  }
  const json = r.chance(0.5)
    ? JSON.stringify(items)
    : `[\n${items.map((item) => JSON.stringify(item) ?? 'null').join(',\n')}\n]\n`
  return Buffer.from(json)
}

/** The odd files a case may be made of besides mutated seeds. */
const EXTREMES = [
  () => Buffer.alloc(0),
  () => Buffer.from('\n\n\r\n'),
  () => Buffer.from('\uFEFF'),
  () => Buffer.from('a,b,c\n1,2,3\n'),
]

// ---- one case ---------------------------------------------------------------------------------

function caseSeed(seed, index) {
  return createHash('sha256').update(`${seed}:${index}`).digest().readUInt32LE(0)
}

/** The files and options of case `index` (deterministic in seed and index). */
export async function makeCase(seeds, seed, index) {
  const r = new Random(caseSeed(seed, index))
  r.pick = (items) => items[Math.floor(r.next() * items.length)]
  const maxLineBytes = r.chance(0.3) ? 1 << 20 : r.pick([16, 64, 100, 200, 1000])
  const context = { maxLineBytes }
  const files = []
  const inputs = r.chance(0.15) ? 2 : 1
  let options = {}
  for (let k = 0; k < inputs; k++) {
    let text
    let name
    const seedFile = k === 1 && r.chance(0.4) ? files[0].seed : r.pick(seeds)
    if (r.chance(0.02)) {
      text = r.pick(EXTREMES)()
      name = seedFile.name
    } else {
      text = seedFile.text
      name = seedFile.name
      // A JSON document is mostly damaged item by item: a byte out of place only makes it no JSON.
      const json = /\.json$/.test(name)
      const tables = /\.(feather|parquet)$/.test(name)
      for (let m = r.int(0, 4); m > 0; m--) {
        if (json && r.chance(0.7)) text = jsonItems(r, text)
        else if (tables && r.chance(0.5)) text = claims(r, text)
        else text = Buffer.from(MUTATIONS[r.pick(MUTATION_NAMES)](r, text, context))
      }
    }
    if (r.chance(0.03)) name = r.pick(['data.csv', 'export.txt', name.toLowerCase(), `x${name}`])
    options = { ...seedFile.options, ...options }
    const wrapper = r.pick(['plain', 'plain', 'plain', 'gzip', 'zip'])
    let bytes = text
    let fileName = name
    // The seed's folder: around the file, or inside the zip around the member.
    let dir = seedFile.dir ?? ''
    if (wrapper === 'gzip') {
      bytes = gzipSync(text)
      fileName = `${name}.gz`
    } else if (wrapper === 'zip') {
      const members = [{ name: dir ? `${dir}/${name}` : name, bytes: text, store: r.chance(0.2) }]
      dir = ''
      if (r.chance(0.1))
        members.push({ name: r.pick(['README.txt', 'x.png', '__MACOSX/._a.csv', 'more/b.csv']), bytes: text })
      bytes = await zipOf(members)
      fileName = `${name.replace(/\.(csv|ndjson)$/, '')}.zip`
    }
    let corrupted = false
    if (wrapper !== 'plain' && r.chance(0.15)) {
      corrupted = true
      bytes = Buffer.from(bytes)
      if (r.chance(0.5)) bytes = bytes.subarray(0, r.int(0, bytes.length))
      else for (let f = r.int(1, 8); f > 0; f--) bytes[r.int(0, bytes.length - 1)] = r.int(0, 255)
    }
    files.push({ seed: seedFile, source: seedFile.source, dir, name: fileName, bytes, wrapper, corrupted })
  }
  const strict = inputs === 1 && r.chance(0.05)
  return { index, files, options: { ...options, maxLineBytes, strict }, binary: false }
}

/** The library, from dist/ (built by `npm run fuzz`). */
let library
async function load() {
  if (!library) {
    const at = (path) => import(pathToFileURL(join(ROOT, 'dist', path)).href)
    const [ingestModule, bars, errors, ledger] = await Promise.all([
      at('ingest/index.js'),
      at('bars/index.js'),
      at('errors.js'),
      at('ingest/ledger.js'),
    ])
    library = {
      ingest: ingestModule.ingest,
      skipWarnings: ingestModule.skipWarnings,
      BarStore: bars.BarStore,
      barEvents: bars.barEvents,
      FatalError: errors.FatalError,
      ROW_OUTCOMES: ledger.ROW_OUTCOMES,
      StrictError: ledger.StrictError,
    }
  }
  return library
}

/** JSON with sorted keys (events from either path may list their fields in another order). */
function canonical(value) {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .filter((k) => value[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`)
      .join(',')}}`
  }
  return JSON.stringify(value) ?? 'null'
}

const digest = (text) => createHash('sha1').update(text).digest('hex')

const READ_TIMEOUT_MS = 30_000

/**
 * Read the case's files once, everything a user could see of the read, to compare: `fast` on
 * folds trade files straight into bars (`analyze`) when `fold`, else makes events (`timeline`);
 * the reference path (fast off) makes events, which are both the timeline and, folded here, the
 * bars — one read for both.
 */
async function readOnce(paths, options, { fast, fold }) {
  const lib = await load()
  const store = fold ? new lib.BarStore() : null
  const events = fold && fast ? null : []
  let ingestion = null
  const read = async () => {
    ingestion = await lib.ingest(paths, {
      ...options,
      fast,
      threads: 1,
      ...(store && fast ? { fold: { store, selection: {} } } : {}),
    })
    for await (const batch of ingestion.events) {
      for (const event of batch) {
        store?.add(event)
        events?.push(canonical(event))
      }
    }
  }
  let status = 'ok'
  let message = null
  try {
    let timer
    const timeout = new Promise((_, reject) => {
      timer = setTimeout(() => reject(Object.assign(new Error('timed out'), { hang: true })), READ_TIMEOUT_MS)
    })
    try {
      await Promise.race([read(), timeout])
    } finally {
      clearTimeout(timer)
    }
  } catch (error) {
    if (error?.hang) status = 'hang'
    else if (error instanceof lib.StrictError) status = 'strict'
    else if (error instanceof lib.FatalError) status = 'fatal'
    else status = 'crash'
    message = status === 'crash' ? String(error?.stack ?? error) : error.message
  } finally {
    await ingestion?.close().catch(() => {})
  }
  if (status !== 'ok') return { status, message }
  const inputs = ingestion.inputs.map((input) => ({
    path: input.path,
    source: input.source,
    rows: input.rows,
    ...Object.fromEntries(lib.ROW_OUTCOMES.map((outcome) => [outcome, input[outcome]])),
    skipReasons: [...input.skipReasons].sort(),
    first: input.first,
    last: input.last,
    symbols: [...input.symbols].sort(),
    markets: [...input.markets].sort(),
    kinds: [...input.kinds].sort(),
  }))
  const ledger = ingestion.ledger
  return {
    status: ledger.total > 0 ? 'bad' : 'ok',
    inputs,
    badRows: { total: ledger.total, byCode: ledger.byCodeObject(), samples: ledger.samples() },
    warnings: [...ingestion.warnings, ...lib.skipWarnings(ingestion.inputs)],
    timeline: events ? digest(events.join('\n')) : null,
    bars: store ? digest(canonical(lib.barEvents(store))) : null,
  }
}

/** What differs between two reads, in a few words (null when nothing does). */
export function difference(a, b, output) {
  for (const key of ['status', 'message', 'inputs', 'badRows', 'warnings', output]) {
    const left = canonical(a[key] ?? null)
    const right = canonical(b[key] ?? null)
    if (left !== right) {
      let at = 0
      while (at < left.length && left[at] === right[at]) at++
      return `${key}: fast ${left.slice(Math.max(0, at - 60), at + 100)} … reference ${right.slice(Math.max(0, at - 60), at + 100)}`
    }
  }
  return null
}

/** Row accounting of a read: a message per input that breaks it. */
export function accounting(read, outcomes) {
  const problems = []
  for (const input of read.inputs ?? []) {
    const sum = outcomes.reduce((n, outcome) => n + input[outcome], 0)
    const negative = outcomes.filter((outcome) => input[outcome] < 0)
    if (sum !== input.rows || negative.length > 0)
      problems.push(
        `${input.path}: rows ${input.rows} ≠ ${outcomes.map((o) => `${o} ${input[o]}`).join(' + ')}`,
      )
  }
  return problems
}

/** Run `cascade ARGS` (the built binary); status, stdout, stderr. */
function runBinary(args, env) {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      {
        cwd: ROOT,
        env: { ...process.env, NO_COLOR: '1', TZ: 'UTC', ...env },
        maxBuffer: 64 << 20,
        timeout: 60_000,
      },
      (error, stdout, stderr) =>
        resolve({
          code: error ? (typeof error.code === 'number' ? error.code : -1) : 0,
          stdout,
          stderr,
          killed: error?.killed,
        }),
    )
  })
}

const STACK = /^\s+at .+[:(]/m

/** Run one case: findings (empty when all is well) and the outcome of the fold read, for counts. */
export async function runCase(theCase, dir) {
  const lib = await load()
  const paths = theCase.files.map((file, k) => {
    // A folder per input (two inputs may have one name); emptied of the case before.
    const sub = join(dir, String(k))
    rmSync(sub, { recursive: true, force: true })
    mkdirSync(join(sub, file.dir), { recursive: true })
    const path = join(sub, file.dir, file.name)
    writeFileSync(path, file.bytes)
    return path
  })
  const findings = []
  const reads = {
    timeline: await readOnce(paths, theCase.options, { fast: true, fold: false }),
    fold: await readOnce(paths, theCase.options, { fast: true, fold: true }),
    reference: await readOnce(paths, theCase.options, { fast: false, fold: true }),
  }
  for (const [name, read] of Object.entries(reads)) {
    if (read.status === 'crash') findings.push({ kind: 'crash', detail: `${name}: ${read.message}` })
    if (read.status === 'hang')
      findings.push({ kind: 'hang', detail: `${name}: no end in ${READ_TIMEOUT_MS} ms` })
    for (const problem of accounting(read, lib.ROW_OUTCOMES))
      findings.push({ kind: 'accounting', detail: `${name}: ${problem}` })
  }
  for (const [mode, output] of [
    ['timeline', 'timeline'],
    ['fold', 'bars'],
  ]) {
    const differs = difference(reads[mode], reads.reference, output)
    if (differs) findings.push({ kind: 'difference', detail: `${mode}: ${differs}` })
  }
  let binary = null
  if (theCase.binary) {
    binary = {}
    const common = ['--max-line-bytes', String(theCase.options.maxLineBytes)]
    if (theCase.options.source) common.push('--source', theCase.options.source)
    if (theCase.options.columns)
      common.push(
        '--columns',
        Object.entries(theCase.options.columns)
          .map(([k, v]) => `${k}=${v}`)
          .join(','),
      )
    if (theCase.options.exchange) common.push('--exchange', theCase.options.exchange)
    if (theCase.options.market) common.push('--market', theCase.options.market)
    if (theCase.options.strict) common.push('--strict')
    for (const command of ['timeline', 'analyze']) {
      const args =
        command === 'analyze' ? ['analyze', '--json', ...paths, ...common] : ['timeline', ...paths, ...common]
      const fast = await runBinary(args, { CASCADE_FAST: '1' })
      const reference = await runBinary(args, { CASCADE_FAST: '0' })
      binary[command] = fast.code
      for (const [path, run] of [
        ['fast', fast],
        ['reference', reference],
      ]) {
        if (run.killed)
          findings.push({ kind: 'hang', detail: `binary ${command} ${path}: killed after 60 s` })
        if (STACK.test(run.stderr) || /internal error/.test(run.stderr))
          findings.push({ kind: 'crash', detail: `binary ${command} ${path}: ${run.stderr.slice(0, 400)}` })
      }
      // Stopped by --strict, a streaming output holds what was written before the stop, which
      // depends on how far each path had read ahead: there only the status and message must agree.
      const sameOutput = (theCase.options.strict && fast.code === 1) || fast.stdout === reference.stdout
      if (fast.code !== reference.code || !sameOutput || fast.stderr !== reference.stderr)
        findings.push({
          kind: 'difference',
          detail: `binary ${command}: exit ${fast.code} vs ${reference.code}; stdout ${fast.stdout === reference.stdout ? 'same' : 'differs'}; stderr ${JSON.stringify(fast.stderr.slice(0, 300))} vs ${JSON.stringify(reference.stderr.slice(0, 300))}`,
        })
      if (command === 'timeline') {
        // timeline has no analysis step: its status is the read's.
        const read = reads.timeline
        const expected = { ok: 0, bad: 1, strict: 1, fatal: 2 }[read.status]
        if (expected !== undefined && fast.code !== expected)
          findings.push({
            kind: 'status',
            detail: `binary timeline: exit ${fast.code}, expected ${expected} (${read.status})`,
          })
      } else if (![0, 1, 2].includes(fast.code))
        findings.push({ kind: 'status', detail: `binary analyze: exit ${fast.code}` })
    }
  }
  return {
    findings,
    fold: reads.fold.status,
    timeline: reads.timeline.status,
    message: reads.fold.message,
    binary,
  }
}

// ---- a campaign -------------------------------------------------------------------------------

export function newTally() {
  return {
    cases: 0,
    files: 0,
    wrappers: { plain: 0, gzip: 0, zip: 0 },
    corrupted: 0,
    outcomes: { ok: 0, bad: 0, strict: 0, fatal: 0, crash: 0, hang: 0 },
    binary: { runs: 0, exit: {} },
    found: { crash: 0, hang: 0, accounting: 0, difference: 0, status: 0 },
    findings: [],
  }
}

export function count(tally, theCase, result) {
  tally.cases++
  for (const file of theCase.files) {
    tally.files++
    tally.wrappers[file.wrapper]++
    if (file.corrupted) tally.corrupted++
  }
  tally.outcomes[result.fold] = (tally.outcomes[result.fold] ?? 0) + 1
  if (result.binary) {
    tally.binary.runs++
    for (const code of Object.values(result.binary))
      tally.binary.exit[code] = (tally.binary.exit[code] ?? 0) + 1
  }
  const kinds = new Set()
  for (const finding of result.findings) {
    if (!kinds.has(finding.kind)) tally.found[finding.kind]++
    kinds.add(finding.kind)
    if (tally.findings.length < 50) tally.findings.push({ index: theCase.index, ...finding })
  }
}

/**
 * Run cases `from` to `to` (exclusive) of `seed` in this process; a binary run every
 * `binaryEvery` cases (0: none). Returns the tally.
 */
export async function runFuzz({ seed, cases, from = 0, binaryEvery = 0, dir, onCase } = {}) {
  const seeds = await loadSeeds()
  const work = dir ?? join(tmpdir(), `cascade-fuzz-${process.pid}`)
  const tally = newTally()
  try {
    for (let index = from; index < from + cases; index++) {
      const theCase = await makeCase(seeds, seed, index)
      theCase.binary = binaryEvery > 0 && index % binaryEvery === 0
      onCase?.('start', index)
      const result = await runCase(theCase, join(work, 'case'))
      count(tally, theCase, result)
      onCase?.('done', index, theCase, result)
    }
  } finally {
    if (!dir) rmSync(work, { recursive: true, force: true })
  }
  return tally
}

// ---- the command line -------------------------------------------------------------------------

function argument(args, name, fallback) {
  const at = args.indexOf(name)
  return at >= 0 ? args[at + 1] : fallback
}

function report(tally, seed, seconds) {
  const n = (x) => x.toLocaleString('en-US')
  const pct = (x) => `${Math.round((100 * x) / Math.max(1, tally.files))}%`
  const lines = [
    `cascade fuzz: seed ${seed}, ${n(tally.cases)} cases in ${seconds.toFixed(0)} s (${(tally.cases / Math.max(seconds, 1e-9)).toFixed(0)} cases/s)`,
    `  inputs: ${n(tally.files)} files (plain ${pct(tally.wrappers.plain)}, gzip ${pct(tally.wrappers.gzip)}, zip ${pct(tally.wrappers.zip)}; ${n(tally.corrupted)} wrappers corrupted)`,
    `  outcomes (analyze, fast path): ${n(tally.outcomes.ok)} clean, ${n(tally.outcomes.bad)} with bad rows, ${n(tally.outcomes.strict)} stopped by --strict, ${n(tally.outcomes.fatal)} could not run`,
    `  binary: ${n(tally.binary.runs)} cases × timeline, analyze × fast, reference (exit ${Object.entries(
      tally.binary.exit,
    )
      .map(([code, k]) => `${code}: ${n(k)}`)
      .join(', ')})`,
    `  crashes: ${n(tally.found.crash)}`,
    `  hangs: ${n(tally.found.hang)}`,
    `  accounting violations: ${n(tally.found.accounting)}`,
    `  fast/reference differences: ${n(tally.found.difference)}`,
    `  unexpected exit statuses: ${n(tally.found.status)}`,
  ]
  for (const finding of tally.findings.slice(0, 20))
    lines.push(`  case ${finding.index} ${finding.kind}: ${finding.detail.slice(0, 600)}`)
  if (tally.findings.length > 0) lines.push(`  replay one: npm run fuzz -- --seed ${seed} --case N`)
  return `${lines.join('\n')}\n`
}

function merge(into, part) {
  into.cases += part.cases
  into.files += part.files
  into.corrupted += part.corrupted
  for (const key of Object.keys(part.wrappers)) into.wrappers[key] += part.wrappers[key]
  for (const key of Object.keys(part.outcomes))
    into.outcomes[key] = (into.outcomes[key] ?? 0) + part.outcomes[key]
  into.binary.runs += part.binary.runs
  for (const [code, k] of Object.entries(part.binary.exit))
    into.binary.exit[code] = (into.binary.exit[code] ?? 0) + k
  for (const key of Object.keys(part.found)) into.found[key] += part.found[key]
  into.findings.push(...part.findings.slice(0, Math.max(0, 50 - into.findings.length)))
}

/** A child process runs a slice of the cases and reports each; the parent kills it if it stops. */
async function child() {
  const args = process.argv.slice(2)
  const seed = argument(args, '--seed')
  const from = Number(argument(args, '--from'))
  const cases = Number(argument(args, '--count'))
  const binaryEvery = Number(argument(args, '--binary-every', '0'))
  await runFuzz({
    seed,
    cases,
    from,
    binaryEvery,
    onCase: (what, index, theCase, result) => {
      if (what === 'start') process.send({ start: index })
      else {
        const tally = newTally()
        count(tally, theCase, result)
        process.send({ done: index, tally })
      }
    },
  })
}

/** Run cases in `jobs` child processes; a case silent for `hangMs` is a hang, its process replaced. */
async function campaign({ seed, cases, jobs, binaryEvery, hangMs }) {
  const tally = newTally()
  let next = 0
  const slice = Math.max(1, Math.ceil(cases / jobs / 20))
  const runSlice = (from, count) =>
    new Promise((resolve) => {
      const worker = fork(fileURLToPath(import.meta.url), [
        '--child',
        '--seed',
        String(seed),
        '--from',
        String(from),
        '--count',
        String(count),
        '--binary-every',
        String(binaryEvery),
      ])
      let current = from
      let finished = from
      let timer
      const watch = () => {
        clearTimeout(timer)
        timer = setTimeout(() => worker.kill('SIGKILL'), hangMs)
      }
      watch()
      worker.on('message', (message) => {
        watch()
        if ('start' in message) current = message.start
        else {
          merge(tally, message.tally)
          finished = message.done + 1
          if (tally.cases % 1000 === 0) process.stderr.write(`  … ${tally.cases} cases\n`)
        }
      })
      worker.on('exit', (code, signal) => {
        clearTimeout(timer)
        if (finished < from + count) {
          // Killed (silent too long) or died: the case it was on is a finding; go on after it.
          tally.cases++
          const kind = signal === 'SIGKILL' ? 'hang' : 'crash'
          tally.found[kind]++
          tally.findings.push({
            index: current,
            kind,
            detail: `process ${signal ?? `exit ${code}`} on this case`,
          })
          resolve({ from: current + 1, count: from + count - current - 1 })
        } else resolve(null)
      })
    })
  const lane = async () => {
    while (next < cases) {
      const from = next
      const count = Math.min(slice, cases - from)
      next += count
      let rest = { from, count }
      while (rest && rest.count > 0) rest = await runSlice(rest.from, rest.count)
    }
  }
  await Promise.all(Array.from({ length: jobs }, lane))
  return tally
}

async function main() {
  const args = process.argv.slice(2)
  if (args.includes('--child')) return child()
  const seed = argument(args, '--seed', String(Math.floor(Math.random() * 2 ** 31)))
  const only = argument(args, '--case')
  if (only !== undefined) {
    const seeds = await loadSeeds()
    const theCase = await makeCase(seeds, seed, Number(only))
    theCase.binary = true
    const dir = argument(args, '--keep', join(tmpdir(), `cascade-fuzz-case-${seed}-${only}`))
    const result = await runCase(theCase, dir)
    process.stdout.write(
      `case ${only} of seed ${seed}: ${theCase.files.map((f) => `${f.source} ${join(f.dir, f.name)} (${f.wrapper}${f.corrupted ? ', corrupted' : ''})`).join(', ')}; options ${JSON.stringify(theCase.options)}\nfiles kept in ${dir}\n`,
    )
    for (const finding of result.findings) process.stdout.write(`${finding.kind}: ${finding.detail}\n`)
    if (result.findings.length === 0) process.stdout.write('nothing found\n')
    process.exitCode = result.findings.length > 0 ? 1 : 0
    return
  }
  const cases = Number(argument(args, '--cases', '2000'))
  const jobs = Number(argument(args, '--jobs', String(Math.max(1, Math.min(4, availableParallelism())))))
  const binaryEvery = Number(argument(args, '--binary-every', '250'))
  const hangMs = Number(argument(args, '--hang-ms', '120000'))
  const started = performance.now()
  process.stderr.write(`cascade fuzz: seed ${seed}, ${cases} cases, ${jobs} processes\n`)
  const tally = await campaign({ seed, cases, jobs, binaryEvery, hangMs })
  process.stdout.write(report(tally, seed, (performance.now() - started) / 1000))
  const found = Object.values(tally.found).reduce((a, b) => a + b, 0)
  process.exitCode = found > 0 ? 1 : 0
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main()
