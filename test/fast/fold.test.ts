/**
 * Folding straight into bars (src/ingest/fast/fold.ts, plan.ts) gives exactly what the timeline
 * gives when its events are folded: the same bars (every float bit), counts, duplicates and bad
 * rows. Checked on random aggTrades files full of trouble — rows out of order, rows written twice,
 * bad rows, blank lines, CRLF, a lone CR — read whole and cut into random byte ranges (as the
 * worker threads read them), and through ingest with several inputs (overlapping, one after the
 * other, with liquidations beside, with --from/--to and --market). Some rows are spikes far from the
 * rows around them: suspect prints, which the fold screens for and the timeline decides
 * (timeline/suspect.ts); the two paths must agree on them too.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BarStore } from '../../src/bars/index.js'
import { joinRanges } from '../../src/ingest/fast/plan.js'
import { runFoldTask } from '../../src/ingest/fast/task.js'
import { DEFAULT_MAX_LINE_BYTES, type IngestOptions, ingest } from '../../src/ingest/index.js'
import { TimelineEncoder } from '../../src/report/timeline-bytes.js'
import type { Selection } from '../../src/timeline/filter.js'
import { filterEvents } from '../../src/timeline/filter.js'
import { DEFAULT_SUSPECT_RULE } from '../../src/timeline/suspect.js'
import { FORMATS, readerOf } from './helpers.js'

let dir: string
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cascade-fold-'))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

const HEADER = 'agg_trade_id,price,quantity,first_trade_id,last_trade_id,transact_time,is_buyer_maker'
const T0 = Date.UTC(2026, 1, 5, 12) // 2026-02-05T12:00:00Z

/** A line of an aggTrades file: mostly good rows close in time, and every kind of trouble. */
type Line =
  | { kind: 'row'; dt: number; price: number; qty: number; taker: boolean }
  | { kind: 'spike'; dt: number; factor: number } // a row far from the others, maybe a suspect print
  | { kind: 'again' } // the previous row written twice
  | { kind: 'back'; ms: number } // a row this far back in time
  | { kind: 'bad' | 'blank' | 'crlf' }
  | { kind: 'long'; pad: number; crlf: boolean } // a row padded past a small --max-line-bytes

const line: fc.Arbitrary<Line> = fc.oneof(
  {
    weight: 20,
    arbitrary: fc.record({
      kind: fc.constant('row' as const),
      // Many rows share a millisecond or a second, as on a busy day.
      dt: fc.constantFrom(0, 0, 0, 1, 3, 250, 999, 1000, 2500),
      price: fc.integer({ min: 769000, max: 770000 }),
      qty: fc.integer({ min: 1, max: 5000 }),
      taker: fc.boolean(),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('spike' as const),
      dt: fc.constantFrom(0, 1, 999, 1000, 2500),
      factor: fc.constantFrom(0.3, 0.6, 0.8, 1.3, 1.7, 2.5),
    }),
  },
  { weight: 2, arbitrary: fc.constant({ kind: 'again' as const }) },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('back' as const), ms: fc.integer({ min: 1, max: 3000 }) }),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      { kind: 'bad' as const },
      { kind: 'blank' as const },
      { kind: 'crlf' as const },
    ),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('long' as const),
      pad: fc.integer({ min: 0, max: 200 }),
      crlf: fc.boolean(),
    }),
  },
)

/** --max-line-bytes for a property run: mostly the default, sometimes one the long rows pass. */
const maxLine = fc.option(fc.integer({ min: 60, max: 160 }), { nil: undefined, freq: 2 })

function aggTrades(lines: Line[], header: boolean, loneCr: boolean): string {
  let text = header ? `${HEADER}\n` : ''
  let ts = T0
  let id = 3454067270
  let last = ''
  for (const l of lines) {
    let row: string
    if (l.kind === 'row') {
      ts += l.dt
      row = `${id++},${Math.floor(l.price / 10)}.${l.price % 10},${(l.qty / 1000).toFixed(3)},1,1,${ts},${l.taker}`
      last = row
    } else if (l.kind === 'spike') {
      ts += l.dt
      row = `${id++},${(76950 * l.factor).toFixed(1)},0.050,1,1,${ts},true`
      last = row
    } else if (l.kind === 'again') {
      row = last || 'x'
    } else if (l.kind === 'back') {
      row = `${id++},76950.0,0.100,1,1,${ts - l.ms},false`
    } else if (l.kind === 'bad') {
      row = `${id++},76950.0,-0.1,1,1,${ts},false`
    } else if (l.kind === 'crlf') {
      text += `${id++},76951.0,0.200,1,1,${ts},true\r\n`
      continue
    } else if (l.kind === 'long') {
      text += `${id++},76951.${'0'.repeat(l.pad)},0.200,1,1,${ts},true${l.crlf ? '\r\n' : '\n'}`
      continue
    } else row = ''
    text += `${row}\n`
  }
  // A lone CR ends the fast path in the middle of the file (csv-parse reads the rest).
  if (loneCr) text = text.replace(/\n(?=[^\n]*\n[^\n]*$)/, '\r')
  return text
}

/** The bars, counts and bad rows ingest gives (everything that reaches a report). */
async function outcome(paths: string[], options: IngestOptions, selection: Selection = {}) {
  const store = new BarStore()
  const ingestion = await ingest(paths, {
    ...options,
    fold: options.fast === false ? undefined : { store, selection },
  })
  try {
    for await (const batch of filterEvents(ingestion.events, selection))
      for (const event of batch) store.add(event)
  } finally {
    await ingestion.close()
  }
  for (const input of ingestion.inputs) {
    // Every row is counted once (DESIGN §5.1).
    expect(input.events + input.duplicates + input.badRows + input.skipped + input.suspect, input.path).toBe(
      input.rows,
    )
  }
  return {
    inputs: ingestion.inputs.map(({ symbols, markets, kinds, skipReasons, ...rest }) => ({
      ...rest,
      symbols: [...symbols],
      markets: [...markets],
      kinds: [...kinds],
    })),
    badRows: {
      total: ingestion.ledger.total,
      byCode: ingestion.ledger.byCodeObject(),
      samples: ingestion.ledger.samples(),
    },
    suspectPrints: ingestion.ledger.suspectSamples(),
    series: snapshot(store),
  }
}

function snapshot(store: BarStore) {
  return store.series().map((s) => ({
    key: s.key,
    symbol: s.symbol,
    counts: s.counts,
    nonUsdTrades: s.nonUsdTrades,
    liquidationSources: [...s.liquidationSources],
    layers: s.layers.map((layer) => {
      // Every column by name (an absent optional column reads as its defaults on both sides).
      const { columns: _held, ...rest } = layer.exportRows()
      const names = [
        'time',
        'open',
        'high',
        'low',
        'close',
        'volume',
        'volumeUsd',
        'takerBuyUsd',
        'takerSellUsd',
        'trades',
        'liqLongUsd',
        'liqShortUsd',
        'liqLongCount',
        'liqShortCount',
        'liqLargestUsd',
        'oi',
        'oiUsd',
        'liqLastMs',
      ] as const
      return { ...rest, columns: names.map((name) => [...layer[name].subarray(0, layer.length)]) }
    }),
  }))
}

let files = 0
async function write(name: string, text: string): Promise<string> {
  const sub = join(dir, String(files++))
  const { mkdir } = await import('node:fs/promises')
  await mkdir(sub)
  const path = join(sub, name)
  await writeFile(path, text)
  return path
}

describe('fold straight into bars = timeline folded into bars', () => {
  it('one file, any trouble: same bars, counts and bad rows', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(line, { maxLength: 120 }),
        fc.boolean(),
        fc.boolean(),
        maxLine,
        async (lines, header, loneCr, maxLineBytes) => {
          const path = await write('BTCUSDT-aggTrades-2026-02-05.csv', aggTrades(lines, header, loneCr))
          const options = { source: 'binance-aggtrades', maxLineBytes }
          const folded = await outcome([path], { ...options, threads: 1 })
          const reference = await outcome([path], { ...options, fast: false })
          expect(folded).toEqual(reference)
        },
      ),
      { numRuns: 150 },
    )
  })

  it('byte ranges (and blocks of text) joined = the file read in one piece', async () => {
    const format = FORMATS[0]!
    let joinedCount = 0
    let readAgain = 0
    await fc.assert(
      fc.asyncProperty(
        fc.array(line, { minLength: 1, maxLength: 150 }),
        fc.boolean(),
        fc.array(fc.nat(), { minLength: 1, maxLength: 8 }),
        fc.boolean(),
        maxLine,
        async (lines, header, cuts, window, maxLineBytes) => {
          const text = aggTrades(lines, header, false)
          const path = await write('BTCUSDT-aggTrades-2026-02-05.csv', text)
          const size = Buffer.byteLength(text)
          const offsets = [...new Set(cuts.map((c) => c % Math.max(size, 1)))]
            .filter((o) => o > 0)
            .sort((a, b) => a - b)
          const bounds = [0, ...offsets, size]
          const probe = { name: 'BTCUSDT-aggTrades-2026-02-05.csv', lines: [format.probeLine.split(',')] }
          const base = {
            input: 0,
            file: path,
            member: 0,
            path,
            sourceId: 'binance-aggtrades',
            probe: header ? probe : { ...probe, lines: [['1', '2', '3', '4', '5', '1770292800000', 'true']] },
            options: {},
            // Sometimes a --from/--to window that cuts the file.
            window: {
              ...(window ? { from: T0 + 1500, to: T0 + 9000 } : {}),
              excluded: false,
              suspect: DEFAULT_SUSPECT_RULE,
            },
            maxLineBytes: maxLineBytes ?? DEFAULT_MAX_LINE_BYTES,
          }
          const layout = readerOf(format).fast!
          const whole = joinRanges(layout, 0, base.window, [await runFoldTask({ ...base, range: null })])!
          const results = []
          for (let index = 0; index + 1 < bounds.length; index++) {
            results.push(
              await runFoldTask({ ...base, range: { index, from: bounds[index]!, to: bounds[index + 1]! } }),
            )
          }
          // Every line is read by exactly one range.
          const lineCount = text.split('\n').length - (text.endsWith('\n') || text === '' ? 1 : 0)
          expect(results.reduce((n, r) => n + r.lines, 0)).toBe(lineCount)
          const joined = joinRanges(layout, 0, base.window, results)
          if (joined === null) {
            // The file is then read in one piece; that must be rare (a boundary out of order).
            readAgain++
            return
          }
          joinedCount++
          const view = (f: NonNullable<typeof joined>) => ({
            rows: f.rows,
            events: f.events,
            duplicates: f.duplicates,
            first: f.first,
            last: f.last,
            bad: {
              total: f.badRows.total,
              byCode: [...f.badRows.byCode].sort(),
              samples: [...f.badRows.samples].sort((a, b) => a.line - b.line),
            },
            bars: f.series.ticks.exportRows(),
            trades: f.series.counts.trade,
            symbolTs: f.series.symbolTs,
            mayHoldSuspectPrints: f.mayHoldSuspectPrints(),
          })
          expect(view(joined)).toEqual(view(whole))
          // The same cuts moved to line ends, as blocks of text handed over (compressed input).
          const bytes = Buffer.from(text)
          const ends = [
            ...new Set(offsets.map((o) => bytes.indexOf(10, o - 1) + 1).filter((e) => e > 0 && e < size)),
          ]
          const edges = [0, ...ends.sort((a, b) => a - b), size]
          const blocks = []
          for (let index = 0; index + 1 < edges.length; index++) {
            const data = new Uint8Array(bytes.subarray(edges[index]!, edges[index + 1]!))
            blocks.push(
              await runFoldTask({
                ...base,
                range: { index, from: edges[index]!, to: edges[index + 1]!, data },
              }),
            )
          }
          const fromBlocks = joinRanges(layout, 0, base.window, blocks)
          if (fromBlocks !== null) expect(view(fromBlocks)).toEqual(view(whole))
        },
      ),
      { numRuns: 300 },
    )
    expect(joinedCount).toBeGreaterThan(readAgain * 3)
  })

  it('every Binance trade variant (spot, USD-M, COIN-M; trades and aggTrades; plain and zip)', async () => {
    for (const dirName of ['fixtures/binance-aggtrades', 'fixtures/binance-trades']) {
      const { readdir } = await import('node:fs/promises')
      for (const name of await readdir(dirName)) {
        const path = `${dirName}/${name}`
        expect(await outcome([path], { threads: 1 }), path).toEqual(await outcome([path], { fast: false }))
      }
    }
  })

  it('boundaries a range cannot judge alone send the file back to be read in one piece', async () => {
    const format = FORMATS[0]!
    const layout = readerOf(format).fast!
    const probe = { name: 'BTCUSDT-aggTrades-2026-02-05.csv', lines: [format.probeLine.split(',')] }
    const row = (id: number, dt: number) => `${id},76950.0,0.100,1,1,${T0 + dt},false\n`
    // --from cuts away the seconds where the ranges meet, so their bars cannot show the problem.
    const window = { from: T0 + 5500, excluded: false }
    const cases = {
      // The second range's first kept event is out of order only after the first range's last.
      'out of order across the boundary': [row(1, 5000), row(2, 3000) + row(3, 4500) + row(4, 7000)],
      // ... or a copy of the first range's last row (its head was all out of order).
      'duplicate across the boundary': [row(1, 5000), row(0, 3000) + row(1, 5000) + row(2, 6000)],
    }
    for (const [name, [a, b]] of Object.entries(cases)) {
      const text = `${HEADER}\n${a}${b}`
      const path = await write(probe.name, text)
      const base = {
        input: 0,
        file: path,
        member: 0,
        path,
        sourceId: 'binance-aggtrades',
        probe,
        options: {},
        window,
        maxLineBytes: DEFAULT_MAX_LINE_BYTES,
      }
      const cut = Buffer.byteLength(`${HEADER}\n${a}`)
      const results = [
        await runFoldTask({ ...base, range: { index: 0, from: 0, to: cut } }),
        await runFoldTask({ ...base, range: { index: 1, from: cut, to: Buffer.byteLength(text) } }),
      ]
      expect(joinRanges(layout, 0, window, results), name).toBeNull()
      const reference = await outcome([path], { fast: false }, window)
      const folded = await outcome([path], { threads: 1 }, window)
      expect(folded, name).toEqual(reference)
    }
  })

  it('several inputs: overlapping, following each other, beside liquidations, with a selection', async () => {
    const day = (lines: Line[], start: number) =>
      aggTrades(lines, true, false).replace(/,(\d{13}),/g, (_, t: string) => `,${Number(t) - T0 + start},`)
    await fc.assert(
      fc.asyncProperty(
        fc.array(line, { minLength: 1, maxLength: 60 }),
        fc.array(line, { minLength: 1, maxLength: 60 }),
        // Second file: the day after, the same day again (written twice), or overlapping a bit.
        fc.constantFrom('next', 'same', 'overlap'),
        fc.constantFrom('none', 'window', 'market', 'other-market'),
        async (a, b, how, select) => {
          const first = await write('BTCUSDT-aggTrades-2026-02-05.csv', day(a, T0))
          const second =
            how === 'same'
              ? await write('BTCUSDT-aggTrades-2026-02-05.csv', day(a, T0))
              : await write(
                  'BTCUSDT-aggTrades-2026-02-06.csv',
                  day(b, how === 'next' ? T0 + 86_400_000 : T0 + 2000),
                )
          const liquidations = 'fixtures/binance-liquidations/BTCUSDT-liquidationSnapshot-2024-03-31.csv'
          const selection: Selection =
            select === 'window'
              ? { from: T0 + 1000, to: T0 + 86_400_000 + 5000 }
              : select === 'market'
                ? { markets: ['BTC-USDT-PERP'] }
                : select === 'other-market'
                  ? { markets: ['ETH'] }
                  : {}
          const paths = [first, second, liquidations]
          const folded = await outcome(paths, { threads: 1 }, selection)
          const reference = await outcome(paths, { fast: false }, selection)
          expect(folded).toEqual(reference)
        },
      ),
      { numRuns: 60 },
    )
  })
})

describe('many inputs of one series (joined as each finishes, in input order)', () => {
  it('days in any order, now and then one overlapping another: the bars the timeline makes', async () => {
    const DAY = 86_400_000
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            lines: fc.array(line, { minLength: 0, maxLength: 25 }),
            // Which day the file holds (files come in the order listed, days in any order).
            day: fc.integer({ min: 0, max: 7 }),
            // Now and then a file reaches a little into the next day.
            late: fc.constantFrom(0, 0, 0, DAY - 1500),
          }),
          { minLength: 1, maxLength: 7 },
        ),
        async (files) => {
          const paths: string[] = []
          for (const [k, f] of files.entries()) {
            const text = aggTrades(f.lines, true, false).replace(
              /,(\d{13}),/g,
              (_, t: string) => `,${Number(t) - T0 + T0 + f.day * DAY + f.late},`,
            )
            paths.push(await write(`BTCUSDT-aggTrades-2026-02-${String(10 + k).padStart(2, '0')}.csv`, text))
          }
          const folded = await outcome(paths, { threads: 1 })
          const reference = await outcome(paths, { fast: false })
          expect(folded).toEqual(reference)
        },
      ),
      { numRuns: 60 },
    )
  })
})

describe('cascade timeline straight from the rows = its events written', () => {
  /** The bytes, counts and bad rows of a timeline written from the events, or from the rows. */
  async function written(path: string, options: IngestOptions, selection: Selection, direct: boolean) {
    const encoder = new TimelineEncoder('csv')
    const ingestion = await ingest([path], {
      ...options,
      lines: direct ? { selection, encoder } : undefined,
    })
    const parts: Buffer[] = []
    try {
      if (ingestion.text) for await (const bytes of ingestion.text) parts.push(bytes)
      for await (const batch of filterEvents(ingestion.events, selection)) {
        for (const event of batch) encoder.add(event)
        parts.push(encoder.take())
      }
    } finally {
      await ingestion.close()
    }
    return {
      direct: ingestion.text !== null,
      text: Buffer.concat(parts).toString(),
      inputs: ingestion.inputs.map(({ symbols, markets, kinds, skipReasons, ...rest }) => ({
        ...rest,
        symbols: [...symbols],
        markets: [...markets],
        kinds: [...kinds],
        skipReasons: [...skipReasons],
      })),
      badRows: {
        total: ingestion.ledger.total,
        byCode: ingestion.ledger.byCodeObject(),
        samples: ingestion.ledger.samples(),
      },
    }
  }

  it('any trouble, any selection, suspect prints screened or kept: the same lines, counts and bad rows', async () => {
    let straight = 0
    let screened = 0
    await fc.assert(
      fc.asyncProperty(
        fc.array(line, { maxLength: 120 }),
        fc.boolean(),
        fc.boolean(),
        fc.constantFrom('none', 'window', 'other-market'),
        fc.boolean(),
        async (lines, header, loneCr, select, keepSuspect) => {
          const path = await write('BTCUSDT-aggTrades-2026-02-05.csv', aggTrades(lines, header, loneCr))
          const selection: Selection =
            select === 'window'
              ? { from: T0 + 1500, to: T0 + 9000 }
              : select === 'other-market'
                ? { markets: ['ETH'] }
                : {}
          const options = { source: 'binance-aggtrades', ...(keepSuspect ? { suspectJumpPct: null } : {}) }
          const direct = await written(path, options, selection, true)
          const reference = await written(path, { ...options, fast: false }, selection, false)
          // (A file of blank lines is no input at all: nothing to write either way.)
          if (direct.direct) straight++
          if (direct.direct && !keepSuspect && direct.inputs[0]!.suspect > 0) screened++
          expect(reference.direct).toBe(false)
          expect({ ...direct, direct: null }).toEqual({ ...reference, direct: null })
        },
      ),
      { numRuns: 200 },
    )
    expect(straight).toBeGreaterThan(130)
    // Some runs found a suspect print and wrote the rest through the timeline's stage.
    expect(screened).toBeGreaterThan(0)
  })

  it('a suspect print mid-file: the text up to it comes straight, the rest is screened; the same bytes', async () => {
    const rows: Line[] = []
    for (let k = 0; k < 4000; k++)
      rows.push({ kind: 'row', dt: 250, price: 769000 + (k % 40), qty: 100, taker: k % 3 === 0 })
    rows.splice(
      3000,
      0,
      { kind: 'spike', dt: 1000, factor: 2.5 },
      { kind: 'row', dt: 1000, price: 769010, qty: 5, taker: true },
    )
    rows.splice(100, 0, { kind: 'bad' }, { kind: 'again' })
    const path = await write('BTCUSDT-aggTrades-2026-02-05.csv', aggTrades(rows, true, false))
    const direct = await written(path, { source: 'binance-aggtrades' }, {}, true)
    const reference = await written(path, { source: 'binance-aggtrades', fast: false }, {}, false)
    expect(direct.direct).toBe(true)
    expect(direct.inputs[0]!.suspect).toBe(1)
    expect(direct.badRows.total).toBe(1)
    expect({ ...direct, direct: null }).toEqual({ ...reference, direct: null })
  })
})

describe('rows sharing one timestamp (issue 15: the duplicate check was quadratic)', () => {
  it('thousands of trades at one millisecond: duplicates counted as the timeline counts them', async () => {
    // 3,000 distinct trades at one time, then 1,000 of them again in a scattered order, and rows
    // that differ from an earlier one in one field only (not duplicates); ids with letters too.
    const ts = T0 + 294
    const distinct = Array.from({ length: 3000 }, (_, k) => {
      const id = k % 7 === 0 ? `x${k}` : String(1000 + k)
      return `${id},${76900 + (k % 13)}.${k % 10},${((k % 50) + 1) / 1000},1,1,${ts},${k % 2 === 0}`
    })
    const again = Array.from({ length: 1000 }, (_, k) => distinct[(k * 1777) % 3000]!)
    const nearly = Array.from({ length: 500 }, (_, k) => {
      const [id, price, qty, , , time, maker] = distinct[(k * 31) % 3000]!.split(',')
      // Another side, another size, or another price: each a different trade.
      if (k % 3 === 0) return `${id},${price},${qty},1,1,${time},${maker === 'true' ? 'false' : 'true'}`
      if (k % 3 === 1) return `${id},${price},${Number(qty) + 1},1,1,${time},${maker}`
      return `${id},${Number(price) + 1000},${qty},1,1,${time},${maker}`
    })
    // The next millisecond repeats the first rows: a new group, so none of them is a duplicate.
    const next = distinct.slice(0, 20).map((row) => row.replace(`,${ts},`, `,${ts + 1},`))
    const rows = [...distinct, ...again, ...nearly, ...next]
    const path = await write('BTCUSDT-aggTrades-2026-02-05.csv', `${HEADER}\n${rows.join('\n')}\n`)
    const folded = await outcome([path], { threads: 1 })
    const reference = await outcome([path], { fast: false })
    expect(folded).toEqual(reference)
    expect(folded.inputs[0]).toMatchObject({ rows: 4520, events: 3520, duplicates: 1000, badRows: 0 })
    expect(folded.series[0]!.counts.trade).toBe(3520)
  })
})
