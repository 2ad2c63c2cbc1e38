// Binance futures liquidationSnapshot daily archive (undocumented by Binance; see FORMATS.md §1.4)
// https://github.com/binance/binance-public-data/issues/337
// time,side,order_type,time_in_force,original_quantity,price,average_price,order_status,last_fill_quantity,accumulated_fill_quantity
//
// `side` is the forced order's side: SELL closes a long, so SELL = a long liquidated.
// Notional convention: amount = accumulated_fill_quantity (COIN-M: contracts × contract USD ÷
// average_price), price = average_price, notionalUsd = filled size × average_price. The `price`
// column is the bankruptcy-side limit price, about 0.3 % away from the fill, and is not used.
// Every row of these files is written twice; the timeline drops and counts the copies.
import { RowError } from '../errors.js'
import type { LiquidationEvent } from '../timeline/event.js'
import {
  describeFirstLine,
  hasHeader,
  headerIs,
  instrumentOrFail,
  isCoinMSymbol,
  rowIs,
  symbolFromName,
} from './binance-common.js'
import { aboveZero, epochToMs, expectFields, oneOf, positive, quote } from './fields.js'
import { baseAmount, usdNotional } from './instruments.js'
import type { Source } from './source.js'

const HEADER = [
  'time',
  'side',
  'order_type',
  'time_in_force',
  'original_quantity',
  'price',
  'average_price',
  'order_status',
  'last_fill_quantity',
  'accumulated_fill_quantity',
]
const ROW = ['epoch', 'word', 'word', 'word', 'num', 'num', 'num', 'word', 'num', 'num'] as const
const POSITION = { SELL: 'long', BUY: 'short' } as const

export const binanceLiquidations: Source = {
  id: 'binance-liquidations',
  title: 'Binance futures liquidationSnapshot (rows doubled; SELL = a long liquidated)',
  exchange: 'binance',
  kinds: ['liquidation'],
  docs: 'https://github.com/binance/binance-public-data/issues/337',
  detect(probe) {
    if (headerIs(probe, HEADER)) return { claims: true, why: 'header is Binance liquidationSnapshot' }
    if (!hasHeader(probe) && rowIs(probe.lines[0], ROW) && /^(BUY|SELL)$/.test(probe.lines[0]![1]!)) {
      return {
        claims: true,
        why: 'no header; 10 fields time,side(BUY/SELL),order_type,… (liquidationSnapshot)',
      }
    }
    return { claims: false, why: `needs header ${HEADER.join(',')}; ${describeFirstLine(probe)}` }
  },
  open(probe, options) {
    const symbol = symbolFromName(probe, options, 'liquidationSnapshot')
    const instrument = instrumentOrFail(symbol, isCoinMSymbol(symbol) ? 'cm' : 'um', probe.name)
    const { market } = instrument
    return {
      hasHeader: hasHeader(probe),
      unquoted: true,
      // The copies are adjacent in the files we have seen; sorting within the window also keeps a
      // file written twice over (A B C A B C) from turning its second half into OUT_OF_ORDER rows.
      unordered: true,
      row(f): LiquidationEvent {
        expectFields(f, 10)
        const ts = epochToMs(f[0], 'time')
        const side = oneOf(f[1], 'side', POSITION)
        const limitPrice = positive(f[5], 'price')
        const averagePrice = positive(f[6], 'average_price')
        // A liquidation of nothing, or at no price, did not happen: a bad row, never a $0 event.
        const filled = aboveZero(f[9], 'accumulated_fill_quantity')
        // Without an average price, the limit price is the best there is.
        const price = averagePrice > 0 ? averagePrice : limitPrice
        if (!(price > 0))
          throw new RowError('BAD_NUMBER', `average_price: expected a number above 0, got ${quote(f[6]!)}`)
        return {
          ts,
          exchange: 'binance',
          symbol,
          market,
          kind: 'liquidation',
          source: 'binance-liquidations',
          price,
          amount: baseAmount(instrument, filled, price),
          notionalUsd: usdNotional(instrument, filled, price) ?? 0,
          side,
        }
      },
    }
  },
}
