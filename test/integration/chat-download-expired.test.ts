import sharp from 'sharp'
import type { VirtualPhone } from '../../src/sandbox/phones.js'
import type { ChatMessage } from '../../src/whatsapp/types.js'
import type { TestServer } from '../helpers/server.js'
import { loginWithQr, recordSessionEvents, startSandboxServer } from '../helpers/session.js'

const USER_PHONE = '5491100007901'
const USER_JID = `${USER_PHONE}@s.whatsapp.net`
const NO_HISTORY_PHONE = '5491100007903'
const PEER = '5491100007902'

let server: TestServer
let user: { id: string, token: string }
let forgetful: { id: string, token: string }
let phone: VirtualPhone
let png: Buffer

beforeAll(async () => {
  png = await sharp({ create: { width: 90, height: 60, channels: 3, background: { r: 200, g: 60, b: 30 } } }).png().toBuffer()
  server = await startSandboxServer()
  user = await loginWithQr(server, USER_PHONE, { history: 50 })
  forgetful = await loginWithQr(server, NO_HISTORY_PHONE)
  phone = server.sandbox!.createPhone(PEER, 'Bob')
})

afterAll(async () => { await server.stop() })

/** The phone sends an image to a user; resolves with the image as the user's session received it. */
async function receiveImage (userId: string, to: string): Promise<any> {
  const log = recordSessionEvents(server, userId)
  try {
    const id = await phone.sendMessage(to, { image: png, mimetype: 'image/png' })
    const event = await log.waitFor(e => e.type === 'message' && e.message.id === id)
    return (event as { message: ChatMessage }).message.message.imageMessage
  } finally {
    log.stop()
  }
}

async function expire (media: any): Promise<void> {
  const res = await server.api('POST', '/sandbox/media/expire', { admin: true, json: { DirectPath: media.directPath } })
  expect(res.body).toEqual({ code: 200, data: { DirectPath: media.directPath, Expired: true }, success: true })
}

function fields (media: any): Record<string, unknown> {
  return { Url: media.url, DirectPath: media.directPath, MediaKey: media.mediaKey, Mimetype: media.mimetype, FileEncSHA256: media.fileEncSha256, FileSHA256: media.fileSha256, FileLength: media.fileLength }
}

async function download (token: string, media: any): Promise<{ status: number, body: any }> {
  return await server.api('POST', '/chat/downloadimage', { token, json: fields(media) })
}

describe('expired media', () => {
  it('asks the phone to upload a stored message\'s expired media again, then downloads the same bytes', async () => {
    const image = await receiveImage(user.id, USER_JID)
    await expire(image)
    const res = await download(user.token, image)
    expect(res.status).toBe(200)
    expect(res.body.data.Data).toBe(`data:image/png;base64,${png.toString('base64')}`)
    // the old path stays expired: a second download asks again, and works again
    const again = await download(user.token, image)
    expect(again.body.data?.Data).toBe(res.body.data.Data)
  })

  it('answers 404 saying why when the message is not in the history (the phone cannot be asked)', async () => {
    const image = await receiveImage(forgetful.id, `${NO_HISTORY_PHONE}@s.whatsapp.net`)
    expect((await download(forgetful.token, image)).status).toBe(200)
    await expire(image)
    const res = await download(forgetful.token, image)
    expect(res.status).toBe(404)
    expect(res.body.error).toMatch(/^the media is no longer on WhatsApp's media host \(HTTP 410\) and its message is not in this user's message history/)
  })

  it('answers 404 when the phone no longer has the message', async () => {
    const image = await receiveImage(user.id, USER_JID)
    await expire(image)
    // the phone's own copy of the message is gone (its inbox was cleared), so it answers NOT_FOUND
    server.sandbox!.core.account(USER_PHONE)!.received.length = 0
    const res = await download(user.token, image)
    expect(res.status).toBe(404)
    expect(res.body.error).toMatch(/^the media expired \(HTTP 410\) and the phone could not upload it again \(Failed to re-upload media \(2\)\)/)
  })

  it('refuses to expire media the sandbox does not host, and a body naming none', async () => {
    const unknown = await server.api('POST', '/sandbox/media/expire', { admin: true, json: { DirectPath: '/v/t62.sandbox/image/none.enc' } })
    expect(unknown.status).toBe(404)
    expect(unknown.body).toMatchObject({ reason: 'unknown_media', error: expect.stringContaining('no media at /v/t62.sandbox/image/none.enc') })
    const empty = await server.api('POST', '/sandbox/media/expire', { admin: true, json: {} })
    expect(empty.status).toBe(400)
    expect(empty.body.error).toBe('missing Url or DirectPath in Payload')
  })
})
