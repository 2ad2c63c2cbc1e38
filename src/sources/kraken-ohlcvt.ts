// Kraken's downloadable OHLCVT files:
// https://support.kraken.com/hc/en-us/articles/360047124832-Downloadable-historical-OHLCVT-Open-High-Low-Close-Volume-Trades-data
// One zip of every pair, a CSV per pair and interval named `PAIR_MINUTES.csv` (`XBTUSD_1440.csv`,
// `ETHEUR_60.csv`; intervals 1, 5, 15, 30, 60, 240, 720, 1440). No header:
//   1381017600,122.0,122.0,122.0,122.0,0.1,1
//   time (bar open, unix SECONDS, UTC), open, high, low, close, volume (BASE units), trades
// "Only includes entries for intervals when trades happened": a missing bar is a real gap.
// Pair names (XBT = BTC, legacy XXBTZUSD) through the instrument table (krakenInstrument); every
// file is spot. volumeUsd stays null: the file has no quote volume.
// Bar length from the name's minutes, else the rows' spacing (--source kraken-ohlcvt on a renamed file).
import { FatalError } from '../errors.js'
import type { BarEvent } from '../timeline/event.js'
import { emptyBar, MINUTE_MS } from './aggregator-common.js'
import { smallestStep } from './bar-files.js'
import { describeFirstLine, rowIs } from './binance-common.js'
import { epochToMs, expectFields, positive } from './fields.js'
import { isUnsupported, krakenInstrument } from './instruments.js'
import type { Probe, Source, SourceOptions } from './source.js'

/** Kraken's OHLCVT intervals, in minutes. */
const INTERVALS = new Set([1, 5, 15, 30, 60, 240, 720, 1440])
const NAME = /^([A-Z0-9]+)_(\d+)\.csv$/

/** `XBTUSD_1440.csv` → XBTUSD, 1440 minutes; null for any other name. */
export function krakenOhlcvtName(name: string): { pair: string; minutes: number } | null {
  const m = NAME.exec(name)
  if (!m || !INTERVALS.has(Number(m[2]))) return null
  return { pair: m[1]!, minutes: Number(m[2]) }
}

const SECONDS = /^\d{9,10}$/

/** Seven numbers, time in whole seconds first, trade count last. */
function ohlcvtRow(row: readonly string[] | undefined): boolean {
  return rowIs(row, ['int', 'num', 'num', 'num', 'num', 'num', 'int']) && SECONDS.test(row![0]!)
}

function claims(probe: Probe): boolean {
  return ohlcvtRow(probe.lines[0]) && krakenOhlcvtName(probe.name) !== null
}

/** The pair of a file: --symbol, else its name (`XBTUSD_1440.csv`, `XBTUSD.csv`, `freqtrade_BCHEUR.csv`). */
export function krakenPair(probe: Probe, options: SourceOptions, example: string): string {
  const fromName = () =>
    krakenOhlcvtName(probe.name)?.pair ??
    probe.name
      .replace(/\.csv$/i, '')
      .split(/[_\-. ]+/)
      .find((token) => /^[A-Z0-9]{5,}$/.test(token) && !isUnsupported(krakenInstrument(token)))
  const pair = options.symbol ?? fromName()
  if (!pair) {
    throw new FatalError(
      `${probe.name || '<stdin>'}: cannot tell the Kraken pair of this file`,
      `keep Kraken's file name (${example}) or pass --symbol XBTUSD`,
    )
  }
  return pair.toUpperCase()
}

export const krakenOhlcvt: Source = {
  id: 'kraken-ohlcvt',
  title: 'Kraken OHLCVT downloads PAIR_MINUTES.csv (no header; seconds; base volume; gaps real)',
  exchange: 'kraken',
  kinds: ['bar'],
  docs: 'https://support.kraken.com/hc/en-us/articles/360047124832',
  detect(probe) {
    if (claims(probe)) {
      return {
        claims: true,
        why: 'no header; time(s),open,high,low,close,volume,trades rows in a file named PAIR_MINUTES.csv',
      }
    }
    return {
      claims: false,
      why:
        'needs headerless time(s),open,high,low,close,volume,trades rows and a name like XBTUSD_1440.csv ' +
        `(minutes 1, 5, 15, 30, 60, 240, 720 or 1440); ${describeFirstLine(probe)}`,
    }
  },
  open(probe, options) {
    const where = probe.name || '<stdin>'
    const pair = krakenPair(probe, options, 'XBTUSD_1440.csv')
    const instrument = krakenInstrument(pair)
    if (isUnsupported(instrument))
      throw new FatalError(`${where}: ${instrument.unsupported}`, 'pass --symbol XBTUSD')
    const named = krakenOhlcvtName(probe.name)
    const times = probe.lines.flatMap((row) => (ohlcvtRow(row) ? [Number(row[0]) * 1000] : []))
    const durationMs = named ? named.minutes * MINUTE_MS : smallestStep(times)
    if (durationMs === null) {
      throw new FatalError(
        `${where}: cannot tell the bar length (a single row, no minutes in the name)`,
        "keep Kraken's file name, e.g. XBTUSD_1440.csv",
      )
    }
    const head = {
      exchange: 'kraken',
      symbol: pair,
      market: instrument.market,
      source: 'kraken-ohlcvt',
      durationMs,
    }
    return {
      hasHeader: false,
      unquoted: true,
      row(f): BarEvent {
        expectFields(f, 7)
        const bar = emptyBar({ ...head, ts: epochToMs(f[0], 'time') })
        bar.open = positive(f[1], 'open')
        bar.high = positive(f[2], 'high')
        bar.low = positive(f[3], 'low')
        bar.close = positive(f[4], 'close')
        bar.volume = positive(f[5], 'volume')
        bar.trades = positive(f[6], 'trades')
        return bar
      },
    }
  },
}
