import { proto } from '@whiskeysockets/baileys'
import { addressBook, goFieldName, goKeyJson, goMessageJson, goTime, goTimeSeconds, messageSource, stanzaSource } from '../../src/whatsapp/webhook-events/source.js'

const OWN_PN = '5491100009001@s.whatsapp.net'
const OWN_LID = '111111111111111@lid'
const PEER_PN = '5491100009002@s.whatsapp.net'
const PEER_LID = '222222222222222@lid'
const GROUP = '120363000000000001@g.us'

const book = addressBook('5491100009001:7@s.whatsapp.net', '111111111111111:7@lid', [[PEER_PN, PEER_LID]])
const empty = addressBook(OWN_PN, OWN_LID, [])

describe('goFieldName', () => {
  // every media, text and context field wuzapi's notes (§6.3) list, Baileys' spelling → whatsmeow's
  it.each([
    ['url', 'URL'], ['mimetype', 'mimetype'], ['caption', 'caption'], ['fileSha256', 'fileSHA256'], ['fileLength', 'fileLength'],
    ['height', 'height'], ['width', 'width'], ['mediaKey', 'mediaKey'], ['fileEncSha256', 'fileEncSHA256'], ['directPath', 'directPath'],
    ['mediaKeyTimestamp', 'mediaKeyTimestamp'], ['jpegThumbnail', 'JPEGThumbnail'], ['contextInfo', 'contextInfo'], ['viewOnce', 'viewOnce'],
    ['seconds', 'seconds'], ['ptt', 'PTT'], ['waveform', 'waveform'], ['gifPlayback', 'gifPlayback'], ['title', 'title'], ['pageCount', 'pageCount'],
    ['fileName', 'fileName'], ['isAnimated', 'isAnimated'], ['pngThumbnail', 'pngThumbnail'], ['degreesLatitude', 'degreesLatitude'],
    ['degreesLongitude', 'degreesLongitude'], ['name', 'name'], ['address', 'address'], ['displayName', 'displayName'], ['vcard', 'vcard'],
    ['text', 'text'], ['matchedText', 'matchedText'], ['description', 'description'], ['stanzaId', 'stanzaID'], ['participant', 'participant'],
    ['quotedMessage', 'quotedMessage'], ['remoteJid', 'remoteJID'], ['mentionedJid', 'mentionedJID'], ['isForwarded', 'isForwarded'],
    ['forwardingScore', 'forwardingScore'], ['expiration', 'expiration'], ['fromMe', 'fromMe'], ['id', 'ID'], ['groupingKey', 'groupingKey'],
    ['senderTimestampMs', 'senderTimestampMS'], ['type', 'type'], ['editedMessage', 'editedMessage'], ['selectedRowId', 'selectedRowID'],
    ['messageSecret', 'messageSecret'], ['destinationJid', 'destinationJID'], ['encIv', 'encIV'], ['encPayload', 'encPayload'],
    ['pollCreationMessageKey', 'pollCreationMessageKey'], ['stickerSentTs', 'stickerSentTS'], ['thumbnailSha256', 'thumbnailSHA256'],
    ['staticUrl', 'staticURL'], ['experimentGroupId', 'experimentGroupID'], ['pollCreationMessageV3', 'pollCreationMessageV3'],
    ['viewOnceMessageV2Extension', 'viewOnceMessageV2Extension'], ['faviconMmsMetadata', 'faviconMMSMetadata']
  ])('%s → %s', (baileys, go) => {
    expect(goFieldName(baileys)).toBe(go)
  })
})

describe('goMessageJson', () => {
  it('writes media in whatsmeow casing: bytes as base64, 64-bit integers as numbers, no Long or Buffer objects', () => {
    const sha = Buffer.alloc(32, 1)
    const enc = Buffer.alloc(32, 2)
    const key = Buffer.alloc(32, 3)
    const wire = proto.Message.encode({
      imageMessage: {
        url: 'https://mmg.whatsapp.net/x',
        mimetype: 'image/jpeg',
        caption: 'hi',
        fileSha256: sha,
        fileLength: 48211,
        height: 10,
        width: 20,
        mediaKey: key,
        fileEncSha256: enc,
        directPath: '/x',
        mediaKeyTimestamp: 1733250000,
        jpegThumbnail: Buffer.from([0xff, 0xd8]),
        contextInfo: { stanzaId: 'Q1', participant: PEER_PN, remoteJid: PEER_PN, mentionedJid: [PEER_PN], quotedMessage: { conversation: 'q' } }
      }
    }).finish()
    const json = goMessageJson(proto.Message.decode(wire))
    expect(json).toEqual({
      imageMessage: {
        URL: 'https://mmg.whatsapp.net/x',
        mimetype: 'image/jpeg',
        caption: 'hi',
        fileSHA256: sha.toString('base64'),
        fileLength: 48211,
        height: 10,
        width: 20,
        mediaKey: key.toString('base64'),
        fileEncSHA256: enc.toString('base64'),
        directPath: '/x',
        mediaKeyTimestamp: 1733250000,
        JPEGThumbnail: '/9g=',
        contextInfo: { stanzaID: 'Q1', participant: PEER_PN, remoteJID: PEER_PN, mentionedJID: [PEER_PN], quotedMessage: { conversation: 'q' } }
      }
    })
    expect(JSON.stringify(json)).not.toMatch(/"low"|"high"|"Buffer"/)
  })

  it('writes a voice note with PTT, a reaction\'s key and enums as numbers', () => {
    const m = proto.Message.decode(proto.Message.encode({
      audioMessage: { url: 'u', ptt: true, seconds: 3, fileLength: 9 },
      reactionMessage: { key: { remoteJid: PEER_PN, fromMe: true, id: 'R1' }, text: '👍', senderTimestampMs: 1_700_000_000_123 },
      protocolMessage: { type: proto.Message.ProtocolMessage.Type.MESSAGE_EDIT }
    }).finish())
    expect(goMessageJson(m)).toEqual({
      audioMessage: { URL: 'u', PTT: true, seconds: 3, fileLength: 9 },
      reactionMessage: { key: { remoteJID: PEER_PN, fromMe: true, ID: 'R1' }, text: '👍', senderTimestampMS: 1_700_000_000_123 },
      protocolMessage: { type: 14 }
    })
    expect(goKeyJson({ remoteJid: GROUP, fromMe: false, id: 'X', participant: PEER_LID })).toEqual({ remoteJID: GROUP, fromMe: false, ID: 'X', participant: PEER_LID })
    expect(goMessageJson(null)).toBeNull()
  })
})

describe('goTime', () => {
  it('formats like Go\'s time.Time JSON in UTC, with the zero time for none', () => {
    expect(goTimeSeconds(1_764_800_601)).toBe('2025-12-03T22:23:21Z')
    expect(goTime(1_764_800_601_120)).toBe('2025-12-03T22:23:21.12Z')
    expect(goTime(0)).toBe('0001-01-01T00:00:00Z')
  })
})

describe('messageSource', () => {
  it.each([
    ['a phone-addressed 1:1 message: the LID in SenderAlt (from the key)', { remoteJid: PEER_PN, remoteJidAlt: PEER_LID, fromMe: false, addressingMode: 'pn' }, empty,
      { Chat: PEER_PN, Sender: PEER_PN, IsFromMe: false, IsGroup: false, AddressingMode: '', SenderAlt: PEER_LID, RecipientAlt: '' }],
    ['a LID-addressed 1:1 message: the phone JID in SenderAlt (from the store)', { remoteJid: PEER_LID, fromMe: false, addressingMode: 'lid' }, book,
      { Chat: PEER_LID, Sender: PEER_LID, IsFromMe: false, IsGroup: false, AddressingMode: 'lid', SenderAlt: PEER_PN, RecipientAlt: '' }],
    ['our phone\'s message in a phone chat: us as the sender, the peer\'s LID in RecipientAlt (never our own alt from the key)', { remoteJid: PEER_PN, remoteJidAlt: OWN_LID, fromMe: true }, book,
      { Chat: PEER_PN, Sender: OWN_PN, IsFromMe: true, IsGroup: false, AddressingMode: '', SenderAlt: OWN_LID, RecipientAlt: PEER_LID }],
    ['our phone\'s message in a LID chat: our LID as the sender', { remoteJid: PEER_LID, fromMe: true }, book,
      { Chat: PEER_LID, Sender: OWN_LID, IsFromMe: true, IsGroup: false, AddressingMode: 'lid', SenderAlt: OWN_PN, RecipientAlt: PEER_PN }],
    ['a phone-addressed group: the member\'s number as Sender, LID in SenderAlt', { remoteJid: GROUP, participant: PEER_PN, participantAlt: PEER_LID, addressingMode: 'pn' }, empty,
      { Chat: GROUP, Sender: PEER_PN, IsFromMe: false, IsGroup: true, AddressingMode: 'pn', SenderAlt: PEER_LID, RecipientAlt: '' }],
    ['a LID-addressed group: the member\'s number in SenderAlt', { remoteJid: GROUP, participant: '222222222222222:3@lid', addressingMode: 'lid' }, book,
      { Chat: GROUP, Sender: PEER_LID, IsFromMe: false, IsGroup: true, AddressingMode: 'lid', SenderAlt: PEER_PN, RecipientAlt: '' }],
    ['an unknown LID keeps SenderAlt empty', { remoteJid: '999@lid', fromMe: false }, book,
      { Chat: '999@lid', Sender: '999@lid', IsFromMe: false, IsGroup: false, AddressingMode: 'lid', SenderAlt: '', RecipientAlt: '' }],
    ['a status update is a group-like chat', { remoteJid: 'status@broadcast', participant: PEER_PN }, book,
      { Chat: 'status@broadcast', Sender: PEER_PN, IsFromMe: false, IsGroup: true, AddressingMode: 'pn', SenderAlt: PEER_LID, RecipientAlt: '' }]
  ])('%s', (_, key, b, expected) => {
    expect(messageSource(key, b)).toEqual({ ...expected, BroadcastListOwner: '', BroadcastRecipients: null })
  })
})

describe('stanzaSource', () => {
  it('reads a receipt from a peer, our own device\'s read-self, and a group member', () => {
    expect(stanzaSource({ from: PEER_PN, sender_lid: PEER_LID }, empty)).toMatchObject({ Chat: PEER_PN, Sender: PEER_PN, SenderAlt: PEER_LID, IsFromMe: false })
    expect(stanzaSource({ from: '5491100009001:2@s.whatsapp.net', recipient: PEER_PN }, book)).toMatchObject({ Chat: PEER_PN, Sender: OWN_PN, IsFromMe: true, RecipientAlt: PEER_LID })
    expect(stanzaSource({ from: GROUP, participant: PEER_LID, addressing_mode: 'lid', participant_pn: PEER_PN }, empty))
      .toMatchObject({ Chat: GROUP, Sender: PEER_LID, SenderAlt: PEER_PN, IsGroup: true, AddressingMode: 'lid' })
  })
})
