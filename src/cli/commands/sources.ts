/**
 * cascade sources [--explain FILE] — the formats cascade reads, and which one claims a file and why.
 *
 *   cascade sources
 *   cascade sources --explain BTCUSDT-metrics-2021-05-19.zip
 *
 * The list fits the terminal (else $COLUMNS, else 80 columns): one line per source when that is
 * wide enough, else each title wrapped under its id.
 */
import type { Command } from 'commander'
import { FatalError } from '../../errors.js'
import { escapeForTerminal } from '../../escape.js'
import { membersOf, removeTemp, type TempDir } from '../../ingest/open.js'
import { peek } from '../../ingest/read.js'
import { wrap } from '../../report/table.js'
import { explain, SOURCES } from '../../sources/index.js'
import type { Source } from '../../sources/source.js'
import { Output } from '../output.js'

export function sourcesCommand(program: Command): void {
  program
    .command('sources')
    .description('list the supported formats (sources); with --explain, tell which one claims a file and why')
    .option(
      '--explain <file>',
      "show every source's verdict on this file: the one that claims it and what the others would need",
    )
    .option('--json', 'write the list as JSON')
    .addHelpText(
      'after',
      '\nExamples:\n  cascade sources\n  cascade sources --explain BTCUSDT-metrics-2021-05-19.zip\n',
    )
    .action(async (options: { explain?: string; json?: boolean }) => {
      const out = new Output('document')
      if (!options.explain) {
        if (options.json) {
          await out.write(
            `${JSON.stringify(
              SOURCES.map((s) => ({
                id: s.id,
                exchange: s.exchange,
                kinds: s.kinds,
                title: s.title,
                docs: s.docs,
              })),
              null,
              2,
            )}\n`,
          )
          return
        }
        const text = sourceList(SOURCES, process.stdout.columns || Number(process.env.COLUMNS) || 80)
        await out.write(text)
        return
      }
      const temp: TempDir = {}
      try {
        const members = await membersOf(options.explain, temp)
        let text = ''
        for (const member of members) {
          const { probe, stream } = await peek(await member.open({ head: true }), member.name, member.path)
          stream.destroy()
          const verdicts = explain(probe)
          const claims = verdicts.filter((v) => v.verdict.claims)
          text += `${member.path}\n`
          text += `  name: ${probe.name || '(none)'}\n`
          if (probe.binary)
            text += `  content: ${probe.binary === 'arrow' ? 'Arrow IPC (Feather) file' : 'Parquet file'}\n`
          else
            text += `  first line: ${probe.lines[0] ? JSON.stringify(shorten(probe.lines[0].join(','))) : '(empty file)'}\n`
          if (claims.length === 1) text += `  claimed by ${claims[0]!.source.id}: ${claims[0]!.verdict.why}\n`
          else if (claims.length === 0) text += '  claimed by no source: force one with --source ID\n'
          else
            text += `  claimed by ${claims.length} sources (${claims.map((c) => c.source.id).join(', ')}): force one with --source ID\n`
          text += '  other sources:\n'
          for (const v of verdicts) if (!v.verdict.claims) text += `    ${v.source.id}: ${v.verdict.why}\n`
        }
        if (members.length === 0) text += `${options.explain}: the zip holds no file to read\n`
        // File names, headers and verdicts quote the file: escaped line by line for the terminal.
        await out.write(text.split('\n').map(escapeForTerminal).join('\n'))
      } catch (error) {
        if (error instanceof FatalError) throw error
        throw new FatalError(`${options.explain}: ${(error as Error).message}`)
      } finally {
        await removeTemp(temp)
      }
    })
}

/** A one-line JSON file's first line is the whole head of the file: show its start. */
function shorten(text: string): string {
  return text.length > 300 ? `${text.slice(0, 300)}…` : text
}

/** The list of sources within `width` columns. */
export function sourceList(sources: readonly Source[], width = Number.POSITIVE_INFINITY): string {
  const kinds = (s: Source) => (s.kinds.length >= 5 ? 'every kind' : s.kinds.join(','))
  const idWidth = Math.max(...sources.map((s) => s.id.length))
  const kindWidth = Math.max(...sources.map((s) => kinds(s).length))
  const table = sources.map((s) => `${s.id.padEnd(idWidth)}  ${kinds(s).padEnd(kindWidth)}  ${s.title}`)
  if (table.every((line) => line.length <= width)) return `${table.join('\n')}\n`
  const indent = '    '
  const under = (text: string) => wrap(breakLongWords(text, width - indent.length), width, indent, indent)
  const lines = sources.flatMap((s) => {
    const head = `${s.id.padEnd(idWidth)}  ${kinds(s)}`
    if (head.length <= width) return [head, ...under(s.title)]
    return [s.id, ...under(`${kinds(s)}: ${s.title}`)]
  })
  return `${lines.join('\n')}\n`
}

/** Words longer than `max` split after commas (a column list), else cut, so that no line overflows. */
function breakLongWords(text: string, max: number): string {
  return text
    .split(' ')
    .flatMap((word) => {
      const parts: string[] = []
      let rest = word
      while (rest.length > max) {
        const comma = rest.lastIndexOf(',', max - 1)
        const cut = comma > 0 ? comma + 1 : max
        parts.push(rest.slice(0, cut))
        rest = rest.slice(cut)
      }
      return [...parts, rest]
    })
    .join(' ')
}
