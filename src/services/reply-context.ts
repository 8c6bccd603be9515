import { ValidationError } from '../errors.js'
import { quotedMessageProblem } from '../whatsapp/content/context.js'
import type { ReplyContext } from '../whatsapp/outgoing.js'
import type { MessagingService } from './messaging.js'

/** wuzapi's reply fields on every send (`ContextInfo`, `QuotedText`, `QuotedMessage`), checked and turned into our reply context. */

/** wuzapi's `ContextInfo` plus its quoted-message fields. */
export interface ReplyFields {
  ContextInfo?: { StanzaID?: string, Participant?: string, MentionedJID?: string[], IsForwarded?: boolean }
  QuotedText?: string
  QuotedMessage?: Record<string, unknown>
}

export function present (value: string | undefined): value is string {
  return value !== undefined && value.trim() !== ''
}

/** A user (not a group or status@broadcast): mentions, quoted authors, callers. */
export function userJid (messaging: MessagingService, value: string, field: string): string {
  const jid = messaging.recipient(value, field)
  if (!jid.endsWith('@s.whatsapp.net') && !jid.endsWith('@lid')) throw new ValidationError(`invalid ${field} "${value}": name a user (a phone number or a user JID), not a group or status@broadcast`)
  return jid
}

/** wuzapi's reply validation (`validateMessageFields`): a reply names both the message and its author. */
export function replyContext (messaging: MessagingService, fields: ReplyFields): ReplyContext | undefined {
  const info = fields.ContextInfo ?? {}
  const stanzaId = present(info.StanzaID) ? info.StanzaID : undefined
  const participant = present(info.Participant) ? info.Participant : undefined
  if (stanzaId !== undefined && participant === undefined) throw new ValidationError('missing Participant in ContextInfo')
  if (participant !== undefined && stanzaId === undefined) throw new ValidationError('missing StanzaID in ContextInfo')
  if (stanzaId === undefined && (present(fields.QuotedText) || fields.QuotedMessage !== undefined)) {
    throw new ValidationError('QuotedText and QuotedMessage need ContextInfo.StanzaID and ContextInfo.Participant (the quoted message\'s id and author)')
  }
  if (fields.QuotedMessage !== undefined) {
    const problem = quotedMessageProblem(fields.QuotedMessage)
    if (problem !== undefined) throw new ValidationError(`invalid QuotedMessage: ${problem}`)
  }
  const context: ReplyContext = {}
  if (stanzaId !== undefined && participant !== undefined) {
    context.stanzaId = stanzaId
    context.participant = userJid(messaging, participant, 'ContextInfo.Participant')
    if (fields.QuotedMessage !== undefined) context.quotedMessage = fields.QuotedMessage
    else if (fields.QuotedText !== undefined) context.quotedText = fields.QuotedText
  }
  const mentions = (info.MentionedJID ?? []).map((m, i) => userJid(messaging, m, `ContextInfo.MentionedJID[${i}]`))
  if (mentions.length > 0) context.mentionedJids = [...new Set(mentions)]
  if (info.IsForwarded === true) context.isForwarded = true
  return Object.keys(context).length === 0 ? undefined : context
}
