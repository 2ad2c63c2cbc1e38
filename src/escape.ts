/**
 * Text from the inputs (market, exchange and symbol names, file names, paths, values, notes) on its
 * way to a terminal: control characters are written out (`\x1b`, `\n`, `\u202e`), so a crafted
 * name cannot clear the screen, retitle the window, move the cursor or turn text around. Every
 * output but JSON (which escapes by itself) and CSV (formula-safe cells, read by programs) goes
 * through this one function; CSV too when stdout is a terminal (`recordsForStdout`).
 */

/**
 * C0 and C1 controls and DEL (ESC, BEL, CSI, newline, …), and the invisible marks that reorder
 * or hide text: bidirectional embeddings, overrides and isolates, line and paragraph separators.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is what it is for
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/g

const SHORT: Record<string, string> = { '\t': '\\t', '\n': '\\n', '\r': '\\r' }

function written(char: string): string {
  const short = SHORT[char]
  if (short) return short
  const code = char.charCodeAt(0)
  return code < 0x100
    ? `\\x${code.toString(16).padStart(2, '0')}`
    : `\\u${code.toString(16).padStart(4, '0')}`
}

/** `BTC\x1b[2J` for a market named BTC ESC [2J: safe to print, and still shows what the input held. */
export function escapeForTerminal(text: string): string {
  return text.replace(UNSAFE, written)
}

/**
 * Records (CSV lines) for stdout: a terminal gets each line escaped and its line ends kept, so a
 * name in a cell cannot act there either; a file or a pipe gets the cells as they are.
 */
export function recordsForStdout(text: string, stdout: { isTTY?: boolean } = process.stdout): string {
  return stdout.isTTY ? text.split('\n').map(escapeForTerminal).join('\n') : text
}

/** A copy of a plain value (a report) with every string in it escaped for the terminal. */
export function escapeStringsForTerminal<T>(value: T): T {
  if (typeof value === 'string') return escapeForTerminal(value) as T
  if (Array.isArray(value)) return value.map((item) => escapeStringsForTerminal(item)) as T
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const copy: Record<string, unknown> = {}
    for (const [key, item] of Object.entries(value)) copy[key] = escapeStringsForTerminal(item)
    return copy as T
  }
  return value
}
