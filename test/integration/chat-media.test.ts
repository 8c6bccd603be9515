import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { createServer, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import type { proto } from '@whiskeysockets/baileys'
import sharp from 'sharp'
import type { VirtualPhone } from '../../src/sandbox/phones.js'
import { dataUrl, downloadReceived, type ReceivedMedia } from '../helpers/media.js'
import type { TestServer } from '../helpers/server.js'
import { loginWithQr, startSandboxServer } from '../helpers/session.js'

const USER_PHONE = '5491100007701'
const PEER = '5491100007702'
const PEER_JID = `${PEER}@s.whatsapp.net`

let server: TestServer
let user: { id: string, token: string }
let phone: VirtualPhone
let tempDir: string
let files: Server
let filesUrl: string
/** Responses held open by /slow, ended at the end so no socket stays open. */
const held: ServerResponse[] = []

let png: Buffer
let bigPng: Buffer
const pdf = Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n' + 'x'.repeat(2000))

async function serveFiles (): Promise<void> {
  files = createServer((req, res) => {
    if (req.url === '/image.png') res.writeHead(200, { 'content-type': 'image/png' }).end(png)
    else if (req.url === '/doc.pdf') res.writeHead(200, { 'content-type': 'application/pdf' }).end(pdf)
    // no Content-Length: only the byte count can stop it
    else if (req.url === '/big.png') { res.writeHead(200, { 'content-type': 'image/png' }); res.write(bigPng.subarray(0, 1000)); res.end(bigPng.subarray(1000)) } else if (req.url === '/slow') held.push(res)
    else res.writeHead(404).end('not here')
  })
  await new Promise<void>(resolve => files.listen(0, '127.0.0.1', resolve))
  filesUrl = `http://127.0.0.1:${(files.address() as AddressInfo).port}`
}

beforeAll(async () => {
  png = await sharp({ create: { width: 300, height: 200, channels: 3, background: { r: 200, g: 30, b: 30 } } }).png().toBuffer()
  const noise = Buffer.alloc(200 * 200 * 3)
  for (let i = 0; i < noise.length; i++) noise[i] = (i * 7919 + (i >> 3) * 104729) % 251
  bigPng = await sharp(noise, { raw: { width: 200, height: 200, channels: 3 } }).png({ compressionLevel: 0 }).toBuffer()
  await serveFiles()
  tempDir = mkdtempSync(path.join(tmpdir(), 'chat-media-test-'))
  server = await startSandboxServer({ MEDIA_TEMP_DIR: tempDir, ALLOW_PRIVATE_URLS: 'true', MEDIA_MAX_IMAGE: '64kb', MEDIA_FETCH_TIMEOUT_MS: '1000' })
  user = await loginWithQr(server, USER_PHONE)
  phone = server.sandbox!.createPhone(PEER)
})

afterAll(async () => {
  await server.stop()
  for (const res of held) res.end()
  await new Promise(resolve => files.close(resolve))
  rmSync(tempDir, { recursive: true, force: true })
})

afterEach(() => {
  // every temporary file is gone once the answer came, whatever the answer was
  const left = readdirSync(tempDir)
  for (const name of left) rmSync(path.join(tempDir, name), { force: true })
  expect(left).toEqual([])
})

async function post (route: string, json: unknown): Promise<{ status: number, body: any }> {
  return await server.api('POST', route, { token: user.token, json })
}

async function postForm (route: string, fields: Record<string, string>, file?: { name?: string, bytes: Buffer, filename: string, type: string }): Promise<{ status: number, body: any }> {
  const form = new FormData()
  for (const [k, v] of Object.entries(fields)) form.append(k, v)
  if (file !== undefined) form.append(file.name ?? 'file', new Blob([file.bytes], { type: file.type }), file.filename)
  const res = await fetch(`${server.url}${route}`, { method: 'POST', headers: { Token: user.token }, body: form })
  return { status: res.status, body: await res.json() }
}

async function received (id: string): Promise<proto.IMessage> {
  const got = await phone.waitForMessage(m => m.id === id)
  expect(got.error ?? null).toBeNull()
  return got.message!
}

async function download (media: ReceivedMedia, type: 'image' | 'document'): Promise<Buffer> {
  return await downloadReceived(server, media, type)
}

function expectSent (res: { status: number, body: any }): string {
  expect(res.body).toMatchObject({ code: 200, success: true, data: { Details: 'Sent', Id: expect.any(String), Timestamp: expect.any(Number) } })
  expect(res.status).toBe(200)
  return res.body.data.Id
}

async function expectImage (id: string, caption: string | undefined): Promise<proto.Message.IImageMessage> {
  const image = (await received(id)).imageMessage!
  expect(image.mimetype).toBe('image/png')
  expect(image.caption ?? undefined).toBe(caption)
  expect([image.width, image.height]).toEqual([300, 200])
  const thumb = await sharp(Buffer.from(image.jpegThumbnail!)).metadata()
  expect([thumb.format, thumb.width, thumb.height]).toEqual(['jpeg', 72, 72])
  expect((await download(image, 'image')).equals(png)).toBe(true)
  return image
}

async function expectDocument (id: string, fileName: string, mimetype: string, caption?: string): Promise<void> {
  const message = await received(id)
  const doc = message.documentMessage ?? message.documentWithCaptionMessage?.message?.documentMessage
  expect(doc).toBeDefined()
  expect(doc!.fileName).toBe(fileName)
  expect(doc!.mimetype).toBe(mimetype)
  expect(doc!.caption ?? undefined).toBe(caption)
  expect((await download(doc!, 'document')).equals(pdf)).toBe(true)
}

describe('POST /chat/send/image', () => {
  it('sends a data URL: the phone gets the caption, size, a 72x72 JPEG thumbnail and the same bytes', async () => {
    const id = expectSent(await post('/chat/send/image', { Phone: PEER, Image: dataUrl('image/png', png), Caption: 'a red box' }))
    await expectImage(id, 'a red box')
  })

  it('sends a multipart upload, with form fields read as the JSON ones (ViewOnce, ContextInfo)', async () => {
    const id = expectSent(await postForm('/chat/send/image', {
      phone: PEER, Caption: 'uploaded', ViewOnce: 'true', ContextInfo: JSON.stringify({ MentionedJID: [PEER_JID] })
    }, { bytes: png, filename: 'box.png', type: 'image/png' }))
    const message = await received(id)
    const image = message.viewOnceMessage?.message?.imageMessage ?? message.viewOnceMessageV2?.message?.imageMessage ?? message.imageMessage
    expect(image?.viewOnce).toBe(true)
    expect(image?.caption).toBe('uploaded')
    expect(image?.contextInfo?.mentionedJid).toEqual([PEER_JID])
    expect((await download(image!, 'image')).equals(png)).toBe(true)
  })

  it('sends an http URL (fetched through the guard, allowed to reach 127.0.0.1 here)', async () => {
    const id = expectSent(await post('/chat/send/image', { Phone: PEER, Image: `${filesUrl}/image.png`, Id: 'MEDIAURL0001' }))
    expect(id).toBe('MEDIAURL0001')
    await expectImage(id, undefined)
  })

  it('replies to a message with ContextInfo', async () => {
    const id = expectSent(await post('/chat/send/image', {
      Phone: PEER, Image: dataUrl('image/png', png), ContextInfo: { StanzaId: 'ABC123', Participant: PEER_JID }, QuotedText: 'the question'
    }))
    const image = (await received(id)).imageMessage!
    expect(image.contextInfo).toMatchObject({ stanzaId: 'ABC123', participant: PEER_JID, quotedMessage: { conversation: 'the question' } })
  })
})

describe('POST /chat/send/document', () => {
  it('sends a data URL; the mimetype is the sniffed one when MimeType is not given', async () => {
    const id = expectSent(await post('/chat/send/document', { Phone: PEER, Document: dataUrl('application/octet-stream', pdf), FileName: 'report.pdf', Caption: 'the report' }))
    await expectDocument(id, 'report.pdf', 'application/pdf', 'the report')
  })

  it('sends a multipart upload; MimeType wins over the sniffed type', async () => {
    const id = expectSent(await postForm('/chat/send/document', { Phone: PEER, FileName: 'raw.bin', MimeType: 'application/x-custom' }, { bytes: pdf, filename: 'x.pdf', type: 'application/pdf' }))
    await expectDocument(id, 'raw.bin', 'application/x-custom')
  })

  it('sends an http URL; an unrecognised file is application/octet-stream', async () => {
    const id = expectSent(await post('/chat/send/document', { Phone: PEER, Document: `${filesUrl}/doc.pdf`, FileName: 'fetched.pdf' }))
    await expectDocument(id, 'fetched.pdf', 'application/pdf')
    const text = Buffer.from('just some text, no magic number\n')
    const plain = expectSent(await post('/chat/send/document', { Phone: PEER, Document: dataUrl('text/plain', text), FileName: 'notes.txt' }))
    const doc = (await received(plain)).documentMessage!
    expect(doc.mimetype).toBe('application/octet-stream')
    expect((await download(doc, 'document')).equals(text)).toBe(true)
  })
})

describe('bad input is answered 4xx naming the field, and leaves no file behind', () => {
  const image = (): string => dataUrl('image/png', png)
  it.each([
    ['no Phone', { Image: 'x' }, 400, 'missing Phone in Payload'],
    ['no Image', { Phone: PEER }, 400, 'missing Image in Payload'],
    ['an empty Image', { Phone: PEER, Image: '' }, 400, 'missing Image in Payload'],
    ['neither a data URL nor a URL', { Phone: PEER, Image: 'iVBORw0KGgo=' }, 400, 'invalid Image: send a data URL'],
    ['a data URL without ;base64,', { Phone: PEER, Image: 'data:image/png,rawbytes' }, 400, 'invalid Image: the data URL must be base64 encoded'],
    ['a data URL with nothing after the comma', { Phone: PEER, Image: 'data:image/png;base64,' }, 400, 'invalid Image: the data URL has no data'],
    ['truncated base64', { Phone: PEER, get Image () { return image().slice(0, -3) } }, 400, 'Image is cut short'],
    ['broken base64', { Phone: PEER, get Image () { const v = image(); return v.slice(0, 40) + '*!' + v.slice(42) } }, 400, 'Image has characters outside the base64 alphabet'],
    ['a PDF on the image route', { Phone: PEER, Image: dataUrl('image/png', pdf) }, 400, 'Image is a PDF document (application/pdf); expected an image'],
    ['bytes of no known type', { Phone: PEER, Image: dataUrl('image/png', Buffer.from('hello there, not an image')) }, 400, 'Image is a file of unrecognised type; expected an image'],
    ['an image over MEDIA_MAX_IMAGE', { Phone: PEER, get Image () { return dataUrl('image/png', bigPng) } }, 413, 'Image is too large: the limit for image files is 65536 bytes (MEDIA_MAX_IMAGE)'],
    ['a bad reply', { Phone: PEER, get Image () { return image() }, ContextInfo: { StanzaID: 'X' } }, 400, 'missing Participant in ContextInfo'],
    ['a bad Phone', { Phone: 'abc', get Image () { return image() } }, 400, 'invalid Phone'],
    ['a URL that 404s', { Phone: PEER, get Image () { return `${filesUrl}/missing.png` } }, 400, 'answered HTTP 404'],
    ['a URL that never answers', { Phone: PEER, get Image () { return `${filesUrl}/slow` } }, 504, 'did not send the file within 1000 ms'],
    ['a URL to a file over the limit', { Phone: PEER, get Image () { return `${filesUrl}/big.png` } }, 413, 'Image is too large'],
    ['a URL to a PDF', { Phone: PEER, get Image () { return `${filesUrl}/doc.pdf` } }, 400, 'Image is a PDF document'],
    ['a URL nobody listens on', { Phone: PEER, Image: 'http://127.0.0.1:1/x.png' }, 400, 'could not fetch Image from 127.0.0.1:1']
  ])('%s', async (_name, json, status, message) => {
    const res = await post('/chat/send/image', { ...json })
    expect(res.body.error).toContain(message)
    expect(res.body).toMatchObject({ code: status, success: false })
    expect(res.status).toBe(status)
  })

  it('document route: missing FileName, missing Document', async () => {
    expect((await post('/chat/send/document', { Phone: PEER, Document: dataUrl('application/pdf', pdf) })).body.error).toBe('missing FileName in Payload')
    expect((await post('/chat/send/document', { Phone: PEER, FileName: 'a.pdf' })).body.error).toBe('missing Document in Payload')
  })

  it('multipart: no file part, a file part of another name, a file and the field at once, a file over the kind limit', async () => {
    const noFile = await postForm('/chat/send/image', { Phone: PEER, Caption: 'x' })
    expect(noFile).toMatchObject({ status: 400, body: { success: false, error: expect.stringContaining('missing file part') } })
    const otherName = await postForm('/chat/send/image', { Phone: PEER }, { name: 'image', bytes: png, filename: 'a.png', type: 'image/png' })
    expect(otherName).toMatchObject({ status: 400, body: { error: expect.stringContaining('unexpected file part "image"') } })
    const both = await postForm('/chat/send/image', { Phone: PEER, Image: dataUrl('image/png', png) }, { bytes: png, filename: 'a.png', type: 'image/png' })
    expect(both).toMatchObject({ status: 400, body: { error: expect.stringContaining('not both') } })
    const big = await postForm('/chat/send/image', { Phone: PEER }, { bytes: bigPng, filename: 'big.png', type: 'image/png' })
    expect(big).toMatchObject({ status: 413, body: { error: expect.stringContaining('MEDIA_MAX_IMAGE') } })
    const pdfAsImage = await postForm('/chat/send/image', { Phone: PEER }, { bytes: pdf, filename: 'a.png', type: 'image/png' })
    expect(pdfAsImage).toMatchObject({ status: 400, body: { error: expect.stringContaining('Image is a PDF document') } })
    const badContext = await postForm('/chat/send/image', { Phone: PEER, ContextInfo: '{not json' }, { bytes: png, filename: 'a.png', type: 'image/png' })
    expect(badContext).toMatchObject({ status: 400, body: { error: expect.stringContaining('ContextInfo') } })
  })

  it('a malformed multipart body', async () => {
    const res = await fetch(`${server.url}/chat/send/image`, {
      method: 'POST',
      headers: { Token: user.token, 'Content-Type': 'multipart/form-data; boundary=XYZ' },
      body: '--XYZ\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\n\r\npartial'
    })
    expect(res.status).toBe(400)
    expect(await res.json()).toMatchObject({ success: false })
  })
})

describe('without ALLOW_PRIVATE_URLS', () => {
  it('refuses a media URL on 127.0.0.1 with 400 naming the field and the setting', async () => {
    const strict = await startSandboxServer({ MEDIA_TEMP_DIR: tempDir })
    try {
      const strictUser = await loginWithQr(strict, '5491100007703')
      const res = await strict.api('POST', '/chat/send/image', { token: strictUser.token, json: { Phone: PEER, Image: `${filesUrl}/image.png` } })
      expect(res.body).toMatchObject({ code: 400, success: false })
      expect(res.body.error).toMatch(/^invalid Image: .*127\.0\.0\.1.*ALLOW_PRIVATE_URLS=true/)
    } finally {
      await strict.stop()
    }
  })
})
