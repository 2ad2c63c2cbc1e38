/**
 * The progress bar of long reads, on stderr: bytes read, rows per second and the time left. Only on
 * a terminal (never in a pipe, a file or cron), never with --no-progress or --quiet, and only once
 * a read has taken longer than half a second, so short runs never flash it. Anything else written
 * to stderr meanwhile (a bad row, a warning) first erases the bar, which is redrawn on the next
 * tick; `analysing()` puts one line in its place once reading is over, and `done()` erases it for
 * good before the report is printed.
 */

import { Chalk } from 'chalk'
import { colorWanted } from './output.js'

export interface ProgressState {
  bytes: number
  /** Bytes of all inputs when known (plain files and zip members); null for stdin or gzip. */
  totalBytes: number | null
  rows: number
  elapsedMs: number
  /**
   * Bytes per second measured while reading (recent, from the first bytes on), for the time left;
   * null until measured. Absent: bytes over the elapsed time.
   */
  byteRate?: number | null
}

export interface RenderOptions {
  /** Columns available (the line never reaches the last one, so the terminal never wraps it). */
  width: number
  color: boolean
}

/** `512 B`, `1.5 kB`, `312 MB`, `1.02 GB` (decimal units, as file managers show sizes). */
export function formatBytes(n: number): string {
  if (n < 1000) return `${Math.round(n)} B`
  const units = ['kB', 'MB', 'GB', 'TB']
  let value = n / 1000
  let unit = 0
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000
    unit++
  }
  return `${value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2)} ${units[unit]}`
}

/** `950`, `12.3k`, `1.2M` rows. */
export function formatRate(n: number): string {
  if (n < 1000) return String(Math.round(n))
  if (n < 1e6) return `${(n / 1000).toFixed(n < 1e4 ? 1 : 0)}k`
  return `${(n / 1e6).toFixed(1)}M`
}

/** `0:07`, `2:05`, `1:02:03`. */
export function formatClock(ms: number): string {
  const total = Math.max(0, Math.round(ms / 1000))
  const h = Math.floor(total / 3600)
  const m = Math.floor((total % 3600) / 60)
  const s = total % 60
  const ss = String(s).padStart(2, '0')
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`
}

/**
 * The time left for `bytes` at `byteRate` bytes a second, in whole seconds rounded up: while bytes
 * remain it is never 0:00 (a bar that says nothing is left while the work goes on is lying).
 */
export function timeLeftMs(bytes: number, byteRate: number): number {
  return Math.max(1, Math.ceil(Math.round((bytes / byteRate) * 1000) / 1000)) * 1000
}

/** One line of progress, without a line ending. */
export function renderProgress(state: ProgressState, options: RenderOptions): string {
  const c = new Chalk({ level: options.color ? 1 : 0 })
  const seconds = state.elapsedMs / 1000
  const rowRate = seconds > 0 ? state.rows / seconds : 0
  const total = state.totalBytes !== null && state.totalBytes > 0 ? state.totalBytes : null
  const done = total === null ? null : Math.min(1, state.bytes / total)
  const parts: string[] = []
  if (total !== null && done !== null) {
    parts.push(
      `${String(Math.floor(done * 100)).padStart(3)}%`,
      `${formatBytes(Math.min(state.bytes, total))} of ${formatBytes(total)}`,
    )
  } else parts.push(formatBytes(state.bytes))
  parts.push(`${formatRate(rowRate)} rows/s`)
  const byteRate = state.byteRate === undefined ? (seconds > 0 ? state.bytes / seconds : 0) : state.byteRate
  if (total !== null && state.bytes > 0 && state.bytes < total && byteRate !== null && byteRate > 0) {
    parts.push(`ETA ${formatClock(timeLeftMs(total - state.bytes, byteRate))}`)
  } else parts.push(`${formatClock(state.elapsedMs)} elapsed`)
  const label = 'reading'
  const info = parts.join('  ')
  const room = options.width - 1 - label.length - info.length - 4
  if (done === null || room < 10) {
    // No room for a bar: the figures that fit, most important first.
    let line = `${label}  ${parts[0]}`
    for (const part of parts.slice(1)) {
      if (line.length + 2 + part.length > options.width - 1) break
      line += `  ${part}`
    }
    return line.slice(0, Math.max(0, options.width - 1))
  }
  const barWidth = Math.min(40, room)
  const filled = done * barWidth
  const whole = Math.floor(filled)
  const half = whole < barWidth && filled - whole >= 0.5
  const bar = '━'.repeat(whole) + (half ? '╸' : '')
  const rest = '─'.repeat(barWidth - whole - (half ? 1 : 0))
  return `${label} ${c.cyan(bar)}${c.dim(rest)}  ${info}`
}

export interface ProgressSource {
  totalBytes: number | null
  inputs: readonly { rows: number }[]
}

export interface ProgressOptions {
  /** Clock in ms (tests pass their own). */
  now?: () => number
  /** Show nothing before this many ms (default 500). */
  delayMs?: number
  /** Redraw every this many ms (default 120); 0 = no timer, the caller calls tick(). */
  intervalMs?: number
  color?: boolean
}

type Write = NodeJS.WriteStream['write']

const ERASE = '\r\x1b[2K'

/** The time left comes from the throughput of about this many recent ms. */
const RATE_WINDOW_MS = 3000
/**
 * No time left before the throughput has been measured over this many ms. Bytes come in lumps (the
 * worker threads report every 8 MiB), so a rate over the first tenth of a second or two was off
 * by half or double: on a 60-day folder the first estimate was once 23 s for 10.6 s.
 */
const MIN_MEASURE_MS = 1000

export class Progress {
  private bytes = 0
  /**
   * (time, bytes) when the first bytes came and at each tick since, the oldest within RATE_WINDOW_MS
   * kept: the throughput is measured over them. Not from the start: starting up, opening the
   * inputs and the worker threads take a while before the first bytes, and counting that time
   * made the first estimate of a 1-second read 10 s.
   */
  private readonly samples: { at: number; bytes: number }[] = []
  /** When the first bytes came: the measurement runs from there. */
  private firstBytesAt: number | null = null
  private source: ProgressSource | null = null
  private readonly started: number
  private readonly now: () => number
  private readonly delayMs: number
  private readonly color: boolean
  private readonly timer: NodeJS.Timeout | null
  private drawn = false
  /** Whether the bar has been on the screen at all. */
  private shown = false
  /** Set by analysing(): the bar is no longer redrawn. */
  private reading = true
  private finished = false
  private readonly write: (text: string) => boolean
  private readonly ownWrite: Write | undefined

  /** A bar on stderr when the options and the terminal allow one; otherwise null. */
  static start(
    options: { progress?: boolean; quiet?: boolean },
    stream: NodeJS.WriteStream = process.stderr,
  ): Progress | null {
    if (options.progress === false || options.quiet || !stream.isTTY || process.env.TERM === 'dumb')
      return null
    return new Progress(stream, { color: colorWanted(stream) })
  }

  constructor(
    private readonly stream: NodeJS.WriteStream,
    options: ProgressOptions = {},
  ) {
    this.now = options.now ?? Date.now
    this.started = this.now()
    this.delayMs = options.delayMs ?? 500
    this.color = options.color ?? false
    const original = stream.write
    this.ownWrite = Object.hasOwn(stream, 'write') ? original : undefined
    this.write = (text) => original.call(stream, text)
    // Other stderr output erases the bar first, so a line never lands in the middle of it.
    stream.write = ((...args: Parameters<Write>) => {
      this.erase()
      return original.apply(stream, args)
    }) as Write
    const interval = options.intervalMs ?? 120
    this.timer = interval > 0 ? setInterval(() => this.tick(), interval) : null
    this.timer?.unref()
  }

  /** For IngestOptions.onBytes. */
  readonly onBytes = (n: number): void => {
    this.bytes += n
    if (this.firstBytesAt === null && n > 0) {
      // The first lump was read before now: the rate counts the bytes that come after it.
      this.firstBytesAt = this.now()
      this.samples.push({ at: this.firstBytesAt, bytes: this.bytes })
    }
  }

  /** Where the totals come from: the ingestion (its inputs' row counts grow as they are read). */
  track(source: ProgressSource): void {
    this.source = source
  }

  state(): ProgressState {
    let rows = 0
    for (const input of this.source?.inputs ?? []) rows += input.rows
    const now = this.now()
    return {
      bytes: this.bytes,
      totalBytes: this.source?.totalBytes ?? null,
      rows,
      elapsedMs: now - this.started,
      byteRate: this.measure(now),
    }
  }

  /**
   * Bytes per second over the recent samples; null until bytes have come for MIN_MEASURE_MS, and
   * while none came over the whole window.
   */
  private measure(now: number): number | null {
    const samples = this.samples
    if (this.firstBytesAt !== null) {
      const last = samples.at(-1)
      if (!last || last.bytes !== this.bytes || last.at !== now) samples.push({ at: now, bytes: this.bytes })
    }
    // Keep one sample at or before the window's start, so the window is always covered.
    while (samples.length > 2 && samples[1]!.at <= now - RATE_WINDOW_MS) samples.shift()
    const first = samples[0]
    if (this.firstBytesAt === null || now - this.firstBytesAt < MIN_MEASURE_MS) return null
    if (!first || now - first.at <= 0 || this.bytes === first.bytes) return null
    return ((this.bytes - first.bytes) / (now - first.at)) * 1000
  }

  /** Redraw (after the delay). */
  tick(): void {
    if (this.finished || !this.reading) return
    const state = this.state()
    if (state.elapsedMs < this.delayMs) return
    const line = renderProgress(state, { width: this.stream.columns || 80, color: this.color })
    this.write(`${ERASE}${line}`)
    this.drawn = true
    this.shown = true
  }

  private erase(): void {
    if (!this.drawn) return
    this.drawn = false
    this.write(ERASE)
  }

  /**
   * Reading is over and the analysis begins, whose time is not in bytes (on 60 daily files it was
   * about a sixth of the run): where the bar was shown, one line says so instead of a bar at 100 %
   * with nothing left, until done() erases it. Nothing is redrawn meanwhile (the analysis keeps
   * the thread busy).
   */
  analysing(): void {
    if (this.finished || !this.reading) return
    this.reading = false
    if (this.timer) clearInterval(this.timer)
    if (!this.shown) return
    const line = `analysing ${this.state().rows.toLocaleString('en-US')} rows…`
    this.write(`${ERASE}${line.slice(0, Math.max(0, (this.stream.columns || 80) - 1))}`)
    this.drawn = true
  }

  /** Erase the bar and stop; call before printing the report (safe to call twice). */
  done(): void {
    if (this.finished) return
    this.finished = true
    if (this.timer) clearInterval(this.timer)
    this.erase()
    if (this.ownWrite) this.stream.write = this.ownWrite
    else delete (this.stream as { write?: Write }).write
  }
}
