import { proto, type BaileysEventMap, type WASocket } from '@whiskeysockets/baileys'
import sharp from 'sharp'
import type { ChatMessage, SessionEvent } from '../../src/whatsapp/types.js'
import { downloadReceived } from '../helpers/media.js'
import type { TestServer } from '../helpers/server.js'
import { loginWithQr, recordSessionEvents, startSandboxServer, type SessionEventLog } from '../helpers/session.js'

const USER_PN = '5491100005400'
const PHONE_PN = '5491100005401'
const PHONE_JID = `${PHONE_PN}@s.whatsapp.net`
const USER_JID = `${USER_PN}@s.whatsapp.net`
const VCARD = 'BEGIN:VCARD\nVERSION:3.0\nFN:Ana Gomez\nTEL;type=CELL;waid=5491100005499:+54 9 11 0000-5499\nEND:VCARD'

let server: TestServer
let user: { id: string, token: string }
let log: SessionEventLog
let png: Buffer

beforeAll(async () => {
  png = await sharp({ create: { width: 64, height: 48, channels: 3, background: { r: 10, g: 120, b: 30 } } }).png().toBuffer()
  server = await startSandboxServer()
  user = await loginWithQr(server, USER_PN)
  server.sandbox!.createPhone(PHONE_PN, 'Peer')
  log = recordSessionEvents(server, user.id)
})
afterAll(async () => {
  log.stop()
  await server.stop()
})

async function phoneSend (json: Record<string, unknown>): Promise<{ status: number, body: any }> {
  return await server.api('POST', `/sandbox/phones/${PHONE_PN}/send`, { admin: true, json })
}

/** The phone sends; the user's session reports the message with the answered id. */
async function arrives (json: Record<string, unknown>): Promise<ChatMessage> {
  const res = await phoneSend({ To: user.id, ...json })
  expect(res.status).toBe(200)
  expect(res.body.data).toEqual({ Kind: expect.any(String), Id: expect.stringMatching(/^[0-9A-F]{16,}$/), To: USER_JID })
  const id: string = res.body.data.Id
  const event = await log.waitFor(e => e.type === 'message' && e.message.id === id) as Extract<SessionEvent, { type: 'message' }>
  expect(event.message).toMatchObject({ chat: PHONE_JID, sender: PHONE_JID, fromMe: false })
  return event.message
}

function socket (): WASocket {
  const sock = server.registry.find(user.id)?.socket
  if (sock === undefined) throw new Error('no socket')
  return sock
}

/** Resolves with the first event of `name` on the user's Baileys socket matching `check`. */
async function socketEvent<K extends keyof BaileysEventMap> (name: K, check: (e: BaileysEventMap[K]) => boolean, action: () => Promise<unknown>): Promise<BaileysEventMap[K]> {
  const sock = socket()
  let listener: ((e: BaileysEventMap[K]) => void) | undefined
  let timer: NodeJS.Timeout | undefined
  const seen = new Promise<BaileysEventMap[K]>((resolve, reject) => {
    listener = e => { if (check(e)) resolve(e) }
    timer = setTimeout(() => { reject(new Error(`no ${name} event`)) }, 5000)
    sock.ev.on(name, listener)
  })
  try {
    await action()
    return await seen
  } finally {
    clearTimeout(timer)
    sock.ev.off(name, listener!)
  }
}

describe('POST /sandbox/phones/{phone}/send: messages', () => {
  it('text, and a text replying to a message', async () => {
    const first = await arrives({ Body: 'hello there' })
    expect(first).toMatchObject({ type: 'text', text: 'hello there', quotedId: '' })
    const reply = await arrives({ Body: 'answering', ContextInfo: { StanzaID: first.id, Participant: USER_JID }, QuotedText: 'hello there' })
    expect(reply).toMatchObject({ type: 'text', text: 'answering', quotedId: first.id })
  })

  it('an image (data URL) with its caption, whose bytes download back intact', async () => {
    const got = await arrives({ Image: `data:image/png;base64,${png.toString('base64')}`, Caption: 'a photo' })
    expect(got).toMatchObject({ type: 'image', text: 'a photo', media: { kind: 'image', mimetype: 'image/png', fileLength: png.length } })
    const image = proto.Message.fromObject(got.message).imageMessage!
    const bytes = await downloadReceived(server, image, 'image')
    expect(bytes.equals(png)).toBe(true)
  })

  it('a document (bare base64) with FileName, a voice note, a video and a sticker', async () => {
    const pdf = Buffer.from('%PDF-1.4\n%%EOF\n')
    expect(await arrives({ Document: pdf.toString('base64'), FileName: 'terms.pdf', MimeType: 'application/pdf', Caption: 'read me' }))
      .toMatchObject({ type: 'document', media: { kind: 'document', mimetype: 'application/pdf', fileName: 'terms.pdf', fileLength: pdf.length } })
    const voice = await arrives({ Audio: `data:audio/ogg;base64,${Buffer.from('OggS fake opus').toString('base64')}`, PTT: true })
    expect(voice).toMatchObject({ type: 'audio', media: { kind: 'audio', mimetype: 'audio/ogg' } })
    expect(voice.message).toMatchObject({ audioMessage: { ptt: true } })
    expect(await arrives({ Video: `data:video/mp4;base64,${Buffer.from('fake mp4 bytes').toString('base64')}`, Caption: 'clip' }))
      .toMatchObject({ type: 'video', text: 'clip', media: { kind: 'video', mimetype: 'video/mp4' } })
    expect(await arrives({ Sticker: Buffer.from('RIFF fake webp').toString('base64') }))
      .toMatchObject({ type: 'sticker', media: { kind: 'sticker', mimetype: 'image/webp' } })
  })

  it('a location, a contact and a poll', async () => {
    const location = await arrives({ Latitude: -34.6, Longitude: -58.38, Name: 'Obelisco' })
    expect(location).toMatchObject({ type: 'location', message: { locationMessage: { degreesLatitude: -34.6, degreesLongitude: -58.38, name: 'Obelisco' } } })
    expect(await arrives({ Name: 'Ana Gomez', Vcard: VCARD })).toMatchObject({ type: 'contact', message: { contactMessage: { displayName: 'Ana Gomez', vcard: VCARD } } })
    const poll = await arrives({ Poll: 'Lunch?', Options: ['Pizza', 'Sushi'] })
    expect(poll).toMatchObject({ type: 'poll', text: 'Lunch?' })
  })

  it('a reaction to the user\'s message, and an edit and a revoke of its own', async () => {
    const sent = await server.api('POST', '/chat/send/text', { token: user.token, json: { Phone: PHONE_PN, Body: 'react to me' } })
    expect(sent.status).toBe(200)
    expect(await arrives({ React: '👍', Id: sent.body.data.Id })).toMatchObject({ type: 'reaction', text: '👍', targetId: sent.body.data.Id })

    const own = await arrives({ Body: 'tpyo' })
    expect(await arrives({ Edit: 'typo', Id: own.id })).toMatchObject({ type: 'edit', text: 'typo', targetId: own.id })
    expect(await arrives({ React: '❤️', Id: `me:${own.id}` })).toMatchObject({ type: 'reaction', targetId: own.id })
    expect(await arrives({ Revoke: true, Id: own.id })).toMatchObject({ type: 'delete', targetId: own.id })
  })
})

describe('POST /sandbox/phones/{phone}/send: receipts, chat state, presence', () => {
  it('Read marks the user\'s messages read', async () => {
    const sent = await server.api('POST', '/chat/send/text', { token: user.token, json: { Phone: PHONE_PN, Body: 'did you read this?' } })
    const id: string = sent.body.data.Id
    const update = await socketEvent('messages.update', list => list.some(u => u.key.id === id && u.update.status === proto.WebMessageInfo.Status.READ), async () => {
      const res = await phoneSend({ To: user.id, Read: [id] })
      expect(res.body.data).toEqual({ Kind: 'Read', Id: '', To: USER_JID })
    })
    expect(update.find(u => u.key.id === id)?.key.remoteJid).toBe(PHONE_JID)
  })

  it('Typing shows composing and recording in the chat', async () => {
    for (const state of ['composing', 'recording'] as const) {
      const seen = await socketEvent('presence.update', e => e.presences[PHONE_JID]?.lastKnownPresence === state, async () => {
        expect((await phoneSend({ To: user.id, Typing: state })).status).toBe(200)
      })
      expect(seen.id).toBe(PHONE_JID)
    }
  })

  it('Presence reaches a session subscribed to the phone', async () => {
    await socket().presenceSubscribe(PHONE_JID)
    for (const type of ['available', 'unavailable'] as const) {
      await socketEvent('presence.update', e => e.presences[PHONE_JID]?.lastKnownPresence === type, async () => {
        const res = await phoneSend({ Presence: type })
        expect(res.body.data).toEqual({ Kind: 'Presence', Id: '', To: '' })
      })
    }
  })
})

describe('POST /sandbox/phones/{phone}/send: bad input', () => {
  it('answers 400 saying what to fix', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ To: user.id }, 'nothing to send: give one of Body, Image'],
      [{ To: user.id, Body: 'x', Image: 'aGk=' }, 'one kind per request: got Body and Image'],
      [{ To: user.id, Latitude: 1 }, 'missing Longitude in Payload'],
      [{ To: user.id, Image: 'data:image/png,notbase64' }, 'invalid Image: use a base64 data URL'],
      [{ To: user.id, Image: 'not base64!' }, 'invalid Image: could not decode the base64 data'],
      [{ To: user.id, Document: 'aGk=' }, 'missing FileName in Payload'],
      [{ To: user.id, React: '👍' }, 'missing Id in Payload'],
      [{ To: user.id, Revoke: true }, 'missing Id in Payload'],
      [{ To: user.id, Read: [] }, 'invalid Read'],
      [{ To: user.id, Poll: 'Q', Options: ['one'] }, 'at least 2 Options are required'],
      [{ To: user.id, Typing: 'dancing' }, 'invalid Typing: must be composing, paused or recording'],
      [{ Presence: 'away' }, 'invalid Presence: must be available or unavailable'],
      [{ Body: 'no recipient' }, 'missing To in Payload'],
      [{ To: user.id, Body: 'x', ContextInfo: { Participant: USER_JID } }, 'missing StanzaID in ContextInfo']
    ]
    for (const [json, error] of cases) {
      const res = await phoneSend(json)
      expect({ json, status: res.status, error: res.body.error }).toEqual({ json, status: 400, error: expect.stringContaining(error) })
    }
  })
})
