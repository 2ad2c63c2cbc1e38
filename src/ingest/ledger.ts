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
  /** The file it was read from, as the command line's paths expanded to it (a zip's members share it). */
  file: string
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

/**
 * What becomes of the rows of an input: every row read is counted in exactly one of these
 * (`rows` = their sum), so nothing is dropped silently (DESIGN §8).
 */
export const ROW_OUTCOMES = ['events', 'duplicates', 'badRows', 'skipped', 'superseded', 'suspect'] as const

export class StrictError extends FatalError {}

export const SUSPECT_PRINT = 'SUSPECT_PRINT'

export class Ledger {
  total = 0
  readonly byCode = new Map<string, number>()
  /** Per input, its first bad rows by line (whatever order they were found in). */
  private readonly samplesByInput = new Map<number, BadRow[]>()
  suspectTotal = 0
  /** Per input, its first suspect prints by line. */
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
    keepByLine(this.suspectByInput, input.index, row)
    this.options.onSuspect?.(row, this.suspectTotal)
  }

  /** The first suspect prints in input order, then line order. */
  suspectSamples(): BadRow[] {
    return firstSamples(this.suspectByInput)
  }

  /**
   * The input's bad rows up to `line` are in already: when it is read again, they are not added
   * twice (its `badRows` count stays as it is).
   */
  countedThrough(input: number, line: number): void {
    this.counted.set(input, line)
  }

  private readonly counted = new Map<number, number>()

  add(input: InputStats, line: number, code: string, message: string): void {
    if (line <= (this.counted.get(input.index) ?? Number.NEGATIVE_INFINITY)) return
    this.total++
    input.badRows++
    this.byCode.set(code, (this.byCode.get(code) ?? 0) + 1)
    const row = { file: input.path, line, code, message }
    keepByLine(this.samplesByInput, input.index, row)
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

/**
 * Keep the input's SAMPLES lowest lines, in line order: the same rows whichever path found them,
 * in whichever order (a fold commits its rows at the end, the timeline as it reads).
 */
function keepByLine(byInput: Map<number, BadRow[]>, input: number, row: BadRow): void {
  let samples = byInput.get(input)
  if (!samples) {
    samples = []
    byInput.set(input, samples)
  }
  if (samples.length < SAMPLES || row.line < samples[samples.length - 1]!.line) {
    let at = samples.length
    while (at > 0 && samples[at - 1]!.line > row.line) at--
    samples.splice(at, 0, row)
    if (samples.length > SAMPLES) samples.pop()
  }
}

/** The first samples in input order, each input's already in line order. */
function firstSamples(byInput: Map<number, BadRow[]>): BadRow[] {
  return [...byInput.entries()]
    .sort(([a], [b]) => a - b)
    .flatMap(([, rows]) => rows)
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
