import { expect } from 'vitest'

/** The no-overlap rule, shared with the real-data tests. */
export function expectDisjoint(
  cascades: readonly { market: string; start: string; extreme: string; withinBarMs: number | null }[],
): void {
  const byMarket = new Map<string, (typeof cascades)[number][]>()
  for (const c of cascades) byMarket.set(c.market, [...(byMarket.get(c.market) ?? []), c])
  for (const list of byMarket.values()) {
    const sorted = [...list].sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0))
    for (let i = 0; i < sorted.length; i++) {
      const c = sorted[i]!
      if (c.start === c.extreme) expect(c.withinBarMs).not.toBeNull()
      const next = sorted[i + 1]
      if (!next) continue
      expect(next.start >= c.extreme).toBe(true)
      if (c.start === c.extreme || next.start === next.extreme) expect(next.start > c.extreme).toBe(true)
    }
  }
}
