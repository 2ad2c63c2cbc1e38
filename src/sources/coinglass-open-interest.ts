// CoinGlass open-interest history: https://docs.coinglass.com/reference/oi-ohlc-aggregated-history
// API v4 `futures/open-interest/history` (per pair) and `…/aggregated-history` return OHLC
// candles of open interest, `time,open,high,low,close`, in USD with `unit=usd` (the default),
// in coins with `unit=coin`. Users flatten the JSON to CSV with those column names. No real
// CSV of this shape was found (the OI OHLC columns of coinglass_BTC_regime_1h_1y.csv are the
// nearest real thing; the fixture reuses their values).
//
// The open/high/low/close here are OPEN INTEREST, not price: the bar's price fields stay null and
// the bucket's closing level becomes openInterestUsd (or openInterest with a `coin` name token).
// Because a price file can carry the same five column names, this source claims the header only
// when the file name says open interest (`oi`, `open-interest`, `open_interest`, `openinterest`).
// Symbol, market and bucket length: as coinglass-liquidations.
import { FatalError } from '../errors.js'
import type { BarEvent } from '../timeline/event.js'
import { emptyBar, headerExactly, inferBucketMs, probeTimes } from './aggregator-common.js'
import { describeFirstLine } from './binance-common.js'
import { coinglassSeries } from './coinglass-liquidations.js'
import { epochToMs, expectFields, num, positive } from './fields.js'
import type { Probe, Source } from './source.js'

const HEADER = ['time', 'open', 'high', 'low', 'close'] as const

function nameTokens(name: string): string[] {
  return name.toLowerCase().split(/[_\-. ]+/)
}

/** `coinglass_BTC_oi_1h.csv`, `…open-interest…`, `…open_interest…`, `…OpenInterest…`. */
export function namesOpenInterest(name: string): boolean {
  const lower = name.toLowerCase()
  return nameTokens(name).includes('oi') || /open[_\-. ]?interest/.test(lower)
}

function claims(probe: Probe): boolean {
  return headerExactly(probe.lines[0], HEADER) && namesOpenInterest(probe.name)
}

export const coinglassOpenInterest: Source = {
  id: 'coinglass-open-interest',
  title: 'CoinGlass open-interest history (OI OHLC per bucket, USD; name must say open interest)',
  exchange: 'coinglass',
  kinds: ['bar'],
  docs: 'https://docs.coinglass.com/reference/oi-ohlc-aggregated-history',
  detect(probe) {
    if (claims(probe))
      return {
        claims: true,
        why: 'header time,open,high,low,close and the name says open interest (CoinGlass OI OHLC)',
      }
    if (headerExactly(probe.lines[0], HEADER)) {
      return {
        claims: false,
        why: 'header time,open,high,low,close fits, but the file name must say oi or open-interest (else it is a price file)',
      }
    }
    return {
      claims: false,
      why: `needs header ${HEADER.join(',')} and oi/open-interest in the name; ${describeFirstLine(probe)}`,
    }
  },
  open(probe, options) {
    if (!headerExactly(probe.lines[0], HEADER)) {
      throw new FatalError(
        `${probe.name || '<stdin>'}: not a CoinGlass open-interest file (${describeFirstLine(probe)})`,
      )
    }
    const { symbol, market } = coinglassSeries(probe, options, 'open-interest')
    const durationMs = inferBucketMs(probeTimes(probe, 0, true, epochToMs), probe, 'CoinGlass open-interest')
    // `unit=coin` output: levels in coins (base units) instead of USD.
    const inCoins = nameTokens(probe.name).includes('coin')
    return {
      hasHeader: true,
      row(f): BarEvent {
        expectFields(f, 5)
        const ts = epochToMs(f[0], 'time')
        // open/high/low are read so that a broken cell is a counted bad row, not silently kept.
        for (const [i, column] of [
          [1, 'open'],
          [2, 'high'],
          [3, 'low'],
        ] as const)
          num(f[i], column)
        const close = positive(f[4], 'close')
        const bar = emptyBar({
          ts,
          exchange: 'coinglass',
          symbol,
          market,
          source: 'coinglass-open-interest',
          durationMs,
        })
        if (inCoins) bar.openInterest = close
        else bar.openInterestUsd = close
        return bar
      },
    }
  },
}
