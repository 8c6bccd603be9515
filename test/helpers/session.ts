import { UPLOAD_TIMEOUT } from '@whiskeysockets/baileys'
import { createUser, startTestServer, type TestServer } from './server.js'

/**
 * Baileys rc14 starts a UPLOAD_TIMEOUT (30 s) timer on every pre-key upload (the first login of a
 * session) and never clears it: `Promise.race` in `uploadPreKeys`, lib/Socket/socket.js:388-392.
 * No handle to it escapes, so the server cannot cancel it, and jest would wait for it after the
 * last test. Only timers of exactly that length are unref'd in tests: every other forgotten timer
 * still keeps jest from exiting, so it gets noticed. Drop this when Baileys clears its timer.
 */
function unrefBaileysUploadTimeout (): void {
  const original = globalThis.setTimeout
  const patched = ((fn: (...a: unknown[]) => void, ms?: number, ...args: unknown[]) => {
    const timer = original(fn, ms, ...args)
    if (ms === UPLOAD_TIMEOUT) timer.unref()
    return timer
  }) as typeof setTimeout
  globalThis.setTimeout = Object.assign(patched, original)
}
unrefBaileysUploadTimeout()

/** Starts the server in sandbox mode with short WhatsApp timeouts. */
export async function startSandboxServer (env: Record<string, string> = {}, dataDir?: string): Promise<TestServer> {
  return await startTestServer({ WA_MODE: 'sandbox', CONNECT_WAIT_MS: '8000', WA_QUERY_TIMEOUT_MS: '2000', LOG_LEVEL: 'info', ...env }, dataDir)
}

/** Polls `/session/status` until `check` holds; returns the last status data. */
export async function waitForStatus (server: TestServer, token: string, check: (s: any) => boolean, ms = 10_000): Promise<any> {
  const until = Date.now() + ms
  let last: any
  for (;;) {
    last = (await server.api('GET', '/session/status', { token })).body.data
    if (check(last)) return last
    if (Date.now() > until) throw new Error(`status never matched; last: ${JSON.stringify(last)}`)
    await new Promise(resolve => setTimeout(resolve, 100))
  }
}

/** Triggers a sandbox fault on the user's connections through `POST /sandbox/fault`. */
export async function sandboxFault (server: TestServer, userId: string, kind: string): Promise<void> {
  const res = await server.api('POST', '/sandbox/fault', { admin: true, json: { UserID: userId, Kind: kind } })
  if (res.status !== 200) throw new Error(`fault ${kind} failed: ${JSON.stringify(res.body)}`)
}

/** Creates a user and logs its session in through the QR flow, with HTTP calls only. */
export async function loginWithQr (server: TestServer, phone: string, fields: Record<string, unknown> = {}): Promise<{ id: string, token: string }> {
  const user = await createUser(server.api, fields)
  const connect = await server.api('POST', '/session/connect', { token: user.token, json: { Immediate: false } })
  if (connect.body.data?.state !== 'qr') throw new Error(`connect did not reach qr: ${JSON.stringify(connect.body)}`)
  const scan = await server.api('POST', '/sandbox/scan', { admin: true, json: { UserID: user.id, Phone: phone } })
  if (scan.status !== 200) throw new Error(`scan failed: ${JSON.stringify(scan.body)}`)
  await waitForStatus(server, user.token, s => s.LoggedIn === true)
  return user
}
