/**
 * The instrument table: what one unit of size means on each venue, and each symbol's canonical
 * market name. Every source values sizes through here, so a multiplier lives in one place and
 * is tested against a real row (test/sources/instruments.test.ts).
 *
 * Adding an instrument: add its contract size to the venue's table below (with the exchange's
 * spec page), then a test with a real row of that instrument.
 */

export type ContractType = 'spot' | 'linear' | 'inverse'

export interface Instrument {
  exchange: string
  /** As written by the exchange. */
  symbol: string
  /** `BTC-USDT-PERP`, `BTC-USD-PERP`, `BTC-USDT`, `BTC-USD-240628`. */
  market: string
  base: string
  quote: string
  contract: ContractType
  /**
   * What one unit of size is: for linear contracts base units per contract (OKX ctVal 0.01 BTC),
   * for inverse contracts USD per contract (Binance COIN-M BTC 100); 1 where sizes are already base units.
   */
  contractSize: number
  /** The quote currency is a US dollar or a dollar stablecoin, so notionals are USD. */
  usdQuoted: boolean
}

/** Quote currencies, longest first so that `BTCFDUSD` splits as BTC/FDUSD, not BTCFD/USD. */
const QUOTES = ['FDUSD', 'USDT', 'USDC', 'BUSD', 'TUSD', 'USDP', 'USDE', 'DAI', 'USD', 'BTC', 'ETH', 'BNB', 'EUR', 'TRY', 'BRL', 'GBP', 'JPY', 'AUD']
const USD_LIKE = new Set(['USD', 'USDT', 'USDC', 'BUSD', 'FDUSD', 'TUSD', 'USDP', 'USDE', 'DAI'])

/** BitMEX and Kraken call bitcoin XBT. */
export function canonicalAsset(asset: string): string {
  const upper = asset.toUpperCase()
  return upper === 'XBT' ? 'BTC' : upper
}

export function isUsdLike(asset: string): boolean {
  return USD_LIKE.has(asset.toUpperCase())
}

/** `BTCUSDT` → [`BTC`, `USDT`]; null when no known quote currency ends the symbol. */
export function splitPair(pair: string): [string, string] | null {
  const upper = pair.toUpperCase()
  for (const quote of QUOTES) {
    if (upper.length > quote.length && upper.endsWith(quote)) {
      return [canonicalAsset(upper.slice(0, -quote.length)), quote]
    }
  }
  return null
}

/** The canonical market name (DESIGN §3). `expiry` is `YYMMDD` for dated futures. */
export function marketName(base: string, quote: string, kind: 'spot' | 'perp' | { expiry: string }): string {
  const pair = `${canonicalAsset(base)}-${canonicalAsset(quote)}`
  if (kind === 'spot') return pair
  if (kind === 'perp') return `${pair}-PERP`
  return `${pair}-${kind.expiry}`
}

/** Base units for a size in the instrument's unit at `price`. */
export function baseAmount(instrument: Instrument, size: number, price: number): number {
  if (instrument.contract === 'inverse') return price > 0 ? (size * instrument.contractSize) / price : 0
  return size * instrument.contractSize
}

/** USD value of a size at `price`; null when the quote currency is not a dollar (ADABTC). */
export function usdNotional(instrument: Instrument, size: number, price: number): number | null {
  if (instrument.contract === 'inverse') return size * instrument.contractSize
  if (!instrument.usdQuoted) return null
  return size * instrument.contractSize * price
}

// ---------------------------------------------------------------------------------------------
// Binance — https://developers.binance.com/docs/derivatives/coin-margined-futures/common-definition
// COIN-M contracts are inverse: BTC 100 USD per contract, every other coin 10 USD.

export type BinanceVenue = 'spot' | 'um' | 'cm'

const BINANCE_CM_CONTRACT_USD: Readonly<Record<string, number>> = { BTC: 100 }
const BINANCE_CM_DEFAULT_USD = 10

/**
 * `BTCUSDT` (spot or USD-M), `BTCUSDT_240628` (USD-M quarterly), `BTCUSD_PERP`, `ETHUSD_240628` (COIN-M).
 * Null when the symbol does not end in a known quote currency.
 */
export function binanceInstrument(symbol: string, venue: BinanceVenue): Instrument | null {
  const [pairPart, suffix] = symbol.toUpperCase().split('_', 2) as [string, string | undefined]
  const pair = splitPair(pairPart)
  if (!pair) return null
  const [base, quote] = pair
  const dated = suffix !== undefined && /^\d{6}$/.test(suffix)
  if (venue === 'spot') {
    return { exchange: 'binance', symbol, market: marketName(base, quote, 'spot'), base, quote, contract: 'spot', contractSize: 1, usdQuoted: isUsdLike(quote) }
  }
  const kind = dated ? { expiry: suffix } : ('perp' as const)
  if (venue === 'cm') {
    const contractSize = BINANCE_CM_CONTRACT_USD[base] ?? BINANCE_CM_DEFAULT_USD
    return { exchange: 'binance', symbol, market: marketName(base, quote, kind), base, quote, contract: 'inverse', contractSize, usdQuoted: true }
  }
  return { exchange: 'binance', symbol, market: marketName(base, quote, kind), base, quote, contract: 'linear', contractSize: 1, usdQuoted: isUsdLike(quote) }
}
