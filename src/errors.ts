/**
 * The two kinds of failure cascade knows about.
 *
 * - `FatalError`: the run cannot go on (unknown format, unreadable path, corrupt archive, bad
 *   option). The CLI prints its one-line message and exits 2; the stack only with `--debug`.
 * - `RowError`: one row is bad. It is counted by code in the ledger with its file and line,
 *   and the run goes on.
 */
export class FatalError extends Error {
  override readonly name = 'FatalError'
  constructor(
    message: string,
    readonly hint?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options)
  }
}

/**
 * A file no format claims (unknown, or not text). Named on the command line it is fatal; found by
 * walking a directory or a glob, or inside a zip, it is skipped and listed (`skippedFiles[]`).
 */
export class UnclaimedFile extends FatalError {
  constructor(
    readonly path: string,
    /** Why, without the path: `unknown format (first line: …)`. */
    readonly reason: string,
    hint?: string,
  ) {
    super(`${path}: ${reason}`, hint)
  }
}

export type RowErrorCode =
  | 'BAD_NUMBER'
  | 'BAD_TIMESTAMP'
  | 'BAD_SIDE'
  | 'BAD_BOOLEAN'
  | 'FIELD_COUNT'
  | 'MISSING_FIELD'
  | 'OUT_OF_ORDER'
  | 'BAD_JSON'
  | 'BAD_SYMBOL'
  | 'LINE_TOO_LONG'
  | 'CSV_QUOTE_NOT_CLOSED'
  | 'CSV_INVALID_CLOSING_QUOTE'
  | 'CSV_RECORD_INCONSISTENT_FIELDS_LENGTH'
  | 'CSV_MAX_RECORD_SIZE'
  | 'CSV_ERROR'
  | (string & {})

export class RowError extends Error {
  override readonly name = 'RowError'
  constructor(
    readonly code: RowErrorCode,
    message: string,
  ) {
    // No stack: a RowError is a counted bad row, never shown with one, and capturing it was most
    // of the cost of a bad row (a file of half a million of them took seconds more).
    const limit = Error.stackTraceLimit
    Error.stackTraceLimit = 0
    super(message)
    Error.stackTraceLimit = limit
  }
}

/** Node's error for a write to a closed pipe (`cascade timeline … | head`). */
export function isBrokenPipe(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === 'EPIPE'
}
