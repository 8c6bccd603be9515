import { ValidationError } from '../errors.js'
import { decodeBase64, looksLikeDataUrl, splitDataUrl } from '../media/data-url.js'
import type { PhoneAction, PhoneMediaKind, PhoneQuote } from '../sandbox/index.js'

/**
 * `POST /sandbox/phones/{phone}/send` fields turned into one action of a virtual phone: exactly
 * one kind per request, named by its field (Body, Image, ..., Presence).
 */

export interface PhoneSendFields {
  To?: string
  Body?: string
  ContextInfo?: { StanzaID?: string, Participant?: string }
  QuotedText?: string
  Image?: string
  Document?: string
  Audio?: string
  Video?: string
  Sticker?: string
  FileName?: string
  MimeType?: string
  Caption?: string
  PTT?: boolean
  Latitude?: number
  Longitude?: number
  Name?: string
  Vcard?: string
  Poll?: string
  Options?: string[]
  SelectableCount?: number
  React?: string
  Edit?: string
  Revoke?: boolean
  Id?: string
  Participant?: string
  Read?: string[]
  Typing?: 'composing' | 'paused' | 'recording'
  Presence?: 'available' | 'unavailable'
  /** Option names voted in poll `Id` (an empty list withdraws the vote). */
  Vote?: string[]
  Call?: 'offer' | 'terminate'
  /** A video call (with Call "offer"). */
  VideoCall?: boolean
  Reason?: string
  /** A new profile picture (base64 / data URL), or "remove". */
  Picture?: string
  Identity?: boolean
  GroupCreate?: string
  GroupSubject?: string
  GroupParticipants?: 'add' | 'remove' | 'promote' | 'demote'
  /** Members for GroupCreate / GroupParticipants: user ids, numbers or JIDs. */
  Participants?: string[]
}

/** The field that names each kind, in the order the 400s list them. */
const KINDS = [
  'Body', 'Image', 'Document', 'Audio', 'Video', 'Sticker', 'Location', 'Vcard', 'Poll', 'React', 'Edit', 'Revoke', 'Read', 'Typing', 'Presence',
  'Vote', 'Call', 'Picture', 'Identity', 'GroupCreate', 'GroupSubject', 'GroupParticipants'
] as const

/** Kinds that go to no chat (`To` is not needed). */
export const WITHOUT_TO: ReadonlySet<string> = new Set(['Presence', 'Vote', 'GroupCreate'])
type KindField = typeof KINDS[number]

const MEDIA: Partial<Record<KindField, { kind: PhoneMediaKind, mimetype: string }>> = {
  Image: { kind: 'image', mimetype: 'image/jpeg' },
  Document: { kind: 'document', mimetype: 'application/octet-stream' },
  Audio: { kind: 'audio', mimetype: 'audio/ogg; codecs=opus' },
  Video: { kind: 'video', mimetype: 'video/mp4' },
  Sticker: { kind: 'sticker', mimetype: 'image/webp' }
}

function given (fields: PhoneSendFields, kind: KindField): boolean {
  if (kind === 'Location') return fields.Latitude !== undefined || fields.Longitude !== undefined
  if (kind === 'Revoke') return fields.Revoke === true
  if (kind === 'Identity') return fields.Identity === true
  return fields[kind] !== undefined
}

/** Which kind the request names: 400 when none or several. */
export function phoneSendKind (fields: PhoneSendFields): KindField {
  const named = KINDS.filter(k => given(fields, k))
  const all = 'Body, Image, Document, Audio, Video, Sticker, Latitude+Longitude, Vcard, Poll, React, Edit, Revoke, Read, Typing, Presence, Vote, Call, Picture, Identity, GroupCreate, GroupSubject or GroupParticipants'
  if (named.length === 0) throw new ValidationError(`nothing to send: give one of ${all}`)
  if (named.length > 1) throw new ValidationError(`one kind per request: got ${named.join(' and ')}; send them one at a time`)
  return named[0] as KindField
}

function decodeMedia (field: string, value: string): { data: Buffer, mimetype: string | undefined } {
  let start = 0
  let mimetype: string | undefined
  if (looksLikeDataUrl(value)) {
    const parts = splitDataUrl(value)
    if (!parts.ok) throw new ValidationError(`invalid ${field}: use a base64 data URL (data:<type>;base64,...) or bare base64`)
    start = parts.payloadStart
    mimetype = parts.mimetype
  }
  const decoded = decodeBase64(value, start)
  if (!decoded.ok || decoded.data.length === 0) throw new ValidationError(`invalid ${field}: could not decode the base64 data`)
  return { data: decoded.data, mimetype }
}

function needId (fields: PhoneSendFields, kind: string): string {
  if (fields.Id === undefined || fields.Id === '') throw new ValidationError(`missing Id in Payload: ${kind} needs the id of the message it is about`)
  return fields.Id
}

/** wuzapi's `me:` prefix: the message is the phone's own. */
function target (fields: PhoneSendFields, kind: string): { id: string, fromMe: boolean } {
  const raw = needId(fields, kind)
  return raw.startsWith('me:') ? { id: raw.slice(3), fromMe: true } : { id: raw, fromMe: false }
}

export function phoneAction (fields: PhoneSendFields, kind: KindField): PhoneAction {
  const media = MEDIA[kind]
  if (media !== undefined) {
    const { data, mimetype } = decodeMedia(kind, fields[kind as 'Image'] ?? '')
    if (kind === 'Document' && (fields.FileName ?? '') === '') throw new ValidationError('missing FileName in Payload: a document needs a file name')
    return {
      kind: 'media',
      media: media.kind,
      data,
      mimetype: fields.MimeType ?? mimetype ?? media.mimetype,
      ...(fields.Caption !== undefined ? { caption: fields.Caption } : {}),
      ...(fields.FileName !== undefined ? { fileName: fields.FileName } : {}),
      ...(fields.PTT !== undefined ? { ptt: fields.PTT } : {})
    }
  }
  switch (kind) {
    case 'Body':
      if (fields.Body === '') throw new ValidationError('missing Body in Payload')
      return { kind: 'text', text: fields.Body ?? '' }
    case 'Location':
      if (fields.Latitude === undefined) throw new ValidationError('missing Latitude in Payload')
      if (fields.Longitude === undefined) throw new ValidationError('missing Longitude in Payload')
      return { kind: 'location', latitude: fields.Latitude, longitude: fields.Longitude, ...(fields.Name !== undefined ? { name: fields.Name } : {}) }
    case 'Vcard':
      if ((fields.Name ?? '') === '') throw new ValidationError('missing Name in Payload: a contact needs a display name')
      return { kind: 'contact', name: fields.Name ?? '', vcard: fields.Vcard ?? '' }
    case 'Poll': {
      const options = fields.Options ?? []
      if (options.length < 2) throw new ValidationError('at least 2 Options are required')
      if (new Set(options).size !== options.length) throw new ValidationError('invalid Options: every option must be different')
      return { kind: 'poll', name: fields.Poll ?? '', options, selectableCount: fields.SelectableCount ?? 1 }
    }
    case 'React':
      return { kind: 'reaction', ...target(fields, 'a reaction'), emoji: fields.React ?? '', ...(fields.Participant !== undefined ? { participant: fields.Participant } : {}) }
    case 'Edit':
      if (fields.Edit === '') throw new ValidationError('invalid Edit: the new text must not be empty')
      return { kind: 'edit', id: needId(fields, 'an edit'), text: fields.Edit ?? '' }
    case 'Revoke':
      return { kind: 'revoke', id: needId(fields, 'a revoke') }
    case 'Read':
      if ((fields.Read ?? []).length === 0) throw new ValidationError('invalid Read: list the ids of the messages read')
      return { kind: 'read', ids: fields.Read ?? [], ...(fields.Participant !== undefined ? { participant: fields.Participant } : {}) }
    case 'Typing':
      return { kind: 'chatstate', state: fields.Typing ?? 'composing' }
    case 'Vote':
      return { kind: 'vote', id: needId(fields, 'a vote'), options: fields.Vote ?? [] }
    case 'Call': {
      const call = fields.Call ?? 'offer'
      if (call === 'terminate' && (fields.Id ?? '') === '') throw new ValidationError('missing Id in Payload: terminate needs the CallID the offer answered')
      return { kind: 'call', call, video: fields.VideoCall === true, ...(fields.Id !== undefined && fields.Id !== '' ? { id: fields.Id } : {}), ...(fields.Reason !== undefined ? { reason: fields.Reason } : {}) }
    }
    case 'Picture':
      return { kind: 'picture', data: fields.Picture === 'remove' ? undefined : decodeMedia('Picture', fields.Picture ?? '').data }
    case 'Identity':
      return { kind: 'identity' }
    case 'GroupCreate':
      if ((fields.GroupCreate ?? '').trim() === '') throw new ValidationError('invalid GroupCreate: give the group\'s name')
      return { kind: 'group-create', subject: fields.GroupCreate ?? '', members: fields.Participants ?? [] }
    case 'GroupSubject':
      if ((fields.GroupSubject ?? '').trim() === '') throw new ValidationError('invalid GroupSubject: the new name must not be empty')
      return { kind: 'group-change', change: { kind: 'subject', subject: fields.GroupSubject ?? '' } }
    case 'GroupParticipants':
      if ((fields.Participants ?? []).length === 0) throw new ValidationError('missing Participants in Payload: list the members to change')
      return { kind: 'group-change', change: { kind: 'participants', action: fields.GroupParticipants ?? 'add', members: fields.Participants ?? [] } }
    default:
      return { kind: 'presence', type: fields.Presence ?? 'available' }
  }
}

/** A text reply's quote (`ContextInfo.StanzaID`, author `Participant`, `QuotedText`). */
export function phoneQuote (fields: PhoneSendFields, kind: KindField): PhoneQuote | undefined {
  const info = fields.ContextInfo
  if (info?.StanzaID === undefined || info.StanzaID === '') {
    if (info?.Participant !== undefined) throw new ValidationError('missing StanzaID in ContextInfo')
    return undefined
  }
  if (['React', 'Edit', 'Revoke', 'Read', 'Typing', 'Presence', 'Vote', 'Call', 'Picture', 'Identity', 'GroupCreate', 'GroupSubject', 'GroupParticipants'].includes(kind)) throw new ValidationError(`invalid ContextInfo: a ${kind} cannot quote a message`)
  return { id: info.StanzaID, ...(info.Participant !== undefined ? { participant: info.Participant } : {}), ...(fields.QuotedText !== undefined ? { text: fields.QuotedText } : {}) }
}
