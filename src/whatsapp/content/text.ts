import { proto } from '@whiskeysockets/baileys'
import type { BuiltContent, ContactOut, LocationOut, PollOut, ReplyContext, TextOut } from '../outgoing.js'

/**
 * What is wrong with a client's `QuotedMessage` (proto JSON), or undefined when it is a message:
 * protobufjs throws on wrong nested types and silently drops unknown keys, so an object naming no
 * message field at all is refused too.
 */
export function quotedMessageProblem (value: Record<string, unknown>): string | undefined {
  let message: proto.Message
  try {
    message = proto.Message.fromObject(value)
  } catch (err) {
    return (err as Error).message.replace(/^\.proto\.Message\.?/, '')
  }
  const fields = Object.keys(proto.Message.toObject(message))
  return fields.length === 0 ? 'names no message field (e.g. {"conversation":"the quoted text"})' : undefined
}

/** wuzapi's quoted content: the client's `QuotedMessage`, else its `QuotedText`, else an empty text (as wuzapi). */
function quoted (context: ReplyContext): proto.IMessage {
  if (context.quotedMessage !== undefined) return proto.Message.fromObject(context.quotedMessage)
  return { conversation: context.quotedText ?? '' }
}

/** The message's `contextInfo`: a reply, mentions, the forwarded flag; undefined when there is none. */
export function contextInfo (context: ReplyContext | undefined): proto.IContextInfo | undefined {
  if (context === undefined) return undefined
  const info: proto.IContextInfo = {}
  if (context.stanzaId !== undefined && context.participant !== undefined) {
    info.stanzaId = context.stanzaId
    info.participant = context.participant
    info.quotedMessage = quoted(context)
  }
  if (context.mentionedJids !== undefined && context.mentionedJids.length > 0) info.mentionedJid = context.mentionedJids
  if (context.isForwarded === true) {
    info.isForwarded = true
    info.forwardingScore = 1
  }
  return Object.keys(info).length === 0 ? undefined : info
}

function withContext<T extends object> (content: T, context: ReplyContext | undefined): T & { contextInfo?: proto.IContextInfo } {
  const info = contextInfo(context)
  return info === undefined ? content : { ...content, contextInfo: info }
}

/**
 * Always an `extendedTextMessage`, as wuzapi sends. `linkPreview: null` keeps Baileys from fetching
 * the first URL of the text: this server never fetches pages, so `LinkPreview` attaches no card.
 */
export function textContent (message: TextOut): BuiltContent {
  return { content: withContext({ text: message.text, linkPreview: null }, message.context) }
}

export function locationContent (message: LocationOut): BuiltContent {
  const location = {
    degreesLatitude: message.latitude,
    degreesLongitude: message.longitude,
    ...(message.name !== undefined ? { name: message.name } : {}),
    ...(message.address !== undefined ? { address: message.address } : {})
  }
  return { content: withContext({ location }, message.context) }
}

export function contactContent (message: ContactOut): BuiltContent {
  const contacts = { displayName: message.displayName, contacts: [{ displayName: message.displayName, vcard: message.vcard }] }
  return { content: withContext({ contacts }, message.context) }
}

/** Baileys adds the 32-byte `messageSecret` votes are encrypted with; single choice becomes `pollCreationMessageV3`. */
export function pollContent (message: PollOut): BuiltContent {
  return { content: { poll: { name: message.name, values: message.options, selectableCount: message.selectableCount } } }
}
