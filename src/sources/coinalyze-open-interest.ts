// Coinalyze open-interest history: https://api.coinalyze.net/v1/doc/ (`open-interest-history`)
// The API returns `history: [{t, o, h, l, c}]`: OHLC of open interest per bucket, `t` unix seconds.
// Units: base units (coins) unless the request had convert_to_usd=true; the real saved file
// (denizyts/Coinalyze-Backtester, BTCUSDT_PERP.A, ~75–80k) is plainly BTC, so base units are assumed.
//   t,o,h,l,c                                                  (header, as the API names them)
//   2024-06-20 03:00:00,75707.535,75760.75,75280.738,75286.992 (no header, CRLF; local time — see
//                                                               coinalyze-liquidations.ts)
// The headerless form is claimed only with a Coinalyze symbol and open interest in the file name.
// Each row → one `bar` event: openInterest = the bucket's close level (coins); openInterestUsd and
// the price fields stay null (o/h/l/c are open interest, not price). Series naming, time rules
// and bucket length: as coinalyze-liquidations.
import type { BarEvent } from '../timeline/event.js'
import { emptyBar, headerExactly, inferBucketMs, probeTimes, timeCell } from './aggregator-common.js'
import { describeFirstLine, rowIs } from './binance-common.js'
import { coinalyzeSeriesOf, coinalyzeSymbolFromName } from './coinalyze-liquidations.js'
import { namesOpenInterest } from './coinglass-open-interest.js'
import { expectFields, num, positive } from './fields.js'
import type { Probe, Source } from './source.js'

const HEADER = ['t', 'o', 'h', 'l', 'c'] as const

/** A data row: a date-time or epoch time, then numbers (a date-time is data, not a header, here). */
function dataRow(line: readonly string[] | undefined): boolean {
  return (
    rowIs(line, ['datetime', 'num', 'num', 'num', 'num']) ||
    rowIs(line, ['epoch', 'num', 'num', 'num', 'num'])
  )
}

function headerless(probe: Probe): boolean {
  return (
    dataRow(probe.lines[0]) && coinalyzeSymbolFromName(probe.name) !== null && namesOpenInterest(probe.name)
  )
}

export const coinalyzeOpenInterest: Source = {
  id: 'coinalyze-open-interest',
  title: 'Coinalyze open-interest history t,o,h,l,c (seconds; OI in base units)',
  exchange: 'coinalyze',
  kinds: ['bar'],
  docs: 'https://api.coinalyze.net/v1/doc/',
  detect(probe) {
    if (headerExactly(probe.lines[0], HEADER))
      return { claims: true, why: 'header is Coinalyze open-interest history t,o,h,l,c' }
    if (headerless(probe)) {
      return {
        claims: true,
        why: 'no header; time,o,h,l,c rows and a Coinalyze symbol + open-interest in the name',
      }
    }
    return {
      claims: false,
      why:
        'needs header t,o,h,l,c, or headerless time,o,h,l,c rows in a file named like ' +
        `BTCUSDT_PERP.A_open-interest-history.csv; ${describeFirstLine(probe)}`,
    }
  },
  open(probe, options) {
    const header = !dataRow(probe.lines[0])
    const { symbol, exchange, market } = coinalyzeSeriesOf(probe, options, 'open-interest')
    const durationMs = inferBucketMs(probeTimes(probe, 0, header), probe, 'Coinalyze open-interest')
    return {
      hasHeader: header,
      row(f): BarEvent {
        expectFields(f, 5)
        const ts = timeCell(f[0], 't')
        for (const [i, column] of [
          [1, 'o'],
          [2, 'h'],
          [3, 'l'],
        ] as const)
          num(f[i], column)
        const bar = emptyBar({ ts, exchange, symbol, market, source: 'coinalyze-open-interest', durationMs })
        bar.openInterest = positive(f[4], 'c')
        return bar
      },
    }
  },
}
