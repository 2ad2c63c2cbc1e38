/**
 * stdout for data and stderr for people.
 *
 * stdout: a closed pipe (`| head`) is a quiet success; any other write error (a full disk,
 * `/dev/full`, `ulimit -f`, a terminal gone) ends the run with one line and exit 2. A document
 * (`analyze --json`, `--md`, the table) is written whole or not at all; a stream of records
 * (`timeline`, `bars`, `--ndjson`) may stop early, but only after a whole record. stdout that is a
 * file is written with plain write(2) calls: Node's own stream for files drops the rest of a short
 * write (`ulimit -f`) without a word, and a short write is how a file fills up.
 *
 * stderr: every line goes through `say`, which escapes what came from the inputs for the terminal.
 */
import { fstatSync, ftruncateSync, writeSync } from 'node:fs'
import { FatalError, isBrokenPipe } from '../errors.js'
import { escapeForTerminal } from '../escape.js'

/** Thrown to unwind the pipeline when the reader of stdout has gone away. */
export class PipeClosed extends Error {}

/** stdout could not be written: exit 2 with one line (the stack only with --debug). */
export class OutputError extends FatalError {}

/** A document is written whole or not at all; records (lines) may stop after a whole one. */
export type OutputKind = 'document' | 'records'

interface FileTarget {
  fd: number
  /** A regular file: what a failed write left can be cut back. */
  regular: boolean
  /** Its size before the first write (where this output starts). */
  start: number
}

export class Output {
  private closed = false
  private failure: OutputError | null = null
  private readonly file: FileTarget | null
  /** Bytes written whole so far. */
  private written = 0

  constructor(
    private readonly kind: OutputKind,
    private readonly stream: NodeJS.WriteStream = process.stdout,
  ) {
    this.file = fileTarget(stream)
    if (!this.file)
      stream.on('error', (error) => {
        if (isBrokenPipe(error)) this.closed = true
        else this.failure ??= outputError(error)
      })
  }

  /** Write text or bytes (whole records for `records`); resolves when the stream can take more. */
  async write(text: string | Uint8Array): Promise<void> {
    if (this.closed) throw new PipeClosed()
    if (this.failure) throw this.failure
    if (text.length === 0) return
    if (this.file) return this.writeFile(this.file, text)
    const error = await new Promise<Error | null | undefined>((resolve) => {
      this.stream.write(text, resolve)
    })
    if (this.closed || isBrokenPipe(error)) {
      this.closed = true
      throw new PipeClosed()
    }
    if (error) this.failure ??= outputError(error)
    if (this.failure) throw this.failure
  }

  private writeFile(file: FileTarget, text: string | Uint8Array): void {
    const bytes =
      typeof text === 'string' ? Buffer.from(text) : Buffer.from(text.buffer, text.byteOffset, text.length)
    let done = 0
    try {
      while (done < bytes.length) {
        const n = writeSync(file.fd, bytes, done, bytes.length - done)
        if (n <= 0) throw Object.assign(new Error('the write took no bytes'), { code: 'EIO' })
        done += n
      }
    } catch (error) {
      if (isBrokenPipe(error)) {
        this.closed = true
        throw new PipeClosed()
      }
      this.cutBack(file, bytes, done)
      this.failure ??= outputError(error)
      throw this.failure
    }
    this.written += bytes.length
  }

  /**
   * After a short write to a regular file: a document is removed whole, records are cut back to
   * the last whole one. Only when the file ends where this output's bytes end (nobody else wrote).
   */
  private cutBack(file: FileTarget, bytes: Buffer, done: number): void {
    if (!file.regular) return
    try {
      const end = file.start + this.written + done
      if (fstatSync(file.fd).size !== end) return
      const keep =
        this.kind === 'document'
          ? file.start
          : file.start + this.written + bytes.subarray(0, done).lastIndexOf(0x0a) + 1
      if (keep < end) ftruncateSync(file.fd, keep)
    } catch {
      // The error that brought us here is the one to report.
    }
  }
}

/** stdout as a file descriptor when it is a file or a device other than a terminal. */
function fileTarget(stream: NodeJS.WriteStream): FileTarget | null {
  const fd = (stream as { fd?: unknown }).fd
  if (typeof fd !== 'number' || stream.isTTY) return null
  try {
    const info = fstatSync(fd)
    if (!info.isFile() && !info.isCharacterDevice() && !info.isBlockDevice()) return null
    return { fd, regular: info.isFile(), start: info.isFile() ? info.size : 0 }
  } catch {
    return null
  }
}

function outputError(error: unknown): OutputError {
  return new OutputError(`cannot write to stdout: ${systemReason(error)}`, undefined, { cause: error })
}

/** `no space left on device (ENOSPC)` from Node's `ENOSPC: no space left on device, write`. */
export function systemReason(error: unknown): string {
  const { code, message } = error as NodeJS.ErrnoException
  if (!code) return message ?? String(error)
  const words = message?.replace(new RegExp(`^${code}: `), '').replace(/, \w+( '.*')?$/, '')
  return words && words !== message ? `${words} (${code})` : `${message ?? ''} (${code})`.trim()
}

/** One line on stderr, escaped for the terminal. A stderr that cannot be written is let be. */
export function say(line: string): void {
  try {
    process.stderr.write(`${escapeForTerminal(line)}\n`)
  } catch {
    // Nothing is left to tell it with.
  }
}

/**
 * Colour on this stream: FORCE_COLOR decides when set (0 or false: never; 1, 2, 3 or true:
 * always), then NO_COLOR turns it off; otherwise a terminal that is not `TERM=dumb`.
 */
export function colorWanted(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  const force = env.FORCE_COLOR
  if (force !== undefined && force !== '') return !['0', 'false'].includes(force.trim().toLowerCase())
  if (env.NO_COLOR) return false
  return Boolean(stream.isTTY) && env.TERM !== 'dumb'
}
