// Tardis.dev `liquidations` CSV datasets — https://docs.tardis.dev/downloadable-csv-files#liquidations
// exchange,symbol,timestamp,local_timestamp,id,side,price,amount
//
// Tardis normalizes the side across exchanges (Bybit's position side is inverted by Tardis to
// match): it is the liquidation ORDER's side, so `sell` = a long position liquidated, `buy` = a
// short one (tardis-node `Liquidation` type). `amount` is in the exchange's units (contracts for
// OKX, BitMEX, Deribit and Binance COIN-M) and is converted to base units; the notional is
// amount × price in USD. The header is the `trades` header: only a file name saying liquidations
// (`binance-futures_liquidations_2024-08-05_BTCUSDT.csv.gz`) makes a file this source's. Files are
// small and grouped ones (`…_PERPETUALS.csv.gz`) interleave symbols by arrival time, so every file
// is read as unordered.
import type { LiquidationEvent } from '../timeline/event.js'
import { describeFirstLine } from './binance-common.js'
import { aboveZero, epochToMs, expectFields, oneOf } from './fields.js'
import { baseAmount, type Instrument, usdNotional } from './instruments.js'
import { Skip, type Source } from './source.js'
import {
  headerIsExactly,
  namesLiquidations,
  namesTrades,
  TRADES_HEADER,
  tardisInstruments,
} from './tardis-common.js'

const POSITION = { sell: 'long', buy: 'short' } as const

export const tardisLiquidations: Source = {
  id: 'tardis-liquidations',
  title: 'Tardis.dev liquidations datasets (µs; sell = a long liquidated; file name must say liquidations)',
  exchange: '*',
  kinds: ['liquidation'],
  docs: 'https://docs.tardis.dev/downloadable-csv-files#liquidations',
  detect(probe) {
    if (!headerIsExactly(probe.lines[0], TRADES_HEADER)) {
      return { claims: false, why: `needs header ${TRADES_HEADER.join(',')}; ${describeFirstLine(probe)}` }
    }
    if (namesLiquidations(probe.name)) {
      return {
        claims: true,
        why: `Tardis trades/liquidations header and the file name ${probe.name} says liquidations`,
      }
    }
    const named = probe.name
      ? `the file name ${probe.name} ${namesTrades(probe.name) ? 'says trades' : 'does not say liquidations'}`
      : 'there is no file name'
    return {
      claims: false,
      why:
        `the header is Tardis trades and liquidations alike, and ${named}; name it like Tardis ` +
        '({exchange}_liquidations_{YYYY-MM-DD}_{SYMBOL}.csv.gz) or force --source tardis-liquidations',
    }
  },
  open() {
    const instrumentOf = tardisInstruments()
    const notUsd = new Map<Instrument, Skip>()
    return {
      hasHeader: true,
      unordered: true,
      row(f): LiquidationEvent | Skip {
        expectFields(f, TRADES_HEADER.length)
        const symbol = f[1]!
        const instrument = instrumentOf(f[0]!, symbol)
        if (instrument instanceof Skip) return instrument
        const ts = epochToMs(f[2], 'timestamp')
        const side = oneOf(f[5], 'side', POSITION)
        const price = aboveZero(f[6], 'price')
        const amount = aboveZero(f[7], 'amount')
        const notionalUsd = usdNotional(instrument, amount, price)
        if (notionalUsd === null) {
          let skip = notUsd.get(instrument)
          if (!skip) {
            skip = new Skip(
              `${f[0]} ${symbol} is quoted in ${instrument.quote}, not USD: ` +
                'its liquidations have no USD value',
            )
            notUsd.set(instrument, skip)
          }
          return skip
        }
        return {
          ts,
          exchange: instrument.exchange,
          symbol,
          market: instrument.market,
          kind: 'liquidation',
          source: 'tardis-liquidations',
          price,
          amount: baseAmount(instrument, amount, price),
          notionalUsd,
          side,
          // Two liquidations in one ms with equal fields are distinct when their ids differ.
          ...(f[4] ? { id: f[4] } : {}),
        }
      },
    }
  },
}
