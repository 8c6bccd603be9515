import type { ChatMessage } from '../../src/whatsapp/types.js'
import type { VirtualPhone } from '../../src/sandbox/phones.js'
import { createUser, type TestServer } from '../helpers/server.js'
import { loginWithQr, recordSessionEvents, startSandboxServer } from '../helpers/session.js'

let server: TestServer
beforeAll(async () => { server = await startSandboxServer() })
afterAll(async () => { await server.stop() })

const ME = '5491100008001'
const PEER = '5491100008002'
let user: { id: string, token: string }
let peer: VirtualPhone
/** The user's own phone: what it sends is "ours", as if typed on the phone. */
let own: VirtualPhone

beforeAll(async () => {
  user = await loginWithQr(server, ME, { history: 50 })
  peer = server.sandbox!.createPhone(PEER)
  own = server.sandbox!.phone(ME)
})

/** Sends from a phone and resolves once the user's session reported (and the history stored) it. */
async function deliver (from: VirtualPhone, to: string, text: string): Promise<ChatMessage> {
  const log = recordSessionEvents(server, user.id)
  try {
    const id = await from.sendText(to, text)
    const event = await log.waitFor(e => e.type === 'message' && e.message.id === id)
    if (event.type !== 'message') throw new Error('not a message event')
    return event.message
  } finally {
    log.stop()
  }
}

/** Polls `check` until it holds (at most 5 s). */
async function until (check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 5000
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition never held')
    await new Promise(resolve => setTimeout(resolve, 25))
  }
}

async function post (path: string, json: unknown, token = user.token): Promise<any> {
  return await server.api('POST', path, { token, json })
}

describe('POST /chat/send/edit', () => {
  it('edits a message of ours: the peer gets a MESSAGE_EDIT protocol message and the history shows the new text', async () => {
    const original = await deliver(own, `${PEER}@s.whatsapp.net`, 'befor')
    expect(original.fromMe).toBe(true)
    const res = await post('/chat/send/edit', { Phone: PEER, Id: original.id, Body: 'before' })
    expect(res.status).toBe(200)
    expect(res.body.data).toEqual({ Details: 'Sent', Timestamp: expect.any(Number), Id: expect.any(String) })
    const got = await peer.waitForMessage(m => m.id === res.body.data.Id)
    const protocol = got.message?.protocolMessage
    expect(protocol?.type).toBe(14)
    expect(protocol?.key?.id).toBe(original.id)
    expect(protocol?.key?.fromMe).toBe(true)
    const edited = protocol?.editedMessage
    expect(edited?.conversation ?? edited?.extendedTextMessage?.text).toBe('before')

    const rows = (await server.api('GET', `/chat/history?chat_jid=${PEER}`, { token: user.token })).body.data
    expect(rows.find((r: any) => r.message_id === original.id).text_content).toBe('before')
  })

  it('refuses a message that is not ours (403), an unknown id (404) and missing fields (400), naming them', async () => {
    const theirs = await deliver(peer, `${ME}@s.whatsapp.net`, 'mine, not yours')
    const notOurs = await post('/chat/send/edit', { Phone: PEER, Id: theirs.id, Body: 'x' })
    expect(notOurs.status).toBe(403)
    expect(notOurs.body.error).toContain('only your own messages can be edited')
    const unknown = await post('/chat/send/edit', { Phone: PEER, Id: 'NOSUCHID', Body: 'x' })
    expect(unknown.status).toBe(404)
    expect(unknown.body.error).toContain('message NOSUCHID not found')
    expect((await post('/chat/send/edit', { Id: theirs.id, Body: 'x' })).body.error).toBe('missing Phone in Payload')
    expect((await post('/chat/send/edit', { Phone: PEER, Body: 'x' })).body.error).toBe('missing Id in Payload')
    const noBody = await post('/chat/send/edit', { Phone: PEER, Id: theirs.id, Body: '' })
    expect(noBody.status).toBe(400)
    expect(noBody.body.error).toBe('missing Body in Payload')
    const badPhone = await post('/chat/send/edit', { Phone: 'abc', Id: theirs.id, Body: 'x' })
    expect(badPhone.status).toBe(400)
    expect(badPhone.body.error).toMatch(/^invalid Phone "abc"/)
  })
})

describe('POST /chat/delete', () => {
  it('revokes a message of ours for everyone: the peer gets a REVOKE protocol message', async () => {
    const original = await deliver(own, `${PEER}@s.whatsapp.net`, 'oops')
    const res = await post('/chat/delete', { Phone: PEER, Id: original.id })
    expect(res.status).toBe(200)
    expect(res.body.data).toEqual({ Details: 'Deleted', Timestamp: expect.any(Number), Id: expect.any(String) })
    const got = await peer.waitForMessage(m => m.id === res.body.data.Id)
    expect(got.message?.protocolMessage?.type).toBe(0)
    expect(got.message?.protocolMessage?.key?.id).toBe(original.id)
  })

  it('refuses someone else\'s message and an unknown id', async () => {
    const theirs = await deliver(peer, `${ME}@s.whatsapp.net`, 'keep it')
    const notOurs = await post('/chat/delete', { Phone: PEER, Id: theirs.id })
    expect(notOurs.status).toBe(403)
    expect(notOurs.body.error).toContain('only your own messages can be deleted')
    expect((await post('/chat/delete', { Phone: PEER, Id: 'NOSUCHID' })).status).toBe(404)
    expect((await post('/chat/delete', { Phone: PEER })).body.error).toBe('missing Id in Payload')
  })
})

describe('POST /chat/react', () => {
  it('reacts to their message and to ours (me: prefix), and removes a reaction with "remove"', async () => {
    const theirs = await deliver(peer, `${ME}@s.whatsapp.net`, 'react to me')
    const res = await post('/chat/react', { Phone: PEER, Id: theirs.id, Body: '❤️' })
    expect(res.status).toBe(200)
    expect(res.body.data).toEqual({ Details: 'Sent', Timestamp: expect.any(Number), Id: expect.any(String) })
    const got = (await peer.waitForMessage(m => m.id === res.body.data.Id)).message?.reactionMessage
    expect(got?.text).toBe('❤️')
    expect(got?.key?.id).toBe(theirs.id)
    expect(got?.key?.fromMe).toBe(false)
    expect(got?.key?.remoteJid).toBe(`${PEER}@s.whatsapp.net`)

    const removed = await post('/chat/react', { Phone: PEER, Id: theirs.id, Body: 'remove' })
    expect(removed.status).toBe(200)
    expect((await peer.waitForMessage(m => m.id === removed.body.data.Id)).message?.reactionMessage?.text).toBe('')

    const ours = await deliver(own, `${PEER}@s.whatsapp.net`, 'my own')
    const mine = await post('/chat/react', { Phone: PEER, Id: `me:${ours.id}`, Body: '👍' })
    expect(mine.status).toBe(200)
    const onOurs = (await peer.waitForMessage(m => m.id === mine.body.data.Id)).message?.reactionMessage
    expect(onOurs?.key).toMatchObject({ id: ours.id, fromMe: true })
  })

  it('answers 404 for a reaction to an unknown message id', async () => {
    const res = await post('/chat/react', { Phone: PEER, Id: 'NOSUCHID', Body: '👍' })
    expect(res.status).toBe(404)
    expect(res.body.error).toContain('message NOSUCHID not found')
    expect((await post('/chat/react', { Id: 'X', Body: '👍' })).body.error).toBe('missing Phone in Payload')
    expect((await post('/chat/react', { Phone: PEER, Id: 'me:', Body: '👍' })).body.error).toBe('missing Id in Payload')
  })
})

describe('POST /chat/markread', () => {
  it('sends a read receipt the peer sees, with ChatPhone or the older Chat', async () => {
    const a = await deliver(peer, `${ME}@s.whatsapp.net`, 'read me')
    const res = await post('/chat/markread', { Id: [a.id], ChatPhone: PEER })
    expect(res.status).toBe(200)
    expect(res.body.data).toEqual({ Details: 'Message(s) marked as read' })
    const receipt = await peer.waitForReceipt(r => r.type === 'read' && r.ids.includes(a.id))
    expect(receipt.from).toBe(`${ME}@s.whatsapp.net`)

    const b = await deliver(peer, `${ME}@s.whatsapp.net`, 'read me too')
    expect((await post('/chat/markread', { id: [b.id], chat: `${PEER}@s.whatsapp.net` })).status).toBe(200)
    await peer.waitForReceipt(r => r.type === 'read' && r.ids.includes(b.id))
  })

  it('refuses a missing chat or id list, naming the field', async () => {
    expect((await post('/chat/markread', { Id: ['X'] })).body).toMatchObject({ code: 400, error: 'missing ChatPhone in Payload' })
    expect((await post('/chat/markread', { ChatPhone: PEER })).body).toMatchObject({ code: 400, error: 'missing Id in Payload' })
    expect((await post('/chat/markread', { ChatPhone: PEER, Id: [] })).body.error).toMatch(/^missing Id in Payload/)
    expect((await post('/chat/markread', { Chat: 'nope@nowhere', Id: ['X'] })).body.error).toMatch(/^invalid Chat "nope@nowhere"/)
  })

  it('answers 409 naming the state when the session is not logged in', async () => {
    const idle = await createUser(server.api)
    const res = await post('/chat/markread', { Id: ['X'], ChatPhone: PEER }, idle.token)
    expect(res.status).toBe(409)
    expect(res.body).toMatchObject({ success: false, state: 'disconnected' })
  })
})

describe('POST /chat/archive', () => {
  it('archives and unarchives a chat with a stored last message', async () => {
    // archiving is an app-state patch signed with a key the phone shares with a new device after linking
    await until(async () => server.registry.find(user.id)!.socket!.authState.creds.myAppStateKeyId !== undefined)
    await deliver(peer, `${ME}@s.whatsapp.net`, 'archive this chat')
    const res = await post('/chat/archive', { jid: `${PEER}@s.whatsapp.net`, archive: true })
    expect(res.body).toEqual({ code: 200, data: { success: true, message: 'Chat archived' }, success: true })
    const back = await post('/chat/archive', { jid: PEER, archive: false })
    expect(back.body.data).toEqual({ success: true, message: 'Chat unarchived' })
  })

  it('refuses a chat without a stored message (404) and a missing jid (400)', async () => {
    const res = await post('/chat/archive', { jid: '5491100008099', archive: true })
    expect(res.status).toBe(404)
    expect(res.body.error).toContain('archiving needs the chat\'s last message')
    expect((await post('/chat/archive', { archive: true })).body.error).toBe('missing jid in Payload')
  })
})

describe('without a history', () => {
  it('takes the client\'s word as wuzapi does: a reaction to an id the server never saw is sent', async () => {
    const plain = await loginWithQr(server, '5491100008011')
    const phone = server.sandbox!.createPhone('5491100008012')
    const res = await post('/chat/react', { Phone: '5491100008012', Id: 'me:3EB0AAAABBBBCCCCDDDD', Body: '👍' }, plain.token)
    expect(res.status).toBe(200)
    const got = (await phone.waitForMessage(m => m.id === res.body.data.Id)).message?.reactionMessage
    expect(got?.key).toMatchObject({ id: '3EB0AAAABBBBCCCCDDDD', fromMe: true })
  })
})
