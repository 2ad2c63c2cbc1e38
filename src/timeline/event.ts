/**
 * Timeline events: the shared vocabulary of every stage after the sources (DESIGN §3, a contract
 * for `cascade timeline`). Units are settled by the source that made the event: `amount` is
 * always base units and `notionalUsd` quote (USD/USDT) value, whatever the file measured.
 */

export type EventKind = 'trade' | 'liquidation' | 'open_interest' | 'funding' | 'bar'

interface EventBase {
  /** Exchange event time, epoch milliseconds UTC (a fraction keeps µs and ns sources exact). */
  ts: number
  /** `binance`, `bybit`, `okx`, `bitmex`, `coinglass`, … */
  exchange: string
  /** The exchange's own symbol as written in the file (`BTCUSDT`, `XBTUSD`, `BTC-USDT-SWAP`). */
  symbol: string
  /** Canonical instrument: `BTC-USDT-PERP`, `BTC-USD-PERP` (inverse), `BTC-USDT` (spot), `BTC-USD-240628`. */
  market: string
  /** The id of the source (format) that produced the event. */
  source: string
}

export interface TradeEvent extends EventBase {
  kind: 'trade'
  price: number
  /** Base units (BTC for every BTC market, inverse and contract-sized ones converted). */
  amount: number
  /** USD value; null when the quote currency is not a dollar (ADABTC). */
  notionalUsd: number | null
  /** The taker (aggressor) side. */
  side: 'buy' | 'sell' | 'unknown'
  /** The exchange's trade id where the file has one: two trades in one ms with equal fields are not duplicates. */
  id?: string
}

export interface LiquidationEvent extends EventBase {
  kind: 'liquidation'
  price: number
  amount: number
  notionalUsd: number
  /** Side of the liquidated POSITION: Binance `SELL`, Tardis `sell`, Bybit `Buy` are all `long`. */
  side: 'long' | 'short'
  /** The feed's id where it has one (Tardis); Binance's doubled snapshot rows have none. */
  id?: string
}

export interface OpenInterestEvent extends EventBase {
  kind: 'open_interest'
  /** A level, not a delta, in base units; null where the file gives only USD (inverse contracts). */
  openInterest: number | null
  /** A level in USD; null where the file gives only base units. */
  openInterestUsd: number | null
}

export interface FundingEvent extends EventBase {
  kind: 'funding'
  /** Funding rate per interval as a fraction (0.0001 = 0.01 %). */
  fundingRate: number
  intervalHours: number | null
}

/** A pre-aggregated bucket: an exchange kline, an aggregator's hourly row, a `cascade-bars` row. */
export interface BarEvent extends EventBase {
  kind: 'bar'
  /** Bucket length; `ts` is the bucket's open time. */
  durationMs: number
  open: number | null
  high: number | null
  low: number | null
  close: number | null
  /** Base units traded in the bucket. */
  volume: number | null
  volumeUsd: number | null
  takerBuyUsd: number | null
  trades: number | null
  /** Aggregator buckets: USD of long / short positions liquidated in the bucket. */
  liqLongUsd: number | null
  liqShortUsd: number | null
  /** Aggregator buckets: open interest at the bucket's close. */
  openInterest: number | null
  openInterestUsd: number | null
  /**
   * Aggregators that count liquidations in base units (Coinalyze): long / short positions
   * liquidated in the bucket, in coins. The liq…Usd fields stay null; the analysis values these
   * at the series' price. Absent for every other source.
   */
  liqLongBase?: number | null
  liqShortBase?: number | null
  /**
   * Sources with OHLC open interest (a wide table's `oi_low`): the lowest level in the bucket, in
   * the units of openInterest / openInterestUsd. Absent for every other source.
   */
  openInterestLow?: number | null
  openInterestUsdLow?: number | null
  /**
   * How often the open interest was sampled, in ms, when coarser than the bar (5-minute Binance
   * metrics in 1-minute bars written by `cascade bars`), so that a round trip keeps the
   * resolution. Absent when the OI is as fine as the bar.
   */
  openInterestSamplingMs?: number | null
}

export type TimelineEvent = TradeEvent | LiquidationEvent | OpenInterestEvent | FundingEvent | BarEvent

/**
 * An event while it travels through ingest and merge: which input and which line made it, and
 * (`suspect`) a bar whose row is counted as a suspect print, its suspect fields left out
 * (timeline/suspect.ts). Writers emit only the contract fields, never these.
 */
export type Located<E extends TimelineEvent = TimelineEvent> = E & {
  input: number
  line: number
  suspect?: true
}

/** The identity used to find exact duplicates among events of one timestamp. */
export function identityOf(event: TimelineEvent): string {
  const head = `${event.source}|${event.symbol}|${event.kind}|`
  switch (event.kind) {
    case 'trade':
      return `${head}${event.id ?? ''}|${event.price}|${event.amount}|${event.side}`
    case 'liquidation':
      return `${head}${event.id ?? ''}|${event.price}|${event.amount}|${event.side}`
    case 'open_interest':
      return `${head}${event.openInterest}|${event.openInterestUsd}`
    case 'funding':
      return `${head}${event.fundingRate}`
    case 'bar':
      return `${head}${event.durationMs}|${event.open}|${event.high}|${event.low}|${event.close}|${event.volume}|${event.liqLongUsd}|${event.liqShortUsd}|${event.openInterestUsd}${barExtras(event)}`
  }
}

/** Equal as `${x}` and `${y}` are: the same value, NaN equal to NaN. */
const same = (x: unknown, y: unknown) =>
  x === y || (typeof x === 'number' && typeof y === 'number' && Number.isNaN(x) && Number.isNaN(y))

/**
 * Do two events (of one timestamp) have the same identity? The fields `identityOf` names, compared
 * as values: what the duplicate check needs per pair, without a string per event (names holding
 * the `|` that identityOf joins with cannot make two different events alike).
 */
export function sameIdentity(a: TimelineEvent, b: TimelineEvent): boolean {
  if (a.kind !== b.kind || a.source !== b.source || a.symbol !== b.symbol) return false
  switch (a.kind) {
    case 'trade':
    case 'liquidation': {
      const o = b as typeof a
      return (
        same(a.price, o.price) &&
        same(a.amount, o.amount) &&
        a.side === o.side &&
        (a.id ?? '') === (o.id ?? '')
      )
    }
    case 'open_interest': {
      const o = b as typeof a
      return same(a.openInterest, o.openInterest) && same(a.openInterestUsd, o.openInterestUsd)
    }
    case 'funding':
      return same(a.fundingRate, (b as typeof a).fundingRate)
    case 'bar': {
      const o = b as typeof a
      const aBase = a.liqLongBase !== undefined || a.liqShortBase !== undefined
      const oBase = o.liqLongBase !== undefined || o.liqShortBase !== undefined
      return (
        same(a.durationMs, o.durationMs) &&
        same(a.open, o.open) &&
        same(a.high, o.high) &&
        same(a.low, o.low) &&
        same(a.close, o.close) &&
        same(a.volume, o.volume) &&
        same(a.liqLongUsd, o.liqLongUsd) &&
        same(a.liqShortUsd, o.liqShortUsd) &&
        same(a.openInterestUsd, o.openInterestUsd) &&
        same(a.openInterest, o.openInterest) &&
        aBase === oBase &&
        (!aBase || (same(a.liqLongBase, o.liqLongBase) && same(a.liqShortBase, o.liqShortBase)))
      )
    }
  }
}

/** Figures only some bar sources fill (base-unit OI and liquidations), kept out of the identity when absent. */
function barExtras(event: BarEvent): string {
  const oi = event.openInterest === null ? '' : `|oi=${event.openInterest}`
  const liq =
    event.liqLongBase === undefined && event.liqShortBase === undefined
      ? ''
      : `|liqBase=${event.liqLongBase}/${event.liqShortBase}`
  const oiLow =
    event.openInterestLow === undefined && event.openInterestUsdLow === undefined
      ? ''
      : `|oiLow=${event.openInterestLow}/${event.openInterestUsdLow}`
  return oi + liq + oiLow
}

/** What every bar has whatever its source: where, when and how long. */
export interface BarHead {
  ts: number
  exchange: string
  symbol: string
  market: string
  source: string
  durationMs: number
}

/**
 * A bar with every figure null, for producers that know only some of them. Written out field by
 * field: a spread made slow, large objects (a third of the read time of a bar file, 3× the memory).
 */
export function emptyBar(head: BarHead): BarEvent {
  return {
    ts: head.ts,
    exchange: head.exchange,
    symbol: head.symbol,
    market: head.market,
    source: head.source,
    durationMs: head.durationMs,
    kind: 'bar',
    open: null,
    high: null,
    low: null,
    close: null,
    volume: null,
    volumeUsd: null,
    takerBuyUsd: null,
    trades: null,
    liqLongUsd: null,
    liqShortUsd: null,
    openInterest: null,
    openInterestUsd: null,
  }
}
