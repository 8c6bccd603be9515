import { createUser, type TestServer } from '../helpers/server.js'
import { loginWithQr, startSandboxServer, waitForStatus } from '../helpers/session.js'

describe('session ownership', () => {
  let server: TestServer
  beforeAll(async () => { server = await startSandboxServer() })
  afterAll(async () => { await server.stop() })

  it('reading a user\'s state never creates a session: /health counts do not grow with user churn', async () => {
    for (let i = 0; i < 3; i++) {
      const user = await createUser(server.api)
      expect((await server.api('GET', '/session/status', { token: user.token })).body.data).toMatchObject({ state: 'disconnected', LoggedIn: false })
      expect((await server.api('GET', '/admin/users', { admin: true })).status).toBe(200)
      expect((await server.api('DELETE', `/admin/users/${user.id}`, { admin: true })).status).toBe(200)
      expect(server.registry.find(user.id)).toBeUndefined()
    }
    expect((await server.api('GET', '/health')).body.sessions).toEqual({})
  })

  it('a delete racing a pairphone leaves no session, no socket and no database error', async () => {
    const users = await Promise.all([0, 1, 2, 3, 4].map(async () => await createUser(server.api)))
    const results = await Promise.all(users.map(async (user, i) => {
      const pair = server.api('POST', '/session/pairphone', { token: user.token, json: { Phone: `54911000070${i}0` } })
      await new Promise(resolve => setImmediate(resolve))
      for (let n = 0; n < i; n++) await server.api('GET', '/health')
      const del = await server.api('DELETE', `/admin/users/${user.id}`, { admin: true })
      return { pair: await pair, del }
    }))
    for (const { pair, del } of results) {
      expect(del.status).toBe(200)
      // the pairphone either finished first (a code) or found the user gone (401 or 404), never a 500
      expect([200, 401, 404]).toContain(pair.status)
    }
    for (const user of users) expect(server.registry.find(user.id)).toBeUndefined()
    expect(server.logText()).not.toMatch(/FOREIGN KEY|request failed/)
    // no unpaired socket is left showing a QR code for a user that no longer exists
    expect(server.sandbox!.fault('', 'qr-expire')).toBe(0)
  })
})

describe('the normal 515 restart after pairing', () => {
  let server: TestServer
  beforeAll(async () => { server = await startSandboxServer() })
  afterAll(async () => { await server.stop() })

  it('is neither logged as an error nor counted as a failed connection', async () => {
    const user = await loginWithQr(server, '5491100000711')
    const closes = server.logs.filter(l => l.msg === 'whatsapp connection closed' && l.code === 515)
    expect(closes).toHaveLength(1)
    expect(closes[0]).toMatchObject({ level: 30, decision: { action: 'reconnect', restart: true } })
    expect(server.logs.filter(l => l.level as number >= 50)).toEqual([])
    expect((await waitForStatus(server, user.token, s => s.LoggedIn === true)).lastError).toBeNull()
  })
})

describe('sending', () => {
  let server: TestServer
  beforeAll(async () => { server = await startSandboxServer() })
  afterAll(async () => { await server.stop() })

  it('a send that fails before reaching the server leaves no ack timer or listener behind', async () => {
    const user = await loginWithQr(server, '5491100000721')
    const session = server.registry.find(user.id)!
    const ws = session.socket!.ws
    const before = ws.listenerCount('close')
    await expect(session.send('not a jid', { text: 'x' })).rejects.toThrow()
    expect(ws.listenerCount('close')).toBe(before)
  })
})

describe('an unfinished pairing', () => {
  it('left behind by a stop in the middle of pairing is dropped: the next connect shows a QR code', async () => {
    const first = await startSandboxServer({ SANDBOX_AUTO_PAIR: 'false' })
    const user = await createUser(first.api)
    const pair = await first.api('POST', '/session/pairphone', { token: user.token, json: { Phone: '5491100000731' } })
    expect(pair.status).toBe(200)
    // what a SIGKILL leaves: the pairing request's creds in SQLite, no paired account
    await first.stop({ keepData: true })

    const second = await startSandboxServer({}, first.dataDir)
    try {
      const connect = await second.api('POST', '/session/connect', { token: user.token, json: { Immediate: false } })
      expect(connect.body.data).toMatchObject({ state: 'qr', lastError: null })
    } finally {
      await second.stop()
    }
  })
})
