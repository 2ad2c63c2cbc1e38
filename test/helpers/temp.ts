import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** Write `text` to a file called `name` in a new temporary directory; returns its path. */
export async function tempFile(name: string, text: string): Promise<string> {
  const path = join(await mkdtemp(join(tmpdir(), 'cascade-test-')), name)
  await writeFile(path, text)
  return path
}
