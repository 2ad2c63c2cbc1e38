/**
 * Liquidation feed regimes (DESIGN §5.1, METHODS §1): for each venue and source, from when to when
 * its liquidation records are complete, capped (at most one record per symbol or contract per
 * interval), an aggregate of capped feeds, or absent (no public file exists). One table, here:
 * the warnings, the reasons and the estimate (liquidation-estimate.ts) all read it.
 *
 * A series is tagged with its regime for each stretch of time; a window or a run that crosses a
 * change of regime says so. A record that exists is never `absent`: the absent rules only explain
 * why a venue has no liquidation file.
 */
import type { BarColumns, SeriesBars } from '../bars/index.js'
import { iso } from './stats.js'

export type LiquidationRegime = 'complete' | 'capped' | 'absent' | 'aggregate'

/** Which contracts a rule covers: Binance USD-M (linear) and COIN-M (inverse) files ended apart. */
export type ContractFamily = 'linear' | 'inverse'

export interface FeedRule {
  /** The series' exchange (`binance`, `bybit`, …, `coinglass`); `*` for any. */
  venue: string
  /**
   * The source (format) id that made the records (`binance-liquidations`); `*` for any recording
   * of the venue's public feed (the exchange's files, Tardis, Coinalyze, a home-made recorder).
   * The most specific rule wins.
   */
  source: string
  contracts: ContractFamily | '*'
  /** Epoch ms UTC, inclusive; null = since ever. */
  from: number | null
  /** Epoch ms UTC, exclusive; null = until now. */
  to: number | null
  regime: LiquidationRegime
  /** For `capped`: at most one record per symbol (or contract) per `intervalMs`. */
  cap: { per: 'symbol' | 'contract'; intervalMs: number } | null
  /** The rule in words, for warnings and reasons. */
  note: string
  /** Set when the records contradict the table's rule (a capped feed holding several a second). */
  overrides?: FeedRule
}

const day = (year: number, month: number, date: number) => Date.UTC(year, month - 1, date)

/**
 * Binance `<symbol>@forceOrder` / `!forceOrder@arr`: "only the latest one liquidation order within
 * 1000ms will be pushed as the snapshot" (USD-M and COIN-M docs, Liquidation Order Streams:
 * https://developers.binance.com/docs/derivatives/usds-margined-futures/websocket-market-streams/Liquidation-Order-Streams);
 * in the change log on 2021-04-27. The `liquidationSnapshot` archive files were recorded from it.
 */
export const BINANCE_CAP_FROM = day(2021, 4, 27)
/**
 * data.binance.vision `liquidationSnapshot`: USD-M files stop after 2024-03-31 (binance-public-data
 * issue #337; the folder was later removed, #420), COIN-M after 2024-10-14; "this data is no
 * longer provided" (#361). FORMATS.md §1.4.
 */
export const BINANCE_USDM_FILES_END = day(2024, 4, 1)
export const BINANCE_COINM_FILES_END = day(2024, 10, 15)
/**
 * Bybit: the `liquidation.{symbol}` topic sent one liquidation per symbol per second from September
 * 2021 (K33 Research, Vetle Lunde; the day is not documented, the 1st is taken) until
 * `allLiquidation.{symbol}` pushed every liquidation, about 2025-02-25/26
 * (https://bybit-exchange.github.io/docs/v5/websocket/public/all-liquidation).
 */
export const BYBIT_CAP_FROM = day(2021, 9, 1)
export const BYBIT_ALL_FROM = day(2025, 2, 26)

const SECOND = 1000

export const FEED_RULES: readonly FeedRule[] = [
  {
    venue: 'binance',
    source: '*',
    contracts: '*',
    from: null,
    to: BINANCE_CAP_FROM,
    regime: 'complete',
    cap: null,
    note: 'Binance liquidation data before 2021-04-27 holds every liquidation',
  },
  {
    venue: 'binance',
    source: '*',
    contracts: '*',
    from: BINANCE_CAP_FROM,
    to: null,
    regime: 'capped',
    cap: { per: 'symbol', intervalMs: SECOND },
    note: 'Binance liquidation data after 2021-04-27 holds at most one liquidation per symbol per second',
  },
  {
    venue: 'binance',
    source: 'binance-liquidations',
    contracts: 'linear',
    from: BINANCE_USDM_FILES_END,
    to: null,
    regime: 'absent',
    cap: null,
    note: 'Binance publishes no USD-M liquidationSnapshot files after 2024-03-31',
  },
  {
    venue: 'binance',
    source: 'binance-liquidations',
    contracts: 'inverse',
    from: BINANCE_COINM_FILES_END,
    to: null,
    regime: 'absent',
    cap: null,
    note: 'Binance publishes no COIN-M liquidationSnapshot files after 2024-10-14',
  },
  {
    venue: 'bybit',
    source: '*',
    contracts: '*',
    from: null,
    to: BYBIT_CAP_FROM,
    regime: 'complete',
    cap: null,
    note: 'Bybit liquidation data before September 2021 holds every liquidation',
  },
  {
    venue: 'bybit',
    source: '*',
    contracts: '*',
    from: BYBIT_CAP_FROM,
    to: BYBIT_ALL_FROM,
    regime: 'capped',
    cap: { per: 'symbol', intervalMs: SECOND },
    note:
      'Bybit liquidation data from September 2021 to 2025-02-26 holds at most one liquidation per ' +
      'symbol per second',
  },
  {
    venue: 'bybit',
    source: '*',
    contracts: '*',
    from: BYBIT_ALL_FROM,
    to: null,
    regime: 'complete',
    cap: null,
    note: 'Bybit liquidation data since 2025-02-26 (allLiquidation) holds every liquidation',
  },
  // OKX liquidation-orders: "each contract will only show a maximum of one order per one-second
  // period" (https://www.okx.com/docs-v5/en/#public-data-websocket-liquidation-orders-channel; K33).
  {
    venue: 'okx',
    source: '*',
    contracts: '*',
    from: null,
    to: null,
    regime: 'capped',
    cap: { per: 'contract', intervalMs: SECOND },
    note: 'OKX liquidation data holds at most one liquidation per contract per second',
  },
  // BitMEX `liquidation` table: the liquidation orders as they enter the book, not sampled
  // (https://www.bitmex.com/app/wsAPI); Tardis stamps them with arrival time.
  {
    venue: 'bitmex',
    source: '*',
    contracts: '*',
    from: null,
    to: null,
    regime: 'complete',
    cap: null,
    note: 'BitMEX liquidation data (the order-based liquidation table) holds every liquidation',
  },
  // Deribit flags every liquidation trade (https://docs.deribit.com/#trades-kind-currency-interval).
  {
    venue: 'deribit',
    source: '*',
    contracts: '*',
    from: null,
    to: null,
    regime: 'complete',
    cap: null,
    note: 'Deribit liquidation data (flagged trades) holds every liquidation',
  },
  // CoinGlass (https://docs.coinglass.com/) and Coinalyze's aggregate series sum the venues' public
  // feeds, most of them capped. A Coinalyze per-exchange symbol (`BTCUSDT_PERP.A`) is that
  // exchange's series and falls through to its rules above, as do Tardis files.
  {
    venue: 'coinglass',
    source: '*',
    contracts: '*',
    from: null,
    to: null,
    regime: 'aggregate',
    cap: null,
    note: "CoinGlass liquidation data sums the exchanges' public liquidation feeds, most of them capped",
  },
  {
    venue: 'coinalyze',
    source: '*',
    contracts: '*',
    from: null,
    to: null,
    regime: 'aggregate',
    cap: null,
    note: "Coinalyze aggregate liquidation data sums the exchanges' public liquidation feeds, most of them capped",
  },
]

/** A venue missing from the table: its records are taken as they are. */
const UNKNOWN_RULE: FeedRule = {
  venue: '*',
  source: '*',
  contracts: '*',
  from: null,
  to: null,
  regime: 'complete',
  cap: null,
  note: "the venue's liquidation feed is not in cascade's regime table: its records are taken as complete",
}

/** Venues whose series are aggregates of several exchanges. */
export const AGGREGATOR_VENUES: ReadonlySet<string> = new Set(
  FEED_RULES.filter((rule) => rule.regime === 'aggregate').map((rule) => rule.venue),
)

/** `BTC-USD-PERP` (a dollar-quoted contract: inverse) or `BTC-USDT-PERP` (linear); null for spot. */
export function contractFamily(market: string): ContractFamily | null {
  const parts = market.toUpperCase().split('-')
  if (parts.length < 3) return null
  return parts[1] === 'USD' ? 'inverse' : 'linear'
}

/** Where a series' records come from: its exchange, market and one source (format) id. */
export interface FeedKey {
  venue: string
  market: string
  source: string
}

function covers(rule: FeedRule, key: FeedKey, t: number): boolean {
  if (rule.venue !== '*' && rule.venue !== key.venue) return false
  if (rule.source !== '*' && rule.source !== key.source) return false
  if (rule.contracts !== '*' && rule.contracts !== contractFamily(key.market)) return false
  return (rule.from === null || t >= rule.from) && (rule.to === null || t < rule.to)
}

function specificity(rule: FeedRule): number {
  return (rule.venue === '*' ? 0 : 4) + (rule.source === '*' ? 0 : 2) + (rule.contracts === '*' ? 0 : 1)
}

/** The rule for records of `key` at `t`: the most specific one that is not `absent`. */
export function recordRule(key: FeedKey, t: number): FeedRule {
  let best: FeedRule | null = null
  for (const rule of FEED_RULES) {
    if (rule.regime === 'absent' || !covers(rule, key, t)) continue
    if (best === null || specificity(rule) > specificity(best)) best = rule
  }
  return best ?? UNKNOWN_RULE
}

export interface RegimeStretch {
  from: number
  to: number
  regime: LiquidationRegime
  rule: FeedRule
}

/** The times inside (from, to) where some rule starts or ends. */
function boundaries(from: number, to: number): number[] {
  const cuts = new Set<number>()
  for (const rule of FEED_RULES) {
    for (const t of [rule.from, rule.to]) if (t !== null && t > from && t < to) cuts.add(t)
  }
  return [...cuts].sort((a, b) => a - b)
}

/** The regime of records of `key` over [from, to), one stretch per rule in force. */
export function feedStretches(key: FeedKey, from: number, to: number): RegimeStretch[] {
  const stretches: RegimeStretch[] = []
  let start = from
  for (const cut of [...boundaries(from, to), to]) {
    const rule = recordRule(key, start)
    const last = stretches[stretches.length - 1]
    if (last && last.rule === rule) last.to = cut
    else stretches.push({ from: start, to: cut, regime: rule.regime, rule })
    start = cut
  }
  return stretches
}

const WEAKNESS: Record<LiquidationRegime, number> = { complete: 0, capped: 1, aggregate: 2, absent: 3 }

/**
 * The regime of several series (or sources) taken together: `absent` when none has records, else
 * the weakest of them (an aggregate, then a capped feed: the sum is then a lower bound).
 */
export function combineRegimes(regimes: readonly LiquidationRegime[]): LiquidationRegime {
  const present = regimes.filter((regime) => regime !== 'absent')
  if (present.length === 0) return 'absent'
  return present.reduce((a, b) => (WEAKNESS[b] > WEAKNESS[a] ? b : a))
}

/**
 * The sources of a series that fed the layer of `bucketMs` (1000: liquidation events; longer:
 * aggregator buckets of that length), in a stable order.
 */
export function sourcesOf(series: SeriesBars, bucketMs: number): string[] {
  return [...series.liquidationSources]
    .filter(([, seen]) => (bucketMs <= SECOND ? seen.bucketMs <= SECOND : seen.bucketMs === bucketMs))
    .map(([source]) => source)
    .sort()
}

/**
 * A capped feed holds one record per symbol per second; when more than this share of a series'
 * seconds with records hold several, the records are not capped as the table says (a recording
 * of the full tape, or a venue that changed its feed): they are taken as complete, and a warning
 * says so.
 */
export const MAX_SEVERAL_SHARE = 0.02

/** Seconds of a 1-second layer in [from, to) holding liquidation records, and those holding several. */
export function recordDensity(
  layer: BarColumns,
  from: number,
  to: number,
): { seconds: number; several: number } {
  let seconds = 0
  let several = 0
  for (let i = layer.lowerBound(from); i < layer.length && layer.time[i]! < to; i++) {
    const records = layer.liqLongCount[i]! + layer.liqShortCount[i]!
    if (records > 0) seconds++
    if (records > 1) several++
  }
  return { seconds, several }
}

/** Per layer, the rules its records contradict, with the override (computed once). */
const overrideCache = new WeakMap<BarColumns, Map<FeedRule, FeedRule | null>>()

function overrideOf(series: SeriesBars, layer: BarColumns, rule: FeedRule): FeedRule | null {
  if (rule.regime !== 'capped' || layer.durationMs > SECOND || layer.liqFromBuckets) return null
  let cache = overrideCache.get(layer)
  if (!cache) {
    cache = new Map()
    overrideCache.set(layer, cache)
  }
  if (cache.has(rule)) return cache.get(rule)!
  const span = recordSpan(series, layer.durationMs)
  let override: FeedRule | null = null
  if (span) {
    const from = Math.max(span[0], rule.from ?? span[0])
    const to = Math.min(span[1], rule.to ?? span[1])
    const { seconds, several } = recordDensity(layer, from, to)
    if (several >= 3 && several > MAX_SEVERAL_SHARE * seconds) {
      const share = Math.round((several / seconds) * 100)
      override = {
        ...rule,
        regime: 'complete',
        cap: null,
        note:
          `${rule.note} by the regime table, but these records hold several liquidations in one ` +
          `second in ${share} % of their seconds: they are taken as complete (the full tape)`,
        overrides: rule,
      }
    }
  }
  cache.set(rule, override)
  return override
}

/** [first, last + bucket) of a series' liquidation records of the layer of `bucketMs`; null without. */
export function recordSpan(series: SeriesBars, bucketMs: number): [number, number] | null {
  const sources = sourcesOf(series, bucketMs).map((source) => series.liquidationSources.get(source)!)
  if (sources.length === 0) return null
  const size = Math.max(SECOND, bucketMs)
  const first = Math.min(...sources.map((s) => s.first))
  const last = Math.max(...sources.map((s) => s.last))
  return [Math.floor(first / size) * size, Math.floor(last / size) * size + size]
}

/**
 * A liquidation series' regime per stretch of [from, to), for its records in `layer`: the rules
 * of each source that fed the layer (where sources disagree the weakest regime holds), unless the
 * records contradict a cap (MAX_SEVERAL_SHARE).
 */
export function seriesStretches(
  series: SeriesBars,
  layer: BarColumns,
  from: number,
  to: number,
): RegimeStretch[] {
  const sources = sourcesOf(series, layer.durationMs)
  const keys = (sources.length > 0 ? sources : ['*']).map((source) => ({
    venue: series.exchange,
    market: series.market,
    source,
  }))
  const perSource = keys.map((key) => feedStretches(key, from, to))
  const cuts = new Set<number>([from])
  for (const stretches of perSource) for (const s of stretches) cuts.add(s.from)
  const starts = [...cuts].sort((a, b) => a - b)
  const out: RegimeStretch[] = []
  starts.forEach((start, k) => {
    const end = starts[k + 1] ?? to
    let pick: FeedRule | null = null
    for (const stretches of perSource) {
      const rule = stretches.find((x) => x.from <= start && start < x.to)!.rule
      if (pick === null || WEAKNESS[rule.regime] > WEAKNESS[pick.regime]) pick = rule
    }
    const rule = overrideOf(series, layer, pick!) ?? pick!
    const last = out[out.length - 1]
    if (last && last.rule === rule) last.to = end
    else out.push({ from: start, to: end, regime: rule.regime, rule })
  })
  return out
}

export interface RegimeChange {
  at: number
  before: RegimeStretch
  after: RegimeStretch
}

/** Where consecutive stretches change regime (a change of rule with the same regime is none). */
export function regimeChanges(stretches: readonly RegimeStretch[]): RegimeChange[] {
  const changes: RegimeChange[] = []
  for (let k = 1; k < stretches.length; k++) {
    const before = stretches[k - 1]!
    const after = stretches[k]!
    if (before.regime !== after.regime) changes.push({ at: after.from, before, after })
  }
  return changes
}

/** `capped (at most one per symbol per second)`. */
export function regimeWords(stretch: { regime: LiquidationRegime; rule: FeedRule }): string {
  const cap = stretch.rule.cap
  if (stretch.regime !== 'capped' || !cap) return stretch.regime
  const interval = cap.intervalMs === SECOND ? 'second' : `${cap.intervalMs} ms`
  return `capped (at most one per ${cap.per} per ${interval})`
}

/** `2021-04-27 00:00 UTC`. */
function minuteWords(t: number): string {
  return `${iso(t).slice(0, 16).replace('T', ' ')} UTC`
}

/** `the records cross a change of feed at 2021-04-27 00:00 UTC: complete before, capped (…) after`. */
export function changeWords(change: RegimeChange): string {
  return (
    `a change of liquidation feed at ${minuteWords(change.at)}: ` +
    `${regimeWords(change.before)} before, ${regimeWords(change.after)} after`
  )
}

/**
 * Warnings for one series' liquidation records (in `layer`) over the whole run: each capped or
 * aggregate stretch (totals are lower bounds), records that contradict the table, and each change
 * of regime the run crosses.
 */
export function regimeWarnings(series: SeriesBars, layer: BarColumns): string[] {
  const span = recordSpan(series, layer.durationMs)
  if (!span) return []
  const stretches = seriesStretches(series, layer, span[0], span[1])
  const warnings: string[] = []
  const said = new Set<FeedRule>()
  for (const stretch of stretches) {
    const rule = stretch.rule
    if (said.has(rule)) continue
    said.add(rule)
    if (rule.overrides) warnings.push(`${series.key}: ${rule.note}`)
    else if (stretch.regime === 'capped' || stretch.regime === 'aggregate') {
      warnings.push(`${series.key}: ${rule.note}, so liquidation totals are lower bounds`)
    }
  }
  for (const change of regimeChanges(stretches)) {
    warnings.push(
      `${series.key}: the liquidation records cross ${changeWords(change)}; totals on either side ` +
        'are not comparable',
    )
  }
  return warnings
}

/** Why a venue has no liquidation records over [from, to), when the table knows; else null. */
export function missingFeedNote(venue: string, market: string, from: number, to: number): string | null {
  for (const rule of FEED_RULES) {
    if (rule.regime !== 'absent' || (rule.venue !== '*' && rule.venue !== venue)) continue
    if (rule.contracts !== '*' && rule.contracts !== contractFamily(market)) continue
    if ((rule.from === null || to > rule.from) && (rule.to === null || from < rule.to)) return rule.note
  }
  return null
}
