#!/usr/bin/env node
/**
 * Writes the JSON Schemas of cascade's documents from their TypeScript types, so the contract and
 * the code cannot drift apart: schemas/cascade.report-2.schema.json (`analyze --json`) and
 * schemas/cascade.daily-2.schema.json (`report`). `--check` compares instead of writing (exit 1 on
 * a difference); the test suite runs it.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createGenerator } from 'ts-json-schema-generator'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')
const DOCUMENTS = [
  {
    file: 'schemas/cascade.report-2.schema.json',
    path: 'src/analysis/report-types.ts',
    type: 'Report',
    id: 'cascade.report/2',
    title: 'cascade analyze --json',
  },
  {
    file: 'schemas/cascade.daily-2.schema.json',
    path: 'src/report/daily/types.ts',
    type: 'DailyReport',
    id: 'cascade.daily/2',
    title: 'cascade report (DATE.json)',
  },
]

export function schemaOf(doc) {
  const generator = createGenerator({
    path: join(ROOT, doc.path),
    tsconfig: join(ROOT, 'tsconfig.json'),
    type: doc.type,
    expose: 'export',
    topRef: false,
    jsDoc: 'extended',
    additionalProperties: false,
    skipTypeCheck: true,
  })
  const schema = generator.createSchema(doc.type)
  return `${JSON.stringify({ $id: doc.id, title: doc.title, ...schema }, null, 2)}\n`
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const check = process.argv.includes('--check')
  let stale = 0
  for (const doc of DOCUMENTS) {
    const text = schemaOf(doc)
    const path = join(ROOT, doc.file)
    if (check) {
      let old = ''
      try {
        old = readFileSync(path, 'utf8')
      } catch {}
      if (old !== text) {
        console.error(`${doc.file} is out of date: run npm run schemas`)
        stale++
      }
    } else {
      writeFileSync(path, text)
      console.log(`wrote ${doc.file}`)
    }
  }
  process.exitCode = stale > 0 ? 1 : 0
}
