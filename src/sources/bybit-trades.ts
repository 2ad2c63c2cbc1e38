// Bybit derivatives trading dumps — https://public.bybit.com/trading/ (e.g. BTCUSD/BTCUSD2021-05-19.csv.gz)
// timestamp,symbol,side,size,price,tickDirection,trdMatchID,grossValue,homeNotional,foreignNotional[,RPI]
//
// `timestamp` is Unix seconds with 0–6 decimals; `side` (Buy/Sell) is the taker's. Linear
// contracts (BTCUSDT) trade `size` in the base coin; inverse ones (BTCUSD) in 1 USD contracts, so
// base = size / price and the USD notional is the size itself. Bybit's own notionals ride along:
// base units are `homeNotional` for linear and `foreignNotional` for inverse contracts, and every
// row is checked against them. BitMEX writes the same header; its `D`-style timestamps tell it apart.
// Rows inside a daily file may run newest first, so the file is read as unordered (ingest sorts
// within its window).
import { RowError } from '../errors.js'
import type { TradeEvent } from '../timeline/event.js'
import { aboveZero, expectFields, oneOf, optionalNum } from './fields.js'
import { baseAmount, bybitInstrument, usdNotional } from './instruments.js'
import { Skip, type Source } from './source.js'
import { agrees, instrumentCache, secondsToMs, TRADE_DUMP_HEADER, tradeDumpVerdict } from './venue-common.js'

const SIDES = { Buy: 'buy', Sell: 'sell' } as const
const HOME_NOTIONAL = 8
const FOREIGN_NOTIONAL = 9

export const bybitTrades: Source = {
  id: 'bybit-trades',
  title: 'Bybit derivatives trading dumps (linear and inverse; float-second timestamps; taker side)',
  exchange: 'bybit',
  kinds: ['trade'],
  docs: 'https://public.bybit.com/trading/',
  detect: (probe) => tradeDumpVerdict(probe, 'bybit'),
  open() {
    const instrumentOf = instrumentCache(bybitInstrument)
    return {
      hasHeader: true,
      unordered: true,
      row(f): TradeEvent | Skip {
        expectFields(f, TRADE_DUMP_HEADER.length, true)
        const ts = secondsToMs(f[0], 'timestamp')
        const symbol = f[1]!
        const instrument = instrumentOf(symbol)
        if (instrument instanceof Skip) return instrument
        const side = oneOf(f[2], 'side', SIDES)
        const size = aboveZero(f[3], 'size')
        const price = aboveZero(f[4], 'price')
        const amount = baseAmount(instrument, size, price)
        const column = instrument.contract === 'inverse' ? FOREIGN_NOTIONAL : HOME_NOTIONAL
        const theirs = optionalNum(f[column], TRADE_DUMP_HEADER[column]!)
        if (theirs !== null && !agrees(theirs, amount)) {
          throw new RowError(
            'UNIT_MISMATCH',
            `${TRADE_DUMP_HEADER[column]} ${theirs} ${instrument.base} disagrees with size ${size} ` +
              `valued as ${instrument.contract} (${amount} ${instrument.base}): ` +
              `cascade's instrument table is wrong for ${symbol}; please report it`,
          )
        }
        return {
          ts,
          exchange: 'bybit',
          symbol,
          market: instrument.market,
          kind: 'trade',
          source: 'bybit-trades',
          price,
          amount,
          notionalUsd: usdNotional(instrument, size, price),
          side,
          id: f[6]!,
        }
      },
    }
  },
}
