// https://github.com/binance/binance-public-data#trades
// spot:  id,price,qty,quoteQty,time,isBuyerMaker,isBestMatch      (never a header; µs from 2025-01-01)
// USD-M: id,price,qty,quote_qty,time,is_buyer_maker               (header from ~2022-08-11)
// COIN-M: id,price,qty,base_qty,time,is_buyer_maker               (qty in contracts)
import type { TradeEvent } from '../timeline/event.js'
import {
  describeFirstLine,
  firstDataRow,
  hasHeader,
  headerIs,
  instrumentOrFail,
  isCoinMSymbol,
  rowIs,
  symbolFromName,
} from './binance-common.js'
import { aboveZero, bool, epochToMs, expectFields, positive } from './fields.js'
import { baseAmount, usdNotional } from './instruments.js'
import type { FastTrades, Source } from './source.js'

const UM_HEADER = ['id', 'price', 'qty', 'quote_qty', 'time', 'is_buyer_maker']
const CM_HEADER = ['id', 'price', 'qty', 'base_qty', 'time', 'is_buyer_maker']
const FUTURES_ROW = ['int', 'num', 'num', 'num', 'epoch', 'bool'] as const
const SPOT_ROW = ['int', 'num', 'num', 'num', 'epoch', 'bool', 'bool'] as const

export const binanceTrades: Source = {
  id: 'binance-trades',
  title: 'Binance trades (spot, USD-M, COIN-M; with or without header; ms or µs)',
  exchange: 'binance',
  kinds: ['trade'],
  docs: 'https://github.com/binance/binance-public-data#trades',
  detect(probe) {
    if (headerIs(probe, UM_HEADER) || headerIs(probe, CM_HEADER))
      return { claims: true, why: 'header is Binance futures trades' }
    if (hasHeader(probe))
      return {
        claims: false,
        why: `needs header ${UM_HEADER.join(',')} (or base_qty for COIN-M); ${describeFirstLine(probe)}`,
      }
    const row = firstDataRow(probe)
    if (rowIs(row, SPOT_ROW))
      return {
        claims: true,
        why: 'no header; 7 fields id,price,qty,quoteQty,time,isBuyerMaker,isBestMatch (spot)',
      }
    if (rowIs(row, FUTURES_ROW))
      return { claims: true, why: 'no header; 6 fields id,price,qty,quote_qty,time,is_buyer_maker (futures)' }
    return {
      claims: false,
      why: `needs 6 (futures) or 7 (spot) fields id,price,qty,quote_qty,time,is_buyer_maker[,is_best_match]; ${describeFirstLine(probe)}`,
    }
  },
  open(probe, options) {
    const header = hasHeader(probe)
    const symbol = symbolFromName(probe, options, 'trades')
    const spot = !header && firstDataRow(probe)?.length === 7
    const venue = spot ? 'spot' : headerIs(probe, CM_HEADER) || isCoinMSymbol(symbol) ? 'cm' : 'um'
    const instrument = instrumentOrFail(symbol, venue, probe.name)
    const fieldCount = spot ? 7 : 6
    const coinM = venue === 'cm'
    const { market } = instrument
    const fast: FastTrades = {
      kind: 'trade',
      fields: fieldCount,
      id: 0,
      price: 1,
      size: 2,
      time: 4,
      buyerMaker: 5,
      extra: 3,
      flags: spot ? [6] : [],
      exchange: 'binance',
      symbol,
      market,
      source: 'binance-trades',
      instrument,
      notional: coinM ? 'instrument' : 'extra',
    }
    return {
      hasHeader: header,
      unquoted: true,
      fast,
      row(f): TradeEvent {
        expectFields(f, fieldCount)
        const price = aboveZero(f[1], 'price')
        const qty = aboveZero(f[2], 'qty')
        const ts = epochToMs(f[4], 'time')
        const quoteOrBaseQty = positive(f[3], coinM ? 'base_qty' : 'quote_qty')
        const buyerMaker = bool(f[5], 'is_buyer_maker')
        if (spot) bool(f[6], 'is_best_match')
        return {
          ts,
          exchange: 'binance',
          symbol,
          market,
          kind: 'trade',
          source: 'binance-trades',
          price,
          // The file's quote_qty (spot, USD-M) is exact where price × qty in floats is not
          // (242.53627972 would become 242.53627971999998). COIN-M's base_qty is rounded to 8
          // decimals, so its base amount is computed from the contracts instead.
          amount: baseAmount(instrument, qty, price),
          notionalUsd: coinM
            ? usdNotional(instrument, qty, price)
            : instrument.usdQuoted
              ? quoteOrBaseQty
              : null,
          // The buyer resting on the book means the taker sold.
          side: buyerMaker ? 'sell' : 'buy',
          id: f[0]!,
        }
      },
    }
  },
}
