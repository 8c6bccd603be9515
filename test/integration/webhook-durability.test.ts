import { spawn, type ChildProcess } from 'node:child_process'
import { createHmac } from 'node:crypto'
import { once } from 'node:events'
import { rmSync } from 'node:fs'
import path from 'node:path'
import { PROJECT_ROOT } from '../../src/util/package-info.js'
import { startReceiver, type Receiver } from '../helpers/receiver.js'
import { tempDataDir } from '../helpers/server.js'

const MAIN = path.join(PROJECT_ROOT, 'dist', 'src', 'main.js')
const ADMIN = 'durability-admin-token-0123456789'
const TOKEN = 'durability-user-token-0123456789'
const KEY = 'durability-hmac-key-0123456789-abcdefgh'
const PHONE = '5511966660001'
const USER_PHONE = '5511966660002'

interface Proc { child: ChildProcess, url: string, out: () => string }

async function waitFor (check: () => boolean | Promise<boolean>, ms: number, what: string): Promise<void> {
  const until = Date.now() + ms
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`)
    await new Promise(resolve => setTimeout(resolve, 50))
  }
}

/** Starts the built server (`npm test` builds it first) and waits until it listens. */
async function start (env: Record<string, string>): Promise<Proc> {
  const child = spawn(process.execPath, [MAIN], { env: { PATH: process.env.PATH ?? '', PORT: '0', HOST: '127.0.0.1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  child.stdout.on('data', d => { stdout += String(d) })
  child.stderr.on('data', () => {})
  await waitFor(() => stdout.includes('server listening'), 30_000, 'the server to listen')
  const line = stdout.split('\n').find(l => l.includes('server listening')) ?? ''
  return { child, url: (JSON.parse(line) as { url: string }).url, out: () => stdout }
}

async function call (proc: Proc, method: string, route: string, headers: Record<string, string>, json?: unknown): Promise<any> {
  const res = await fetch(proc.url + route, { method, headers: { ...headers, 'Content-Type': 'application/json' }, body: json === undefined ? undefined : JSON.stringify(json) })
  const body = await res.json() as any
  if (res.status >= 300) throw new Error(`${method} ${route}: ${res.status} ${JSON.stringify(body)}`)
  return body
}

async function kill (proc: Proc): Promise<void> {
  proc.child.kill('SIGKILL')
  if (proc.child.exitCode === null && proc.child.signalCode === null) await once(proc.child, 'exit')
}

/** The virtual phone sends `n` texts to the user, a few at a time; returns their ids (each send was accepted by the emulator). */
async function phoneSends (proc: Proc, userId: string, n: number, tag: string): Promise<string[]> {
  const ids: string[] = []
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < n) {
      const i = next++
      const res = await call(proc, 'POST', `/sandbox/phones/${PHONE}/send`, { Authorization: ADMIN }, { To: userId, Body: `${tag} ${i}` })
      ids.push(res.data.Id as string)
    }
  }
  await Promise.all(Array.from({ length: 8 }, worker))
  return ids
}

describe('durable webhooks across SIGKILL (built server, sandbox, real receiver)', () => {
  let receiver: Receiver
  let dataDir: string
  let proc: Proc | undefined

  beforeAll(async () => {
    receiver = await startReceiver(() => ({ status: 503 }))
    dataDir = tempDataDir()
  })

  afterAll(async () => {
    if (proc !== undefined) await kill(proc)
    await receiver.close()
    rmSync(dataDir, { recursive: true, force: true })
  })

  it('a receiver down while 1,000 messages arrive, the server SIGKILLed twice meanwhile: all 1,000 delivered, each signed', async () => {
    const env = {
      DATA_DIR: dataDir,
      ADMIN_TOKEN: ADMIN,
      WA_MODE: 'sandbox',
      ALLOW_PRIVATE_URLS: 'true',
      WEBHOOK_RETRY_BASE_MS: '50',
      WEBHOOK_RETRY_MAX_DELAY_MS: '250'
    }
    const admin = { Authorization: ADMIN }
    const user = { Token: TOKEN }
    proc = await start(env)
    const created = await call(proc, 'POST', '/admin/users', admin, { name: 'durable', token: TOKEN, webhook: receiver.url, events: 'Message' })
    const userId = created.data.id as string
    await call(proc, 'POST', '/session/hmac/config', user, { hmac_key: KEY })
    await call(proc, 'POST', '/session/connect', user, { Immediate: false })
    await call(proc, 'POST', '/sandbox/scan', admin, { UserID: userId, Phone: USER_PHONE })
    await call(proc, 'POST', '/sandbox/phones', admin, { Phone: PHONE, PushName: 'Sender' })
    const loggedIn = async (p: Proc): Promise<boolean> => (await call(p, 'GET', '/session/status', user)).data.LoggedIn === true
    await waitFor(async () => await loggedIn(proc!), 20_000, 'the login')

    const sent: string[] = []
    sent.push(...await phoneSends(proc, userId, 400, 'first'))
    await kill(proc) // while the session is still taking the messages in
    proc = await start(env)
    await waitFor(async () => await loggedIn(proc!), 30_000, 'the restored login')
    // the emulator queues these while the session is offline; kill the server while it drains them
    await call(proc, 'POST', '/session/disconnect', user)
    sent.push(...await phoneSends(proc, userId, 400, 'second'))
    const pending = async (p: Proc): Promise<number> => (await call(p, 'GET', '/session/status', user)).data.webhook_status[0]?.pending ?? 0
    const before = await pending(proc)
    await call(proc, 'POST', '/session/connect', user, { Immediate: true })
    await waitFor(async () => await pending(proc!) > before + 20, 30_000, 'the offline drain to start')
    await kill(proc)
    proc = await start(env)
    await waitFor(async () => await loggedIn(proc!), 30_000, 'the restored login')
    sent.push(...await phoneSends(proc, userId, 200, 'third'))
    expect(new Set(sent).size).toBe(1000)

    receiver.behave(() => ({ status: 200 }))
    const deliveredIds = (): Set<string> => new Set(receiver.delivered().map(r => r.json?.event?.Info?.ID as string))
    await receiver.waitFor(() => sent.every(id => deliveredIds().has(id)), 180_000, 'all 1,000 messages')
    for (const r of receiver.delivered()) {
      expect(r.headers['x-hmac-signature']).toBe(createHmac('sha256', KEY).update(r.body).digest('hex'))
    }
  }, 400_000)
})
