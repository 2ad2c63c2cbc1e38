/**
 * A liquidation stream with a known total, and its capped copy (DESIGN §5.1, issue 14): a few
 * hours of one Binance USD-M market around a crash, every liquidation of it (many a second at the
 * crash's height), the copy a capped feed keeps (the latest liquidation of each second), trades and
 * 5-minute open interest — in the exact archive formats (liquidationSnapshot, aggTrades, metrics;
 * FORMATS.md §1). Everything is synthetic and seeded: the same options give the same bytes.
 *
 * Used by scripts/generate-liquidation-pair.mjs (the committed fixture) and by the tests, which
 * build held-out variants (other shapes, sizes and seeds) the same way.
 */
import { bare, decimal, padded, utcStamp } from './binance-files.mjs'
import { pricePath, simulateTrades } from './market.mjs'
import { Random } from './random.mjs'

const SECOND = 1000
const MINUTE = 60
const FIVE_MINUTES = 300

export const AGG_HEADER =
  'agg_trade_id,price,quantity,first_trade_id,last_trade_id,transact_time,is_buyer_maker'
export const METRICS_HEADER =
  'create_time,symbol,sum_open_interest,sum_open_interest_value,count_toptrader_long_short_ratio,' +
  'sum_toptrader_long_short_ratio,count_long_short_ratio,sum_taker_long_short_vol_ratio'
export const LIQUIDATION_HEADER =
  'time,side,order_type,time_in_force,original_quantity,price,average_price,order_status,' +
  'last_fill_quantity,accumulated_fill_quantity'

/** The committed fixture's options; variants override some of them. */
export const PAIR_DEFAULTS = Object.freeze({
  seed: 0x14_2023,
  symbol: 'BTCUSDT',
  hours: 3,
  startPrice: 26_150,
  /** Minutes after the start where the crash begins, then its legs: [minutes, % move]. */
  crashAtMin: 95,
  legs: [
    [9, -4.5],
    [3, 1.2],
    [11, -5],
  ],
  /** After the legs: [minutes, % move] of the rebound. */
  rebound: [35, 4],
  /** Liquidations per second: calm, and the added rate at full speed (speedRef per minute). */
  liq: {
    calm: 0.03,
    peak: 10,
    speedRef: 0.005,
    power: 1.5,
    sizeMedian: 0.04,
    sizeGain: 3,
    sizeSigma: 1.2,
    sizeMax: 80,
    /** Chance that a liquidation brings another in the same millisecond (a batch of the engine). */
    cluster: 0,
  },
  /** Open interest, base units: the start, its calm wander, and voluntary net closing per liquidated coin. */
  oi: { start: 82_000, wander: 0.0004, voluntary: 0.7 },
  flow: {
    base: 0.08,
    gain: 10,
    power: 1.8,
    activitySigma: 0.5,
    risingShare: 0.6,
    imbalanceScale: 0.003,
    maxLevels: 12,
    sizeMedian: 0.3,
    sizeGain: 2,
    sizeSigma: 1.3,
  },
  noise: { sigma: 1.1e-4, theta: 1 / 600, stressSigma: 3, stressTheta: 6 },
  stressScale: 0.03,
  tick: 0.1,
})

/** Anchors [second, price] through the crash legs and the rebound, flat-ish before and after. */
function anchorsOf(options, rng) {
  const seconds = options.hours * 3600
  const anchors = [[0, options.startPrice]]
  let t = options.crashAtMin * MINUTE
  let price = options.startPrice * (1 + rng.uniform(-0.004, 0.004))
  anchors.push([t, price])
  for (const [minutes, move] of [...options.legs, options.rebound]) {
    t += minutes * MINUTE
    price *= 1 + move / 100
    anchors.push([t, price])
  }
  anchors.push([seconds, price * (1 + rng.uniform(-0.004, 0.004))])
  return anchors
}

/**
 * The market and every liquidation of it. Liquidations arrive each second as a Poisson count whose
 * rate follows the speed of the price (longs while it falls, shorts while it rises), at a uniform
 * millisecond; sizes are lognormal, larger under stress. Open interest falls by each liquidated
 * coin and by `voluntary` more (closing that is not forced), and wanders a little.
 */
export function buildPair(overrides = {}) {
  const options = { ...PAIR_DEFAULTS, ...overrides }
  options.liq = { ...PAIR_DEFAULTS.liq, ...overrides.liq }
  options.oi = { ...PAIR_DEFAULTS.oi, ...overrides.oi }
  options.flow = { ...PAIR_DEFAULTS.flow, ...overrides.flow }
  const rng = new Random(options.seed)
  const seconds = options.hours * 3600
  const path = pricePath({
    anchors: anchorsOf(options, rng),
    seconds,
    planted: [],
    rng,
    noise: options.noise,
    stressScale: options.stressScale,
  })
  // Times are seconds from the start; `files` places them on a date.
  const { trades } = simulateTrades({
    path,
    startMs: 0,
    rng,
    tick: options.tick,
    flow: options.flow,
    planted: [],
    ids: { agg: 1_840_000_001, trade: 3_910_000_001 },
  })
  const liq = options.liq
  const liquidations = []
  const seen = new Set()
  let oi = options.oi.start
  const oiLevels = []
  for (let s = 0; s < seconds; s++) {
    if (s % FIVE_MINUTES === 0) oiLevels.push({ second: s, level: Math.round(oi * 1000) / 1000 })
    const fall = Math.min(1, Math.max(0, -path.speed[s]) / liq.speedRef) ** liq.power
    const rise = Math.min(1, Math.max(0, path.speed[s]) / liq.speedRef) ** liq.power
    const longRate = liq.calm / 2 + liq.peak * fall
    const shortRate = liq.calm / 2 + liq.peak * rise
    const count = rng.poisson(longRate + shortRate)
    let closed = 0
    let ms = -1
    for (let k = 0; k < count; k++) {
      const sell = rng.chance(longRate / (longRate + shortRate))
      if (!(ms >= 0 && rng.chance(liq.cluster))) ms = rng.int(0, 999)
      const market = path.mid[s] + ((path.mid[s + 1] - path.mid[s]) * ms) / SECOND
      const averagePrice = onTick(market * (1 + (sell ? -1 : 1) * rng.uniform(0, 0.0012)), options.tick)
      const price = onTick(averagePrice * (1 + (sell ? -1 : 1) * rng.uniform(0.0026, 0.0034)), options.tick)
      const median = liq.sizeMedian * (1 + liq.sizeGain * path.stress[s])
      let quantity = Math.min(
        liq.sizeMax,
        Math.max(0.001, Math.round(rng.lognormal(median, liq.sizeSigma) * 1000) / 1000),
      )
      // Two liquidations with equal fields at one millisecond would be one row twice (a duplicate).
      let key = `${s}|${ms}|${sell}|${quantity}|${averagePrice}`
      while (seen.has(key)) {
        quantity = Math.round((quantity + 0.001) * 1000) / 1000
        key = `${s}|${ms}|${sell}|${quantity}|${averagePrice}`
      }
      seen.add(key)
      const lastFill = rng.chance(0.5)
        ? quantity
        : Math.max(0.001, Math.round(quantity * rng.uniform(0.05, 1) * 1000) / 1000)
      liquidations.push({ ms: s * SECOND + ms, sell, quantity, price, averagePrice, lastFill, order: k })
      closed += quantity
    }
    oi -= closed * (1 + options.oi.voluntary)
    oi *= 1 + options.oi.wander * rng.normal() * (s % 60 === 0 ? 1 : 0)
  }
  liquidations.sort((a, b) => a.ms - b.ms || a.order - b.order)
  return { options, path, trades, liquidations, capped: capOf(liquidations), oiLevels }
}

/** What a feed capped at one record per symbol per second keeps: the latest of each second. */
export function capOf(liquidations) {
  const kept = new Map()
  for (const row of liquidations) {
    const second = Math.floor(row.ms / SECOND)
    const held = kept.get(second)
    if (!held || row.ms >= held.ms) kept.set(second, row)
  }
  return [...kept.values()].sort((a, b) => a.ms - b.ms)
}

function onTick(price, tick) {
  return Math.round(price / tick) * tick
}

/** USD of a liquidation as cascade values it: accumulated_fill_quantity × average_price. */
export function liquidationUsd(row) {
  return Number(bare(row.quantity, 3)) * Number(bare(row.averagePrice, 2))
}

/** Sum of liquidations in [fromMs, toMs) (times relative to the start). */
export function totalBetween(rows, fromMs, toMs) {
  let usd = 0
  for (const row of rows) if (row.ms >= fromMs && row.ms < toMs) usd += liquidationUsd(row)
  return usd
}

/** Seconds holding at least one row in [fromMs, toMs). */
export function secondsBetween(rows, fromMs, toMs) {
  const seconds = new Set()
  for (const row of rows) if (row.ms >= fromMs && row.ms < toMs) seconds.add(Math.floor(row.ms / SECOND))
  return seconds.size
}

/**
 * The archive files of the pair placed on `date` (YYYY-MM-DD, starting 00:00 UTC), in Binance's
 * formats of that date: aggTrades with a header from 2022-08-11, metrics rows twice (and ratios at
 * full precision) until 2021-05-20, every liquidationSnapshot row twice. `liquidations` chooses the
 * full stream (`all`), the capped copy (`capped`) or none.
 */
export function pairFiles(pair, date, liquidations = 'capped') {
  const startMs = Date.parse(`${date}T00:00:00Z`)
  const symbol = pair.options.symbol
  const rng = new Random(pair.options.seed ^ 0x5eed)
  const files = []
  const header = date >= '2022-08-11'
  const aggLines = header ? [AGG_HEADER] : []
  for (const t of pair.trades) {
    aggLines.push(
      [
        t.aggId,
        decimal(t.price, 2),
        decimal(t.quantity, 3),
        t.firstId,
        t.lastId,
        startMs + t.ts,
        t.sell,
      ].join(','),
    )
  }
  files.push({ name: `${symbol}-aggTrades-${date}.csv`, text: `${aggLines.join('\n')}\n` })
  const early = date <= '2021-05-20'
  const metrics = pair.oiLevels.map((row) => {
    const [buy, sell] = takerVolumes(
      pair.trades,
      row.second * SECOND - FIVE_MINUTES * SECOND,
      row.second * SECOND,
    )
    const taker = buy > 0 && sell > 0 ? buy / sell : 1
    const ratio = (x) => (early ? String(x) : x.toFixed(8))
    return [
      utcStamp(startMs + row.second * SECOND),
      symbol,
      padded(row.level, 3),
      padded(row.level * pair.path.mid[row.second], 4),
      ratio(1.2 + rng.uniform(0, 0.3)),
      ratio(1.1 + rng.uniform(0, 0.3)),
      ratio(1.5 + rng.uniform(0, 0.3)),
      ratio(taker),
    ].join(',')
  })
  const metricRows = early ? [...metrics, ...metrics] : metrics
  files.push({
    name: `${symbol}-metrics-${date}.csv`,
    text: `${[METRICS_HEADER, ...rng.shuffle(metricRows)].join('\n')}\n`,
  })
  if (liquidations !== 'none') {
    const rows = liquidations === 'all' ? pair.liquidations : pair.capped
    const lines = [LIQUIDATION_HEADER]
    for (const r of rows) {
      const q = bare(r.quantity, 3)
      const line = [
        startMs + r.ms,
        r.sell ? 'SELL' : 'BUY',
        'LIMIT',
        'IOC',
        q,
        bare(r.price, 2),
        bare(r.averagePrice, 2),
        'FILLED',
        bare(r.lastFill, 3),
        q,
      ].join(',')
      // Binance wrote every liquidationSnapshot row twice.
      lines.push(line, line)
    }
    files.push({ name: `${symbol}-liquidationSnapshot-${date}.csv`, text: `${lines.join('\n')}\n` })
  }
  return files
}

function takerVolumes(trades, fromMs, toMs) {
  let buy = 0
  let sell = 0
  for (const t of trades) {
    if (t.ts < fromMs) continue
    if (t.ts >= toMs) break
    if (t.sell) sell += t.quantity
    else buy += t.quantity
  }
  return [buy, sell]
}
