/**
 * Scale-out (DESIGN §10, README "Scale-out: cascade-bars and DuckDB"): the README's DuckDB SQL
 * turns ticks into `cascade-bars`, and those bars are the ones `cascade bars` makes from the same
 * file (numbers within float rounding: DuckDB sums in its own order); `cascade analyze` of them
 * finds the cascades it finds in the ticks. DuckDB is a devDependency: if it cannot load, this
 * fails — it is meant to run wherever the tests run.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DuckDBInstance } from '@duckdb/node-api'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { membersOf } from '../../src/ingest/open.js'
import { CASCADE_BARS_COLUMNS } from '../../src/timeline/csv-formats.js'
import { cascade, ensureBuilt, ROOT } from '../helpers/cli.js'

const SCENARIO = 'fixtures/scenarios/2021-05-19'
const AGG_TRADES = `${SCENARIO}/BTCUSDT-aggTrades-2021-05-19.zip`
const TARDIS = 'fixtures/tardis-trades/binance-futures_trades_2020-02-22_BTCUSDT.csv.gz'

let dir: string
beforeAll(async () => {
  ensureBuilt()
  dir = await mkdtemp(join(tmpdir(), 'cascade-duckdb-'))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

/** The SQL as the README shows it, with the input and output paths put in. */
async function sql(file: string, input: string, output: string): Promise<string> {
  const text = await readFile(join(ROOT, 'test/duckdb', file), 'utf8')
  const readme = await readFile(join(ROOT, 'README.md'), 'utf8')
  expect(readme, `README.md shows test/duckdb/${file} verbatim`).toContain(text.trim())
  const [, pattern] = /read_csv\('([^']+)'/.exec(text)!
  return text.replace(`'${pattern}'`, `'${input}'`).replace("TO 'bars.csv'", `TO '${output}'`)
}

async function duckdb(query: string): Promise<void> {
  const instance = await DuckDBInstance.create(':memory:', { threads: '2' })
  const connection = await instance.connect()
  await connection.run(query)
}

type Bar = Record<string, string>

function parseBars(csv: string): Bar[] {
  const [header, ...rows] = csv.trim().split('\n')
  const columns = header!.split(',')
  expect(columns).toEqual([...CASCADE_BARS_COLUMNS])
  return rows.map((row) => Object.fromEntries(row.split(',').map((cell, i) => [columns[i]!, cell])))
}

/** Bars equal: text where text, prices exactly, sums within float rounding, empty where empty. */
function expectSameBars(fromDuckdb: Bar[], fromCascade: Bar[]): void {
  expect(fromDuckdb.length).toBe(fromCascade.length)
  fromCascade.forEach((bar, i) => {
    const other = fromDuckdb[i]!
    for (const column of CASCADE_BARS_COLUMNS) {
      const [a, b] = [other[column]!, bar[column]!]
      const where = `bar ${i} (${bar.ts}) ${column}`
      if (a === '' || b === '' || !/^-?[\d.]+$/.test(b)) expect(a, where).toBe(b)
      else if (['volume', 'volumeUsd', 'takerBuyUsd'].includes(column)) {
        expect(Math.abs(Number(a) - Number(b)), where).toBeLessThanOrEqual(
          1e-9 * Math.max(1, Math.abs(Number(b))),
        )
      } else expect(Number(a), where).toBe(Number(b))
    }
  })
}

describe('DuckDB SQL → cascade-bars', () => {
  it('Binance aggTrades: the SQL bars equal `cascade bars`; analysing them finds the same cascades', async () => {
    // The scenario's file is from 2021 (no header): written as a post-2022 file, with the header.
    const [member] = await membersOf(join(ROOT, AGG_TRADES), {})
    let text = ''
    for await (const chunk of await member!.open()) text += String(chunk)
    const ticks = join(dir, 'BTCUSDT-aggTrades-2021-05-19.csv')
    await writeFile(
      ticks,
      `agg_trade_id,price,quantity,first_trade_id,last_trade_id,transact_time,is_buyer_maker\n${text}`,
    )
    const bars = join(dir, 'bars-2021-05-19.csv')
    await duckdb(await sql('binance-aggtrades-bars.sql', ticks, bars))

    const cascadeBars = await cascade(['bars', AGG_TRADES])
    expect(cascadeBars.code, cascadeBars.stderr).toBe(0)
    const fromDuckdb = parseBars(await readFile(bars, 'utf8'))
    expectSameBars(fromDuckdb, parseBars(cascadeBars.stdout))
    expect(fromDuckdb.length).toBeGreaterThan(20_000)

    // With the day's open interest and liquidations beside, as a user would run it.
    const others = [
      `${SCENARIO}/BTCUSDT-metrics-2021-05-19.zip`,
      `${SCENARIO}/BTCUSDT-liquidationSnapshot-2021-05-19.zip`,
    ]
    const fromTicks = await cascade(['analyze', AGG_TRADES, ...others, '--json'])
    const fromBars = await cascade(['analyze', bars, ...others, '--json'])
    expect(fromTicks.code, fromTicks.stderr).toBe(0)
    expect(fromBars.code, fromBars.stderr).toBe(0)
    const shape = (json: string) =>
      (
        JSON.parse(json).cascades as {
          start: string
          extreme: string
          end: string
          price: { movePct: number }
          waves: number
        }[]
      ).map((c) => ({
        start: c.start,
        extreme: c.extreme,
        end: c.end,
        movePct: c.price.movePct,
        waves: c.waves,
      }))
    const cascades = shape(fromTicks.stdout)
    expect(cascades.length).toBeGreaterThan(0)
    expect(shape(fromBars.stdout)).toEqual(cascades)
  })

  it('Tardis trades: the SQL bars equal `cascade bars`', async () => {
    const bars = join(dir, 'bars-tardis.csv')
    await duckdb(await sql('tardis-trades-bars.sql', join(ROOT, TARDIS), bars))
    const cascadeBars = await cascade(['bars', TARDIS])
    expect(cascadeBars.code, cascadeBars.stderr).toBe(0)
    const fromDuckdb = parseBars(await readFile(bars, 'utf8'))
    expect(fromDuckdb.length).toBeGreaterThan(3)
    expectSameBars(fromDuckdb, parseBars(cascadeBars.stdout))
  })
})
