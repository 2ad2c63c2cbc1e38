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
import { Output, PipeClosed, say } from './output.js'
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
    .configureOutput({ writeOut: writeHelp, writeErr: writeEscaped })
  analyzeCommand(program)
  reportCommand(program)
  timelineCommand(program)
  barsCommand(program)
  sourcesCommand(program)
  for (const command of program.commands)
    command.exitOverride().configureOutput({ writeOut: writeHelp, writeErr: writeEscaped })
  return program
}

/** Help and version text on its way to stdout: a document like any other (a full disk is exit 2). */
let helpWritten: Promise<void> = Promise.resolve()

function writeHelp(text: string): void {
  const output = new Output('document')
  helpWritten = helpWritten.then(() => output.write(text))
}

/** Commander's usage errors quote what was typed (an option, a value): escaped like every other line. */
function writeEscaped(text: string): void {
  sayLines(text.replace(/\n$/, ''))
}

export async function main(argv: string[]): Promise<void> {
  const debug = argv.includes('--debug')
  // Write errors reach the writers (Output, say): an 'error' event must never crash the process.
  process.stdout.on('error', () => {})
  process.stderr.on('error', () => {})
  try {
    await buildProgram().parseAsync(argv)
  } catch (error) {
    process.exitCode = exitCodeOf(error, debug)
  }
  try {
    await helpWritten
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
    say(`cascade: ${error.message}${error.hint ? `; ${error.hint}` : ''}`)
    if (debug) {
      sayLines(error.stack)
      if (error.cause instanceof Error) sayLines(`cause: ${error.cause.stack}`)
    }
    return error instanceof StrictError ? EXIT.DATA : EXIT.FATAL
  }
  const message = error instanceof Error ? error.message : String(error)
  say(
    `cascade: internal error: ${message}${debug ? '' : ' (run with --debug for the stack trace, and please report it)'}`,
  )
  if (debug && error instanceof Error) sayLines(error.stack)
  return EXIT.FATAL
}

function sayLines(text: string | undefined): void {
  for (const line of (text ?? '').split('\n')) say(line)
}
