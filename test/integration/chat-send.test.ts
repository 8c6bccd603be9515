import type { RouteDefinition } from '../../src/http/route.js'
import { chatRoutes } from '../../src/http/routes/chat.js'
import type { VirtualPhone } from '../../src/sandbox/phones.js'
import { createUser, type TestServer } from '../helpers/server.js'
import { loginWithQr, sandboxFault, startSandboxServer } from '../helpers/session.js'

const USER_PN = '5491100005100'
const PHONE_PN = '5491100005101'
const OTHER_PN = '5491100005102'
const VCARD = 'BEGIN:VCARD\nVERSION:3.0\nFN:Ana Gomez\nTEL;type=CELL;waid=5491100005199:+54 9 11 0000-5199\nEND:VCARD'

let server: TestServer
let user: { id: string, token: string }
let phone: VirtualPhone
let other: VirtualPhone

beforeAll(async () => {
  // Baileys' warnings are kept: one of them shows it tried to fetch a link preview
  server = await startSandboxServer({ BAILEYS_LOG_LEVEL: 'warn' })
  user = await loginWithQr(server, USER_PN)
  phone = server.sandbox!.createPhone(PHONE_PN)
  other = server.sandbox!.createPhone(OTHER_PN)
})
afterAll(async () => { await server.stop() })

async function post (path: string, json: unknown, token = user.token): Promise<{ status: number, body: any }> {
  return await server.api('POST', path, { token, json })
}

/** The answer's data matches the route's documented response schema exactly. */
function expectDocumented (path: string, data: unknown): void {
  const route = (chatRoutes as RouteDefinition[]).find(r => r.path === path)
  const parsed = route!.response.safeParse(data)
  expect(parsed.error?.issues).toBeUndefined()
  expect(parsed.data).toEqual(data)
}

/** Sends, expects wuzapi's send answer, and returns what the phone decrypted. */
async function sendAndReceive (path: string, json: Record<string, unknown>, to: VirtualPhone = phone): Promise<{ data: any, got: Awaited<ReturnType<VirtualPhone['waitForMessage']>> }> {
  const res = await post(path, json)
  expect(res.status).toBe(200)
  expect(res.body.success).toBe(true)
  expectDocumented(path, res.body.data)
  const data = res.body.data
  expect(Math.abs(data.Timestamp - Date.now() / 1000)).toBeLessThan(60)
  const got = await to.waitForMessage(m => m.id === data.Id)
  expect(got.error ?? null).toBeNull()
  return { data, got }
}

describe('POST /chat/send/text', () => {
  it('delivers an extendedTextMessage (as wuzapi) and answers {Details, Timestamp, Id}', async () => {
    const { data, got } = await sendAndReceive('/chat/send/text', { Phone: `+${PHONE_PN}`, Body: 'hello from the API' })
    expect(data.Details).toBe('Sent')
    expect(data.Id).toMatch(/^[0-9A-F]{16,}$/)
    expect(got.chat).toBe(`${USER_PN}@s.whatsapp.net`)
    expect(got.from).toBe(`${USER_PN}@s.whatsapp.net`)
    expect(got.message?.conversation ?? null).toBeNull()
    expect(got.message?.extendedTextMessage?.text).toBe('hello from the API')
    expect(got.message?.extendedTextMessage?.contextInfo ?? null).toBeNull()
  })

  it('gives the message the custom Id; lower-case keys work as in wuzapi', async () => {
    const { data, got } = await sendAndReceive('/chat/send/text', { phone: PHONE_PN, body: 'custom id', id: 'MYCUSTOMID0001' })
    expect(data.Id).toBe('MYCUSTOMID0001')
    expect(got.id).toBe('MYCUSTOMID0001')
    expect(got.message?.extendedTextMessage?.text).toBe('custom id')
  })

  it('replies: contextInfo carries stanzaId, participant (a +JID) and the QuotedText', async () => {
    const quotedId = await phone.sendText(`${USER_PN}@s.whatsapp.net`, 'question?')
    const { got } = await sendAndReceive('/chat/send/text', {
      Phone: PHONE_PN,
      Body: 'answer',
      ContextInfo: { StanzaId: quotedId, Participant: `+${PHONE_PN}@s.whatsapp.net` },
      QuotedText: 'question?'
    })
    const text = got.message?.extendedTextMessage
    expect(text?.text).toBe('answer')
    expect(text?.contextInfo?.stanzaId).toBe(quotedId)
    expect(text?.contextInfo?.participant).toBe(`${PHONE_PN}@s.whatsapp.net`)
    expect(text?.contextInfo?.quotedMessage?.conversation).toBe('question?')
  })

  it('replies with a QuotedMessage given as proto JSON', async () => {
    const { got } = await sendAndReceive('/chat/send/text', {
      Phone: PHONE_PN,
      Body: 'quoting proto',
      ContextInfo: { StanzaID: 'ABCDEF0123456789', Participant: PHONE_PN },
      QuotedMessage: { extendedTextMessage: { text: 'the original' } }
    })
    const info = got.message?.extendedTextMessage?.contextInfo
    expect(info?.stanzaId).toBe('ABCDEF0123456789')
    expect(info?.participant).toBe(`${PHONE_PN}@s.whatsapp.net`)
    expect(info?.quotedMessage?.extendedTextMessage?.text).toBe('the original')
  })

  it('a reply without QuotedText or QuotedMessage quotes an empty text, as wuzapi', async () => {
    const { got } = await sendAndReceive('/chat/send/text', { Phone: PHONE_PN, Body: 'bare reply', ContextInfo: { StanzaID: 'ABC123', Participant: PHONE_PN } })
    const info = got.message?.extendedTextMessage?.contextInfo
    expect(info?.stanzaId).toBe('ABC123')
    expect(info?.quotedMessage?.conversation).toBe('')
  })

  it('mentions go to contextInfo.mentionedJid (numbers and +JIDs, duplicates once); IsForwarded marks it forwarded', async () => {
    const { got } = await sendAndReceive('/chat/send/text', {
      Phone: PHONE_PN,
      Body: `hi @${PHONE_PN} and @${OTHER_PN}`,
      ContextInfo: { MentionedJID: [`+${PHONE_PN}@s.whatsapp.net`, OTHER_PN, `${OTHER_PN}@s.whatsapp.net`], IsForwarded: true }
    })
    const info = got.message?.extendedTextMessage?.contextInfo
    expect(info?.mentionedJid).toEqual([`${PHONE_PN}@s.whatsapp.net`, `${OTHER_PN}@s.whatsapp.net`])
    expect(info?.isForwarded).toBe(true)
    expect(info?.stanzaId ?? null).toBeNull()
    expect(info?.quotedMessage ?? null).toBeNull()
  })

  it('accepts LinkPreview but never fetches the page: the text arrives without a preview card', async () => {
    const { got } = await sendAndReceive('/chat/send/text', { Phone: PHONE_PN, Body: 'see https://example.com/page', LinkPreview: true })
    const text = got.message?.extendedTextMessage
    expect(text?.text).toBe('see https://example.com/page')
    expect(text?.matchedText ?? null).toBeNull()
    expect(text?.title ?? null).toBeNull()
    expect(text?.jpegThumbnail ?? null).toBeNull()
    // Baileys, left to itself, tries to fetch the first URL of a text and logs this when it cannot
    expect(server.logText()).not.toMatch(/url generation failed/)
  })

  it('sends to a group: every member receives it in the group chat', async () => {
    const session = server.registry.find(user.id)!
    const group = await session.socket!.groupCreate('chat-send group', [`${PHONE_PN}@s.whatsapp.net`, `${OTHER_PN}@s.whatsapp.net`])
    const { data, got } = await sendAndReceive('/chat/send/text', { Phone: group.id, Body: 'hello group' })
    expect(got.chat).toBe(group.id)
    expect(got.from).toBe(`${USER_PN}@s.whatsapp.net`)
    expect(got.message?.extendedTextMessage?.text).toBe('hello group')
    const second = await other.waitForMessage(m => m.id === data.Id)
    expect(second.message?.extendedTextMessage?.text).toBe('hello group')
  })
})

describe('POST /chat/send/location, /contact, /poll', () => {
  it('location: latitude, longitude and name', async () => {
    const { got } = await sendAndReceive('/chat/send/location', { Phone: PHONE_PN, Latitude: -34.6037, Longitude: -58.3816, Name: 'Obelisco' })
    const loc = got.message?.locationMessage
    expect(loc?.degreesLatitude).toBeCloseTo(-34.6037, 6)
    expect(loc?.degreesLongitude).toBeCloseTo(-58.3816, 6)
    expect(loc?.name).toBe('Obelisco')
  })

  it('contact: display name and vCard', async () => {
    const { got } = await sendAndReceive('/chat/send/contact', { Phone: PHONE_PN, Name: 'Ana Gomez', Vcard: VCARD })
    expect(got.message?.contactMessage?.displayName).toBe('Ana Gomez')
    expect(got.message?.contactMessage?.vcard).toBe(VCARD)
  })

  it('poll in wuzapi\'s spelling (group/header/options): single choice, with the vote secret', async () => {
    const { data, got } = await sendAndReceive('/chat/send/poll', { group: PHONE_PN, header: 'Lunch?', options: ['Pizza', 'Sushi', 'Tacos'] })
    expect(data.Details).toBe('Poll sent successfully')
    const poll = got.message?.pollCreationMessageV3
    expect(poll?.name).toBe('Lunch?')
    expect(poll?.options?.map(o => o.optionName)).toEqual(['Pizza', 'Sushi', 'Tacos'])
    expect(poll?.selectableOptionsCount).toBe(1)
    expect(got.message?.messageContextInfo?.messageSecret?.length).toBe(32)
  })

  it('poll with Phone/Header/Options and SelectableCount 2: a multiple-choice poll with the custom Id', async () => {
    const { data, got } = await sendAndReceive('/chat/send/poll', { Phone: PHONE_PN, Header: 'Pick two', Options: ['a', 'b', 'c'], SelectableCount: 2, Id: 'POLL0001' })
    expect(data.Id).toBe('POLL0001')
    const poll = got.message?.pollCreationMessage
    expect(poll?.name).toBe('Pick two')
    expect(poll?.options?.map(o => o.optionName)).toEqual(['a', 'b', 'c'])
    expect(poll?.selectableOptionsCount).toBe(2)
  })
})

describe('chat state: presence, about text, call rejection', () => {
  it('POST /chat/presence: composing, recording (Media audio) and paused are seen by the phone', async () => {
    for (const [body, state] of [[{ State: 'composing' }, 'composing'], [{ State: 'composing', Media: 'audio' }, 'recording'], [{ State: 'paused', Media: '' }, 'paused']] as const) {
      const res = await post('/chat/presence', { Phone: PHONE_PN, ...body })
      expect(res.status).toBe(200)
      expect(res.body).toEqual({ code: 200, data: { Details: 'Chat presence set successfuly' }, success: true })
      const seen = await phone.waitForSignal(s => s.kind === 'chatstate' && s.state === state)
      expect(seen.from).toBe(`${USER_PN}@s.whatsapp.net`)
    }
  })

  it('POST /status/set/text sets the profile\'s about text', async () => {
    const res = await post('/status/set/text', { Body: 'Available for chats' })
    expect(res.status).toBe(200)
    expect(res.body).toEqual({ code: 200, data: { Details: 'Set' }, success: true })
    expect(server.sandbox!.core.account(USER_PN)?.status).toBe('Available for chats')
  })

  it('POST /call/reject sends the rejection to the caller', async () => {
    const res = await post('/call/reject', { call_from: `${PHONE_PN}@s.whatsapp.net`, call_id: 'CALL0123456789ABCDEF' })
    expect(res.status).toBe(200)
    expect(res.body).toEqual({ code: 200, data: { Details: 'Call rejected', CallID: 'CALL0123456789ABCDEF' }, success: true })
    const seen = await phone.waitForSignal(s => s.kind === 'call')
    expect(seen).toMatchObject({ from: `${USER_PN}@s.whatsapp.net`, state: 'reject', callId: 'CALL0123456789ABCDEF' })
  })
})

describe('bad input answers 400 naming the field', () => {
  const reply = { Phone: PHONE_PN, Body: 'x' }
  it.each([
    ['/chat/send/text', {}, /^missing Phone in Payload$/],
    ['/chat/send/text', { Phone: '', Body: 'x' }, /^missing Phone in Payload$/],
    ['/chat/send/text', { Phone: PHONE_PN }, /^missing Body in Payload$/],
    ['/chat/send/text', { Phone: PHONE_PN, Body: '' }, /^missing Body in Payload$/],
    ['/chat/send/text', { Phone: PHONE_PN, Body: 42 }, /^invalid Body: expected string/],
    ['/chat/send/text', { Phone: 'call me', Body: 'x' }, /^invalid Phone "call me": a phone number has digits only/],
    ['/chat/send/text', { Phone: '12345', Body: 'x' }, /^invalid Phone "12345": a phone number has 7 to 15 digits/],
    ['/chat/send/text', { Phone: `${PHONE_PN}@example.com`, Body: 'x' }, /^invalid Phone ".*": use a phone number or a JID/],
    ['/chat/send/text', { Phone: 'x'.repeat(65), Body: 'x' }, /^invalid Phone: must be at most 64 characters$/],
    ['/chat/send/text', { ...reply, ContextInfo: { StanzaID: 'ABC' } }, /^missing Participant in ContextInfo$/],
    ['/chat/send/text', { ...reply, ContextInfo: { Participant: PHONE_PN } }, /^missing StanzaID in ContextInfo$/],
    ['/chat/send/text', { ...reply, ContextInfo: { StanzaID: 'ABC', Participant: 'nobody' } }, /^invalid ContextInfo\.Participant "nobody"/],
    ['/chat/send/text', { ...reply, ContextInfo: { StanzaID: 'ABC', Participant: '120363012345678901@g.us' } }, /^invalid ContextInfo\.Participant ".*": name a user/],
    ['/chat/send/text', { ...reply, ContextInfo: { MentionedJID: [PHONE_PN, 'abc'] } }, /^invalid ContextInfo\.MentionedJID\[1\] "abc"/],
    ['/chat/send/text', { ...reply, ContextInfo: { MentionedJID: 'abc' } }, /^invalid ContextInfo\.MentionedJID: expected array/],
    ['/chat/send/text', { ...reply, QuotedText: 'orphan quote' }, /^QuotedText and QuotedMessage need ContextInfo\.StanzaID and ContextInfo\.Participant/],
    ['/chat/send/text', { ...reply, ContextInfo: { StanzaID: 'A', Participant: PHONE_PN }, QuotedMessage: { extendedTextMessage: 'text' } }, /^invalid QuotedMessage: extendedTextMessage: object expected$/],
    ['/chat/send/text', { ...reply, ContextInfo: { StanzaID: 'A', Participant: PHONE_PN }, QuotedMessage: { nothing: 1 } }, /^invalid QuotedMessage: names no message field/],
    ['/chat/send/text', { ...reply, Id: 'not an id!' }, /^invalid Id: use letters, digits, - and _ only/],
    ['/chat/send/location', { Phone: PHONE_PN, Longitude: -58.3 }, /^missing Latitude in Payload$/],
    ['/chat/send/location', { Phone: PHONE_PN, Latitude: 0, Longitude: -58.3 }, /^missing Latitude in Payload$/],
    ['/chat/send/location', { Phone: PHONE_PN, Latitude: -34.6, Longitude: 0 }, /^missing Longitude in Payload$/],
    ['/chat/send/location', { Phone: PHONE_PN, Latitude: 91, Longitude: -58.3 }, /^invalid Latitude: must be between -90 and 90$/],
    ['/chat/send/location', { Phone: PHONE_PN, Latitude: -34.6, Longitude: -181 }, /^invalid Longitude: must be between -180 and 180$/],
    ['/chat/send/location', { Phone: PHONE_PN, Latitude: '-34.6', Longitude: -58.3 }, /^invalid Latitude: expected number/],
    ['/chat/send/location', { Latitude: -34.6, Longitude: -58.3 }, /^missing Phone in Payload$/],
    ['/chat/send/contact', { Phone: PHONE_PN, Vcard: VCARD }, /^missing Name in Payload$/],
    ['/chat/send/contact', { Phone: PHONE_PN, Name: 'Ana' }, /^missing Vcard in Payload$/],
    ['/chat/send/contact', { Phone: PHONE_PN, Name: 'Ana', Vcard: 'Ana, +54 9 11 0000-5199' }, /^invalid Vcard: must be a vCard/],
    ['/chat/send/poll', { header: 'Q', options: ['a', 'b'] }, /^missing Phone \(or Group\) in Payload$/],
    ['/chat/send/poll', { group: PHONE_PN, options: ['a', 'b'] }, /^missing Header in Payload$/],
    ['/chat/send/poll', { group: PHONE_PN, header: 'Q', options: ['only one'] }, /^at least 2 options are required$/],
    ['/chat/send/poll', { group: PHONE_PN, header: 'Q' }, /^at least 2 options are required$/],
    ['/chat/send/poll', { group: PHONE_PN, header: 'Q', options: ['same', 'same'] }, /^invalid Options: every option must be different$/],
    ['/chat/send/poll', { group: PHONE_PN, header: 'Q', options: ['a', ' '] }, /^invalid Options\[1\]: an option cannot be empty$/],
    ['/chat/send/poll', { group: PHONE_PN, header: 'Q', options: Array.from({ length: 13 }, (_, i) => `o${i}`) }, /^invalid Options: must have at most 12 entries/],
    ['/chat/send/poll', { group: PHONE_PN, header: 'Q', options: ['a', 'b'], SelectableCount: 3 }, /^invalid SelectableCount: at most the number of options \(2\)/],
    ['/chat/send/poll', { group: 'team', header: 'Q', options: ['a', 'b'] }, /^invalid Group "team"/],
    ['/chat/presence', { Phone: PHONE_PN }, /^missing State in Payload$/],
    ['/chat/presence', { Phone: PHONE_PN, State: 'typing' }, /^invalid State: must be composing or paused$/],
    ['/chat/presence', { Phone: PHONE_PN, State: 'composing', Media: 'video' }, /^invalid Media: must be "" or audio$/],
    ['/chat/presence', { State: 'composing' }, /^missing Phone in Payload$/],
    ['/chat/presence', { Phone: 'status@broadcast', State: 'composing' }, /^invalid Phone "status@broadcast": a chat presence goes to a user or a group$/],
    ['/status/set/text', {}, /^missing Body in Payload$/],
    ['/status/set/text', { Body: '' }, /^missing Body in Payload$/],
    ['/status/set/text', { Body: 'x'.repeat(140) }, /^invalid Body: must be at most 139 characters$/],
    ['/call/reject', { call_id: 'C1' }, /^missing call_from in Payload$/],
    ['/call/reject', { call_from: PHONE_PN }, /^missing call_id in Payload$/],
    ['/call/reject', { call_from: PHONE_PN, call_id: '' }, /^missing call_id in Payload$/],
    ['/call/reject', { call_from: '120363012345678901@g.us', call_id: 'C1' }, /^invalid call_from ".*": name a user/]
  ])('%s %j', async (path, json, message) => {
    const res = await post(path, json)
    expect(res.status).toBe(400)
    expect(res.body).toMatchObject({ code: 400, success: false, reason: 'invalid_input' })
    expect(res.body.error).toMatch(message)
  })

  it('nothing was sent for any of them', async () => {
    await server.sandbox!.settle(PHONE_PN)
    expect(phone.received().filter(m => m.message?.extendedTextMessage?.text === 'x')).toEqual([])
  })
})

describe('sending needs a logged-in session that WhatsApp acknowledges', () => {
  it('no session: 409 not_connected with the state, for sends and chat state alike', async () => {
    const idle = await createUser(server.api)
    for (const [path, json] of [
      ['/chat/send/text', { Phone: PHONE_PN, Body: 'x' }],
      ['/chat/send/poll', { Phone: PHONE_PN, Header: 'Q', Options: ['a', 'b'] }],
      ['/chat/presence', { Phone: PHONE_PN, State: 'composing' }],
      ['/status/set/text', { Body: 'x' }],
      ['/call/reject', { call_from: PHONE_PN, call_id: 'C1' }]
    ] as const) {
      const res = await post(path, json, idle.token)
      expect(res.status).toBe(409)
      expect(res.body).toMatchObject({ code: 409, success: false, reason: 'not_connected', state: 'disconnected' })
      expect(res.body.error).toMatch(/not connected/)
    }
  })

  it('ack withheld: 504 no_ack naming the Id (the message may still arrive)', async () => {
    const lonely = await loginWithQr(server, '5491100005110')
    await sandboxFault(server, lonely.id, 'ack-withhold')
    const res = await post('/chat/send/text', { Phone: PHONE_PN, Body: 'is anyone there?', Id: 'NOACK0001' }, lonely.token)
    expect(res.status).toBe(504)
    expect(res.body).toMatchObject({ code: 504, success: false, reason: 'no_ack', Id: 'NOACK0001' })
    expect(res.body.error).toMatch(/NOACK0001/)
    await sandboxFault(server, lonely.id, 'ack-normal')
  })
})
