/**
 * What the bar-file sources (CryptoDataDownload, Kraken OHLCVT, plain OHLCV CSVs) share: the step
 * between a probe's bar times, the order a file is written in, and the pair a file name holds.
 * https://www.cryptodatadownload.com/data/ https://docs.ccxt.com/#/README?id=ohlcv-structure
 */
import { canonicalAsset, isUsdLike, marketName, splitPair } from './instruments.js'

/** The smallest positive step between distinct times (a missing bar only widens one step), or null. */
export function smallestStep(times: readonly number[]): number | null {
  const distinct = [...new Set(times)].sort((a, b) => a - b)
  let step = Number.POSITIVE_INFINITY
  for (let i = 1; i < distinct.length; i++) step = Math.min(step, distinct[i]! - distinct[i - 1]!)
  return Number.isFinite(step) ? step : null
}

/** The probe's times run newest first: more steps go back in time than forward. */
export function newestFirst(times: readonly number[]): boolean {
  let back = 0
  let forward = 0
  for (let i = 1; i < times.length; i++) {
    if (times[i]! < times[i - 1]!) back++
    else if (times[i]! > times[i - 1]!) forward++
  }
  return back > forward
}

export interface Pair {
  /** As written in the file or its name, separators removed (`ETHUSDT`). */
  symbol: string
  base: string
  quote: string
}

/**
 * A pair written as `ETH/USDT`, `ETH-USDT`, `ETH_USDT` or `ETHUSDT` (a known quote currency ends
 * it); null when it is not one.
 */
export function parsePair(text: string): Pair | null {
  const upper = text.trim().toUpperCase()
  const split = /^([A-Z0-9]+)[/_-]([A-Z0-9]+)$/.exec(upper)
  if (split) {
    return {
      symbol: `${split[1]}${split[2]}`,
      base: canonicalAsset(split[1]!),
      quote: canonicalAsset(split[2]!),
    }
  }
  if (!/^[A-Z0-9]+$/.test(upper)) return null
  const pair = splitPair(upper)
  return pair ? { symbol: upper, base: pair[0], quote: canonicalAsset(pair[1]) } : null
}

/** The first token of a file name that is a pair (`Binance_ETHUSDT_1h.csv` → ETHUSDT, `BTC_USDT-1h.csv` → BTC/USDT). */
export function pairFromName(name: string): Pair | null {
  const stem = name.replace(/\.(csv|tsv|txt)$/i, '')
  // `BTC_USDT` and `BTC-USDT` (two tokens) before single tokens, so `BTC_USDT-1h` is not read as BTC alone.
  const joined =
    /(?:^|[_\-. ,])([A-Z0-9]{2,10})[_-](USDT|USDC|BUSD|FDUSD|TUSD|DAI|USD|EUR|GBP|JPY|TRY|BRL|AUD|BTC|ETH|BNB)(?=$|[_\-. ,])/.exec(
      stem,
    )
  if (joined) return parsePair(`${joined[1]}/${joined[2]}`)
  for (const token of stem.split(/[_\-. ,]+/)) {
    if (!/^[A-Z0-9]{5,20}$/.test(token)) continue
    const pair = parsePair(token)
    if (pair) return pair
  }
  return null
}

/** The canonical market of a spot pair (`ETH-USDT`), or of its perpetual. */
export function pairMarket(pair: Pair, perp = false): string {
  return marketName(pair.base, pair.quote, perp ? 'perp' : 'spot')
}

/** Whether a pair's quote volume is a USD figure. */
export function quoteIsUsd(pair: Pair | null): boolean {
  return pair !== null && isUsdLike(pair.quote)
}
