import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process'
import { once } from 'node:events'
import { rmSync } from 'node:fs'
import path from 'node:path'
import { PROJECT_ROOT } from '../../src/util/package-info.js'
import type { SessionEvent } from '../../src/whatsapp/types.js'
import { tempDataDir, type TestServer } from '../helpers/server.js'
import { loginWithQr, recordSessionEvents, startSandboxServer } from '../helpers/session.js'

/** The emulator as its own process, as `npm run sandbox` starts it (`npm test` builds dist/ first). */
const SANDBOX_MAIN = path.join(PROJECT_ROOT, 'dist', 'src', 'sandbox', 'main.js')

const USER_PN = '5491100007100'
const PHONE_PN = '5491100007101'

interface Emulator { child: ChildProcessWithoutNullStreams, url: string, dataDir: string, out: () => string }

async function startEmulator (): Promise<Emulator> {
  const dataDir = tempDataDir()
  const child = spawn(process.execPath, [SANDBOX_MAIN], { env: { PATH: process.env.PATH ?? '', DATA_DIR: dataDir, SANDBOX_PORT: '0' } })
  let out = ''
  child.stdout.on('data', d => { out += String(d) })
  child.stderr.on('data', d => { out += String(d) })
  const until = Date.now() + 15_000
  while (!out.includes('sandbox listening')) {
    if (Date.now() > until || child.exitCode !== null) throw new Error(`emulator did not start: ${out}`)
    await new Promise(resolve => setTimeout(resolve, 50))
  }
  const line = out.split('\n').find(l => l.includes('sandbox listening')) ?? ''
  return { child, url: (JSON.parse(line) as { url: string }).url, dataDir, out: () => out }
}

let emulator: Emulator
let server: TestServer

beforeAll(async () => {
  emulator = await startEmulator()
  server = await startSandboxServer({ SANDBOX_URL: emulator.url })
})
afterAll(async () => {
  await server?.stop()
  if (emulator !== undefined) {
    emulator.child.kill('SIGTERM')
    if (emulator.child.exitCode === null) await once(emulator.child, 'exit')
    rmSync(emulator.dataDir, { recursive: true, force: true })
  }
})

describe('the emulator process', () => {
  it('refuses an invalid setting with one clear line and exit code 1', async () => {
    const child = spawn(process.execPath, [SANDBOX_MAIN], { env: { PATH: process.env.PATH ?? '', SANDBOX_PORT: 'ninety' } })
    let err = ''
    child.stderr.on('data', d => { err += String(d) })
    const [code] = await once(child, 'exit')
    expect(code).toBe(1)
    expect(err.trim()).toBe('configuration error: SANDBOX_PORT must be a whole number between 0 and 65535, got "ninety"')
  })
})

describe('a gateway with SANDBOX_URL uses an emulator in another process', () => {
  it('starts no emulator of its own and says which one it uses', () => {
    expect(server.sandbox).toBeUndefined()
    expect(server.sandboxDriver?.wsUrl).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/ws\/chat$/)
    expect(server.logs.some(l => l.sandboxUrl === emulator.url)).toBe(true)
  })

  it('logs a user in through /sandbox/scan, sends a message to a virtual phone and receives its answer', async () => {
    const user = await loginWithQr(server, USER_PN)
    const created = await server.api('POST', '/sandbox/phones', { admin: true, json: { Phone: PHONE_PN, PushName: 'Remote Peer' } })
    expect(created.status).toBe(200)
    expect(created.body.data).toMatchObject({ Phone: PHONE_PN, JID: `${PHONE_PN}@s.whatsapp.net`, PushName: 'Remote Peer' })

    const sent = await server.api('POST', '/chat/send/text', { token: user.token, json: { Phone: PHONE_PN, Body: 'hello from the gateway' } })
    expect(sent.status).toBe(200)
    const inbox = await server.api('GET', `/sandbox/phones/${PHONE_PN}/messages`, { admin: true })
    expect(inbox.status).toBe(200)
    expect(inbox.body.data.Messages).toEqual(expect.arrayContaining([expect.objectContaining({ Id: sent.body.data.Id, Message: expect.objectContaining({ extendedTextMessage: { text: 'hello from the gateway' } }) })]))

    const log = recordSessionEvents(server, user.id)
    try {
      const answer = await server.api('POST', `/sandbox/phones/${PHONE_PN}/send`, { admin: true, json: { To: user.id, Body: 'hello back' } })
      expect(answer.status).toBe(200)
      const event = await log.waitFor(e => e.type === 'message' && e.message.id === answer.body.data.Id) as Extract<SessionEvent, { type: 'message' }>
      expect(event.message).toMatchObject({ type: 'text', text: 'hello back', fromMe: false })
    } finally {
      log.stop()
    }
  })

  it('answers the emulator\'s "not found" errors as the embedded one does', async () => {
    const res = await server.api('GET', '/sandbox/phones/5491100007199/messages', { admin: true })
    expect(res.status).toBe(404)
    expect(res.body).toMatchObject({ success: false, error: expect.stringContaining('create it with POST /sandbox/phones') })
  })
})
