import sharp from 'sharp'
import type { VirtualPhone } from '../../src/sandbox/phones.js'
import type { ChatMessage } from '../../src/whatsapp/types.js'
import { createUser, type TestServer } from '../helpers/server.js'
import { loginWithQr, recordSessionEvents, startSandboxServer, type SessionEventLog } from '../helpers/session.js'

const USER_PHONE = '5491100007801'
const USER_JID = `${USER_PHONE}@s.whatsapp.net`
const PEER = '5491100007802'

let server: TestServer
let user: { id: string, token: string }
let phone: VirtualPhone
let log: SessionEventLog

let png: Buffer
const pdf = Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n' + 'x'.repeat(1500))

beforeAll(async () => {
  png = await sharp({ create: { width: 120, height: 80, channels: 3, background: { r: 20, g: 160, b: 30 } } }).png().toBuffer()
  server = await startSandboxServer({ MEDIA_MAX_DOCUMENT: '4kb' })
  user = await loginWithQr(server, USER_PHONE, { history: 50 })
  phone = server.sandbox!.createPhone(PEER, 'Bob')
  log = recordSessionEvents(server, user.id)
})

afterAll(async () => {
  log.stop()
  await server.stop()
})

async function post (route: string, json: unknown, token = user.token): Promise<{ status: number, body: any }> {
  return await server.api('POST', route, { token, json })
}

/** The phone sends `content` to the user; resolves with the message as the user's session received it. */
async function receive (content: Parameters<VirtualPhone['sendMessage']>[1]): Promise<ChatMessage> {
  const id = await phone.sendMessage(USER_JID, content)
  const event = await log.waitFor(e => e.type === 'message' && e.message.id === id)
  if (event.type !== 'message') throw new Error('not a message event')
  return event.message
}

function decoded (data: string, mimetype: string): Buffer {
  const prefix = `data:${mimetype};base64,`
  expect(data.startsWith(prefix)).toBe(true)
  return Buffer.from(data.slice(prefix.length), 'base64')
}

/** A media object's fields under wuzapi's names. */
function wuzapiFields (media: any): Record<string, unknown> {
  return {
    Url: media.url,
    DirectPath: media.directPath,
    MediaKey: media.mediaKey,
    Mimetype: media.mimetype,
    FileEncSHA256: media.fileEncSha256,
    FileSHA256: media.fileSha256,
    FileLength: media.fileLength
  }
}

/** Flips one bit of a base64 value. */
function tampered (b64: string): string {
  const bytes = Buffer.from(b64, 'base64')
  bytes[0] = (bytes[0] ?? 0) ^ 1
  return bytes.toString('base64')
}

describe('POST /chat/download<kind>', () => {
  let image: any

  beforeAll(async () => {
    image = (await receive({ image: png, mimetype: 'image/png', caption: 'a green square' })).message.imageMessage
  })

  it('gives back the bytes of a received image, from wuzapi\'s fields, the proto JSON object posted as is, and whatsmeow\'s spelling', async () => {
    const named = await post('/chat/downloadimage', wuzapiFields(image))
    expect(named.status).toBe(200)
    expect(named.body.data.Mimetype).toBe('image/png')
    expect(decoded(named.body.data.Data, 'image/png').equals(png)).toBe(true)

    // the message's own object, with its caption, thumbnail, sizes... and lowerCamel protobuf names
    const asIs = await post('/chat/downloadimage', image)
    expect(asIs.status).toBe(200)
    expect(decoded(asIs.body.data.Data, 'image/png').equals(png)).toBe(true)

    // a whatsmeow webhook's imageMessage: URL, fileEncSHA256, fileSHA256, fileLength as a string
    const webhook = { URL: image.url, directPath: image.directPath, mediaKey: image.mediaKey, mimetype: image.mimetype, fileEncSHA256: image.fileEncSha256, fileSHA256: image.fileSha256, fileLength: String(image.fileLength) }
    const fromWebhook = await post('/chat/downloadimage', webhook)
    expect(fromWebhook.status).toBe(200)
    expect(decoded(fromWebhook.body.data.Data, 'image/png').equals(png)).toBe(true)

    // without a Mimetype, the bytes tell it
    const untyped = await post('/chat/downloadimage', { ...wuzapiFields(image), Mimetype: undefined })
    expect(untyped.body.data.Mimetype).toBe('image/png')
  })

  it('downloads a document stored in the message history, with its DirectPath alone', async () => {
    const received = await receive({ document: pdf, mimetype: 'application/pdf', fileName: 'report.pdf' })
    const rows = (await server.api('GET', `/chat/history?chat_jid=${PEER}@s.whatsapp.net`, { token: user.token })).body.data
    const row = rows.find((r: any) => r.message_id === received.id)
    const document = JSON.parse(row.data_json).Message.documentMessage
    const { url, ...withoutUrl } = document
    expect(url).toEqual(expect.any(String))
    const res = await post('/chat/downloaddocument', withoutUrl)
    expect(res.status).toBe(200)
    expect(res.body.data.Mimetype).toBe('application/pdf')
    expect(decoded(res.body.data.Data, 'application/pdf').equals(pdf)).toBe(true)
  })

  it('downloads a voice note, keeping its mimetype', async () => {
    const ogg = Buffer.concat([Buffer.from('OggS'), Buffer.alloc(600, 7)])
    const audio = (await receive({ audio: ogg, mimetype: 'audio/ogg; codecs=opus', ptt: true, seconds: 1 })).message.audioMessage
    const res = await post('/chat/downloadaudio', audio)
    expect(res.status).toBe(200)
    expect(res.body.data.Mimetype).toBe('audio/ogg; codecs=opus')
    expect(decoded(res.body.data.Data, 'audio/ogg;codecs=opus').equals(ogg)).toBe(true)
  })

  it('refuses a file whose hashes do not match, naming the field, and a key of another kind', async () => {
    const encrypted = await post('/chat/downloadimage', { ...wuzapiFields(image), FileEncSHA256: tampered(image.fileEncSha256) })
    expect(encrypted.status).toBe(400)
    expect(encrypted.body.error).toMatch(/^FileEncSHA256 does not match/)
    expect(encrypted.body.data).toBeUndefined()

    const plain = await post('/chat/downloadimage', { ...wuzapiFields(image), FileSHA256: tampered(image.fileSha256) })
    expect(plain.status).toBe(400)
    expect(plain.body.error).toMatch(/^FileSHA256 does not match/)
    expect(plain.body.data).toBeUndefined()

    // image keys are not audio keys
    const kind = await post('/chat/downloadaudio', wuzapiFields(image))
    expect(kind.status).toBe(400)
    expect(kind.body.error).toMatch(/^invalid MediaKey: /)
  })

  it('fetches only from WhatsApp\'s media hosts', async () => {
    for (const Url of ['https://example.com/file.enc', 'http://mmg.whatsapp.net/v/t62/x.enc', 'https://mmg.whatsapp.net.example.com/x.enc', `http://${server.sandbox!.core.config.mediaHost}${image.directPath as string}`]) {
      const res = await post('/chat/downloadimage', { ...wuzapiFields(image), Url, DirectPath: undefined })
      expect(res.status).toBe(400)
      expect(res.body.error).toContain("downloads only from WhatsApp's media hosts")
    }
    // a URL elsewhere is refused even with a DirectPath beside it
    const both = await post('/chat/downloadimage', { ...wuzapiFields(image), Url: 'https://example.com/x' })
    expect(both.status).toBe(400)
    const escape = await post('/chat/downloadimage', { ...wuzapiFields(image), Url: undefined, DirectPath: '//example.com/x.enc' })
    expect(escape.status).toBe(400)
    expect(escape.body.error).toMatch(/^invalid DirectPath/)
  })

  it('says what is missing or malformed', async () => {
    const empty = await post('/chat/downloadimage', {})
    expect(empty.status).toBe(400)
    expect(empty.body.error).toBe('missing MediaKey in Payload')
    const noPlace = await post('/chat/downloadimage', { ...wuzapiFields(image), Url: undefined, DirectPath: undefined })
    expect(noPlace.status).toBe(400)
    expect(noPlace.body.error).toBe('missing Url or DirectPath in Payload')
    const noHash = await post('/chat/downloadimage', { ...wuzapiFields(image), FileSHA256: undefined })
    expect(noHash.status).toBe(400)
    expect(noHash.body.error).toBe('missing FileSHA256 in Payload')
    const badKey = await post('/chat/downloadimage', { ...wuzapiFields(image), MediaKey: 'not base64!' })
    expect(badKey.status).toBe(400)
    expect(badKey.body.error).toMatch(/^invalid MediaKey: must be 32 bytes in base64/)
  })

  it('answers 404 for media the host no longer has, and 413 over the kind\'s limit', async () => {
    const gone = await post('/chat/downloadimage', { ...wuzapiFields(image), Url: undefined, DirectPath: '/v/t62.sandbox/image/expired.enc' })
    expect(gone.status).toBe(404)
    expect(gone.body.error).toContain('no longer on WhatsApp\'s media host')

    const big = Buffer.concat([pdf, Buffer.alloc(5000, 0x20)])
    const document = (await receive({ document: big, mimetype: 'application/pdf', fileName: 'big.pdf' })).message.documentMessage as any
    // the declared length is refused before fetching; without it the download stops at the limit
    for (const fields of [wuzapiFields(document), { ...wuzapiFields(document), FileLength: undefined }]) {
      const res = await post('/chat/downloaddocument', fields)
      expect(res.status).toBe(413)
      expect(res.body.error).toContain('MEDIA_MAX_DOCUMENT')
    }
  })

  it('needs a logged-in session', async () => {
    const other = await createUser(server.api)
    const res = await post('/chat/downloadimage', wuzapiFields(image), other.token)
    expect(res.status).toBe(409)
    expect(res.body.error).toMatch(/connect/)
  })
})

describe('POST /chat/request-unavailable-message', () => {
  it('sends the request to the user\'s phone, which gets the message key, and answers wuzapi\'s fields', async () => {
    const res = await post('/chat/request-unavailable-message', { chat: `${PEER}@s.whatsapp.net`, sender: `${PEER}@s.whatsapp.net`, id: '3EB0AAAAAAAAAAAAAAAAAA' })
    expect(res.status).toBe(200)
    expect(res.body.data).toEqual({
      success: true,
      message: 'Unavailable message request sent successfully',
      request_id: expect.stringMatching(/^\w+$/),
      chat: `${PEER}@s.whatsapp.net`,
      sender: `${PEER}@s.whatsapp.net`,
      message_id: '3EB0AAAAAAAAAAAAAAAAAA',
      timestamp: expect.any(Number)
    })
    const own = server.sandbox!.phone(USER_PHONE)
    const request = await own.waitForMessage(m => m.id === res.body.data.request_id)
    const pdo = request.message?.protocolMessage?.peerDataOperationRequestMessage
    expect(pdo?.placeholderMessageResendRequest?.[0]?.messageKey).toMatchObject({ remoteJid: `${PEER}@s.whatsapp.net`, id: '3EB0AAAAAAAAAAAAAAAAAA', fromMe: false })
  })

  it('wants full JIDs and an id, and a logged-in session', async () => {
    const missing = await post('/chat/request-unavailable-message', { chat: `${PEER}@s.whatsapp.net`, sender: `${PEER}@s.whatsapp.net` })
    expect(missing.status).toBe(400)
    expect(missing.body.error).toBe('missing id in Payload')
    const phoneOnly = await post('/chat/request-unavailable-message', { chat: PEER, sender: `${PEER}@s.whatsapp.net`, id: 'X' })
    expect(phoneOnly.status).toBe(400)
    expect(phoneOnly.body.error).toMatch(/^invalid chat: must be a full JID/)
    const other = await createUser(server.api)
    const offline = await post('/chat/request-unavailable-message', { chat: `${PEER}@s.whatsapp.net`, sender: `${PEER}@s.whatsapp.net`, id: 'X' }, other.token)
    expect(offline.status).toBe(409)
  })
})
