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
const QUOTES = [
  'FDUSD',
  'USDT',
  'USDC',
  'BUSD',
  'TUSD',
  'USDP',
  'USDE',
  'DAI',
  'USD',
  'BTC',
  'ETH',
  'BNB',
  'EUR',
  'TRY',
  'BRL',
  'GBP',
  'JPY',
  'AUD',
]
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
    return {
      exchange: 'binance',
      symbol,
      market: marketName(base, quote, 'spot'),
      base,
      quote,
      contract: 'spot',
      contractSize: 1,
      usdQuoted: isUsdLike(quote),
    }
  }
  const kind = dated ? { expiry: suffix } : ('perp' as const)
  if (venue === 'cm') {
    const contractSize = BINANCE_CM_CONTRACT_USD[base] ?? BINANCE_CM_DEFAULT_USD
    return {
      exchange: 'binance',
      symbol,
      market: marketName(base, quote, kind),
      base,
      quote,
      contract: 'inverse',
      contractSize,
      usdQuoted: true,
    }
  }
  return {
    exchange: 'binance',
    symbol,
    market: marketName(base, quote, kind),
    base,
    quote,
    contract: 'linear',
    contractSize: 1,
    usdQuoted: isUsdLike(quote),
  }
}

// ---------------------------------------------------------------------------------------------
// What the venue sections below share: symbols that cannot be valued, and expiry dates.

/** Why a symbol cannot be valued (a quanto contract, an option, a contract size not in the table). */
export interface Unsupported {
  unsupported: string
}

export type Resolved = Instrument | Unsupported

export function isUnsupported(resolved: Resolved): resolved is Unsupported {
  return 'unsupported' in resolved
}

/** Futures month codes, January to December (`XBTZ20`, `BTCUSDH22`). */
const MONTH_CODES = 'FGHJKMNQUVXZ'
const MONTH_NAMES = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC']

function yymmdd(year: number, month: number, day: number): string {
  const two = (n: number) => String(n).padStart(2, '0')
  return `${two(year % 100)}${two(month)}${two(day)}`
}

/** `YYMMDD` of the last Friday of a month: BitMEX and Bybit quarterlies expire then. */
export function lastFridayExpiry(year: number, month: number): string {
  const lastDay = new Date(Date.UTC(year, month, 0))
  const back = (lastDay.getUTCDay() - 5 + 7) % 7
  return yymmdd(year, month, lastDay.getUTCDate() - back)
}

/** `H22` → expiry of the March 2022 contract (last Friday), or null for a code that is not a month. */
function monthCodeExpiry(code: string, yy: string): string | null {
  const month = code.length === 1 ? MONTH_CODES.indexOf(code) + 1 : 0
  return month === 0 ? null : lastFridayExpiry(2000 + Number(yy), month)
}

/** `27DEC24` (Deribit, Bybit dated futures) → `241227`, or null. */
function dayMonthYearExpiry(text: string): string | null {
  const m = /^(\d{1,2})([A-Z]{3})(\d{2})$/.exec(text)
  const month = m ? MONTH_NAMES.indexOf(m[2]!) + 1 : 0
  if (!m || month === 0) return null
  return yymmdd(2000 + Number(m[3]), month, Number(m[1]))
}

function contract(
  exchange: string,
  symbol: string,
  base: string,
  quote: string,
  kind: 'spot' | 'perp' | { expiry: string },
  type: ContractType,
  contractSize: number,
): Instrument {
  const b = canonicalAsset(base)
  const q = canonicalAsset(quote)
  return {
    exchange,
    symbol,
    market: marketName(b, q, kind),
    base: b,
    quote: q,
    contract: type,
    contractSize,
    usdQuoted: isUsdLike(q),
  }
}

/** A spot pair written without a separator (`1INCHUSDT`), sizes in base units. */
export function spotPairInstrument(exchange: string, symbol: string): Resolved {
  const pair = splitPair(symbol)
  if (!pair) return { unsupported: `${symbol}: cannot tell its base and quote currency` }
  return contract(exchange, symbol, pair[0], pair[1], 'spot', 'spot', 1)
}

// ---------------------------------------------------------------------------------------------
// Bybit — https://bybit-exchange.github.io/docs/v5/market/instrument (instruments-info: contract type,
// settle coin), https://www.bybit.com/en/help-center/article/What-is-Inverse-Contract
// Linear contracts (`BTCUSDT`, USDC `BTCPERP`, dated `BTC-27DEC24`) trade sizes in the base coin;
// inverse contracts (`BTCUSD`, dated `BTCUSDZ24`) trade 1 USD per contract, for every coin.
// The trading dumps also carry Bybit's own notionals, and the sources check each row against them.
// Adding an instrument: a new symbol shape goes in bybitInstrument below, with a test in
// test/sources/instruments.test.ts using a real row (size, price, homeNotional, foreignNotional).

const BYBIT_INVERSE_CONTRACT_USD = 1

export function bybitInstrument(symbol: string): Resolved {
  const s = symbol.toUpperCase()
  let m = /^([A-Z0-9]+)USDT$/.exec(s)
  if (m) return contract('bybit', symbol, m[1]!, 'USDT', 'perp', 'linear', 1)
  m = /^([A-Z0-9]+)PERP$/.exec(s)
  if (m) return contract('bybit', symbol, m[1]!, 'USDC', 'perp', 'linear', 1)
  m = /^([A-Z0-9]+)USD$/.exec(s)
  if (m) return contract('bybit', symbol, m[1]!, 'USD', 'perp', 'inverse', BYBIT_INVERSE_CONTRACT_USD)
  m = /^([A-Z0-9]+)USD([A-Z])(\d{2})$/.exec(s)
  const expiry = m ? monthCodeExpiry(m[2]!, m[3]!) : null
  if (m && expiry) {
    return contract('bybit', symbol, m[1]!, 'USD', { expiry }, 'inverse', BYBIT_INVERSE_CONTRACT_USD)
  }
  m = /^([A-Z0-9]+?)(USDT)?-(\d{1,2}[A-Z]{3}\d{2})$/.exec(s)
  const dated = m ? dayMonthYearExpiry(m[3]!) : null
  if (m && dated) return contract('bybit', symbol, m[1]!, m[2] ?? 'USDC', { expiry: dated }, 'linear', 1)
  if (/-\d+-[CP]$/.test(s)) return { unsupported: `${symbol} is an option; options are not supported` }
  return { unsupported: `${symbol} is not a Bybit symbol shape in cascade's instrument table; not supported` }
}

/** Bybit spot (`public.bybit.com/spot`): `1INCHUSDT`, sizes in base units. */
export function bybitSpotInstrument(symbol: string): Resolved {
  return spotPairInstrument('bybit', symbol)
}

// ---------------------------------------------------------------------------------------------
// BitMEX — https://www.bitmex.com/app/contract/XBTUSD (each symbol has a page: /app/contract/SYMBOL),
// sizes explained at https://support.bitmex.com/hc/en-gb/articles/16797952159261
// XBTUSD and XBT futures (`XBTZ20`) are inverse, 1 USD per contract. Linear contracts hold
// 1 / underlyingToPositionMultiplier of the base coin per contract (XBTUSDT 1,000,000 → 0.000001 XBT).
// Quanto contracts (ETHUSD and the other USD-quoted altcoins) pay in XBT at a fixed multiplier:
// their USD value needs the XBT rate, which the trade dump does not carry, so they are skipped.
// Adding an instrument: take `underlyingToPositionMultiplier` (linear) from
// https://www.bitmex.com/api/v1/instrument?symbol=SYMBOL, add 1/that to BITMEX_LINEAR_CONTRACT,
// and a test with a real row: homeNotional must equal size × contract size.

const BITMEX_LINEAR_CONTRACT: Readonly<Record<string, number>> = {
  XBTUSDT: 0.000001,
  ETHUSDT: 0.00001,
}
/** Quanto contracts named in BitMEX's guides; any other unknown symbol is skipped with the generic reason. */
const BITMEX_QUANTO = /^(ETH|LTC|BCH|XRP)USD([A-Z]\d{2})?$/

export function bitmexInstrument(symbol: string): Resolved {
  const s = symbol.toUpperCase()
  if (s === 'XBTUSD') return contract('bitmex', symbol, 'XBT', 'USD', 'perp', 'inverse', 1)
  const futures = /^XBT([A-Z])(\d{2})$/.exec(s)
  const expiry = futures ? monthCodeExpiry(futures[1]!, futures[2]!) : null
  if (futures && expiry) return contract('bitmex', symbol, 'XBT', 'USD', { expiry }, 'inverse', 1)
  const linear = BITMEX_LINEAR_CONTRACT[s]
  if (linear !== undefined) {
    return contract('bitmex', symbol, s.slice(0, -4), 'USDT', 'perp', 'linear', linear)
  }
  if (BITMEX_QUANTO.test(s)) {
    return { unsupported: `${symbol} is a quanto contract: its USD value needs the XBT rate; not supported` }
  }
  return {
    unsupported: `${symbol}: not in cascade's BitMEX table (contract type and size unknown); not supported`,
  }
}

// ---------------------------------------------------------------------------------------------
// OKX — https://www.okx.com/trade-market/info/swap (contract specs; API /api/v5/public/instruments `ctVal`)
// SWAP and dated FUTURES sizes are contracts: linear (`-USDT-`) ctVal in the base coin, inverse
// (`-USD-`) ctVal in USD. Spot (`BTC-USDT`) sizes are base units. A derivative whose ctVal is not
// listed here is skipped, never guessed.
// Adding an instrument: add `BASE-QUOTE: ctVal` (the same for SWAP and dated futures) from the
// instruments endpoint, and a test with a real row.

const OKX_CONTRACT_VALUE: Readonly<Record<string, number>> = {
  'BTC-USDT': 0.01,
  'ETH-USDT': 0.1,
  'BTC-USD': 100,
  'ETH-USD': 10,
}

export function okxInstrument(symbol: string): Resolved {
  const s = symbol.toUpperCase()
  const m = /^([A-Z0-9]+)-([A-Z0-9]+)(?:-(SWAP|\d{6}))?$/.exec(s)
  if (!m) {
    if (/-[CP]$/.test(s)) return { unsupported: `${symbol} is an option; options are not supported` }
    return {
      unsupported: `${symbol} is not an OKX instrument id (BTC-USDT, BTC-USDT-SWAP, BTC-USD-250926)`,
    }
  }
  const [, base, quote, suffix] = m as unknown as [string, string, string, string | undefined]
  if (suffix === undefined) return contract('okx', symbol, base, quote, 'spot', 'spot', 1)
  const ctVal = OKX_CONTRACT_VALUE[`${base}-${quote}`]
  if (ctVal === undefined) {
    return {
      unsupported: `${symbol}: its contract value (ctVal) is not in cascade's OKX table; not supported`,
    }
  }
  const kind = suffix === 'SWAP' ? 'perp' : { expiry: suffix }
  return contract('okx', symbol, base, quote, kind, quote === 'USD' ? 'inverse' : 'linear', ctVal)
}

// ---------------------------------------------------------------------------------------------
// Deribit — https://docs.deribit.com/#public-get_instruments
// and https://www.deribit.com/kb/deribit-inverse-contracts
// BTC and ETH perpetuals and futures are inverse, and Deribit reports their amounts (and open
// interest) in USD, not in its 10 USD / 1 USD contracts; USDC-settled linear instruments
// (`BTC_USDC-PERPETUAL`) report the base coin. Options are not supported.
// Adding an instrument: a new symbol shape goes in deribitInstrument, with a test.

export function deribitInstrument(symbol: string): Resolved {
  const s = symbol.toUpperCase()
  // BTC-PERPETUAL, ETH-27DEC24 (inverse, USD amounts); BTC_USDC-PERPETUAL (linear, base amounts).
  const m = /^([A-Z0-9]+?)(?:_(USDC|USDT))?-(PERPETUAL|\d{1,2}[A-Z]{3}\d{2})$/.exec(s)
  const expiry = m && m[3] !== 'PERPETUAL' ? dayMonthYearExpiry(m[3]!) : null
  const kind = m?.[3] === 'PERPETUAL' ? ('perp' as const) : expiry ? { expiry } : null
  if (m && kind) {
    const [, base, settle] = m as unknown as [string, string, string | undefined]
    if (settle) return contract('deribit', symbol, base, settle, kind, 'linear', 1)
    if (base === 'BTC' || base === 'ETH') return contract('deribit', symbol, base, 'USD', kind, 'inverse', 1)
  }
  if (/-\d+-[CP]$/.test(s)) return { unsupported: `${symbol} is an option; options are not supported` }
  return {
    unsupported: `${symbol} is not a Deribit symbol shape in cascade's instrument table; not supported`,
  }
}

// ---------------------------------------------------------------------------------------------
// Tardis.dev — https://docs.tardis.dev/historical-data-details (one page per exchange id)
// Tardis keeps each exchange's own symbols and units (amounts and open interest in contracts where
// the exchange counts contracts), so each exchange id maps to the venue's table above.
// Adding an exchange: one line in TARDIS_EXCHANGES pointing at its venue's function.

const TARDIS_EXCHANGES: Readonly<Record<string, (symbol: string) => Resolved>> = {
  binance: (s) => binanceOrUnsupported(s, 'spot'),
  'binance-futures': (s) => binanceOrUnsupported(s, 'um'),
  'binance-delivery': (s) => binanceOrUnsupported(s, 'cm'),
  bybit: bybitInstrument,
  'bybit-spot': bybitSpotInstrument,
  bitmex: bitmexInstrument,
  deribit: deribitInstrument,
  okex: okxInstrument,
  'okex-swap': okxInstrument,
  'okex-futures': okxInstrument,
}

function binanceOrUnsupported(symbol: string, venue: BinanceVenue): Resolved {
  return (
    binanceInstrument(symbol, venue) ?? { unsupported: `${symbol}: cannot tell its base and quote currency` }
  )
}

/** The instrument of a Tardis row (`binance-futures`, `BTCUSDT`); exchange ids Tardis uses, lower case. */
export function tardisInstrument(tardisExchange: string, symbol: string): Resolved {
  const resolve = TARDIS_EXCHANGES[tardisExchange]
  if (!resolve) {
    return {
      unsupported:
        `Tardis exchange ${tardisExchange} is not in cascade's instrument table ` +
        `(known: ${Object.keys(TARDIS_EXCHANGES).join(', ')}); not supported`,
    }
  }
  return resolve(symbol)
}

// ---------------------------------------------------------------------------------------------
// CCXT unified symbols — https://docs.ccxt.com/#/README?id=contract-naming-conventions
// `BTC/USDT` spot; `BTC/USDT:USDT` a perpetual settled in the quote (linear), `BTC/USD:BTC` one
// settled in the base (inverse); `BTC/USDT:USDT-240628` a dated future. freqtrade names its pairs
// so. CCXT's OHLCV volume is in the base currency (its manual, "OHLCV Structure"), so bars made from
// it need no contract size: the field stays 1 and is not used to value them.

export function ccxtInstrument(exchange: string, symbol: string): Resolved {
  const m = /^([A-Z0-9]+)\/([A-Z0-9]+)(?::([A-Z0-9]+)(?:-(\d{6}))?)?$/.exec(symbol.toUpperCase())
  if (!m) {
    return {
      unsupported: `${symbol} is not a CCXT symbol (BTC/USDT spot, BTC/USDT:USDT or BTC/USD:BTC perpetual, BTC/USDT:USDT-240628 dated)`,
    }
  }
  const [, base, quote, settle, expiry] = m as unknown as [string, string, string, string?, string?]
  if (settle === undefined) return contract(exchange, symbol, base, quote, 'spot', 'spot', 1)
  const kind = expiry === undefined ? ('perp' as const) : { expiry }
  if (settle === quote) return contract(exchange, symbol, base, quote, kind, 'linear', 1)
  if (settle === base) return contract(exchange, symbol, base, quote, kind, 'inverse', 1)
  return { unsupported: `${symbol} is a quanto contract (settled in ${settle}); not supported` }
}

// Kraken — https://support.kraken.com/hc/en-us/articles/360001185506 (asset codes) and
// https://docs.kraken.com/api/docs/rest-api/get-tradable-asset-pairs (pair names).
// Kraken names pairs two ways: the altname (`XBTUSD`, `ETHEUR`, `XDGUSD`) that its downloadable
// OHLCVT and Time & Sales files use, and the legacy name of the older assets, whose codes are four
// letters with an X (crypto) or Z (fiat) in front (`XXBTZUSD`, `XETHZEUR`). XBT is bitcoin and
// XDG dogecoin. Every file is spot, sizes in the base asset.
// Adding an asset: a line in KRAKEN_ASSETS when its code is not the common ticker; a quote
// currency: a line in KRAKEN_QUOTES (matched longest first).

const KRAKEN_ASSETS: Readonly<Record<string, string>> = { XBT: 'BTC', XDG: 'DOGE' }
/** The legacy codes (Kraken's asset list): the others are plain tickers, even with an X or Z (ZEUS). */
const KRAKEN_LEGACY: Readonly<Record<string, string>> = {
  XETC: 'ETC',
  XETH: 'ETH',
  XLTC: 'LTC',
  XMLN: 'MLN',
  XREP: 'REP',
  XXBT: 'BTC',
  XXDG: 'DOGE',
  XXLM: 'XLM',
  XXMR: 'XMR',
  XXRP: 'XRP',
  XZEC: 'ZEC',
  ZAUD: 'AUD',
  ZCAD: 'CAD',
  ZEUR: 'EUR',
  ZGBP: 'GBP',
  ZJPY: 'JPY',
  ZUSD: 'USD',
}
const KRAKEN_QUOTES = [
  'USDT',
  'USDC',
  'PYUSD',
  'USD',
  'EUR',
  'GBP',
  'CAD',
  'JPY',
  'AUD',
  'CHF',
  'XBT',
  'ETH',
  'DAI',
  'DOT',
].sort((a, b) => b.length - a.length)

/** A Kraken asset code as the common ticker: `XBT`, `XXBT` → BTC, `ZUSD` → USD, `XETH` → ETH, `XDG` → DOGE. */
export function krakenAsset(code: string): string {
  const upper = code.toUpperCase()
  return KRAKEN_LEGACY[upper] ?? KRAKEN_ASSETS[upper] ?? canonicalAsset(upper)
}

/** A Kraken pair (`XBTUSD`, `XXBTZUSD`, `ETHUSDT`, `XDGEUR`): a spot instrument, or why not. */
export function krakenInstrument(pair: string): Resolved {
  const upper = pair.toUpperCase()
  // A legacy quote (`XXBTZUSD`, `USDTZUSD`) only after a legacy code or a longer ticker: `XTZUSD`
  // is Tezos in dollars, not `XT` in ZUSD.
  const legacyQuote = upper.length > 4 ? upper.slice(-4) : ''
  const legacyBase = upper.slice(0, -4)
  if (KRAKEN_LEGACY[legacyQuote] && (KRAKEN_LEGACY[legacyBase] || legacyBase.length >= 4)) {
    return contract('kraken', pair, krakenAsset(legacyBase), krakenAsset(legacyQuote), 'spot', 'spot', 1)
  }
  const quote = KRAKEN_QUOTES.find((q) => upper.length > q.length && upper.endsWith(q))
  if (!quote) {
    return { unsupported: `${pair}: cannot tell its base and quote currency (a Kraken pair such as XBTUSD)` }
  }
  return contract(
    'kraken',
    pair,
    krakenAsset(upper.slice(0, -quote.length)),
    krakenAsset(quote),
    'spot',
    'spot',
    1,
  )
}
