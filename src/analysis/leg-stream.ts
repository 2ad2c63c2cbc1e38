// PROVISIONAL (replaced by the helper's bounded version before merge): buffers every bar.
import { BarColumns } from '../bars/index.js'
import { DirectedBars, type Direction, findLegs, qualifies } from './legs.js'
import type { AnalysisParams } from './params.js'

export interface StreamLeg {
  direction: Direction
  startT: number
  extremeT: number
  closeT: number
  swallowed: { topT: number; sizeFrac: number }[]
}
type P = Pick<
  AnalysisParams,
  'reboundFrac' | 'undercutWithinMin' | 'mergeGapMin' | 'minMovePct' | 'withinMin'
>
export class LegStream {
  private parts: BarColumns[] = []
  private found = new Map<Direction, StreamLeg[]>()
  constructor(private readonly params: P) {}
  add(part: BarColumns): void {
    this.parts.push(part.slice(0, part.length))
  }
  finish(): void {
    const layer = BarColumns.concat(this.parts)
    for (const direction of ['down', 'up'] as const) {
      const bars = new DirectedBars(layer, direction)
      this.found.set(
        direction,
        findLegs(bars, this.params)
          .filter((leg) => qualifies(bars, leg, this.params))
          .map((leg) => ({
            direction,
            startT: bars.time(leg.startIdx),
            extremeT: bars.time(leg.extremeIdx),
            closeT: bars.time(leg.closeIdx),
            swallowed: leg.swallowed.map((c) => ({ topT: bars.time(c.topIdx), sizeFrac: c.sizeFrac })),
          })),
      )
    }
    this.parts = []
  }
  legs(direction: Direction): StreamLeg[] {
    return this.found.get(direction) ?? []
  }
  get retained(): number {
    return this.parts.reduce((n, p) => n + p.length, 0)
  }
}
