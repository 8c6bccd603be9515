import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { Pool } from 'undici'

/** dist/ (this file is dist/bench/lib.js once built). */
export const DIST = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
export const ADMIN = 'bench-admin-token-0123456789'

/** One line of the final table: our figure, its baseline measured in the same run, and the ratio. */
export interface Row { bench: string, metric: string, ours: number, baseline: number | undefined, baselineName: string, unit: string, better: 'higher' | 'lower' }

export function tempDir (name: string): string {
  return mkdtempSync(path.join(tmpdir(), `wuzapi-bench-${name}-`))
}

export async function freePort (): Promise<number> {
  const srv = createServer()
  srv.listen(0, '127.0.0.1')
  await once(srv, 'listening')
  const port = (srv.address() as { port: number }).port
  await new Promise(resolve => srv.close(resolve))
  return port
}

export async function until (check: () => boolean | Promise<boolean>, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise(resolve => setTimeout(resolve, 20))
  }
}

/** A child process with its output kept (for errors) and its memory readable from /proc. */
export interface Proc { child: ChildProcess, out: () => string, pid: number, stop: () => Promise<void>, kill: (signal: NodeJS.Signals) => Promise<void> }

export function run (script: string, env: Record<string, string>, args: string[] = [], nodeArgs: string[] = []): Proc {
  const child = spawn(process.execPath, [...nodeArgs, path.join(DIST, script), ...args], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  const keep = (d: Buffer): void => { out = (out + String(d)).slice(-200_000) }
  child.stdout?.on('data', keep)
  child.stderr?.on('data', keep)
  const kill = async (signal: NodeJS.Signals): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return
    const exited = once(child, 'exit')
    child.kill(signal)
    await exited
  }
  return { child, out: () => out, pid: child.pid ?? 0, stop: async () => { await kill('SIGTERM') }, kill }
}

/** Resident set size of a process, in bytes. */
export function rss (pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
  return Number(m?.[1] ?? 0) * 1024
}

/** Peak RSS since the last {@link resetPeak}, in bytes (Linux VmHWM). */
export function peakRss (pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
  return Number(m?.[1] ?? 0) * 1024
}

/** Resets a process's peak RSS to its current RSS (Linux: `echo 5 > /proc/pid/clear_refs`). */
export function resetPeak (pid: number): void {
  writeFileSync(`/proc/${pid}/clear_refs`, '5')
}

/** CPU time (user + system) of a process, in milliseconds. */
export function cpuMs (pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? []
  return (Number(fields[11]) + Number(fields[12])) * 10
}

export function percentile (sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN
  return sorted[Math.min(sorted.length - 1, Math.floor(p / 100 * sorted.length))] ?? NaN
}

/** The emulator in its own process (`npm run sandbox`). */
export interface Emulator extends Proc { url: string, dataDir: string }

export async function startEmulator (): Promise<Emulator> {
  const dataDir = tempDir('sandbox')
  const proc = run('src/sandbox/main.js', { DATA_DIR: dataDir, SANDBOX_PORT: '0' })
  await until(() => proc.out().includes('sandbox listening') || proc.child.exitCode !== null, 20_000, 'the emulator')
  const line = proc.out().split('\n').find(l => l.includes('sandbox listening'))
  if (line === undefined) throw new Error(`emulator did not start: ${proc.out()}`)
  return { ...proc, url: (JSON.parse(line) as { url: string }).url, dataDir, stop: async () => { await proc.stop(); rmSync(dataDir, { recursive: true, force: true }) } }
}

/** Calls the emulator's admin API (see src/sandbox/admin-api.ts). */
export async function emulatorCall (pool: Pool, name: string, args: Record<string, unknown>): Promise<unknown> {
  const res = await pool.request({ method: 'POST', path: `/rpc/${name}`, headers: { 'content-type': 'application/json' }, body: JSON.stringify(args) })
  const body = await res.body.json() as { result?: unknown, error?: { message?: string } }
  if (res.statusCode !== 200) throw new Error(`emulator ${name}: ${body.error?.message ?? res.statusCode}`)
  return body.result
}

export interface ApiAnswer { status: number, body: any }

/** A gateway process (`npm start`) in sandbox mode, on an emulator in another process. */
export interface Gateway extends Proc {
  url: string
  dataDir: string
  pool: Pool
  api: (method: string, p: string, opts?: { token?: string, admin?: boolean, json?: unknown, headers?: Record<string, string>, body?: string | Buffer }) => Promise<ApiAnswer>
}

/** Starts a gateway; `nodeArgs` e.g. `--cpu-prof` to profile it (the profile is written when it stops). */
export async function startGateway (emulatorUrl: string, env: Record<string, string> = {}, dataDir = tempDir('gateway'), nodeArgs: string[] = []): Promise<Gateway> {
  const port = await freePort()
  const proc = run('src/main.js', {
    WA_MODE: 'sandbox',
    SANDBOX_URL: emulatorUrl,
    DATA_DIR: dataDir,
    PORT: String(port),
    HOST: '127.0.0.1',
    ADMIN_TOKEN: ADMIN,
    LOG_LEVEL: 'warn',
    ALLOW_PRIVATE_URLS: 'true',
    CONNECT_WAIT_MS: '15000',
    ...env
  }, [], nodeArgs)
  const url = `http://127.0.0.1:${port}`
  const pool = new Pool(url, { connections: 64, keepAliveTimeout: 30_000 })
  const api: Gateway['api'] = async (method, p, opts = {}) => {
    const headers: Record<string, string> = { ...opts.headers }
    if (opts.token !== undefined) headers.token = opts.token
    if (opts.admin === true) headers.authorization = ADMIN
    let body = opts.body
    if (opts.json !== undefined) {
      body = JSON.stringify(opts.json)
      headers['content-type'] = 'application/json'
    }
    const res = await pool.request({ method: method as 'GET', path: p, headers, body })
    const text = await res.body.text()
    let parsed: unknown = text
    try { parsed = JSON.parse(text) } catch {}
    return { status: res.statusCode, body: parsed }
  }
  await until(async () => {
    if (proc.child.exitCode !== null) throw new Error(`gateway exited: ${proc.out()}`)
    try { return (await api('GET', '/health')).status === 200 } catch { return false }
  }, 30_000, 'the gateway')
  return {
    ...proc,
    url,
    dataDir,
    pool,
    api,
    stop: async () => {
      await proc.stop()
      await pool.close()
    }
  }
}

/** Creates a user and logs it in through `/session/connect` + `/sandbox/scan` (HTTP only). */
export async function loginUser (gw: Gateway, name: string, phone: string): Promise<{ id: string, token: string, jid: string }> {
  const token = `bench-${name}-token-0123`
  const created = await gw.api('POST', '/admin/users', { admin: true, json: { name, token } })
  if (created.status !== 201) throw new Error(`create user: ${JSON.stringify(created.body)}`)
  const id: string = created.body.data.id
  const connect = await gw.api('POST', '/session/connect', { token, json: { Immediate: false } })
  if (connect.body.data?.state !== 'qr') throw new Error(`connect: ${JSON.stringify(connect.body)}`)
  const scan = await gw.api('POST', '/sandbox/scan', { admin: true, json: { UserID: id, Phone: phone } })
  if (scan.status !== 200) throw new Error(`scan: ${JSON.stringify(scan.body)}`)
  await until(async () => (await gw.api('GET', '/session/status', { token })).body.data?.LoggedIn === true, 20_000, `${name} logged in`)
  return { id, token, jid: `${phone}@s.whatsapp.net` }
}

/** Runs a baseline child to its end and returns the JSON it printed last. */
export async function runBaseline<T> (script: string, env: Record<string, string>, nodeArgs: string[] = []): Promise<T> {
  const proc = run(script, env, [], nodeArgs)
  const [code] = await once(proc.child, 'exit') as [number | null]
  const lines = proc.out().trim().split('\n')
  const last = lines.at(-1) ?? ''
  if (code !== 0) throw new Error(`${script} failed (${String(code)}): ${proc.out().slice(-2000)}`)
  return JSON.parse(last) as T
}

/**
 * Runs `fn` at `rate` calls per second for `seconds` (open loop: a slow answer does not slow the
 * offered load); returns the latencies in milliseconds, sorted, and the failures.
 */
export async function openLoop (rate: number, seconds: number, fn: (i: number) => Promise<void>): Promise<{ latencies: number[], failed: number }> {
  const latencies: number[] = []
  let failed = 0
  const total = Math.round(rate * seconds)
  const start = performance.now()
  const pending: Array<Promise<void>> = []
  for (let i = 0; i < total; i++) {
    const due = start + i * 1000 / rate
    const wait = due - performance.now()
    if (wait > 1) await new Promise(resolve => setTimeout(resolve, wait))
    const t0 = performance.now()
    pending.push(fn(i).then(() => { latencies.push(performance.now() - t0) }, () => { failed++ }))
  }
  await Promise.all(pending)
  return { latencies: latencies.sort((a, b) => a - b), failed }
}

/** Runs `total` calls of `fn` with `concurrency` in flight; returns calls per second. */
export async function closedLoop (total: number, concurrency: number, fn: (i: number) => Promise<void>): Promise<{ perSecond: number, failed: number }> {
  let next = 0
  let failed = 0
  const start = performance.now()
  const worker = async (): Promise<void> => {
    while (next < total) {
      const i = next++
      try { await fn(i) } catch { failed++ }
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker))
  return { perSecond: total / ((performance.now() - start) / 1000), failed }
}

function fmt (n: number | undefined): string {
  if (n === undefined || !Number.isFinite(n)) return '-'
  if (Math.abs(n) >= 100) return n.toFixed(0)
  if (Math.abs(n) >= 10) return n.toFixed(1)
  return n.toFixed(2)
}

/** The table: one line per figure. */
export function table (rows: Row[]): string {
  const head = ['benchmark', 'figure', 'ours', 'baseline', 'ratio', 'unit', 'baseline is']
  const body = rows.map(r => [r.bench, r.metric, fmt(r.ours), fmt(r.baseline), r.baseline === undefined || r.baseline === 0 ? '-' : `${(r.ours / r.baseline).toFixed(2)}x`, `${r.unit} (${r.better} is better)`, r.baselineName])
  const widths = head.map((h, i) => Math.max(h.length, ...body.map(b => (b[i] ?? '').length)))
  const line = (cells: string[]): string => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd()
  return [line(head), line(widths.map(w => '-'.repeat(w))), ...body.map(line)].join('\n')
}
