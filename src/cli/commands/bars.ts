/**
 * cascade bars <paths…> — 1-second (or --interval) bars per series, as `cascade-bars` CSV or NDJSON.
 *
 *   cascade bars BTCUSDT-aggTrades-2021-05-19.zip > bars.csv
 *   cascade bars data/ --interval 1m --ndjson
 *   cascade analyze bars.csv            # the same cascades as from the ticks
 */
import type { Command } from 'commander'
import { BarStore, barEvents } from '../../bars/index.js'
import { FatalError } from '../../errors.js'
import { recordsForStdout } from '../../escape.js'
import { barCsv, barNdjson, barsCsvColumns, barsCsvHeader } from '../../report/bars.js'
import {
  addInputOptions,
  finish,
  type InputOptions,
  nothingMatched,
  openTimeline,
  selectionOf,
} from '../common.js'
import { Output } from '../output.js'

interface BarsOptions extends InputOptions {
  interval: string
  ndjson?: boolean
}

const UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }

export function parseInterval(text: string): number {
  const m = /^(\d+)(s|m|h|d)$/.exec(text.trim())
  const ms = m ? Number(m[1]) * UNITS[m[2]!]! : Number.NaN
  if (!(ms >= 1000) || 86_400_000 % ms !== 0) {
    throw new FatalError(
      `--interval ${text}: expected a length that divides a day, such as 1s, 5s, 1m, 5m, 1h`,
    )
  }
  return ms
}

export function barsCommand(program: Command): void {
  addInputOptions(
    program
      .command('bars')
      .description(
        'write 1-second (or --interval) bars per series as cascade-bars CSV (or --ndjson); cascade analyze reads them back',
      )
      .argument('<paths...>', 'files, directories (recursive), globs, or - for stdin')
      .option(
        '--interval <length>',
        'bar length: 1s, 5s, 1m, 5m, 1h …; coarser inputs (klines, hourly buckets) keep their own',
        '1s',
      )
      .option('--ndjson', 'write bar events as NDJSON instead of CSV'),
  )
    .addHelpText(
      'after',
      '\nThe bars of a whole input are held in memory (about 140 bytes per second of data per series).\n\nExamples:\n  cascade bars BTCUSDT-aggTrades-2021-05-19.zip > bars.csv\n  cascade bars data/ --interval 1m --ndjson\n',
    )
    .action(async (paths: string[], options: BarsOptions) => {
      const intervalMs = parseInterval(options.interval)
      const store = new BarStore()
      // Trade files with a fast path fold straight into the store.
      const ingestion = await openTimeline(paths, options, {
        fold: { store, selection: selectionOf(options) },
      })
      try {
        for await (const batch of ingestion.selected) for (const event of batch) store.add(event)
      } finally {
        await ingestion.close()
      }
      const unmatched = nothingMatched(
        ingestion,
        options,
        store.series().length > 0 || store.fundingEvents > 0,
      )
      if (unmatched) ingestion.warnings.push(unmatched)
      // Records: a late error leaves what was written before it, whole lines only.
      const out = new Output('records')
      const bars = barEvents(store, intervalMs)
      const columns = barsCsvColumns(bars)
      const format = options.ndjson ? barNdjson : (bar: (typeof bars)[number]) => barCsv(bar, columns)
      let text = options.ndjson ? '' : barsCsvHeader(columns)
      // CSV to a terminal shows names escaped (NDJSON escapes them itself).
      const shown = options.ndjson ? (lines: string) => lines : recordsForStdout
      for (const bar of bars) {
        text += format(bar)
        if (text.length > 1 << 20) {
          await out.write(shown(text))
          text = ''
        }
      }
      await out.write(shown(text))
      process.exitCode = finish(ingestion, options)
    })
}
