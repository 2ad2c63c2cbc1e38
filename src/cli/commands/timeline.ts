/**
 * cascade timeline <paths…> — the normalized, merged event timeline as NDJSON (or CSV).
 *
 *   cascade timeline BTCUSDT-aggTrades-2021-05-19.zip BTCUSDT-metrics-2021-05-19.zip > events.ndjson
 *   cascade timeline data/ --market BTC --from 2021-05-19T12:00 --to 2021-05-19T14:00 --csv
 */
import type { Command } from 'commander'
import { recordsForStdout } from '../../escape.js'
import { timelineCsvHeader } from '../../report/timeline.js'
import { TimelineEncoder } from '../../report/timeline-bytes.js'
import {
  addInputOptions,
  finish,
  type InputOptions,
  nothingMatched,
  openTimeline,
  selectionOf,
} from '../common.js'
import { Output } from '../output.js'

interface TimelineOptions extends InputOptions {
  csv?: boolean
}

export function timelineCommand(program: Command): void {
  addInputOptions(
    program
      .command('timeline')
      .description('write the normalized, merged event timeline (NDJSON, one event per line; --csv for CSV)')
      .argument(
        '<paths...>',
        'files, directories (recursive), globs, or - for stdin; gzip and zip are recognised from their bytes',
      )
      .option('--csv', 'write CSV instead of NDJSON (spreadsheet-safe cells)'),
  )
    .addHelpText(
      'after',
      '\nExample:\n  cascade timeline BTCUSDT-aggTrades-2021-05-19.zip BTCUSDT-metrics-2021-05-19.zip > events.ndjson\n',
    )
    .action(async (paths: string[], options: TimelineOptions) => {
      const encoder = new TimelineEncoder(options.csv ? 'csv' : 'ndjson')
      // A single trade file is written straight from its rows (no event objects), where it can be.
      const ingestion = await openTimeline(paths, options, {
        lines: { selection: selectionOf(options), encoder },
      })
      // Records: a late error leaves what was written before it, whole lines only.
      const out = new Output('records')
      // CSV cells are written as they are, but not to a terminal, where a name could act (NDJSON
      // strings are escaped by JSON itself).
      const escaped = options.csv === true && process.stdout.isTTY === true
      const write = (bytes: Buffer | string) =>
        out.write(escaped ? recordsForStdout(bytes.toString()) : bytes)
      let written = 0
      try {
        if (options.csv) await write(timelineCsvHeader())
        if (ingestion.text)
          for await (const bytes of ingestion.text) {
            await write(bytes)
            written += bytes.length
          }
        for await (const batch of ingestion.selected) {
          for (const event of batch) encoder.add(event)
          await write(encoder.take())
          written += batch.length
        }
      } finally {
        await ingestion.close()
      }
      const unmatched = nothingMatched(ingestion, options, written > 0)
      if (unmatched) ingestion.warnings.push(unmatched)
      process.exitCode = finish(ingestion, options)
    })
}
