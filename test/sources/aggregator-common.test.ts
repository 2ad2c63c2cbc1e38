import { describe, expect, it } from 'vitest'
import {
  capitalTokenFromName,
  coinglassSymbolFromName,
  inferBucketMs,
  intervalFromName,
  timeCell,
} from '../../src/sources/aggregator-common.js'

const probe = (name: string) => ({ name, lines: [] })

describe('bucket length', () => {
  it('reads intervals written in file names', () => {
    expect(intervalFromName('coinglass_BTC_liquidation_10y_1h.csv')).toBe(3_600_000)
    expect(intervalFromName('coinglass_BTC_oi_4h.csv')).toBe(14_400_000)
    expect(intervalFromName('BTCUSDT_PERP.3_1min.csv')).toBe(60_000)
    expect(intervalFromName('x-30m.csv')).toBe(1_800_000)
    expect(intervalFromName('eth_daily.csv')).toBe(86_400_000)
    expect(intervalFromName('coinglass_BTC_liquidation.csv')).toBeNull()
    // `10y` is a span, not an interval, and `2026-02` is a date.
    expect(intervalFromName('coinglass_BTC_10y.csv')).toBeNull()
    expect(intervalFromName('LTCUSDT-2026-02.csv')).toBeNull()
  })

  it('prefers the rows’ smallest step to the name, ignoring gaps and repeats', () => {
    const h = 3_600_000
    // steps 1 h, 0 (a repeated row), 3 h (a gap) → 1 h, although the name says 4h.
    expect(inferBucketMs([0, h, h, 4 * h], probe('x_4h.csv'), 'test')).toBe(h)
    expect(inferBucketMs([5 * h], probe('x_4h.csv'), 'test')).toBe(4 * h)
    expect(() => inferBucketMs([5 * h], probe('x.csv'), 'test')).toThrow(/cannot tell the bucket length/)
  })
})

describe('timeCell', () => {
  it('reads epoch times by size and ISO-like times as UTC or with their offset', () => {
    expect(timeCell('1789419660', 't')).toBe(1789419660000)
    expect(timeCell('1770336000000', 't')).toBe(1770336000000)
    expect(timeCell('2026-02-06T00:00:00.000Z', 't')).toBe(1770336000000)
    expect(timeCell('2026-02-06 00:00:00', 't')).toBe(1770336000000)
    expect(timeCell('2026-02-06 00:00:00+00', 't')).toBe(1770336000000)
    expect(timeCell('2026-02-06 00:00:00 UTC', 't')).toBe(1770336000000)
    expect(timeCell('2026-02-06', 't')).toBe(1770336000000)
    // 03:00 at UTC+3 is midnight UTC; 19:00 at UTC−05:00 the day before is midnight UTC too.
    expect(timeCell('2026-02-06T03:00:00+03:00', 't')).toBe(1770336000000)
    expect(timeCell('2026-02-05T19:00:00-0500', 't')).toBe(1770336000000)
  })

  it('refuses what is not a time, with a code', () => {
    expect(() => timeCell('', 't')).toThrow(/t: empty/)
    expect(() => timeCell('2026-02-30 00:00:00', 't')).toThrow(/not a valid date/)
    expect(() => timeCell('yesterday', 't')).toThrow(/expected epoch time/)
    expect(() => timeCell('12', 't')).toThrow(/between 2000 and 2100/)
  })
})

describe('names', () => {
  it('finds the coin of CoinGlass files and the first capital token of others', () => {
    expect(coinglassSymbolFromName('coinglass_BTC_liquidation_10y_1h.csv')).toBe('BTC')
    expect(coinglassSymbolFromName('my-coinglass-eth-oi.csv')).toBe('ETH')
    expect(coinglassSymbolFromName('BTC_liquidation.csv')).toBeNull()
    expect(capitalTokenFromName('regime_SOLUSDT_1h.csv')).toBe('SOLUSDT')
    expect(capitalTokenFromName('my_table.csv')).toBeNull()
  })
})
