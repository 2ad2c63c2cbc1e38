// BitMEX daily trade dumps — https://public.bitmex.com/?prefix=data/trade/ (e.g. 20200504.csv.gz)
// timestamp,symbol,side,size,price,tickDirection,trdMatchID,grossValue,homeNotional,foreignNotional
// [,trdType,…]
// Contract specs: https://www.bitmex.com/app/contract/XBTUSD
//
// One file holds every symbol of the day; each row keeps its own symbol and market. Timestamps are
// kdb+ text with a literal `D` and nanoseconds (UTC). `side` is the taker's. XBTUSD and XBT futures
// are inverse (1 USD per contract: base = size / price, USD = size); linear contracts (XBTUSDT)
// hold a fixed fraction of the base coin per contract. BitMEX's own `homeNotional` (base units)
// is checked against every valued row. Quanto contracts (ETHUSD) and symbols missing from the
// instrument table are skipped, counted and named in the warnings — never guessed. The dump's row
// order across symbols is not documented, so the file is read as unordered.
import { RowError } from '../errors.js'
import type { TradeEvent } from '../timeline/event.js'
import { aboveZero, expectFields, oneOf, optionalNum } from './fields.js'
import { baseAmount, bitmexInstrument, usdNotional } from './instruments.js'
import { Skip, type Source } from './source.js'
import { agrees, instrumentCache, kdbTimeToMs, TRADE_DUMP_HEADER, tradeDumpVerdict } from './venue-common.js'

const SIDES = { Buy: 'buy', Sell: 'sell' } as const
const HOME_NOTIONAL = 8

export const bitmexTrades: Source = {
  id: 'bitmex-trades',
  title: 'BitMEX daily trade dumps (all symbols; D-style ns timestamps; XBTUSD inverse; quanto skipped)',
  exchange: 'bitmex',
  kinds: ['trade'],
  docs: 'https://public.bitmex.com/?prefix=data/trade/',
  detect: (probe) => tradeDumpVerdict(probe, 'bitmex'),
  open() {
    const instrumentOf = instrumentCache(bitmexInstrument)
    return {
      hasHeader: true,
      unordered: true,
      row(f): TradeEvent | Skip {
        expectFields(f, TRADE_DUMP_HEADER.length, true)
        const ts = kdbTimeToMs(f[0], 'timestamp')
        const symbol = f[1]!
        const instrument = instrumentOf(symbol)
        if (instrument instanceof Skip) return instrument
        const side = oneOf(f[2], 'side', SIDES)
        const size = aboveZero(f[3], 'size')
        const price = aboveZero(f[4], 'price')
        const amount = baseAmount(instrument, size, price)
        const home = optionalNum(f[HOME_NOTIONAL], 'homeNotional')
        if (home !== null && !agrees(home, amount)) {
          throw new RowError(
            'UNIT_MISMATCH',
            `homeNotional ${home} ${instrument.base} disagrees with size ${size} valued as ` +
              `${instrument.contract} with contract size ${instrument.contractSize} (${amount} ` +
              `${instrument.base}): cascade's instrument table is wrong for ${symbol}; please report it`,
          )
        }
        return {
          ts,
          exchange: 'bitmex',
          symbol,
          market: instrument.market,
          kind: 'trade',
          source: 'bitmex-trades',
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
