import sharp from 'sharp'
import { fetch as undiciFetch } from 'undici'
import type { VirtualPhone } from '../../src/sandbox/phones.js'
import { createUser, type TestServer } from '../helpers/server.js'
import { loginWithQr, startSandboxServer } from '../helpers/session.js'

let server: TestServer
let user: { id: string, token: string }
let peer: VirtualPhone
let shy: VirtualPhone

const ME = '5491100009001'
const PEER = '5491100009002'
const SHY = '5491100009003'
const NOBODY = '5491100009999'

beforeAll(async () => {
  server = await startSandboxServer()
  peer = server.sandbox!.createPhone(PEER, 'Peer Phone')
  shy = server.sandbox!.createPhone(SHY, 'Shy Phone')
  user = await loginWithQr(server, ME)
})
afterAll(async () => { await server.stop() })

async function post (path: string, json: unknown, token = user.token): Promise<any> {
  return await server.api('POST', path, { token, json })
}

async function get (path: string, token = user.token): Promise<any> {
  return await server.api('GET', path, { token })
}

/** Polls `check` until it holds (at most 5 s). */
async function until (check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 5000
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition never held')
    await new Promise(resolve => setTimeout(resolve, 25))
  }
}

describe('POST /user/check', () => {
  it('answers every number in order: known ones with their JID, unknown ones false', async () => {
    const res = await post('/user/check', { Phone: [PEER, `+${NOBODY}`, `${SHY}@s.whatsapp.net`] })
    expect(res.status).toBe(200)
    expect(res.body).toEqual({
      code: 200,
      success: true,
      data: {
        Users: [
          { Query: PEER, IsInWhatsapp: true, JID: `${PEER}@s.whatsapp.net`, VerifiedName: '' },
          { Query: `+${NOBODY}`, IsInWhatsapp: false, JID: '', VerifiedName: '' },
          { Query: `${SHY}@s.whatsapp.net`, IsInWhatsapp: true, JID: `${SHY}@s.whatsapp.net`, VerifiedName: '' }
        ]
      }
    })
  })

  it('refuses a missing list and a bad number, naming the field', async () => {
    expect((await post('/user/check', {})).body).toMatchObject({ code: 400, error: 'missing Phone in Payload', success: false })
    expect((await post('/user/check', { Phone: [] })).body.error).toBe('missing Phone in Payload')
    const bad = await post('/user/check', { Phone: [PEER, 'abc'] })
    expect(bad.status).toBe(400)
    expect(bad.body.error).toMatch(/^invalid Phone\[1\] "abc"/)
    const notList = await post('/user/check', { Phone: PEER })
    expect(notList.status).toBe(400)
    expect(notList.body.error).toMatch(/Phone/)
  })

  it('answers 409 naming the state when the session is not logged in', async () => {
    const idle = await createUser(server.api)
    const res = await post('/user/check', { Phone: [PEER] }, idle.token)
    expect(res.status).toBe(409)
    expect(res.body.state).toBe('disconnected')
  })
})

describe('POST /user/info', () => {
  it('tells the about text, the devices, the LID and the picture id; an unknown number has no devices', async () => {
    peer.about = 'Busy building things'
    const jpeg = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#3366cc' } }).jpeg().toBuffer()
    peer.replacePicture(jpeg)
    const res = await post('/user/info', { Phone: [`${PEER}@s.whatsapp.net`, NOBODY] })
    expect(res.status).toBe(200)
    const info = res.body.data.Users[`${PEER}@s.whatsapp.net`]
    expect(info).toEqual({ VerifiedName: null, Status: 'Busy building things', PictureID: expect.stringMatching(/^\d+$/), Devices: [`${PEER}@s.whatsapp.net`], LID: peer.lid })
    expect(res.body.data.Users[`${NOBODY}@s.whatsapp.net`]).toEqual({ VerifiedName: null, Status: '', PictureID: '', Devices: [], LID: '' })
  })

  it('hides the about text when the user\'s privacy says so', async () => {
    shy.about = 'secret plans'
    shy.setPrivacy('status', 'none')
    const res = await post('/user/info', { Phone: [SHY] })
    expect(res.body.data.Users[`${SHY}@s.whatsapp.net`].Status).toBe('')
  })

  it('refuses a group JID and an empty list', async () => {
    expect((await post('/user/info', { Phone: ['120363012345678901@g.us'] })).body.error).toMatch(/^invalid Phone\[0\] "120363012345678901@g.us": name a user/)
    expect((await post('/user/info', { Phone: [] })).body.error).toBe('missing Phone in Payload')
  })
})

describe('POST /user/avatar', () => {
  it('answers the picture URL, which serves the JPEG', async () => {
    const jpeg = await sharp({ create: { width: 32, height: 32, channels: 3, background: '#cc3366' } }).jpeg().toBuffer()
    peer.replacePicture(jpeg)
    const res = await post('/user/avatar', { Phone: PEER, Preview: true })
    expect(res.status).toBe(200)
    expect(res.body.data).toEqual({ url: expect.stringMatching(/^https:\/\//), id: expect.any(String), type: 'preview', direct_path: expect.stringMatching(/^\/pp\//), hash: null })
    const image = await undiciFetch(res.body.data.url, { dispatcher: server.sandbox!.downloadDispatcher })
    expect(Buffer.from(await image.arrayBuffer()).equals(jpeg)).toBe(true)
  })

  it('answers a clear 404 when there is no picture or privacy hides it', async () => {
    const none = await post('/user/avatar', { Phone: NOBODY })
    expect(none.status).toBe(404)
    expect(none.body.error).toMatch(/^no avatar found/)
    shy.replacePicture(await sharp({ create: { width: 8, height: 8, channels: 3, background: '#000' } }).jpeg().toBuffer())
    shy.setPrivacy('profile', 'none')
    const hidden = await post('/user/avatar', { Phone: SHY })
    expect(hidden.status).toBe(404)
    expect(hidden.body.error).toContain('privacy settings hide it')
    expect((await post('/user/avatar', {})).body).toMatchObject({ code: 400, error: 'missing Phone in Payload' })
  })
})

describe('GET /user/contacts', () => {
  it('lists the contacts from the history sync and the push names of incoming messages', async () => {
    await peer.sendText(`${ME}@s.whatsapp.net`, 'hello from peer')
    await until(async () => (await get('/user/contacts')).body.data[`${PEER}@s.whatsapp.net`] !== undefined)
    const contacts = (await get('/user/contacts')).body.data
    expect(contacts[`${PEER}@s.whatsapp.net`]).toEqual({ Found: true, FirstName: '', FullName: '', PushName: 'Peer Phone', BusinessName: '', RedactedPhone: '' })
    // the sandbox's history sync carries its welcome chat, named
    expect(contacts['15550100000@s.whatsapp.net']).toMatchObject({ Found: true, FullName: 'WhatsApp Sandbox', FirstName: 'WhatsApp' })
  })
})

describe('LIDs: GET /user/lid/{jid} and POST /user/parse-lid', () => {
  it('answers the LID of a number, and the number of a LID this session learned', async () => {
    const res = await get(`/user/lid/${PEER}`)
    expect(res.status).toBe(200)
    expect(res.body.data).toEqual({ jid: `${PEER}@s.whatsapp.net`, lid: peer.lid })
    const back = await post('/user/parse-lid', { LID: peer.lid })
    expect(back.body.data).toEqual({ jid: `${PEER}@s.whatsapp.net`, lid: peer.lid })
    expect((await post('/user/parse-lid', { LID: peer.lid.replace('@lid', '') })).body.data.jid).toBe(`${PEER}@s.whatsapp.net`)
    expect((await get(`/user/lid/${encodeURIComponent(peer.lid)}`)).body.data).toEqual({ jid: `${PEER}@s.whatsapp.net`, lid: peer.lid })
  })

  it('answers 404 for a number without WhatsApp or an unknown LID, 400 for bad input', async () => {
    const none = await get(`/user/lid/${NOBODY}`)
    expect(none.status).toBe(404)
    expect(none.body.error).toMatch(/^LID not found for this number/)
    expect((await post('/user/parse-lid', { LID: '99999999999999@lid' })).status).toBe(404)
    expect((await post('/user/parse-lid', { LID: 'abc' })).body).toMatchObject({ code: 400, error: 'invalid LID "abc": a LID looks like 123456789012345@lid' })
    expect((await post('/user/parse-lid', {})).body.error).toBe('missing LID in Payload')
    expect((await get('/user/lid/nope@nowhere')).status).toBe(400)
  })
})

describe('block list', () => {
  it('blocks and unblocks a user; the block list and WhatsApp\'s side follow', async () => {
    const blocked = await post('/user/block', { Phone: PEER })
    expect(blocked.status).toBe(200)
    expect(blocked.body.data).toEqual({ Details: 'User blocked successfully', JID: `${PEER}@s.whatsapp.net` })
    expect((await get('/user/blocklist')).body.data).toEqual({ JIDs: [`${PEER}@s.whatsapp.net`] })
    expect(server.sandbox!.phone(ME).blocklist).toEqual([`${PEER}@s.whatsapp.net`])
    const unblocked = await post('/user/unblock', { Phone: `${PEER}@s.whatsapp.net` })
    expect(unblocked.body.data).toEqual({ Details: 'User unblocked successfully', JID: `${PEER}@s.whatsapp.net` })
    expect((await get('/user/blocklist')).body.data).toEqual({ JIDs: [] })
  })

  it('refuses a missing or group Phone', async () => {
    expect((await post('/user/block', {})).body).toMatchObject({ code: 400, error: 'missing Phone in Payload' })
    expect((await post('/user/unblock', { Phone: '120363012345678901@g.us' })).body.error).toMatch(/name a user/)
  })
})

describe('privacy', () => {
  it('reads the settings and changes one, by WhatsApp\'s or whatsmeow\'s name', async () => {
    const before = await get('/user/privacy')
    expect(before.status).toBe(200)
    expect(before.body.data).toEqual({ GroupAdd: 'all', LastSeen: 'all', Status: 'all', Profile: 'all', ReadReceipts: 'all', Online: 'all', CallAdd: 'all', Messages: 'all' })
    const set = await post('/user/privacy', { Name: 'last', Value: 'contacts' })
    expect(set.status).toBe(200)
    expect(set.body.data.LastSeen).toBe('contacts')
    expect((await post('/user/privacy', { name: 'ReadReceipts', value: 'none' })).body.data.ReadReceipts).toBe('none')
    expect((await get('/user/privacy')).body.data).toMatchObject({ LastSeen: 'contacts', ReadReceipts: 'none', Profile: 'all' })
  })

  it('refuses an unknown setting or value, naming what is allowed', async () => {
    expect((await post('/user/privacy', { Name: 'shoesize', Value: 'all' })).body.error).toMatch(/^invalid Name "shoesize": use one of readreceipts, last/)
    expect((await post('/user/privacy', { Name: 'online', Value: 'contacts' })).body.error).toBe('invalid Value "contacts" for online: use one of all, match_last_seen')
    expect((await post('/user/privacy', { Value: 'all' })).body.error).toBe('missing Name in Payload')
  })
})

describe('presence', () => {
  it('subscribes to a user\'s presence: WhatsApp records the subscription', async () => {
    const sub = await post('/user/presence/subscribe', { Phone: PEER })
    expect(sub.status).toBe(200)
    expect(sub.body.data).toEqual({ Details: 'Subscribed to presence updates', JID: `${PEER}@s.whatsapp.net` })
    await until(async () => server.sandbox!.core.presenceSubs.get(PEER)?.has(ME) === true)
    expect((await post('/user/presence/subscribe', {})).body.error).toBe('missing Phone in Payload')
  })

  it('sets our presence: a phone subscribed to us sees available, then unavailable', async () => {
    const subs = server.sandbox!.core.presenceSubs
    subs.set(ME, new Set([...subs.get(ME) ?? [], PEER]))
    const res = await post('/user/presence', { type: 'available' })
    expect(res.status).toBe(200)
    expect(res.body.data).toEqual({ Details: 'Presence set successfuly' })
    await peer.waitForSignal(s => s.kind === 'presence' && s.from === `${ME}@s.whatsapp.net` && s.state === 'available')
    expect((await post('/user/presence', { Type: 'unavailable' })).status).toBe(200)
    await peer.waitForSignal(s => s.kind === 'presence' && s.from === `${ME}@s.whatsapp.net` && s.state === 'unavailable')
    const bad = await post('/user/presence', { type: 'sleepy' })
    expect(bad.body).toMatchObject({ code: 400, error: 'invalid type "sleepy": use available or unavailable' })
  })
})

describe('POST /sandbox/phones: a virtual phone\'s profile', () => {
  it('sets the about text and the picture others read with /user/info and /user/avatar', async () => {
    const jpeg = await sharp({ create: { width: 16, height: 16, channels: 3, background: '#884411' } }).jpeg().toBuffer()
    const res = await server.api('POST', '/sandbox/phones', { admin: true, json: { Phone: '5491100009004', PushName: 'Dora', About: 'At the gym', Picture: `data:image/jpeg;base64,${jpeg.toString('base64')}` } })
    expect(res.body.data).toMatchObject({ Phone: '5491100009004', PushName: 'Dora', About: 'At the gym', HasPicture: true })
    const info = (await post('/user/info', { Phone: ['5491100009004'] })).body.data.Users['5491100009004@s.whatsapp.net']
    expect(info).toMatchObject({ Status: 'At the gym', PictureID: expect.stringMatching(/^\d+$/) })
    const cleared = await server.api('POST', '/sandbox/phones', { admin: true, json: { Phone: '5491100009004', About: '', Picture: '' } })
    expect(cleared.body.data).toMatchObject({ About: '', HasPicture: false })
    expect((await post('/user/avatar', { Phone: '5491100009004' })).status).toBe(404)
  })

  it('refuses a picture that is not a JPEG data URL', async () => {
    const png = await sharp({ create: { width: 4, height: 4, channels: 3, background: '#fff' } }).png().toBuffer()
    const res = await server.api('POST', '/sandbox/phones', { admin: true, json: { Phone: '5491100009005', Picture: `data:image/png;base64,${png.toString('base64')}` } })
    expect(res.body).toMatchObject({ code: 400, error: 'invalid Picture: the image must be in JPEG format' })
    expect((await server.api('POST', '/sandbox/phones', { admin: true, json: { Phone: '5491100009005', Picture: 'hello' } })).body.error).toMatch(/^invalid Picture: must be a data URL/)
  })
})
