import { decryptPollVote, proto, type WASocket } from '@whiskeysockets/baileys'
import { createHash } from 'node:crypto'
import sharp from 'sharp'
import type { EmittedEventType, WebhookEvent } from '../../src/events/catalogue.js'
import type { SessionEvent } from '../../src/whatsapp/types.js'
import type { TestServer } from '../helpers/server.js'
import { createUser } from '../helpers/server.js'
import { recordSessionEvents, startSandboxServer, waitForStatus, type SessionEventLog } from '../helpers/session.js'

const USER_PN = '5491100005500'
const USER_JID = `${USER_PN}@s.whatsapp.net`
const PHONE_PN = '5491100005501'
const PHONE_JID = `${PHONE_PN}@s.whatsapp.net`
const OTHER_PN = '5491100005502'
const OTHER_JID = `${OTHER_PN}@s.whatsapp.net`

let server: TestServer
let user: { id: string, token: string }
let log: SessionEventLog

beforeAll(async () => {
  server = await startSandboxServer()
  user = await createUser(server.api, { history: 100 })
  log = recordSessionEvents(server, user.id)
  const connect = await server.api('POST', '/session/connect', { token: user.token, json: { Immediate: false } })
  expect(connect.body.data.state).toBe('qr')
  const scan = await server.api('POST', '/sandbox/scan', { admin: true, json: { UserID: user.id, Phone: USER_PN } })
  expect(scan.status).toBe(200)
  await waitForStatus(server, user.token, s => s.LoggedIn === true)
  for (const [pn, name] of [[PHONE_PN, 'Peer'], [OTHER_PN, 'Other']]) {
    expect((await server.api('POST', '/sandbox/phones', { admin: true, json: { Phone: pn, PushName: name } })).status).toBe(200)
  }
})
afterAll(async () => {
  log.stop()
  await server.stop()
})

async function phoneSend (json: Record<string, unknown>, pn = PHONE_PN): Promise<any> {
  const res = await server.api('POST', `/sandbox/phones/${pn}/send`, { admin: true, json })
  if (res.status !== 200) throw new Error(`phone send failed: ${res.status} ${JSON.stringify(res.body)}`)
  return res.body.data
}

function webhooks (type: EmittedEventType): WebhookEvent[] {
  return log.events.flatMap(e => e.type === 'webhook' && e.event.type === type ? [e.event] : [])
}

/** The first webhook event of `type` whose payload matches `check`. */
async function webhook (type: EmittedEventType, check: (event: any, whole: WebhookEvent) => boolean = () => true): Promise<WebhookEvent> {
  const found = await log.waitFor(e => e.type === 'webhook' && e.event.type === type && check(e.event.event, e.event))
  return (found as Extract<SessionEvent, { type: 'webhook' }>).event
}

function socket (): WASocket {
  const sock = server.registry.find(user.id)?.socket
  if (sock === undefined) throw new Error('no socket')
  return sock
}

describe('history sync', () => {
  it('emits the first login\'s HistorySync in wuzapi\'s Data shape and stores its messages', async () => {
    const event = await webhook('HistorySync')
    const data = (event.event as any).Data
    expect(data.syncType).toBe(0)
    const welcome = data.conversations.find((c: any) => c.ID === '15550100000@s.whatsapp.net')
    expect(welcome.messages.map((m: any) => m.message.key)).toEqual([
      { remoteJID: '15550100000@s.whatsapp.net', fromMe: false, ID: `SBWELCOME${USER_PN}` },
      { remoteJID: '15550100000@s.whatsapp.net', fromMe: true, ID: `SBHELLO${USER_PN}` }
    ])
    expect(welcome.messages[0].message.message).toEqual({ conversation: 'Welcome to the WhatsApp sandbox.' })
    expect(typeof welcome.messages[0].message.messageTimestamp).toBe('number')
    const history = await server.api('GET', '/chat/history?chat_jid=15550100000@s.whatsapp.net', { token: user.token })
    expect(history.status).toBe(200)
    expect(history.body.data.map((r: any) => r.text_content)).toEqual(['Hello sandbox!', 'Welcome to the WhatsApp sandbox.'])
  })

  it('answers GET /session/history with an ON_DEMAND HistorySync of the older messages', async () => {
    const ids: string[] = []
    for (const text of ['one', 'two', 'three']) {
      ids.push((await phoneSend({ To: user.id, Body: text })).Id)
      await log.waitFor(e => e.type === 'message' && e.message.id === ids.at(-1))
    }
    const third = log.events.find(e => e.type === 'message' && e.message.id === ids[2]) as Extract<SessionEvent, { type: 'message' }>
    const res = await server.api('GET', `/session/history?chat_jid=${PHONE_PN}&count=5&oldest_msg_id=${ids[2]!}&oldest_msg_timestamp=${third.message.timestamp * 1000 + 1}`, { token: user.token })
    expect(res.status).toBe(200)
    expect(res.body.data).toMatchObject({ details: 'History sync request Sent', count: 5, chat_jid: PHONE_JID, oldest_msg_id: ids[2], oldest_msg_from_me: false })
    const event = await webhook('HistorySync', e => e.Data.syncType === 6)
    const conv = (event.event as any).Data.conversations[0]
    expect(conv.ID).toBe(PHONE_JID)
    expect(conv.messages.map((m: any) => m.message.key.ID)).toEqual([ids[0], ids[1]])
  })

  it('answers a bad request with a 400 that says what to give, and 409 without a session', async () => {
    const other = await createUser(server.api, { history: 10 })
    const cases: Array<[string, string]> = [
      ['count=0', 'invalid count: must be at least 1'],
      ['count=501', 'invalid count: must be at most 500'],
      ['oldest_msg_from_me=maybe', 'invalid oldest_msg_from_me: must be true or false'],
      ['oldest_msg_timestamp=-5', 'invalid oldest_msg_timestamp: must not be negative'],
      ['', 'missing chat_jid: no stored message to start from'],
      ['chat_jid=5491100005599', 'missing oldest_msg_id: no stored message in 5491100005599@s.whatsapp.net']
    ]
    for (const [query, error] of cases) {
      const res = await server.api('GET', `/session/history?${query}`, { token: other.token })
      expect({ query, status: res.status, error: res.body.error }).toEqual({ query, status: 400, error: expect.stringContaining(error) })
    }
    const res = await server.api('GET', '/session/history?chat_jid=5491100005599&oldest_msg_id=X&oldest_msg_timestamp=1', { token: other.token })
    expect(res.status).toBe(409)
    expect(res.body.error).toMatch(/^no session/)
  })
})

describe('presence', () => {
  it('emits Presence online/offline for a subscribed contact', async () => {
    await socket().presenceSubscribe(PHONE_JID)
    await phoneSend({ Presence: 'unavailable' })
    const offline = await webhook('Presence', e => e.From === PHONE_JID && e.Unavailable === true)
    expect(offline.extra).toEqual({ state: 'offline' })
    expect(offline.event).toMatchObject({ LastSeen: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/) })
    await phoneSend({ Presence: 'available' })
    const online = await webhook('Presence', e => e.From === PHONE_JID && e.Unavailable === false)
    expect(online).toMatchObject({ event: { LastSeen: '0001-01-01T00:00:00Z' }, extra: { state: 'online' } })
  })

  it('does not report a paused chat state as Presence', async () => {
    const before = webhooks('Presence').length
    await phoneSend({ To: user.id, Typing: 'paused' })
    await phoneSend({ Presence: 'unavailable' })
    await webhook('Presence', (e, whole) => e.Unavailable === true && webhooks('Presence').indexOf(whole) >= before)
    expect(webhooks('Presence').slice(before).map(e => e.extra)).toEqual([{ state: 'offline' }])
  })
})

describe('calls', () => {
  it('emits CallOffer and CallTerminate for a virtual phone\'s call', async () => {
    const offer = await phoneSend({ To: user.id, Call: 'offer', VideoCall: true })
    expect(offer).toMatchObject({ Kind: 'Call', Id: expect.stringMatching(/^[0-9A-F]{32}$/), To: USER_JID })
    const offered = await webhook('CallOffer', e => e.CallID === offer.Id)
    expect(offered.event).toMatchObject({ From: PHONE_JID, CallCreator: PHONE_JID, GroupJID: '', Data: { Tag: 'offer', Content: [{ Tag: 'video' }] } })
    await phoneSend({ To: user.id, Call: 'terminate', Id: offer.Id })
    const ended = await webhook('CallTerminate', e => e.CallID === offer.Id)
    expect(ended.event).toMatchObject({ From: PHONE_JID, CallCreator: PHONE_JID, Reason: '' })
  })

  it('answers bad input with a 400 that says what to fix', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ To: user.id, Call: 'terminate' }, 'missing Id in Payload: terminate needs the CallID'],
      [{ To: user.id, Call: 'ring' }, 'invalid Call: must be offer or terminate'],
      [{ To: user.id, Call: 'offer', Body: 'hi' }, 'one kind per request: got Body and Call'],
      [{ Call: 'offer' }, 'missing To in Payload'],
      [{ Vote: ['a'] }, 'missing Id in Payload: a vote needs'],
      [{ To: user.id, Picture: 'not base64!' }, 'invalid Picture: could not decode the base64 data'],
      [{ GroupCreate: ' ' }, 'invalid GroupCreate: give the group\'s name'],
      [{ To: user.id, GroupSubject: '' }, 'invalid GroupSubject'],
      [{ To: user.id, GroupParticipants: 'add' }, 'missing Participants in Payload'],
      [{ To: user.id, GroupParticipants: 'kick', Participants: ['1'] }, 'invalid GroupParticipants: must be add, remove, promote or demote'],
      [{ To: user.id, Call: 'offer', ContextInfo: { StanzaID: 'X' } }, 'invalid ContextInfo: a Call cannot quote a message']
    ]
    for (const [json, error] of cases) {
      const res = await server.api('POST', `/sandbox/phones/${PHONE_PN}/send`, { admin: true, json })
      expect({ json, status: res.status, error: res.body.error }).toEqual({ json, status: 400, error: expect.stringContaining(error) })
    }
  })
})

describe('picture and identity', () => {
  it('emits Picture when a contact sets and removes a picture', async () => {
    const png = await sharp({ create: { width: 32, height: 32, channels: 3, background: { r: 200, g: 0, b: 0 } } }).png().toBuffer()
    const set = await phoneSend({ To: user.id, Picture: `data:image/png;base64,${png.toString('base64')}` })
    expect(set.Id).not.toBe('')
    const changed = await webhook('Picture', e => e.JID === PHONE_JID && e.Remove === false)
    expect(changed.event).toMatchObject({ Author: PHONE_JID, PictureID: set.Id })
    await phoneSend({ To: user.id, Picture: 'remove' })
    const removed = await webhook('Picture', e => e.JID === PHONE_JID && e.Remove === true)
    expect(removed.event).toMatchObject({ PictureID: '' })
  })

  it('emits IdentityChange when a contact re-registers', async () => {
    await phoneSend({ To: user.id, Identity: true })
    const changed = await webhook('IdentityChange', e => e.JID === PHONE_JID)
    expect(changed.event).toMatchObject({ Implicit: false, Timestamp: expect.stringMatching(/Z$/) })
  })
})

describe('groups', () => {
  let group = ''

  it('emits JoinedGroup when a contact creates a group with the user', async () => {
    const created = await phoneSend({ GroupCreate: 'Team', Participants: [user.id] })
    group = created.Id
    expect(group).toMatch(/@g\.us$/)
    expect(created.To).toBe(group)
    const joined = await webhook('JoinedGroup', e => e.JID === group)
    expect(joined.event).toMatchObject({ Name: 'Team', OwnerJID: PHONE_JID, Participants: expect.arrayContaining([expect.objectContaining({ JID: USER_JID })]) })
  })

  it('emits GroupInfo for a name change and for new participants', async () => {
    await phoneSend({ To: group, GroupSubject: 'Team 2' })
    const renamed = await webhook('GroupInfo', e => e.JID === group && e.Name?.Name === 'Team 2')
    expect(renamed.event).toMatchObject({ Join: null, Leave: null, Notify: 'Peer', Sender: PHONE_JID, Timestamp: expect.stringMatching(/Z$/) })
    await phoneSend({ To: group, GroupParticipants: 'add', Participants: [OTHER_PN] })
    const added = await webhook('GroupInfo', e => e.JID === group && Array.isArray(e.Join))
    expect((added.event as any).Join).toEqual([OTHER_JID])
  })

  it('does not fire GroupInfo when the user lists their groups', async () => {
    const before = webhooks('GroupInfo').length
    const listed = await socket().groupFetchAllParticipating()
    expect(Object.keys(listed)).toContain(group)
    // a change made after the listing arrives after it: once it is seen, the listing was seen too
    await phoneSend({ To: group, GroupSubject: 'Team 3' })
    await webhook('GroupInfo', e => e.JID === group && e.Name?.Name === 'Team 3')
    expect(webhooks('GroupInfo').slice(before).map(e => (e.event as any).Name?.Name)).toEqual(['Team 3'])
  })

  it('emits JoinedGroup when the user is added to an existing group', async () => {
    const created = await phoneSend({ GroupCreate: 'Later', Participants: [OTHER_PN] }, OTHER_PN)
    await phoneSend({ To: created.Id, GroupParticipants: 'add', Participants: [user.id] }, OTHER_PN)
    const joined = await webhook('JoinedGroup', e => e.JID === created.Id)
    expect(joined.event).toMatchObject({ Name: 'Later', Sender: expect.stringContaining(OTHER_PN) })
    await webhook('GroupInfo', e => e.JID === created.Id && Array.isArray(e.Join))
  })
})

describe('poll votes', () => {
  it('a phone\'s vote arrives encrypted with the poll\'s secret, as WhatsApp sends it', async () => {
    const sent = await server.api('POST', '/chat/send/poll', { token: user.token, json: { Group: PHONE_PN, Header: 'Lunch?', Options: ['Pizza', 'Sushi'] } })
    expect(sent.status).toBe(200)
    const pollId: string = sent.body.data.Id
    const phone = server.sandbox!.phone(PHONE_PN)
    const poll = await phone.waitForMessage(m => m.id === pollId)
    const vote = await phoneSend({ Vote: ['Sushi'], Id: pollId })
    expect(vote).toMatchObject({ Kind: 'Vote', To: '' })
    const arrived = await log.waitFor(e => e.type === 'message' && e.message.id === vote.Id) as Extract<SessionEvent, { type: 'message' }>
    expect(arrived.message).toMatchObject({ type: 'poll_vote', targetId: pollId, chat: PHONE_JID })
    const update = arrived.message.message.pollUpdateMessage as { vote: { encPayload: string, encIv: string } }
    const decrypted = decryptPollVote(
      { encPayload: Buffer.from(update.vote.encPayload, 'base64'), encIv: Buffer.from(update.vote.encIv, 'base64') },
      { pollCreatorJid: USER_JID, pollMsgId: pollId, pollEncKey: poll.message!.messageContextInfo!.messageSecret!, voterJid: PHONE_JID }
    )
    expect(decrypted.selectedOptions.map(o => Buffer.from(o).toString('hex'))).toEqual([createHash('sha256').update('Sushi').digest('hex')])
    const wrong = await server.api('POST', `/sandbox/phones/${PHONE_PN}/send`, { admin: true, json: { Vote: ['Tacos'], Id: pollId } })
    expect(wrong.status).toBe(404)
    expect(wrong.body.error).toContain('has no option Tacos (it has Pizza, Sushi)')
  })

  it('refuses a vote in a poll the phone never received', async () => {
    const res = await server.api('POST', `/sandbox/phones/${PHONE_PN}/send`, { admin: true, json: { Vote: ['Nope'], Id: 'NOSUCHPOLL' } })
    expect(res.status).toBe(404)
    expect(res.body.error).toMatch(/no poll with id NOSUCHPOLL/)
  })
})

describe('days_to_sync_history', () => {
  it('is set with POST /session/history and refused out of range', async () => {
    const ok = await server.api('POST', '/session/history', { token: user.token, json: { history: 100, days_to_sync_history: 30 } })
    expect(ok.body.data).toEqual({ Details: 'History configured successfully', History: 100, DaysToSyncHistory: 30 })
    const bad = await server.api('POST', '/session/history', { token: user.token, json: { history: 100, days_to_sync_history: -1 } })
    expect(bad.status).toBe(400)
    expect(bad.body.error).toMatch(/days_to_sync_history/)
  })

  it('leaves messages older than the setting out of the HistorySync event and the store', async () => {
    const pn = '5491100005511'
    const u2 = await createUser(server.api, { history: 100 })
    expect((await server.api('POST', '/session/history', { token: u2.token, json: { history: 100, days_to_sync_history: 2 } })).status).toBe(200)
    // the number's phone holds a message of 10 days ago and one of an hour ago: its history sync carries both
    const core = server.sandbox!.core
    const acc = core.ensureAccount(pn)
    const now = Math.floor(Date.now() / 1000)
    for (const [id, t, text] of [['OLDMSG01', now - 10 * 86_400, 'old'], ['NEWMSG01', now - 3600, 'new']] as const) {
      core.addReceived(acc, { id, chat: PHONE_JID, from: PHONE_JID, fromDevice: PHONE_JID, t, encType: 'plaintext', message: Buffer.from(proto.Message.encode({ conversation: text }).finish()) })
    }
    const log2 = recordSessionEvents(server, u2.id)
    try {
      const connect = await server.api('POST', '/session/connect', { token: u2.token, json: { Immediate: false } })
      expect(connect.body.data.state).toBe('qr')
      expect((await server.api('POST', '/sandbox/scan', { admin: true, json: { UserID: u2.id, Phone: pn } })).status).toBe(200)
      const found = await log2.waitFor(e => e.type === 'webhook' && e.event.type === 'HistorySync') as Extract<SessionEvent, { type: 'webhook' }>
      const conv = (found.event.event as any).Data.conversations.find((c: any) => c.ID === PHONE_JID)
      expect(conv.messages.map((m: any) => m.message.key.ID)).toEqual(['NEWMSG01'])
      const stored = await server.api('GET', `/chat/history?chat_jid=${PHONE_PN}`, { token: u2.token })
      expect(stored.body.data.map((r: any) => r.message_id)).toEqual(['NEWMSG01'])
    } finally {
      log2.stop()
    }
  })
})
