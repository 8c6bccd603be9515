import type { ChatMessage } from '../../src/whatsapp/types.js'
import { createUser, startTestServer, type TestServer } from '../helpers/server.js'
import { loginWithQr, recordSessionEvents, startSandboxServer, type SessionEventLog } from '../helpers/session.js'

let server: TestServer
beforeAll(async () => { server = await startSandboxServer() })
afterAll(async () => { await server.stop() })

/** Resolves once the user's session reported the message with this id (the history stored it first). */
async function arrived (log: SessionEventLog, id: string): Promise<ChatMessage> {
  const event = await log.waitFor(e => e.type === 'message' && e.message.id === id)
  if (event.type !== 'message') throw new Error('not a message event')
  return event.message
}

async function history (token: string, chat: string, limit?: number): Promise<any> {
  const q = `chat_jid=${encodeURIComponent(chat)}${limit === undefined ? '' : `&limit=${limit}`}`
  return await server.api('GET', `/chat/history?${q}`, { token })
}

describe('POST /session/history', () => {
  it('sets how many messages per chat are kept; a negative or missing count is refused', async () => {
    const user = await createUser(server.api)
    const set = await server.api('POST', '/session/history', { token: user.token, json: { history: 25 } })
    expect(set.status).toBe(200)
    expect(set.body).toEqual({ code: 200, data: { Details: 'History configured successfully', History: 25 }, success: true })
    const status = await server.api('GET', '/session/status', { token: user.token })
    expect(status.body.data.history).toBe('25')

    const negative = await server.api('POST', '/session/history', { token: user.token, json: { History: -1 } })
    expect(negative.status).toBe(400)
    expect(negative.body.error).toBe('history cannot be negative')
    const missing = await server.api('POST', '/session/history', { token: user.token, json: {} })
    expect(missing.status).toBe(400)
    expect(missing.body.error).toBe('missing history in Payload')
    const fraction = await server.api('POST', '/session/history', { token: user.token, json: { history: 1.5 } })
    expect(fraction.status).toBe(400)
    expect(fraction.body.error).toMatch(/^invalid history/)
  })
})

describe('GET /chat/history', () => {
  it('answers 501 saying how to enable it while the history is disabled, and nothing is stored meanwhile', async () => {
    const user = await loginWithQr(server, '5491100007001')
    const phone = server.sandbox!.createPhone('5491100007002')
    const log = recordSessionEvents(server, user.id)
    const id = await phone.sendText('5491100007001@s.whatsapp.net', 'not kept')
    await arrived(log, id)
    log.stop()

    const off = await history(user.token, phone.jid)
    expect(off.status).toBe(501)
    expect(off.body.success).toBe(false)
    expect(off.body.error).toContain('message history is disabled for this user')
    expect(off.body.error).toContain('POST /session/history')
    expect((await history(user.token, 'index')).status).toBe(501)

    await server.api('POST', '/session/history', { token: user.token, json: { history: 10 } })
    expect((await history(user.token, phone.jid)).body.data).toEqual([])
  })

  it('keeps received and sent messages in wuzapi\'s row shape, newest first', async () => {
    const user = await loginWithQr(server, '5491100007011', { history: 50 })
    const phone = server.sandbox!.createPhone('5491100007012', 'Alice')
    const log = recordSessionEvents(server, user.id)
    const first = await phone.sendText('5491100007011@s.whatsapp.net', 'hello there')
    await arrived(log, first)
    const reply = await phone.sendText('5491100007011@s.whatsapp.net', 'and a reply', {
      quoted: { id: first, participant: phone.jid, message: { conversation: 'hello there' } }
    })
    await arrived(log, reply)

    // a reaction sent through the API is a sent message: stored once the server acked it (Baileys' echo of it is not news)
    const react = await server.api('POST', '/chat/react', { token: user.token, json: { Phone: '5491100007012', Id: first, Body: '👍' } })
    expect(react.status).toBe(200)
    log.stop()
    expect(log.events.some(e => e.type === 'message' && e.message.id === react.body.data.Id)).toBe(false)

    const res = await history(user.token, '+54 9 11 0000-7012')
    expect(res.status).toBe(200)
    const rows = res.body.data
    expect(rows.map((r: any) => r.message_type)).toEqual(['reaction', 'text', 'text'])
    const [reaction, second, original] = rows
    expect(original).toEqual({
      id: expect.any(Number),
      user_id: user.id,
      chat_jid: '5491100007012@s.whatsapp.net',
      sender_jid: '5491100007012@s.whatsapp.net',
      from_me: false,
      message_id: first,
      timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
      message_type: 'text',
      text_content: 'hello there',
      media_link: '',
      data_json: expect.any(String)
    })
    const data = JSON.parse(original.data_json)
    expect(data.Info).toMatchObject({ ID: first, Chat: '5491100007012@s.whatsapp.net', Sender: '5491100007012@s.whatsapp.net', IsFromMe: false, IsGroup: false, PushName: 'Alice', Type: 'text' })
    expect(data.Message.extendedTextMessage?.text ?? data.Message.conversation).toBe('hello there')
    expect(second).toMatchObject({ message_id: reply, text_content: 'and a reply', quoted_message_id: first })
    expect(reaction).toMatchObject({ message_id: react.body.data.Id, sender_jid: 'me', from_me: true, text_content: '👍' })
    expect(JSON.parse(reaction.data_json).Message.reactionMessage.key.id).toBe(first)
    expect(reaction.id).toBeGreaterThan(original.id)

    const one = await history(user.token, phone.jid, 1)
    expect(one.body.data.map((r: any) => r.message_id)).toEqual([react.body.data.Id])
  })

  it('keeps only the set number of messages per chat, prunes at once when it is lowered, and lists the chats with chat_jid=index', async () => {
    const user = await loginWithQr(server, '5491100007021', { history: 2 })
    const [a, b] = ['5491100007022', '5491100007023'].map(pn => server.sandbox!.createPhone(pn)) as [ReturnType<NonNullable<TestServer['sandbox']>['createPhone']>, ReturnType<NonNullable<TestServer['sandbox']>['createPhone']>]
    const log = recordSessionEvents(server, user.id)
    const ids: string[] = []
    for (const text of ['one', 'two', 'three']) {
      ids.push(await a.sendText('5491100007021@s.whatsapp.net', text))
      await arrived(log, ids[ids.length - 1]!)
    }
    const fromB = await b.sendText('5491100007021@s.whatsapp.net', 'from b')
    await arrived(log, fromB)
    log.stop()

    expect((await history(user.token, a.jid)).body.data.map((r: any) => r.text_content)).toEqual(['three', 'two'])
    const index = await history(user.token, 'index')
    expect(index.status).toBe(200)
    expect(Object.keys(index.body.data)).toEqual([user.id])
    // the login's history sync brought the sandbox's welcome chat, stored like any other
    expect(index.body.data[user.id].map((c: any) => c.chat_jid).sort()).toEqual([a.jid, b.jid, '15550100000@s.whatsapp.net'].sort())
    expect(index.body.data[user.id][0]).toEqual({ chat_jid: expect.any(String), last_updated: expect.stringMatching(/Z$/) })

    await server.api('POST', '/session/history', { token: user.token, json: { history: 1 } })
    expect((await history(user.token, a.jid)).body.data.map((r: any) => r.text_content)).toEqual(['three'])
    expect((await history(user.token, b.jid)).body.data.map((r: any) => r.text_content)).toEqual(['from b'])
  })

  it('refuses a missing or malformed chat_jid and a bad limit, naming the field', async () => {
    const user = await createUser(server.api, { history: 5 })
    const missing = await server.api('GET', '/chat/history', { token: user.token })
    expect(missing.status).toBe(400)
    expect(missing.body.error).toBe('missing chat_jid in Payload')
    const bad = await history(user.token, 'someone@example.com')
    expect(bad.status).toBe(400)
    expect(bad.body.error).toMatch(/^invalid chat_jid/)
    for (const limit of ['0', 'many', '100001']) {
      const res = await server.api('GET', `/chat/history?chat_jid=5491100007099&limit=${limit}`, { token: user.token })
      expect(res.status).toBe(400)
      expect(res.body.error).toMatch(/^invalid limit/)
    }
  })
})

describe('history across a restart', () => {
  it('is still there after the server restarts', async () => {
    const first = await startSandboxServer()
    const user = await loginWithQr(first, '5491100007031', { history: 10 })
    const phone = first.sandbox!.createPhone('5491100007032')
    const log = recordSessionEvents(first, user.id)
    const id = await phone.sendText('5491100007031@s.whatsapp.net', 'remember me')
    await log.waitFor(e => e.type === 'message' && e.message.id === id)
    log.stop()
    await first.stop({ keepData: true })

    const second = await startTestServer({ WA_MODE: 'sandbox' }, first.dataDir)
    try {
      const res = await second.api('GET', `/chat/history?chat_jid=${phone.jid}`, { token: user.token })
      expect(res.status).toBe(200)
      expect(res.body.data.map((r: any) => [r.message_id, r.text_content])).toEqual([[id, 'remember me']])
    } finally {
      await second.stop()
    }
  })
})
