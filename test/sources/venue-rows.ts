/**
 * Row-level helpers for the venue source tests (Bybit, BitMEX, OKX, Tardis): build a probe from
 * text, and feed single rows to a source's reader without a file, to test units and skips one
 * instrument at a time.
 */
import { RowError } from '../../src/errors.js'
import type { Probe, Skip, Source, SourceOptions } from '../../src/sources/source.js'
import type { TimelineEvent } from '../../src/timeline/event.js'

/** A probe as ingest would build it: the file's base name without `.gz`, lines split on commas. */
export function probeOf(name: string, ...lines: string[]): Probe {
  return { name, lines: lines.map((line) => line.split(',')) }
}

/** Which sources claim the probe (the registry's rule is exactly one). */
export function claimants(sources: readonly Source[], probe: Probe): string[] {
  return sources.filter((s) => !s.forcedOnly && s.detect(probe).claims).map((s) => s.id)
}

/**
 * A reader opened on `header` (and any further probe lines); each call reads one more row and
 * returns its event, its Skip, or the RowError it threw.
 */
export function rowReader(source: Source, name: string, probeLines: string[], options: SourceOptions = {}) {
  const reader = source.open(probeOf(name, ...probeLines), options)
  let line = 1
  return (text: string): TimelineEvent | Skip | RowError => {
    line++
    try {
      return reader.row(text.split(','), line)
    } catch (error) {
      if (error instanceof RowError) return error
      throw error
    }
  }
}
