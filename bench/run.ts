import autocannon from 'autocannon'
import Database from 'better-sqlite3'
import { execFile } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import { cpus, totalmem } from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { Pool } from 'undici'
import { openDatabase } from '../src/db/database.js'
import { migrate } from '../src/db/migrate.js'
import { OutboxRepo } from '../src/db/repos/outbox.js'
import { UsersRepo } from '../src/db/repos/users.js'
import { FFMPEG_PATH } from '../src/media/ffmpeg.js'
import {
  closedLoop, cpuMs, emulatorCall, loginUser, openLoop, peakRss, percentile, resetPeak, rss, run, runBaseline, startEmulator, startGateway, table, tempDir, until,
  type Emulator, type Gateway, type Row
} from './lib.js'

/**
 * `npm run bench [-- --quick] [-- --only send,http,webhooks,media,sessions]`: each benchmark runs
 * our path and its baseline in the same run, on the same machine, with the emulator in its own
 * process, and prints both and the ratio. Nothing is asserted.
 */
const quick = process.argv.includes('--quick')
const onlyArg = process.argv.indexOf('--only')
const only = onlyArg >= 0 ? new Set((process.argv[onlyArg + 1] ?? '').split(',')) : undefined
const MB = 1024 * 1024

const PHONE = '5491170000900'
const rows: Row[] = []
const log = (msg: string): void => { process.stderr.write(`[bench] ${msg}\n`) }

function add (row: Omit<Row, 'better'> & { better?: Row['better'] }): void {
  rows.push({ better: 'higher', ...row })
  const r = rows.at(-1)!
  log(`${r.bench} / ${r.metric}: ours ${r.ours.toFixed(2)} ${r.unit}, baseline ${r.baseline?.toFixed(2) ?? '-'} (${r.baselineName})`)
}

async function text (gw: Gateway, token: string, i: number): Promise<void> {
  const res = await gw.api('POST', '/chat/send/text', { token, json: { Phone: PHONE, Body: `bench ${i}` } })
  if (res.status !== 200) throw new Error(`send: ${res.status} ${JSON.stringify(res.body)}`)
}

/** 1. Messages/s and latency through POST /chat/send/text vs sock.sendMessage + ack on a bare socket. */
async function sendPath (emu: Emulator, gw: Gateway, user: { token: string }): Promise<void> {
  const count = quick ? 100 : 1000
  const concurrency = quick ? 8 : 16
  const rate = quick ? 20 : 50
  const seconds = quick ? 2 : 10
  await closedLoop(20, 4, async i => { await text(gw, user.token, i) })
  const ours = await closedLoop(count, concurrency, async i => { await text(gw, user.token, i) })
  const lat = await openLoop(rate, seconds, async i => { await text(gw, user.token, i) })
  const base = await runBaseline<{ perSecond: number, p50: number, p99: number, failed: number }>('bench/baselines/baileys-sender.js', {
    MODE: 'send', SANDBOX_URL: emu.url, PN: '5491170000002', TO: PHONE, COUNT: String(count), CONCURRENCY: String(concurrency), RATE: String(rate), SECONDS: String(seconds)
  })
  const name = 'bare Baileys socket: sendMessage + server ack'
  add({ bench: 'send', metric: `messages/s, ${concurrency} in flight${ours.failed + lat.failed > 0 ? ` (${ours.failed + lat.failed} failed)` : ''}`, ours: ours.perSecond, baseline: base.perSecond, baselineName: name, unit: 'msg/s' })
  add({ bench: 'send', metric: `p50 at ${rate}/s`, ours: percentile(lat.latencies, 50), baseline: base.p50, baselineName: name, unit: 'ms', better: 'lower' })
  add({ bench: 'send', metric: `p99 at ${rate}/s`, ours: percentile(lat.latencies, 99), baseline: base.p99, baselineName: name, unit: 'ms', better: 'lower' })
}

async function cannon (url: string, headers: Record<string, string>): Promise<number> {
  const result = await autocannon({ url, headers, connections: 32, duration: quick ? 2 : 10 })
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`autocannon ${url}: ${result.non2xx} non-2xx, ${result.errors} errors`)
  return result.requests.average
}

async function listening (script: string, env: Record<string, string> = {}): Promise<{ url: string, stop: () => Promise<void> }> {
  const proc = run(script, env)
  await until(() => /listening \d+/.test(proc.out()) || proc.child.exitCode !== null, 10_000, script)
  const port = /listening (\d+)/.exec(proc.out())?.[1]
  if (port === undefined) throw new Error(`${script}: ${proc.out()}`)
  return { url: `http://127.0.0.1:${port}`, stop: proc.stop }
}

/** 2. Requests/s of GET /session/status vs a minimal Koa + router + SQLite app and bare node:http. */
async function httpOverhead (gw: Gateway, user: { token: string }): Promise<void> {
  const ours = await cannon(`${gw.url}/session/status`, { token: user.token })
  const koa = await listening('bench/baselines/koa-app.js', { BENCH_TOKEN: user.token })
  const bare = await listening('bench/baselines/node-http.js')
  try {
    const koaRate = await cannon(`${koa.url}/session/status`, { token: user.token })
    const bareRate = await cannon(`${bare.url}/session/status`, {})
    add({ bench: 'http', metric: 'GET /session/status req/s', ours, baseline: koaRate, baselineName: 'Koa + @koa/router + SQLite token lookup', unit: 'req/s' })
    add({ bench: 'http', metric: 'GET /session/status req/s', ours, baseline: bareRate, baselineName: 'bare node:http', unit: 'req/s' })
  } finally {
    await koa.stop()
    await bare.stop()
  }
}

/** A local webhook receiver: counts distinct bench events and their end-to-end latency. */
class Receiver {
  readonly arrivals = new Map<number, number>()
  failHalf = false
  lastBody = ''
  requests = 0
  private n = 0
  private server?: Server
  url = ''

  async start (): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = []
      req.on('data', c => chunks.push(c as Buffer))
      req.on('end', () => {
        this.requests++
        const fail = this.failHalf && this.n++ % 2 === 0
        if (!fail) {
          const body = Buffer.concat(chunks).toString('utf8')
          const m = /wbench-(\d+)-(\d+(?:\.\d+)?)/.exec(body)
          if (m !== null) {
            this.lastBody = body
            const id = Number(m[1])
            if (!this.arrivals.has(id)) this.arrivals.set(id, Date.now() - Number(m[2]))
          }
        }
        res.writeHead(fail ? 500 : 200).end()
      })
    })
    this.server.keepAliveTimeout = 30_000
    await new Promise<void>(resolve => this.server!.listen(0, '127.0.0.1', resolve))
    this.url = `http://127.0.0.1:${(this.server.address() as { port: number }).port}/hook`
  }

  async stop (): Promise<void> {
    this.server?.closeAllConnections()
    await new Promise(resolve => this.server?.close(resolve))
  }
}

/** 3. Webhook delivery: inbound messages from a virtual phone → webhooks, vs raw undici POSTs. */
async function webhooks (emu: Emulator, gw: Gateway, user: { token: string, jid: string }): Promise<void> {
  const receiver = new Receiver()
  await receiver.start()
  const sb = new Pool(emu.url, { connections: 16 })
  try {
    const set = await gw.api('POST', '/webhook', { token: user.token, json: { webhookURL: receiver.url, events: ['Message'] } })
    if (set.status !== 200) throw new Error(`webhook: ${JSON.stringify(set.body)}`)
    let next = 0
    let injectedPerSecond = 0
    const inject = async (): Promise<number> => {
      const id = next++
      await emulatorCall(sb, 'phoneAction', { pn: PHONE, target: user.jid, action: { kind: 'text', text: `wbench-${id}-${Date.now()}` } })
      return id
    }
    const burst = async (count: number): Promise<number> => {
      const first = next
      const start = performance.now()
      await closedLoop(count, 16, async () => { await inject() })
      injectedPerSecond = count / ((performance.now() - start) / 1000)
      await until(() => { for (let i = first; i < first + count; i++) if (!receiver.arrivals.has(i)) return false; return true }, 120_000, 'webhooks')
        .catch((err: Error) => { throw new Error(`${err.message}: ${receiver.arrivals.size} arrived, ${receiver.requests} requests; last: ${receiver.lastBody.slice(0, 300)}`) })
      return count / ((performance.now() - start) / 1000)
    }
    const count = quick ? 150 : 2000
    await burst(20)
    const delivered = await burst(count)
    const injected = injectedPerSecond
    const rate = quick ? 50 : 100
    const seconds = quick ? 2 : 10
    const from = next
    await openLoop(rate, seconds, async () => { await inject() })
    const total = next - from
    await until(() => { for (let i = from; i < next; i++) if (!receiver.arrivals.has(i)) return false; return true }, 120_000, 'webhooks at a fixed rate')
    const e2e = [...receiver.arrivals.entries()].filter(([id]) => id >= from).map(([, ms]) => ms).sort((a, b) => a - b)
    receiver.failHalf = true
    const failingCount = quick ? 20 : 200
    const failing = await burst(failingCount)
    receiver.failHalf = false

    const bodyFile = path.join(tempDir('webhook-body'), 'body.json')
    writeFileSync(bodyFile, receiver.lastBody)
    const posts = await runBaseline<{ perSecond: number }>('bench/baselines/undici-poster.js', { URL: receiver.url, COUNT: String(count), PIPELINE: '8', BODY: bodyFile })
    receiver.failHalf = true
    const failingPosts = await runBaseline<{ perSecond: number }>('bench/baselines/undici-poster.js', { URL: receiver.url, COUNT: String(count), PIPELINE: '8', BODY: bodyFile })
    receiver.failHalf = false
    rmSync(path.dirname(bodyFile), { recursive: true, force: true })
    const raw = 'raw undici POSTs (8 in flight) to the same receiver'
    add({ bench: 'webhooks', metric: `delivered/s, ${count} injected, 1 user`, ours: delivered, baseline: posts.perSecond, baselineName: raw, unit: 'events/s' })
    add({ bench: 'webhooks', metric: 'messages injected/s by the phone (bounds the figure above)', ours: injected, baseline: undefined, baselineName: 'emulator: phone encrypts + relays', unit: 'events/s' })
    add({ bench: 'webhooks', metric: `delivered/s, receiver fails half, ${failingCount} events (retry base ${RETRY_BASE_MS} ms)`, ours: failing, baseline: failingPosts.perSecond, baselineName: `${raw}, failing half, posted again at once`, unit: 'events/s' })
    add({ bench: 'webhooks', metric: `end-to-end p50 at ${rate}/s (${total} events)`, ours: percentile(e2e, 50), baseline: undefined, baselineName: 'phone send → receiver', unit: 'ms', better: 'lower' })
    add({ bench: 'webhooks', metric: `end-to-end p99 at ${rate}/s`, ours: percentile(e2e, 99), baseline: undefined, baselineName: 'phone send → receiver', unit: 'ms', better: 'lower' })
  } finally {
    await sb.close()
    await receiver.stop()
  }
  outboxCommits()
}

const RETRY_BASE_MS = 50

/** 3b. Durable outbox commits/s (event + delivery, one transaction each) vs plain SQLite inserts. */
function outboxCommits (): void {
  const n = quick ? 2000 : 20_000
  const dir = tempDir('outbox')
  const db = openDatabase(dir)
  migrate(db)
  new UsersRepo(db).insert({ id: 'u1', name: 'u', token_hash: 'h', token_hint: '', webhook: '', events: '', expiration: 0, proxy_url: '', history: 0 })
  const outbox = new OutboxRepo(db)
  const payload = JSON.stringify({ type: 'Message', event: { Info: { ID: '3EB0AAAA', Chat: '5491170000900@s.whatsapp.net' }, Message: { conversation: 'x'.repeat(200) } } })
  let start = performance.now()
  for (let i = 0; i < n; i++) {
    outbox.enqueue({ id: `e${i}`, userId: 'u1', type: 'Message', sourceKey: `s${i}`, payload, instanceName: 'u', destinations: [{ target: 'user', url: 'http://127.0.0.1/hook' }] })
  }
  const ours = n / ((performance.now() - start) / 1000)
  db.close()
  const plain = new Database(path.join(dir, 'plain.db'))
  plain.pragma('journal_mode = WAL')
  plain.pragma('synchronous = NORMAL')
  plain.exec('CREATE TABLE events (seq INTEGER PRIMARY KEY, id TEXT, payload TEXT, created_at INTEGER)')
  const insert = plain.prepare('INSERT INTO events (id, payload, created_at) VALUES (?, ?, ?)')
  const tx = plain.transaction((i: number) => insert.run(`e${i}`, payload, Date.now()))
  start = performance.now()
  for (let i = 0; i < n; i++) tx(i)
  const base = n / ((performance.now() - start) / 1000)
  plain.close()
  rmSync(dir, { recursive: true, force: true })
  add({ bench: 'webhooks', metric: `outbox commits/s (${n})`, ours, baseline: base, baselineName: 'plain SQLite INSERT, one transaction each (WAL, NORMAL)', unit: 'commits/s' })
}

/** An MP4 of `size` bytes: a short real clip, then a `free` box of random bytes. */
async function mp4Of (dir: string, size: number): Promise<Buffer> {
  const clip = path.join(dir, 'clip.mp4')
  await promisify(execFile)(FFMPEG_PATH, ['-y', '-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc=size=320x240:rate=10:duration=1', '-pix_fmt', 'yuv420p', '-c:v', 'libx264', '-movflags', '+faststart', clip])
  const head = readFileSync(clip)
  const free = Buffer.alloc(size - head.length)
  free.writeUInt32BE(free.length, 0)
  free.write('free', 4, 'latin1')
  randomBytes(free.length - 8).copy(free, 8)
  return Buffer.concat([head, free])
}

function multipart (fields: Record<string, string>, file: Buffer, type: string): { body: Buffer, contentType: string } {
  const boundary = `----bench${randomBytes(8).toString('hex')}`
  const parts: Buffer[] = []
  for (const [k, v] of Object.entries(fields)) parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`))
  parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="clip.mp4"\r\nContent-Type: ${type}\r\n\r\n`), file, Buffer.from(`\r\n--${boundary}--\r\n`))
  return { body: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` }
}

/** Wall time and the gateway's peak RSS increase of one request. */
async function measured (gw: Gateway, call: () => Promise<{ status: number, body: unknown }>): Promise<{ ms: number, peak: number }> {
  resetPeak(gw.pid)
  const before = rss(gw.pid)
  const start = performance.now()
  const res = await call()
  const ms = performance.now() - start
  if (res.status !== 200) throw new Error(`media send: ${res.status} ${JSON.stringify(res.body)}`)
  return { ms, peak: peakRss(gw.pid) - before }
}

/** 4. /chat/send/video with 16 and 64 MB: data URL and multipart, vs JSON.parse + base64 decode. */
async function largeMedia (emu: Emulator): Promise<void> {
  const gw = await startGateway(emu.url, { BODY_LIMIT: '200mb' })
  const dir = tempDir('media')
  try {
    const user = await loginUser(gw, 'media', '5491170000003')
    for (const size of quick ? [16 * MB] : [16 * MB, 64 * MB]) {
      const mp4 = await mp4Of(dir, size)
      const json = JSON.stringify({ Phone: PHONE, Video: `data:video/mp4;base64,${mp4.toString('base64')}` })
      const bodyFile = path.join(dir, 'body.json')
      writeFileSync(bodyFile, json)
      const body = Buffer.from(json)
      await measured(gw, async () => await gw.api('POST', '/chat/send/text', { token: user.token, json: { Phone: PHONE, Body: 'warm up' } }))
      const dataUrl = await measured(gw, async () => await gw.api('POST', '/chat/send/video', { token: user.token, body, headers: { 'content-type': 'application/json' } }))
      const form = multipart({ Phone: PHONE }, mp4, 'video/mp4')
      const upload = await measured(gw, async () => await gw.api('POST', '/chat/send/video', { token: user.token, body: form.body, headers: { 'content-type': form.contentType } }))
      const bare = await runBaseline<{ ms: number, peakIncrease: number }>('bench/baselines/media-parse.js', { BODY: bodyFile, FIELD: 'Video' })
      const mb = size / MB
      const name = 'JSON.parse + base64 decode of the same body'
      add({ bench: 'media', metric: `${mb} MB data URL: wall time`, ours: dataUrl.ms, baseline: bare.ms, baselineName: name, unit: 'ms', better: 'lower' })
      add({ bench: 'media', metric: `${mb} MB data URL: peak RSS increase / file size`, ours: dataUrl.peak / size, baseline: bare.peakIncrease / size, baselineName: name, unit: 'x file', better: 'lower' })
      add({ bench: 'media', metric: `${mb} MB multipart: wall time`, ours: upload.ms, baseline: bare.ms, baselineName: name, unit: 'ms', better: 'lower' })
      add({ bench: 'media', metric: `${mb} MB multipart: peak RSS increase`, ours: upload.peak / MB, baseline: bare.peakIncrease / MB, baselineName: name, unit: 'MB', better: 'lower' })
    }
  } finally {
    await gw.stop()
    rmSync(dir, { recursive: true, force: true })
    rmSync(gw.dataDir, { recursive: true, force: true })
  }
}

/** 3c. Webhook delivery with every logged-in user receiving (round robin), vs raw undici POSTs. */
async function manyUsersWebhooks (emu: Emulator, gw: Gateway, users: Array<{ token: string, jid: string }>): Promise<void> {
  const receiver = new Receiver()
  await receiver.start()
  const sb = new Pool(emu.url, { connections: 16 })
  const dir = tempDir('webhook-body')
  try {
    for (const u of users) {
      const set = await gw.api('POST', '/webhook', { token: u.token, json: { webhookURL: receiver.url, events: ['Message'] } })
      if (set.status !== 200) throw new Error(`webhook: ${JSON.stringify(set.body)}`)
    }
    const count = quick ? 50 : 1000
    const start = performance.now()
    await closedLoop(count, 16, async i => {
      const to = users[i % users.length]!
      await emulatorCall(sb, 'phoneAction', { pn: PHONE, target: to.jid, action: { kind: 'text', text: `wbench-${i}-${Date.now()}` } })
    })
    await until(() => receiver.arrivals.size >= count, 120_000, 'webhooks of many users')
    const delivered = count / ((performance.now() - start) / 1000)
    const bodyFile = path.join(dir, 'body.json')
    writeFileSync(bodyFile, receiver.lastBody)
    const posts = await runBaseline<{ perSecond: number }>('bench/baselines/undici-poster.js', { URL: receiver.url, COUNT: String(count), PIPELINE: '8', BODY: bodyFile })
    add({ bench: 'webhooks', metric: `delivered/s, ${count} injected round robin to ${users.length} users`, ours: delivered, baseline: posts.perSecond, baselineName: 'raw undici POSTs (8 in flight) to the same receiver', unit: 'events/s' })
  } finally {
    await sb.close()
    await receiver.stop()
    rmSync(dir, { recursive: true, force: true })
  }
}

/** 5. Gateway RSS per logged-in idle session, vs bare Baileys sockets in one process; idle CPU; restore time. */
async function sessions (emu: Emulator): Promise<void> {
  const checkpoints = quick ? [5] : [10, 50, 100]
  let gw = await startGateway(emu.url)
  try {
    await new Promise(resolve => setTimeout(resolve, 1000))
    const base = rss(gw.pid)
    const at: Record<number, number> = {}
    const start = performance.now()
    const users: Array<{ token: string, jid: string }> = []
    for (let i = 1; i <= Math.max(...checkpoints); i++) {
      users.push(await loginUser(gw, `s${i}`, `54911800${String(i).padStart(5, '0')}`))
      if (checkpoints.includes(i)) {
        await new Promise(resolve => setTimeout(resolve, 2000))
        at[i] = rss(gw.pid)
      }
    }
    const loginRate = Math.max(...checkpoints) / ((performance.now() - start) / 1000 - 2 * checkpoints.length)
    const cpu0 = cpuMs(gw.pid)
    const idleSeconds = quick ? 2 : 10
    await new Promise(resolve => setTimeout(resolve, idleSeconds * 1000))
    const idleCpu = (cpuMs(gw.pid) - cpu0) / (idleSeconds * 10)
    const bare = await runBaseline<{ base: number, at: Record<string, number> }>('bench/baselines/baileys-sender.js', { MODE: 'sessions', SANDBOX_URL: emu.url, CHECKPOINTS: checkpoints.join(','), PN_PREFIX: '54911900' })
    const name = 'bare Baileys sockets (in-memory auth) in one process'
    for (const n of checkpoints) {
      add({ bench: 'sessions', metric: `RSS per logged-in session at ${n}`, ours: ((at[n] ?? 0) - base) / n / MB, baseline: ((bare.at[n] ?? 0) - bare.base) / n / MB, baselineName: name, unit: 'MB', better: 'lower' })
    }
    const n = Math.max(...checkpoints)
    for (let k = 1; k < checkpoints.length; k++) {
      const from = checkpoints[k - 1] ?? 0
      const to = checkpoints[k] ?? 0
      add({ bench: 'sessions', metric: `RSS per added session, ${from} → ${to}`, ours: ((at[to] ?? 0) - (at[from] ?? 0)) / (to - from) / MB, baseline: ((bare.at[to] ?? 0) - (bare.at[from] ?? 0)) / (to - from) / MB, baselineName: name, unit: 'MB', better: 'lower' })
    }
    add({ bench: 'sessions', metric: `gateway RSS with ${n} sessions`, ours: (at[n] ?? 0) / MB, baseline: undefined, baselineName: `(${(base / MB).toFixed(0)} MB with none)`, unit: 'MB', better: 'lower' })
    add({ bench: 'sessions', metric: 'logins/s (sequential, QR via /sandbox/scan)', ours: loginRate, baseline: undefined, baselineName: '', unit: 'logins/s' })
    add({ bench: 'sessions', metric: `idle CPU with ${n} sessions`, ours: idleCpu, baseline: undefined, baselineName: '', unit: '% of a core', better: 'lower' })
    await manyUsersWebhooks(emu, gw, users)
    for (const signal of ['SIGTERM', 'SIGKILL'] as const) {
      await gw.kill(signal)
      await gw.pool.close()
      const t0 = performance.now()
      gw = await startGateway(emu.url, {}, gw.dataDir)
      await until(async () => (await gw.api('GET', '/health')).body.sessions?.connected === n, 120_000, `${n} sessions restored`)
      add({ bench: 'sessions', metric: `restore ${n} sessions at boot after ${signal}`, ours: (performance.now() - t0) / 1000, baseline: undefined, baselineName: 'process start → all connected', unit: 's', better: 'lower' })
    }
  } finally {
    await gw.stop()
    rmSync(gw.dataDir, { recursive: true, force: true })
  }
}

const want = (name: string): boolean => only === undefined || only.has(name)
log(`${quick ? 'quick' : 'full'} run on ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), ${(totalmem() / 1024 ** 3).toFixed(1)} GB, node ${process.version}`)
const started = performance.now()
const emu = await startEmulator()
try {
  if (want('send') || want('http') || want('webhooks')) {
    const gw = await startGateway(emu.url, { WEBHOOK_RETRY_BASE_MS: String(RETRY_BASE_MS), WEBHOOK_RETRY_MAX_DELAY_MS: '1000' })
    try {
      const sb = new Pool(emu.url)
      await emulatorCall(sb, 'createPhone', { pn: PHONE, pushName: 'Bench Peer', profile: {} })
      await sb.close()
      const user = await loginUser(gw, 'sender', '5491170000001')
      if (want('send')) await sendPath(emu, gw, user)
      if (want('http')) await httpOverhead(gw, user)
      if (want('webhooks')) await webhooks(emu, gw, user)
    } finally {
      await gw.stop()
      rmSync(gw.dataDir, { recursive: true, force: true })
    }
  }
  if (want('media')) await largeMedia(emu)
  if (want('sessions')) await sessions(emu)
} finally {
  await emu.stop()
}
process.stdout.write(`\n${table(rows)}\n\n${quick ? 'quick' : 'full'} run, ${((performance.now() - started) / 1000).toFixed(0)} s; gateway and emulator in their own processes, ${cpus().length} cores\n`)
process.exit(0)
