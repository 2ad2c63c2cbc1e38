/**
 * The stretches the window keeps around a leg (src/analysis/window-plan.ts), computed by hand: the
 * leg's start to the rebound limit after its low, widened by the chart's margin and open-interest
 * staleness, reaching back to an earlier leg of its direction within the episode gap.
 */
import { describe, expect, it } from 'vitest'
import type { StreamLeg } from '../../src/analysis/leg-stream.js'
import type { MarketBars } from '../../src/analysis/market.js'
import { DEFAULT_PARAMS } from '../../src/analysis/params.js'
import { stretchOf } from '../../src/analysis/window-plan.js'

const at = (hhmm: string) => Date.parse(`2026-02-05T${hhmm}:00Z`)
const leg: StreamLeg = {
  direction: 'down',
  startT: at('12:00'),
  extremeT: at('12:10'),
  closeT: at('12:20'),
  swallowed: [],
}
const market = (oiResolutionMs: number | null) =>
  ({
    venues: [{ openInterest: oiResolutionMs === null ? null : { resolutionMs: oiResolutionMs } }],
  }) as unknown as MarketBars

describe('stretchOf', () => {
  it('without open interest: the chart margin (a quarter of start → rebound limit) and a minute', () => {
    // Rebound limit 12:10 + 240 min = 16:10; chart margin (16:10 − 12:00) / 4 = 62.5 min, + 1 min.
    // From 12:00 − 63.5 min − 1 min = 10:55:30, down to the minute; to 16:10 + 63.5 min = 17:13:30,
    // up to the minute, and one more.
    expect(stretchOf(leg, market(null), { ...DEFAULT_PARAMS })).toEqual({
      from: at('10:55'),
      to: at('17:15'),
    })
  })

  it('with daily open interest: three days of staleness each side', () => {
    const s = stretchOf(leg, market(86_400_000), { ...DEFAULT_PARAMS })
    expect(s.from).toBe(at('12:00') - 3 * 86_400_000 - 2 * 60_000)
    expect(s.to).toBe(at('16:10') + 3 * 86_400_000 + 2 * 60_000)
  })

  it('reaching back to an earlier leg’s low, and a shorter rebound limit', () => {
    const params = { ...DEFAULT_PARAMS, mergeGapMin: 20 }
    // Rebound limit 12:30; chart margin max(15, 30 / 4) = 15 min, + 1; the reach (06:00) is earlier.
    expect(stretchOf(leg, market(null), params, at('06:00'))).toEqual({ from: at('05:59'), to: at('12:47') })
  })
})
