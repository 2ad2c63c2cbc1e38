/**
 * Opening inputs: paths, directories (recursive), globs and `-` (stdin) become byte streams of
 * CSV text. Compression is recognised from the bytes, never from the name: gzip through zlib,
 * zip through yauzl (a zip may hold several CSVs; each member is an input of its own).
 */
import { closeSync, createWriteStream, openSync, readSync } from 'node:fs'
import { mkdtemp, open, readdir, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import { PassThrough, Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { createGunzip, createInflateRaw } from 'node:zlib'
import type yauzl from 'yauzl'
import { FatalError } from '../errors.js'

/** 1 MiB reads: the 64 KiB default costs 1.5–1.9× on big files (DESIGN §9). */
export const CHUNK = 1 << 20

/** One CSV text to read: a file, a zip member, or stdin. */
export interface Member {
  /** As shown to the user and in `inputs[].path` (`archive.zip/member.csv`). */
  path: string
  /** The base name with compression suffixes removed, for detection. */
  name: string
  /** Bytes of the whole decompressed file when known cheaply (plain files), for progress. */
  size: number | null
  /** Open (or re-open) the decompressed text. Stdin can be opened once only. */
  open(): Promise<Readable>
  /** `open()` may be called again (false for stdin). Ingest then reads the head, closes, and reopens when needed. */
  reopenable: boolean
}

const DATA_FILE = /\.(csv|tsv|txt|gz|zip|ndjson|jsonl|json)$/i

/** Expand the command line's paths into files, in a stable order. */
export async function expandPaths(paths: readonly string[]): Promise<string[]> {
  const files: string[] = []
  for (const path of paths) {
    if (path === '-') {
      files.push('-')
      continue
    }
    const info = await stat(path).catch(() => null)
    if (info?.isDirectory()) {
      files.push(...(await walk(path)))
    } else if (info) {
      files.push(path)
    } else if (/[*?[\]{}]/.test(path)) {
      // Loaded when a pattern is given (most runs name files and directories).
      const { glob } = await import('tinyglobby')
      const matches = (await glob(path, { onlyFiles: true, expandDirectories: false })).sort()
      if (matches.length === 0) throw new FatalError(`${path}: no file matches this pattern`)
      files.push(...matches)
    } else {
      throw new FatalError(`${path}: no such file or directory`)
    }
  }
  return files
}

async function walk(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch((error: unknown) => {
    throw new FatalError(`${dir}: cannot read directory (${(error as Error).message})`)
  })
  const files: string[] = []
  for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    if (entry.name.startsWith('.')) continue
    const full = join(dir, entry.name)
    if (entry.isDirectory()) files.push(...(await walk(full)))
    // Directories hold .CHECKSUM files, READMEs and the like: take only what looks like data.
    else if (entry.isFile() && DATA_FILE.test(entry.name)) files.push(full)
  }
  return files
}

type Compression = 'gzip' | 'zip' | 'none'

function compressionOf(head: Buffer): Compression {
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'gzip'
  if (head.length >= 4 && head[0] === 0x50 && head[1] === 0x4b && (head[2] === 0x03 || head[2] === 0x05))
    return 'zip'
  return 'none'
}

function stripCompressionSuffix(name: string): string {
  return name.replace(/\.(gz|gzip|zip)$/i, '')
}

/** The CSV members of one path: one for plain and gzip files, one per CSV in a zip. */
export async function membersOf(path: string, stdinTemp: { dir?: string }): Promise<Member[]> {
  if (path === '-') return stdinMembers(stdinTemp)
  const head = Buffer.alloc(4)
  let size: number
  try {
    const handle = await open(path, 'r')
    try {
      await handle.read(head, 0, 4, 0)
      size = (await handle.stat()).size
    } finally {
      await handle.close()
    }
  } catch (error) {
    throw new FatalError(
      `${path}: cannot read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
      undefined,
      { cause: error },
    )
  }
  const compression = compressionOf(head)
  if (compression === 'zip') return zipMembers(path, path)
  const name = stripCompressionSuffix(basename(path))
  const rawOpen = () => new FileBytes(path)
  return [
    {
      path,
      name,
      size: compression === 'none' ? size : null,
      open: async () => (compression === 'gzip' ? gunzip(rawOpen(), path) : rawOpen()),
      reopenable: true,
    },
  ]
}

/**
 * A file's bytes (from `start`, to `end` exclusive), read synchronously in 1 MiB reads as the
 * reader asks for them. A read from the page cache is a copy of a tenth of a millisecond; an
 * asynchronous one waits for a thread-pool thread, which on a machine whose cores are all busy
 * (parsing, inflating, other programs) often takes many times longer.
 */
class FileBytes extends Readable {
  private fd: number | null = null
  private position: number
  private readonly end: number
  private readonly chunk: number

  constructor(
    private readonly path: string,
    options: { fd?: number; start?: number; end?: number; chunk?: number } = {},
  ) {
    super({ highWaterMark: options.chunk ?? CHUNK })
    this.chunk = options.chunk ?? CHUNK
    this.fd = options.fd ?? null
    this.position = options.start ?? 0
    this.end = options.end ?? Number.POSITIVE_INFINITY
  }

  override _read(): void {
    try {
      this.fd ??= openSync(this.path, 'r')
      const want = Math.min(this.chunk, this.end - this.position)
      const buffer = Buffer.allocUnsafe(Math.max(want, 0))
      const n = want > 0 ? readSync(this.fd, buffer, 0, want, this.position) : 0
      this.position += n
      this.push(n === 0 ? null : n < buffer.length ? buffer.subarray(0, n) : buffer)
    } catch (error) {
      this.destroy(error as Error)
    }
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    if (this.fd !== null) {
      try {
        closeSync(this.fd)
      } catch {
        // closed already
      }
      this.fd = null
    }
    callback(error)
  }
}

function gunzip(raw: Readable, path: string): Readable {
  const out = createGunzip({ chunkSize: CHUNK })
  raw.on('error', (error) => out.destroy(error))
  // Closing the text (an error, or a reader done early) closes the file too.
  out.on('close', () => raw.destroy())
  return annotate(raw.pipe(out), path, 'gzip')
}

/** Turn zlib's terse errors into one line that names the file and says what to do. */
function annotate(stream: Readable, path: string, what: 'gzip' | 'zip'): Readable {
  const out = new PassThrough({ highWaterMark: CHUNK })
  out.on('close', () => stream.destroy())
  stream.on('error', (error: NodeJS.ErrnoException) => {
    // A file-system error (EMFILE, EIO, …) is not damage to the archive.
    if (error.code !== undefined && /^E[A-Z]+$/.test(error.code)) {
      out.destroy(new FatalError(`${path}: cannot read (${error.message})`, undefined, { cause: error }))
      return
    }
    const reason =
      error.code === 'Z_BUF_ERROR' || /unexpected end/i.test(error.message) ? 'truncated' : 'corrupt'
    out.destroy(
      new FatalError(
        `${path}: ${reason} ${what} data (${error.message}); download the file again`,
        undefined,
        { cause: error },
      ),
    )
  })
  return stream.pipe(out)
}

async function openZip(file: string, display: string): Promise<yauzl.ZipFile> {
  const { default: zipReader } = await import('yauzl')
  return new Promise((resolve, reject) => {
    zipReader.open(file, { lazyEntries: true, autoClose: false }, (error, zip) => {
      if (error || !zip)
        reject(
          new FatalError(
            `${display}: corrupt or truncated zip (${error?.message}); download the file again`,
            undefined,
            { cause: error },
          ),
        )
      else resolve(zip)
    })
  })
}

/** A member as the zip's central directory describes it: where its bytes are and how to read them. */
interface ZipEntry {
  fileName: string
  compressionMethod: number
  compressedSize: number
  uncompressedSize: number
  localHeaderOffset: number
  encrypted: boolean
}

async function listEntries(zip: yauzl.ZipFile, display: string): Promise<ZipEntry[]> {
  return new Promise((resolve, reject) => {
    const entries: ZipEntry[] = []
    zip.on('entry', (entry: yauzl.Entry) => {
      entries.push({
        fileName: entry.fileName,
        compressionMethod: entry.compressionMethod,
        compressedSize: entry.compressedSize,
        uncompressedSize: entry.uncompressedSize,
        localHeaderOffset: entry.relativeOffsetOfLocalHeader,
        encrypted: (entry.generalPurposeBitFlag & 1) !== 0,
      })
      zip.readEntry()
    })
    zip.on('end', () => resolve(entries))
    zip.on('error', (error: Error) =>
      reject(new FatalError(`${display}: corrupt zip (${error.message}); download the file again`)),
    )
    zip.readEntry()
  })
}

/**
 * Central directories already read, by path (and the size and time that identify that version of
 * the file). Every member of a zip is opened on its own, by ingest and again by a worker thread: a
 * directory read per opening made a zip of N members cost N² (issue 15).
 */
const directories = new Map<string, { size: number; mtimeMs: number; entries: Promise<ZipEntry[]> }>()

async function zipEntries(file: string, display: string): Promise<ZipEntry[]> {
  const info = await stat(file)
  const known = directories.get(file)
  if (known && known.size === info.size && known.mtimeMs === info.mtimeMs) return known.entries
  const entries = (async () => {
    const zip = await openZip(file, display)
    try {
      return await listEntries(zip, display)
    } finally {
      zip.close()
    }
  })()
  directories.set(file, { size: info.size, mtimeMs: info.mtimeMs, entries })
  entries.catch(() => directories.delete(file))
  return entries
}

/** The members made from each directory read (a worker asks for one member of a zip per task). */
const membersByDirectory = new WeakMap<ZipEntry[], Map<string, Member[]>>()

async function zipMembers(file: string, display: string): Promise<Member[]> {
  const entries = await zipEntries(file, display)
  let byDisplay = membersByDirectory.get(entries)
  if (!byDisplay) {
    byDisplay = new Map()
    membersByDirectory.set(entries, byDisplay)
  }
  let members = byDisplay.get(display)
  if (!members) {
    members = membersOfEntries(file, display, entries)
    byDisplay.set(display, members)
  }
  return members
}

function membersOfEntries(file: string, display: string, entries: ZipEntry[]): Member[] {
  const csvs = entries.filter(
    (e) =>
      !e.fileName.endsWith('/') &&
      !e.fileName.startsWith('__MACOSX/') &&
      !/\.(CHECKSUM|md|txt)$/i.test(e.fileName) &&
      !basename(e.fileName).startsWith('.'),
  )
  if (csvs.length === 0)
    throw new FatalError(
      `${display}: the zip holds no data file (${entries.map((e) => e.fileName).join(', ') || 'empty'})`,
    )
  return csvs.map((entry) => ({
    path: `${display}/${entry.fileName}`,
    name: stripCompressionSuffix(basename(entry.fileName)),
    size: entry.uncompressedSize,
    open: () => openZipEntry(file, `${display}/${entry.fileName}`, entry),
    reopenable: true,
  }))
}

/** Bytes of a zip's local file header before its variable-length name and extra field. */
const LOCAL_HEADER = 30
const LOCAL_SIGNATURE = 0x04034b50

/**
 * A member's bytes read straight from the file in 1 MiB reads and inflated with zlib, as a .gz is:
 * yauzl's own stream reads in small pieces and made .zip about 20 % slower than .gz (DESIGN §9).
 * The central directory says where the member is; its local header, how long the name and extra
 * field before the data are.
 */
async function openZipEntry(file: string, display: string, entry: ZipEntry): Promise<Readable> {
  if (entry.encrypted)
    throw new FatalError(`${display}: the zip member is encrypted; unzip it with its password first`)
  if (entry.compressionMethod !== 0 && entry.compressionMethod !== 8)
    throw new FatalError(
      `${display}: zip compression method ${entry.compressionMethod} is not supported (only deflate and stored)`,
    )
  const header = Buffer.alloc(LOCAL_HEADER)
  let fd: number
  try {
    fd = openSync(file, 'r')
  } catch (error) {
    throw new FatalError(`${display}: cannot read (${(error as NodeJS.ErrnoException).code})`, undefined, {
      cause: error,
    })
  }
  let raw: Readable
  try {
    const bytesRead = readSync(fd, header, 0, LOCAL_HEADER, entry.localHeaderOffset)
    if (bytesRead < LOCAL_HEADER || header.readUInt32LE(0) !== LOCAL_SIGNATURE)
      throw new FatalError(`${display}: corrupt zip member (no local header); download the file again`)
    const start = entry.localHeaderOffset + LOCAL_HEADER + header.readUInt16LE(26) + header.readUInt16LE(28)
    // The stream reads through the descriptor, and closes it. Small members get small buffers: a
    // zip of thousands of days may have all of them open at once.
    raw = new FileBytes(file, {
      fd,
      start,
      end: start + entry.compressedSize,
      chunk: Math.min(CHUNK, Math.max(entry.compressedSize, 1 << 14)),
    })
  } catch (error) {
    closeSync(fd)
    throw error
  }
  if (entry.compressionMethod === 0) return annotate(raw, display, 'zip')
  const inflate = createInflateRaw({ chunkSize: Math.min(CHUNK, Math.max(entry.uncompressedSize, 1 << 14)) })
  raw.on('error', (error: Error) => inflate.destroy(error))
  inflate.on('close', () => raw.destroy())
  return annotate(raw.pipe(inflate), display, 'zip')
}

/** Stdin: gzip is inflated on the fly; a zip needs random access, so it is spooled to a temp file. */
async function stdinMembers(stdinTemp: { dir?: string }): Promise<Member[]> {
  const stdin = process.stdin
  const first: Buffer | null = await new Promise((resolve, reject) => {
    const onReadable = () => {
      cleanup()
      resolve(stdin.read() as Buffer | null)
    }
    const onEnd = () => {
      cleanup()
      resolve(null)
    }
    const onError = (e: Error) => {
      cleanup()
      reject(new FatalError(`<stdin>: cannot read (${e.message})`))
    }
    const cleanup = () => {
      stdin.off('readable', onReadable)
      stdin.off('end', onEnd)
      stdin.off('error', onError)
    }
    stdin.on('readable', onReadable)
    stdin.on('end', onEnd)
    stdin.on('error', onError)
  })
  const head = first ?? Buffer.alloc(0)
  const whole = new PassThrough({ highWaterMark: CHUNK })
  whole.write(head)
  stdin.pipe(whole)
  const compression = compressionOf(head)
  if (compression === 'zip') {
    stdinTemp.dir = await mkdtemp(join(tmpdir(), 'cascade-stdin-'))
    const file = join(stdinTemp.dir, 'stdin.zip')
    await pipeline(whole, createWriteStream(file))
    return zipMembers(file, '<stdin>')
  }
  let opened = false
  return [
    {
      path: '<stdin>',
      name: '',
      size: null,
      reopenable: false,
      open: async () => {
        if (opened) throw new Error('stdin can be read once only')
        opened = true
        return compression === 'gzip' ? gunzip(whole, '<stdin>') : whole
      },
    },
  ]
}

export async function removeTemp(stdinTemp: { dir?: string }): Promise<void> {
  if (stdinTemp.dir) await rm(stdinTemp.dir, { recursive: true, force: true })
}
