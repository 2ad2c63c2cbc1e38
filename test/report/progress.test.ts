/**
 * The progress bar (src/cli/progress.ts): the line itself for known and unknown sizes, with and
 * without colour; the bar only on a terminal, only after its delay, erased before other stderr
 * output and for good by done(). The CLI tests check that pipes never see it.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  formatBytes,
  formatClock,
  formatRate,
  Progress,
  renderProgress,
  timeLeftMs,
} from '../../src/cli/progress.js'

const ESC = '\u001b'
const ANSI = new RegExp(`${ESC}\\[[0-9;]*m`, 'g')

describe('renderProgress', () => {
  it('shows percent, bytes, rows per second and the time left', () => {
    // 50 MB of 200 MB in 2 s: 25 MB/s, so 150 MB more take 6 s; 1,000,000 rows in 2 s = 500k rows/s.
    // At 100 columns the bar gets 40 cells, a quarter of them full.
    const line = renderProgress(
      { bytes: 50e6, totalBytes: 200e6, rows: 1e6, elapsedMs: 2000 },
      { width: 100, color: false },
    )
    expect(line).toBe(
      `reading ${'━'.repeat(10)}${'─'.repeat(30)}   25%  50.0 MB of 200 MB  500k rows/s  ETA 0:06`,
    )
    expect(line.length).toBeLessThan(100)
  })

  it('shows what it can when the size is unknown (stdin, gzip), and drops the bar when narrow', () => {
    expect(
      renderProgress(
        { bytes: 3e6, totalBytes: null, rows: 3000, elapsedMs: 2000 },
        { width: 80, color: false },
      ),
    ).toBe('reading  3.00 MB  1.5k rows/s  0:02 elapsed')
    const narrow = renderProgress(
      { bytes: 5e6, totalBytes: 10e6, rows: 10, elapsedMs: 1000 },
      { width: 40, color: false },
    )
    expect(narrow).toBe('reading   50%  5.00 MB of 10.0 MB')
  })

  it('uses colour only when asked', () => {
    const state = { bytes: 1e6, totalBytes: 4e6, rows: 10, elapsedMs: 1000 }
    const plain = renderProgress(state, { width: 100, color: false })
    const coloured = renderProgress(state, { width: 100, color: true })
    expect(plain).not.toMatch(ANSI)
    expect(coloured).toMatch(ANSI)
    expect(coloured.replace(ANSI, '')).toBe(plain)
  })

  it('never says 0:00 while bytes remain, and tells no time left once all are read', () => {
    const state = { totalBytes: 200e6, rows: 1e6, elapsedMs: 5000, byteRate: 100e6 }
    expect(renderProgress({ ...state, bytes: 199.9e6 }, { width: 100, color: false })).toMatch(/ETA 0:01$/)
    // Read to the end, the rest (joining, analysis) is not in bytes: the time so far instead.
    expect(renderProgress({ ...state, bytes: 200e6 }, { width: 100, color: false })).toMatch(/ 0:05 elapsed$/)
    expect([timeLeftMs(100e6, 20e6), timeLeftMs(4.2e6, 1e6), timeLeftMs(1, 1e9)]).toEqual([5000, 5000, 1000])
    fc.assert(
      fc.property(
        fc.double({ min: 1, max: 1e12, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }),
        fc.double({ min: 1e-3, max: 1e12, noNaN: true }),
        (total, fraction, byteRate) => {
          const bytes = Math.max(1, Math.floor(total * fraction))
          fc.pre(bytes < total)
          const line = renderProgress(
            { bytes, totalBytes: total, rows: 0, elapsedMs: 1000, byteRate },
            { width: 200, color: false },
          )
          const eta = /ETA (?:(\d+):)?(\d+):(\d\d)$/.exec(line)
          expect(eta).not.toBeNull()
          const seconds = Number(eta![1] ?? 0) * 3600 + Number(eta![2]) * 60 + Number(eta![3])
          expect(seconds).toBeGreaterThanOrEqual(1)
          expect(seconds * byteRate).toBeGreaterThanOrEqual((total - bytes) * (1 - 1e-9) - byteRate * 1e-3)
        },
      ),
    )
  })

  it('formats sizes, rates and clocks', () => {
    expect([formatBytes(512), formatBytes(1_500), formatBytes(312e6), formatBytes(1.02e9)]).toEqual([
      '512 B',
      '1.50 kB',
      '312 MB',
      '1.02 GB',
    ])
    expect([formatRate(950), formatRate(12_345), formatRate(1_234_567)]).toEqual(['950', '12k', '1.2M'])
    expect([formatClock(7_000), formatClock(125_000), formatClock(3_723_000)]).toEqual([
      '0:07',
      '2:05',
      '1:02:03',
    ])
  })
})

function fakeTerminal(isTTY: boolean) {
  const written: string[] = []
  const stream = {
    isTTY,
    columns: 100,
    write(chunk: string) {
      written.push(chunk)
      return true
    },
  }
  return { stream: stream as unknown as NodeJS.WriteStream, written, original: stream.write }
}

describe('Progress', () => {
  it('measures the throughput over the last seconds once bytes come', () => {
    const { stream, written } = fakeTerminal(true)
    let now = 0
    const progress = new Progress(stream, { now: () => now, delayMs: 0, intervalMs: 0 })
    progress.track({ totalBytes: 200e6, inputs: [{ rows: 0 }] })
    progress.tick()
    expect(written.at(-1)).toMatch(/0:00 elapsed$/) // no bytes yet: no estimate
    // 10 MB a second for 4 s: 160 MB more take 16 s.
    for (let step = 0; step < 8; step++) {
      now += 500
      progress.onBytes(5e6)
      progress.tick()
    }
    expect(written.at(-1)).toMatch(/40\.0 MB of 200 MB .* ETA 0:16$/)
    // Then 20 MB a second for 3 s: the estimate follows (100 MB more at 20 MB/s), where the
    // average since the start (100 MB in 7 s) would say 7 s.
    for (let step = 0; step < 6; step++) {
      now += 500
      progress.onBytes(10e6)
      progress.tick()
    }
    expect(written.at(-1)).toMatch(/100 MB of 200 MB .* ETA 0:05$/)
  })

  it('estimates only after a second of bytes, from the first bytes on, not from the start', () => {
    const { stream, written } = fakeTerminal(true)
    let now = 0
    const progress = new Progress(stream, { now: () => now, delayMs: 0, intervalMs: 0 })
    progress.track({ totalBytes: 200e6, inputs: [{ rows: 0 }] })
    // Starting up and opening the inputs take 2 s; then the workers report 8 MB every 0.2 s
    // (40 MB/s), the bar drawn every 0.1 s.
    for (now = 0; now <= 3000; now += 100) {
      if (now >= 2000 && now % 200 === 0) progress.onBytes(8e6)
      progress.tick()
      if (now < 3000) expect(written.at(-1)).toMatch(/ elapsed$/)
    }
    // 3 s in, 48 MB read, 40 MB of them in the second since the first 8 MB came: 152 MB more take
    // 3.8 s, shown as 4 s. From the start (48 MB in 3 s) it would say 9.5 s.
    expect(written.at(-1)).toMatch(/48\.0 MB of 200 MB .* ETA 0:04$/)
  })

  it('says it is analysing once reading is over, where the bar was shown', () => {
    const { stream, written } = fakeTerminal(true)
    let now = 0
    const progress = new Progress(stream, { now: () => now, delayMs: 500, intervalMs: 0 })
    progress.track({ totalBytes: 10e6, inputs: [{ rows: 12_000 }, { rows: 345 }] })
    now = 600
    progress.onBytes(10e6)
    progress.tick()
    progress.analysing()
    expect(written.at(-1)).toBe('\r\u001b[2Kanalysing 12,345 rows…')
    now = 5000
    progress.tick() // no bar again
    expect(written).toHaveLength(2)
    progress.done()
    expect(written.slice(2)).toEqual(['\r\u001b[2K'])

    // A read too short for the bar: no line for the analysis either.
    const quick = fakeTerminal(true)
    const short = new Progress(quick.stream, { now: () => 100, delayMs: 500, intervalMs: 0 })
    short.tick()
    short.analysing()
    short.done()
    expect(quick.written).toEqual([])
  })

  it('is never started in a pipe, with --no-progress or with --quiet', () => {
    const pipe = fakeTerminal(false)
    expect(Progress.start({}, pipe.stream)).toBeNull()
    const tty = fakeTerminal(true)
    expect(Progress.start({ progress: false }, tty.stream)).toBeNull()
    expect(Progress.start({ quiet: true }, tty.stream)).toBeNull()
    expect(tty.written).toEqual([])
  })

  it('draws after its delay, gets out of the way of other output, and is erased by done()', () => {
    const { stream, written, original } = fakeTerminal(true)
    let now = 1_000
    const progress = new Progress(stream, { now: () => now, delayMs: 500, intervalMs: 0 })
    const inputs = [{ rows: 0 }]
    progress.track({ totalBytes: 10_000, inputs })
    // Starting up takes 0.45 s; then bytes come at 2,000 a second.
    now += 450
    progress.onBytes(100)
    progress.tick()
    expect(written).toEqual([]) // not before half a second
    now += 150
    progress.onBytes(300)
    inputs[0]!.rows = 60
    // 0.6 s in: 400 of 10,000 bytes, 100 rows/s. Bytes have come for 0.15 s only: too short to tell
    // the time left, so the time so far.
    progress.tick()
    expect(written).toEqual([
      `\r\u001b[2Kreading ${'━'.repeat(1)}╸${'─'.repeat(38)}    4%  400 B of 10.0 kB  100 rows/s  0:01 elapsed`,
    ])
    stream.write('file.csv:7: BAD_NUMBER price "x"\n')
    expect(written.slice(1)).toEqual(['\r\u001b[2K', 'file.csv:7: BAD_NUMBER price "x"\n'])
    progress.tick()
    progress.done()
    expect(written.slice(3)).toEqual([
      expect.stringMatching(new RegExp(`^\\r${ESC}\\[2Kreading`)),
      '\r\u001b[2K',
    ])
    expect(stream.write).toBe(original)
    progress.tick()
    progress.done()
    expect(written).toHaveLength(5)
  })
})
