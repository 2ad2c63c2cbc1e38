// CCXT-style OHLCV JSON: https://docs.ccxt.com/#/README?id=ohlcv-structure
//   [[1621429800000, 1920.02, 2000.0, 1888.0, 1981.07, 17310.58547], …]
// what `json.dump(exchange.fetch_ohlcv(…))` and most download scripts write: each candle
// [time, open, high, low, close, volume], time the bar's open in epoch ms (seconds are read too),
// volume in the base currency. Rows with more fields are read by their first six (Binance's REST
// klines dump, whose strings are read as numbers). freqtrade writes the same bytes under its own
// file names; those go to the `freqtrade` source, every other name comes here.
// - Neither the name nor the rows say the market, so `--symbol` (a CCXT symbol: BTC/USDT spot,
//   BTC/USDT:USDT perpetual; or a plain pair BTCUSDT, read as spot) and `--exchange` are required.
// - The bar length is the smallest step between the first 1,000 candles' times (a gap only widens
//   one step), else an interval in the file name (`btc_1h.json`).
// - Scripts that page through an exchange may append overlapping pages: rows are sorted within
//   --sort-window, and candles repeated exactly are dropped and counted as duplicates.
import { FatalError } from '../errors.js'
import { inferBucketMs } from './aggregator-common.js'
import { describeFirstLine } from './binance-common.js'
import { candleBar, looksLikeCandleArray } from './candles.js'
import { epochToMs, expectFields } from './fields.js'
import { freqtradeName } from './freqtrade.js'
import { ccxtInstrument, isUnsupported, spotPairInstrument } from './instruments.js'
import type { Source } from './source.js'

const EXAMPLE = '--symbol BTC/USDT --exchange binance'

export const ohlcvJson: Source = {
  id: 'ohlcv-json',
  title: 'OHLCV JSON [[time,o,h,l,c,v],…] (CCXT); needs --symbol',
  exchange: '*',
  kinds: ['bar'],
  docs: 'https://docs.ccxt.com/#/README?id=ohlcv-structure',
  detect(probe) {
    if (!looksLikeCandleArray(probe))
      return {
        claims: false,
        why: `needs a JSON array of candles [[time, open, high, low, close, volume], …]; ${describeFirstLine(probe)}`,
      }
    if (freqtradeName(probe.name))
      return {
        claims: false,
        why: "a JSON array of candles, but the file name is freqtrade's (source freqtrade)",
      }
    return { claims: true, why: 'a JSON array of candles [[time, open, high, low, close, volume], …]' }
  },
  open(probe, options) {
    const where = probe.path ?? (probe.name || '<stdin>')
    const missing = [options.symbol ? '' : '--symbol', options.exchange ? '' : '--exchange'].filter(Boolean)
    if (missing.length > 0)
      throw new FatalError(
        `${where}: an OHLCV JSON file does not say its market: ${missing.join(' and ')} needed`,
        `e.g. ${EXAMPLE} (CCXT symbols: BTC/USDT spot, BTC/USDT:USDT perpetual)`,
      )
    const exchange = options.exchange!.toLowerCase()
    const symbol = options.symbol!
    const instrument = symbol.includes('/')
      ? ccxtInstrument(exchange, symbol)
      : spotPairInstrument(exchange, symbol)
    if (isUnsupported(instrument)) throw new FatalError(`--symbol ${symbol}: ${instrument.unsupported}`)
    const series = { exchange, symbol, market: instrument.market, source: 'ohlcv-json', durationMs: 0 }
    return {
      hasHeader: false,
      unordered: true,
      document: {
        columns: () => {
          throw new FatalError(
            `${where}: a table, not a JSON array of candles`,
            'read it with --source freqtrade',
          )
        },
        begin(first) {
          const times: number[] = []
          for (const row of first) {
            try {
              times.push(epochToMs(row[0], 'time'))
            } catch {
              // a bad time is reported when its row is read
            }
          }
          series.durationMs = inferBucketMs(times, probe, 'OHLCV')
        },
      },
      row(f) {
        expectFields(f, 6, true)
        return candleBar(f, series)
      },
    }
  },
}
