/**
 * The bad-row ledger: every row that does not become an event is counted here by code, with the
 * file and physical line of the first ones, so nothing is ever dropped silently (DESIGN §8).
 * Per input: rows = events + duplicates + badRows + skipped + superseded + suspect.
 * Suspect prints (timeline/suspect.ts) are counted here too, apart from the bad rows: they are
 * read fine and never count against --max-bad-rows.
 */
import { FatalError } from '../errors.js'

export interface BadRow {
  file: string
  line: number
  code: string
  message: string
}

export interface InputStats {
  /** Order of the input on the command line (after expansion); ties in time keep this order. */
  index: number
  path: string
  source: string
  exchange: string
  symbols: Set<string>
  markets: Set<string>
  kinds: Set<string>
  rows: number
  events: number
  duplicates: number
  badRows: number
  skipped: number
  /**
   * Bars replaced by another bar of the same series and time in the same file, by the source's
   * rule (CryptoDataDownload's hours exported twice): not bad rows, but not events either.
   */
  superseded: number
  /** The source's rule for which bar stays, in words (for the warning). */
  supersededRule?: string
  /** Rows holding a suspect print (kept out of the price path; DESIGN §5.1). */
  suspect: number
  /** Why rows were skipped (an instrument that cannot be valued), with counts. */
  skipReasons: Map<string, number>
  first: number | null
  last: number | null
  /** Bytes of CSV text read so far (for progress). */
  bytes: number
}

const SAMPLES = 20

export class StrictError extends FatalError {}

export const SUSPECT_PRINT = 'SUSPECT_PRINT'

export class Ledger {
  total = 0
  readonly byCode = new Map<string, number>()
  private readonly samplesByInput = new Map<number, BadRow[]>()
  suspectTotal = 0
  private readonly suspectByInput = new Map<number, BadRow[]>()

  constructor(
    private readonly options: {
      strict?: boolean
      onBadRow?: (row: BadRow, nth: number) => void
      onSuspect?: (row: BadRow, nth: number) => void
    } = {},
  ) {}

  /** A row holding a suspect print: counted apart from events and bad rows, the first ones kept. */
  suspect(input: InputStats, line: number, message: string): void {
    this.suspectTotal++
    input.suspect++
    const row = { file: input.path, line, code: SUSPECT_PRINT, message }
    let samples = this.suspectByInput.get(input.index)
    if (!samples) {
      samples = []
      this.suspectByInput.set(input.index, samples)
    }
    if (samples.length < SAMPLES) samples.push(row)
    this.options.onSuspect?.(row, this.suspectTotal)
  }

  /** The first suspect prints in input order, then line order. */
  suspectSamples(): BadRow[] {
    return firstSamples(this.suspectByInput)
  }

  add(input: InputStats, line: number, code: string, message: string): void {
    this.total++
    input.badRows++
    this.byCode.set(code, (this.byCode.get(code) ?? 0) + 1)
    const row = { file: input.path, line, code, message }
    let samples = this.samplesByInput.get(input.index)
    if (!samples) {
      samples = []
      this.samplesByInput.set(input.index, samples)
    }
    if (samples.length < SAMPLES) samples.push(row)
    if (this.options.strict) {
      throw new StrictError(
        `${row.file}:${row.line}: ${row.code} ${row.message}`,
        'stopped at the first bad row (--strict)',
      )
    }
    this.options.onBadRow?.(row, this.total)
  }

  /** The first bad rows in input order, then line order. */
  samples(): BadRow[] {
    return firstSamples(this.samplesByInput)
  }

  /** `byCode` as a plain object with sorted keys (stable JSON). */
  byCodeObject(): Record<string, number> {
    return Object.fromEntries([...this.byCode.entries()].sort(([a], [b]) => (a < b ? -1 : 1)))
  }
}

function firstSamples(byInput: Map<number, BadRow[]>): BadRow[] {
  return [...byInput.entries()]
    .sort(([a], [b]) => a - b)
    .flatMap(([, rows]) => rows.sort((a, b) => a.line - b.line))
    .slice(0, SAMPLES)
}

/** `--max-bad-rows N` or `N%` (of all rows read). */
export interface Tolerance {
  count?: number
  percent?: number
}

export function parseTolerance(text: string): Tolerance {
  const m = /^(\d+(?:\.\d+)?)(%?)$/.exec(text.trim())
  if (!m) throw new FatalError(`--max-bad-rows: expected a count like 10 or a share like 0.5%, got "${text}"`)
  return m[2] ? { percent: Number(m[1]) } : { count: Number(m[1]) }
}

export function exceedsTolerance(bad: number, rows: number, tolerance: Tolerance): boolean {
  if (tolerance.percent !== undefined) return rows > 0 && (bad / rows) * 100 > tolerance.percent
  return bad > (tolerance.count ?? 0)
}
