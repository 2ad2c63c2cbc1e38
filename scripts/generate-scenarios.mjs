#!/usr/bin/env node
/**
 * Writes fixtures/scenarios/: two RECONSTRUCTED crash days in Binance USD-M archive formats
 * (data.binance.vision; ../shared/FORMATS.md §1), shaped after the reported figures of
 * 19 May 2021 and 5–6 Feb 2026 (../shared/METHODS.md §3.2, §3.5). Not real data.
 *
 *   node scripts/generate-scenarios.mjs            write the fixtures and their README
 *   node scripts/generate-scenarios.mjs --check    regenerate in a temp dir, compare; exit 1 on a difference
 *   node scripts/generate-scenarios.mjs --out DIR  write somewhere else
 *
 * Deterministic: seeded PRNG (mulberry32), no clock, fixed zip timestamps and compression.
 */
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { bare, decimal, padded, unzipAll, utcIso, utcStamp, zipOne } from './lib/binance-files.mjs'
import { openInterest, pricePath, simulateLiquidations, simulateTrades } from './lib/market.mjs'
import { Random } from './lib/random.mjs'

const HERE = dirname(fileURLToPath(import.meta.url))
const DEFAULT_OUT = resolve(HERE, '../fixtures/scenarios')
const DAY = 86_400
const SYMBOL = 'BTCUSDT'

const AGG_HEADER = 'agg_trade_id,price,quantity,first_trade_id,last_trade_id,transact_time,is_buyer_maker'
const METRICS_HEADER =
  'create_time,symbol,sum_open_interest,sum_open_interest_value,count_toptrader_long_short_ratio,' +
  'sum_toptrader_long_short_ratio,count_long_short_ratio,sum_taker_long_short_vol_ratio'
const LIQUIDATION_HEADER =
  'time,side,order_type,time_in_force,original_quantity,price,average_price,order_status,' +
  'last_fill_quantity,accumulated_fill_quantity'

/** Seconds after midnight. */
const at = (h, m = 0, s = 0) => h * 3600 + m * 60 + s
const dayStart = (date) => Date.parse(`${date}T00:00:00Z`)
const usd = (n) => `$${Math.round(n).toLocaleString('en-US')}`
const btc = (n) => `${n.toLocaleString('en-US', { maximumFractionDigits: 3 })} BTC`
const pct = (n, digits = 1) => `${n.toFixed(digits)} %`
const price = (n) => n.toLocaleString('en-US', { minimumFractionDigits: 0, maximumFractionDigits: 2 })

// ---------------------------------------------------------------------------------------------
// 19 May 2021

const MAY_2021 = {
  date: '2021-05-19',
  seed: 0x19052021,
  /** Price anchors, UTC; the path runs log-linearly between them plus noise. */
  anchors: [
    [at(0), 42_900], // open (Binance USD-M 1m klines open 42,882.54)
    [at(0, 40), 42_600],
    [at(1, 30), 42_250],
    [at(2, 20), 41_800],
    [at(3), 41_450],
    [at(3, 50), 41_200],
    [at(4, 30), 40_950],
    [at(5, 29, 40), 39_700], // pre-dawn dip: a slow slide, −3.1 % in the last hour (not a cascade)
    [at(6, 10), 40_600],
    [at(7, 30), 41_500],
    [at(8, 40), 42_100],
    [at(9, 30), 41_800],
    [at(10, 30), 40_900],
    [at(11, 30), 39_900],
    [at(11, 42), 40_150], // the last peak before the crash
    [at(12), 39_450],
    [at(12, 15), 38_300],
    [at(12, 30), 36_900],
    [at(12, 42), 35_200],
    [at(12, 50), 33_000], // end of leg 1
    [at(12, 56), 34_300], // partial bounce (18 % of the fall so far)
    [at(13), 34_150],
    [at(13, 8), 32_900],
    [at(13, 16), 31_300],
    [at(13, 21, 30), 30_000], // the low (planted)
    [at(13, 25), 33_000],
    [at(13, 36), 35_000],
    [at(14), 36_800],
    [at(14, 40), 36_000],
    [at(15, 30), 37_200],
    [at(16, 30), 36_500],
    [at(18), 37_300],
    [at(19, 30), 37_000],
    [at(21), 38_400], // 21:00 UTC ≈ 38,390 reported
    [at(22, 30), 37_800],
    [at(24), 37_650],
  ],
  open: 42_900,
  low: { second: at(13, 21, 30), ms: 250, price: 30_000 },
  /** Seconds around which the noise fades, so the dip lands near its reported level. */
  quiet: [{ second: at(5, 29, 40), quietSeconds: 900 }],
  noise: { sigma: 1.3e-4, theta: 1 / 600, stressSigma: 4, stressTheta: 8 },
  stressScale: 0.04,
  tick: 0.01,
  flow: {
    base: 0.26,
    gain: 34,
    power: 1.73,
    activitySigma: 0.6,
    risingShare: 0.6,
    imbalanceScale: 0.003,
    maxLevels: 30,
    sizeMedian: 0.012,
    sizeGain: 2,
    sizeSigma: 1.5,
  },
  ids: { agg: 612_540_001, trade: 1_015_800_001 },
  liquidations: {
    speedRef: 0.005,
    calm: 0.002,
    gain: 0.95,
    buyGain: 0.08,
    sizeMedian: 0.08,
    buySizeMedian: 0.05,
    sizeGain: 6,
    sizeSigma: 1.2,
    sizeMax: 120,
  },
  /** Open interest, BTC: built up into the crash, −20 % from 11:55 to 13:25 (both exact). */
  oiAnchors: [
    [at(0), 74_800],
    [at(3), 74_300],
    [at(5, 30), 73_100],
    [at(7), 73_500],
    [at(9), 74_800],
    [at(11, 55), 76_500, 'exact'],
    [at(12, 50), 68_400],
    [at(13), 68_600],
    [at(13, 25), 61_200, 'exact'],
    [at(14), 61_800],
    [at(16), 62_900],
    [at(21), 64_300],
    [at(23, 55), 64_600],
  ],
  oiNoise: 0.0008,
}

// ---------------------------------------------------------------------------------------------
// 5–6 February 2026: hourly open, high, low, close (USD, rounded to 10) after Binance spot 1h
// klines as carried in ../shared/real/coinglass_BTC_regime_1h_1y.csv; the 01:00 high of 5 Feb
// is set to 73,300 and the 00:00 low of 6 Feb to 60,000.00 (both planted).

const FEB_2026_HOURS = [
  // 2026-02-05
  [73_170, 73_200, 72_750, 72_870],
  [72_870, 73_300, 72_000, 72_420],
  [72_420, 72_850, 71_310, 71_450],
  [71_450, 71_880, 71_150, 71_220],
  [71_220, 71_440, 70_700, 70_890],
  [70_890, 71_150, 70_140, 70_730],
  [70_730, 70_980, 70_430, 70_950],
  [70_950, 71_620, 70_640, 70_760],
  [70_760, 71_550, 70_680, 71_050],
  [71_050, 71_980, 71_050, 71_550],
  [71_550, 71_730, 70_660, 70_860],
  [70_860, 71_060, 69_920, 70_320],
  [70_320, 70_600, 69_160, 69_560],
  [69_560, 69_830, 69_260, 69_690],
  [69_690, 70_870, 69_290, 69_400],
  [69_400, 69_620, 66_720, 67_490],
  [67_490, 68_680, 66_960, 68_300],
  [68_300, 68_370, 66_150, 66_180],
  [66_180, 66_540, 65_390, 66_350],
  [66_350, 66_640, 65_200, 65_270],
  [65_270, 65_700, 62_350, 63_780],
  [63_780, 64_780, 62_890, 63_210],
  [63_210, 64_620, 62_690, 63_910],
  [63_910, 64_910, 62_720, 62_910],
  // 2026-02-06
  [62_910, 63_860, 60_000, 63_510],
  [63_510, 65_760, 63_510, 65_710],
  [65_710, 66_010, 64_200, 64_990],
  [64_990, 65_170, 63_770, 64_170],
  [64_170, 65_000, 63_910, 64_910],
  [64_910, 66_830, 64_800, 66_410],
  [66_410, 66_800, 64_860, 64_990],
  [64_990, 65_540, 64_650, 64_860],
  [64_860, 65_210, 64_500, 64_900],
  [64_900, 66_160, 64_760, 65_800],
  [65_800, 66_220, 65_550, 65_970],
  [65_970, 66_760, 65_770, 66_630],
  [66_630, 66_630, 66_110, 66_560],
  [66_560, 67_690, 66_480, 67_320],
  [67_320, 68_650, 66_630, 68_190],
  [68_190, 69_190, 67_770, 68_630],
  [68_630, 70_220, 68_430, 69_950],
  [69_950, 71_500, 69_590, 70_750],
  [70_750, 70_820, 69_340, 69_780],
  [69_780, 70_950, 69_660, 70_730],
  [70_730, 71_000, 70_000, 70_000],
  [70_000, 70_510, 69_840, 70_360],
  [70_360, 71_580, 70_280, 71_350],
  [71_350, 71_750, 70_510, 70_580],
]

/** Binance BTCUSDT open interest at each hour's close, BTC (CoinGlass OI USD ÷ close, rounded). */
const FEB_2026_OI = [
  93_800, 94_400, 94_200, 95_100, 97_000, 96_000, 95_800, 94_800, 95_000, 95_400, 94_800, 93_700, 92_800,
  93_100, 92_500, 93_500, 94_000, 94_400, 94_200, 94_200, 94_000, 93_300, 94_100, 92_700, 89_800, 88_400,
  86_800, 86_500, 86_500, 87_300, 86_300, 86_200, 85_500, 86_300, 86_900, 87_100, 87_100, 86_300, 86_800,
  87_500, 88_100, 86_800, 85_100, 84_700, 84_500, 83_900, 85_200, 85_100,
]

const FEB_2026 = {
  dates: ['2026-02-05', '2026-02-06'],
  seed: 0x05022026,
  high: { second: at(1, 14, 20), ms: 480, price: 73_300 },
  low: { second: DAY + at(0, 20, 10), ms: 730, price: 60_000 },
  /** 70,000 held until the 11:00 hour of 5 Feb (hourly low 69,922 there, 70,140 before). */
  floor: { before: at(11), price: 70_000 },
  noise: { sigma: 1.2e-4, theta: 1 / 600, stressSigma: 3, stressTheta: 6 },
  stressScale: 0.025,
  tick: 0.1,
  flow: {
    base: 0.28,
    gain: 22,
    power: 2,
    activitySigma: 0.6,
    risingShare: 0.6,
    imbalanceScale: 0.003,
    maxLevels: 20,
    sizeMedian: 0.01,
    sizeGain: 2,
    sizeSigma: 1.5,
  },
  ids: { agg: 3_092_417_001, trade: 7_124_880_001 },
  oiNoise: 0.0006,
}

/** Anchors through each hour's extremes: high before low in a falling hour, low first in a rising one. */
function hourlyAnchors(hours, rng, pinned) {
  const anchors = [[0, hours[0][0]]]
  hours.forEach(([open, high, low, close], h) => {
    const start = h * 3600
    const pin = pinned.filter((p) => p.second >= start && p.second < start + 3600)
    const times = [start + rng.int(8, 25) * 60, start + rng.int(35, 52) * 60]
    const extremes = close >= open ? [low, high] : [high, low]
    for (const p of pin) {
      const slot = extremes.indexOf(p.price)
      if (slot >= 0) times[slot] = p.second
    }
    if (times[0] > times[1]) times.reverse() && extremes.reverse()
    anchors.push([times[0], extremes[0]], [times[1], extremes[1]], [start + 3600, close])
  })
  return anchors
}

// ---------------------------------------------------------------------------------------------
// CSV text

function aggTradesCsv(trades, { header }) {
  const lines = header ? [AGG_HEADER] : []
  for (const t of trades) {
    const fields = [t.aggId, decimal(t.price, 2), decimal(t.quantity, 3), t.firstId, t.lastId, t.ts, t.sell]
    lines.push(fields.join(','))
  }
  return `${lines.join('\n')}\n`
}

/** Trades of [fromMs, toMs). Trades are sorted, so two binary searches. */
function tradesBetween(trades, fromMs, toMs) {
  const find = (ms) => {
    let lo = 0
    let hi = trades.length
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if (trades[mid].ts < ms) lo = mid + 1
      else hi = mid
    }
    return lo
  }
  return trades.slice(find(fromMs), find(toMs))
}

/**
 * Metrics rows: open interest every 5 minutes with the value at the mid price, three ratio walks,
 * and the taker buy/sell volume ratio of the 5 minutes before each row from the trades themselves.
 * `early` files print ratios at full float precision, later ones with 8 decimals.
 */
function metricsLines(oiRows, { path, trades, rng, early, spanStartMs }) {
  let top = 1.38
  let topPositions = 1.12
  let global = 1.62
  return oiRows.map((row) => {
    top = Math.max(0.6, top * Math.exp(0.01 * rng.normal()))
    topPositions = Math.max(0.5, topPositions * Math.exp(0.012 * rng.normal()))
    global = Math.max(0.6, global * Math.exp(0.01 * rng.normal()))
    let taker = Math.exp(0.15 * rng.normal())
    if (row.ts - 300_000 >= spanStartMs) {
      let buy = 0
      let sell = 0
      for (const t of tradesBetween(trades, row.ts - 300_000, row.ts)) {
        if (t.sell) sell += t.quantity
        else buy += t.quantity
      }
      if (buy > 0 && sell > 0) taker = buy / sell
    }
    const value = row.level * path.mid[row.second]
    const ratio = (x) => (early ? String(x) : x.toFixed(8))
    return [
      utcStamp(row.ts),
      SYMBOL,
      padded(row.level, 3),
      padded(value, 4),
      ratio(top),
      ratio(topPositions),
      ratio(global),
      ratio(taker),
    ].join(',')
  })
}

function liquidationCsv(rows) {
  const lines = [LIQUIDATION_HEADER]
  for (const r of rows) {
    const q = bare(r.quantity, 3)
    const line = [
      r.ts,
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
  return `${lines.join('\n')}\n`
}

// ---------------------------------------------------------------------------------------------
// Figures for the README (computed from what was written, not from the plan)

function extreme(trades, fromMs, toMs, lowest) {
  let best = null
  for (const t of tradesBetween(trades, fromMs, toMs)) {
    if (!best || (lowest ? t.price < best.price : t.price > best.price)) best = t
  }
  return best
}

function lastBefore(trades, ms) {
  const before = tradesBetween(trades, Number.NEGATIVE_INFINITY, ms)
  return before[before.length - 1]
}

function flowStats(trades, fromMs, toMs) {
  const slice = tradesBetween(trades, fromMs, toMs)
  let usdVolume = 0
  let sellUsd = 0
  let maxPerSecond = 0
  let run = 0
  let second = -1
  for (const t of slice) {
    const v = t.price * t.quantity
    usdVolume += v
    if (t.sell) sellUsd += v
    const s = Math.floor(t.ts / 1000)
    run = s === second ? run + 1 : 1
    second = s
    if (run > maxPerSecond) maxPerSecond = run
  }
  const seconds = (toMs - fromMs) / 1000
  return {
    trades: slice.length,
    perSecond: slice.length / seconds,
    maxPerSecond,
    usdVolume,
    sellShare: sellUsd / usdVolume,
  }
}

const time = (ms) => utcIso(ms).replace('T', ' ').replace('Z', ' UTC')
const hhmmss = (ms) => utcIso(ms).slice(11, 23)
const minute = (ms) => `${utcIso(ms).slice(0, 16).replace('T', ' ')} UTC`

// ---------------------------------------------------------------------------------------------
// Scenarios

async function may2021(out) {
  const s = MAY_2021
  const rng = new Random(s.seed)
  const startMs = dayStart(s.date)
  const low = { ...s.low, kind: 'low', quantity: 0.5, quietSeconds: 240 }
  const path = pricePath({
    anchors: s.anchors,
    seconds: DAY,
    planted: [low, ...s.quiet],
    rng,
    noise: s.noise,
    stressScale: s.stressScale,
  })
  const { trades } = simulateTrades({
    path,
    startMs,
    rng,
    tick: s.tick,
    flow: s.flow,
    planted: [low, { kind: 'open', price: s.open }],
    ids: s.ids,
  })
  const liquidations = simulateLiquidations({ path, startMs, rng, tick: s.tick, liq: s.liquidations })
  const oi = openInterest({
    anchors: s.oiAnchors,
    startMs,
    days: 1,
    rng,
    noise: s.oiNoise,
    plantedMin: 61_200,
  })
  const metrics = metricsLines(oi, { path, trades, rng, early: true, spanStartMs: startMs })
  // Early metrics files hold every row twice, and no file is in time order.
  const metricsText = `${[METRICS_HEADER, ...rng.shuffle([...metrics, ...metrics])].join('\n')}\n`

  const dir = join(out, s.date)
  await mkdir(dir, { recursive: true })
  const files = {
    aggTrades: await writeZip(
      dir,
      `${SYMBOL}-aggTrades-${s.date}`,
      aggTradesCsv(trades, { header: false }),
      s.date,
    ),
    metrics: await writeZip(dir, `${SYMBOL}-metrics-${s.date}`, metricsText, s.date),
    liquidations: await writeZip(
      dir,
      `${SYMBOL}-liquidationSnapshot-${s.date}`,
      liquidationCsv(liquidations),
      s.date,
    ),
  }

  const t = (h, m = 0, sec = 0) => startMs + at(h, m, sec) * 1000
  const oiAt = (h, m) => oi.find((r) => r.ts === t(h, m))
  const oiBefore = oiAt(11, 55)
  const oiMin = oi.reduce((a, b) => (b.level < a.level ? b : a))
  const liqUsd = (r) => r.quantity * r.averagePrice
  const liqSum = (rows) => rows.reduce((sum, r) => sum + liqUsd(r), 0)
  const longs = liquidations.filter((r) => r.sell)
  const shorts = liquidations.filter((r) => !r.sell)
  const inWindow = (rows, from, to) => rows.filter((r) => r.ts >= from && r.ts < to)
  return {
    files,
    trades: trades.length,
    open: trades[0],
    close: trades[trades.length - 1],
    dip: extreme(trades, t(4), t(7), true),
    peak: extreme(trades, t(11), t(12, 5), false),
    leg1Low: extreme(trades, t(12), t(12, 55), true),
    bounce: extreme(trades, t(12, 50), t(13, 5), false),
    low: extreme(trades, startMs, startMs + DAY * 1000, true),
    at1400: lastBefore(trades, t(14)),
    at2100: lastBefore(trades, t(21)),
    calm: flowStats(trades, startMs, t(11)),
    leg1: flowStats(trades, t(12), t(12, 50)),
    leg2: flowStats(trades, t(13), t(13, 22)),
    day: flowStats(trades, startMs, startMs + DAY * 1000),
    oi: { rows: oi.length, before: oiBefore, min: oiMin, valueBefore: oiBefore.level * path.mid[at(11, 55)] },
    oiValueMin: oiMin.level * path.mid[oiMin.second],
    liq: {
      rows: liquidations.length * 2,
      distinct: liquidations.length,
      longs: longs.length,
      shorts: shorts.length,
      longUsd: liqSum(longs),
      shortUsd: liqSum(shorts),
      wave1: inWindow(liquidations, t(12), t(12, 50)),
      between: inWindow(liquidations, t(12, 51), t(13)),
      wave2: inWindow(liquidations, t(13), t(13, 22)),
      largest: liquidations.reduce((a, b) => (liqUsd(b) > liqUsd(a) ? b : a)),
      liqUsd,
      liqSum,
    },
  }
}

async function feb2026(out) {
  const s = FEB_2026
  const rng = new Random(s.seed)
  const startMs = dayStart(s.dates[0])
  const seconds = 2 * DAY
  const low = { ...s.low, kind: 'low', quantity: 1.2, quietSeconds: 240 }
  const high = { ...s.high, kind: 'high', quantity: 0.3, quietSeconds: 240 }
  const anchors = hourlyAnchors(FEB_2026_HOURS, rng, [low, high])
  const path = pricePath({
    anchors,
    seconds,
    planted: [low, high],
    rng,
    noise: s.noise,
    stressScale: s.stressScale,
  })
  const { trades } = simulateTrades({
    path,
    startMs,
    rng,
    tick: s.tick,
    flow: s.flow,
    planted: [low, high, { kind: 'open', price: FEB_2026_HOURS[0][0] }],
    ids: s.ids,
    floors: [s.floor],
  })
  const oiAnchors = [[0, FEB_2026_OI[0]], ...FEB_2026_OI.map((level, h) => [(h + 1) * 3600, level])]
  const oi = openInterest({ anchors: oiAnchors, startMs, days: 2, rng, noise: s.oiNoise })
  const files = {}
  const split = startMs + DAY * 1000
  for (const [i, date] of s.dates.entries()) {
    const dir = join(out, '2026-02-05')
    await mkdir(dir, { recursive: true })
    const from = startMs + i * DAY * 1000
    const dayTrades = tradesBetween(trades, from, from + DAY * 1000)
    const dayOi = oi.filter((r) => r.ts >= from && r.ts < from + DAY * 1000)
    const metrics = metricsLines(dayOi, { path, trades, rng, early: false, spanStartMs: startMs })
    const metricsText = `${[METRICS_HEADER, ...rng.shuffle(metrics)].join('\n')}\n`
    files[`aggTrades ${date}`] = await writeZip(
      dir,
      `${SYMBOL}-aggTrades-${date}`,
      aggTradesCsv(dayTrades, { header: true }),
      date,
    )
    files[`metrics ${date}`] = await writeZip(dir, `${SYMBOL}-metrics-${date}`, metricsText, date)
    files[`trades ${date}`] = dayTrades.length
  }
  const t = (d, h, m = 0) => startMs + (d * DAY + at(h, m)) * 1000
  const firstBelow70k = trades.find((x) => x.price < 70_000)
  const oiPeak = oi
    .filter((r) => r.ts >= t(0, 12) && r.ts <= t(1, 0, 20))
    .reduce((a, b) => (b.level > a.level ? b : a))
  const oiMin = oi
    .filter((r) => r.ts >= t(1, 0) && r.ts < t(1, 12))
    .reduce((a, b) => (b.level < a.level ? b : a))
  const oiBeforeLow = oi.filter((r) => r.ts <= t(1, 0)).at(-1)
  const oiAfterLow = oi.filter((r) => r.ts <= t(1, 1)).at(-1)
  return {
    files,
    trades: trades.length,
    open: trades[0],
    high: extreme(trades, startMs, startMs + seconds * 1000, false),
    firstBelow70k,
    at2000: lastBefore(trades, t(0, 20)),
    low2000: extreme(trades, t(0, 20), t(0, 21), true),
    low: extreme(trades, startMs, startMs + seconds * 1000, true),
    close5: lastBefore(trades, split),
    rebound: extreme(trades, t(1, 1), startMs + seconds * 1000, false),
    close: trades[trades.length - 1],
    day5: flowStats(trades, startMs, split),
    day6: flowStats(trades, split, split + DAY * 1000),
    crashHour: flowStats(trades, t(0, 20), t(0, 21)),
    lowHour: flowStats(trades, t(1, 0), t(1, 1)),
    oi: { peak: oiPeak, min: oiMin, beforeLow: oiBeforeLow, afterLow: oiAfterLow },
    midAt: (ms) => path.mid[Math.round((ms - startMs) / 1000)],
  }
}

async function writeZip(dir, base, text, date) {
  const bytes = await zipOne(`${base}.csv`, text, date)
  await writeFile(join(dir, `${base}.zip`), bytes)
  return {
    name: `${base}.zip`,
    bytes: bytes.length,
    csvBytes: Buffer.byteLength(text),
    lines: text.split('\n').length - 1,
  }
}

// ---------------------------------------------------------------------------------------------
// README

function readme(may, feb) {
  const kb = (n) => `${(n / 1024).toFixed(0)} KiB`
  const count = (n) => n.toLocaleString('en-US')
  const fileRow = (f, what) => `| \`${f.name}\` | ${kb(f.bytes)} | ${count(f.lines)} | ${what} |`
  const dropPct = (a, b) => pct(((a - b) / a) * 100)
  const share = (x) => pct(x * 100)
  const at = (t) => `${price(t.price)} at ${hhmmss(t.ts)}`
  const l = may.liq
  const wave = (rows) => `${rows.length} liquidations, ${usd(l.liqSum(rows))}`
  const longShare = share(l.longUsd / (l.longUsd + l.shortUsd))
  const busiest = Math.max(may.leg1.maxPerSecond, may.leg2.maxPerSecond)
  const febFiles = Object.entries(feb.files).filter(([, f]) => typeof f === 'object')
  const febKind = (key) =>
    key.startsWith('aggTrades')
      ? 'aggTrades with header (files since 2022-08)'
      : 'metrics, header, single rows, shuffled'
  const o = feb.oi
  return [
    '# Scenario fixtures — RECONSTRUCTIONS, NOT REAL DATA',
    '',
    'Two crash days written in the exact Binance USD-M archive formats (data.binance.vision; see',
    'FORMATS.md §1), **generated** by `scripts/generate-scenarios.mjs` from a seeded random',
    'generator and hand-set anchor points shaped after the reported figures of each crash',
    '(METHODS.md §3.2, §3.5). Every trade, open-interest row and liquidation here is synthetic. Use',
    'them to run and test `cascade` end to end; never quote them as market history.',
    '',
    'Regenerate (byte-identical output) and check the committed files:',
    '',
    '    node scripts/generate-scenarios.mjs',
    '    node scripts/generate-scenarios.mjs --check     # exit 1 when the committed files differ',
    '',
    'This README is written by the generator too: every figure below is measured on the files.',
    '',
    '## `2021-05-19/` — shaped like 19 May 2021',
    '',
    '| file | size | lines | what |',
    '|---|---|---|---|',
    fileRow(
      may.files.aggTrades,
      'aggTrades, no header (2021 files have none), ms timestamps, contiguous agg ids',
    ),
    fileRow(may.files.metrics, 'metrics, header, 5-minute rows, **every row twice**, rows shuffled'),
    fileRow(may.files.liquidations, 'liquidationSnapshot, header, **every row twice**, ≤ 1 a second, BTC'),
    '',
    'Planted and measured figures (UTC):',
    '',
    `- Open ${price(may.open.price)} (first trade, ${hhmmss(may.open.ts)}); close ${price(may.close.price)}.`,
    `- Pre-dawn dip: low ${at(may.dip)}: a slow slide from 42,900 (≈ −3 % in its last hour),`,
    '  **not** a cascade at the default thresholds (5 % within 60 min).',
    `- Last peak before the crash ${at(may.peak)}.`,
    `- Leg 1, 12:00–12:50: down to ${at(may.leg1Low)}.`,
    `- Partial bounce to ${at(may.bounce)} (less than a third of the fall).`,
    `- Leg 2, 13:00–13:21:30: **the low ${price(may.low.price)} (\`${decimal(may.low.price, 2)}\`)` +
      ` at ${time(may.low.ts)}**`,
    `  (agg id ${may.low.aggId}; planted: the only trade at or below 30,000).`,
    `- Rebound: ${price(may.at1400.price)} at 14:00, ${price(may.at2100.price)} at 21:00.`,
    `- Trades: ${count(may.trades)} aggTrades; ${may.calm.perSecond.toFixed(1)}/s before 11:00,`,
    `  ${may.leg1.perSecond.toFixed(0)}/s in leg 1, ${may.leg2.perSecond.toFixed(0)}/s in leg 2` +
      ` (busiest second ${busiest}).`,
    `  Taker-sell share of USD volume: ${share(may.calm.sellShare)} before 11:00,`,
    `  ${share(may.leg1.sellShare)} in leg 1, ${share(may.leg2.sellShare)} in leg 2.` +
      ` Volume ${usd(may.day.usdVolume)} for the day.`,
    `- Open interest (${may.oi.rows} distinct rows): ${btc(may.oi.before.level)} at 11:55 →`,
    `  ${btc(may.oi.min.level)} at ${hhmmss(may.oi.min.ts).slice(0, 5)},` +
      ` **−${dropPct(may.oi.before.level, may.oi.min.level)} in BTC**`,
    `  (${usd(may.oi.valueBefore)} → ${usd(may.oiValueMin)},` +
      ` −${dropPct(may.oi.valueBefore, may.oiValueMin)} in USD).`,
    "  `sum_taker_long_short_vol_ratio` is the buy/sell volume of the file's own trades in the 5 minutes",
    '  before each row; the other ratios are random walks at full float precision, as in early files.',
    `- Liquidations (${count(l.distinct)} distinct, ${count(l.rows)} rows):`,
    `  **longs ${usd(l.longUsd)}** (${l.longs} SELL orders),` +
      ` **shorts ${usd(l.shortUsd)}** (${l.shorts} BUY),`,
    `  longs ${longShare} of USD (USD = accumulated_fill_quantity × average_price).`,
    `  Two waves: leg 1 (12:00–12:50) ${wave(l.wave1)};`,
    `  between the legs (12:51–13:00) ${wave(l.between)};`,
    `  leg 2 (13:00–13:22) ${wave(l.wave2)}.`,
    `  Largest ${usd(l.liqUsd(l.largest))} (${l.largest.sell ? 'long' : 'short'}, ${time(l.largest.ts)}).`,
    '  SELL rows have average_price ≈ 0.3 % above price (the bankruptcy-side limit), BUY rows below.',
    '',
    '## `2026-02-05/` — shaped like 5–6 Feb 2026 (two UTC days)',
    '',
    '| file | size | lines | what |',
    '|---|---|---|---|',
    ...febFiles.map(([key, f]) => fileRow(f, febKind(key))),
    '',
    'No liquidationSnapshot: Binance stopped publishing them (USD-M after 2024-03-31), so this span is',
    'trades and open interest only. The hourly path follows Binance spot 1h klines of those days',
    '(rounded to $10, from `shared/real/coinglass_BTC_regime_1h_1y.csv`); open interest follows',
    "CoinGlass's Binance BTCUSDT figures divided by price. Tick 0.1, as BTCUSDT futures in 2026.",
    '',
    `- Open ${price(feb.open.price)}; **high ${price(feb.high.price)} at ${time(feb.high.ts)}**` +
      " (planted: the span's highest trade).",
    `- First trade below 70,000: ${time(feb.firstBelow70k.ts)} (${price(feb.firstBelow70k.price)};` +
      ' none before 11:00, as reported).',
    `- ${price(feb.at2000.price)} at 20:00 on 5 Feb; ${at(feb.low2000)} in the 20:00 hour;` +
      ` 5 Feb close ${price(feb.close5.price)}.`,
    `- **Low ${price(feb.low.price)} (\`${decimal(feb.low.price, 2)}\`) at ${time(feb.low.ts)}**` +
      ` (agg id ${feb.low.aggId};`,
    "  planted: the span's lowest trade).",
    `- Rebound on 6 Feb to ${price(feb.rebound.price)} at ${time(feb.rebound.ts)};` +
      ` close ${price(feb.close.price)}.`,
    `- Trades: ${count(feb.files['trades 2026-02-05'])} on 5 Feb,` +
      ` ${count(feb.files['trades 2026-02-06'])} on 6 Feb`,
    `  (${feb.crashHour.perSecond.toFixed(1)}/s in the 20:00 hour,` +
      ` ${feb.lowHour.perSecond.toFixed(1)}/s in the 00:00 hour of 6 Feb;`,
    `  taker-sell share ${share(feb.crashHour.sellShare)} and ${share(feb.lowHour.sellShare)}).`,
    `- Open interest: highest from 5 Feb 12:00 to the low ${btc(o.peak.level)} at ${minute(o.peak.ts)} →`,
    `  lowest in the 12 hours of 6 Feb after midnight ${btc(o.min.level)} at ${minute(o.min.ts)}`,
    `  (−${dropPct(o.peak.level, o.min.level)} in BTC);` +
      ` ${btc(o.beforeLow.level)} at 00:00 and ${btc(o.afterLow.level)} at 01:00 on 6 Feb.`,
    '',
  ].join('\n')
}

// ---------------------------------------------------------------------------------------------
// Main and --check

async function generate(out) {
  await mkdir(out, { recursive: true })
  const may = await may2021(out)
  const feb = await feb2026(out)
  await writeFile(join(out, 'README.md'), readme(may, feb))
  return { may, feb }
}

async function listFiles(dir) {
  const found = []
  const walk = async (d) => {
    let entries
    try {
      entries = await readdir(d, { withFileTypes: true })
    } catch {
      return
    }
    for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      const full = join(d, e.name)
      if (e.isDirectory()) await walk(full)
      else found.push(relative(dir, full))
    }
  }
  await walk(dir)
  return found
}

/** Compare a fresh generation with `committed`. Returns the list of differences. */
async function check(committed) {
  const fresh = await mkdtemp(join(tmpdir(), 'cascade-scenarios-'))
  try {
    await generate(fresh)
    const want = await listFiles(fresh)
    const have = await listFiles(committed)
    const problems = []
    const notes = []
    for (const file of have) if (!want.includes(file)) problems.push(`${file}: not written by the generator`)
    for (const file of want) {
      if (!have.includes(file)) {
        problems.push(`${file}: missing`)
        continue
      }
      const a = await readFile(join(fresh, file))
      const b = await readFile(join(committed, file))
      if (a.equals(b)) continue
      if (file.endsWith('.zip') && (await sameMembers(a, b))) {
        // Another zlib build can deflate the same text to other bytes; the data is what matters.
        notes.push(`${file}: compressed bytes differ but the CSV inside is identical (another zlib build?)`)
        continue
      }
      problems.push(`${file}: differs`)
    }
    return { problems, notes }
  } finally {
    await rm(fresh, { recursive: true, force: true })
  }
}

async function sameMembers(a, b) {
  try {
    const [x, y] = await Promise.all([unzipAll(a), unzipAll(b)])
    return x.length === y.length && x.every((m, i) => m.name === y[i].name && m.bytes.equals(y[i].bytes))
  } catch {
    return false
  }
}

async function main(argv) {
  const args = argv.slice(2)
  const outIndex = args.indexOf('--out')
  const out = outIndex >= 0 ? resolve(args[outIndex + 1] ?? '') : DEFAULT_OUT
  if (args.includes('--check')) {
    const { problems, notes } = await check(out)
    for (const note of notes) console.error(`note: ${note}`)
    if (problems.length > 0) {
      for (const p of problems) console.error(`${join(relative(process.cwd(), out), p)}`)
      console.error('the scenario fixtures are out of date: run node scripts/generate-scenarios.mjs')
      process.exitCode = 1
      return
    }
    console.log(`scenario fixtures in ${relative(process.cwd(), out) || '.'} are up to date`)
    return
  }
  const { may, feb } = await generate(out)
  const files = [
    ...Object.values(may.files),
    ...Object.values(feb.files).filter((f) => typeof f === 'object'),
  ]
  for (const f of files)
    console.log(`${f.name.padEnd(44)} ${String(f.bytes).padStart(9)} B  ${f.lines} lines`)
  console.log(`2021-05-19: low ${may.low.price} at ${utcIso(may.low.ts)}`)
  console.log(`2026-02-05: low ${feb.low.price} at ${utcIso(feb.low.ts)}`)
}

await main(process.argv)
