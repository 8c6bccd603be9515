import { VERSION } from '../../src/util/package-info.js'
import { createUser, startTestServer, type TestServer } from '../helpers/server.js'
import { loginWithQr, startSandboxServer } from '../helpers/session.js'

let server: TestServer
beforeAll(async () => { server = await startTestServer() })
afterAll(async () => { await server.stop() })

describe('GET /health', () => {
  it('needs no auth and reports status, version, uptime, database and users', async () => {
    await createUser(server.api)
    const res = await server.api('GET', '/health')
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({ status: 'ok', version: VERSION, database: 'ok', total_users: 1, connected_users: 0, logged_in_users: 0 })
    // No session was ever started: the one user counts as disconnected (toMatchObject would accept any object here).
    expect(res.body.sessions).toEqual({ disconnected: 1 })
    expect(res.body.uptime).toMatch(/^(\d+h)?(\d+m)?\d+s$/)
    expect(new Date(res.body.timestamp).getTime()).toBeGreaterThan(Date.now() - 60_000)
  })

  it('counts users whose session was never built since a restart as disconnected', async () => {
    const own = await startTestServer()
    await createUser(own.api)
    await createUser(own.api)
    await own.stop({ keepData: true })
    const again = await startTestServer({}, own.dataDir)
    try {
      const res = await again.api('GET', '/health')
      expect(res.body).toMatchObject({ total_users: 2, logged_in_users: 0 })
      expect(res.body.sessions).toEqual({ disconnected: 2 })
    } finally {
      await again.stop()
    }
  })
})

describe('GET /health with sessions', () => {
  it('counts sessions by state, exactly', async () => {
    const own = await startSandboxServer()
    try {
      const waiting = await createUser(own.api)
      await createUser(own.api)
      const connect = await own.api('POST', '/session/connect', { token: waiting.token, json: { Immediate: false } })
      expect(connect.body.data.state).toBe('qr')
      const showingQr = await own.api('GET', '/health')
      expect(showingQr.body).toMatchObject({ total_users: 2, logged_in_users: 0 })
      expect(showingQr.body.sessions).toEqual({ qr: 1, disconnected: 1 })

      await loginWithQr(own, '5491100002222')
      const loggedIn = await own.api('GET', '/health')
      expect(loggedIn.body).toMatchObject({ total_users: 3, logged_in_users: 1 })
      expect(loggedIn.body.sessions).toEqual({ qr: 1, connected: 1, disconnected: 1 })
    } finally {
      await own.stop()
    }
  })
})
