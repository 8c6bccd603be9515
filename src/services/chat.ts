import { ValidationError } from '../errors.js'
import type { ChatPresence } from '../whatsapp/chat-ops.js'
import type { ButtonAction, ButtonsOut, ListOut, ListRow, ListSection } from '../whatsapp/outgoing.js'
import type { MessagingService, SendAnswer } from './messaging.js'
import { present, replyContext, userJid, type ReplyFields } from './reply-context.js'

/**
 * The use-cases behind `/chat/send/text|location|contact|poll|buttons|list`, `/chat/presence`, `/status/set/text`
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

/** wuzapi cuts a button's title to 20 characters (WhatsApp's clients show no more). */
const BUTTON_TITLE_MAX = 20

export interface ButtonFields {
  Type?: string
  Title?: string
  Text?: string
  ButtonText?: string
  Id?: string
  ButtonId?: string
  Url?: string
  phone_number?: string
  copy_code?: string
}

export interface ButtonsFields extends Omit<SendFields, 'Phone'> {
  Phone?: string
  Body?: string
  Text?: string
  Title?: string
  Footer?: string
  Buttons?: ButtonFields[]
}

function firstPresent (...values: Array<string | undefined>): string | undefined {
  return values.find(v => present(v) && v.trim() !== '')?.trim()
}

/** One of wuzapi's buttons in our terms; undefined for what wuzapi skips (unknown type, no title). */
function toButton (b: ButtonFields, i: number): ButtonAction | undefined {
  const full = firstPresent(b.Title, b.Text, b.ButtonText)
  if (full === undefined) return undefined
  const title = [...full].slice(0, BUTTON_TITLE_MAX).join('')
  const need = (value: string | undefined, field: string, type: string): string => {
    const v = firstPresent(value)
    if (v === undefined) throw new ValidationError(`invalid Buttons[${i}]: a ${type} button needs ${field}`)
    return v
  }
  // no type: the legacy {buttonId, buttonText} shape, a quick reply
  switch ((b.Type ?? '').trim().toLowerCase()) {
    case '':
    case 'reply': return { type: 'reply', title, id: firstPresent(b.Id, b.ButtonId) ?? title }
    case 'cta_url': {
      const url = need(b.Url, 'url', 'cta_url')
      if (!/^https?:\/\/\S+$/i.test(url)) throw new ValidationError(`invalid Buttons[${i}].url: must be an http:// or https:// URL`)
      return { type: 'url', title, url }
    }
    case 'cta_call': return { type: 'call', title, phone: need(b.phone_number, 'phone_number', 'cta_call') }
    case 'copy': return { type: 'copy', title, code: need(b.copy_code, 'copy_code', 'copy') }
    default: return undefined
  }
}

export async function sendButtons (messaging: MessagingService, userId: string, fields: ButtonsFields): Promise<SendAnswer> {
  const body = firstPresent(fields.Body, fields.Text)
  if (!present(fields.Phone) || body === undefined || fields.Buttons === undefined || fields.Buttons.length === 0) {
    throw new ValidationError('missing Phone, Body or Buttons')
  }
  const { chat, id } = target(messaging, { ...fields, Phone: fields.Phone })
  const buttons = fields.Buttons.map(toButton).filter((b): b is ButtonAction => b !== undefined)
  if (buttons.length === 0) throw new ValidationError('no valid buttons parsed: give each button a title and a type of reply, cta_url, cta_call or copy')
  const context = replyContext(messaging, fields)
  const message: ButtonsOut = {
    kind: 'buttons',
    body,
    buttons,
    ...(present(fields.Title) ? { title: fields.Title } : {}),
    ...(present(fields.Footer) ? { footer: fields.Footer } : {}),
    context
  }
  return await messaging.send(userId, chat, message, { id })
}

export interface ListRowFields { Title?: string, Desc?: string, RowId?: string }

export interface ListFields extends Omit<SendFields, 'Phone'> {
  Phone?: string
  ButtonText?: string
  Desc?: string
  Body?: string
  Text?: string
  TopText?: string
  FooterText?: string
  Sections?: Array<{ Title?: string, Rows?: ListRowFields[] }>
  List?: ListRowFields[]
}

/** Rows without a title are skipped, as wuzapi does; a row without an id is answered with its title. */
function toRows (rows: ListRowFields[] | undefined): ListRow[] {
  const out: ListRow[] = []
  for (const r of rows ?? []) {
    const title = firstPresent(r.Title)
    if (title === undefined) continue
    const description = firstPresent(r.Desc)
    out.push({ id: firstPresent(r.RowId) ?? title, title, ...(description !== undefined ? { description } : {}) })
  }
  return out
}

export async function sendList (messaging: MessagingService, userId: string, fields: ListFields): Promise<SendAnswer> {
  if (!present(fields.Phone)) throw new ValidationError('missing Phone in Payload')
  const body = firstPresent(fields.Desc, fields.Body, fields.Text)
  if (body === undefined) throw new ValidationError('missing Desc/Body in Payload')
  const given = fields.Sections !== undefined && fields.Sections.length > 0
    ? fields.Sections.map(s => ({ title: s.Title?.trim() ?? '', rows: toRows(s.Rows) }))
    : fields.List !== undefined && fields.List.length > 0 ? [{ title: '', rows: toRows(fields.List) }] : undefined
  if (given === undefined) throw new ValidationError('missing Sections (or List) in Payload')
  const sections: ListSection[] = given.filter(s => s.rows.length > 0)
  if (sections.length === 0) throw new ValidationError('no valid sections/rows found in Payload: each row needs a title')
  const ids = sections.flatMap(s => s.rows.map(r => r.id))
  // the recipient's choice names the row by its id: two equal ids could not be told apart
  const twice = ids.find((v, i) => ids.indexOf(v) !== i)
  if (twice !== undefined) throw new ValidationError(`invalid Sections: row id "${twice}" is used twice; give each row its own RowId`)
  const { chat, id } = target(messaging, { ...fields, Phone: fields.Phone })
  const context = replyContext(messaging, fields)
  const message: ListOut = {
    kind: 'list',
    body,
    buttonText: firstPresent(fields.ButtonText) ?? 'Select',
    sections,
    ...(present(fields.TopText) ? { title: fields.TopText } : {}),
    ...(present(fields.FooterText) ? { footer: fields.FooterText } : {}),
    context
  }
  return await messaging.send(userId, chat, message, { id })
}
