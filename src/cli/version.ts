import { readFileSync } from 'node:fs'

/** The version in package.json (the one `--version` and the report's `tool.version` show). */
export function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string
  }
  return pkg.version
}
