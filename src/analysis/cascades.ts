/**
 * From legs to cascades (DESIGN §5, §5.1): the legs of both directions that pass the speed test,
 * kept when the flow confirms them (liquidations far above their baseline where liquidation data
 * covers the window; otherwise a volume surge; without volume, price alone), made disjoint within
 * the market, then measured over half-open windows so that no bar counts in two cascades.
 */
import { CompactTicks, WindowMiss } from '../bars/index.js'
import { groupEpisodes } from './episodes.js'
import {
  barWord,
  baselineWords,
  type Context,
  calmCells,
  coarsest,
  covering,
  hotLevel,
  liquidationFigures,
  marketContext,
  openInterestOf,
  pctOrNull,
  unitWord,
  venueFigures,
  volumeBaseline,
  volumeFigures,
} from './figures.js'
import { marketFunding } from './funding.js'
import type { LegStream } from './leg-stream.js'
import { DirectedBars, type Direction, findLegs, type Leg, legStart, qualifies, retraceBar } from './legs.js'
import { estimateLiquidations, liquidationScope, noRecords } from './liquidation-estimate.js'
import type { MarketBars } from './market.js'
import {
  type Baseline,
  calmAfter,
  countWaves,
  maxMovePct,
  peakCell,
  peakZ,
  priceAt,
  trailingBaseline,
} from './metrics.js'
import { type AnalysisParams, DEFAULT_PARAMS } from './params.js'
import type { Cascade, CascadeLiquidations, Episode, Resolution } from './report-types.js'
import {
  durationWords,
  iso,
  MINUTE,
  pct,
  priceWords,
  resolutionLabel,
  round,
  timesWords,
  usdWords,
} from './stats.js'

export function detectMarket(
  market: MarketBars,
  params: AnalysisParams = DEFAULT_PARAMS,
): { cascades: Cascade[]; episodes: Episode[] } {
  const context = marketContext(market, params)
  if (!context) return { cascades: [], episodes: [] }
  const layer = context.layer
  // Legs of both directions that pass the speed test and the flow test on their own window.
  const candidates: Candidate[] = []
  for (const direction of ['down', 'up'] as const) {
    const bars = new DirectedBars(layer, direction)
    // Compacted 1-second bars (the window): the legs were found while they were read.
    const legs = layer instanceof CompactTicks ? keptLegs(bars, layer, params) : findLegs(bars, params)
    for (const leg of legs) {
      if (!qualifies(bars, leg, params)) continue
      const cascade = measure(context, bars, leg, null)
      if (cascade) candidates.push({ bars, leg, cascade })
    }
  }
  // Within one market, [start, extreme] windows never overlap: the larger move keeps its window.
  const kept = keepDisjoint(candidates)
  // Figures over half-open windows that end where the next cascade's begins: no bar counts twice.
  const cascades: Cascade[] = []
  const finals: Candidate[] = []
  let windowFrom = Number.NEGATIVE_INFINITY
  for (let i = 0; i < kept.length; i++) {
    const { bars, leg } = kept[i]!
    const next = kept[i + 1]
    const limits: WindowLimits = {
      from: windowFrom,
      to: next ? bars.time(next.leg.startIdx) : Number.POSITIVE_INFINITY,
    }
    const cascade = measure(context, bars, leg, limits)
    if (!cascade) continue
    cascades.push(cascade)
    finals.push({ bars, leg, cascade })
    windowFrom = windowEndOf(cascade)
  }
  const episodes = groupEpisodes(context, finals, windowEndOf)
  return { cascades, episodes }
}

/**
 * The legs a compacted layer's leg finder found, as legs of its kept rows (which hold every second
 * their measures read: window-plan.ts), or `WindowMiss` when they do not.
 */
function keptLegs(bars: DirectedBars, layer: CompactTicks, params: AnalysisParams): Leg[] {
  const index = (t: number) => {
    const i = layer.lowerBound(t)
    if (layer.time[i] !== t) throw new WindowMiss(`no kept second at ${iso(t)}`)
    return i
  }
  return (layer.watcher as LegStream).legs(bars.direction).map((leg) => {
    layer.mustKeep(
      leg.startT,
      Math.max(leg.closeT, leg.extremeT + params.mergeGapMin * MINUTE) + 1000,
      'a leg',
    )
    return {
      direction: leg.direction,
      startIdx: index(leg.startT),
      extremeIdx: index(leg.extremeT),
      closeIdx: index(leg.closeT),
      swallowed: leg.swallowed.map((counter) => ({
        topIdx: index(counter.topT),
        sizeFrac: counter.sizeFrac,
      })),
    }
  })
}

/** Every cascade of one market, in time order. */
export function detectCascades(market: MarketBars, params: AnalysisParams = DEFAULT_PARAMS): Cascade[] {
  return detectMarket(market, params).cascades
}

export interface Candidate {
  bars: DirectedBars
  leg: Leg
  cascade: Cascade
}

/** The half-open stretch a cascade's sums may cover, so that neighbours never share a bar. */
interface WindowLimits {
  from: number
  to: number
}

/** The end of a cascade's half-open window of sums. */
export function windowEndOf(cascade: Cascade): number {
  return Date.parse(cascade.window.to)
}

function keepDisjoint(candidates: Candidate[]): Candidate[] {
  const bySize = [...candidates].sort(
    (a, b) =>
      Math.abs(b.cascade.price.movePct) - Math.abs(a.cascade.price.movePct) ||
      Date.parse(a.cascade.start) - Date.parse(b.cascade.start),
  )
  const kept: Candidate[] = []
  for (const candidate of bySize) {
    const s = Date.parse(candidate.cascade.start)
    const e = Date.parse(candidate.cascade.extreme)
    const clash = kept.some((other) => {
      const os = Date.parse(other.cascade.start)
      const oe = Date.parse(other.cascade.extreme)
      // Two legs may touch at one bar (a squeeze starts in the crash's low bar), but a move inside
      // one bar shares that bar with nothing: the order inside it is unknown.
      if (s === e && (s === os || s === oe)) return true
      if (os === oe && (os === s || os === e)) return true
      return s < oe && os < e
    })
    if (!clash) kept.push(candidate)
  }
  return kept.sort(
    (a, b) =>
      Date.parse(a.cascade.start) - Date.parse(b.cascade.start) ||
      Date.parse(a.cascade.extreme) - Date.parse(b.cascade.extreme),
  )
}

function measure(
  context: Context,
  bars: DirectedBars,
  leg: Leg,
  limits: WindowLimits | null,
): Cascade | null {
  const { market, params, layer } = context
  const direction: Direction = leg.direction
  const priceView = market.price!
  const priceRes = layer.durationMs
  const startT = bars.time(leg.startIdx)
  const startX = bars.price(legStart(bars, leg))
  const extremeT = bars.time(leg.extremeIdx)
  const extremeX = bars.price(bars.bottom(leg.extremeIdx))
  const withinBar = leg.startIdx === leg.extremeIdx

  // End: the price gives back reboundFrac of the move, or (below) liquidations return to baseline;
  // failing both, the extreme: the move stopped extending there.
  let endT = extremeT
  let endX = extremeX
  const k = retraceBar(bars, leg, params.reboundFrac, params.mergeGapMin * MINUTE)
  if (k >= 0) {
    // The retrace bar's open time and its high (low, for a squeeze): what the data shows.
    endT = bars.time(k)
    endX = bars.price(bars.top(k))
  }

  const reasons: string[] = []
  const liq = context.liquidations
  const liqCovered = liq?.overlaps(startT, endT + priceRes) === true
  // The forced flow of a fall is longs liquidated; of a squeeze, shorts.
  const sideWord = direction === 'down' ? 'long' : 'short'
  const side = liq && liqCovered ? liq.column(direction === 'down' ? 0 : 1) : null
  let liqBaseline: Baseline | null = null
  if (side) {
    liqBaseline = trailingBaseline(side, startT, params.baselineHours, side.cellOf(endT + priceRes - 1))
    const calmLevel = Math.max(hotLevel(liqBaseline, params.liqZ), (params.liqFloorUsd * side.step) / MINUTE)
    const calm = calmAfter(side, side.cellOf(extremeT), calmLevel, calmCells(side, params), side.cellOf(endT))
    if (calm !== null && calm < endT) {
      endT = Math.max(calm, extremeT)
      endX = priceAt(layer, endT) ?? extremeX
    }
  }
  // The half-open window of sums: from the start (or the previous cascade's window end) to the bar
  // after the end, never into the next cascade's start; at least the extreme's bar.
  const windowStart = Math.max(startT, limits?.from ?? Number.NEGATIVE_INFINITY)
  let windowEnd = endT + priceRes
  if (limits) windowEnd = Math.min(windowEnd, Math.max(limits.to, extremeT + priceRes))
  windowEnd = Math.max(windowEnd, windowStart)

  // Flow that confirms the move.
  let liquidations: CascadeLiquidations | null = null
  let waves = 1
  if (side) {
    const first = side.cellOf(startT)
    const last = side.cellOf(windowEnd - 1)
    const peak = peakCell(side, first, last)
    if (!peak) return null
    const z = peakZ(peak, liqBaseline)
    const perMinute = (peak.value * MINUTE) / side.step
    if (!(perMinute >= params.liqFloorUsd && z >= params.liqZ)) return null
    const unit = unitWord(side.step)
    if (liqBaseline && liqBaseline.median > 0) {
      const multiple = timesWords(peak.value / liqBaseline.median)
      reasons.push(
        `${sideWord} liquidations ${multiple} ${baselineWords(liqBaseline, unit, params)} ` +
          `(${usdWords(peak.value)} in the peak ${unit})`,
      )
    } else {
      reasons.push(
        `${sideWord} liquidations ${usdWords(peak.value)} in the peak ${unit}; ` +
          `${baselineWords(liqBaseline, unit, params)} had none`,
      )
    }
    waves = countWaves(
      side,
      first,
      last,
      Math.max(params.waveFrac * peak.value, hotLevel(liqBaseline, params.liqZ)),
      calmCells(side, params),
    )
  }

  const volume = volumeFigures(context, windowStart, windowEnd)
  // Observed sums, coverage, the OI-implied closing and the estimate (liquidation-estimate.ts).
  const scope = side ? liquidationScope(market, windowStart, windowEnd) : []
  const estimates = estimateLiquidations(market, scope, windowStart, windowEnd, direction)
  if (side)
    liquidations = {
      ...liquidationFigures(context, windowStart, windowEnd, volume.quoteUsd),
      ...estimates.total,
    }
  let volumeWords: string | null = null
  if (!liquidations) {
    const multiple = volume.baselineMultiple
    if (multiple !== null && multiple < params.minVolumeMultiple) return null
    if (context.volume) {
      const track = context.volume.track
      const first = track.cellOf(windowStart)
      const last = track.cellOf(windowEnd - 1)
      const peak = peakCell(track, first, last)
      const baseline = volumeBaseline(track, windowStart, params.baselineHours, last)
      if (peak) {
        const hot = Math.max(params.waveFrac * peak.value, (baseline?.level ?? 0) * params.minVolumeMultiple)
        waves = countWaves(track, first, last, hot, calmCells(track, params))
      }
    }
  }
  if (volume.baselineMultiple !== null && context.volume && volume.baselineMultiple >= 1) {
    const track = context.volume.track
    const baseline = volumeBaseline(track, windowStart, params.baselineHours, track.cellOf(windowEnd - 1))
    volumeWords = `volume ${timesWords(volume.baselineMultiple)} ${baseline?.words ?? 'its baseline'}`
  }

  const movePct = ((extremeX - startX) / startX) * 100
  const toExtreme = extremeT - startT
  // Inside one bar only "within that bar" is known: "within one day" for daily bars.
  const took = withinBar ? `within one ${barWord(priceRes)}` : `in ${durationWords(toExtreme)}`
  reasons.unshift(
    `price ${direction === 'down' ? 'fell' : 'rose'} ${Math.abs(pct(movePct)).toFixed(2)} % ${took} ` +
      `(${priceWords(startX)} → ${priceWords(extremeX)})`,
  )
  for (const counter of leg.swallowed) {
    const size = counter.sizeFrac * 100
    if (size < params.minMovePct / 2) continue
    const squeeze =
      size >= params.minMovePct ? `, large enough to be a ${direction === 'down' ? 'squeeze' : 'fall'}` : ''
    reasons.push(
      `a counter-move of ${pct(size).toFixed(2)} % at ${iso(bars.time(counter.topIdx)).slice(11, 16)} UTC ` +
        `was undercut within ${durationWords(Math.max(params.undercutWithinMin * MINUTE, priceRes))}, ` +
        `so it is part of this leg${squeeze}`,
    )
  }
  const sideUsd = direction === 'down' ? liquidations?.longUsd : liquidations?.shortUsd
  if (liquidations?.usd && sideUsd != null) {
    reasons.push(
      `${sideWord} positions ${((sideUsd / liquidations.usd) * 100).toFixed(0)} % of liquidated USD`,
    )
  }
  reasons.push(...estimates.reasons)
  if (volumeWords) reasons.push(volumeWords)
  // Taker imbalance is reported when it leans the move's way; it is never a rule.
  if (volume.takerBuyUsd !== null && volume.takerSellUsd !== null) {
    const taker = volume.takerBuyUsd + volume.takerSellUsd
    const share = taker > 0 ? (direction === 'down' ? volume.takerSellUsd : volume.takerBuyUsd) / taker : 0
    if (share > 0.5)
      reasons.push(`taker ${direction === 'down' ? 'sell' : 'buy'} share ${(share * 100).toFixed(0)} %`)
  }
  if (waves >= 2)
    reasons.push(`${waves} waves of ${liquidations ? 'liquidations' : 'volume'} separated by calm`)
  if (!liquidations) {
    if (!context.volume) {
      reasons.push(
        'no liquidation or volume data: detected from price alone; ' +
          'liquidation figures need liquidation files',
      )
    } else {
      reasons.push(
        context.liquidations
          ? 'no liquidation data for this window: detected from price speed and volume'
          : 'no liquidation data: detected from price speed and volume; ' +
              'liquidation figures need liquidation files',
      )
    }
  }
  if (market.priceCandidates > 1) {
    reasons.push(
      `price path from ${priceView.series.key} (${resolutionLabel(priceRes)} bars; ` +
        `the finest and most liquid of ${market.priceCandidates} venues with prices)`,
    )
  }

  const openInterest = openInterestOf(context, windowStart, windowEnd)
  const resolution: Record<string, Resolution> = { price: resolutionLabel(priceRes) }
  // Only the figures some input gives for this window have a resolution here.
  const volumeViews = market.venues.flatMap((venue) => (venue.volume ? [venue.volume] : []))
  const volumeRes = coarsest(covering(volumeViews, windowStart, windowEnd).map((view) => view.resolutionMs))
  if (volumeRes !== null) resolution.volume = resolutionLabel(volumeRes)
  if (liquidations) {
    const liqViews = market.venues.flatMap((venue) => (venue.liquidations ? [venue.liquidations] : []))
    const liqRes = coarsest(covering(liqViews, windowStart, windowEnd).map((view) => view.resolutionMs))
    if (liqRes !== null) resolution.liquidations = resolutionLabel(liqRes)
  }
  if (openInterest.figures) resolution.openInterest = resolutionLabel(openInterest.resolutionMs)

  const cascade: Cascade = {
    id: cascadeId(market.name, startT, direction),
    market: market.name,
    direction,
    start: iso(startT),
    extreme: iso(extremeT),
    end: iso(endT),
    durationSec: round((endT - startT) / 1000, 3),
    window: { from: iso(windowStart), to: iso(windowEnd) },
    withinBarMs: withinBar ? priceRes : null,
    price: {
      start: startX,
      extreme: extremeX,
      end: endX,
      movePct: pct(movePct),
      reboundPct: startX === extremeX ? 0 : pct(((endX - extremeX) / (startX - extremeX)) * 100),
    },
    speed: {
      pctPerMin: round(Math.abs(movePct) / (Math.max(toExtreme, priceRes) / MINUTE), 3),
      timeToExtremeSec: round(toExtreme / 1000, 3),
      max1mPct: pctOrNull(maxMovePct(layer, startT, endT, MINUTE)),
      max5mPct: pctOrNull(maxMovePct(layer, startT, endT, 5 * MINUTE)),
      max15mPct: pctOrNull(maxMovePct(layer, startT, endT, 15 * MINUTE)),
    },
    volume,
    liquidations: liquidations ?? noRecords(estimates.total),
    openInterest: openInterest.figures,
    waves,
    venues: venueFigures(context, windowStart, windowEnd, openInterest.venueDrawdownPct).map((venue, i) => ({
      ...venue,
      liquidations: estimates.venues[i]!,
    })),
    reasons,
    resolution,
    priceSeries: priceView.series.key,
    episode: null,
    funding: marketFunding(market, startT, endT),
  }
  return cascade
}

export function cascadeId(market: string, startMs: number, direction: Direction): string {
  const stamp = iso(startMs)
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z')
  return `${market}-${stamp}-${direction}`
}

/** Views whose data reach into [from, to): a figure no input covers is null, not 0. */
