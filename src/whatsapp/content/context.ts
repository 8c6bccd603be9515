import { proto } from '@whiskeysockets/baileys'
import type { ReplyContext } from '../outgoing.js'

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

export function withContext<T extends object> (content: T, context: ReplyContext | undefined): T & { contextInfo?: proto.IContextInfo } {
  const info = contextInfo(context)
  return info === undefined ? content : { ...content, contextInfo: info }
}
