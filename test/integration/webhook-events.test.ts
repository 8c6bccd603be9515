import sharp from 'sharp'
import type { WebhookEvent } from '../../src/events/catalogue.js'
import type { VirtualPhone } from '../../src/sandbox/phones.js'
import type { SessionEvent } from '../../src/whatsapp/types.js'
import { startTestServer, type TestServer } from '../helpers/server.js'
import { loginWithQr, recordSessionEvents, startSandboxServer, waitForStatus, type SessionEventLog } from '../helpers/session.js'

const USER_PHONE = '5491100008401'
const USER_JID = `${USER_PHONE}@s.whatsapp.net`
const PEER = '5491100008402'

let server: TestServer
let user: { id: string, token: string }
let phone: VirtualPhone
let log: SessionEventLog

beforeAll(async () => {
  server = await startSandboxServer()
  user = await loginWithQr(server, USER_PHONE)
  phone = server.sandbox!.createPhone(PEER, 'Bob')
  log = recordSessionEvents(server, user.id)
})

afterAll(async () => {
  log.stop()
  await server.stop()
})

/** The webhook event a session event carries: a message's, or any other. */
function webhookOf (e: SessionEvent): WebhookEvent | undefined {
  if (e.type === 'message') return e.webhook
  if (e.type === 'webhook') return e.event
  return undefined
}

/** Resolves with the first webhook event (already recorded or to come) matching `check`. */
async function webhook (check: (w: WebhookEvent) => boolean): Promise<WebhookEvent> {
  const found = await log.waitFor(e => {
    const w = webhookOf(e)
    return w !== undefined && check(w)
  })
  const w = webhookOf(found)
  if (w === undefined) throw new Error('no webhook event')
  return w
}

/** The `Message` event of the message with this id. */
async function messageEvent (id: string): Promise<{ event: any, extra: any, sourceKey: string | undefined }> {
  const w = await webhook(e => e.type === 'Message' && (e.event as any).Info.ID === id)
  return { event: w.event, extra: w.extra, sourceKey: w.sourceKey }
}

async function phoneSend (json: Record<string, unknown>): Promise<any> {
  const res = await server.api('POST', `/sandbox/phones/${PEER}/send`, { admin: true, json: { To: user.id, ...json } })
  expect(res.status).toBe(200)
  return res.body.data
}

describe('webhook events from a virtual phone', () => {
  it('emits a text as a Message event in wuzapi\'s shape, once, from the receipt hook (ahead of Baileys\' messages.upsert)', async () => {
    // the session emits a message from Baileys' hook before the delivery receipt, so before Baileys' own messages.upsert
    const order: string[] = []
    const sock = server.registry.find(user.id)?.socket
    if (sock === undefined) throw new Error('no live socket')
    const onUpsert = (u: { messages: Array<{ key: { id?: string | null } }> }): void => { for (const m of u.messages) order.push(`upsert:${m.key.id ?? ''}`) }
    sock.ev.on('messages.upsert', onUpsert)
    const unsubscribe = server.registry.onEvent((id, e) => {
      if (id === user.id && e.type === 'message') order.push(`emit:${e.message.id}`)
    })
    const id = await phone.sendText(USER_JID, 'hello bot')
    const { event, sourceKey } = await messageEvent(id)
    expect(event.Info).toMatchObject({
      Chat: phone.jid,
      Sender: phone.jid,
      SenderAlt: phone.lid,
      IsFromMe: false,
      IsGroup: false,
      ID: id,
      Type: 'text',
      PushName: 'Bob',
      Timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/)
    })
    expect(event.Message.extendedTextMessage?.text ?? event.Message.conversation).toBe('hello bot')
    expect(event.RawMessage).toBeDefined()
    expect(sourceKey).toBe(`msg:${phone.jid}|${phone.jid}|${id}`)

    // a later message has been handled in full (receipt, upsert) before this one: the first was emitted once
    const next = await phone.sendText(USER_JID, 'second')
    await messageEvent(next)
    await phone.waitForReceipt(r => r.ids.includes(next))
    unsubscribe()
    sock.ev.off('messages.upsert', onUpsert)
    expect(order.filter(o => o.endsWith(`:${id}`))).toEqual([`emit:${id}`, `upsert:${id}`])
    expect(await phone.waitForReceipt(r => r.ids.includes(id))).toBeDefined()
    const count = (mid: string): number => log.events.filter(e => e.type === 'message' && e.message.id === mid).length
    expect(count(id)).toBe(1)
    expect(log.events.filter(e => { const w = webhookOf(e); return w?.type === 'Message' && (w.event as any).Info.ID === id }).length).toBe(1)
  })

  it('keeps a LID-addressed chat\'s LIDs in Chat and Sender, with the phone number in SenderAlt', async () => {
    const ownLid = server.registry.find(user.id)?.socket?.user?.lid ?? ''
    expect(ownLid).toMatch(/@lid$/)
    const id = await phone.sendText(ownLid.replace(/:\d+@/, '@'), 'by lid')
    const { event, sourceKey } = await messageEvent(id)
    expect(event.Info).toMatchObject({ Chat: phone.lid, Sender: phone.lid, SenderAlt: phone.jid, AddressingMode: 'lid', IsFromMe: false })
    expect(sourceKey).toBe(`msg:${phone.lid}|${phone.lid}|${id}`)
  })

  it('emits an image whose imageMessage posts straight back to /chat/downloadimage for the same bytes', async () => {
    const jpeg = await sharp({ create: { width: 64, height: 48, channels: 3, background: { r: 200, g: 30, b: 30 } } }).jpeg().toBuffer()
    const sent = await phoneSend({ Image: `data:image/jpeg;base64,${jpeg.toString('base64')}`, Caption: 'look' })
    const { event } = await messageEvent(sent.Id)
    expect(event.Info).toMatchObject({ Type: 'media', MediaType: 'image' })
    const image = event.Message.imageMessage
    expect(image).toMatchObject({ URL: expect.any(String), fileSHA256: expect.any(String), fileEncSHA256: expect.any(String), mediaKey: expect.any(String), caption: 'look', fileLength: jpeg.length })
    expect(image.url).toBeUndefined()

    const down = await server.api('POST', '/chat/downloadimage', { token: user.token, json: image })
    expect(down.status).toBe(200)
    const data: string = down.body.data.Data
    expect(Buffer.from(data.slice(data.indexOf(',') + 1), 'base64').equals(jpeg)).toBe(true)
  })

  it('emits a vote on the user\'s poll decrypted, with the options named', async () => {
    const poll = await server.api('POST', '/chat/send/poll', { token: user.token, json: { Phone: PEER, Header: 'Lunch?', Options: ['pizza', 'sushi', 'tacos'] } })
    expect(poll.status).toBe(200)
    const pollId: string = poll.body.data.Id
    await phone.waitForMessage(m => m.id === pollId)

    const vote = await phoneSend({ Vote: ['sushi', 'tacos'], Id: pollId })
    const { event, extra } = await messageEvent(vote.Id)
    expect(event.Info.Type).toBe('poll')
    expect(event.Message.pollUpdateMessage.pollCreationMessageKey.ID).toBe(pollId)
    expect(extra.pollVote).toEqual({
      pollCreationMsgID: pollId,
      selectedOptions: ['sushi', 'tacos'],
      selectedHashesB64: [expect.any(String), expect.any(String)]
    })
  })

  it('emits a reaction to the user\'s message', async () => {
    const text = await server.api('POST', '/chat/send/text', { token: user.token, json: { Phone: PEER, Body: 'react to me' } })
    const target: string = text.body.data.Id
    await phone.waitForMessage(m => m.id === target)
    const reaction = await phoneSend({ React: '🔥', Id: target })
    const { event } = await messageEvent(reaction.Id)
    expect(event.Info.Type).toBe('reaction')
    expect(event.Message.reactionMessage).toMatchObject({ key: { ID: target }, text: '🔥' })
  })

  it('emits delivery and read receipts with wuzapi\'s state', async () => {
    const text = await server.api('POST', '/chat/send/text', { token: user.token, json: { Phone: PEER, Body: 'read me' } })
    const id: string = text.body.data.Id
    const delivered = await webhook(w => w.type === 'ReadReceipt' && (w.event as any).MessageIDs.includes(id) && w.extra?.state === 'Delivered')
    expect(delivered.event).toMatchObject({ Chat: phone.jid, Sender: phone.jid, IsFromMe: false, Type: '', MessageIDs: [id] })

    await phoneSend({ Read: [id] })
    const read = await webhook(w => w.type === 'ReadReceipt' && (w.event as any).MessageIDs.includes(id) && w.extra?.state === 'Read')
    expect(read.event).toMatchObject({ Chat: phone.jid, Sender: phone.jid, Type: 'read', SenderAlt: phone.lid, Timestamp: expect.stringMatching(/Z$/) })
  })

  it('emits typing, recording and paused as ChatPresence with the exact state', async () => {
    const from = log.events.length
    const presence = async (state: string, media: string): Promise<void> => {
      await log.waitFor(e => {
        const w = webhookOf(e)
        return log.events.indexOf(e) >= from && w?.type === 'ChatPresence' && (w.event as any).State === state && (w.event as any).Media === media
      })
    }
    await phoneSend({ Typing: 'composing' })
    await presence('composing', '')
    await phoneSend({ Typing: 'recording' })
    await presence('composing', 'audio')
    await phoneSend({ Typing: 'paused' })
    await presence('paused', '')
    const last = log.events.map(webhookOf).filter(w => w?.type === 'ChatPresence').at(-1)
    expect(last?.event).toMatchObject({ Chat: phone.jid, Sender: phone.jid, IsFromMe: false, State: 'paused', Media: '' })
  })

  it('detaches its stanza listeners from a socket that ended', async () => {
    const sock = server.registry.find(user.id)?.socket
    if (sock === undefined) throw new Error('no live socket')
    const counts = (): number[] => ['CB:receipt', 'CB:chatstate'].map(n => sock.ws.listenerCount(n))
    const live = counts()
    expect((await server.api('POST', '/session/disconnect', { token: user.token })).status).toBe(200)
    expect(counts()).toEqual(live.map(n => n - 1))
  })
})

describe('poll votes after a restart', () => {
  it('decrypts a vote on a poll sent before the server restarted (the poll is stored without a message history)', async () => {
    const first = await startSandboxServer()
    let second: TestServer | undefined
    try {
      const owner = await loginWithQr(first, '5491100008411')
      const voter = first.sandbox!.createPhone('5491100008412', 'Carol')
      const poll = await first.api('POST', '/chat/send/poll', { token: owner.token, json: { Phone: '5491100008412', Header: 'When?', Options: ['today', 'tomorrow'] } })
      expect(poll.status).toBe(200)
      const pollId: string = poll.body.data.Id
      await voter.waitForMessage(m => m.id === pollId)
      await first.stop({ keepData: true })

      second = await startTestServer({ WA_MODE: 'sandbox' }, first.dataDir)
      const events = recordSessionEvents(second, owner.id)
      try {
        await waitForStatus(second, owner.token, st => st.LoggedIn === true)
        const vote = await second.api('POST', '/sandbox/phones/5491100008412/send', { admin: true, json: { To: owner.id, Vote: ['tomorrow'], Id: pollId } })
        expect(vote.status).toBe(200)
        const found = await events.waitFor(e => e.type === 'message' && e.message.id === vote.body.data.Id)
        if (found.type !== 'message') throw new Error('not a message')
        expect(found.webhook?.extra?.pollVote).toMatchObject({ pollCreationMsgID: pollId, selectedOptions: ['tomorrow'] })
      } finally {
        events.stop()
      }
    } finally {
      await second?.stop()
    }
  })
})
