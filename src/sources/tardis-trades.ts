// Tardis.dev `trades` CSV datasets — https://docs.tardis.dev/downloadable-csv-files#trades
// exchange,symbol,timestamp,local_timestamp,id,side,price,amount
//
// `timestamp` is the exchange's time in µs (`local_timestamp`, Tardis' arrival time, is not used);
// `side` is the taker's: buy, sell or unknown. `amount` is in the exchange's units — contracts on
// BitMEX (XBTUSD: USD), Deribit (USD), Binance COIN-M and OKX swaps — and is converted to base units
// through the instrument table. Tardis exchange ids (binance-futures, okex-swap, …) become cascade's
// exchange names (binance, okx, …). `liquidations` files have this very header: the file name
// decides, and a file whose name does not say liquidations is read as trades.
import type { TradeEvent } from '../timeline/event.js'
import { describeFirstLine } from './binance-common.js'
import { aboveZero, epochToMs, expectFields, oneOf } from './fields.js'
import { baseAmount, usdNotional } from './instruments.js'
import { Skip, type Source } from './source.js'
import {
  headerIsExactly,
  holdsSeveralSymbols,
  namesLiquidations,
  namesTrades,
  TRADES_HEADER,
  tardisInstruments,
} from './tardis-common.js'

const SIDES = { buy: 'buy', sell: 'sell', unknown: 'unknown' } as const

export const tardisTrades: Source = {
  id: 'tardis-trades',
  title: 'Tardis.dev trades datasets (µs; taker side; amounts in exchange units, converted)',
  exchange: '*',
  kinds: ['trade'],
  docs: 'https://docs.tardis.dev/downloadable-csv-files#trades',
  detect(probe) {
    if (!headerIsExactly(probe.lines[0], TRADES_HEADER)) {
      return { claims: false, why: `needs header ${TRADES_HEADER.join(',')}; ${describeFirstLine(probe)}` }
    }
    if (namesLiquidations(probe.name)) {
      return {
        claims: false,
        why: 'the header is Tardis trades and liquidations alike, and the file name says liquidations',
      }
    }
    if (namesTrades(probe.name)) {
      return {
        claims: true,
        why: `Tardis trades/liquidations header and the file name ${probe.name} says trades`,
      }
    }
    return {
      claims: true,
      why:
        'Tardis trades/liquidations header (the two are identical) and the file name ' +
        `${probe.name || '(none)'} ` +
        'does not say liquidations, so it is read as trades; name a liquidations file like Tardis does ' +
        '({exchange}_liquidations_{YYYY-MM-DD}_{SYMBOL}.csv.gz) or force --source tardis-liquidations',
    }
  },
  open(probe) {
    const instrumentOf = tardisInstruments()
    return {
      hasHeader: true,
      unordered: holdsSeveralSymbols(probe),
      row(f): TradeEvent | Skip {
        expectFields(f, TRADES_HEADER.length)
        const symbol = f[1]!
        const instrument = instrumentOf(f[0]!, symbol)
        if (instrument instanceof Skip) return instrument
        const ts = epochToMs(f[2], 'timestamp')
        const side = oneOf(f[5], 'side', SIDES)
        const price = aboveZero(f[6], 'price')
        const amount = aboveZero(f[7], 'amount')
        const event: TradeEvent = {
          ts,
          exchange: instrument.exchange,
          symbol,
          market: instrument.market,
          kind: 'trade',
          source: 'tardis-trades',
          price,
          amount: baseAmount(instrument, amount, price),
          notionalUsd: usdNotional(instrument, amount, price),
          side,
        }
        // Tardis leaves the id empty where the exchange gives none.
        if (f[4]) event.id = f[4]
        return event
      },
    }
  },
}
