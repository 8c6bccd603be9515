import { proto, type WAMessage } from '@whiskeysockets/baileys'
import { sentChatMessage, toChatMessage } from '../../src/whatsapp/chat-message.js'

const OWN = '5491100009001:7@s.whatsapp.net'
const PEER = '5491100009002@s.whatsapp.net'

/** A WAMessage as Baileys builds it; the key's `*Alt` JIDs are not proto fields, Baileys adds them after decoding. */
function wa (fields: Record<string, unknown>, alt: { remoteJidAlt?: string, participantAlt?: string } = {}): WAMessage {
  const m = proto.WebMessageInfo.fromObject(fields) as WAMessage
  Object.assign(m.key, alt)
  return m
}

describe('toChatMessage', () => {
  it('reads a text from a peer, with a Long timestamp as history sync gives it', () => {
    const m = wa({ key: { remoteJid: PEER, fromMe: false, id: 'A1' }, messageTimestamp: 1_700_000_000, pushName: 'Bob', message: { conversation: 'hi' } })
    expect(typeof m.messageTimestamp).toBe('object')
    expect(toChatMessage(m, OWN)).toEqual({
      id: 'A1',
      chat: PEER,
      sender: PEER,
      fromMe: false,
      timestamp: 1_700_000_000,
      pushName: 'Bob',
      type: 'text',
      text: 'hi',
      media: undefined,
      quotedId: '',
      targetId: '',
      secret: undefined,
      message: { conversation: 'hi' }
    })
  })

  it('names the chat by the phone JID when WhatsApp addresses it by LID, and a group message by its member', () => {
    const lid = wa({ key: { remoteJid: '123456789012345@lid', fromMe: false, id: 'A2' }, messageTimestamp: 5, message: { conversation: 'x' } }, { remoteJidAlt: PEER })
    expect(toChatMessage(lid, OWN)).toMatchObject({ chat: PEER, sender: PEER })
    const group = wa({ key: { remoteJid: '120363000000000001@g.us', participant: '99887766554433@lid', fromMe: false, id: 'A3' }, messageTimestamp: 5, message: { conversation: 'x' } }, { participantAlt: PEER })
    expect(toChatMessage(group, OWN)).toMatchObject({ chat: '120363000000000001@g.us', sender: PEER })
  })

  it('gives our own messages our JID as the sender', () => {
    const m = wa({ key: { remoteJid: PEER, fromMe: true, id: 'A4' }, messageTimestamp: 5, status: 2, message: { extendedTextMessage: { text: 'from my phone' } } })
    expect(toChatMessage(m, OWN)).toMatchObject({ fromMe: true, sender: '5491100009001@s.whatsapp.net', text: 'from my phone' })
  })

  it('reads replies, media in wrappers, reactions, edits, revokes and a poll\'s secret', () => {
    const reply = wa({ key: { remoteJid: PEER, id: 'B1' }, messageTimestamp: 5, message: { extendedTextMessage: { text: 'yes', contextInfo: { stanzaId: 'A1', participant: PEER } } } })
    expect(toChatMessage(reply, OWN)).toMatchObject({ type: 'text', text: 'yes', quotedId: 'A1' })

    const image = wa({
      key: { remoteJid: PEER, id: 'B2' },
      messageTimestamp: 5,
      message: { viewOnceMessage: { message: { imageMessage: { caption: 'look', mimetype: 'image/jpeg', url: 'https://mmg/x', directPath: '/x', fileLength: 1234 } } } }
    })
    expect(toChatMessage(image, OWN)).toMatchObject({ type: 'image', text: 'look', media: { kind: 'image', mimetype: 'image/jpeg', url: 'https://mmg/x', directPath: '/x', fileLength: 1234, fileName: '' } })

    const doc = wa({ key: { remoteJid: PEER, id: 'B3' }, messageTimestamp: 5, message: { documentWithCaptionMessage: { message: { documentMessage: { fileName: 'a.pdf', caption: 'the file', mimetype: 'application/pdf' } } } } })
    expect(toChatMessage(doc, OWN)).toMatchObject({ type: 'document', text: 'the file', media: { fileName: 'a.pdf' } })

    const reaction = wa({ key: { remoteJid: PEER, id: 'B4' }, messageTimestamp: 5, message: { reactionMessage: { key: { remoteJid: PEER, fromMe: true, id: 'A4' }, text: '👍' } } })
    expect(toChatMessage(reaction, OWN)).toMatchObject({ type: 'reaction', text: '👍', targetId: 'A4' })

    const edit = wa({ key: { remoteJid: PEER, id: 'B5' }, messageTimestamp: 5, message: { protocolMessage: { type: 14, key: { id: 'A1' }, editedMessage: { conversation: 'hi!' } } } })
    expect(toChatMessage(edit, OWN)).toMatchObject({ type: 'edit', text: 'hi!', targetId: 'A1' })

    const revoke = wa({ key: { remoteJid: PEER, id: 'B6' }, messageTimestamp: 5, message: { protocolMessage: { type: 0, key: { id: 'A1' } } } })
    expect(toChatMessage(revoke, OWN)).toMatchObject({ type: 'delete', targetId: 'A1' })

    const secret = Buffer.alloc(32, 9)
    const poll = wa({ key: { remoteJid: PEER, id: 'B7' }, messageTimestamp: 5, message: { pollCreationMessageV3: { name: 'lunch?', options: [{ optionName: 'yes' }, { optionName: 'no' }], selectableOptionsCount: 1 }, messageContextInfo: { messageSecret: secret } } })
    expect(toChatMessage(poll, OWN)).toMatchObject({ type: 'poll', text: 'lunch?', secret: secret.toString('base64') })
  })

  it('leaves out what is not a chat message: WhatsApp\'s housekeeping, stubs, keys without an id', () => {
    const keyShare = wa({ key: { remoteJid: OWN, fromMe: true, id: 'C1' }, messageTimestamp: 5, message: { protocolMessage: { type: 6, appStateSyncKeyShare: { keys: [] } } } })
    expect(toChatMessage(keyShare, OWN)).toBeUndefined()
    expect(toChatMessage(wa({ key: { remoteJid: PEER, id: 'C2' }, messageTimestamp: 5, messageStubType: 2 }), OWN)).toBeUndefined()
    expect(toChatMessage(wa({ key: { remoteJid: PEER }, messageTimestamp: 5, message: { conversation: 'x' } }), OWN)).toBeUndefined()
    const onlyKeys = wa({ key: { remoteJid: PEER, id: 'C3' }, messageTimestamp: 5, message: { senderKeyDistributionMessage: { groupId: 'g' }, messageContextInfo: {} } })
    expect(toChatMessage(onlyKeys, OWN)).toBeUndefined()
  })
})

describe('sentChatMessage', () => {
  it('turns a send receipt into a message of ours', () => {
    expect(sentChatMessage(PEER, OWN, { id: 'S1', timestamp: 42, message: { extendedTextMessage: { text: 'sent' } } })).toMatchObject({
      id: 'S1', chat: PEER, sender: '5491100009001@s.whatsapp.net', fromMe: true, timestamp: 42, type: 'text', text: 'sent'
    })
    expect(sentChatMessage(PEER, OWN, { id: 'S2', timestamp: 42, message: null })).toBeUndefined()
  })
})
