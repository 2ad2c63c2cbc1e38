/**
 * Issue 14's checks on a known total: a liquidation stream with every liquidation of a crash (many
 * a second) and its capped copy (the latest of each second, dated after 2021-04-27), with trades
 * and 5-minute open interest, in Binance's formats (fixtures/liquidation-pair/, written by
 * scripts/generate-liquidation-pair.mjs). The same checks run on held-out variants built the same
 * way at test time: other crash shapes, sizes, rates and seeds. Also the 19 May 2021 and
 * 5–6 Feb 2026 reconstructions.
 */
import { spawnSync } from 'node:child_process'
import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { buildPair, pairFiles, secondsBetween, totalBetween } from '../scripts/lib/liquidation-pair.mjs'
import { type AnalysisResult, analyzeBars, type Cascade } from '../src/analysis/index.js'
import { METHODS } from '../src/analysis/liquidation-estimate.js'
import { foldEvents } from '../src/bars/index.js'
import { readAll } from './helpers/ingest.js'

const PAIR = 'fixtures/liquidation-pair'

async function analyze(paths: string[]): Promise<AnalysisResult & { events: number }> {
  const { events } = await readAll(paths)
  return { ...analyzeBars(foldEvents(events)), events: events.length }
}

async function analyzeFiles(files: { name: string; text: string }[]): Promise<AnalysisResult> {
  const dir = await mkdtemp(join(tmpdir(), 'cascade-pair-'))
  for (const file of files) await writeFile(join(dir, file.name), file.text)
  return analyze([dir])
}

type Pair = ReturnType<typeof buildPair>

/** The known figures of a cascade's window (its half-open `window`), times relative to the pair's day. */
function known(pair: Pair, cascade: Cascade, date: string) {
  const day = Date.parse(`${date}T00:00:00Z`)
  const from = Date.parse(cascade.window.from) - day
  const to = Date.parse(cascade.window.to) - day
  return {
    total: totalBetween(pair.liquidations, from, to),
    capped: totalBetween(pair.capped, from, to),
    seconds: secondsBetween(pair.capped, from, to),
    windowSeconds: (to - from) / 1000,
  }
}

/** Issue 14's "done when", on one cascade of a capped copy. */
function expectEstimateHolds(pair: Pair, cascade: Cascade, date: string): void {
  const truth = known(pair, cascade, date)
  const l = cascade.liquidations!
  const e = l.estimatedUsd!
  const where = `${cascade.id}: known ${truth.total.toFixed(0)}, estimate ${JSON.stringify(e)}`
  expect(l.regime, where).toBe('capped')
  expect(l.observedUsd, where).toBeCloseTo(truth.capped, 1)
  // closer to the known total than the observed sum
  expect(Math.abs(e.value - truth.total), where).toBeLessThan(Math.abs(l.observedUsd! - truth.total))
  // the known total within the range, and the range no wider than it needs to be
  expect(e.low!, where).toBeLessThanOrEqual(truth.total)
  expect(e.high!, where).toBeGreaterThanOrEqual(truth.total)
  expect(e.high!, where).toBeLessThanOrEqual(2.5 * truth.total)
  expect(e.low!, where).toBeGreaterThanOrEqual(l.observedUsd!)
  // coverage: exactly the seconds holding a record
  expect(l.coverage, where).toEqual({
    seconds: truth.seconds,
    windowSeconds: truth.windowSeconds,
    share: Number((truth.seconds / truth.windowSeconds).toFixed(4)),
  })
}

describe('the committed liquidation pair', () => {
  const pair = buildPair()

  it('is exactly what the generator writes (--check)', () => {
    const run = spawnSync(process.execPath, ['scripts/generate-liquidation-pair.mjs', '--check'], {
      encoding: 'utf8',
    })
    expect(run.stderr).toBe('')
    expect(run.status).toBe(0)
  })

  it('capped copy: the estimate is closer than the recorded sum and its range holds the known total', async () => {
    const result = await analyze([`${PAIR}/capped`])
    const crash = result.cascades.find((c) => c.direction === 'down')!
    expect(crash).toBeDefined()
    expectEstimateHolds(pair, crash, '2023-09-12')
    expect(crash.liquidations!.estimatedUsd!.method).toBe(METHODS.arrival)
    // the recorded sum misses most of the crash: the known total is several times more
    const truth = known(pair, crash, '2023-09-12')
    expect(truth.total / crash.liquidations!.observedUsd!).toBeGreaterThan(4)
    expect(crash.liquidations!.oiImplied!.base).toBeGreaterThan(0)
    expect(result.warnings).toContain(
      'binance:BTC-USDT-PERP: Binance liquidation data after 2021-04-27 holds at most one liquidation per ' +
        'symbol per second, so liquidation totals are lower bounds',
    )
    const sentence = crash.reasons.find((r) => r.startsWith('liquidations ≥'))!
    expect(sentence).toMatch(
      /^liquidations ≥ \$[\d.]+M recorded \(capped feed, \d+ % of seconds saturated\); open interest fell [\d,]+ BTC \(\$[\d.]+M\) in the window; estimated \$[\d.]+–[\d.]+M$/,
    )
  })

  it('the same stream dated before 2021-04-27 is complete: the recorded sum is the known total', async () => {
    const result = await analyze([`${PAIR}/complete-2021`])
    const crash = result.cascades.find((c) => c.direction === 'down')!
    const truth = known(pair, crash, '2021-03-15')
    const l = crash.liquidations!
    expect(l.regime).toBe('complete')
    expect(l.observedUsd).toBeCloseTo(truth.total, 1)
    expect(l.estimatedUsd).toEqual({
      value: l.observedUsd,
      low: l.observedUsd,
      high: l.observedUsd,
      method: METHODS.complete,
    })
    expect(result.warnings.join('\n')).not.toMatch(/lower bounds/)
  })

  it('the full stream dated after the cap is taken as complete, and the warning says why', async () => {
    const result = await analyzeFiles(pairFiles(pair, '2023-09-12', 'all'))
    const crash = result.cascades.find((c) => c.direction === 'down')!
    expect(crash.liquidations!.regime).toBe('complete')
    expect(crash.liquidations!.observedUsd).toBeCloseTo(known(pair, crash, '2023-09-12').total, 1)
    expect(result.warnings.join('\n')).toMatch(/they are taken as complete \(the full tape\)/)
  })

  it('trades and metrics without a liquidation file: an estimate marked "from open interest"', async () => {
    const result = await analyzeFiles(pairFiles(pair, '2023-09-12', 'none'))
    const crash = result.cascades.find((c) => c.direction === 'down')!
    const l = crash.liquidations!
    expect(l).toMatchObject({ usd: null, longUsd: null, shortUsd: null, observedUsd: null, coverage: null })
    expect(l.regime).toBe('absent')
    expect(l.oiImplied!.base).toBeGreaterThan(0)
    expect(l.estimatedUsd).toEqual({
      value: l.oiImplied!.longUsd,
      low: null,
      high: null,
      method: METHODS.openInterest,
    })
    expect(l.estimatedUsd!.method).toMatch(/^from open interest/)
    expect(crash.reasons.join('; ')).toMatch(/estimated ≈ \$[\d.]+M from open interest \(longs closed\)/)
  })
})

describe('held-out variants built the same way', () => {
  // Other shapes (one fast leg, a slow slide, a staircase, a squeeze, a deep fall), sizes, rates,
  // voluntary closing and seeds than the committed pair. No parameter of the method is fitted to them.
  const variants = [
    { seed: 101, legs: [[6, -7]], rebound: [20, 3], liq: { peak: 6, sizeSigma: 1.0 } },
    {
      seed: 202,
      legs: [[25, -8]],
      rebound: [30, 2],
      liq: { peak: 25, sizeMedian: 0.1 },
      oi: { voluntary: 0.2 },
    },
    {
      seed: 303,
      legs: [
        [4, -3],
        [2, 1],
        [4, -3],
        [3, 1],
        [6, -4],
      ],
      rebound: [40, 5],
      liq: { peak: 12, sizeSigma: 1.4 },
    },
    { seed: 404, legs: [[8, 6.5]], rebound: [25, -2.5], liq: { peak: 18, sizeSigma: 0.9 } },
    {
      seed: 505,
      legs: [[15, -12]],
      rebound: [20, 6],
      liq: { peak: 40, sizeMedian: 0.02 },
      oi: { voluntary: 1.5 },
    },
    { seed: 606, startPrice: 2_450, legs: [[10, -9]], rebound: [25, 3], liq: { peak: 8, sizeMedian: 1.5 } },
  ]

  for (const variant of variants) {
    it(`seed ${variant.seed}: ${variant.legs.map(([m, p]) => `${p} % in ${m} min`).join(', ')}`, async () => {
      const pair = buildPair(variant)
      const result = await analyzeFiles(pairFiles(pair, '2022-11-09', 'capped'))
      const main = result.cascades.filter((c) => c.liquidations?.regime === 'capped')
      expect(main.length).toBeGreaterThan(0)
      for (const cascade of main) expectEstimateHolds(pair, cascade, '2022-11-09')
    })
  }
})

describe('the reconstructions', () => {
  it('19 May 2021 (5-minute metrics) shows oiImplied for its cascades', async () => {
    const { events } = await readAll(['fixtures/scenarios/2021-05-19'])
    const result = analyzeBars(foldEvents(events))
    expect(result.cascades).toHaveLength(2)
    for (const cascade of result.cascades) {
      const oi = cascade.liquidations!.oiImplied!
      expect(oi.base).toBeGreaterThan(0)
      expect(oi.usd).toBeGreaterThan(0)
      expect(oi.longUsd! + oi.shortUsd!).toBeCloseTo(oi.usd!, 0)
    }
    // Hand check of the fall 09:06:26 → 13:21:30: the level at 09:05 (the last at or before the
    // start) less the lowest up to 13:25, the first level past the window: the planted 61,200 BTC.
    const crash = result.cascades.find((c) => c.direction === 'down')!
    const level = (time: string) =>
      events.find((e) => e.kind === 'open_interest' && e.ts === Date.parse(`2021-05-19T${time}:00Z`)) as
        | { openInterest: number }
        | undefined
    expect(crash.start).toBe('2021-05-19T09:06:26.000Z')
    expect(level('13:25')!.openInterest).toBe(61_200)
    expect(crash.liquidations!.oiImplied!.base).toBeCloseTo(level('09:05')!.openInterest - 61_200, 3)
    expect(crash.liquidations!.regime).toBe('capped')
  })

  it('5–6 Feb 2026 (trades and metrics, no liquidation file): estimates from open interest, and why', async () => {
    const { events } = await readAll(['fixtures/scenarios/2026-02-05'])
    const result = analyzeBars(foldEvents(events))
    expect(result.cascades.length).toBeGreaterThan(0)
    for (const cascade of result.cascades) {
      const l = cascade.liquidations!
      expect([l.usd, l.observedUsd, l.regime]).toEqual([null, null, 'absent'])
      expect(l.oiImplied).not.toBeNull()
      expect(l.estimatedUsd!.method).toBe(METHODS.openInterest)
      expect(cascade.reasons).toContain(
        'Binance publishes no USD-M liquidationSnapshot files after 2024-03-31',
      )
    }
  })
})
