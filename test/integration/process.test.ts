import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { rmSync } from 'node:fs'
import path from 'node:path'
import { PROJECT_ROOT } from '../../src/util/package-info.js'
import { tempDataDir } from '../helpers/server.js'

const MAIN = path.join(PROJECT_ROOT, 'dist', 'src', 'main.js')

/** Runs the built server (`npm test` builds it first) with the given environment. */
function run (env: Record<string, string>) {
  const child = spawn(process.execPath, [MAIN], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', d => { stdout += String(d) })
  child.stderr.on('data', d => { stderr += String(d) })
  return { child, out: () => stdout, err: () => stderr }
}

async function waitFor (check: () => boolean, ms = 15_000): Promise<void> {
  const until = Date.now() + ms
  while (!check()) {
    if (Date.now() > until) throw new Error('timed out')
    await new Promise(resolve => setTimeout(resolve, 50))
  }
}

/** Starts the built server and returns it with its base URL once it listens. */
async function listening (env: Record<string, string>) {
  const proc = run({ PORT: '0', HOST: '127.0.0.1', ...env })
  await waitFor(() => proc.out().includes('server listening'))
  const line = proc.out().split('\n').find(l => l.includes('server listening')) ?? ''
  return { ...proc, url: (JSON.parse(line) as { url: string }).url }
}

async function call (url: string, method: string, headers: Record<string, string>, json?: unknown): Promise<any> {
  const res = await fetch(url, { method, headers: { ...headers, 'Content-Type': 'application/json' }, body: json === undefined ? undefined : JSON.stringify(json) })
  return await res.json()
}

describe('the server process', () => {
  it('refuses to start on an invalid setting with one clear line and exit code 1', async () => {
    const proc = run({ PORT: 'eighty', DATA_DIR: tempDataDir() })
    const [code] = await once(proc.child, 'exit')
    expect(code).toBe(1)
    expect(proc.err().trim()).toBe('configuration error: PORT must be a whole number between 0 and 65535, got "eighty"')
  })

  it('serves /health and stops cleanly on SIGTERM', async () => {
    const dataDir = tempDataDir()
    const proc = await listening({ DATA_DIR: dataDir, ADMIN_TOKEN: 'process-test-admin-token' })
    try {
      const res = await fetch(proc.url + '/health')
      expect(res.status).toBe(200)
      proc.child.kill('SIGTERM')
      const [code] = await once(proc.child, 'exit')
      expect(code).toBe(0)
      expect(proc.out()).toContain('server stopped')
      expect(proc.out()).not.toContain('process-test-admin-token')
    } finally {
      proc.child.kill('SIGKILL')
      rmSync(dataDir, { recursive: true, force: true })
    }
  })

  it('in sandbox mode, survives SIGKILL: the session logs in again without a QR', async () => {
    const dataDir = tempDataDir()
    const env = { DATA_DIR: dataDir, ADMIN_TOKEN: 'process-test-admin-token', WA_MODE: 'sandbox' }
    const admin = { Authorization: 'process-test-admin-token' }
    let proc = await listening(env)
    try {
      const created = await call(proc.url + '/admin/users', 'POST', admin, { name: 'crash', token: 'crash-test-user-token' })
      const user = { Token: 'crash-test-user-token' }
      expect((await call(proc.url + '/session/connect', 'POST', user, { Immediate: false })).data.state).toBe('qr')
      expect((await call(proc.url + '/sandbox/scan', 'POST', admin, { UserID: created.data.id, Phone: '5491100000909' })).success).toBe(true)
      expect((await call(proc.url + '/session/status', 'GET', user)).data.LoggedIn).toBe(true)
      proc.child.kill('SIGKILL')
      await once(proc.child, 'exit')

      proc = await listening(env)
      let status: any
      const until = Date.now() + 15_000
      do {
        status = (await call(proc.url + '/session/status', 'GET', user)).data
        if (status.LoggedIn === true) break
        await new Promise(resolve => setTimeout(resolve, 100))
      } while (Date.now() < until)
      expect(status).toMatchObject({ LoggedIn: true, state: 'connected', jid: '5491100000909@s.whatsapp.net', qrcode: '' })
    } finally {
      proc.child.kill('SIGKILL')
      rmSync(dataDir, { recursive: true, force: true })
    }
  })
})
