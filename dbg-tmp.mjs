import inspector from 'node:inspector'
import { writeFileSync } from 'node:fs'
const session = new inspector.Session(); session.connect()
session.post('Profiler.enable'); session.post('Profiler.start')
setTimeout(() => session.post('Profiler.stop', (err, { profile }) => {
  const self = new Map()
  const byId = new Map(profile.nodes.map(n => [n.id, n]))
  const counts = new Map(); for (const s of profile.samples) counts.set(s, (counts.get(s) ?? 0) + 1)
  for (const [id, c] of counts) { const n = byId.get(id); const k = `${n.callFrame.functionName} ${n.callFrame.url.split('/').slice(-2).join('/')}:${n.callFrame.lineNumber}`; self.set(k, (self.get(k) ?? 0) + c) }
  console.error([...self].sort((a, b) => b[1] - a[1]).slice(0, 15).map(([k, v]) => `${v} ${k}`).join('\n'))
  process.exit(0)
}), 8000)
const { main } = await import('./dist/cli/main.js')
await main(['node', 'cascade', 'analyze', process.argv[2]])
