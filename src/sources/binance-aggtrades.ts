// https://github.com/binance/binance-public-data#aggtrades
// spot:   agg_trade_id,price,quantity,first_trade_id,last_trade_id,transact_time,is_buyer_maker,is_best_match (never a header)
// USD-M / COIN-M: agg_trade_id,price,quantity,first_trade_id,last_trade_id,transact_time,is_buyer_maker (header from 2022-08-11)
// COIN-M quantity is in contracts (BTC 100 USD, others 10 USD).
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
import { aboveZero, bool, epochToMs, expectFields } from './fields.js'
import { baseAmount, usdNotional } from './instruments.js'
import type { FastTrades, Source } from './source.js'

const HEADER = [
  'agg_trade_id',
  'price',
  'quantity',
  'first_trade_id',
  'last_trade_id',
  'transact_time',
  'is_buyer_maker',
]
const FUTURES_ROW = ['int', 'num', 'num', 'int', 'int', 'epoch', 'bool'] as const
const SPOT_ROW = ['int', 'num', 'num', 'int', 'int', 'epoch', 'bool', 'bool'] as const

export const binanceAggTrades: Source = {
  id: 'binance-aggtrades',
  title: 'Binance aggTrades (spot, USD-M, COIN-M; with or without header; ms or µs)',
  exchange: 'binance',
  kinds: ['trade'],
  docs: 'https://github.com/binance/binance-public-data#aggtrades',
  detect(probe) {
    if (headerIs(probe, HEADER)) return { claims: true, why: 'header is Binance futures aggTrades' }
    if (hasHeader(probe))
      return { claims: false, why: `needs header ${HEADER.join(',')}; ${describeFirstLine(probe)}` }
    const row = firstDataRow(probe)
    if (rowIs(row, SPOT_ROW))
      return {
        claims: true,
        why: 'no header; 8 fields agg_trade_id,price,quantity,first_trade_id,last_trade_id,transact_time,is_buyer_maker,is_best_match (spot)',
      }
    if (rowIs(row, FUTURES_ROW))
      return {
        claims: true,
        why: 'no header; 7 fields agg_trade_id,price,quantity,first_trade_id,last_trade_id,transact_time,is_buyer_maker (futures)',
      }
    return {
      claims: false,
      why: `needs 7 (futures) or 8 (spot) fields ${HEADER.join(',')}[,is_best_match]; ${describeFirstLine(probe)}`,
    }
  },
  open(probe, options) {
    const header = hasHeader(probe)
    const symbol = symbolFromName(probe, options, 'aggTrades')
    const spot = !header && firstDataRow(probe)?.length === 8
    const venue = spot ? 'spot' : isCoinMSymbol(symbol) ? 'cm' : 'um'
    const instrument = instrumentOrFail(symbol, venue, probe.name)
    const fieldCount = spot ? 8 : 7
    const { market } = instrument
    const fast: FastTrades = {
      kind: 'trade',
      fields: fieldCount,
      id: 0,
      price: 1,
      size: 2,
      time: 5,
      buyerMaker: 6,
      extra: -1,
      flags: spot ? [7] : [],
      exchange: 'binance',
      symbol,
      market,
      source: 'binance-aggtrades',
      instrument,
      notional: 'instrument',
    }
    return {
      hasHeader: header,
      unquoted: true,
      fast,
      row(f): TradeEvent {
        expectFields(f, fieldCount)
        const price = aboveZero(f[1], 'price')
        const quantity = aboveZero(f[2], 'quantity')
        const ts = epochToMs(f[5], 'transact_time')
        const buyerMaker = bool(f[6], 'is_buyer_maker')
        if (spot) bool(f[7], 'is_best_match')
        return {
          ts,
          exchange: 'binance',
          symbol,
          market,
          kind: 'trade',
          source: 'binance-aggtrades',
          price,
          amount: baseAmount(instrument, quantity, price),
          notionalUsd: usdNotional(instrument, quantity, price),
          // The buyer resting on the book means the taker sold.
          side: buyerMaker ? 'sell' : 'buy',
          id: f[0]!,
        }
      },
    }
  },
}
