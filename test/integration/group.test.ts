import { createServer, request, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import sharp from 'sharp'
import type { RouteDefinition } from '../../src/http/route.js'
import { groupRoutes } from '../../src/http/routes/group.js'
import type { VirtualPhone } from '../../src/sandbox/phones.js'
import { dataUrl } from '../helpers/media.js'
import { createUser, type TestServer } from '../helpers/server.js'
import { loginWithQr, startSandboxServer } from '../helpers/session.js'

const OWNER_PN = '5491100008100'
const MEMBER_PN = '5491100008101'
const PHONE_A = '5491100008102'
const PHONE_B = '5491100008103'
const NOBODY_PN = '5491100008199'

let server: TestServer
let owner: { id: string, token: string }
let member: { id: string, token: string }
let phoneA: VirtualPhone
let phoneB: VirtualPhone
let jpeg: Buffer
let png: Buffer
/** Serves the JPEG for the photo-by-URL case. */
let files: Server
let filesUrl: string

beforeAll(async () => {
  jpeg = await sharp({ create: { width: 900, height: 500, channels: 3, background: { r: 20, g: 120, b: 200 } } }).jpeg().toBuffer()
  png = await sharp({ create: { width: 50, height: 50, channels: 3, background: { r: 1, g: 2, b: 3 } } }).png().toBuffer()
  files = createServer((_req, res) => { res.writeHead(200, { 'content-type': 'image/jpeg' }).end(jpeg) })
  await new Promise<void>(resolve => files.listen(0, '127.0.0.1', resolve))
  filesUrl = `http://127.0.0.1:${(files.address() as AddressInfo).port}`
  // the first send to a group sets up a Signal session with every member: allow for a loaded machine
  server = await startSandboxServer({ ALLOW_PRIVATE_URLS: 'true', WA_QUERY_TIMEOUT_MS: '10000' })
  owner = await loginWithQr(server, OWNER_PN)
  member = await loginWithQr(server, MEMBER_PN)
  phoneA = server.sandbox!.createPhone(PHONE_A, 'Ana')
  phoneB = server.sandbox!.createPhone(PHONE_B, 'Beto')
})
afterAll(async () => {
  await server.stop()
  await new Promise(resolve => files.close(resolve))
})

type Res = Promise<{ status: number, body: any }>
const post = async (path: string, json: unknown, token = owner.token): Res => await server.api('POST', path, { token, json })
const get = async (path: string, token = owner.token): Res => await server.api('GET', path, { token })

/** A GET with a JSON body, as older wuzapi clients send `/group/info` (fetch refuses to send one). */
async function getWithBody (path: string, json: unknown, token = owner.token): Res {
  const payload = JSON.stringify(json)
  return await new Promise((resolve, reject) => {
    const req = request(`${server.url}${path}`, { method: 'GET', headers: { Token: token, 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload) } }, res => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => { resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString()) }) })
      res.on('error', reject)
    })
    req.on('error', reject)
    req.end(payload)
  })
}

/** The answer's data matches the route's documented response schema exactly. */
function expectDocumented (method: string, path: string, data: unknown): void {
  const route = (groupRoutes as RouteDefinition[]).find(r => r.path === path && r.method === method)
  const parsed = route!.response.safeParse(data)
  expect(parsed.error?.issues).toBeUndefined()
  expect(parsed.data).toEqual(data)
}

async function ok (res: { status: number, body: any }, method: string, path: string): Promise<any> {
  expect(res.body).toMatchObject({ code: 200, success: true })
  expect(res.status).toBe(200)
  expectDocumented(method, path, res.body.data)
  return res.body.data
}

function expectError (res: { status: number, body: any }, status: number, message: RegExp | string): void {
  expect(res.status).toBe(status)
  expect(res.body).toMatchObject({ code: status, success: false })
  if (typeof message === 'string') expect(res.body.error).toBe(message)
  else expect(res.body.error).toMatch(message)
}

async function info (jid: string, token = owner.token): Promise<any> {
  return await ok(await get(`/group/info?groupJID=${encodeURIComponent(jid)}`, token), 'GET', '/group/info')
}

const jidOf = (pn: string): string => `${pn}@s.whatsapp.net`
const member_ = (g: any, pn: string): any => g.Participants.find((p: any) => p.JID === jidOf(pn))

async function createGroup (name: string, participants = [PHONE_A, PHONE_B]): Promise<any> {
  return await ok(await post('/group/create', { name, participants }), 'POST', '/group/create')
}

describe('a group from creation to leaving', () => {
  let gid: string

  it('POST /group/create answers wuzapi\'s GroupInfo with the creator as super admin', async () => {
    const g = await createGroup('Team', [PHONE_A, `+${PHONE_B}`])
    gid = g.JID
    expect(gid).toMatch(/^\d+@g\.us$/)
    expect(g).toMatchObject({ Name: 'Team', OwnerJID: jidOf(OWNER_PN), OwnerPN: jidOf(OWNER_PN), IsAnnounce: false, IsLocked: false, ParticipantCount: 3, AddressingMode: 'pn', Topic: '' })
    expect(Date.parse(g.GroupCreated)).toBeGreaterThan(Date.now() - 60_000)
    expect(g.TopicSetAt).toBe('0001-01-01T00:00:00Z')
    expect(member_(g, OWNER_PN)).toMatchObject({ IsAdmin: true, IsSuperAdmin: true, PhoneNumber: jidOf(OWNER_PN), Error: 0, AddRequest: null })
    expect(member_(g, OWNER_PN).LID).toMatch(/^\d+@lid$/)
    expect(member_(g, PHONE_A)).toMatchObject({ IsAdmin: false, IsSuperAdmin: false, LID: phoneA.lid })
    expect(member_(g, PHONE_B)).toMatchObject({ PhoneNumber: phoneB.jid, LID: phoneB.lid })
  })

  it('its members (virtual phones) get what the user sends to it', async () => {
    const sent = await post('/chat/send/text', { Phone: gid, Body: 'welcome, team' })
    expect(sent.status).toBe(200)
    for (const phone of [phoneA, phoneB]) {
      const got = await phone.waitForMessage(m => m.id === sent.body.data.Id)
      expect(got.chat).toBe(gid)
      expect(got.message?.extendedTextMessage?.text ?? got.message?.conversation).toBe('welcome, team')
    }
  })

  it('GET /group/list lists it; GET /group/info takes groupJID as query or as a JSON body', async () => {
    const list = await ok(await get('/group/list'), 'GET', '/group/list')
    expect(list.Groups.map((g: any) => g.JID)).toContain(gid)
    expect((await info(gid)).Name).toBe('Team')
    const byBody = await ok(await getWithBody('/group/info', { groupjid: gid }), 'GET', '/group/info')
    expect(byBody.JID).toBe(gid)
    expectError(await getWithBody('/group/info', { GroupJID: 'nope' }), 400, /^invalid GroupJID "nope": /)
  })

  it('renames it and sets its topic', async () => {
    expect(await ok(await post('/group/name', { GroupJID: gid, Name: 'Team 2' }), 'POST', '/group/name')).toEqual({ Details: 'Group Name set successfully' })
    expect(await ok(await post('/group/topic', { groupjid: gid, topic: 'What we do' }), 'POST', '/group/topic')).toEqual({ Details: 'Group Topic set successfully' })
    const g = await info(gid)
    expect(g).toMatchObject({ Name: 'Team 2', NameSetBy: jidOf(OWNER_PN), Topic: 'What we do', TopicSetBy: jidOf(OWNER_PN) })
    expect(g.TopicID).not.toBe('')
  })

  it('a second user sees it through the invite link and joins with the whole link', async () => {
    const { InviteLink } = await ok(await get(`/group/invitelink?groupJID=${gid}`), 'GET', '/group/invitelink')
    expect(InviteLink).toMatch(/^https:\/\/chat\.whatsapp\.com\/[\w-]+$/)
    const preview = await ok(await post('/group/inviteinfo', { Code: InviteLink }, member.token), 'POST', '/group/inviteinfo')
    expect(preview).toMatchObject({ JID: gid, Name: 'Team 2' })
    const joined = await ok(await post('/group/join', { Code: InviteLink }, member.token), 'POST', '/group/join')
    expect(joined).toEqual({ Details: 'Group joined successfully', JID: gid, Pending: false })
    expect(member_(await info(gid, member.token), MEMBER_PN)).toMatchObject({ IsAdmin: false })
  })

  it('a reset link replaces the old one: the old code is refused as reset, an unknown one as unknown', async () => {
    const before = (await get(`/group/invitelink?groupJID=${gid}`)).body.data.InviteLink
    const after = await ok(await get(`/group/invitelink?groupJID=${gid}&reset=true`), 'GET', '/group/invitelink')
    expect(after.InviteLink).not.toBe(before)
    expectError(await post('/group/inviteinfo', { Code: before }, member.token), 410, /invite link was reset/)
    expectError(await post('/group/join', { Code: before.split('/').pop() }, member.token), 410, /invite link was reset/)
    expectError(await post('/group/inviteinfo', { Code: 'AAAAAAAAAAAAAAAAAAAAAA' }, member.token), 404, /does not know this invite code/)
  })

  it('promotes, demotes, removes and adds participants, with each one\'s result', async () => {
    const promoted = await ok(await post('/group/updateparticipants', { GroupJID: gid, Phone: [MEMBER_PN], Action: 'promote' }), 'POST', '/group/updateparticipants')
    expect(promoted).toEqual({ Details: 'Group Participants updated successfully', Participants: [{ JID: jidOf(MEMBER_PN), Success: true, Error: 0 }] })
    expect(member_(await info(gid), MEMBER_PN)).toMatchObject({ IsAdmin: true, IsSuperAdmin: false })
    const removed = await ok(await post('/group/updateparticipants', { GroupJID: gid, Phone: [PHONE_B], Action: 'remove' }), 'POST', '/group/updateparticipants')
    expect(removed.Participants).toEqual([{ JID: jidOf(PHONE_B), Success: true, Error: 0 }])
    expect(member_(await info(gid), PHONE_B)).toBeUndefined()
    const added = await ok(await post('/group/updateparticipants', { GroupJID: gid, Phone: [PHONE_B, PHONE_A, NOBODY_PN], Action: 'add' }), 'POST', '/group/updateparticipants')
    expect(added.Participants).toEqual([
      { JID: jidOf(PHONE_B), Success: true, Error: 0 },
      { JID: jidOf(PHONE_A), Success: false, Error: 409 },
      { JID: jidOf(NOBODY_PN), Success: false, Error: 404 }
    ])
    expect((await info(gid)).ParticipantCount).toBe(4)
  })

  it('toggles announce and locked; a member who is not an admin cannot change them, nor the name of a locked group', async () => {
    expect(await ok(await post('/group/announce', { GroupJID: gid, Announce: true }), 'POST', '/group/announce')).toEqual({ Details: 'Group Announce set successfully' })
    expect(await ok(await post('/group/locked', { groupjid: gid, locked: true }), 'POST', '/group/locked')).toEqual({ Details: 'Group Locked setting updated successfully' })
    expect(await info(gid)).toMatchObject({ IsAnnounce: true, IsLocked: true })
    await ok(await post('/group/updateparticipants', { GroupJID: gid, Phone: [MEMBER_PN], Action: 'demote' }), 'POST', '/group/updateparticipants')
    expectError(await post('/group/name', { GroupJID: gid, Name: 'Mine now' }, member.token), 403, `only an admin of group ${gid} can do that (WhatsApp: not-authorized)`)
    expectError(await post('/group/announce', { GroupJID: gid, Announce: false }, member.token), 403, /only an admin/)
    expectError(await get(`/group/invitelink?groupJID=${gid}`, member.token), 403, /only an admin/)
    await ok(await post('/group/locked', { GroupJID: gid, Locked: false }), 'POST', '/group/locked')
    // unlocked: any member edits the group's info again
    await ok(await post('/group/topic', { GroupJID: gid, Topic: 'set by a member' }, member.token), 'POST', '/group/topic')
    expect(await info(gid)).toMatchObject({ IsAnnounce: true, IsLocked: false, Topic: 'set by a member', TopicSetBy: jidOf(MEMBER_PN) })
  })

  it('sets disappearing messages (24h, 7d, 90d, off)', async () => {
    expect(await ok(await post('/group/ephemeral', { groupjid: gid, duration: '7d' }), 'POST', '/group/ephemeral')).toEqual({ Details: 'Disappearing timer set successfully' })
    expect(await info(gid)).toMatchObject({ IsEphemeral: true, DisappearingTimer: 604_800 })
    await ok(await post('/group/ephemeral', { GroupJID: gid, Duration: 'off' }), 'POST', '/group/ephemeral')
    expect(await info(gid)).toMatchObject({ IsEphemeral: false, DisappearingTimer: 0 })
    expectError(await post('/group/ephemeral', { GroupJID: gid, Duration: '1y' }), 400, 'invalid Duration: use 24h, 7d, 90d or off')
  })

  it('sets the photo from a JPEG data URL (stored as a 640x640 JPEG) and removes it', async () => {
    const set = await ok(await post('/group/photo', { GroupJID: gid, Image: dataUrl('image/jpeg', jpeg) }), 'POST', '/group/photo')
    expect(set.Details).toBe('Group Photo set successfully')
    expect(set.PictureID).not.toBe('')
    const stored = server.sandbox!.core.world.groups[gid]!.picture!
    expect(stored.id).toBe(set.PictureID)
    expect(await sharp(stored.data).metadata()).toMatchObject({ format: 'jpeg', width: 640, height: 640 })
    expect(await ok(await post('/group/photo/remove', { groupjid: gid }), 'POST', '/group/photo/remove')).toEqual({ Details: 'Group Photo removed successfully' })
    expect(server.sandbox!.core.world.groups[gid]!.picture).toBeUndefined()
  })

  it('sets the photo from an http(s) URL', async () => {
    const set = await ok(await post('/group/photo', { GroupJID: gid, Image: `${filesUrl}/photo.jpg` }), 'POST', '/group/photo')
    expect(set.PictureID).toBe(server.sandbox!.core.world.groups[gid]!.picture!.id)
    expect(await sharp(server.sandbox!.core.world.groups[gid]!.picture!.data).metadata()).toMatchObject({ format: 'jpeg', width: 640, height: 640 })
  })

  it('sets the photo from a multipart upload', async () => {
    const form = new FormData()
    form.append('GroupJID', gid)
    form.append('file', new Blob([jpeg], { type: 'image/jpeg' }), 'photo.jpg')
    const res = await fetch(`${server.url}/group/photo`, { method: 'POST', headers: { Token: owner.token }, body: form })
    const body = await res.json() as any
    expect(res.status).toBe(200)
    expect(body.data.PictureID).toBe(server.sandbox!.core.world.groups[gid]!.picture!.id)
  })

  it('with join approval on, a join by link waits until an admin approves it', async () => {
    await ok(await post('/group/leave', { GroupJID: gid }, member.token), 'POST', '/group/leave')
    expect(member_(await info(gid), MEMBER_PN)).toBeUndefined()
    expect(await ok(await post('/group/joinapprovalmode', { groupjid: gid, mode: true }), 'POST', '/group/joinapprovalmode')).toEqual({ Details: 'Group join approval mode updated successfully' })
    expect((await info(gid)).IsJoinApprovalRequired).toBe(true)
    const link = (await get(`/group/invitelink?groupJID=${gid}`)).body.data.InviteLink
    const asked = await ok(await post('/group/join', { Code: link }, member.token), 'POST', '/group/join')
    expect(asked).toEqual({ Details: 'Join request sent: a group admin must approve it', JID: gid, Pending: true })
    expect(member_(await info(gid), MEMBER_PN)).toBeUndefined()
    const requests = await ok(await get(`/group/requestparticipants?groupJID=${gid}`), 'GET', '/group/requestparticipants')
    expect(requests).toEqual([{ JID: jidOf(MEMBER_PN), RequestedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/) }])
    const approved = await ok(await post('/group/updaterequestparticipants', { GroupJID: gid, Phone: [MEMBER_PN, PHONE_B], Action: 'approve' }), 'POST', '/group/updaterequestparticipants')
    expect(approved).toEqual({
      Details: 'Group request participants updated successfully',
      Participants: [{ JID: jidOf(MEMBER_PN), Success: true, Error: 0 }, { JID: jidOf(PHONE_B), Success: false, Error: 404 }]
    })
    expect(member_(await info(gid), MEMBER_PN)).toBeDefined()
    expect(await ok(await get(`/group/requestparticipants?groupJID=${gid}`), 'GET', '/group/requestparticipants')).toEqual([])
  })

  it('a rejected request leaves the asker out', async () => {
    await ok(await post('/group/leave', { GroupJID: gid }, member.token), 'POST', '/group/leave')
    const link = (await get(`/group/invitelink?groupJID=${gid}`)).body.data.InviteLink
    await ok(await post('/group/join', { Code: link.split('/').pop() }, member.token), 'POST', '/group/join')
    await ok(await post('/group/updaterequestparticipants', { GroupJID: gid, Phone: [MEMBER_PN], Action: 'reject' }), 'POST', '/group/updaterequestparticipants')
    expect(member_(await info(gid), MEMBER_PN)).toBeUndefined()
    expect((await ok(await get('/group/list', member.token), 'GET', '/group/list')).Groups.map((g: any) => g.JID)).not.toContain(gid)
    await ok(await post('/group/joinapprovalmode', { GroupJID: gid, Mode: 'off' }), 'POST', '/group/joinapprovalmode')
    expect((await info(gid)).IsJoinApprovalRequired).toBe(false)
  })

  it('a user who is not in the group is told so', async () => {
    expectError(await get(`/group/info?groupJID=${gid}`, member.token), 403, new RegExp(`not a participant of group ${gid}`))
    expectError(await post('/group/name', { GroupJID: gid, Name: 'x' }, member.token), 403, /not a participant/)
  })
})

describe('bad input', () => {
  let gid: string
  beforeAll(async () => { gid = (await createGroup('Bad input')).JID })

  it.each([
    ['GET', '/group/info', undefined, 400, 'missing groupJID parameter'],
    ['GET', '/group/info?groupJID=abc@s.whatsapp.net', undefined, 400, /^invalid groupJID "abc@s.whatsapp.net": /],
    ['GET', `/group/info?groupJID=${PHONE_A}`, undefined, 400, /a group JID ends in @g\.us/],
    ['GET', '/group/invitelink?groupJID=120363000000000001@g.us&reset=maybe', undefined, 400, 'invalid reset: must be true or false'],
    ['GET', '/group/requestparticipants', undefined, 400, 'missing groupJID parameter'],
    ['POST', '/group/create', { Name: '', Participants: [PHONE_A] }, 400, 'missing Name in Payload'],
    ['POST', '/group/create', { Name: 'x' }, 400, 'missing Participants in Payload'],
    ['POST', '/group/create', { Name: 'x', Participants: ['12'] }, 400, /^invalid Participants\[0\] "12": /],
    ['POST', '/group/create', { Name: 'x'.repeat(101), Participants: [PHONE_A] }, 400, 'invalid Name: must be at most 100 characters'],
    ['POST', '/group/updateparticipants', { GroupJID: 'GID', Phone: [PHONE_A], Action: 'ban' }, 400, 'invalid Action in Payload: use one of add, remove, promote, demote'],
    ['POST', '/group/updateparticipants', { GroupJID: 'GID', Phone: [], Action: 'add' }, 400, 'missing Phone in Payload'],
    ['POST', '/group/updateparticipants', { GroupJID: '', Phone: [PHONE_A], Action: 'add' }, 400, 'missing GroupJID in Payload'],
    ['POST', '/group/updaterequestparticipants', { GroupJID: 'GID', Phone: [PHONE_A], Action: 'add' }, 400, 'invalid Action in Payload (must be approve or reject)'],
    ['POST', '/group/name', { GroupJID: 'GID', Name: '' }, 400, 'missing Name in Payload'],
    ['POST', '/group/topic', { GroupJID: 'GID' }, 400, 'missing Topic in Payload'],
    ['POST', '/group/announce', { GroupJID: 'GID', Announce: 'yes' }, 400, /^invalid Announce: /],
    ['POST', '/group/joinapprovalmode', { GroupJID: 'GID', Mode: 'maybe' }, 400, 'invalid Mode: must be true or false (or "on"/"off")'],
    ['POST', '/group/joinapprovalmode', { GroupJID: 'GID', Mode: 1 }, 400, 'invalid Mode: must be true or false (or "on"/"off")'],
    ['POST', '/group/joinapprovalmode', { GroupJID: 'GID' }, 400, 'missing Mode in Payload'],
    ['POST', '/group/join', { Code: '' }, 400, 'missing Code in Payload'],
    ['POST', '/group/join', { Code: 'https://example.com/not a code' }, 400, /^invalid Code: send the invite code or the whole link/],
    ['POST', '/group/photo', { GroupJID: 'GID' }, 400, 'missing Image in Payload'],
    ['POST', '/group/photo', { GroupJID: 'GID', Image: 'PNG' }, 400, /^image must be in JPEG format\. WhatsApp only accepts JPEG images for group photos \(Image is image\/png\)$/],
    ['POST', '/group/photo', { GroupJID: 'GID', Image: 'not an image' }, 400, /^invalid Image: send a data URL/]
  ] as Array<[string, string, unknown, number, string | RegExp]>)('%s %s %j: %i', async (method, path, json, status, message) => {
    const body = json === undefined
      ? undefined
      : JSON.parse(JSON.stringify(json).replaceAll('"GID"', JSON.stringify(gid)).replaceAll('"PNG"', JSON.stringify(dataUrl('image/png', png))))
    expectError(await server.api(method, path, { token: owner.token, json: body }), status, message)
  })

  it('an unknown group is a 404', async () => {
    expectError(await get('/group/info?groupJID=120363000000000001@g.us'), 404, /group 120363000000000001@g\.us not found/)
  })

  it('a user without a session gets 409 not connected', async () => {
    const idle = await createUser(server.api, { name: 'idle' })
    const res = await get('/group/list', idle.token)
    expect(res.status).toBe(409)
    expect(res.body).toMatchObject({ success: false, state: 'disconnected' })
  })
})
