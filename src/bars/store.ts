/**
 * The fold from timeline to bars (DESIGN §2): every event lands in a 1-second bar of its series
 * (`exchange:market`), except pre-aggregated `bar` events longer than a second (klines, aggregator
 * hourly buckets), which keep their own resolution in a layer of their own — an hourly bucket is
 * never spread across seconds as if it were ticks. Memory grows with the seconds (or buckets) that
 * hold data, not with rows; the fold allocates nothing per event.
 */
import type {
  BarEvent,
  FundingEvent,
  LiquidationEvent,
  OpenInterestEvent,
  TimelineEvent,
  TradeEvent,
} from '../timeline/event.js'
import { BarColumns } from './columns.js'
import type { CompactTicks } from './window.js'

const SECOND = 1000

export interface LiquidationSource {
  first: number
  last: number
  records: number
  /** 1000 for liquidation events (1-second bars); the bucket length for aggregator buckets. */
  bucketMs: number
}

/** What valuing a series' liquidations counted in coins gave (SeriesBars.valueBaseLiquidations). */
export interface BaseLiquidationValuation {
  /** Buckets valued in USD. */
  valued: number
  /** Buckets left out of the USD figures: no price of the market at or before them. */
  unpriced: number
  /** Open time of the first of those; null when every bucket was valued. */
  firstUnpriced: number | null
  /** The series whose prices valued them; null when none could. */
  priceSeries: string | null
}

/** A funding rate set at `ts` (epoch ms), as a fraction per interval (0.0001 = 0.01 %). */
export interface FundingRate {
  ts: number
  rate: number
  /** The funding interval the file states, in hours; null when it states none. */
  intervalHours: number | null
}

export class SeriesBars {
  /** `binance:BTC-USDT-PERP`. */
  readonly key: string
  readonly exchange: string
  readonly market: string
  /** The exchange's own symbol as first seen (`BTCUSDT`), for writing bars back out. */
  symbol = ''
  /** Time and input of the event that gave `symbol` (the timeline's first of the series). */
  symbolTs = Number.POSITIVE_INFINITY
  symbolInput = Number.POSITIVE_INFINITY
  /** 1-second bars made from ticks (and from 1-second `bar` inputs, which merge exactly). */
  readonly ticks = new BarColumns(SECOND)
  /**
   * The 1-second bars of trades compacted by the window (window.ts), standing where `ticks` would;
   * null without the window.
   */
  compacted: CompactTicks | null = null
  /** Pre-aggregated layers, one per bucket length, in the order first seen. */
  readonly buckets: BarColumns[] = []
  /** Trades whose quote is not a dollar (USD figures unknown for them). */
  nonUsdTrades = 0
  /** Buckets whose liquidations are in base units only (Coinalyze): USD needs a price. */
  baseUnitLiquidationBuckets = 0
  /**
   * The sources (formats) that gave the series' liquidations, with the span and number of their
   * records and their bucket length (1000 for events): the analysis reads each feed's regime
   * (complete, capped, aggregate) from them (src/analysis/liquidation-regimes.ts).
   */
  readonly liquidationSources = new Map<string, LiquidationSource>()
  /**
   * Funding rates in time order (one every 1–8 h, so a plain list): not bars, and not part of any
   * layer; the analysis reads the rate in force around each cascade from them.
   */
  private readonly rates: FundingRate[] = []
  private fundingSorted = true
  /** Events by kind, for diagnostics. */
  readonly counts = { trade: 0, liquidation: 0, open_interest: 0, funding: 0, bar: 0 }

  constructor(exchange: string, market: string) {
    this.exchange = exchange
    this.market = market
    this.key = `${exchange}:${market}`
  }

  /** Per bucket layer, the format that gave each bucket's liquidations (by bucket open time). */
  private readonly liquidationBucketSources = new Map<BarColumns, Map<number, string>>()

  /** The format that already gave this bucket's liquidations (undefined: none, and now `source`). */
  private bucketLiquidationSource(layer: BarColumns, ts: number, source: string): string | undefined {
    let sources = this.liquidationBucketSources.get(layer)
    if (!sources) {
      sources = new Map()
      this.liquidationBucketSources.set(layer, sources)
    }
    const filledBy = sources.get(ts)
    if (filledBy === undefined) sources.set(ts, source)
    return filledBy
  }

  /** The layer for buckets of `durationMs`, created on first use. */
  bucketLayer(durationMs: number): BarColumns {
    for (const layer of this.buckets) if (layer.durationMs === durationMs) return layer
    const layer = new BarColumns(durationMs)
    this.buckets.push(layer)
    this.buckets.sort((a, b) => a.durationMs - b.durationMs)
    return layer
  }

  /** All layers, finest first. */
  get layers(): BarColumns[] {
    if (this.ticks.length > 0) return [this.ticks, ...this.buckets]
    return this.compacted ? [this.compacted, ...this.buckets] : [...this.buckets]
  }

  trade(event: TradeEvent): void {
    this.counts.trade++
    const bars = this.ticks
    const i = bars.slot(Math.floor(event.ts / SECOND) * SECOND)
    const price = event.price
    if (Number.isNaN(bars.open[i]!)) {
      bars.open[i] = price
      bars.high[i] = price
      bars.low[i] = price
    } else {
      if (price > bars.high[i]!) bars.high[i] = price
      if (price < bars.low[i]!) bars.low[i] = price
    }
    bars.close[i] = price
    bars.volume[i]! += event.amount
    bars.trades[i]!++
    bars.hasPrice = true
    bars.hasVolume = true
    bars.hasTrades = true
    const usd = event.notionalUsd
    if (usd === null) {
      this.nonUsdTrades++
      return
    }
    bars.volumeUsd[i]! += usd
    bars.hasVolumeUsd = true
    if (event.side === 'buy') {
      bars.takerBuyUsd[i]! += usd
      bars.hasTaker = true
    } else if (event.side === 'sell') {
      bars.takerSellUsd[i]! += usd
      bars.hasTaker = true
    }
  }

  liquidation(event: LiquidationEvent): void {
    this.counts.liquidation++
    this.noteLiquidationSource(event.source, event.ts, SECOND)
    const bars = this.ticks
    const second = Math.floor(event.ts / SECOND) * SECOND
    const i = bars.slot(second)
    const offset = event.ts - second
    if (!(bars.liqLastMs[i]! >= offset)) bars.liqLastMs[i] = offset
    const usd = event.notionalUsd
    if (event.side === 'long') {
      bars.liqLongUsd[i]! += usd
      bars.liqLongCount[i]!++
    } else {
      bars.liqShortUsd[i]! += usd
      bars.liqShortCount[i]!++
    }
    if (usd > bars.liqLargestUsd[i]!) bars.liqLargestUsd[i] = usd
    bars.hasLiquidations = true
  }

  private noteLiquidationSource(source: string, ts: number, bucketMs: number): void {
    const seen = this.liquidationSources.get(source)
    if (!seen) {
      this.liquidationSources.set(source, { first: ts, last: ts, records: 1, bucketMs })
      return
    }
    if (ts < seen.first) seen.first = ts
    if (ts > seen.last) seen.last = ts
    seen.records++
  }

  openInterest(event: OpenInterestEvent): void {
    this.counts.open_interest++
    if (event.openInterest === null && event.openInterestUsd === null) return
    const bars = this.ticks
    const i = bars.slot(Math.floor(event.ts / SECOND) * SECOND)
    // A level, not a delta: the last one in the second wins, field by field.
    if (event.openInterest !== null) bars.oi[i] = event.openInterest
    if (event.openInterestUsd !== null) bars.oiUsd[i] = event.openInterestUsd
    bars.hasOpenInterest = true
  }

  funding(event: FundingEvent): void {
    this.counts.funding++
    const last = this.rates[this.rates.length - 1]
    if (last && event.ts < last.ts) this.fundingSorted = false
    this.rates.push({ ts: event.ts, rate: event.fundingRate, intervalHours: event.intervalHours })
  }

  /** The series' funding rates, oldest first (ties keep input order). */
  get fundingRates(): readonly FundingRate[] {
    if (!this.fundingSorted) {
      this.rates.sort((a, b) => a.ts - b.ts)
      this.fundingSorted = true
    }
    return this.rates
  }

  /** Funding rates folded elsewhere join this series' own. */
  addFunding(rates: readonly FundingRate[]): void {
    for (const rate of rates) {
      const last = this.rates[this.rates.length - 1]
      if (last && rate.ts < last.ts) this.fundingSorted = false
      this.rates.push({ ...rate })
    }
  }

  /**
   * How the liquidations counted in coins were valued (valueBaseLiquidations): buckets valued, the
   * series whose prices valued them, and the buckets left without a price; null before valuing.
   */
  baseLiquidationValuation: BaseLiquidationValuation | null = null

  /**
   * Values the liquidations counted in coins (Coinalyze) in USD: each bucket at `priceAt(t, bucketMs)`
   * (USD per coin for the bucket opening at t; null when no price is known there), added to the
   * USD liquidation columns. Once per series: later calls change nothing. A bucket whose USD
   * liquidations another input of the series already gave keeps those (two readings of one figure).
   */
  valueBaseLiquidations(
    priceAt: (t: number, bucketMs: number) => number | null,
    priceSeries: string | null,
  ): void {
    if (this.baseLiquidationValuation !== null) return
    const valuation: BaseLiquidationValuation = { valued: 0, unpriced: 0, firstUnpriced: null, priceSeries }
    for (const layer of this.layers) {
      const inUsd = this.liquidationBucketSources.get(layer)
      for (const [t, base] of [...layer.baseLiquidations].sort((a, b) => a[0] - b[0])) {
        if (inUsd?.has(t)) continue
        const price = priceAt(t, layer.durationMs)
        if (price === null) {
          valuation.unpriced++
          valuation.firstUnpriced ??= t
          continue
        }
        const i = layer.slot(t)
        layer.liqLongUsd[i]! += base.long * price
        layer.liqShortUsd[i]! += base.short * price
        layer.hasLiquidations = true
        layer.liqFromBuckets = true
        valuation.valued++
      }
    }
    this.baseLiquidationValuation = valuation
  }

  bar(event: BarEvent): void {
    this.counts.bar++
    const oneSecond = event.durationMs <= SECOND
    const bars = oneSecond ? this.ticks : this.bucketLayer(event.durationMs)
    const i = bars.slot(oneSecond ? Math.floor(event.ts / SECOND) * SECOND : event.ts)
    const open = event.open ?? event.close
    const close = event.close ?? event.open
    if (open !== null && close !== null) {
      const high = Math.max(event.high ?? open, open, close)
      const low = Math.min(event.low ?? open, open, close)
      if (Number.isNaN(bars.open[i]!)) {
        bars.open[i] = open
        bars.high[i] = high
        bars.low[i] = low
      } else {
        if (high > bars.high[i]!) bars.high[i] = high
        if (low < bars.low[i]!) bars.low[i] = low
      }
      bars.close[i] = close
      bars.hasPrice = true
    }
    if (event.volume !== null) {
      bars.volume[i]! += event.volume
      bars.hasVolume = true
    }
    if (event.volumeUsd !== null) {
      bars.volumeUsd[i]! += event.volumeUsd
      bars.hasVolumeUsd = true
      if (event.takerBuyUsd !== null) {
        bars.takerBuyUsd[i]! += event.takerBuyUsd
        bars.takerSellUsd[i]! += Math.max(0, event.volumeUsd - event.takerBuyUsd)
        bars.hasTaker = true
      }
    }
    if (event.trades !== null) {
      bars.trades[i]! += event.trades
      bars.hasTrades = true
    }
    if (
      event.liqLongUsd !== null ||
      event.liqShortUsd !== null ||
      (event.liqLongBase ?? null) !== null ||
      (event.liqShortBase ?? null) !== null
    ) {
      this.noteLiquidationSource(event.source, event.ts, Math.max(SECOND, event.durationMs))
    }
    if (
      event.liqLongUsd === null &&
      event.liqShortUsd === null &&
      ((event.liqLongBase ?? null) !== null || (event.liqShortBase ?? null) !== null)
    ) {
      // Kept in coins until the analysis knows a price of the market to value them at.
      const at = bars.time[i]!
      const held = bars.baseLiquidations.get(at)
      if (held === undefined) this.baseUnitLiquidationBuckets++
      bars.baseLiquidations.set(at, {
        long: (held?.long ?? 0) + (event.liqLongBase ?? 0),
        short: (held?.short ?? 0) + (event.liqShortBase ?? 0),
      })
    }
    if (event.liqLongUsd !== null || event.liqShortUsd !== null) {
      const long = event.liqLongUsd ?? 0
      const short = event.liqShortUsd ?? 0
      // Two formats giving the same series' bucket (CoinGlass's export and a table joined from
      // it) are two readings of one figure, not two parts of it: the larger stays, never the sum.
      const filledBy = oneSecond ? undefined : this.bucketLiquidationSource(bars, event.ts, event.source)
      if (filledBy === undefined || filledBy === event.source) {
        bars.liqLongUsd[i]! += long
        bars.liqShortUsd[i]! += short
      } else if (long + short > bars.liqLongUsd[i]! + bars.liqShortUsd[i]!) {
        bars.liqLongUsd[i] = long
        bars.liqShortUsd[i] = short
        this.liquidationBucketSources.get(bars)!.set(event.ts, event.source)
      }
      bars.hasLiquidations = true
      bars.liqFromBuckets = true
    }
    if (event.openInterest !== null) bars.oi[i] = event.openInterest
    if (event.openInterestUsd !== null) bars.oiUsd[i] = event.openInterestUsd
    if (event.openInterest !== null || event.openInterestUsd !== null) bars.hasOpenInterest = true
    const sampling = event.openInterestSamplingMs ?? null
    if (sampling !== null && sampling > (bars.oiSamplingMs ?? 0)) bars.oiSamplingMs = sampling
    const lowBase = event.openInterestLow ?? Number.NaN
    const lowUsd = event.openInterestUsdLow ?? Number.NaN
    if (!oneSecond && !(Number.isNaN(lowBase) && Number.isNaN(lowUsd))) {
      const held = bars.oiLows.get(event.ts)
      bars.oiLows.set(event.ts, {
        base: held && !(held.base >= lowBase) ? held.base : lowBase,
        usd: held && !(held.usd >= lowUsd) ? held.usd : lowUsd,
      })
    }
  }
}

/** Bars of every series seen, fed event by event. */
export class BarStore {
  private readonly byExchange = new Map<string, Map<string, SeriesBars>>()
  private readonly ordered: SeriesBars[] = []
  // The timeline comes in runs of one series: skip the map lookups while it stays the same.
  private lastExchange = ''
  private lastMarket = ''
  private lastSeries: SeriesBars | null = null
  /** Funding events of every series (each series keeps its rates: SeriesBars.funding). */
  fundingEvents = 0

  seriesOf(exchange: string, market: string): SeriesBars {
    if (this.lastSeries !== null && exchange === this.lastExchange && market === this.lastMarket) {
      return this.lastSeries
    }
    let markets = this.byExchange.get(exchange)
    if (!markets) {
      markets = new Map()
      this.byExchange.set(exchange, markets)
    }
    let series = markets.get(market)
    if (!series) {
      series = new SeriesBars(exchange, market)
      markets.set(market, series)
      this.ordered.push(series)
    }
    this.lastExchange = exchange
    this.lastMarket = market
    this.lastSeries = series
    return series
  }

  add(event: TimelineEvent): void {
    const series = this.seriesOf(event.exchange, event.market)
    if (series.symbol === '') {
      series.symbol = event.symbol
      series.symbolTs = event.ts
      // Timeline events carry the input they came from (ties in time keep input order).
      series.symbolInput = (event as { input?: number }).input ?? Number.POSITIVE_INFINITY
    }
    switch (event.kind) {
      case 'trade':
        series.trade(event)
        return
      case 'liquidation':
        series.liquidation(event)
        return
      case 'open_interest':
        series.openInterest(event)
        return
      case 'bar':
        series.bar(event)
        return
      case 'funding':
        this.fundingEvents++
        series.funding(event)
        return
    }
  }

  /**
   * Add a series' trades folded elsewhere (the fast path, a worker thread): its 1-second bars join
   * the series' own. Exact when no second holds trades on both sides (ingest makes sure of that),
   * as trades, liquidations and open interest fill different columns.
   */
  absorb(part: SeriesBars): void {
    // No event of it was kept (all outside --from/--to): the timeline would not have the series.
    if (Object.values(part.counts).every((n) => n === 0)) return
    const series = this.seriesOf(part.exchange, part.market)
    if (
      part.symbol !== '' &&
      (series.symbol === '' ||
        part.symbolTs < series.symbolTs ||
        (part.symbolTs === series.symbolTs && part.symbolInput < series.symbolInput))
    ) {
      series.symbol = part.symbol
      series.symbolTs = part.symbolTs
      series.symbolInput = part.symbolInput
    }
    if (part.compacted) {
      // Compacted trades come from one join per series; its liquidations and open interest join
      // them after the read (settleWindow). Two compacted parts cannot be made one: the full path.
      const held = series.compacted ?? part.compacted
      if (series.compacted) held.inexact ??= 'other bars of the same series'
      series.compacted = held
    }
    series.ticks.mergeWith(part.ticks)
    series.nonUsdTrades += part.nonUsdTrades
    series.baseUnitLiquidationBuckets += part.baseUnitLiquidationBuckets
    series.addFunding(part.fundingRates)
    for (const [source, theirs] of part.liquidationSources) {
      const mine = series.liquidationSources.get(source)
      if (!mine) series.liquidationSources.set(source, { ...theirs })
      else {
        mine.first = Math.min(mine.first, theirs.first)
        mine.last = Math.max(mine.last, theirs.last)
        mine.records += theirs.records
      }
    }
    for (const kind of Object.keys(series.counts) as (keyof SeriesBars['counts'])[]) {
      series.counts[kind] += part.counts[kind]
    }
  }

  /**
   * After a read with the window: each compacted series' other 1-second rows (liquidations, open
   * interest) join its compacted trades, as they join the trades' rows on the full path.
   */
  settleWindow(): void {
    for (const series of this.ordered) {
      if (!series.compacted || series.ticks.length === 0) continue
      series.compacted.addBeside(series.ticks)
      series.ticks.takeOver(new BarColumns(SECOND))
    }
  }

  /** Every series, sorted by key so that output never depends on input order. */
  series(): SeriesBars[] {
    return [...this.ordered].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
  }

  get bytes(): number {
    let total = 0
    for (const series of this.ordered) for (const layer of series.layers) total += layer.bytes
    return total
  }
}

/** Folds events into bars (into `store` when given, so batches can be folded one after another). */
export function foldEvents(events: Iterable<TimelineEvent>, store: BarStore = new BarStore()): BarStore {
  for (const event of events) store.add(event)
  return store
}
