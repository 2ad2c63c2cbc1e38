/**
 * A small market simulator for reconstructed crash days: a price path through hand-set anchor
 * points, taker orders that sweep the book, liquidations that follow falling prices, and an
 * open-interest level every 5 minutes. Everything runs on one-second steps from a seeded PRNG.
 */

const SECOND = 1000
const FIVE_MINUTES = 300

/** Price at `second` on the log-linear line through the anchors [[second, price], …]. */
export function anchorLine(anchors, seconds) {
  const line = new Float64Array(seconds + 1)
  let k = 0
  for (let s = 0; s <= seconds; s++) {
    while (k < anchors.length - 2 && anchors[k + 1][0] <= s) k++
    const [t0, p0] = anchors[k]
    const [t1, p1] = anchors[k + 1]
    const f = t1 === t0 ? 0 : Math.min(1, Math.max(0, (s - t0) / (t1 - t0)))
    line[s] = Math.exp(Math.log(p0) + f * (Math.log(p1) - Math.log(p0)))
  }
  return line
}

/**
 * The mid price every second: the anchor line times exp(noise), where the noise is an
 * Ornstein–Uhlenbeck walk that is louder and pulled back harder when the line moves fast
 * (`stress`), and fades to zero at planted extremes so that those stay exact.
 *
 * stress(s) = total |Δ log anchor| over s ± 5 min ÷ stressScale, capped at 1: 0 on a quiet line,
 * 1 in the fastest part of a crash. falling(s) = the line is lower than 2 minutes before;
 * speed(s) = its log change over the last minute.
 */
export function pricePath({ anchors, seconds, planted, rng, noise, stressScale }) {
  const line = anchorLine(anchors, seconds)
  const variation = new Float64Array(seconds + 2)
  for (let s = 1; s <= seconds; s++)
    variation[s] = variation[s - 1] + Math.abs(Math.log(line[s] / line[s - 1]))
  variation[seconds + 1] = variation[seconds]
  const stress = new Float64Array(seconds + 1)
  const falling = new Uint8Array(seconds + 1)
  const speed = new Float64Array(seconds + 1)
  for (let s = 0; s <= seconds; s++) {
    const from = Math.max(0, s - FIVE_MINUTES)
    const to = Math.min(seconds, s + FIVE_MINUTES)
    stress[s] = Math.min(1, (variation[to] - variation[from]) / stressScale)
    falling[s] = line[s] < line[Math.max(0, s - 120)] ? 1 : 0
    speed[s] = Math.log(line[s] / line[Math.max(0, s - 60)])
  }
  const mid = new Float64Array(seconds + 1)
  let x = 0
  for (let s = 0; s <= seconds; s++) {
    let taper = 1
    for (const p of planted) taper = Math.min(taper, Math.abs(s - p.second) / p.quietSeconds)
    mid[s] = line[s] * Math.exp(x * Math.min(1, taper))
    const sigma = noise.sigma * (1 + noise.stressSigma * stress[s])
    const theta = noise.theta * (1 + noise.stressTheta * stress[s])
    x += -theta * x + sigma * rng.normal()
  }
  return { line, mid, stress, falling, speed, seconds }
}

/** Many taker orders are round amounts (the small ones most of all). */
const ROUND_LOTS = [
  0.001, 0.001, 0.001, 0.002, 0.002, 0.003, 0.005, 0.005, 0.01, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1,
]
const ROUND_LOT_SHARE = 0.4

/** Round to the price grid. */
function onTick(price, tick) {
  return Math.round(price / tick) * tick
}

/**
 * Taker orders every second, each filling one or more price levels (one aggTrade per level).
 * Returns trades sorted by time, with contiguous aggTrade ids and consistent trade-id ranges.
 *
 * planted: [{ second, ms, price, kind: 'low' | 'high' | 'open', quantity }] — a 'low' (or 'high')
 * is the single lowest (highest) trade of the whole span, at exactly that time and price;
 * 'open' is the price of the very first trade. floors: [{ before: second, price }] — no trade
 * before that second goes below that price (a level the market is reported to have held).
 */
export function simulateTrades({ path, startMs, rng, tick, flow, planted, ids, floors = [] }) {
  const { mid, stress, falling, seconds } = path
  const trades = []
  const low = planted.find((p) => p.kind === 'low')
  const high = planted.find((p) => p.kind === 'high')
  const open = planted.find((p) => p.kind === 'open')
  let aggId = ids.agg
  let tradeId = ids.trade
  // Trading comes in clusters: a slowly wandering activity level (mean 1) scales each second.
  let activity = 0
  const activityNorm = Math.exp(flow.activitySigma ** 2 / 2)
  for (let s = 0; s < seconds; s++) {
    activity = 0.9 * activity + Math.sqrt(1 - 0.81) * rng.normal()
    const load = stress[s] ** flow.power
    const cluster = Math.exp(flow.activitySigma * activity) / activityNorm
    const rate = cluster * flow.base * (1 + flow.gain * load * (falling[s] ? 1 : flow.risingShare))
    const r30 = Math.log(mid[s] / mid[Math.max(0, s - 30)])
    const sellShare = Math.min(0.88, Math.max(0.12, 0.5 - 0.38 * Math.tanh(r30 / flow.imbalanceScale)))
    const orders = []
    const count = Math.max(s === 0 ? 1 : 0, rng.poisson(rate))
    for (let o = 0; o < count; o++) {
      const ms = rng.int(0, 999)
      const sell = rng.chance(sellShare)
      const price = mid[s] + ((mid[s + 1] - mid[s]) * ms) / SECOND
      const levels = 1 + rng.geometric(0.78 - 0.5 * stress[s], flow.maxLevels - 1)
      const spreadTicks = rng.int(0, Math.round(2 + 20 * stress[s]))
      let level = onTick(price, tick) + (sell ? -spreadTicks : 1 + spreadTicks) * tick
      const gapMax = (price * (0.000004 + 0.00008 * stress[s])) / tick
      for (let l = 0; l < levels; l++) {
        const quantity = rng.chance(ROUND_LOT_SHARE)
          ? ROUND_LOTS[rng.int(0, ROUND_LOTS.length - 1)]
          : rng.lognormal(flow.sizeMedian * (1 + flow.sizeGain * stress[s]), flow.sizeSigma)
        orders.push({ ms, sell, price: level, quantity, fills: 1 + rng.geometric(0.7, 40), order: o })
        level += (sell ? -1 : 1) * tick * Math.max(1, Math.round(rng.next() * gapMax))
      }
    }
    if (low && low.second === s)
      orders.push({
        ms: low.ms,
        sell: true,
        price: low.price,
        quantity: low.quantity,
        fills: 3,
        planted: true,
      })
    if (high && high.second === s)
      orders.push({
        ms: high.ms,
        sell: false,
        price: high.price,
        quantity: high.quantity,
        fills: 3,
        planted: true,
      })
    // Stable: the levels of one sweep stay together and in sweep order.
    orders.sort((a, b) => a.ms - b.ms)
    if (s === 0 && open) {
      // The first sweep of the span starts exactly at the planted open.
      const first = orders[0]
      const shift = open.price - first.price
      for (const order of orders) if (order.order === first.order) order.price += shift
    }
    for (const order of orders) {
      // Rounded first, so that no clamped or rounded price can land on a planted extreme.
      let price = order.planted ? order.price : onTick(order.price, tick)
      if (!order.planted) {
        // Prices beyond a planted extreme or a floor are mirrored back inside it (no flat shelf).
        if (low && price <= low.price) price = low.price + Math.max(tick, low.price - price)
        for (const floor of floors)
          if (s < floor.before && price < floor.price) price = 2 * floor.price - price
        if (high && price >= high.price) price = high.price - Math.max(tick, price - high.price)
      }
      const quantity = Math.round(order.quantity * 1000) / 1000 || 0.001
      trades.push({
        aggId: aggId++,
        price: onTick(price, tick),
        quantity,
        firstId: tradeId,
        lastId: tradeId + order.fills - 1,
        ts: startMs + s * SECOND + order.ms,
        sell: order.sell,
      })
      tradeId += order.fills
    }
  }
  return { trades, next: { agg: aggId, trade: tradeId } }
}

/**
 * Forced orders, at most one per second (Binance's snapshot stream keeps only the latest one a
 * second). Longs are liquidated (SELL) while the price falls, more the faster it falls (full
 * rate at `speedRef` per minute); a few shorts (BUY) while it rises fast, and some in quiet hours.
 */
export function simulateLiquidations({ path, startMs, rng, tick, liq }) {
  const { mid, stress, speed, seconds } = path
  const rows = []
  for (let s = 0; s < seconds; s++) {
    const fall = Math.min(1, Math.max(0, -speed[s]) / liq.speedRef) ** 1.5
    const rise = Math.min(1, Math.max(0, speed[s]) / liq.speedRef) ** 1.5
    const pSell = liq.calm / 2 + liq.gain * fall
    const pBuy = liq.calm / 2 + liq.buyGain * rise
    const p = Math.min(0.97, pSell + pBuy)
    if (!rng.chance(p)) continue
    const sell = rng.chance(pSell / (pSell + pBuy))
    const ms = rng.int(0, 999)
    const market = mid[s] + ((mid[s + 1] - mid[s]) * ms) / SECOND
    // The forced order fills a little through the market; its limit (bankruptcy-side) price is
    // about 0.3 % further: SELL average_price > price, BUY average_price < price.
    const averagePrice = onTick(market * (1 + (sell ? -1 : 1) * rng.uniform(0, 0.0012)), tick)
    const price = onTick(averagePrice * (1 + (sell ? -1 : 1) * rng.uniform(0.0026, 0.0034)), tick)
    const median = (sell ? liq.sizeMedian : liq.buySizeMedian) * (1 + liq.sizeGain * stress[s])
    const quantity = Math.min(
      liq.sizeMax,
      Math.max(0.001, Math.round(rng.lognormal(median, liq.sizeSigma) * 1000) / 1000),
    )
    const lastFill = rng.chance(0.5)
      ? quantity
      : Math.max(0.001, Math.round(quantity * rng.uniform(0.05, 1) * 1000) / 1000)
    rows.push({ ts: startMs + s * SECOND + ms, sell, quantity, price, averagePrice, lastFill })
  }
  return rows
}

/**
 * Open interest (base units) every 5 minutes from `startMs` for `days` days: the log-linear line
 * through `anchors` ([[second, level], …]) with a little noise, exact at planted anchors; the
 * lowest planted level stays the lowest of the span.
 */
export function openInterest({ anchors, startMs, days, rng, noise, plantedMin }) {
  const rows = []
  const line = anchorLine(anchors, days * 86400)
  const exact = new Set(anchors.filter((a) => a[2] === 'exact').map((a) => a[0]))
  let wander = 0
  for (let s = 0; s < days * 86400; s += FIVE_MINUTES) {
    wander = 0.8 * wander + noise * rng.normal()
    let level = exact.has(s) ? line[s] : line[s] * (1 + wander)
    if (plantedMin !== undefined && !exact.has(s) && level <= plantedMin + 25)
      level = plantedMin + 25 + rng.uniform(0, 40)
    rows.push({ ts: startMs + s * SECOND, second: s, level: Math.round(level * 1000) / 1000 })
  }
  return rows
}
