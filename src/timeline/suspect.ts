/**
 * Suspect prints (DESIGN §5.1; the rule is in README "Suspect prints"): a print that jumps far from
 * its neighbours and comes back at once, with nothing around it confirming it — a fat-finger tick,
 * a listing-day print, a venue glitch — is kept out of the price path and counted apart.
 *
 * This stage reads one input's time-ordered events and looks a few rows around each one, per
 * series. A row is a bar (a kline, an aggregator bucket), or the trades of one second (each trade
 * is a print of its own). A print is suspect when
 *  1. it is at least `jump` away from the median close of the rows before it and from that of the
 *     rows after it, on the same side (up by a factor of 1 + jump, or down by the same factor); a
 *     series' first or last row in the input has neighbours on one side only, and that side decides;
 *  2. no neighbouring row reaches at least halfway out to it (the geometric midpoint between the
 *     print and the farther side's median), nor another trade of its own second at another price;
 *  3. for a bar, its volume is below `volumeMultiple` times the neighbours' median volume (a real
 *     dislocation draws heavy trading; a bad tick adds next to nothing).
 * A suspect trade leaves the timeline; a bar stays without its suspect fields (its other prices,
 * volume, liquidations and open interest stay). Either way the row is counted as `suspect`, not
 * as an event.
 *
 * `SpikeScreen` is the fast path's side of it (src/ingest/fast/fold.ts): the fold makes no events,
 * so it screens the seconds it folds for a necessary condition of rule 1–2 and sends an input that
 * may hold a suspect print back through this stage.
 */
import type { BarEvent, Located, TradeEvent } from './event.js'

export interface SuspectRule {
  /** How far a print must be from the rows around it, as a fraction (0.5: 1.5× or ÷1.5). */
  jump: number
  /** Rows looked at on each side. */
  neighbours: number
  /** A bar with at least this multiple of its neighbours' median volume is confirmed. */
  volumeMultiple: number
}

/** `--suspect-jump` default, in percent. */
export const DEFAULT_SUSPECT_JUMP_PCT = 50

export const DEFAULT_SUSPECT_RULE: SuspectRule = {
  jump: DEFAULT_SUSPECT_JUMP_PCT / 100,
  neighbours: 3,
  volumeMultiple: 2,
}

/**
 * Events one input may hold back while a sparse series waits for its next rows (a multi-symbol
 * file); past it, the oldest row is judged with the neighbours it has so far, and kept when no row
 * after it has come yet.
 */
export const SUSPECT_HOLD_EVENTS = 250_000

type BarField = 'open' | 'high' | 'low' | 'close'
const BAR_FIELDS: readonly BarField[] = ['open', 'high', 'low', 'close']

/**
 * One row of a series: a bar, or the trades of one second. (Bars of one bucket time are one row: a
 * bar written twice does not confirm itself.)
 */
interface Row {
  high: number
  low: number
  /** The price the row ends at (the median of these is a side's level). */
  close: number
  /** Base volume, else USD volume, of a bar; NaN when unknown (and for trades). */
  volume: number
  volumeUsd: number
  bars: Located<BarEvent>[] | null
  trades: Located<TradeEvent>[] | null
  /** Trades: the second; bars: the bar's time. */
  key: number
  /** Events of its second (bucket) may still come. */
  open: boolean
  decided: boolean
  series: Series
}

interface Series {
  rows: Row[]
  /** Index in `rows` of the first row not yet judged (those before it are context). */
  pending: number
}

export interface SuspectPrint {
  event: Located
  message: string
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

const round = (x: number) => Number(x.toPrecision(6))
const words = (list: readonly string[]) =>
  list.length === 1 ? list[0]! : `${list.slice(0, -1).join(', ')} and ${list.at(-1)}`
const signedPct = (x: number) => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)} %`

function barPrices(bar: BarEvent): { high: number; low: number; close: number } | null {
  const values = BAR_FIELDS.map((f) => bar[f]).filter((v): v is number => v !== null && Number.isFinite(v))
  if (values.length === 0) return null
  return {
    high: Math.max(...values),
    low: Math.min(...values),
    close: bar.close ?? bar.open ?? (Math.max(...values) + Math.min(...values)) / 2,
  }
}

/** Where a print stands against the rows around it: null when it is not a candidate. */
function candidate(
  price: number,
  left: readonly Row[],
  right: readonly Row[],
  rule: SuspectRule,
): { up: boolean; level: number } | null {
  if (!(price > 0)) return null
  const limit = Math.log1p(rule.jump)
  let up: boolean | null = null
  let level = Number.NaN
  for (const side of [left, right]) {
    if (side.length === 0) continue
    const m = median(side.map((r) => r.close))
    if (!(m > 0)) return null
    const distance = Math.log(price / m)
    if (Math.abs(distance) < limit) return null
    const sideUp = distance > 0
    if (up !== null && sideUp !== up) return null
    up = sideUp
    // Confirmation is judged from the farther side's level (the easier halfway of the two).
    level = Number.isNaN(level) ? m : up ? Math.min(level, m) : Math.max(level, m)
  }
  return up === null ? null : { up, level }
}

/** Does a neighbouring row reach at least halfway (geometric) from `level` out to `price`? */
function reachedByNeighbours(price: number, up: boolean, level: number, neighbours: readonly Row[]): boolean {
  const halfway = Math.sqrt(level * price)
  return neighbours.some((r) => (up ? r.high >= halfway : r.low <= halfway))
}

type Volumes = Pick<Row, 'volume' | 'volumeUsd'>

function heavyVolume(bar: Volumes, neighbours: readonly Row[], multiple: number): boolean {
  for (const pick of [(r: Volumes) => r.volume, (r: Volumes) => r.volumeUsd]) {
    const own = pick(bar)
    if (!Number.isFinite(own)) continue
    const theirs = neighbours.map(pick).filter(Number.isFinite)
    if (theirs.length === 0) continue
    const typical = median(theirs)
    return typical > 0 && own >= multiple * typical
  }
  return false
}

/**
 * The suspect prints of one input: events go in as read (time order), and come out in the same
 * order once the rows after them are known, without the suspect trades and with bars cleaned.
 */
export class SuspectPrints {
  private readonly series = new Map<string, Series>()
  private queue: Located[] = []
  private queueRows: (Row | null)[] = []
  private head = 0
  private readonly removed = new Set<Located>()
  /** Bars without their suspect fields, by the bar read. */
  private readonly cleaned = new Map<Located, Located<BarEvent>>()
  // The timeline comes in runs of one series: skip the map while it stays the same.
  private lastExchange = ''
  private lastMarket = ''
  private lastKind = ''
  private lastDuration = Number.NaN
  private lastSeries: Series | null = null

  constructor(
    private readonly rule: SuspectRule,
    private readonly onSuspect: (print: SuspectPrint) => void,
    private readonly hold = SUSPECT_HOLD_EVENTS,
  ) {}

  /** Take a batch; returns the events now judged, in order. */
  push(batch: readonly Located[]): Located[] {
    for (const event of batch) {
      let row: Row | null = null
      if (event.kind === 'trade') row = this.trade(event)
      else if (event.kind === 'bar') row = this.bar(event)
      this.queue.push(event)
      this.queueRows.push(row)
    }
    const out = this.release()
    while (this.queue.length - this.head > this.hold) {
      this.force(this.queueRows[this.head]!)
      for (const event of this.release()) out.push(event)
    }
    return out
  }

  /** The end of the input: every row left is judged with the neighbours it has. */
  end(): Located[] {
    for (const series of this.series.values()) {
      const last = series.rows.at(-1)
      if (last) last.open = false
      while (series.pending < series.rows.length) this.decide(series, series.pending, true)
    }
    return this.release()
  }

  private seriesOf(event: Located, kind: string, duration: number): Series {
    if (
      this.lastSeries !== null &&
      event.exchange === this.lastExchange &&
      event.market === this.lastMarket &&
      kind === this.lastKind &&
      duration === this.lastDuration
    ) {
      return this.lastSeries
    }
    const key = `${kind}|${event.exchange}|${event.market}|${duration}`
    let series = this.series.get(key)
    if (!series) {
      series = { rows: [], pending: 0 }
      this.series.set(key, series)
    }
    this.lastExchange = event.exchange
    this.lastMarket = event.market
    this.lastKind = kind
    this.lastDuration = duration
    this.lastSeries = series
    return series
  }

  private trade(event: Located<TradeEvent>): Row {
    const series = this.seriesOf(event, 'trade', 0)
    const second = Math.floor(event.ts / 1000)
    const last = series.rows.at(-1)
    if (last?.open && last.key === second) {
      last.trades!.push(event)
      if (event.price > last.high) last.high = event.price
      if (event.price < last.low) last.low = event.price
      last.close = event.price
      return last
    }
    if (last) last.open = false
    const row: Row = {
      high: event.price,
      low: event.price,
      close: event.price,
      volume: Number.NaN,
      volumeUsd: Number.NaN,
      bars: null,
      trades: [event],
      key: second,
      open: true,
      decided: false,
      series,
    }
    this.add(series, row)
    return row
  }

  private bar(event: Located<BarEvent>): Row | null {
    const prices = barPrices(event)
    if (!prices) return null
    const series = this.seriesOf(event, 'bar', event.durationMs)
    const last = series.rows.at(-1)
    const volume = event.volume ?? Number.NaN
    const volumeUsd = event.volumeUsd ?? Number.NaN
    if (last?.open && last.key === event.ts) {
      last.bars!.push(event)
      last.high = Math.max(last.high, prices.high)
      last.low = Math.min(last.low, prices.low)
      last.close = prices.close
      last.volume = volume
      last.volumeUsd = volumeUsd
      return last
    }
    if (last) last.open = false
    const row: Row = {
      high: prices.high,
      low: prices.low,
      close: prices.close,
      volume,
      volumeUsd,
      bars: [event],
      trades: null,
      key: event.ts,
      open: true,
      decided: false,
      series,
    }
    this.add(series, row)
    return row
  }

  /** A new row: the rows that now have all their right-hand neighbours are judged. */
  private add(series: Series, row: Row): void {
    series.rows.push(row)
    const k = this.rule.neighbours
    // Closed rows after the pending one (the new row may still be open: trades of its second).
    for (;;) {
      const closed = series.rows.length - (row.open ? 1 : 0)
      if (series.pending + k >= closed) break
      this.decide(series, series.pending, false)
    }
    // Keep k judged rows as left-hand context.
    if (series.pending > 4 * k + 64) {
      const drop = series.pending - k
      series.rows.splice(0, drop)
      series.pending -= drop
    }
  }

  /** The oldest held row, judged now with the neighbours it has (the hold is full). */
  private force(row: Row): void {
    const series = row.series
    // The queue's oldest undecided row is its series' first undecided one.
    row.open = false
    this.decide(series, series.pending, false, true)
  }

  private decide(series: Series, index: number, atEnd: boolean, forced = false): void {
    const row = series.rows[index]!
    const k = this.rule.neighbours
    const left = series.rows.slice(Math.max(0, index - k), index)
    const right = series.rows.slice(index + 1, index + 1 + k).filter((r) => !r.open || atEnd)
    series.pending = index + 1
    row.decided = true
    // Judged early for lack of room: without a row after it, nothing says it came back.
    if (forced && right.length === 0) return
    if (left.length === 0 && right.length === 0) return
    const neighbours = [...left, ...right]
    // Quick pass: nothing in the row is far enough from either side to be a candidate.
    if (!candidate(row.high, left, right, this.rule) && !candidate(row.low, left, right, this.rule)) return
    // Where it was judged from: at a series' first or last row, one side.
    const around = left.length === 0 ? 'after it' : right.length === 0 ? 'before it' : 'around it'
    if (row.bars) for (const bar of row.bars) this.judgeBar(bar, left, right, neighbours, around)
    else this.judgeTrades(row, left, right, neighbours, around)
  }

  private judgeBar(
    bar: Located<BarEvent>,
    left: Row[],
    right: Row[],
    neighbours: Row[],
    around: string,
  ): void {
    const volumes = { volume: bar.volume ?? Number.NaN, volumeUsd: bar.volumeUsd ?? Number.NaN }
    if (heavyVolume(volumes, neighbours, this.rule.volumeMultiple)) return
    const suspect: BarField[] = []
    let worst: { price: number; level: number } | null = null
    for (const field of BAR_FIELDS) {
      const price = bar[field]
      if (price === null) continue
      const c = candidate(price, left, right, this.rule)
      if (!c || reachedByNeighbours(price, c.up, c.level, neighbours)) continue
      suspect.push(field)
      if (!worst || Math.abs(Math.log(price / c.level)) > Math.abs(Math.log(worst.price / worst.level)))
        worst = { price, level: c.level }
    }
    if (!worst) return
    const cleaned: Located<BarEvent> = { ...bar, suspect: true }
    for (const field of suspect) cleaned[field] = null
    this.cleaned.set(bar, cleaned)
    const kept: string[] = BAR_FIELDS.filter((f) => !suspect.includes(f) && bar[f] !== null)
    if (bar.volume !== null || bar.volumeUsd !== null) kept.push('volume')
    // `open and high 652.74`; fields at different prices each with its own (`high 180, close 170`).
    const byPrice = new Map<number, BarField[]>()
    for (const field of suspect) byPrice.set(bar[field]!, [...(byPrice.get(bar[field]!) ?? []), field])
    const prints = [...byPrice].map(([price, fields]) => `${words(fields)} ${price}`).join(', ')
    this.onSuspect({
      event: bar,
      message:
        `${prints}: ${signedPct(worst.price / worst.level - 1)} from the bars ${around} ` +
        `(${round(worst.level)})${around === 'around it' ? ', back at once,' : ','} nothing near it confirms it; ` +
        'left out of the price path' +
        (kept.length > 0 ? ` (${kept.join(', ')} kept)` : ''),
    })
  }

  private judgeTrades(row: Row, left: Row[], right: Row[], neighbours: Row[], around: string): void {
    const trades = row.trades!
    for (const trade of trades) {
      const price = trade.price
      const c = candidate(price, left, right, this.rule)
      if (!c || reachedByNeighbours(price, c.up, c.level, neighbours)) continue
      // Another trade of the same second, at another price, that reaches halfway confirms it (a
      // sweep through the book prints every level); fills at the one price are the one print.
      const halfway = Math.sqrt(c.level * price)
      if (trades.some((t) => t.price !== price && (c.up ? t.price >= halfway : t.price <= halfway))) continue
      this.removed.add(trade)
      this.onSuspect({
        event: trade,
        message:
          `trade at ${price}: ${signedPct(price / c.level - 1)} from the trades ${around} ` +
          `(${round(c.level)})${around === 'around it' ? ', back at once,' : ','} nothing near it confirms it; ` +
          'left out of the price path',
      })
    }
  }

  /** The events at the head of the queue whose rows are judged. */
  private release(): Located[] {
    const out: Located[] = []
    const queue = this.queue
    const rows = this.queueRows
    let at = this.head
    while (at < queue.length) {
      const row = rows[at]
      if (row && !row.decided) break
      const event = queue[at]!
      at++
      if (!row) out.push(event)
      else if (row.bars) {
        const cleaned = this.cleaned.get(event)
        if (cleaned) this.cleaned.delete(event)
        out.push(cleaned ?? event)
      } else if (!this.removed.delete(event)) out.push(event)
    }
    this.head = at
    if (at === queue.length) {
      this.queue = []
      this.queueRows = []
      this.head = 0
    } else if (at > 4096 && at * 2 > queue.length) {
      this.queue = queue.slice(at)
      this.queueRows = rows.slice(at)
      this.head = 0
    }
    return out
  }
}

/** The stage over one input's batches. */
export async function* withoutSuspectPrints(
  batches: AsyncIterable<Located[]>,
  rule: SuspectRule,
  onSuspect: (print: SuspectPrint) => void,
): AsyncGenerator<Located[]> {
  const stage = new SuspectPrints(rule, onSuspect)
  for await (const batch of batches) {
    const out = stage.push(batch)
    if (out.length > 0) yield out
  }
  const rest = stage.end()
  if (rest.length > 0) yield rest
}

/** The seconds a screen hands over: second, high and low of each, flattened. */
export interface ScreenState {
  /** A second passed the screen: the input may hold a suspect print. */
  possible: boolean
  /** Seconds seen. */
  total: number
  /** The first and the last (up to) 2k + 1 seconds, the last of them possibly still open. */
  first: number[]
  last: number[]
}

/**
 * The fast path's screen for suspect trades: over the seconds of one input's trades (their high and
 * low), it flags a second whose high (low) is further than √(1 + jump) from the highs (lows) of
 * every neighbouring second. Every suspect trade's second is flagged (a suspect print is at least
 * 1 + jump from both sides' medians, and no neighbour reaches halfway towards it, a factor of at
 * least √(1 + jump) short of it), so an input with no flag has no suspect print and its fold
 * stands; a flagged one is read again through `SuspectPrints`, which decides. Real data hardly
 * ever passes it (a second 22 % above every second around it, at the default).
 *
 * A byte range of a file is screened by a worker without the seconds around it: it judges the
 * seconds it can, and hands its first and last 2k + 1 over (`state()`), for the main thread to
 * judge those where the ranges meet (`join()`).
 */
export class SpikeScreen {
  possible = false
  total = 0
  private readonly k: number
  private readonly factor: number
  // A window of the latest seconds; `offset` seconds were dropped before index 0.
  private second: number[] = []
  private high: number[] = []
  private low: number[] = []
  private offset = 0
  /** The last second may still take trades. */
  private open = false
  /** The next second to judge (an index over all seconds). */
  private next: number
  private readonly first: number[] = []
  private atEnd = false

  /** `leftEdge`: the screen starts at the input's start (no seconds before it elsewhere). */
  constructor(rule: Pick<SuspectRule, 'jump' | 'neighbours'>, leftEdge: boolean) {
    this.k = rule.neighbours
    // A hair of slack: the screen must flag whatever the rule would, rounding included.
    this.factor = (1 + 1e-9) / Math.sqrt(1 + rule.jump)
    this.next = leftEdge ? 0 : this.k
  }

  /** A trade (time order). */
  trade(ts: number, price: number): void {
    const second = Math.floor(ts / 1000)
    const last = this.second.length - 1
    if (this.open && this.second[last] === second) {
      if (price > this.high[last]!) this.high[last] = price
      if (price < this.low[last]!) this.low[last] = price
      return
    }
    this.add(second, price, price)
  }

  /** A second known whole or in part (from another screen's state). */
  private merge(second: number, high: number, low: number): void {
    const last = this.second.length - 1
    if (this.open && this.second[last] === second) {
      this.high[last] = Math.max(this.high[last]!, high)
      this.low[last] = Math.min(this.low[last]!, low)
      return
    }
    this.add(second, high, low)
  }

  private add(second: number, high: number, low: number): void {
    if (this.open) {
      this.keepFirst(this.second.length - 1)
      this.open = false
      this.judgeReady()
    }
    this.second.push(second)
    this.high.push(high)
    this.low.push(low)
    this.open = true
    this.total++
    const judged = this.next - this.offset
    // Keep k seconds before the next one to judge.
    if (judged > 4 * this.k + 1024) {
      const drop = judged - this.k
      this.second.splice(0, drop)
      this.high.splice(0, drop)
      this.low.splice(0, drop)
      this.offset += drop
    }
  }

  private keepFirst(local: number): void {
    if (this.offset + local < 2 * this.k + 1 && this.first.length / 3 === this.offset + local) {
      this.first.push(this.second[local]!, this.high[local]!, this.low[local]!)
    }
  }

  private judgeReady(): void {
    const closed = this.offset + this.second.length - (this.open ? 1 : 0)
    while (this.next < closed && (this.atEnd || this.next + this.k < closed)) {
      this.judge(this.next - this.offset, closed - this.offset)
      this.next++
    }
  }

  private judge(at: number, closed: number): void {
    if (this.possible) return
    const from = Math.max(0, at - this.k)
    const to = Math.min(closed, at + this.k + 1)
    if (to - from <= 1) return
    const highBound = this.high[at]! * this.factor
    const lowBound = this.low[at]! / this.factor
    let up = true
    let down = true
    for (let n = from; n < to; n++) {
      if (n === at) continue
      if (this.high[n]! >= highBound) up = false
      if (this.low[n]! <= lowBound) down = false
    }
    if (up || down) this.possible = true
  }

  /** What a worker hands over: its flag, and the seconds at both ends it could not judge. */
  state(): ScreenState {
    const first = [...this.first]
    const window = 2 * this.k + 1
    // The open last second, when it is among the first ones.
    if (this.open && this.total <= window && first.length / 3 < this.total) {
      const last = this.second.length - 1
      first.push(this.second[last]!, this.high[last]!, this.low[last]!)
    }
    const from = Math.max(0, this.second.length - window)
    const last: number[] = []
    for (let i = from; i < this.second.length; i++) last.push(this.second[i]!, this.high[i]!, this.low[i]!)
    return { possible: this.possible, total: this.total, first, last }
  }

  /** The main thread's screen, continuing from the first range's state. */
  static resume(rule: Pick<SuspectRule, 'jump' | 'neighbours'>, state: ScreenState): SpikeScreen {
    const screen = new SpikeScreen(rule, true)
    screen.possible = state.possible
    screen.setWindow(state, 0)
    return screen
  }

  /**
   * The next range's state, after the seconds before it (and its head, the first second's trades
   * that it left for this thread). Its seconds between the first and the last k + 1 were judged there.
   */
  join(state: ScreenState): void {
    if (state.possible) this.possible = true
    if (state.total <= 2 * this.k + 1) {
      for (let i = 0; i < state.first.length; i += 3)
        this.merge(state.first[i]!, state.first[i + 1]!, state.first[i + 2]!)
      return
    }
    const base = this.offset + this.second.length
    for (let i = 0; i < state.first.length; i += 3)
      this.merge(state.first[i]!, state.first[i + 1]!, state.first[i + 2]!)
    this.setWindow(state, base)
  }

  /** Take a state's last seconds as the window; its last k + 1 are still to judge. */
  private setWindow(state: ScreenState, base: number): void {
    const count = state.last.length / 3
    this.second = []
    this.high = []
    this.low = []
    for (let i = 0; i < state.last.length; i += 3) {
      this.second.push(state.last[i]!)
      this.high.push(state.last[i + 1]!)
      this.low.push(state.last[i + 2]!)
    }
    this.total = base + state.total
    this.offset = this.total - count
    this.open = count > 0
    this.next = Math.max(this.next, this.total - Math.min(state.total, this.k + 1))
  }

  /**
   * Every second before this one (in epoch seconds) has been judged; +Infinity once all have.
   * While `possible` stays false, none of them can hold a suspect print.
   */
  judgedBelow(): number {
    const local = this.next - this.offset
    return local < this.second.length ? this.second[local]! : Number.POSITIVE_INFINITY
  }

  /** The end of the input: the seconds left are judged with the neighbours they have. */
  finish(): boolean {
    this.atEnd = true
    this.open = false
    this.judgeReady()
    return this.possible
  }
}
