import { ValidationError } from '../errors.js'
import type { ChatPresence } from '../whatsapp/chat-ops.js'
import type { MessagingService, SendAnswer } from './messaging.js'
import { present, replyContext, userJid, type ReplyFields } from './reply-context.js'

/**
 * The use-cases behind `/chat/send/text|location|contact|poll`, `/chat/presence`, `/status/set/text`
 * and `/call/reject`: wuzapi's request fields (already shape-checked) turned into our outgoing
 * messages and chat operations, with wuzapi's validation messages.
 */

/** Fields every send shares. */
export interface SendFields extends ReplyFields { Phone: string, Id?: string }

function required (value: string | undefined, field: string): string {
  if (!present(value)) throw new ValidationError(`missing ${field} in Payload`)
  return value
}

/** The chat and send options common to every send: recipient first (wuzapi checks Phone before the rest). */
function target (messaging: MessagingService, fields: SendFields): { chat: string, id: string | undefined } {
  const chat = messaging.recipient(fields.Phone, 'Phone')
  return { chat, id: present(fields.Id) ? fields.Id : undefined }
}

export async function sendText (messaging: MessagingService, userId: string, fields: SendFields & { Body: string, LinkPreview?: boolean }): Promise<SendAnswer> {
  required(fields.Phone, 'Phone')
  if (fields.Body === '') throw new ValidationError('missing Body in Payload')
  const { chat, id } = target(messaging, fields)
  const context = replyContext(messaging, fields)
  return await messaging.send(userId, chat, { kind: 'text', text: fields.Body, linkPreview: fields.LinkPreview, context }, { id })
}

export async function sendLocation (
  messaging: MessagingService,
  userId: string,
  fields: SendFields & { Latitude: number, Longitude: number, Name?: string, Address?: string }
): Promise<SendAnswer> {
  required(fields.Phone, 'Phone')
  // wuzapi reads 0 as "not sent": a point on the equator or the meridian cannot be sent there either
  if (fields.Latitude === 0) throw new ValidationError('missing Latitude in Payload')
  if (fields.Longitude === 0) throw new ValidationError('missing Longitude in Payload')
  const { chat, id } = target(messaging, fields)
  const context = replyContext(messaging, fields)
  const message = {
    kind: 'location' as const,
    latitude: fields.Latitude,
    longitude: fields.Longitude,
    ...(present(fields.Name) ? { name: fields.Name } : {}),
    ...(present(fields.Address) ? { address: fields.Address } : {}),
    context
  }
  return await messaging.send(userId, chat, message, { id })
}

export async function sendContact (messaging: MessagingService, userId: string, fields: SendFields & { Name: string, Vcard: string }): Promise<SendAnswer> {
  required(fields.Phone, 'Phone')
  const name = required(fields.Name, 'Name')
  const vcard = required(fields.Vcard, 'Vcard')
  if (!/^\s*BEGIN:VCARD\r?\n[\s\S]*END:VCARD\s*$/i.test(vcard)) throw new ValidationError('invalid Vcard: must be a vCard, from BEGIN:VCARD to END:VCARD on lines of their own')
  const { chat, id } = target(messaging, fields)
  const context = replyContext(messaging, fields)
  return await messaging.send(userId, chat, { kind: 'contact', displayName: name, vcard, context }, { id })
}

export interface PollFields { Phone?: string, Group?: string, Header: string, Options?: string[], SelectableCount?: number, Id?: string }

export async function sendPoll (messaging: MessagingService, userId: string, fields: PollFields): Promise<SendAnswer> {
  const to = present(fields.Phone) ? fields.Phone : fields.Group
  if (!present(to)) throw new ValidationError('missing Phone (or Group) in Payload')
  const chat = messaging.recipient(to, present(fields.Phone) ? 'Phone' : 'Group')
  const name = required(fields.Header, 'Header')
  const options = fields.Options ?? []
  if (options.length < 2) throw new ValidationError('at least 2 options are required')
  options.forEach((o, i) => { if (o.trim() === '') throw new ValidationError(`invalid Options[${i}]: an option cannot be empty`) })
  // votes name options by the hash of their text: two equal options could not be told apart
  if (new Set(options).size !== options.length) throw new ValidationError('invalid Options: every option must be different')
  const selectableCount = fields.SelectableCount ?? 1
  if (selectableCount > options.length) throw new ValidationError(`invalid SelectableCount: at most the number of options (${options.length}); 0 allows any number`)
  const id = present(fields.Id) ? fields.Id : undefined
  return await messaging.send(userId, chat, { kind: 'poll', name, options, selectableCount }, { id, details: 'Poll sent successfully' })
}

export async function setChatPresence (messaging: MessagingService, userId: string, fields: { Phone: string, State: 'composing' | 'paused', Media?: '' | 'audio' }): Promise<{ Details: string }> {
  const chat = messaging.recipient(fields.Phone, 'Phone')
  if (chat === 'status@broadcast') throw new ValidationError('invalid Phone "status@broadcast": a chat presence goes to a user or a group')
  const state: ChatPresence = fields.State === 'composing' && fields.Media === 'audio' ? 'recording' : fields.State
  await messaging.session(userId).ops().presence(chat, state)
  return { Details: 'Chat presence set successfuly' }
}

export async function setStatusText (messaging: MessagingService, userId: string, fields: { Body: string }): Promise<{ Details: string }> {
  if (fields.Body === '') throw new ValidationError('missing Body in Payload')
  await messaging.session(userId).ops().setStatusText(fields.Body)
  return { Details: 'Set' }
}

export async function rejectCall (messaging: MessagingService, userId: string, fields: { call_from: string, call_id: string }): Promise<{ Details: string, CallID: string }> {
  const from = userJid(messaging, fields.call_from, 'call_from')
  const callId = required(fields.call_id, 'call_id')
  await messaging.session(userId).ops().rejectCall(callId, from)
  return { Details: 'Call rejected', CallID: callId }
}
