import { rmSync } from 'node:fs'
import { createUser, startTestServer, tempDataDir, type TestServer } from '../helpers/server.js'
import { loginWithQr, recordSessionEvents, sandboxFault, startSandboxServer, waitForStatus } from '../helpers/session.js'

describe('server restart', () => {
  const servers: TestServer[] = []
  const dataDir = tempDataDir()
  const start = async (): Promise<TestServer> => {
    const server = await startSandboxServer({}, dataDir)
    servers.push(server)
    return server
  }
  afterEach(async () => {
    for (const s of servers.splice(0)) await s.stop({ keepData: true }).catch(() => undefined)
  })
  afterAll(() => { rmSync(dataDir, { recursive: true, force: true }) })

  it('restores a logged-in session without a QR after a graceful stop', async () => {
    const first = await start()
    const user = await loginWithQr(first, '5491100000101')
    await first.stop({ keepData: true })

    const second = await start()
    const status = await waitForStatus(second, user.token, s => s.LoggedIn === true)
    expect(status).toMatchObject({ state: 'connected', jid: '5491100000101@s.whatsapp.net' })
    expect(second.logs.some(l => l.msg === 'restoring WhatsApp sessions' && l.sessions === 1)).toBe(true)
  })

  it('does not restore a session that was disconnected on purpose, and keeps its login', async () => {
    const first = await start()
    const user = await loginWithQr(first, '5491100000102')
    await first.api('POST', '/session/disconnect', { token: user.token })
    await first.stop({ keepData: true })
    const second = await start()
    expect((await second.api('GET', '/session/status', { token: user.token })).body.data).toMatchObject({ state: 'disconnected', jid: '5491100000102@s.whatsapp.net' })
    expect((await second.api('POST', '/session/connect', { token: user.token, json: {} })).body.data.state).toBe('connected')
  })

  it('delivers a message that waited in the sandbox across a restart once the session connects again', async () => {
    const first = await start()
    const user = await loginWithQr(first, '5491100000103')
    await first.api('POST', '/session/disconnect', { token: user.token })
    const sent = await first.api('POST', '/sandbox/phones/5491100000104/send', { admin: true, json: { To: user.id, Body: 'while you were away' } })
    expect(sent.status).toBe(200)
    await first.stop({ keepData: true })

    const second = await start()
    expect((await second.api('POST', '/session/connect', { token: user.token, json: {} })).body.data.state).toBe('connected')
    const receipt = await second.sandbox!.phone('5491100000104').waitForReceipt(r => r.ids.includes(sent.body.data.Id), 10_000)
    // decrypted: a delivery receipt ('inactive' while the session is not marked online), not a 'retry'
    expect(['delivery', 'inactive']).toContain(receipt.type)
    expect(receipt.from).toMatch(/^5491100000103/)
  })
})

describe('faults follow the reconnect policy', () => {
  let server: TestServer
  beforeAll(async () => { server = await startSandboxServer() })
  afterAll(async () => { await server.stop() })

  it('515 restart required: reconnects at once, without counting a failure', async () => {
    const user = await loginWithQr(server, '5491100000201')
    const log = recordSessionEvents(server, user.id)
    await sandboxFault(server, user.id, 'restart')
    await log.waitFor(e => e.type === 'connected')
    log.stop()
    expect(log.events.map(e => e.type === 'state' ? e.state : e.type)).toEqual(['connecting', 'connected', 'connected'])
    expect((await server.api('GET', '/session/status', { token: user.token })).body.data).toMatchObject({ LoggedIn: true, lastError: null })
  })

  it('dropped connection: reconnects with backoff and records the error', async () => {
    const user = await loginWithQr(server, '5491100000202')
    await sandboxFault(server, user.id, 'drop')
    const during = await waitForStatus(server, user.token, s => s.lastError !== null || s.state !== 'connected', 5000)
    expect(during.lastError?.code).toBe(428)
    const status = await waitForStatus(server, user.token, s => s.state === 'connected', 10_000)
    expect(status.LoggedIn).toBe(true)
  })

  it('440 replaced: stops, with no reconnect loop', async () => {
    const user = await loginWithQr(server, '5491100000203')
    await sandboxFault(server, user.id, 'replaced')
    const log = recordSessionEvents(server, user.id)
    const status = await waitForStatus(server, user.token, s => s.state === 'disconnected')
    expect(status.lastError).toMatchObject({ code: 440 })
    // the policy decided to stop: no reconnect is scheduled, so nothing can bring the socket back
    expect(server.logs.filter(l => l.msg === 'whatsapp connection closed' && l.code === 440).map(l => l.decision)).toEqual([expect.objectContaining({ action: 'stop', cause: 'replaced' })])
    expect(await log.waitFor(e => e.type === 'stopped')).toMatchObject({ cause: 'replaced', code: 440 })
    log.stop()
    expect(server.sandbox?.isOnline('5491100000203')).toBe(false)
    expect((await server.api('GET', '/session/status', { token: user.token })).body.data.state).toBe('disconnected')
    expect(server.db.prepare('SELECT connected FROM users WHERE id = ?').get(user.id)).toEqual({ connected: 0 })
  })

  it('a fault hits only the named user\'s device, not another session linked to the same number', async () => {
    const a = await loginWithQr(server, '5491100000205')
    const b = await loginWithQr(server, '5491100000205')
    const bLog = recordSessionEvents(server, b.id)
    const res = await server.api('POST', '/sandbox/fault', { admin: true, json: { UserID: a.id, Kind: 'replaced' } })
    expect(res.body.data).toEqual({ Kind: 'replaced', Connections: 1 })
    await waitForStatus(server, a.token, s => s.state === 'disconnected')
    bLog.stop()
    expect(bLog.events).toEqual([])
    expect((await server.api('GET', '/session/status', { token: b.token })).body.data.state).toBe('connected')
  })

  it('401 logged out from the phone: wipes the login', async () => {
    const user = await loginWithQr(server, '5491100000204')
    await sandboxFault(server, user.id, 'logout')
    const status = await waitForStatus(server, user.token, s => s.state === 'logged_out')
    expect(status).toMatchObject({ LoggedIn: false, jid: '' })
    expect(server.db.prepare('SELECT COUNT(*) AS n FROM wa_creds WHERE user_id = ?').get(user.id)).toEqual({ n: 0 })
    expect((await server.api('POST', '/session/connect', { token: user.token, json: {} })).body.data.state).toBe('qr')
    await server.api('POST', '/session/disconnect', { token: user.token })
  })

  it('qr-expire: only the named user\'s QR codes run out; the session stops', async () => {
    const [a, b] = [await createUser(server.api), await createUser(server.api)]
    for (const u of [a, b]) expect((await server.api('POST', '/session/connect', { token: u.token, json: { Immediate: false } })).body.data.state).toBe('qr')
    await sandboxFault(server, a.id, 'qr-expire')
    const status = await waitForStatus(server, a.token, s => s.state === 'disconnected')
    expect(status.lastError).toMatchObject({ message: 'QR code expired: nobody scanned it' })
    expect((await server.api('GET', '/session/status', { token: b.token })).body.data.state).toBe('qr')
    const again = await server.api('POST', '/sandbox/fault', { admin: true, json: { UserID: a.id, Kind: 'qr-expire' } })
    expect(again.body).toMatchObject({ code: 409, reason: 'not_connected', state: 'disconnected' })
    await server.api('POST', '/session/disconnect', { token: b.token })
  })

  it('refuses unknown fault kinds and users', async () => {
    expect((await server.api('POST', '/sandbox/fault', { admin: true, json: { UserID: 'x', Kind: 'meteor' } })).body.error).toMatch(/^invalid Kind: use one of/)
    for (const Kind of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
      expect((await server.api('POST', '/sandbox/fault', { admin: true, json: { UserID: 'x', Kind } })).status).toBe(400)
    }
    expect((await server.api('POST', '/sandbox/fault', { admin: true, json: { UserID: 'nobody', Kind: 'drop' } })).status).toBe(404)
    expect((await server.api('POST', '/sandbox/fault', { json: { UserID: 'nobody', Kind: 'drop' } })).status).toBe(401)
  })
})

describe('live mode without network', () => {
  it('fails clearly: status shows the last connection error, the process keeps serving, no /sandbox routes', async () => {
    const server = await startTestServer({ WA_MODE: 'live' })
    try {
      const { token } = await import('../helpers/server.js').then(async m => await m.createUser(server.api))
      const connect = await server.api('POST', '/session/connect', { token, json: { Immediate: true } })
      expect(connect.status).toBe(200)
      const status = await waitForStatus(server, token, s => s.lastError !== null, 25_000)
      expect(status.LoggedIn).toBe(false)
      expect(status.lastError.message).toMatch(/WebSocket Error|Connection|ENOTFOUND|EAI_AGAIN|timed out/i)
      expect((await server.api('GET', '/health')).status).toBe(200)
      expect((await server.api('POST', '/sandbox/scan', { admin: true, json: { UserID: 'x', Phone: '1' } })).status).toBe(404)
      await server.api('POST', '/session/disconnect', { token })
    } finally {
      await server.stop()
    }
  })
})
