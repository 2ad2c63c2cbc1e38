/**
 * Opening inputs: paths, directories (recursive), globs and `-` (stdin) become byte streams of
 * CSV text (or JSON, Feather, Parquet documents). Compression is recognised from the bytes, never from the name: gzip through zlib,
 * zip through yauzl (a zip may hold several CSVs; each member is an input of its own).
 */
import { createReadStream, createWriteStream } from 'node:fs'
import { mkdtemp, open, readdir, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import { PassThrough, type Readable } from 'node:stream'
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

const DATA_FILE = /\.(csv|tsv|txt|gz|zip|ndjson|jsonl|json|jsongz|feather|parquet)$/i

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
  const rawOpen = () => createReadStream(path, { highWaterMark: CHUNK })
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

async function listEntries(zip: yauzl.ZipFile, display: string): Promise<yauzl.Entry[]> {
  return new Promise((resolve, reject) => {
    const entries: yauzl.Entry[] = []
    zip.on('entry', (entry: yauzl.Entry) => {
      entries.push(entry)
      zip.readEntry()
    })
    zip.on('end', () => resolve(entries))
    zip.on('error', (error: Error) =>
      reject(new FatalError(`${display}: corrupt zip (${error.message}); download the file again`)),
    )
    zip.readEntry()
  })
}

async function zipMembers(file: string, display: string): Promise<Member[]> {
  const zip = await openZip(file, display)
  const entries = await listEntries(zip, display)
  zip.close()
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
    open: () => openZipEntry(file, display, entry.fileName),
    reopenable: true,
  }))
}

/** Read the member raw and inflate with zlib: the fastest way measured here (DESIGN §9). */
async function openZipEntry(file: string, display: string, fileName: string): Promise<Readable> {
  const zip = await openZip(file, display)
  const entries = await listEntries(zip, display)
  const entry = entries.find((e) => e.fileName === fileName)
  if (!entry) throw new FatalError(`${display}: member ${fileName} disappeared while reading`)
  const raw = await new Promise<Readable>((resolve, reject) => {
    zip.openReadStream(
      entry,
      { decompress: entry.compressionMethod === 8 ? false : null } as yauzl.ZipFileOptions,
      (error, stream) => {
        if (error || !stream)
          reject(
            new FatalError(
              `${display}/${fileName}: corrupt zip member (${error?.message}); download the file again`,
            ),
          )
        else resolve(stream)
      },
    )
  })
  let closed = false
  const closeZip = () => {
    if (closed) return
    closed = true
    zip.close()
  }
  raw.on('end', closeZip)
  raw.on('error', closeZip)
  raw.on('close', closeZip)
  if (entry.compressionMethod === 0) return annotate(raw, `${display}/${fileName}`, 'zip')
  if (entry.compressionMethod !== 8)
    throw new FatalError(
      `${display}/${fileName}: zip compression method ${entry.compressionMethod} is not supported (only deflate and stored)`,
    )
  const inflate = createInflateRaw({ chunkSize: CHUNK })
  raw.on('error', (error) => inflate.destroy(error))
  inflate.on('close', () => raw.destroy())
  return annotate(raw.pipe(inflate), `${display}/${fileName}`, 'zip')
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
