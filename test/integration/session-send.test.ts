import { SendError } from '../../src/whatsapp/errors.js'
import { createUser, type TestServer } from '../helpers/server.js'
import { loginWithQr, sandboxFault, startSandboxServer } from '../helpers/session.js'

let server: TestServer
beforeAll(async () => { server = await startSandboxServer() })
afterAll(async () => { await server.stop() })

describe('sending waits for the server ack', () => {
  it('resolves with the id and the server timestamp once acked; the phone decrypts the text', async () => {
    const user = await loginWithQr(server, '5491100000401')
    const phone = server.sandbox!.createPhone('5491100000402')
    const sent = await server.registry.find(user.id)!.send('5491100000402@s.whatsapp.net', { text: 'ack me' })
    expect(sent.id).toMatch(/^[0-9A-F]{16,}$/)
    expect(Math.abs(sent.timestamp - Date.now() / 1000)).toBeLessThan(60)
    const got = await phone.waitForMessage(m => m.id === sent.id)
    expect(got.message?.conversation ?? got.message?.extendedTextMessage?.text).toBe('ack me')
  })

  it('rejects with no_ack when the server never acknowledges, and refused when it answers an error', async () => {
    const user = await loginWithQr(server, '5491100000403')
    const session = server.registry.find(user.id)!
    const phone = server.sandbox!.createPhone('5491100000404')
    await sandboxFault(server, user.id, 'ack-withhold')
    await expect(session.send('5491100000404@s.whatsapp.net', { text: 'lost?' })).rejects.toMatchObject({ name: 'SendError', reason: 'no_ack' })
    // the phone got it and sent its delivery receipt (same id): a receipt is not the server's ack
    const got = await phone.waitForMessage()
    expect(got.message?.conversation ?? got.message?.extendedTextMessage?.text).toBe('lost?')
    server.sandbox!.fault('5491100000403', 'ack-error', { error: '479' })
    const refused = await session.send('5491100000404@s.whatsapp.net', { text: 'refused' }).catch((err: unknown) => err)
    expect(refused).toBeInstanceOf(SendError)
    expect(refused).toMatchObject({ reason: 'refused', details: { serverCode: '479' } })
    await sandboxFault(server, user.id, 'ack-normal')
    await expect(session.send('5491100000404@s.whatsapp.net', { text: 'fine again' })).resolves.toMatchObject({ id: expect.any(String) })
  })

  it('rejects with not_connected, naming the state, when the session is not logged in', async () => {
    const user = await createUser(server.api)
    const session = await server.registry.exclusive(user.id, async s => s)
    await expect(session.send('5491100000404@s.whatsapp.net', { text: 'x' })).rejects.toMatchObject({ reason: 'not_connected', details: { state: 'disconnected' } })
  })
})

describe('group sends', () => {
  it('reach every member, including one added after the metadata was cached, who can decrypt them', async () => {
    const user = await loginWithQr(server, '5491100000411')
    const session = server.registry.find(user.id)!
    const [a, b] = ['5491100000412', '5491100000413'].map(pn => server.sandbox!.createPhone(pn))
    const group = await session.socket!.groupCreate('cache test', ['5491100000412@s.whatsapp.net'])
    const first = await session.send(group.id, { text: 'one' })
    expect((await a!.waitForMessage(m => m.id === first.id)).chat).toBe(group.id)

    await session.socket!.groupParticipantsUpdate(group.id, ['5491100000413@s.whatsapp.net'], 'add')
    // with stale metadata the new member gets the stanza but no sender key, so it cannot decrypt it
    const second = await session.send(group.id, { text: 'two' })
    const got = await b!.waitForMessage(m => m.id === second.id)
    expect(got?.message?.conversation ?? got?.message?.extendedTextMessage?.text).toBe('two')
    expect(got?.error ?? null).toBeNull()
  })
})
