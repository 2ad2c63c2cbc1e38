/**
 * stdout for data, with backpressure, and a closed pipe (`| head`) treated as a quiet success.
 */
import { isBrokenPipe } from '../errors.js'

/** Thrown to unwind the pipeline when the reader of stdout has gone away. */
export class PipeClosed extends Error {}

export class Output {
  private closed = false

  constructor(private readonly stream: NodeJS.WritableStream = process.stdout) {
    stream.on('error', (error) => {
      if (isBrokenPipe(error)) this.closed = true
      else throw error
    })
  }

  /** Write text or bytes; resolves when the stream can take more. */
  async write(text: string | Uint8Array): Promise<void> {
    if (this.closed) throw new PipeClosed()
    if (text.length === 0) return
    if (!this.stream.write(text)) {
      await new Promise<void>((resolve) => {
        const done = () => {
          this.stream.off('drain', done)
          this.stream.off('error', done)
          this.stream.off('close', done)
          resolve()
        }
        this.stream.on('drain', done)
        this.stream.on('error', done)
        this.stream.on('close', done)
      })
      if (this.closed) throw new PipeClosed()
    }
  }
}
