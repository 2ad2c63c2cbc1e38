/**
 * Coinalyze writes liquidations in coins. Beside a price of the same market they are valued in USD
 * at the close of the last price bar opening at or before each bucket (no earlier than one bucket
 * before it); without such a price they stay out of the USD figures and the notes say so. `cascade
 * bars` carries them through in coins, and reading those bars back gives the same USD figures.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import type { Report } from '../../src/analysis/report-types.js'
import { cascade, ensureBuilt } from '../helpers/cli.js'
import { describeReal, itReal, realPath } from '../helpers/real.js'
import { tempFile } from '../helpers/temp.js'

const COINALYZE = 'fixtures/coinalyze-liquidations/BTCUSDT_PERP.A_liquidation-history.csv'
const HOUR = 3_600_000

/**
 * Binance USD-M 1h klines (the 12 columns of data.binance.vision, no header) for 2024-06-22
 * 12:00 → 2024-06-23 03:00, every close 64,000: the buckets' USD values are then easy to check.
 */
function klines(): string {
  const start = Date.UTC(2024, 5, 22, 12)
  return Array.from({ length: 16 }, (_, h) => {
    const t = start + h * HOUR
    return `${t},64000.00,64100.00,63900.00,64000.00,1000.000,${t + HOUR - 1},64000000.00000,10000,500.000,32000000.00000,0`
  }).join('\n')
}

beforeAll(() => ensureBuilt())

describe('Coinalyze liquidations in coins beside Binance klines of the same market', () => {
  it('are valued at the klines’ close: long 2.889 BTC → $184,896, short 0.801 BTC → $51,264', async () => {
    const prices = await tempFile('BTCUSDT-1h-2024-06-22.csv', `${klines()}\n`)
    const run = await cascade(['analyze', prices, COINALYZE, '--json'])
    expect(run.code).toBe(0)
    const report = JSON.parse(run.stdout) as Report
    // The fixture's ten buckets (three duplicate rows dropped): long 0.165 + 1.11 + 0.013 + 0.009 +
    // 0 + 0.051 + 0.875 + 0.187 + 0.067 + 0.412 = 2.889 BTC; short 0.035 + 0.057 + 0.018 + 0 +
    // 0.344 + 0 + 0.179 + 0 + 0.168 + 0 = 0.801 BTC; each × 64,000.
    expect(report.markets[0]).toMatchObject({ liqLongUsd: 184896, liqShortUsd: 51264 })
    expect(report.markets[0]!.coverage!.liquidations).toEqual({
      from: '2024-06-22T14:00:00.000Z',
      to: '2024-06-23T02:00:00.000Z',
    })
    expect(report.warnings).toContain(
      'binance:BTC-USDT-PERP: 10 liquidation buckets in base units (coins, as Coinalyze writes them) ' +
        "valued in USD at binance:BTC-USDT-PERP's close at or before each bucket",
    )
  })

  it('a bucket with no price at or before it stays out, and the note says which', async () => {
    // Klines from 2024-06-22 20:00 on: the buckets of 14:00, 15:00, 18:00 and 19:00 have no price.
    const late = klines().split('\n').slice(8).join('\n')
    const prices = await tempFile('BTCUSDT-1h-2024-06-22.csv', `${late}\n`)
    const report = JSON.parse((await cascade(['analyze', prices, COINALYZE, '--json'])).stdout) as Report
    // Long 0.051 + 0.875 + 0.187 + 0.067 + 0.412 + 0 (20:00) = 1.592 BTC × 64,000 = 101,888.
    expect(report.markets[0]).toMatchObject({ liqLongUsd: 101888 })
    expect(report.warnings).toContain(
      'binance:BTC-USDT-PERP: 6 liquidation buckets in base units (coins, as Coinalyze writes them) ' +
        "valued in USD at binance:BTC-USDT-PERP's close at or before each bucket; 4 more (the first at " +
        '2024-06-22 14:00 UTC) have no price at or before them and are left out of the USD figures: add ' +
        'trades or klines covering that time',
    )
  })

  it('cascade bars keeps them in coins, and its bars read back give the same USD figures', async () => {
    const prices = await tempFile('BTCUSDT-1h-2024-06-22.csv', `${klines()}\n`)
    const bars = await cascade(['bars', prices, COINALYZE])
    expect(bars.code).toBe(0)
    const [header, ...rows] = bars.stdout.trim().split('\n')
    expect(header!.split(',').slice(-2)).toEqual(['liqLongBase', 'liqShortBase'])
    expect(rows.find((row) => row.startsWith(`${Date.UTC(2024, 5, 22, 15)},`))).toMatch(
      /,1\.1099999999999999,0\.056999999999999995$/,
    )
    const path = await tempFile('bars.csv', bars.stdout)
    const reread = JSON.parse((await cascade(['analyze', path, '--json'])).stdout) as Report
    expect(reread.markets[0]).toMatchObject({ liqLongUsd: 184896, liqShortUsd: 51264 })
  })
})

describeReal('the real Coinalyze export (June–August 2024)', () => {
  itReal('beside prices of another year: not valued, and the note names the price series', async () => {
    const run = await cascade([
      'analyze',
      realPath('peers/BTCUSDT_PERP.A_liquidation-history.csv'),
      realPath('BTCUSDT-1h-2021-09.csv'),
      '--json',
    ])
    expect(run.code).toBe(0)
    const report = JSON.parse(run.stdout) as Report
    // Hours of September 2021 say nothing of the price in 2024: no bucket is valued from them.
    expect(report.markets[0]).toMatchObject({ liqLongUsd: null, liqShortUsd: null })
    expect(report.markets[0]!.coverage!.liquidations).toEqual({
      from: '2024-06-20T03:00:00.000Z',
      to: '2024-08-20T03:00:00.000Z',
    })
    expect(report.warnings).toContain(
      'binance:BTC-USDT-PERP: 1446 liquidation buckets in base units (coins, as Coinalyze writes them) ' +
        'need a price series of the same market to be valued in USD: binance:BTC-USDT-PERP has no price at ' +
        'or before them, so they are left out of the USD figures; add trades or klines covering the same time',
    )
  })
})
