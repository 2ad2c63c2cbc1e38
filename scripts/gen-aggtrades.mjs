#!/usr/bin/env node
import { once } from 'node:events'
/**
 * Writes a deterministic Binance USD-M aggTrades CSV (with header, as files from 2022-08-11 on)
 * for streaming, memory and speed tests. The same N and seed always give the same bytes.
 *
 *   node scripts/gen-aggtrades.mjs 1000000 /tmp/BTCUSDT-aggTrades-2026-02-05.csv [--seed 42] [--start 2026-02-05] [--span 24] [--crash 12]
 *
 * --span H spreads the rows over about H hours (a whole day's file: --span 24); without it rows
 * come about 4 per 10 ms, as on a busy day. --crash H puts a crash H hours after the start: the
 * price rises 1 % in 20 minutes, falls 9 % in 10 minutes on ten times the volume, then wins half
 * of the fall back over 30 minutes (a cascade to find).
 *
 * Rows look like the real ones (FORMATS.md §1.2): 3454067270,76988.7,0.037,8089233297,8089233297,1789655280294,false
 * Ids are contiguous, trade ids advance by 1–4 per row, time never goes back, the price walks in 0.1 ticks.
 */
import { createWriteStream } from 'node:fs'

function usage(message) {
  process.stderr.write(
    `gen-aggtrades: ${message}\nusage: node scripts/gen-aggtrades.mjs ROWS OUT.csv [--seed N] [--start YYYY-MM-DD] [--span HOURS] [--crash HOURS]\n`,
  )
  process.exit(2)
}

const args = process.argv.slice(2)
const option = (name, fallback) => {
  const at = args.indexOf(name)
  if (at < 0) return fallback
  const value = args[at + 1]
  args.splice(at, 2)
  if (value === undefined) usage(`${name} needs a value`)
  return value
}
const seed = Number(option('--seed', '20260205'))
const start = Date.parse(`${option('--start', '2026-02-05')}T00:00:00Z`)
const spanHours = option('--span', null)
const crashHours = option('--crash', null)
const [rowsText, out] = args
const rows = Number(rowsText)
if (!Number.isInteger(rows) || rows < 0) usage('ROWS must be a whole number')
if (!out) usage('give the output path')
if (!Number.isFinite(start)) usage('--start must be a date')
if (spanHours !== null && !(Number(spanHours) > 0)) usage('--span must be a positive number of hours')
if (crashHours !== null && !(Number(crashHours) >= 0)) usage('--crash must be a number of hours')
const crashAt = crashHours === null ? Number.POSITIVE_INFINITY : start + Number(crashHours) * 3_600_000

/**
 * The crash's share of the walk's price at `t`: a 1 % rise in the 20 minutes before it (the peak
 * its leg starts from, above the walk's day), 0.92 of the walk at its low, 0.96 after.
 */
function crashFactor(t) {
  const minutes = (t - crashAt) / 60_000
  if (minutes <= -20) return 1
  if (minutes <= 0) return 1 + 0.01 * ((minutes + 20) / 20)
  if (minutes <= 10) return 1.01 - 0.009 * minutes
  return 0.92 + 0.04 * Math.min((minutes - 10) / 30, 1)
}
// The widest step between rows that aren't at the same time: 40 ms, or what fills the span (a step
// is 0 with probability 0.6, else 1 + floor(random * wide): mean 0.4 * (1 + (wide - 1) / 2) ms).
const wide =
  spanHours === null
    ? 40
    : Math.max(1, Math.round(((0.99 * Number(spanHours) * 3_600_000) / rows / 0.4 - 1) * 2 + 1))
// Rows stay inside the span (daily files must not overlap the next day's).
const end = spanHours === null ? Number.POSITIVE_INFINITY : start + Number(spanHours) * 3_600_000 - 1

/** mulberry32: small, fast and the same everywhere. */
function prng(a) {
  return () => {
    a = (a + 0x6d2b79f5) | 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
const random = prng(seed)

const file = createWriteStream(out, { highWaterMark: 1 << 20 })
file.write('agg_trade_id,price,quantity,first_trade_id,last_trade_id,transact_time,is_buyer_maker\n')

let id = 3454067270
let tradeId = 8089233297
let ts = start
let tenths = 769887 // price in 0.1 USD
const BLOCK = 20_000
for (let done = 0; done < rows; ) {
  const n = Math.min(BLOCK, rows - done)
  let text = ''
  for (let i = 0; i < n; i++) {
    // ~4 trades per 10 ms keeps a million rows inside one day, like a busy day's file.
    ts = Math.min(end, ts + (random() < 0.6 ? 0 : 1 + Math.floor(random() * wide)))
    tenths += Math.floor(random() * 7) - 3
    if (tenths < 10) tenths = 10
    let quantity = 1 + Math.floor(random() * (random() < 0.05 ? 50_000 : 1_500))
    // The crash's ten minutes trade ten times the volume.
    if (ts > crashAt && ts <= crashAt + 600_000) quantity *= 10
    const trades = 1 + Math.floor(random() * 4)
    const shown =
      crashAt === Number.POSITIVE_INFINITY ? tenths : Math.max(10, Math.round(tenths * crashFactor(ts)))
    const price = `${Math.floor(shown / 10)}.${shown % 10}`
    const qty = `${Math.floor(quantity / 1000)}.${String(quantity % 1000).padStart(3, '0')}`
    text += `${id},${price},${qty},${tradeId},${tradeId + trades - 1},${ts},${random() < 0.5 ? 'true' : 'false'}\n`
    id++
    tradeId += trades
  }
  done += n
  if (!file.write(text)) await once(file, 'drain')
}
file.end()
await once(file, 'finish')
