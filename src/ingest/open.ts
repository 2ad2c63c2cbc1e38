/**
 * Opening inputs: paths, directories (recursive, following symbolic links), globs, `-` (stdin) and
 * pipes become byte streams of text (or JSON, Feather, Parquet documents). Compression is recognised from the bytes, never from the
 * name: gzip through zlib, zip through yauzl (a zip may hold several files; each member is an
 * input of its own). Which files are data is for detection to say (ingest), not the file name.
 */
import { closeSync, createReadStream, createWriteStream, openSync, readSync, rmSync } from 'node:fs'
import { mkdtemp, open, readdir, realpath, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { basename, isAbsolute, join, sep } from 'node:path'
import { PassThrough, Readable, type Transform } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { createGunzip, createInflateRaw } from 'node:zlib'
import type yauzl from 'yauzl'
import { FatalError } from '../errors.js'

/** 1 MiB reads: the 64 KiB default costs 1.5–1.9× on big files (DESIGN §9). */
export const CHUNK = 1 << 20
/** The head of an input that detection reads (read.ts PROBE_BYTES). */
const HEAD_BYTES = 64 * 1024

/** One CSV text to read: a file, a zip member, or a stream (stdin, a pipe). */
export interface Member {
  /** As shown to the user and in `inputs[].path` (`archive.zip/member.csv`). */
  path: string
  /** The base name with compression suffixes removed, for detection. */
  name: string
  /** Bytes of the whole decompressed file when known cheaply (plain files), for progress. */
  size: number | null
  /**
   * Open (or re-open) the decompressed text. A stream can be opened once only. `head`: for a look
   * at the first bytes only (detection), with small buffers that read little ahead.
   */
  open(options?: OpenOptions): Promise<Readable>
  /** `open()` may be called again (false for streams). Ingest then reads the head, closes, and reopens when needed. */
  reopenable: boolean
  /**
   * A member of a zip read from a stream, which was copied to a temp file (a zip needs random
   * access): other threads reopen it from `file`, naming the zip `shownAs` (`<stdin>`).
   */
  spooled?: { file: string; shownAs: string }
}

export interface OpenOptions {
  /**
   * Only the head is read (detection), and the stream is closed then: small reads and buffers,
   * nothing inflated ahead beyond them. (Opened for a whole read, a zip member's stream held
   * about 2 MB of text inflated ahead, and 1 MiB buffers, from its probe to its read.)
   */
  head?: boolean
}

/** One path to read, as the command line named it or a walk found it. */
export interface InputFile {
  path: string
  /**
   * Named on the command line: a file no format claims is an error. Files found by walking a
   * directory or matching a glob (and the members of a zip) are skipped instead, and listed.
   */
  named: boolean
  /** Read once, as a stream: stdin (`-`), a FIFO, a process substitution (`<(zcat f.gz)`). */
  stream: boolean
  /** Left out by the walk, and why (a symbolic link loop, a FIFO in a directory). */
  skip?: string
}

/** A file that is not read, and why, for stderr and `skippedFiles[]`. */
export interface SkippedFile {
  path: string
  reason: string
}

/** Not data: the companions of downloads, never listed as skipped. */
const COMPANION = /\.CHECKSUM$/i

/** Expand the command line's paths into files, in a stable order; see `InputFile`. */
export async function expandInputs(paths: readonly string[]): Promise<InputFile[]> {
  const files: InputFile[] = []
  const seen: Seen = { dirs: new Map(), files: new Map() }
  for (const path of paths) {
    if (path === '-') {
      files.push({ path: '-', named: true, stream: true })
      continue
    }
    const info = await stat(path).catch(() => null)
    if (info?.isDirectory()) {
      files.push(...(await walk(path, seen)))
    } else if (info) {
      files.push({ path, named: true, stream: !info.isFile() })
    } else if (/[*?[\]{}]/.test(path)) {
      // Loaded when a pattern is given (most runs name files and directories).
      const { glob } = await import('tinyglobby')
      const matches = (
        await glob(path, { onlyFiles: true, expandDirectories: false, absolute: isAbsolute(path) })
      ).sort()
      if (matches.length === 0) throw new FatalError(`${path}: no file matches this pattern`)
      for (const match of matches)
        if (!COMPANION.test(match)) files.push({ path: match, named: false, stream: false })
    } else {
      throw new FatalError(`${path}: no such file or directory`)
    }
  }
  return files
}

/** The paths `expandInputs` would read (walked files it leaves out are not among them). */
export async function expandPaths(paths: readonly string[]): Promise<string[]> {
  return (await expandInputs(paths)).filter((file) => !file.skip).map((file) => file.path)
}

/** Real paths already walked, with the path they were reached by. */
interface Seen {
  dirs: Map<string, string>
  files: Map<string, string>
}

/**
 * A directory, recursively, in name order. Hidden files and `.CHECKSUM` files are left out;
 * symbolic links are followed, each directory and file read once (a link back up is a loop).
 */
async function walk(dir: string, seen: Seen): Promise<InputFile[]> {
  const cannot = (error: unknown) => {
    throw new FatalError(`${dir}: cannot read directory (${(error as Error).message})`)
  }
  const real = await realpath(dir).catch(cannot)
  seen.dirs.set(real, dir)
  const entries = await readdir(dir, { withFileTypes: true }).catch(cannot)
  const files: InputFile[] = []
  const found = (path: string): InputFile => ({ path, named: false, stream: false })
  const skip = (path: string, reason: string): InputFile => ({ ...found(path), skip: reason })
  for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    if (entry.name.startsWith('.') || COMPANION.test(entry.name)) continue
    const full = join(dir, entry.name)
    const again = (entry.isDirectory() ? seen.dirs : seen.files).get(join(real, entry.name))
    if (again !== undefined) {
      // Reached before through a symbolic link.
      files.push(skip(full, `read already as ${again} (a symbolic link to it)`))
    } else if (entry.isDirectory()) {
      files.push(...(await walk(full, seen)))
    } else if (entry.isFile()) {
      seen.files.set(join(real, entry.name), full)
      files.push(found(full))
    } else if (entry.isSymbolicLink()) {
      const target = await stat(full).catch(() => null)
      const to = target && (await realpath(full).catch(() => null))
      if (!target || !to) files.push(skip(full, 'broken symbolic link'))
      else if (target.isDirectory()) {
        const before = seen.dirs.get(to)
        // A link to a folder that holds this one would walk it again and again.
        if (real === to || real.startsWith(to.endsWith(sep) ? to : `${to}${sep}`))
          files.push(skip(full, `symbolic link loop: back to ${before ?? to}`))
        else if (before === undefined) files.push(...(await walk(full, seen)))
        else files.push(skip(full, `read already as ${before} (a symbolic link)`))
      } else if (target.isFile()) {
        const before = seen.files.get(to)
        if (before === undefined) {
          seen.files.set(to, full)
          files.push(found(full))
        } else files.push(skip(full, `read already as ${before} (a symbolic link)`))
      } else files.push(skip(full, `symbolic link to ${kindOf(target)}, not a file`))
    } else {
      files.push(skip(full, `${kindOf(entry)}, not a file (name it on the command line to read it)`))
    }
  }
  return files
}

function kindOf(entry: { isFIFO(): boolean; isSocket(): boolean; isCharacterDevice(): boolean }): string {
  if (entry.isFIFO()) return 'a FIFO'
  if (entry.isSocket()) return 'a socket'
  if (entry.isCharacterDevice()) return 'a device'
  return 'a special file'
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

/** Where zips read from a stream are copied (a zip needs random access); see `removeTemp`. */
export interface TempDir {
  dir?: string
}

/**
 * The members of one path: one for plain and gzip files, one per file in a zip. `-` is stdin;
 * a FIFO or a process substitution (`<(zcat f.gz)`) is read as a stream, as stdin is. `shownAs`
 * names the path in messages and member paths (a temp copy of a zip shows as `<stdin>`).
 */
export async function membersOf(path: string, temp: TempDir, shownAs = path): Promise<Member[]> {
  if (path === '-') return streamMembers(process.stdin, '<stdin>', '', temp)
  const cannotRead = (error: unknown) =>
    new FatalError(
      `${shownAs}: cannot read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
      undefined,
      { cause: error },
    )
  const handle = await open(path, 'r').catch((error: unknown) => {
    throw cannotRead(error)
  })
  const head = Buffer.alloc(4)
  let size: number
  try {
    const info = await handle.stat()
    if (info.isDirectory()) throw new FatalError(`${shownAs}: a directory, not a file`)
    if (!info.isFile()) {
      // A pipe can be read neither at an offset nor twice: one stream, which owns the handle now.
      const stream = createReadStream('', { fd: handle, highWaterMark: CHUNK })
      return streamMembers(stream, shownAs, stripCompressionSuffix(basename(path)), temp)
    }
    await handle.read(head, 0, 4, 0)
    size = info.size
    await handle.close()
  } catch (error) {
    await handle.close().catch(() => {})
    throw error instanceof FatalError ? error : cannotRead(error)
  }
  const compression = compressionOf(head)
  if (compression === 'zip') return zipMembers(path, shownAs)
  const name = stripCompressionSuffix(basename(path))
  return [
    {
      path: shownAs,
      name,
      size: compression === 'none' ? size : null,
      open: async (options) =>
        compression === 'gzip' ? gunzipFile(path, shownAs, options?.head === true) : new FileBytes(path),
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
  /** The next read's size: the first one is the probe's (read.ts), then doubling to `chunk`. */
  private next: number

  constructor(
    private readonly path: string,
    options: { fd?: number; start?: number; end?: number; chunk?: number } = {},
  ) {
    // A first read of the probe's size and no read ahead beyond it: a look at the head (every
    // input is probed before any is read) costs 64 KiB, where a 1 MiB read and another ahead of it
    // made a folder of 365 files take 700 MiB that waited for the garbage collector. The reads
    // after it double up to `chunk`.
    const head = Math.min(options.chunk ?? CHUNK, HEAD_BYTES)
    super({ highWaterMark: head })
    this.chunk = options.chunk ?? CHUNK
    this.next = head
    this.fd = options.fd ?? null
    this.position = options.start ?? 0
    this.end = options.end ?? Number.POSITIVE_INFINITY
  }

  override _read(): void {
    try {
      this.fd ??= openSync(this.path, 'r')
      const want = Math.min(this.next, this.end - this.position)
      this.next = Math.min(this.chunk, this.next * 2)
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

/** Compressed bytes read at a time (about 5 MiB of CSV): 256 KiB reads made one big zip 5–7 % slower. */
const COMPRESSED_CHUNK = 1 << 20
/** A look at the head reads 16 KiB of deflate, about 64 KiB of CSV. */
const COMPRESSED_HEAD = 1 << 14
/**
 * Text inflated at a time. zlib allocates a fresh buffer of this size for each, left to the
 * garbage collector: with 512 KiB, 40 daily zips on one thread peaked about 10 MiB below 1 MiB at
 * the same speed; 256 KiB took 8 % more CPU time.
 */
const INFLATE_CHUNK = 1 << 19

/**
 * Full-size read buffers that zlib is done with, for the next stream (in this thread): a fresh
 * pair for each member of a folder of zips left the allocator holding more with every member.
 */
const spareReads: Buffer[] = []
const SPARE_READS = 4

/**
 * Feed a file's compressed bytes (from `start`, to `end` exclusive; the descriptor is the
 * caller's, closed with `into`) to zlib, read synchronously (see FileBytes) into two buffers used
 * in turn: zlib calls back when it is done with one (also after the stream is destroyed), and the
 * next read goes into it while zlib inflates the other.
 */
function feedZlib(fd: number, start: number, end: number, chunk: number, into: Transform): void {
  const spare = chunk === COMPRESSED_CHUNK ? spareReads : []
  let position = start
  let inFlight = 0
  let ended = false
  let closed = false
  into.once('close', () => {
    if (closed) return
    closed = true
    try {
      closeSync(fd)
    } catch {
      // closed already
    }
  })
  const next = (): void => {
    try {
      while (!into.destroyed && !ended && inFlight < 2) {
        const want = Math.min(chunk, end - position)
        const buffer = want > 0 ? (spare.pop() ?? Buffer.allocUnsafe(chunk)) : null
        const n = buffer ? readSync(fd, buffer, 0, want, position) : 0
        if (!buffer || n === 0) {
          if (buffer) spare.push(buffer)
          ended = true
          into.end()
          return
        }
        position += n
        inFlight++
        into.write(buffer.subarray(0, n), () => {
          inFlight--
          if (spare.length < SPARE_READS) spare.push(buffer)
          next()
        })
      }
    } catch (error) {
      into.destroy(error as Error)
    }
  }
  next()
}

/** A gzip file's text. */
function gunzipFile(path: string, shownAs: string, head: boolean): Readable {
  const out = createGunzip({ chunkSize: head ? HEAD_BYTES : INFLATE_CHUNK })
  let fd: number
  try {
    fd = openSync(path, 'r')
  } catch (error) {
    // Met by the reader as the stream's error (annotate: `cannot read`).
    process.nextTick(() => out.destroy(error as Error))
    return annotate(out, shownAs, 'gzip', head)
  }
  feedZlib(fd, 0, Number.POSITIVE_INFINITY, head ? COMPRESSED_HEAD : COMPRESSED_CHUNK, out)
  return annotate(out, shownAs, 'gzip', head)
}

/** The text of gzip read from a stream (stdin, a pipe). */
function gunzipStream(raw: Readable, path: string): Readable {
  const out = createGunzip({ chunkSize: CHUNK })
  raw.on('error', (error) => out.destroy(error))
  // Closing the text (an error, or a reader done early) closes the stream too.
  out.on('close', () => raw.destroy())
  return annotate(raw.pipe(out), path, 'gzip')
}

/** Turn zlib's terse errors into one line that names the file and says what to do. */
function annotate(stream: Readable, path: string, what: 'gzip' | 'zip', head = false): Readable {
  const out = new PassThrough({
    highWaterMark: head ? HEAD_BYTES : CHUNK,
    // Closing the text closes zlib's stream at once (its native memory goes then, not a tick later).
    destroy(error, callback) {
      stream.destroy()
      callback(error)
    },
  })
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

/**
 * The files of a zip, each an input of its own. Directories, macOS resource forks, hidden files
 * and `.CHECKSUM` files are left out; anything else goes to detection, which skips what no
 * format claims. An empty list is the caller's to judge. `spooled`: the zip is the temp copy of a
 * stream.
 */
async function zipMembers(file: string, display: string, spooled = false): Promise<Member[]> {
  const entries = await zipEntries(file, display)
  let byDisplay = membersByDirectory.get(entries)
  if (!byDisplay) {
    byDisplay = new Map()
    membersByDirectory.set(entries, byDisplay)
  }
  let members = byDisplay.get(display)
  if (!members) {
    members = membersOfEntries(file, display, entries, spooled)
    byDisplay.set(display, members)
  }
  return members
}

function membersOfEntries(file: string, display: string, entries: ZipEntry[], spooled: boolean): Member[] {
  const files = entries.filter(
    (e) =>
      !e.fileName.endsWith('/') &&
      !e.fileName.startsWith('__MACOSX/') &&
      !COMPANION.test(e.fileName) &&
      !basename(e.fileName).startsWith('.'),
  )
  return files.map((entry) => ({
    path: `${display}/${entry.fileName}`,
    name: stripCompressionSuffix(basename(entry.fileName)),
    size: entry.uncompressedSize,
    open: (options) => openZipEntry(file, `${display}/${entry.fileName}`, entry, options?.head === true),
    reopenable: true,
    ...(spooled ? { spooled: { file, shownAs: display } } : {}),
  }))
}

/** Bytes of a zip's local file header before its variable-length name and extra field. */
const LOCAL_HEADER = 30
const LOCAL_SIGNATURE = 0x04034b50

/**
 * A member's bytes read straight from the file in large reads and inflated with zlib, as a .gz is:
 * yauzl's own stream reads in small pieces and made .zip about 20 % slower than .gz (DESIGN §9).
 * The central directory says where the member is; its local header, how long the name and extra
 * field before the data are.
 */
async function openZipEntry(
  file: string,
  display: string,
  entry: ZipEntry,
  head: boolean,
): Promise<Readable> {
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
  let start: number
  try {
    const bytesRead = readSync(fd, header, 0, LOCAL_HEADER, entry.localHeaderOffset)
    if (bytesRead < LOCAL_HEADER || header.readUInt32LE(0) !== LOCAL_SIGNATURE)
      throw new FatalError(`${display}: corrupt zip member (no local header); download the file again`)
    start = entry.localHeaderOffset + LOCAL_HEADER + header.readUInt16LE(26) + header.readUInt16LE(28)
  } catch (error) {
    closeSync(fd)
    throw error
  }
  const end = start + entry.compressedSize
  // The streams read through the descriptor, and close it. Small members get small buffers: a
  // zip of thousands of days has as many members.
  if (entry.compressionMethod === 0) {
    const chunk = head ? HEAD_BYTES : Math.min(CHUNK, Math.max(entry.compressedSize, 1 << 14))
    return annotate(new FileBytes(file, { fd, start, end, chunk }), display, 'zip', head)
  }
  const inflate = createInflateRaw({
    chunkSize: Math.min(head ? HEAD_BYTES : INFLATE_CHUNK, Math.max(entry.uncompressedSize, 1 << 14)),
  })
  const chunk = head ? COMPRESSED_HEAD : Math.min(COMPRESSED_CHUNK, Math.max(entry.compressedSize, 1 << 14))
  feedZlib(fd, start, end, chunk, inflate)
  return annotate(inflate, display, 'zip', head)
}

/**
 * A stream (stdin, a pipe): gzip is inflated on the fly; a zip needs random access, so it is
 * copied to a temp file first, removed again by `removeTemp` (or at exit, or on a signal).
 */
async function streamMembers(
  stream: Readable,
  display: string,
  name: string,
  temp: TempDir,
): Promise<Member[]> {
  const first: Buffer | null = await new Promise((resolve, reject) => {
    const onReadable = () => {
      cleanup()
      resolve(stream.read() as Buffer | null)
    }
    const onEnd = () => {
      cleanup()
      resolve(null)
    }
    const onError = (e: Error) => {
      cleanup()
      reject(new FatalError(`${display}: cannot read (${e.message})`, undefined, { cause: e }))
    }
    const cleanup = () => {
      stream.off('readable', onReadable)
      stream.off('end', onEnd)
      stream.off('error', onError)
    }
    stream.on('readable', onReadable)
    stream.on('end', onEnd)
    stream.on('error', onError)
  })
  const head = first ?? Buffer.alloc(0)
  const whole = new PassThrough({ highWaterMark: CHUNK })
  whole.write(head)
  stream.on('error', (error) => whole.destroy(error))
  stream.pipe(whole)
  const compression = compressionOf(head)
  if (compression === 'zip') {
    let file = ''
    try {
      if (!temp.dir) {
        temp.dir = await mkdtemp(join(tmpdir(), 'cascade-stdin-'))
        guardTemp(temp.dir)
      }
      file = join(temp.dir, `${spoolCount++}.zip`)
      await pipeline(whole, createWriteStream(file))
    } catch (error) {
      if (error instanceof FatalError) throw error
      throw new FatalError(
        `${display}: cannot copy the zip to a temp file in ${tmpdir()} (${(error as Error).message})`,
        'a zip read from a pipe needs a copy on disk: set TMPDIR to a folder with room, or name the zip file itself',
        { cause: error },
      )
    }
    return zipMembers(file, display, true)
  }
  let opened = false
  return [
    {
      path: display,
      name,
      size: null,
      reopenable: false,
      open: async () => {
        if (opened) throw new Error(`${display} can be read once only`)
        opened = true
        return compression === 'gzip' ? gunzipStream(whole, display) : whole
      },
    },
  ]
}

let spoolCount = 0

/** Temp directories in use, removed at exit and on SIGINT, SIGTERM and SIGHUP too. */
const guarded = new Set<string>()
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const

function removeGuardedNow(): void {
  for (const dir of guarded) rmSync(dir, { recursive: true, force: true })
  guarded.clear()
}

function onSignal(signal: NodeJS.Signals): void {
  removeGuardedNow()
  unguardAll()
  // Die of the signal as if there had been no handler (exit 130 for SIGINT, 143 for SIGTERM).
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal)
}

function guardTemp(dir: string): void {
  if (guarded.size === 0) {
    process.on('exit', removeGuardedNow)
    for (const signal of SIGNALS) process.on(signal, onSignal)
  }
  guarded.add(dir)
}

function unguardAll(): void {
  process.off('exit', removeGuardedNow)
  for (const signal of SIGNALS) process.off(signal, onSignal)
}

export async function removeTemp(temp: TempDir): Promise<void> {
  if (!temp.dir) return
  const dir = temp.dir
  temp.dir = undefined
  await rm(dir, { recursive: true, force: true })
  guarded.delete(dir)
  if (guarded.size === 0) unguardAll()
}
