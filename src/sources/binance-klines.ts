// https://github.com/binance/binance-public-data#klines
// open_time,open,high,low,close,volume,close_time,quote_volume,count,taker_buy_volume,taker_buy_quote_volume,ignore
// Spot: never a header, µs from 2025-01-01. Futures: header from ~mid-2022. Any interval; mark,
// index and premium klines share the layout (their volumes are 0). COIN-M: `volume` and
// `taker_buy_volume` are contracts and column 8 is the base volume despite its name (#267).
import { RowError } from '../errors.js'
import type { BarEvent } from '../timeline/event.js'
import {
  describeFirstLine,
  firstDataRow,
  hasHeader,
  headerIs,
  instrumentOrFail,
  isCoinMSymbol,
  looksSpot,
  rowIs,
  symbolFromName,
} from './binance-common.js'
import { epochToMs, expectFields, num, positive } from './fields.js'
import type { Source } from './source.js'

const HEADER = [
  'open_time',
  'open',
  'high',
  'low',
  'close',
  'volume',
  'close_time',
  'quote_volume',
  'count',
  'taker_buy_volume',
  'taker_buy_quote_volume',
  'ignore',
]
const ROW = ['epoch', 'num', 'num', 'num', 'num', 'num', 'epoch', 'num', 'int', 'num', 'num', 'any'] as const

export const binanceKlines: Source = {
  id: 'binance-klines',
  title: 'Binance klines, any interval (spot and futures; mark/index klines too)',
  exchange: 'binance',
  kinds: ['bar'],
  docs: 'https://github.com/binance/binance-public-data#klines',
  detect(probe) {
    if (headerIs(probe, HEADER)) return { claims: true, why: 'header is Binance klines' }
    if (!hasHeader(probe) && rowIs(probe.lines[0], ROW))
      return {
        claims: true,
        why: 'no header; 12 fields open_time,open,high,low,close,volume,close_time,… (klines)',
      }
    return {
      claims: false,
      why: `needs 12 fields ${HEADER.join(',')} (header optional); ${describeFirstLine(probe)}`,
    }
  },
  open(probe, options) {
    const header = hasHeader(probe)
    const symbol = symbolFromName(probe, options, 'klines')
    const dataRows = probe.lines.slice(header ? 1 : 0)
    const firstOpen = firstDataRow(probe)?.[0] ?? ''
    // Spot files never have a header; µs stamps or 8-decimal prices confirm it.
    const spot = !header && (firstOpen.length >= 16 || looksSpot(dataRows, 1))
    const venue = spot ? 'spot' : isCoinMSymbol(symbol) ? 'cm' : 'um'
    const instrument = instrumentOrFail(symbol, venue, probe.name)
    const { market } = instrument
    const coinM = venue === 'cm'
    const usd = instrument.usdQuoted
    return {
      hasHeader: header,
      unquoted: true,
      row(f): BarEvent {
        expectFields(f, 12)
        const ts = epochToMs(f[0], 'open_time')
        const closeTs = epochToMs(f[6], 'close_time')
        // close_time is the interval's last ms (or µs): round the span to whole seconds.
        const durationMs = Math.round((closeTs - ts) / 1000) * 1000
        if (!(durationMs > 0))
          throw new RowError('BAD_TIMESTAMP', `close_time ${f[6]} is not after open_time ${f[0]}`)
        const volume = positive(f[5], 'volume')
        const quoteVolume = positive(f[7], 'quote_volume')
        const takerBuy = positive(f[9], 'taker_buy_volume')
        const takerBuyQuote = positive(f[10], 'taker_buy_quote_volume')
        return {
          ts,
          exchange: 'binance',
          symbol,
          market,
          kind: 'bar',
          source: 'binance-klines',
          durationMs,
          open: positive(f[1], 'open'),
          high: positive(f[2], 'high'),
          low: positive(f[3], 'low'),
          close: positive(f[4], 'close'),
          volume: coinM ? quoteVolume : volume,
          volumeUsd: coinM ? volume * instrument.contractSize : usd ? quoteVolume : null,
          takerBuyUsd: coinM ? takerBuy * instrument.contractSize : usd ? takerBuyQuote : null,
          trades: num(f[8], 'count'),
          liqLongUsd: null,
          liqShortUsd: null,
          openInterest: null,
          openInterestUsd: null,
        }
      },
    }
  },
}
