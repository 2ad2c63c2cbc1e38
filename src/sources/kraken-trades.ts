// Kraken's downloadable Time & Sales files:
// https://support.kraken.com/hc/en-us/articles/360047543791-Downloadable-historical-market-data-time-and-sales-
// One zip of every pair, a CSV per pair named `PAIR.csv` (`XBTUSD.csv`, `BCHEUR.csv`). No header:
//   1672531436,90.540000,1.10448420
//   time (unix SECONDS, UTC; a fraction when written), price (quote currency), volume (BASE units)
// No side: the taker is `unknown`, so taker buy/sell figures stay null for these trades.
// Identical lines are separate trades (the same second, price and volume: 48 in freqtrade's
// Kraken test file), so each trade's id is its line (`line-N`) and none is dropped as a duplicate;
// the same trades read from two files are then not recognised as one.
// Pair names through the instrument table (krakenInstrument): XBT = BTC, spot. USD notional =
// price × volume for dollar quotes, null otherwise (EUR).
import { FatalError } from '../errors.js'
import type { TradeEvent } from '../timeline/event.js'
import { describeFirstLine, rowIs } from './binance-common.js'
import { coinalyzeLiquidations } from './coinalyze-liquidations.js'
import { aboveZero, epochToMs, expectFields } from './fields.js'
import { isUnsupported, krakenInstrument } from './instruments.js'
import { krakenPair } from './kraken-ohlcvt.js'
import type { Probe, Source } from './source.js'

const SECONDS = /^\d{9,10}(\.\d+)?$/

/** time(s),price,volume: three numbers, the first whole or fractional epoch seconds. */
function tradeRow(row: readonly string[] | undefined): boolean {
  return rowIs(row, ['num', 'num', 'num']) && SECONDS.test(row![0]!)
}

function claims(probe: Probe): boolean {
  // Coinalyze's headerless liquidation files are three numbers too; their name says so.
  return tradeRow(probe.lines[0]) && !coinalyzeLiquidations.detect(probe).claims
}

export const krakenTrades: Source = {
  id: 'kraken-trades',
  title: 'Kraken Time & Sales downloads PAIR.csv (time(s),price,volume; no header; side unknown)',
  exchange: 'kraken',
  kinds: ['trade'],
  docs: 'https://support.kraken.com/hc/en-us/articles/360047543791',
  detect(probe) {
    if (claims(probe))
      return { claims: true, why: 'no header; time(s),price,volume rows (Kraken Time & Sales)' }
    return {
      claims: false,
      why: `needs headerless time(s),price,volume rows, time in epoch seconds; ${describeFirstLine(probe)}`,
    }
  },
  open(probe, options) {
    const pair = krakenPair(probe, options, 'XBTUSD.csv')
    const instrument = krakenInstrument(pair)
    if (isUnsupported(instrument)) {
      throw new FatalError(`${probe.name || '<stdin>'}: ${instrument.unsupported}`, 'pass --symbol XBTUSD')
    }
    const head = { exchange: 'kraken', symbol: pair, market: instrument.market, source: 'kraken-trades' }
    const usd = instrument.usdQuoted
    return {
      hasHeader: false,
      unquoted: true,
      row(f, line): TradeEvent {
        expectFields(f, 3)
        const price = aboveZero(f[1], 'price')
        const amount = aboveZero(f[2], 'volume')
        return {
          ...head,
          ts: epochToMs(f[0], 'time'),
          kind: 'trade',
          price,
          amount,
          notionalUsd: usd ? price * amount : null,
          side: 'unknown',
          id: `line-${line}`,
        }
      },
    }
  },
}
