import { readFileSync, writeFileSync } from 'node:fs'

/**
 * Baseline: the bare cost of a JSON body with a data URL: the body as it arrives (a Buffer), its
 * JSON.parse and the base64 decode of the file. Prints the wall time and the peak RSS increase.
 */
function rssOf (field: 'VmRSS' | 'VmHWM'): number {
  const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync('/proc/self/status', 'utf8'))
  return Number(m?.[1] ?? 0) * 1024
}
const file = process.env.BODY ?? ''
const field = process.env.FIELD ?? 'Video'
writeFileSync('/proc/self/clear_refs', '5')
const before = rssOf('VmRSS')
const start = performance.now()
const raw = readFileSync(file)
const parsed = JSON.parse(raw.toString('utf8')) as Record<string, string>
const value = parsed[field] ?? ''
const bytes = Buffer.from(value.slice(value.indexOf(',') + 1), 'base64')
const ms = performance.now() - start
process.stdout.write(JSON.stringify({ ms, bytes: bytes.length, peakIncrease: rssOf('VmHWM') - before }) + '\n')
