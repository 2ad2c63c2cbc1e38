/**
 * Ranking a day against the earlier daily reports: rank, percentile (ties half), "the largest
 * since", and reading the history back from a report directory.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { readHistory } from '../../src/report/daily/files.js'
import { rankFigure, rankMarket } from '../../src/report/daily/ranking.js'
import type { HistoryDay } from '../../src/report/daily/types.js'

const days = (values: number[]) =>
  values.map((value, i) => ({ date: `2021-05-${String(10 + i).padStart(2, '0')}`, value }))

describe('rankFigure', () => {
  it('ranks against the earlier days', () => {
    // Earlier: 05-10 50, 05-11 200, 05-12 10, 05-13 30, 05-14 60; today 100.
    const r = rankFigure(100, days([50, 200, 10, 30, 60]))!
    // One day larger (200): rank 2 of 6. Four of five earlier days smaller: percentile 80.
    expect(r).toEqual({
      value: 100,
      rank: 2,
      of: 5,
      percentile: 80,
      record: false,
      largestSince: '2021-05-11',
    })
  })

  it('says nothing superlative when the day before was larger', () => {
    const r = rankFigure(100, days([50, 10, 300]))!
    expect(r.largestSince).toBeNull()
    expect(r.record).toBe(false)
    expect(r.rank).toBe(2)
  })

  it('marks a record, counts ties half, and has no rank without history', () => {
    expect(rankFigure(500, days([50, 200]))).toMatchObject({
      record: true,
      largestSince: null,
      rank: 1,
      percentile: 100,
    })
    // Earlier 9, 7, 3, 7, 2; today 7. Smaller: 3 and 2; equal: two 7s: (2 + 2/2) / 5 = 60 %.
    // One larger (9): rank 2. The latest day at least as large is 05-13 (a 7), with 05-14 smaller after it.
    expect(rankFigure(7, days([9, 7, 3, 7, 2]))).toMatchObject({
      percentile: 60,
      rank: 2,
      largestSince: '2021-05-13',
    })
    expect(rankFigure(1, [])).toBeNull()
  })
})

describe('rankMarket', () => {
  const history: HistoryDay[] = [
    {
      date: '2021-05-16',
      markets: new Map([['BTC', { liquidationsUsd: 40e6, rangePct: 4, cascadeMovePct: null }]]),
    },
    {
      date: '2021-05-17',
      markets: new Map([['BTC', { liquidationsUsd: 120e6, rangePct: 9, cascadeMovePct: 6 }]]),
    },
    {
      date: '2021-05-18',
      markets: new Map([['ETH', { liquidationsUsd: 1e6, rangePct: 2, cascadeMovePct: null }]]),
    },
  ]

  it('compares a market with the days that have it, cascade moves with days that had a cascade', () => {
    const r = rankMarket('BTC', { liquidationsUsd: 80e6, rangePct: 30, cascadeMovePct: 25.5 }, history)
    expect(r.days).toBe(2)
    expect([r.firstDay, r.lastDay]).toEqual(['2021-05-16', '2021-05-17'])
    expect(r.liquidationsUsd).toMatchObject({
      rank: 2,
      of: 2,
      percentile: 50,
      record: false,
      largestSince: null,
    })
    expect(r.rangePct).toMatchObject({ rank: 1, record: true })
    expect(r.cascadeMovePct).toMatchObject({ of: 1, record: true })
    expect(r.notes).toEqual([
      'liquidations $80M: rank 2 of 3, percentile 50.0 of 2 earlier days',
      'price range 30.00%: the largest in the reports (rank 1 of 3, percentile 100.0 of 2 earlier days)',
      'cascade move 25.50%: the largest in the reports (rank 1 of 2, percentile 100.0 of 1 earlier days with a cascade)',
    ])
  })

  it('has no figures for a market the reports never had', () => {
    const r = rankMarket('SOL', { liquidationsUsd: 5e6, rangePct: 3, cascadeMovePct: null }, history)
    expect(r).toMatchObject({
      days: 0,
      liquidationsUsd: null,
      rangePct: null,
      cascadeMovePct: null,
      notes: [],
    })
  })
})

describe('readHistory', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cascade-history-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))
  const report = (date: string, extra: Record<string, unknown> = {}) =>
    JSON.stringify({
      schema: 'cascade.daily/1',
      date,
      tz: 'UTC',
      status: 'ok',
      markets: [{ market: 'BTC', liqLongUsd: 10, liqShortUsd: 5, rangePct: 3.5, largestMovePct: -7.5 }],
      ...extra,
    })

  it('reads earlier reports of the same zone, and says which files it left out', async () => {
    writeFileSync(join(dir, '2021-05-10.json'), report('2021-05-10'))
    writeFileSync(join(dir, '2021-05-11.json'), report('2021-05-11', { tz: 'Asia/Tokyo' }))
    writeFileSync(join(dir, '2021-05-12.json'), '{ not json')
    writeFileSync(join(dir, '2021-05-13.json'), report('2021-05-13', { status: 'no-data', markets: [] }))
    writeFileSync(join(dir, '2021-05-14.json'), JSON.stringify({ schema: 'cascade.report/1' }))
    writeFileSync(join(dir, '2021-05-19.json'), report('2021-05-19')) // the day itself: not history
    writeFileSync(join(dir, '2021-05-20.json'), report('2021-05-20')) // later: not history
    writeFileSync(join(dir, 'notes.json'), '{}')
    const history = await readHistory(dir, '2021-05-19', 'UTC')
    expect(history.days.map((d) => d.date)).toEqual(['2021-05-10'])
    expect(history.days[0]!.markets.get('BTC')).toEqual({
      liquidationsUsd: 15,
      rangePct: 3.5,
      cascadeMovePct: 7.5,
    })
    expect(history.notes).toHaveLength(3)
    expect(history.notes[0]).toMatch(/^2021-05-12\.json .* not readable JSON/)
    expect(history.notes[1]).toMatch(/^2021-05-14\.json .* not a daily report for 2021-05-14/)
    expect(history.notes[2]).toMatch(/^1 earlier report .* another time zone than UTC/)
  })

  it('is empty for a directory that does not exist yet', async () => {
    expect(await readHistory(join(dir, 'missing'), '2021-05-19', 'UTC')).toEqual({ days: [], notes: [] })
  })
})
