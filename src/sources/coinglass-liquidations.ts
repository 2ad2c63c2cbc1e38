// CoinGlass liquidation history, as users save it: https://docs.coinglass.com/reference/aggregated-liquidation-history
// Three layouts (FORMATS.md §7), each claimed by its exact header:
//   timestamp,datetime_utc,longUsd,shortUsd,totalUsd      (the API flattened by a user's script; real file)
//   time,aggregated_long_liquidation_usd,aggregated_short_liquidation_usd   (API v4 aggregated-history)
//   time,long_liquidation_usd,short_liquidation_usd        (API v4 per-pair liquidation/history)
// Long / short = the liquidated POSITION side, in USD. Each row is one bucket → one `bar` event
// with only liqLongUsd / liqShortUsd filled (no price, no OI: null, never 0).
//
// Naming, decided here:
// - exchange `coinglass` (the figures are CoinGlass's sums over the venues the user chose);
// - symbol = the coin (or pair) after `coinglass_` in the file name, else `--symbol`, else the
//   name's first capital token (`BTC_liq_1h.csv` → BTC);
// - market `BTC-USD-AGG` for a coin: an aggregate across venues whose base is the coin, so
//   grouping by base asset (baseOf → `BTC`) puts it with every BTC market; a per-pair file with a
//   pair symbol (`BTCUSDT`) gets the pair's perpetual name (`BTC-USDT-PERP`, exchange still coinglass).
// - bucket length from the rows' spacing, else an interval in the name (aggregator-common.ts).
import { FatalError, RowError } from '../errors.js'
import type { BarEvent } from '../timeline/event.js'
import {
  capitalTokenFromName,
  checkLiquidationTotal,
  coinglassSymbolFromName,
  emptyBar,
  headerExactly,
  inferBucketMs,
  probeTimes,
  timeCell,
} from './aggregator-common.js'
import { describeFirstLine } from './binance-common.js'
import { epochToMs, expectFields, positive } from './fields.js'
import { marketName, splitPair } from './instruments.js'
import type { Probe, Source, SourceOptions } from './source.js'

const EXPORT = ['timestamp', 'datetime_utc', 'longUsd', 'shortUsd', 'totalUsd'] as const
const AGGREGATED = ['time', 'aggregated_long_liquidation_usd', 'aggregated_short_liquidation_usd'] as const
const PER_PAIR = ['time', 'long_liquidation_usd', 'short_liquidation_usd'] as const
const LAYOUTS = [
  { columns: EXPORT, what: 'CoinGlass export timestamp,datetime_utc,longUsd,shortUsd,totalUsd' },
  { columns: AGGREGATED, what: 'CoinGlass API v4 aggregated liquidation history' },
  { columns: PER_PAIR, what: 'CoinGlass API v4 per-pair liquidation history' },
] as const

function layoutOf(probe: Probe) {
  return LAYOUTS.find((layout) => headerExactly(probe.lines[0], layout.columns))
}

/** The coin or pair of a CoinGlass file (its rows never say it), and its canonical market. */
export function coinglassSeries(
  probe: Probe,
  options: SourceOptions,
  what: string,
): { symbol: string; market: string } {
  const symbol =
    coinglassSymbolFromName(probe.name) ?? options.symbol?.toUpperCase() ?? capitalTokenFromName(probe.name)
  if (!symbol) {
    throw new FatalError(
      `${probe.name || '<stdin>'}: cannot tell the coin of this CoinGlass ${what} file`,
      'keep the coin in the file name (coinglass_BTC_liquidation_1h.csv) or pass --symbol BTC',
    )
  }
  const pair = splitPair(symbol)
  return { symbol, market: pair ? marketName(pair[0], pair[1], 'perp') : `${symbol}-USD-AGG` }
}

export const coinglassLiquidations: Source = {
  id: 'coinglass-liquidations',
  title: 'CoinGlass liquidation history (long/short USD per bucket; export or API v4 columns)',
  exchange: 'coinglass',
  kinds: ['bar'],
  docs: 'https://docs.coinglass.com/reference/aggregated-liquidation-history',
  detect(probe) {
    const layout = layoutOf(probe)
    if (layout) return { claims: true, why: `header is the ${layout.what}` }
    return {
      claims: false,
      why: `needs exactly one of the headers ${LAYOUTS.map((l) => l.columns.join(',')).join(' | ')}; ${describeFirstLine(probe)}`,
    }
  },
  open(probe, options) {
    const layout = layoutOf(probe)
    if (!layout)
      throw new FatalError(
        `${probe.name || '<stdin>'}: not a CoinGlass liquidation file (${describeFirstLine(probe)})`,
      )
    const { symbol, market } = coinglassSeries(probe, options, 'liquidation')
    const durationMs = inferBucketMs(probeTimes(probe, 0, true, epochToMs), probe, 'CoinGlass liquidation')
    const exported = layout.columns === EXPORT
    const [timeColumn, longColumn, shortColumn] = exported
      ? [EXPORT[0], EXPORT[2], EXPORT[3]]
      : [layout.columns[0], layout.columns[1], layout.columns[2]]
    return {
      hasHeader: true,
      row(f): BarEvent {
        expectFields(f, layout.columns.length)
        const ts = epochToMs(f[0], timeColumn)
        const long = positive(f[exported ? 2 : 1], longColumn)
        const short = positive(f[exported ? 3 : 2], shortColumn)
        if (exported) {
          // The export writes each time twice; a disagreement means an edited or shifted row.
          const written = timeCell(f[1], 'datetime_utc')
          if (written !== ts) {
            throw new RowError(
              'BAD_TIMESTAMP',
              `datetime_utc ${f[1]} is not timestamp ${f[0]} (${new Date(ts).toISOString()})`,
            )
          }
          checkLiquidationTotal(long, short, positive(f[4], 'totalUsd'), 'totalUsd')
        }
        const bar = emptyBar({
          ts,
          exchange: 'coinglass',
          symbol,
          market,
          source: 'coinglass-liquidations',
          durationMs,
        })
        bar.liqLongUsd = long
        bar.liqShortUsd = short
        return bar
      },
    }
  },
}
