import { readFileSync } from 'node:fs'
import { Pool } from 'undici'

/**
 * Baseline: raw undici POSTs of a webhook body to the receiver, as many in flight as the gateway's
 * WEBHOOK_PIPELINE, until COUNT were answered 2xx (a failed one is posted again at once).
 */
const url = new URL(process.env.URL ?? '')
const count = Number(process.env.COUNT)
const inFlight = Number(process.env.PIPELINE ?? 8)
const body = readFileSync(process.env.BODY ?? '')
const pool = new Pool(url.origin, { connections: inFlight })
let done = 0
let posts = 0
const start = performance.now()
async function worker (): Promise<void> {
  while (done < count) {
    posts++
    const res = await pool.request({ method: 'POST', path: url.pathname, headers: { 'content-type': 'application/json' }, body })
    await res.body.dump()
    if (res.statusCode < 300) done++
  }
}
await Promise.all(Array.from({ length: inFlight }, worker))
const seconds = (performance.now() - start) / 1000
await pool.close()
process.stdout.write(JSON.stringify({ perSecond: done / seconds, posts }) + '\n')
