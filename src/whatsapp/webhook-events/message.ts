import { jidNormalizedUser, proto, toNumber, type WAMessage } from '@whiskeysockets/baileys'
import type { Json, WebhookEvent } from '../../events/catalogue.js'
import { goMessageJson, goTimeSeconds, messageSource, sourceJson, ZERO_TIME, type AddressBook, type MessageSource } from './source.js'

/** What the session resolved before mapping a message. */
export interface MessageContext {
  book: AddressBook
  /** wuzapi's `pollVote` for a poll vote the session decrypted with the stored poll (see poll-vote.ts). */
  pollVote?: Record<string, Json>
}

type Msg = proto.IMessage

/** The flags whatsmeow's `UnwrapRaw` sets while peeling wrappers off the raw message. */
interface Unwrapped {
  message: Msg
  isEphemeral: boolean
  isViewOnce: boolean
  isViewOnceV2: boolean
  isViewOnceV2Extension: boolean
  isDocumentWithCaption: boolean
  isLottieSticker: boolean
  isBotInvoke: boolean
  isEdit: boolean
  deviceSent: { destinationJID: string, phash: string } | undefined
}

/** whatsmeow's `events.Message.UnwrapRaw`: the content inside device-sent, ephemeral, view-once, document-with-caption and edit wrappers. */
export function unwrapRaw (raw: Msg): Unwrapped {
  const out: Unwrapped = {
    message: raw,
    isEphemeral: false,
    isViewOnce: false,
    isViewOnceV2: false,
    isViewOnceV2Extension: false,
    isDocumentWithCaption: false,
    isLottieSticker: false,
    isBotInvoke: false,
    isEdit: false,
    deviceSent: undefined
  }
  let m = raw
  if (m.deviceSentMessage?.message != null) {
    out.deviceSent = { destinationJID: m.deviceSentMessage.destinationJid ?? '', phash: m.deviceSentMessage.phash ?? '' }
    m = m.deviceSentMessage.message
  }
  if (m.botInvokeMessage?.message != null) { m = m.botInvokeMessage.message; out.isBotInvoke = true }
  if (m.ephemeralMessage?.message != null) { m = m.ephemeralMessage.message; out.isEphemeral = true }
  if (m.lottieStickerMessage?.message != null) { m = m.lottieStickerMessage.message; out.isLottieSticker = true }
  if (m.viewOnceMessage?.message != null) { m = m.viewOnceMessage.message; out.isViewOnce = true }
  if (m.viewOnceMessageV2?.message != null) { m = m.viewOnceMessageV2.message; out.isViewOnce = true; out.isViewOnceV2 = true }
  if (m.viewOnceMessageV2Extension?.message != null) { m = m.viewOnceMessageV2Extension.message; out.isViewOnce = true; out.isViewOnceV2Extension = true }
  if (m.documentWithCaptionMessage?.message != null) { m = m.documentWithCaptionMessage.message; out.isDocumentWithCaption = true }
  if (m.editedMessage?.message != null) { m = m.editedMessage.message; out.isEdit = true }
  if (m !== raw && m.messageContextInfo == null && raw.messageContextInfo != null) {
    m = { ...m, messageContextInfo: raw.messageContextInfo }
  }
  out.message = m
  return out
}

/** whatsmeow's `getMediaTypeFromMessage`: the stanza's `mediatype` for a content. */
export function mediaType (m: Msg): string {
  if (m.imageMessage != null) return 'image'
  if (m.stickerMessage != null) return 'sticker'
  if (m.documentMessage != null) return 'document'
  if (m.audioMessage != null) return m.audioMessage.ptt === true ? 'ptt' : 'audio'
  if (m.videoMessage != null) return m.videoMessage.gifPlayback === true ? 'gif' : 'video'
  if (m.ptvMessage != null) return 'ptv'
  if (m.contactMessage != null) return 'vcard'
  if (m.contactsArrayMessage != null) return 'contact_array'
  if (m.listMessage != null) return 'list'
  if (m.listResponseMessage != null) return 'list_response'
  if (m.buttonsResponseMessage != null) return 'buttons_response'
  if (m.orderMessage != null) return 'order'
  if (m.productMessage != null) return 'product'
  if (m.interactiveResponseMessage != null) return 'native_flow_response'
  if (m.groupInviteMessage != null) return 'url'
  if (m.extendedTextMessage?.title != null && m.extendedTextMessage.title !== '') return 'url'
  if (m.locationMessage != null) return 'location'
  if (m.liveLocationMessage != null) return 'livelocation'
  return ''
}

/** The stanza's `type` as WhatsApp sets it: `media`, `reaction`, `poll` or `text`. */
export function stanzaType (m: Msg): string {
  if (m.reactionMessage != null || m.encReactionMessage != null) return 'reaction'
  if (m.pollCreationMessage != null || m.pollCreationMessageV2 != null || m.pollCreationMessageV3 != null || m.pollUpdateMessage != null) return 'poll'
  const media = mediaType(m)
  if (['image', 'sticker', 'document', 'audio', 'ptt', 'video', 'gif', 'ptv'].includes(media)) return 'media'
  if (m.eventMessage != null) return 'event'
  return 'text'
}

/** The stanza's `edit` attribute: "1" an edit, "7" a revoke by the sender, "8" a revoke by a group admin, "" otherwise. */
export function editAttr (m: Msg, senderUser: string): string {
  const p = m.protocolMessage
  if (p == null) return ''
  if (p.type === proto.Message.ProtocolMessage.Type.MESSAGE_EDIT) return '1'
  if (p.type === proto.Message.ProtocolMessage.Type.REVOKE) {
    const author = p.key?.participant ?? ''
    return author !== '' && senderUser !== '' && jidNormalizedUser(author) !== senderUser && p.key?.fromMe !== true ? '8' : '7'
  }
  return ''
}

/** The key that identifies a message across redeliveries: chat, sender and id. */
export function messageSourceKey (chat: string, sender: string, id: string): string {
  return `msg:${chat}|${sender}|${id}`
}

/** whatsmeow's `types.MessageInfo` (declaration order) for a message and its unwrapped content. */
function messageInfo (m: WAMessage, source: MessageSource, u: Unwrapped | undefined): Record<string, Json> {
  const t = m.messageTimestamp
  const seconds = t === null || t === undefined ? 0 : toNumber(t)
  return {
    ...sourceJson(source),
    ID: m.key.id ?? '',
    ServerID: 0,
    Type: u === undefined ? '' : stanzaType(u.message),
    PushName: m.pushName ?? '',
    Timestamp: goTimeSeconds(seconds),
    Category: m.category ?? '',
    Multicast: false,
    MediaType: u === undefined ? '' : mediaType(u.message),
    Edit: u === undefined ? '' : editAttr(u.message, source.Sender),
    MsgBotInfo: { EditType: '', EditTargetID: '', EditSenderTimestampMS: ZERO_TIME },
    MsgMetaInfo: { TargetID: '', TargetSender: '', TargetChat: '', DeprecatedLIDSession: null, ThreadMessageID: '', ThreadMessageSenderJID: '' },
    VerifiedName: m.verifiedBizName != null && m.verifiedBizName !== '' ? { Certificate: null, Details: { verifiedName: m.verifiedBizName } } : null,
    DeviceSentMeta: u?.deviceSent === undefined ? null : { DestinationJID: u.deviceSent.destinationJID, Phash: u.deviceSent.phash }
  }
}

/**
 * A received (or sent-from-the-phone) message as wuzapi's `Message` webhook event: whatsmeow's
 * `events.Message` (Info, Message unwrapped, the wrapper flags, RawMessage as received) plus
 * wuzapi's extras (`isSticker`/`stickerAnimated`, `pollVote`). Undefined without an id, a chat or
 * a message body.
 */
export function messageEvent (m: WAMessage, ctx: MessageContext): WebhookEvent | undefined {
  const id = m.key.id ?? ''
  if (id === '' || m.message == null) return undefined
  const source = messageSource(m.key, ctx.book)
  if (source.Chat === '') return undefined
  const raw = m.message
  const u = unwrapRaw(raw)
  const info = messageInfo(m, source, u)
  const event: Record<string, Json> = {
    Info: info,
    Message: goMessageJson(u.message),
    IsEphemeral: u.isEphemeral,
    IsViewOnce: u.isViewOnce,
    IsViewOnceV2: u.isViewOnceV2,
    IsViewOnceV2Extension: u.isViewOnceV2Extension,
    IsDocumentWithCaption: u.isDocumentWithCaption,
    IsLottieSticker: u.isLottieSticker,
    IsBotInvoke: u.isBotInvoke,
    IsEdit: u.isEdit,
    SourceWebMsg: null,
    UnavailableRequestID: '',
    RetryCount: 0,
    NewsletterMeta: null,
    RawMessage: goMessageJson(raw)
  }
  const extra: Record<string, Json> = {}
  if (u.message.stickerMessage != null) {
    extra.isSticker = true
    extra.stickerAnimated = u.message.stickerMessage.isAnimated === true
  }
  if (ctx.pollVote !== undefined) extra.pollVote = ctx.pollVote
  return {
    type: 'Message',
    event,
    ...(Object.keys(extra).length > 0 ? { extra } : {}),
    sourceKey: messageSourceKey(source.Chat, source.Sender, id)
  }
}

/** Baileys' stub text for a message WhatsApp delivered without content (`<unavailable>`): Baileys asks the phone for it. */
const NO_MESSAGE_FOUND = 'Message absent from node'

/**
 * A message Baileys could not decrypt (its `CIPHERTEXT` stub: Baileys sends a retry receipt and the
 * sender re-encrypts it) as wuzapi's `UndecryptableMessage` event: `{Info, IsUnavailable,
 * UnavailableType, DecryptFailMode}`. Undefined for anything else.
 */
export function undecryptableEvent (m: WAMessage, book: AddressBook): WebhookEvent | undefined {
  if (m.messageStubType !== proto.WebMessageInfo.StubType.CIPHERTEXT) return undefined
  const id = m.key.id ?? ''
  const source = messageSource(m.key, book)
  if (id === '' || source.Chat === '') return undefined
  const unavailable = m.messageStubParameters?.[0] === NO_MESSAGE_FOUND
  return {
    type: 'UndecryptableMessage',
    event: { Info: messageInfo(m, source, undefined), IsUnavailable: unavailable, UnavailableType: '', DecryptFailMode: '' },
    sourceKey: `undecryptable:${source.Chat}|${source.Sender}|${id}`
  }
}
