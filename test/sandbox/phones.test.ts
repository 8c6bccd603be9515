import { downloadMediaMessage, getContentType, normalizeMessageContent, proto } from '@whiskeysockets/baileys'
import type { WAMessage } from '@whiskeysockets/baileys'
import { Sandbox } from '../../src/sandbox/index.js'
import type { VirtualPhone } from '../../src/sandbox/index.js'
import { Inbox, pairClient, quietLibsignal } from '../../src/sandbox/testing.js'
import type { PairedClient } from '../../src/sandbox/testing.js'

describe('virtual phone <-> Baileys session', () => {
  let sb: Sandbox
  let client: PairedClient
  let phone: VirtualPhone
  const inbox = new Inbox()
  const restore = [quietLibsignal()]
  const contentOf = (m: WAMessage) => normalizeMessageContent(m.message)
  const byId = (id: string) => (m: WAMessage) => m.key.id === id

  beforeAll(async () => {
    sb = await Sandbox.start()
    phone = sb.createPhone('5511888880001', 'Alice')
    client = await pairClient(sb, '5511999990001', { onSocket: s => inbox.attach(s) })
  })

  afterAll(async () => {
    await client.end()
    await sb.stop()
    restore.forEach(r => r())
  })

  it('receives a text from a phone, with pushName and LID alt', async () => {
    const id = await phone.sendText(client.jid, 'hello from phone')
    const m = await inbox.waitForMessage(byId(id))
    expect(m.key.remoteJid).toBe(phone.jid)
    expect(m.key.remoteJidAlt).toBe(phone.lid)
    expect(m.key.fromMe).toBe(false)
    expect(m.pushName).toBe('Alice')
    expect(contentOf(m)?.extendedTextMessage?.text).toBe('hello from phone')
  })

  it('receives a reply with contextInfo', async () => {
    const id = await phone.sendText(client.jid, 'a reply', {
      quoted: { id: 'QUOTED1', participant: client.jid, message: { conversation: 'original' } }
    })
    const m = await inbox.waitForMessage(byId(id))
    const ctx = contentOf(m)?.extendedTextMessage?.contextInfo
    expect(ctx?.stanzaId).toBe('QUOTED1')
    expect(ctx?.quotedMessage?.conversation).toBe('original')
  })

  it.each([
    ['image', { image: Buffer.alloc(2048, 1), caption: 'pic', jpegThumbnail: '' }, 'imageMessage'],
    ['video', { video: Buffer.alloc(4096, 2), caption: 'vid', jpegThumbnail: '' }, 'videoMessage'],
    ['audio', { audio: Buffer.alloc(3000, 3), mimetype: 'audio/ogg; codecs=opus', ptt: true, seconds: 3 }, 'audioMessage'],
    ['document', { document: Buffer.alloc(5000, 4), mimetype: 'application/pdf', fileName: 'x.pdf' }, 'documentMessage'],
    ['sticker', { sticker: Buffer.alloc(1500, 5) }, 'stickerMessage']
  ] as const)('receives %s media and downloads the same bytes', async (_n, content, key) => {
    const id = await phone.sendMessage(client.jid, content as never)
    const m = await inbox.waitForMessage(byId(id))
    expect(getContentType(contentOf(m))).toBe(key)
    const bytes = (await downloadMediaMessage(m, 'buffer', sb.downloadOptions())) as Buffer
    const media = (content as Record<string, unknown>)[_n] as Buffer
    expect(bytes.equals(media)).toBe(true)
  })

  it('receives location, contact, reaction, edit and revoke', async () => {
    const loc = await phone.sendMessage(client.jid, { location: { degreesLatitude: -23.5, degreesLongitude: -46.6, name: 'SP' } })
    const vcard = 'BEGIN:VCARD\nVERSION:3.0\nFN:Bob\nTEL;waid=5511777:+55 11 777\nEND:VCARD'
    const contact = await phone.sendMessage(client.jid, { contacts: { displayName: 'Bob', contacts: [{ vcard }] } })
    const target = await phone.sendText(client.jid, 'to be edited')
    await inbox.waitForMessage(byId(target))
    const key = { remoteJid: client.jid, fromMe: true, id: target }
    await phone.sendMessage(client.jid, { react: { text: '👍', key } })
    await phone.sendMessage(client.jid, { text: 'edited!', edit: key })
    await phone.sendMessage(client.jid, { delete: key })
    expect(contentOf(await inbox.waitForMessage(byId(loc)))?.locationMessage?.degreesLatitude).toBe(-23.5)
    expect(contentOf(await inbox.waitForMessage(byId(contact)))?.contactMessage?.vcard).toBe(vcard)
    await inbox.waitFor(() => (inbox.events['messages.reaction'] ?? []).flat().find(r => r.reaction.text === '👍'), 5000, 'reaction')
    await inbox.waitFor(
      () => (inbox.events['messages.update'] ?? []).flat().find(u => u.key.id === target && u.update.message?.editedMessage),
      5000,
      'edit'
    )
    await inbox.waitFor(
      () =>
        (inbox.events['messages.update'] ?? []).flat().find(u => u.key.id === target && u.update.messageStubType === proto.WebMessageInfo.StubType.REVOKE),
      5000,
      'revoke'
    )
  })

  it('decrypts what the session sends (pkmsg) and delivers receipts both ways', async () => {
    const sent = await client.sock.sendMessage(phone.jid, { text: 'hi phone' })
    const got = await phone.waitForMessage(m => m.id === sent?.key.id)
    expect(got.encType).toBe('pkmsg')
    expect(got.from).toBe(client.jid)
    expect(got.message?.extendedTextMessage?.text).toBe('hi phone')
    const second = await client.sock.sendMessage(phone.jid, { text: 'again' })
    const got2 = await phone.waitForMessage(m => m.id === second?.key.id)
    expect(got2.message?.extendedTextMessage?.text).toBe('again')
    phone.sendReceipt(client.jid, [second!.key.id!], 'read')
    await inbox.waitFor(
      () =>
        (inbox.events['messages.update'] ?? []).flat().find(u => u.key.id === second?.key.id && u.update.status === 4) ||
        inbox.messages().find(m => m.key.id === second?.key.id && m.status === 4),
      5000,
      'read receipt'
    )
    const inbound = await phone.sendText(client.jid, 'read me')
    const m = await inbox.waitForMessage(byId(inbound))
    await client.sock.readMessages([m.key])
    const r = await phone.waitForReceipt(x => x.ids.includes(inbound) && x.type === 'read')
    expect(r.from).toBe(client.jid)
  })

  it('relays chat state both ways', async () => {
    await client.sock.sendPresenceUpdate('composing', phone.jid)
    await client.sock.sendPresenceUpdate('recording', phone.jid)
    await phone.waitForSignal(s => s.state === 'composing' && s.from === client.jid)
    await phone.waitForSignal(s => s.state === 'recording')
    phone.sendChatState(client.jid, 'composing')
    const p = await inbox.waitFor(
      () => (inbox.events['presence.update'] ?? []).find(u => u.id === phone.jid && u.presences[phone.jid]?.lastKnownPresence === 'composing'),
      5000,
      'presence'
    )
    expect(p.id).toBe(phone.jid)
  })
})
