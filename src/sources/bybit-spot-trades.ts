// Bybit spot trading dumps — https://public.bybit.com/spot/ (e.g. 1INCHUSDT/1INCHUSDT_2025-05-19.csv.gz)
// id,timestamp,price,volume,side[,rpi]
//
// A different schema from the derivatives dumps (bybit-trades): `timestamp` is epoch ms, `side`
// the taker's in lower case, `volume` in the base coin, `rpi` = 1 for retail-price-improvement
// fills (kept as ordinary trades). No symbol column: the symbol comes from the file name or --symbol.
import { FatalError } from '../errors.js'
import type { TradeEvent } from '../timeline/event.js'
import { describeFirstLine } from './binance-common.js'
import { aboveZero, epochToMs, expectFields, oneOf } from './fields.js'
import { bybitSpotInstrument, isUnsupported } from './instruments.js'
import type { Source } from './source.js'
import { headerStartsWith } from './venue-common.js'

const HEADER = ['id', 'timestamp', 'price', 'volume', 'side'] as const
const SIDES = { buy: 'buy', sell: 'sell', Buy: 'buy', Sell: 'sell' } as const
/** `1INCHUSDT_2025-05-19.csv` */
const NAME = /^([A-Z0-9]+)_(\d{4}-\d{2}-\d{2})(?:\.csv)?$/

export const bybitSpotTrades: Source = {
  id: 'bybit-spot-trades',
  title: 'Bybit spot trading dumps (id,timestamp,price,volume,side[,rpi]; ms; symbol from the file name)',
  exchange: 'bybit',
  kinds: ['trade'],
  docs: 'https://public.bybit.com/spot/',
  detect(probe) {
    if (headerStartsWith(probe.lines[0], HEADER) && (probe.lines[0]?.length ?? 0) <= HEADER.length + 1) {
      return { claims: true, why: `header ${probe.lines[0]!.join(',')} is a Bybit spot dump` }
    }
    return { claims: false, why: `needs header ${HEADER.join(',')}[,rpi]; ${describeFirstLine(probe)}` }
  },
  open(probe, options) {
    const symbol = (options.symbol ?? NAME.exec(probe.name)?.[1])?.toUpperCase()
    if (!symbol) {
      throw new FatalError(
        `${probe.name || '<stdin>'}: cannot tell the symbol of this Bybit spot file`,
        'keep the Bybit file name (e.g. 1INCHUSDT_2025-05-19.csv.gz) or pass --symbol 1INCHUSDT',
      )
    }
    const instrument = bybitSpotInstrument(symbol)
    if (isUnsupported(instrument)) {
      throw new FatalError(
        `${probe.name || '<stdin>'}: ${instrument.unsupported}`,
        'pass --symbol with a Bybit spot symbol such as BTCUSDT',
      )
    }
    const { market, usdQuoted } = instrument
    return {
      hasHeader: true,
      row(f): TradeEvent {
        expectFields(f, HEADER.length, true)
        const ts = epochToMs(f[1], 'timestamp')
        const price = aboveZero(f[2], 'price')
        const volume = aboveZero(f[3], 'volume')
        const side = oneOf(f[4], 'side', SIDES)
        return {
          ts,
          exchange: 'bybit',
          symbol,
          market,
          kind: 'trade',
          source: 'bybit-spot-trades',
          price,
          amount: volume,
          notionalUsd: usdQuoted ? volume * price : null,
          side,
          id: f[0]!,
        }
      },
    }
  },
}
