/**
 * The most bytes an LZ4 frame can decompress to, from its headers alone: each block at most its
 * frame's block size (64 KiB to 4 MiB), as the decoder allows. A Feather file's buffers are LZ4
 * frames that decompress up to 255 times their size, and lz4-napi decompresses a frame whole
 * before anyone can count it: document.ts refuses a frame whose bound is over the document limit
 * before decompressing it. https://github.com/lz4/lz4/blob/dev/doc/lz4_Frame_format.md
 */

const FRAME_MAGIC = 0x184d2204
/** Skippable frames: 0x184D2A50 to 0x184D2A5F, then a 4-byte length. */
const SKIPPABLE = 0x184d2a50
const BLOCK_MAX = [0, 0, 0, 0, 64 << 10, 256 << 10, 1 << 20, 4 << 20]

/** Bytes the frames in `data` decompress to at most; throws when they are not LZ4 frames. */
export function lz4FrameBound(data: Uint8Array): number {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength)
  const need = (at: number, bytes: number) => {
    if (at + bytes > data.length) throw new Error('an LZ4 frame cut short')
  }
  let bound = 0
  let at = 0
  while (at < data.length) {
    need(at, 4)
    const magic = view.getUint32(at, true)
    if ((magic & 0xfffffff0) === SKIPPABLE) {
      need(at, 8)
      at += 8 + view.getUint32(at + 4, true)
      continue
    }
    if (magic !== FRAME_MAGIC) throw new Error('a buffer that is no LZ4 frame')
    need(at, 7)
    const flags = view.getUint8(at + 4)
    const blockMax = BLOCK_MAX[(view.getUint8(at + 5) >> 4) & 7] ?? 0
    if (flags >> 6 !== 1 || blockMax === 0)
      throw new Error('an LZ4 frame of an unknown version or block size')
    const blockChecksum = flags & 0x10 ? 4 : 0
    at += 6 + (flags & 0x08 ? 8 : 0) + (flags & 0x01 ? 4 : 0) + 1
    for (;;) {
      need(at, 4)
      const block = view.getUint32(at, true)
      at += 4
      if (block === 0) break
      const size = block & 0x7fffffff
      // A stored block is its own size; a compressed one at most the frame's block size.
      bound += block & 0x80000000 ? size : blockMax
      at += size + blockChecksum
    }
    at += flags & 0x04 ? 4 : 0
  }
  return bound
}
