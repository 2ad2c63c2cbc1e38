/**
 * lz4FrameBound (src/ingest/lz4-frame.ts): the most an LZ4 frame decompresses to, from its headers,
 * is never less than what it does decompress to, and the bound of a frame that compresses well is
 * its blocks at their full size, not the few bytes it takes.
 */
import fc from 'fast-check'
import lz4 from 'lz4-napi'
import { describe, expect, it } from 'vitest'
import { lz4FrameBound } from '../../src/ingest/lz4-frame.js'

/** Bytes that compress a little or a lot: random runs of random bytes. */
const bytes = fc
  .array(fc.tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 1, max: 100_000 })), { maxLength: 20 })
  .map((runs) => Buffer.concat(runs.map(([value, length]) => Buffer.alloc(length, value))))

describe('lz4FrameBound', () => {
  it('is at least the decompressed size of any frame lz4-napi writes', () => {
    fc.assert(
      fc.property(bytes, fc.uint8Array({ maxLength: 3000 }), (runs, noise) => {
        const data = Buffer.concat([runs, noise])
        const frame = lz4.compressFrameSync(data)
        expect(lz4.decompressFrameSync(frame).length).toBe(data.length)
        expect(lz4FrameBound(frame)).toBeGreaterThanOrEqual(data.length)
      }),
      { numRuns: 60 },
    )
  })

  it('counts 64 KiB for each compressed block (4 MiB of zeros: 64 blocks of 64 KiB, in 16 KB)', () => {
    const frame = lz4.compressFrameSync(Buffer.alloc(4 << 20))
    expect(frame.length).toBeLessThan(20_000)
    expect(lz4FrameBound(frame)).toBe(4 << 20)
    expect(lz4FrameBound(Buffer.concat([frame, frame]))).toBe(8 << 20)
  })

  it('refuses what is no frame or is cut short', () => {
    const frame = lz4.compressFrameSync(Buffer.alloc(1000, 7))
    expect(() => lz4FrameBound(Buffer.from('not a frame'))).toThrow('a buffer that is no LZ4 frame')
    expect(() => lz4FrameBound(frame.subarray(0, frame.length - 2))).toThrow('an LZ4 frame cut short')
  })
})
