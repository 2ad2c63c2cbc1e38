// Binance futures monthly `fundingRate` archive: calc_time,funding_interval_hours,last_funding_rate
// https://github.com/binance/binance-public-data
// calc_time is epoch ms a few ms after the funding instant; no daily variant exists.
import type { FundingEvent } from '../timeline/event.js'
import {
  describeFirstLine,
  hasHeader,
  headerIs,
  instrumentOrFail,
  isCoinMSymbol,
  rowIs,
  symbolFromName,
} from './binance-common.js'
import { epochToMs, expectFields, num } from './fields.js'
import type { Source } from './source.js'

const HEADER = ['calc_time', 'funding_interval_hours', 'last_funding_rate']

export const binanceFunding: Source = {
  id: 'binance-funding',
  title: 'Binance futures fundingRate (monthly)',
  exchange: 'binance',
  kinds: ['funding'],
  docs: 'https://github.com/binance/binance-public-data',
  detect(probe) {
    if (headerIs(probe, HEADER)) return { claims: true, why: 'header is Binance fundingRate' }
    if (
      !hasHeader(probe) &&
      rowIs(probe.lines[0], ['epoch', 'int', 'num']) &&
      /-fundingRate-/.test(probe.name)
    ) {
      return {
        claims: true,
        why: 'no header; 3 fields calc_time,funding_interval_hours,last_funding_rate and a fundingRate file name',
      }
    }
    return { claims: false, why: `needs header ${HEADER.join(',')}; ${describeFirstLine(probe)}` }
  },
  open(probe, options) {
    const symbol = symbolFromName(probe, options, 'fundingRate')
    const instrument = instrumentOrFail(symbol, isCoinMSymbol(symbol) ? 'cm' : 'um', probe.name)
    const { market } = instrument
    return {
      hasHeader: hasHeader(probe),
      unquoted: true,
      row(f): FundingEvent {
        expectFields(f, 3)
        return {
          ts: epochToMs(f[0], 'calc_time'),
          exchange: 'binance',
          symbol,
          market,
          kind: 'funding',
          source: 'binance-funding',
          fundingRate: num(f[2], 'last_funding_rate'),
          intervalHours: num(f[1], 'funding_interval_hours'),
        }
      },
    }
  },
}
