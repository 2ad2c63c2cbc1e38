/**
 * cascade report --date D <paths…> --out DIR — the daily report for cron (DESIGN §7): the directory
 * DIR/D/ holding D.json (cascade.daily/2), D.md, D.html and one SVG chart per market, published as
 * one set; DIR/D.json and DIR/D.html link into it.
 *
 *   cascade report --date yesterday /data/binance /data/bybit --out /srv/reports
 *   cascade report --date 2026-02-05 data/ --out reports/ --tz Europe/Berlin
 *
 * The inputs that cover the day are picked by content: every event in [day − baseline, day end +
 * tail) is used, whatever the file is called (the tail measures a cascade that starts late in the day). A file whose name dates it outside that window (Binance's
 * `…-2021-05-18.zip`, `…-2021-04.zip`) is left unread only when its first event confirms the name,
 * so a cron job over a growing archive reads the day, not the whole history, every morning.
 */
import type { Command } from 'commander'
import { addInputOptions } from '../common.js'
import { addDetectorOptions } from './analyze.js'
import type { ReportOptions } from './report-run.js'

export function reportCommand(program: Command): void {
  const command = addInputOptions(
    addDetectorOptions(
      program
        .command('report')
        .description(
          'write the daily report of one day (JSON, Markdown and HTML with charts) into a directory, for cron',
        )
        .argument(
          '<paths...>',
          'files, directories (recursive) or globs; the files that cover the day are picked by their content',
        )
        .requiredOption('--date <day>', 'the day: YYYY-MM-DD, yesterday or today (in --tz)')
        .requiredOption(
          '--out <dir>',
          'directory of the reports (created if missing): each day in DIR/DATE/, with links DIR/DATE.json and DIR/DATE.html',
        )
        .option(
          '--tz <zone>',
          'time zone whose midnight starts the day (IANA name, e.g. Europe/Berlin); charts stay in UTC',
          'UTC',
        )
        .option('--exit-code', 'exit with status 3 when the day has at least one cascade (for alerting)'),
    ),
  )
  // The day is --date: --from/--to only narrow it to a part of it.
  for (const option of command.options) {
    if (option.long === '--from')
      option.description =
        'report only the part of the day from this time (ISO, UTC unless a zone is given, e.g. 2021-05-19T12:00)'
    if (option.long === '--to')
      option.description = 'report only the part of the day before this time (exclusive)'
  }
  command
    .addHelpText(
      'after',
      `
The report compares the day with the earlier reports in --out ("the largest
liquidations since 2025-10-10", percentiles). A day's files are written to a
hidden temp directory and published as one set by renaming it to DIR/DATE/:
a reader sees the previous report or the new one, never a mix, and a killed
run leaves the previous one. Something other than a report where the day's
files go (a directory named DATE.json, foreign files in DIR/DATE/) is refused
with exit 2 before anything is replaced. The same inputs give byte-identical
files. A day without data still gets a report that says so (exit 0, a message
on stderr).

Examples:
  cascade report --date 2021-05-19 fixtures/scenarios/2021-05-19/ --out reports/
  cascade report --date yesterday /data/binance --out /srv/reports --quiet
  cascade report --date today data/ --out reports/ --tz America/New_York \\
    --exit-code || notify
  cascade report --date 2021-05-19 data/ --out focus/ \\
    --from 2021-05-19T10:00 --to 2021-05-19T16:00
`,
    )
    // The work is loaded when the command runs: `cascade analyze` never pays for the report's modules.
    .action(async (paths: string[], options: ReportOptions) =>
      (await import('./report-run.js')).runReport(paths, options),
    )
}
