// Tardis.dev `derivative_ticker` CSV datasets
// https://docs.tardis.dev/downloadable-csv-files#derivative_ticker
// exchange,symbol,timestamp,local_timestamp,funding_timestamp,funding_rate,predicted_funding_rate,
// open_interest,last_price,index_price,mark_price
//
// Tardis writes a row whenever any field changes; a field is empty until the exchange has sent it,
// so fields are forward-filled per symbol within the file. Open interest is in the exchange's
// units: USD contracts for inverse instruments (Deribit, BitMEX XBTUSD, Binance COIN-M: the USD
// level is exact, base units go through the mark price) and base units (or ctVal contracts on OKX)
// for linear ones (the USD level goes through the mark price; the last price stands in until a
// mark price is known).
//
// One row gives one event or a counted Skip:
// - an `open_interest` event when the open interest differs from the last one emitted for the symbol;
// - otherwise a `funding` event when the funding rate differs from the last one emitted (a rate
//   that changes on a row already used for open interest is emitted on the next row);
// - otherwise a Skip: "no open interest or funding rate yet" before the exchange sent either,
//   or "unchanged" for rows that only move prices — the level carries forward, so repeating it
//   would only flood the timeline.

import { RowError } from '../errors.js'
import type { FundingEvent, OpenInterestEvent } from '../timeline/event.js'
import { describeFirstLine } from './binance-common.js'
import { epochToMs, expectFields, optionalNum } from './fields.js'
import type { Instrument } from './instruments.js'
import { Skip, type Source } from './source.js'
import { headerIsExactly, holdsSeveralSymbols, TICKER_HEADER, tardisInstruments } from './tardis-common.js'

const NOTHING_YET = new Skip('no open interest or funding rate yet (the exchange had not sent either)')
const UNCHANGED = new Skip(
  'open interest and funding rate unchanged since the previous row (the level carries forward)',
)

interface SymbolState {
  openInterest: number | null
  fundingRate: number | null
  markPrice: number | null
  lastPrice: number | null
  emittedOpenInterest: number | null
  emittedFundingRate: number | null
}

/** Open interest in the exchange's units → base units and USD, valued at `price` where needed. */
function valueOpenInterest(
  instrument: Instrument,
  level: number,
  price: number | null,
): [number | null, number | null] {
  const size = level * instrument.contractSize
  if (instrument.contract === 'inverse') return [price ? size / price : null, size]
  return [size, instrument.usdQuoted && price ? size * price : null]
}

export const tardisDerivativeTicker: Source = {
  id: 'tardis-derivative-ticker',
  title: 'Tardis.dev derivative_ticker datasets (open interest and funding; sparse fields forward-filled)',
  exchange: '*',
  kinds: ['open_interest', 'funding'],
  docs: 'https://docs.tardis.dev/downloadable-csv-files#derivative_ticker',
  detect(probe) {
    if (headerIsExactly(probe.lines[0], TICKER_HEADER)) {
      return { claims: true, why: 'header is Tardis derivative_ticker' }
    }
    return { claims: false, why: `needs header ${TICKER_HEADER.join(',')}; ${describeFirstLine(probe)}` }
  },
  open(probe) {
    const instrumentOf = tardisInstruments()
    const states = new Map<Instrument, SymbolState>()
    return {
      hasHeader: true,
      unordered: holdsSeveralSymbols(probe),
      row(f): OpenInterestEvent | FundingEvent | Skip {
        expectFields(f, TICKER_HEADER.length)
        const symbol = f[1]!
        const instrument = instrumentOf(f[0]!, symbol)
        if (instrument instanceof Skip) return instrument
        const ts = epochToMs(f[2], 'timestamp')
        const fundingRate = optionalNum(f[5], 'funding_rate')
        const openInterest = optionalNum(f[7], 'open_interest')
        const lastPrice = optionalNum(f[8], 'last_price')
        const markPrice = optionalNum(f[10], 'mark_price')
        if (openInterest !== null && openInterest < 0) {
          throw new RowError('BAD_NUMBER', `open_interest: negative (${openInterest})`)
        }
        let state = states.get(instrument)
        if (!state) {
          state = {
            openInterest: null,
            fundingRate: null,
            markPrice: null,
            lastPrice: null,
            emittedOpenInterest: null,
            emittedFundingRate: null,
          }
          states.set(instrument, state)
        }
        if (fundingRate !== null) state.fundingRate = fundingRate
        if (openInterest !== null) state.openInterest = openInterest
        if (lastPrice !== null) state.lastPrice = lastPrice
        if (markPrice !== null) state.markPrice = markPrice
        const head = {
          ts,
          exchange: instrument.exchange,
          symbol,
          market: instrument.market,
          source: 'tardis-derivative-ticker',
        }
        if (state.openInterest !== null && state.openInterest !== state.emittedOpenInterest) {
          state.emittedOpenInterest = state.openInterest
          const [base, usd] = valueOpenInterest(
            instrument,
            state.openInterest,
            state.markPrice ?? state.lastPrice,
          )
          return { ...head, kind: 'open_interest', openInterest: base, openInterestUsd: usd }
        }
        if (state.fundingRate !== null && state.fundingRate !== state.emittedFundingRate) {
          state.emittedFundingRate = state.fundingRate
          return { ...head, kind: 'funding', fundingRate: state.fundingRate, intervalHours: null }
        }
        return state.openInterest === null && state.fundingRate === null ? NOTHING_YET : UNCHANGED
      },
    }
  },
}
