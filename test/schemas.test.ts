/**
 * The JSON contract: schemas/ is made from the TypeScript types (npm run schemas) and is up to
 * date, and what the CLI writes validates against it: `analyze --json` on fixtures and real files,
 * the daily report's JSON.
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Ajv } from 'ajv'
import { describe, expect, it } from 'vitest'
import { cascade, ROOT } from './helpers/cli.js'
import { hasReal, REAL } from './helpers/real.js'

const ajv = new Ajv({ allErrors: true, strict: false })
const load = (name: string) => JSON.parse(readFileSync(join(ROOT, 'schemas', name), 'utf8'))
const reportSchema = ajv.compile(load('cascade.report-2.schema.json'))
const dailySchema = ajv.compile(load('cascade.daily-2.schema.json'))

describe('JSON Schemas of the documents', () => {
  it('are up to date with the TypeScript types', () => {
    expect(() =>
      execFileSync('node', ['scripts/schemas.mjs', '--check'], { cwd: ROOT, stdio: 'pipe' }),
    ).not.toThrow()
  }, 120_000)

  const inputs: string[][] = [
    ['fixtures/scenarios/2021-05-19/'],
    ['fixtures/liquidation-pair/capped'],
    ['fixtures/coinglass-liquidations', 'fixtures/binance-klines'],
    ...(hasReal
      ? [
          [`${REAL}/LTCUSDT-1m-2026-02.csv`, `${REAL}/LINKUSDT-1m-2026-02.csv`],
          [`${REAL}/coinglass_BTC_regime_1h_1y.csv`, `${REAL}/coinglass_BTC_liquidation_10y_1h.csv`],
        ]
      : []),
  ]
  for (const paths of inputs) {
    it(`analyze --json validates: ${paths.map((p) => p.replace(REAL, 'real')).join(' ')}`, async () => {
      const run = await cascade(['analyze', ...paths, '--json', '--quiet'])
      expect([0, 1]).toContain(run.code)
      const ok = reportSchema(JSON.parse(run.stdout))
      expect(reportSchema.errors ?? [], JSON.stringify(reportSchema.errors?.slice(0, 3))).toEqual([])
      expect(ok).toBe(true)
    })
  }

  it('the daily report validates', async () => {
    const out = mkdtempSync(join(tmpdir(), 'cascade-schema-'))
    try {
      const run = await cascade([
        'report',
        '--date',
        '2021-05-19',
        'fixtures/scenarios/2021-05-19/',
        '--out',
        out,
      ])
      expect(run.code).toBe(0)
      const doc = JSON.parse(readFileSync(join(out, '2021-05-19', '2021-05-19.json'), 'utf8'))
      const ok = dailySchema(doc)
      expect(dailySchema.errors ?? [], JSON.stringify(dailySchema.errors?.slice(0, 3))).toEqual([])
      expect(ok).toBe(true)
    } finally {
      rmSync(out, { recursive: true, force: true })
    }
  })
})
