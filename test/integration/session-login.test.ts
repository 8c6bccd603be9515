import jsqrModule from 'jsqr'
import { PNG } from 'pngjs'
import { createUser, type TestServer } from '../helpers/server.js'
import { loginWithQr, startSandboxServer, waitForStatus } from '../helpers/session.js'

let server: TestServer
beforeAll(async () => { server = await startSandboxServer() })
afterAll(async () => { await server.stop() })

type JsQr = (data: Uint8ClampedArray, width: number, height: number) => { data: string } | null
const jsQR: JsQr = ((jsqrModule as unknown as { default?: JsQr }).default ?? jsqrModule) as unknown as JsQr

function decodeQrPng (dataUrl: string): string | undefined {
  const png = PNG.sync.read(Buffer.from(dataUrl.replace(/^data:image\/png;base64,/, ''), 'base64'))
  return jsQR(new Uint8ClampedArray(png.data), png.width, png.height)?.data
}

describe('QR flow', () => {
  it('connect shows a QR PNG that decodes to the QR string; a phone scans it; LoggedIn', async () => {
    const user = await createUser(server.api, { events: 'Message' })
    const connect = await server.api('POST', '/session/connect', { token: user.token, json: { Subscribe: ['ReadReceipt'], Immediate: false } })
    expect(connect.body).toMatchObject({ code: 200, success: true, data: { details: 'Waiting for QR code scan or pairing code', state: 'qr', events: 'ReadReceipt' } })

    const qr = await server.api('GET', '/session/qr', { token: user.token })
    expect(qr.body.data.QRCode).toMatch(/^data:image\/png;base64,/)
    const text = decodeQrPng(qr.body.data.QRCode)
    expect(text).toMatch(/^https:\/\/wa\.me\/settings\/linked_devices#/)
    expect(text).toBe(server.registry.find(user.id)?.qr)

    const scan = await server.api('POST', '/sandbox/scan', { admin: true, json: { UserID: user.id, Phone: '5491100000001' } })
    expect(scan.body.data).toMatchObject({ jid: expect.stringMatching(/^5491100000001:\d+@s\.whatsapp\.net$/), state: 'connected' })

    const status = await waitForStatus(server, user.token, s => s.LoggedIn === true)
    expect(status).toMatchObject({ id: user.id, token: user.token, connected: true, loggedIn: true, Connected: true, LoggedIn: true, state: 'connected', jid: '5491100000001@s.whatsapp.net', events: 'ReadReceipt', qrcode: '', lastError: null })

    const again = await server.api('GET', '/session/qr', { token: user.token })
    expect(again.status).toBe(409)
    expect(again.body).toEqual({ code: 409, error: 'already logged in', state: 'connected', success: false, reason: 'not_connected' })
  })

  it('keeps the subscription when connect omits Subscribe (wuzapi issue #305)', async () => {
    const user = await createUser(server.api, { events: 'Message,HistorySync' })
    await server.api('POST', '/session/connect', { token: user.token, json: { Immediate: true } })
    expect((await server.api('GET', '/webhook', { token: user.token })).body.data.subscribe).toEqual(['Message', 'HistorySync'])
    await server.api('POST', '/session/disconnect', { token: user.token })
  })
})

describe('pairing-code flow', () => {
  it('pairphone answers XXXX-XXXX and, in sandbox mode, the phone enters it by itself', async () => {
    const user = await createUser(server.api)
    const res = await server.api('POST', '/session/pairphone', { token: user.token, json: { Phone: '+5491100000002' } })
    expect(res.status).toBe(200)
    expect(res.body.data.LinkingCode).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}$/)
    const status = await waitForStatus(server, user.token, s => s.LoggedIn === true)
    expect(status.jid).toBe('5491100000002@s.whatsapp.net')
    const again = await server.api('POST', '/session/pairphone', { token: user.token, json: { Phone: '5491100000002' } })
    expect(again.body).toEqual({ code: 400, error: 'already paired', success: false, reason: 'invalid_input' })
  })

  it('refuses a missing or malformed phone', async () => {
    const user = await createUser(server.api)
    expect((await server.api('POST', '/session/pairphone', { token: user.token, json: {} })).body.error).toBe('missing Phone in Payload')
    expect((await server.api('POST', '/session/pairphone', { token: user.token, json: { Phone: '12ab' } })).body.error).toMatch(/^invalid Phone/)
  })
})

describe('disconnect, connect, logout', () => {
  it('disconnect keeps the login: connect logs in again without a QR', async () => {
    const user = await loginWithQr(server, '5491100000003')
    expect((await server.api('POST', '/session/disconnect', { token: user.token })).body.data).toEqual({ Details: 'Disconnected' })
    expect((await server.api('GET', '/session/status', { token: user.token })).body.data).toMatchObject({ state: 'disconnected', LoggedIn: false, jid: '5491100000003@s.whatsapp.net' })
    const connect = await server.api('POST', '/session/connect', { token: user.token, json: {} })
    expect(connect.body.data).toMatchObject({ details: 'Connected!', state: 'connected', jid: '5491100000003@s.whatsapp.net' })
  })

  it('logout ends the login on the phone side too: the next connect needs a new QR', async () => {
    const user = await loginWithQr(server, '5491100000004')
    expect(server.sandbox?.isOnline('5491100000004')).toBe(true)
    expect((await server.api('POST', '/session/logout', { token: user.token })).body.data).toEqual({ Details: 'Logged out' })
    expect(server.sandbox?.isOnline('5491100000004')).toBe(false)
    expect(server.db.prepare('SELECT COUNT(*) AS n FROM wa_creds WHERE user_id = ?').get(user.id)).toEqual({ n: 0 })
    const connect = await server.api('POST', '/session/connect', { token: user.token, json: {} })
    expect(connect.body.data.state).toBe('qr')
    await server.api('POST', '/session/disconnect', { token: user.token })
  })

  it('answers 409 with the state for calls that need a session', async () => {
    const user = await createUser(server.api)
    for (const [method, route] of [['POST', '/session/disconnect'], ['POST', '/session/logout'], ['GET', '/session/qr']] as const) {
      const res = await server.api(method, route, { token: user.token, json: method === 'POST' ? {} : undefined })
      expect(res.status).toBe(409)
      expect(res.body).toMatchObject({ code: 409, success: false, state: 'disconnected' })
    }
  })

  it('concurrent connect calls for one user open one socket', async () => {
    const user = await createUser(server.api)
    const edge = (server.sandbox as unknown as { edge: { connections: Set<unknown> } }).edge
    const before = edge.connections.size
    await Promise.all(Array.from({ length: 5 }, async () => await server.api('POST', '/session/connect', { token: user.token, json: { Immediate: true } })))
    await waitForStatus(server, user.token, s => s.state === 'qr')
    expect(edge.connections.size).toBe(before + 1)
    await server.api('POST', '/session/disconnect', { token: user.token })
  })

  it('two users\' sessions are isolated', async () => {
    const a = await loginWithQr(server, '5491100000005')
    const b = await loginWithQr(server, '5491100000006')
    await server.api('POST', '/session/logout', { token: a.token })
    expect((await server.api('GET', '/session/status', { token: a.token })).body.data.state).toBe('logged_out')
    expect((await server.api('GET', '/session/status', { token: b.token })).body.data).toMatchObject({ state: 'connected', LoggedIn: true, jid: '5491100000006@s.whatsapp.net' })
  })

  it('admin delete of a user logs its session out on the phone side', async () => {
    const user = await loginWithQr(server, '5491100000007')
    expect((await server.api('DELETE', `/admin/users/${user.id}`, { admin: true })).status).toBe(200)
    expect(server.sandbox?.isOnline('5491100000007')).toBe(false)
    expect(server.db.prepare('SELECT COUNT(*) AS n FROM wa_keys WHERE user_id = ?').get(user.id)).toEqual({ n: 0 })
    expect((await server.api('GET', '/session/status', { token: user.token })).status).toBe(401)
  })
})

describe('sandbox routes', () => {
  it('create a virtual phone that sends to a user; unknown phones, codes and users get 404 with a hint', async () => {
    const user = await loginWithQr(server, '5491100000031')
    const phone = await server.api('POST', '/sandbox/phones', { admin: true, json: { Phone: '+5491100000032', PushName: 'Carol' } })
    expect(phone.body.data).toMatchObject({ Phone: '5491100000032', JID: '5491100000032@s.whatsapp.net', LID: expect.stringMatching(/@lid$/), PushName: 'Carol' })
    const sent = await server.api('POST', '/sandbox/phones/5491100000032/send', { admin: true, json: { To: user.id, Body: 'hi' } })
    expect(sent.body.data).toMatchObject({ Id: expect.any(String), To: '5491100000031@s.whatsapp.net' })
    expect((await server.api('GET', '/sandbox/phones/5491100000032/messages', { admin: true })).body.data).toEqual({ Messages: [] })

    const missing = [
      await server.api('GET', '/sandbox/phones/5491100000039/messages', { admin: true }),
      await server.api('POST', '/sandbox/pair', { admin: true, json: { Code: 'ABCD-EFGH' } }),
      await server.api('POST', '/sandbox/scan', { admin: true, json: { UserID: 'no-such-user', Phone: '5491100000033' } }),
      await server.api('POST', '/sandbox/phones/5491100000032/send', { admin: true, json: { To: '5491100000038', Body: 'x' } })
    ]
    expect(missing.map(r => r.status)).toEqual([404, 404, 404, 404])
    expect(missing[0]!.body.error).toBe('unknown number 5491100000039: create it with POST /sandbox/phones')
    expect(missing[1]!.body.error).toMatch(/^no pending pairing-code request: call \/session\/pairphone first/)
    expect((await server.api('GET', '/sandbox/phones/5491100000032/messages', { token: user.token })).status).toBe(401)
  })
})
