import { createHash, randomBytes } from 'node:crypto'
import { aesEncryptGCM, hmacSign, proto, type BinaryNode, type WAMessage } from '@whiskeysockets/baileys'
import { lifecycleEvent } from '../../src/events/lifecycle.js'
import type { SessionEvent } from '../../src/whatsapp/types.js'
import { messageEvent, undecryptableEvent } from '../../src/whatsapp/webhook-events/message.js'
import { decryptVote, pollRecord, votedPollId } from '../../src/whatsapp/webhook-events/poll-vote.js'
import { chatPresenceEvent, receiptEvent } from '../../src/whatsapp/webhook-events/receipts.js'
import { addressBook } from '../../src/whatsapp/webhook-events/source.js'

const OWN_PN = '5491100009001@s.whatsapp.net'
const OWN_LID = '111111111111111@lid'
const PEER_PN = '5491100009002@s.whatsapp.net'
const PEER_LID = '222222222222222@lid'
const GROUP = '120363000000000001@g.us'
const book = addressBook(OWN_PN, OWN_LID, [[PEER_PN, PEER_LID]])

/** A WAMessage as Baileys hands it over: decoded from the wire, then the key's non-proto fields added. */
function wa (key: Record<string, unknown>, message: proto.IMessage, extra: Record<string, unknown> = {}): WAMessage {
  const decoded = proto.Message.decode(proto.Message.encode(message).finish())
  const m = proto.WebMessageInfo.fromObject({ key: { remoteJid: key.remoteJid, fromMe: key.fromMe ?? false, id: key.id ?? 'M1', participant: key.participant }, messageTimestamp: 1_764_800_601, pushName: 'Bob', ...extra }) as WAMessage
  m.message = decoded
  Object.assign(m.key, key)
  return m
}

type Event = Record<string, any>

function eventOf (m: WAMessage, pollVote?: Record<string, any>): { event: Event, extra: Event | undefined, sourceKey: string | undefined } {
  const e = messageEvent(m, { book, ...(pollVote !== undefined ? { pollVote } : {}) })
  if (e === undefined) throw new Error('no event')
  expect(e.type).toBe('Message')
  expect(JSON.stringify(e)).not.toMatch(/"low"|"high"|"Buffer"/)
  return { event: e.event as Event, extra: e.extra as Event | undefined, sourceKey: e.sourceKey }
}

describe('messageEvent', () => {
  it('maps a text from a phone-addressed chat to wuzapi\'s whole Message event', () => {
    const { event, extra, sourceKey } = eventOf(wa({ remoteJid: PEER_PN, remoteJidAlt: PEER_LID, addressingMode: 'pn' }, { conversation: 'hello' }))
    expect(event).toEqual({
      Info: {
        Chat: PEER_PN,
        Sender: PEER_PN,
        IsFromMe: false,
        IsGroup: false,
        AddressingMode: '',
        SenderAlt: PEER_LID,
        RecipientAlt: '',
        BroadcastListOwner: '',
        BroadcastRecipients: null,
        ID: 'M1',
        ServerID: 0,
        Type: 'text',
        PushName: 'Bob',
        Timestamp: '2025-12-03T22:23:21Z',
        Category: '',
        Multicast: false,
        MediaType: '',
        Edit: '',
        MsgBotInfo: { EditType: '', EditTargetID: '', EditSenderTimestampMS: '0001-01-01T00:00:00Z' },
        MsgMetaInfo: { TargetID: '', TargetSender: '', TargetChat: '', DeprecatedLIDSession: null, ThreadMessageID: '', ThreadMessageSenderJID: '' },
        VerifiedName: null,
        DeviceSentMeta: null
      },
      Message: { conversation: 'hello' },
      IsEphemeral: false,
      IsViewOnce: false,
      IsViewOnceV2: false,
      IsViewOnceV2Extension: false,
      IsDocumentWithCaption: false,
      IsLottieSticker: false,
      IsBotInvoke: false,
      IsEdit: false,
      SourceWebMsg: null,
      UnavailableRequestID: '',
      RetryCount: 0,
      NewsletterMeta: null,
      RawMessage: { conversation: 'hello' }
    })
    expect(extra).toBeUndefined()
    expect(sourceKey).toBe(`msg:${PEER_PN}|${PEER_PN}|M1`)
  })

  it('keeps a LID-addressed chat\'s LIDs with the phone number beside them, and a group member\'s number', () => {
    const lid = eventOf(wa({ remoteJid: PEER_LID, addressingMode: 'lid' }, { conversation: 'x' })).event.Info
    expect(lid).toMatchObject({ Chat: PEER_LID, Sender: PEER_LID, SenderAlt: PEER_PN, AddressingMode: 'lid' })
    const group = eventOf(wa({ remoteJid: GROUP, participant: PEER_LID, addressingMode: 'lid' }, { conversation: 'x' }))
    expect(group.event.Info).toMatchObject({ Chat: GROUP, Sender: PEER_LID, SenderAlt: PEER_PN, IsGroup: true, AddressingMode: 'lid' })
    expect(group.sourceKey).toBe(`msg:${GROUP}|${PEER_LID}|M1`)
  })

  it.each([
    ['image', { imageMessage: { url: 'https://mmg/x', mimetype: 'image/jpeg', fileSha256: Buffer.alloc(32, 1), fileLength: 5 } }, 'media', 'image', 'imageMessage'],
    ['video', { videoMessage: { url: 'u', mimetype: 'video/mp4' } }, 'media', 'video', 'videoMessage'],
    ['gif', { videoMessage: { url: 'u', gifPlayback: true } }, 'media', 'gif', 'videoMessage'],
    ['voice note', { audioMessage: { url: 'u', ptt: true } }, 'media', 'ptt', 'audioMessage'],
    ['audio', { audioMessage: { url: 'u' } }, 'media', 'audio', 'audioMessage'],
    ['document', { documentMessage: { url: 'u', fileName: 'a.pdf' } }, 'media', 'document', 'documentMessage'],
    ['location', { locationMessage: { degreesLatitude: 1.5, degreesLongitude: 2 } }, 'text', 'location', 'locationMessage'],
    ['contact', { contactMessage: { displayName: 'A', vcard: 'BEGIN:VCARD' } }, 'text', 'vcard', 'contactMessage'],
    ['contacts', { contactsArrayMessage: { contacts: [{ displayName: 'A' }] } }, 'text', 'contact_array', 'contactsArrayMessage'],
    ['link preview', { extendedTextMessage: { text: 'see https://x', title: 'X', matchedText: 'https://x' } }, 'text', 'url', 'extendedTextMessage'],
    ['reply', { extendedTextMessage: { text: 'yes', contextInfo: { stanzaId: 'Q', participant: PEER_PN } } }, 'text', '', 'extendedTextMessage'],
    ['reaction', { reactionMessage: { key: { remoteJid: PEER_PN, fromMe: true, id: 'T' }, text: '👍', senderTimestampMs: 1 } }, 'reaction', '', 'reactionMessage'],
    ['poll', { pollCreationMessageV3: { name: 'Q?', options: [{ optionName: 'a' }, { optionName: 'b' }], selectableOptionsCount: 1 } }, 'poll', '', 'pollCreationMessageV3'],
    ['poll vote', { pollUpdateMessage: { pollCreationMessageKey: { id: 'P' }, vote: { encPayload: Buffer.alloc(4), encIv: Buffer.alloc(12) } } }, 'poll', '', 'pollUpdateMessage'],
    ['list reply', { listResponseMessage: { title: 't', singleSelectReply: { selectedRowId: 'r1' } } }, 'text', 'list_response', 'listResponseMessage']
  ])('types a %s (Info.Type, Info.MediaType) and writes it in whatsmeow casing', (_, message, type, media, key) => {
    const { event } = eventOf(wa({ remoteJid: PEER_PN }, message as proto.IMessage))
    expect(event.Info).toMatchObject({ Type: type, MediaType: media })
    expect(Object.keys(event.Message)).toEqual([key])
  })

  it('uses whatsmeow\'s names inside: URL, fileSHA256, PTT, stanzaID, selectedRowID, a reaction\'s key', () => {
    expect(eventOf(wa({ remoteJid: PEER_PN }, { imageMessage: { url: 'https://mmg/x', fileSha256: Buffer.alloc(32, 1), fileLength: 5 } })).event.Message)
      .toEqual({ imageMessage: { URL: 'https://mmg/x', fileSHA256: Buffer.alloc(32, 1).toString('base64'), fileLength: 5 } })
    expect(eventOf(wa({ remoteJid: PEER_PN }, { audioMessage: { ptt: true } })).event.Message).toEqual({ audioMessage: { PTT: true } })
    expect(eventOf(wa({ remoteJid: PEER_PN }, { extendedTextMessage: { text: 'y', contextInfo: { stanzaId: 'Q', participant: PEER_PN } } })).event.Message)
      .toEqual({ extendedTextMessage: { text: 'y', contextInfo: { stanzaID: 'Q', participant: PEER_PN } } })
    expect(eventOf(wa({ remoteJid: PEER_PN }, { reactionMessage: { key: { remoteJid: PEER_PN, fromMe: true, id: 'T' }, text: '👍' } })).event.Message)
      .toEqual({ reactionMessage: { key: { remoteJID: PEER_PN, fromMe: true, ID: 'T' }, text: '👍' } })
  })

  it('unwraps like whatsmeow: ephemeral, view once (v1, v2), document with caption, edits; RawMessage keeps the wrapper', () => {
    const image = { imageMessage: { caption: 'c' } }
    const eph = eventOf(wa({ remoteJid: PEER_PN }, { ephemeralMessage: { message: { extendedTextMessage: { text: 't' } } } })).event
    expect(eph).toMatchObject({ IsEphemeral: true, IsViewOnce: false, Message: { extendedTextMessage: { text: 't' } }, RawMessage: { ephemeralMessage: { message: { extendedTextMessage: { text: 't' } } } } })
    expect(eventOf(wa({ remoteJid: PEER_PN }, { viewOnceMessage: { message: image } })).event).toMatchObject({ IsViewOnce: true, IsViewOnceV2: false, Message: image })
    expect(eventOf(wa({ remoteJid: PEER_PN }, { viewOnceMessageV2: { message: image } })).event).toMatchObject({ IsViewOnce: true, IsViewOnceV2: true, Message: image })
    const doc = eventOf(wa({ remoteJid: PEER_PN }, { documentWithCaptionMessage: { message: { documentMessage: { caption: 'c', fileName: 'f' } } } })).event
    expect(doc).toMatchObject({ IsDocumentWithCaption: true, Message: { documentMessage: { caption: 'c', fileName: 'f' } }, Info: { MediaType: 'document', Type: 'media' } })
    const edited = eventOf(wa({ remoteJid: PEER_PN }, { editedMessage: { message: { conversation: 'new' } } })).event
    expect(edited).toMatchObject({ IsEdit: true, Message: { conversation: 'new' } })
  })

  it('marks edits "1" and revokes "7" (a group admin\'s revoke of someone else\'s message "8")', () => {
    const edit = { protocolMessage: { type: proto.Message.ProtocolMessage.Type.MESSAGE_EDIT, key: { remoteJid: PEER_PN, id: 'T' }, editedMessage: { conversation: 'n' } } }
    expect(eventOf(wa({ remoteJid: PEER_PN }, edit)).event.Info.Edit).toBe('1')
    const revoke = { protocolMessage: { type: proto.Message.ProtocolMessage.Type.REVOKE, key: { remoteJid: PEER_PN, id: 'T' } } }
    expect(eventOf(wa({ remoteJid: PEER_PN }, revoke)).event).toMatchObject({ Info: { Edit: '7' }, Message: { protocolMessage: { type: 0, key: { remoteJID: PEER_PN, ID: 'T' } } } })
    const adminRevoke = { protocolMessage: { type: proto.Message.ProtocolMessage.Type.REVOKE, key: { remoteJid: GROUP, id: 'T', participant: '333@lid' } } }
    expect(eventOf(wa({ remoteJid: GROUP, participant: PEER_LID }, adminRevoke)).event.Info.Edit).toBe('8')
  })

  it('adds wuzapi\'s sticker extras and a decrypted poll vote', () => {
    expect(eventOf(wa({ remoteJid: PEER_PN }, { stickerMessage: { url: 'u', isAnimated: true } })).extra).toEqual({ isSticker: true, stickerAnimated: true })
    expect(eventOf(wa({ remoteJid: PEER_PN }, { stickerMessage: { url: 'u' } })).extra).toEqual({ isSticker: true, stickerAnimated: false })
    const vote = { pollCreationMsgID: 'P', selectedOptions: ['a'], selectedHashesB64: ['x'] }
    expect(eventOf(wa({ remoteJid: PEER_PN }, { conversation: 'x' }), vote).extra).toEqual({ pollVote: vote })
  })

  it('gives our phone\'s message our JID as the sender, and nothing for a message without an id or a body', () => {
    const own = eventOf(wa({ remoteJid: PEER_PN, fromMe: true }, { conversation: 'from my phone' })).event.Info
    expect(own).toMatchObject({ Chat: PEER_PN, Sender: OWN_PN, IsFromMe: true, SenderAlt: OWN_LID, RecipientAlt: PEER_LID })
    expect(messageEvent(wa({ remoteJid: PEER_PN, id: '' }, { conversation: 'x' }), { book })).toBeUndefined()
    const noBody = wa({ remoteJid: PEER_PN }, {})
    noBody.message = null
    expect(messageEvent(noBody, { book })).toBeUndefined()
  })
})

describe('undecryptableEvent', () => {
  it('maps Baileys\' CIPHERTEXT stub to UndecryptableMessage, and nothing else', () => {
    const stub = proto.WebMessageInfo.fromObject({ key: { remoteJid: PEER_PN, fromMe: false, id: 'U1' }, messageTimestamp: 1_764_800_601, messageStubType: proto.WebMessageInfo.StubType.CIPHERTEXT, messageStubParameters: ['Bad MAC'] }) as WAMessage
    const e = undecryptableEvent(stub, book)
    expect(e).toEqual({
      type: 'UndecryptableMessage',
      event: expect.objectContaining({ IsUnavailable: false, UnavailableType: '', DecryptFailMode: '' }),
      sourceKey: `undecryptable:${PEER_PN}|${PEER_PN}|U1`
    })
    expect((e?.event as Event).Info).toMatchObject({ Chat: PEER_PN, Sender: PEER_PN, SenderAlt: PEER_LID, ID: 'U1', Timestamp: '2025-12-03T22:23:21Z' })
    stub.messageStubParameters = ['Message absent from node']
    expect((undecryptableEvent(stub, book)?.event as Event).IsUnavailable).toBe(true)
    expect(undecryptableEvent(wa({ remoteJid: PEER_PN }, { conversation: 'x' }), book)).toBeUndefined()
  })
})

/** A vote as the voter's phone encrypts it (the inverse of Baileys' decryptPollVote). */
function encryptVote (pollId: string, creator: string, voter: string, secret: Buffer, options: string[]): proto.Message.IPollEncValue {
  const sign = Buffer.concat([Buffer.from(pollId), Buffer.from(creator), Buffer.from(voter), Buffer.from('Poll Vote'), new Uint8Array([1])])
  const key = hmacSign(sign, hmacSign(secret, new Uint8Array(32), 'sha256'), 'sha256')
  const iv = randomBytes(12)
  const plain = proto.Message.PollVoteMessage.encode({ selectedOptions: options.map(o => createHash('sha256').update(o).digest()) }).finish()
  return { encPayload: aesEncryptGCM(plain, key, iv, Buffer.from(`${pollId}\u0000${voter}`)), encIv: iv }
}

describe('poll votes', () => {
  const secret = randomBytes(32)
  const creation = { messageContextInfo: { messageSecret: secret }, pollCreationMessageV3: { name: 'Lunch?', options: [{ optionName: 'pizza' }, { optionName: 'sushi' }, { optionName: 'tacos' }], selectableOptionsCount: 0 } }

  it('reads a poll to store from its creation (secret, options, author) and nothing from other messages', () => {
    expect(pollRecord(PEER_PN, 'P1', OWN_PN, creation)).toEqual({ chat: PEER_PN, id: 'P1', creator: OWN_PN, secret: secret.toString('base64'), options: ['pizza', 'sushi', 'tacos'] })
    expect(pollRecord(PEER_PN, 'P1', OWN_PN, { conversation: 'x' })).toBeUndefined()
    expect(pollRecord(PEER_PN, 'P1', OWN_PN, { pollCreationMessage: { name: 'no secret', options: [] } })).toBeUndefined()
  })

  it.each([
    ['a phone-addressed chat (our poll, their vote)', PEER_PN, OWN_PN, PEER_PN, { remoteJid: PEER_PN, remoteJidAlt: PEER_LID }],
    ['a LID-addressed chat: both sign with their LIDs though the poll was stored under our number', PEER_LID, OWN_LID, PEER_LID, { remoteJid: PEER_LID }],
    ['a group where the voter used their LID', GROUP, OWN_PN, PEER_LID, { remoteJid: GROUP, participant: PEER_LID, addressingMode: 'lid' }]
  ])('decrypts a vote in %s and names the options', (_, chat, creatorSigned, voterSigned, key) => {
    const poll = pollRecord(chat, 'P1', OWN_PN, creation)
    if (poll === undefined) throw new Error('no poll')
    const vote = encryptVote('P1', creatorSigned, voterSigned, secret, ['sushi', 'tacos'])
    const m = wa({ ...key, id: 'V1' }, { pollUpdateMessage: { pollCreationMessageKey: { remoteJid: chat, fromMe: true, id: 'P1' }, vote, senderTimestampMs: 1 } })
    expect(votedPollId(m.message)).toBe('P1')
    expect(decryptVote(m, poll, book)).toEqual({
      pollCreationMsgID: 'P1',
      selectedOptions: ['sushi', 'tacos'],
      selectedHashesB64: ['sushi', 'tacos'].map(o => createHash('sha256').update(o).digest('base64'))
    })
  })

  it('gives nothing for a vote encrypted with another secret', () => {
    const poll = pollRecord(PEER_PN, 'P1', OWN_PN, creation)
    if (poll === undefined) throw new Error('no poll')
    const vote = encryptVote('P1', OWN_PN, PEER_PN, randomBytes(32), ['pizza'])
    const m = wa({ remoteJid: PEER_PN, id: 'V2' }, { pollUpdateMessage: { pollCreationMessageKey: { id: 'P1' }, vote } })
    expect(decryptVote(m, poll, book)).toBeUndefined()
  })
})

function node (tag: string, attrs: Record<string, string>, content?: BinaryNode[]): BinaryNode {
  return { tag, attrs, ...(content !== undefined ? { content } : {}) }
}

describe('receiptEvent', () => {
  it.each([
    ['a delivery', {}, 'Delivered', ''],
    ['a read', { type: 'read' }, 'Read', 'read']
  ])('maps %s from a peer with wuzapi\'s state', (_, attrs, state, type) => {
    const e = receiptEvent(node('receipt', { from: PEER_PN, id: 'S1', t: '1764800601', ...attrs }), book)
    expect(e).toEqual({
      type: 'ReadReceipt',
      event: {
        Chat: PEER_PN,
        Sender: PEER_PN,
        IsFromMe: false,
        IsGroup: false,
        AddressingMode: '',
        SenderAlt: PEER_LID,
        RecipientAlt: '',
        BroadcastListOwner: '',
        BroadcastRecipients: null,
        MessageIDs: ['S1'],
        Timestamp: '2025-12-03T22:23:21Z',
        Type: type,
        MessageSender: ''
      },
      extra: { state }
    })
  })

  it('maps our other device\'s read-self, the ids of a list, a group member\'s read, and drops the types wuzapi drops', () => {
    const self = receiptEvent(node('receipt', { from: '5491100009001:2@s.whatsapp.net', recipient: PEER_PN, id: 'S1', t: '1', type: 'read-self' }), book)
    expect(self).toMatchObject({ event: { Chat: PEER_PN, Sender: OWN_PN, IsFromMe: true, RecipientAlt: PEER_LID, Type: 'read-self' }, extra: { state: 'ReadSelf' } })
    const list = receiptEvent(node('receipt', { from: PEER_PN, id: 'S1', t: '1', type: 'read' }, [node('list', {}, [node('item', { id: 'S2' }), node('item', { id: 'S3' })])]), book)
    expect((list?.event as Event).MessageIDs).toEqual(['S1', 'S2', 'S3'])
    const group = receiptEvent(node('receipt', { from: GROUP, participant: PEER_LID, id: 'S1', t: '1', type: 'read' }), book)
    expect(group).toMatchObject({ event: { Chat: GROUP, Sender: PEER_LID, SenderAlt: PEER_PN, IsGroup: true }, extra: { state: 'Read' } })
    for (const type of ['played', 'retry', 'sender', 'inactive', 'hist_sync', 'peer_msg']) {
      expect(receiptEvent(node('receipt', { from: PEER_PN, id: 'S1', t: '1', type }), book)).toBeUndefined()
    }
  })
})

describe('chatPresenceEvent', () => {
  it.each([
    ['typing', [node('composing', {})], 'composing', ''],
    ['recording', [node('composing', { media: 'audio' })], 'composing', 'audio'],
    ['stopping', [node('paused', {})], 'paused', '']
  ])('maps %s with the exact state and media', (_, content, state, media) => {
    expect(chatPresenceEvent(node('chatstate', { from: PEER_PN }, content), book)).toEqual({
      type: 'ChatPresence',
      event: { Chat: PEER_PN, Sender: PEER_PN, IsFromMe: false, IsGroup: false, AddressingMode: '', SenderAlt: PEER_LID, RecipientAlt: '', BroadcastListOwner: '', BroadcastRecipients: null, State: state, Media: media }
    })
  })

  it('names the group member typing, and ignores an empty stanza', () => {
    expect(chatPresenceEvent(node('chatstate', { from: GROUP, participant: PEER_PN }, [node('composing', {})]), book))
      .toMatchObject({ event: { Chat: GROUP, Sender: PEER_PN, SenderAlt: PEER_LID, IsGroup: true, State: 'composing' } })
    expect(chatPresenceEvent(node('chatstate', { from: PEER_PN }), book)).toBeUndefined()
  })
})

describe('lifecycleEvent', () => {
  it.each<[string, SessionEvent, unknown]>([
    ['qr', { type: 'qr', code: '2@abc', png: 'data:image/png;base64,iVBO' }, { type: 'QR', event: 'code', extra: { qrCodeBase64: 'data:image/png;base64,iVBO' } }],
    ['paired', { type: 'paired', jid: '5511:20@s.whatsapp.net', lid: '1376:20@lid', platform: 'smba' },
      { type: 'PairSuccess', event: { ID: '5511:20@s.whatsapp.net', LID: '1376:20@lid', BusinessName: '', Platform: 'smba' } }],
    ['connected', { type: 'connected', jid: '5511:20@s.whatsapp.net' }, { type: 'Connected', event: {} }],
    ['disconnected', { type: 'disconnected', code: 428, reason: 'closed', retryInMs: 1000 }, { type: 'Disconnected', event: {} }],
    ['logged out from the phone', { type: 'logged_out', remote: true, code: 401, reason: 'logged out' }, { type: 'LoggedOut', event: { OnConnect: false, Reason: 401 } }],
    ['logged out here', { type: 'logged_out', remote: false, code: undefined, reason: 'by the user' }, { type: 'LoggedOut', event: { OnConnect: false, Reason: 401 } }],
    ['QR timeout', { type: 'stopped', cause: 'qr_timeout', code: 408, reason: 'QR refs ran out' }, { type: 'QRTimeout', event: 'timeout' }],
    ['refused', { type: 'stopped', cause: 'refused', code: 405, reason: 'client outdated' }, { type: 'ConnectFailure', event: { Reason: 405, Message: 'client outdated', Raw: null } }],
    ['stopped by the user', { type: 'stopped', cause: 'user', code: undefined, reason: 'disconnected' }, undefined],
    ['replaced', { type: 'stopped', cause: 'replaced', code: 440, reason: 'replaced' }, undefined],
    ['state change', { type: 'state', state: 'connecting', previous: 'disconnected' }, undefined]
  ])('%s', (_, event, expected) => {
    expect(lifecycleEvent(event)).toEqual(expected)
  })
})
