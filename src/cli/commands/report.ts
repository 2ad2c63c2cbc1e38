/**
 * cascade report --date D <paths…> --out DIR — the daily report for cron (DESIGN §7): DIR/D.json
 * (cascade.daily/1), DIR/D.md, DIR/D.html and one SVG chart per market.
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
          'directory for DATE.json, DATE.md, DATE.html and the charts (created if missing)',
        )
        .option(
          '--tz <zone>',
          'time zone whose midnight starts the day (IANA name, e.g. Europe/Berlin); charts stay in UTC',
          'UTC',
        )
        .option('--exit-code', 'exit with status 3 when the day has at least one cascade (for alerting)'),
    ),
  )
  // The day is --date: the time-range options of the other commands do not apply.
  for (const option of command.options)
    if (option.long === '--from' || option.long === '--to') option.hideHelp()
  command
    .addHelpText(
      'after',
      `
The report compares the day with the earlier DATE.json reports in --out ("the largest liquidations
since 2025-10-10", percentiles). Files are written atomically (a temp file, then a rename): a killed
run leaves the previous report or none, never half of one. The same inputs give byte-identical files.
A day without data still gets a report that says so (exit 0, a message on stderr).

Examples:
  cascade report --date 2021-05-19 fixtures/scenarios/2021-05-19/ --out reports/
  cascade report --date yesterday /data/binance --out /srv/reports --quiet     # crontab
  cascade report --date today data/ --out reports/ --tz America/New_York --exit-code || notify
`,
    )
    // The work is loaded when the command runs: `cascade analyze` never pays for the report's modules.
    .action(async (paths: string[], options: ReportOptions) =>
      (await import('./report-run.js')).runReport(paths, options),
    )
}
