import { downloadMediaMessage, getContentType, normalizeMessageContent } from '@whiskeysockets/baileys'
import type { BinaryNode, WAMessage } from '@whiskeysockets/baileys'
import { Sandbox } from '../../src/sandbox/index.js'
import type { VirtualPhone } from '../../src/sandbox/index.js'
import { Inbox, closeCode, pairClient, quietLibsignal, waitForUpdate } from '../../src/sandbox/testing.js'
import type { PairedClient } from '../../src/sandbox/testing.js'

describe('Baileys session <-> Baileys session', () => {
  let sb: Sandbox
  let a: PairedClient
  let b: PairedClient
  let carol: VirtualPhone
  const inA = new Inbox()
  const inB = new Inbox()
  const restore = [quietLibsignal()]
  const text = (m: WAMessage) => {
    const c = normalizeMessageContent(m.message)
    return c?.conversation ?? c?.extendedTextMessage?.text
  }

  beforeAll(async () => {
    sb = await Sandbox.start()
    carol = sb.createPhone('5511777770003', 'Carol')
    a = await pairClient(sb, '5511999990001', { onSocket: s => inA.attach(s) })
    b = await pairClient(sb, '5511999990002', { onSocket: s => inB.attach(s) })
  })

  afterAll(async () => {
    await a.end()
    await b.end()
    await sb.stop()
    restore.forEach(r => r())
  })

  it('delivered the first-login history sync as messaging-history.set', () => {
    const sets = inA.events['messaging-history.set'] ?? []
    expect(sets.length).toBeGreaterThan(0)
    expect(sets.flatMap(s => s.messages).some(m => text(m) === 'Welcome to the WhatsApp sandbox.')).toBe(true)
    expect(sets.flatMap(s => s.chats).length).toBeGreaterThan(0)
  })

  it('shares the phone\'s app-state sync key with a new companion, so app-state patches (archive) work', async () => {
    await inA.waitFor(() => a.auth.creds.myAppStateKeyId, 5000, 'the app-state key share')
    const id = await carol.sendText(a.jid, 'archive this chat')
    const got = await inA.waitForMessage(m => m.key.id === id)
    await a.sock.chatModify({ archive: true, lastMessages: [{ key: got.key, messageTimestamp: got.messageTimestamp }] }, carol.jid)
  })

  it('exchanges text both ways with real Signal sessions and server acks', async () => {
    const sent = await a.sock.sendMessage(b.jid, { text: 'hi B' })
    const got = await inB.waitForMessage(m => m.key.id === sent?.key.id)
    expect(text(got)).toBe('hi B')
    expect(got.key.remoteJid).toBe(a.jid)
    expect(got.messageStubType).toBeFalsy()
    const ack = b.sock.waitForMessage('REPLY1')
    await b.sock.sendMessage(a.jid, { text: 'hi A' }, { messageId: 'REPLY1' })
    expect(((await ack) as BinaryNode | undefined)?.attrs.t).toBeDefined()
    expect(text(await inA.waitForMessage(m => m.key.id === 'REPLY1'))).toBe('hi A')
    await inA.waitFor(
      () =>
        (inA.events['messages.update'] ?? []).flat().find(u => u.key.id === sent?.key.id && (u.update.status ?? 0) >= 3) ||
        inA.messages().find(m => m.key.id === sent?.key.id && (m.status ?? 0) >= 3),
      5000,
      'delivery receipt'
    )
  })

  it.each([
    ['image', { image: Buffer.alloc(3000, 9), caption: 'c', jpegThumbnail: '' }],
    ['video', { video: Buffer.alloc(5000, 8), jpegThumbnail: '' }],
    ['audio', { audio: Buffer.alloc(2000, 7), mimetype: 'audio/ogg; codecs=opus', seconds: 1 }],
    ['document', { document: Buffer.alloc(7000, 6), mimetype: 'application/pdf', fileName: 'f.pdf' }],
    ['sticker', { sticker: Buffer.alloc(900, 5) }]
  ] as const)('sends %s through the media host; the peer downloads the same bytes', async (kind, content) => {
    const sent = await a.sock.sendMessage(b.jid, content as never)
    const got = await inB.waitForMessage(m => m.key.id === sent?.key.id)
    expect(getContentType(normalizeMessageContent(got.message))).toBe(`${kind}Message`)
    const bytes = (await downloadMediaMessage(got, 'buffer', sb.downloadOptions())) as Buffer
    expect(bytes.equals((content as Record<string, unknown>)[kind] as Buffer)).toBe(true)
  })

  it('relays read receipts and chat state', async () => {
    const sent = await a.sock.sendMessage(b.jid, { text: 'read this' })
    const got = await inB.waitForMessage(m => m.key.id === sent?.key.id)
    await b.sock.readMessages([got.key])
    await inA.waitFor(
      () =>
        (inA.events['messages.update'] ?? []).flat().find(u => u.key.id === sent?.key.id && u.update.status === 4) ||
        inA.messages().find(m => m.key.id === sent?.key.id && m.status === 4),
      5000,
      'read receipt'
    )
    await b.sock.sendPresenceUpdate('recording', a.jid)
    await inA.waitFor(
      () => (inA.events['presence.update'] ?? []).find(p => p.presences[b.jid]?.lastKnownPresence === 'recording'),
      5000,
      'recording'
    )
  })

  it('queues messages for an offline device and delivers them at login', async () => {
    await b.sock.end(undefined)
    const m1 = await a.sock.sendMessage(b.jid, { text: 'while you were away 1' })
    const m2 = await a.sock.sendMessage(b.jid, { text: 'while you were away 2' })
    await carol.sendText(b.jid, 'from carol while away')
    await b.reconnect()
    await inB.waitForMessage(m => m.key.id === m1?.key.id)
    await inB.waitForMessage(m => m.key.id === m2?.key.id)
    await inB.waitForMessage(m => text(m) === 'from carol while away')
  })

  it('creates a group; every member gets messages (sender keys), the phone decrypts skmsg', async () => {
    const meta = await a.sock.groupCreate('Sandbox group', [b.jid, carol.jid])
    expect(meta.participants.map(p => p.id).sort()).toEqual([a.jid, b.jid, carol.jid].sort())
    await inB.waitFor(() => (inB.events['groups.upsert'] ?? []).flat().find(g => g.id === meta.id), 5000, 'groups.upsert')
    const sent = await a.sock.sendMessage(meta.id, { text: 'hello group' })
    const got = await inB.waitForMessage(m => m.key.id === sent?.key.id)
    expect(text(got)).toBe('hello group')
    expect(got.key.remoteJid).toBe(meta.id)
    const atCarol = await carol.waitForMessage(m => m.id === sent?.key.id)
    expect(atCarol.chat).toBe(meta.id)
    expect(atCarol.message?.conversation ?? atCarol.message?.extendedTextMessage?.text).toBe('hello group')
    const fromCarol = await carol.sendText(meta.id, 'carol in group')
    const inGroup = await inA.waitForMessage(m => m.key.id === fromCarol)
    expect(inGroup.key.participant).toBe(carol.jid)
    const reply = await b.sock.sendMessage(meta.id, { text: 'b in group' })
    expect(text(await inA.waitForMessage(m => m.key.id === reply?.key.id))).toBe('b in group')
  })

  it('manages group settings, participants and invites', async () => {
    const meta = await a.sock.groupCreate('Admin stuff', [carol.jid])
    await a.sock.groupUpdateSubject(meta.id, 'Renamed')
    await a.sock.groupUpdateDescription(meta.id, 'A description')
    await a.sock.groupSettingUpdate(meta.id, 'announcement')
    const res = await a.sock.groupParticipantsUpdate(meta.id, [b.jid], 'add')
    expect(res[0]?.status).toBe('200')
    await a.sock.groupParticipantsUpdate(meta.id, [b.jid], 'promote')
    const info = await a.sock.groupMetadata(meta.id)
    expect(info.subject).toBe('Renamed')
    expect(info.desc).toBe('A description')
    expect(info.announce).toBe(true)
    expect(info.participants.find(p => p.id === b.jid)?.admin).toBe('admin')
    await inB.waitFor(
      () => (inB.events['group-participants.update'] ?? []).find(u => u.id === meta.id && u.action === 'promote'),
      5000,
      'promote'
    )
    await b.sock.groupLeave(meta.id)
    const code = await a.sock.groupInviteCode(meta.id)
    expect(code).toBeTruthy()
    expect(await b.sock.groupAcceptInvite(code!)).toBe(meta.id)
    const all = await b.sock.groupFetchAllParticipating()
    expect(Object.keys(all)).toContain(meta.id)
  })

  it.each([
    ['restart', 515],
    ['replaced', 440],
    ['drop', 428],
    ['logout', 401]
  ] as const)('fault %s closes the socket with %i', async (kind, code) => {
    const closed = waitForUpdate(b.sock, u => u.connection === 'close')
    expect(sb.fault(b.jid, kind)).toBe(1)
    expect(closeCode(await closed)).toBe(code)
    if (kind !== 'logout') await b.reconnect()
  })
})
