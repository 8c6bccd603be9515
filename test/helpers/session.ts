import type { SessionEvent } from '../../src/whatsapp/types.js'
import { createUser, startTestServer, type TestServer } from './server.js'

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

/** A user's session lifecycle events as the registry reports them, recorded from now on. */
export interface SessionEventLog {
  readonly events: SessionEvent[]
  /** Resolves with the first recorded event matching `check` (also one already recorded). */
  waitFor (check: (e: SessionEvent) => boolean, ms?: number): Promise<SessionEvent>
  stop (): void
}

export function recordSessionEvents (server: TestServer, userId: string): SessionEventLog {
  const events: SessionEvent[] = []
  const waiters = new Set<() => void>()
  const unsubscribe = server.registry.onEvent((id, event) => {
    if (id !== userId) return
    events.push(event)
    for (const w of waiters) w()
  })
  return {
    events,
    async waitFor (check, ms = 10_000) {
      return await new Promise<SessionEvent>((resolve, reject) => {
        const look = (): void => {
          const found = events.find(check)
          if (found === undefined) return
          done()
          resolve(found)
        }
        const timer = setTimeout(() => {
          done()
          reject(new Error(`no matching session event; got ${JSON.stringify(events)}`))
        }, ms)
        const done = (): void => {
          clearTimeout(timer)
          waiters.delete(look)
        }
        waiters.add(look)
        look()
      })
    },
    stop: unsubscribe
  }
}
