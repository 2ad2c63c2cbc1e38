/**
 * The `cascade` command line: commander for parsing, one file per subcommand in commands/, and
 * the one place that turns errors into exit codes (DESIGN §8): 0 done, 1 bad rows over the
 * tolerance, 2 could not run, 3 a cascade found with --exit-code.
 */
import { Command, CommanderError } from 'commander'
import { FatalError, isBrokenPipe } from '../errors.js'
import { StrictError } from '../ingest/ledger.js'
import { analyzeCommand } from './commands/analyze.js'
import { barsCommand } from './commands/bars.js'
import { reportCommand } from './commands/report.js'
import { sourcesCommand } from './commands/sources.js'
import { timelineCommand } from './commands/timeline.js'
import { PipeClosed } from './output.js'
import { version } from './version.js'

export const EXIT = { OK: 0, DATA: 1, FATAL: 2, FOUND: 3 } as const

export function buildProgram(): Command {
  const program = new Command()
    .name('cascade')
    .description(
      'Find and measure liquidation cascades in exchange CSV exports: offline, fast, honest about its data',
    )
    .version(version())
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
  analyzeCommand(program)
  reportCommand(program)
  timelineCommand(program)
  barsCommand(program)
  sourcesCommand(program)
  for (const command of program.commands) command.exitOverride()
  return program
}

export async function main(argv: string[]): Promise<void> {
  const debug = argv.includes('--debug')
  process.stdout.on('error', (error) => {
    if (!isBrokenPipe(error)) throw error
  })
  try {
    await buildProgram().parseAsync(argv)
  } catch (error) {
    process.exitCode = exitCodeOf(error, debug)
  }
}

function exitCodeOf(error: unknown, debug: boolean): number {
  if (error instanceof PipeClosed || isBrokenPipe(error)) return EXIT.OK
  if (error instanceof CommanderError) {
    // Help and version are successes; every usage error is "could not run".
    return error.exitCode === 0 ? EXIT.OK : EXIT.FATAL
  }
  if (error instanceof FatalError) {
    process.stderr.write(`cascade: ${error.message}${error.hint ? `; ${error.hint}` : ''}\n`)
    if (debug)
      process.stderr.write(
        `${error.stack}\n${error.cause instanceof Error ? `cause: ${error.cause.stack}\n` : ''}`,
      )
    return error instanceof StrictError ? EXIT.DATA : EXIT.FATAL
  }
  const message = error instanceof Error ? error.message : String(error)
  process.stderr.write(
    `cascade: internal error: ${message}${debug ? '' : ' (run with --debug for the stack trace, and please report it)'}\n`,
  )
  if (debug && error instanceof Error) process.stderr.write(`${error.stack}\n`)
  return EXIT.FATAL
}
