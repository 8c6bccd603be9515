import { isJidBroadcast, isJidGroup, isJidNewsletter, isLidUser, isPnUser, jidNormalizedUser, proto } from '@whiskeysockets/baileys'
import type { Json } from '../../events/catalogue.js'

/**
 * Pieces every webhook event mapper shares, all pure: whatsmeow's `MessageSource` from a Baileys
 * message key, Go's `time.Time` JSON, and a proto.Message as whatsmeow's JSON (its field names).
 */

/** The session's own login in both forms and the LID↔phone-number pairs the session resolved beforehand. */
export interface AddressBook {
  /** Our phone-number JID (`5511...@s.whatsapp.net`, no device), or ''. */
  ownPn: string
  /** Our LID (`1234...@lid`, no device), or ''. */
  ownLid: string
  /**
   * The other form of a user JID (LID for a phone JID, phone JID for a LID), no device; undefined
   * when nobody knows it. Looked up before mapping, so mappers stay synchronous and pure.
   */
  alt: (jid: string) => string | undefined
}

/** An address book from a map of known pairs (either direction; `pairs` from the session's lookups). */
export function addressBook (ownPn: string, ownLid: string, pairs: Iterable<readonly [string, string]>): AddressBook {
  const map = new Map<string, string>()
  const add = (a: string, b: string): void => {
    const x = jidNormalizedUser(a)
    const y = jidNormalizedUser(b)
    if (x === '' || y === '' || x === y) return
    map.set(x, y)
    map.set(y, x)
  }
  if (ownPn !== '' && ownLid !== '') add(ownPn, ownLid)
  for (const [a, b] of pairs) add(a, b)
  return { ownPn: jidNormalizedUser(ownPn), ownLid: jidNormalizedUser(ownLid), alt: jid => map.get(jidNormalizedUser(jid)) }
}

/** whatsmeow's `types.MessageSource`, as Go marshals it (declaration order). */
export interface MessageSource {
  Chat: string
  Sender: string
  IsFromMe: boolean
  IsGroup: boolean
  /** '' , 'pn' or 'lid': how the chat addresses its members (groups), 'lid' for a LID-addressed 1:1 chat. */
  AddressingMode: string
  SenderAlt: string
  RecipientAlt: string
  BroadcastListOwner: string
  BroadcastRecipients: null
}

/** The parts of a Baileys message key (or receipt/chat state stanza) a source is made from. */
export interface SourceKey {
  remoteJid?: string | null
  remoteJidAlt?: string | null
  participant?: string | null
  participantAlt?: string | null
  fromMe?: boolean | null
  addressingMode?: string | null
}

function user (jid: string | null | undefined): string {
  return jid === null || jid === undefined || jid === '' ? '' : jidNormalizedUser(jid)
}

function isUser (jid: string): boolean {
  return isPnUser(jid) === true || isLidUser(jid) === true
}

/** `alt` when it is the other form of `jid` (a phone JID for a LID or the reverse), else ''. */
function otherForm (jid: string, alt: string): string {
  if (alt === '' || jid === '') return ''
  if (isLidUser(jid) === true) return isPnUser(alt) === true ? alt : ''
  if (isPnUser(jid) === true) return isLidUser(alt) === true ? alt : ''
  return ''
}

/** The other form of a user JID: what the key says when it says it, else what the address book knows. */
function altOf (jid: string, fromKey: string, book: AddressBook): string {
  if (!isUser(jid)) return ''
  return otherForm(jid, fromKey) || otherForm(jid, book.alt(jid) ?? '')
}

/** Our own JID in the form the chat uses (a LID-addressed chat sees our LID). */
function ownIn (lidAddressed: boolean, book: AddressBook): string {
  return lidAddressed ? book.ownLid || book.ownPn : book.ownPn || book.ownLid
}

/**
 * whatsmeow's MessageSource for a message key. `Chat` and `Sender` carry the addressing the chat
 * uses (a LID chat has LIDs); `SenderAlt` is the sender's other form (in groups the participant's
 * phone number when the group is LID-addressed), `RecipientAlt` the chat's other form for a 1:1
 * message we sent from another device. Baileys' `remoteJidAlt` is the *sender's* alternate even on
 * our own messages, so it only counts when it is the other form of the JID it is used for.
 */
export function messageSource (key: SourceKey, book: AddressBook): MessageSource {
  const chat = user(key.remoteJid)
  const fromMe = key.fromMe === true
  const isGroup = isJidGroup(chat) === true || isJidBroadcast(chat) === true
  const source: MessageSource = {
    Chat: chat,
    Sender: '',
    IsFromMe: fromMe,
    IsGroup: isGroup,
    AddressingMode: '',
    SenderAlt: '',
    RecipientAlt: '',
    BroadcastListOwner: '',
    BroadcastRecipients: null
  }
  if (isGroup) {
    const participant = user(key.participant)
    const lid = key.addressingMode === 'lid' || (key.addressingMode !== 'pn' && isLidUser(participant) === true)
    source.AddressingMode = key.addressingMode === 'lid' || key.addressingMode === 'pn' ? key.addressingMode : lid ? 'lid' : 'pn'
    source.Sender = participant !== '' ? participant : fromMe ? ownIn(lid, book) : ''
    source.SenderAlt = altOf(source.Sender, user(key.participantAlt), book)
    return source
  }
  if (isJidNewsletter(chat) === true) {
    source.Sender = chat
    return source
  }
  const lid = isLidUser(chat) === true
  if (lid) source.AddressingMode = 'lid'
  const keyAlt = user(key.remoteJidAlt)
  if (fromMe) {
    const ours = keyAlt === book.ownPn || keyAlt === book.ownLid
    source.Sender = ownIn(lid, book)
    source.SenderAlt = altOf(source.Sender, ours ? keyAlt : '', book)
    source.RecipientAlt = altOf(chat, ours ? '' : keyAlt, book)
    return source
  }
  source.Sender = chat
  source.SenderAlt = altOf(chat, keyAlt, book)
  return source
}

/**
 * whatsmeow's `parseMessageSource` for a raw stanza (`<receipt>`, `<chatstate>`, ...) from its
 * attributes: `from`, `participant`, `recipient`, `addressing_mode` and the `*_pn`/`*_lid`
 * alternates; an alternate the stanza does not carry comes from the address book.
 */
export function stanzaSource (attrs: Readonly<Record<string, string | undefined>>, book: AddressBook): MessageSource {
  const from = attrs.from ?? ''
  const fromUser = user(from)
  const source: MessageSource = {
    Chat: '',
    Sender: '',
    IsFromMe: false,
    IsGroup: false,
    AddressingMode: attrs.addressing_mode ?? '',
    SenderAlt: '',
    RecipientAlt: '',
    BroadcastListOwner: '',
    BroadcastRecipients: null
  }
  const mine = (jid: string): boolean => jid !== '' && (jid === book.ownPn || jid === book.ownLid)
  if (isJidGroup(from) === true || isJidBroadcast(from) === true) {
    source.IsGroup = true
    source.Chat = from
    source.Sender = user(attrs.participant)
    const stanzaAlt = source.AddressingMode === 'lid' ? attrs.participant_pn : attrs.participant_lid
    source.SenderAlt = altOf(source.Sender, user(stanzaAlt), book)
    source.IsFromMe = mine(source.Sender)
    if (isJidBroadcast(from) === true) source.BroadcastListOwner = user(attrs.recipient)
    return source
  }
  if (isJidNewsletter(from) === true) {
    source.Chat = from
    source.Sender = from
    return source
  }
  if (mine(fromUser)) {
    source.IsFromMe = true
    source.Sender = fromUser
    source.Chat = attrs.recipient !== undefined && attrs.recipient !== '' ? user(attrs.recipient) : fromUser
    const stanzaAlt = isLidUser(source.Chat) === true ? attrs.peer_recipient_pn : attrs.peer_recipient_lid
    source.RecipientAlt = altOf(source.Chat, user(stanzaAlt), book)
    return source
  }
  source.Chat = fromUser
  source.Sender = fromUser
  const stanzaAlt = isLidUser(fromUser) === true ? attrs.sender_pn : attrs.sender_lid
  source.SenderAlt = altOf(fromUser, user(stanzaAlt), book)
  return source
}

/** The source as a JSON object (for spreading into an event). */
export function sourceJson (source: MessageSource): Record<string, Json> {
  return { ...source }
}

/** Go's zero `time.Time` as JSON. */
export const ZERO_TIME = '0001-01-01T00:00:00Z'

/**
 * A time as Go's `time.Time` marshals to JSON (RFC 3339, trailing zeros of the fraction dropped),
 * in UTC; 0 (or less) is Go's zero time.
 */
export function goTime (ms: number): string {
  if (!Number.isFinite(ms) || ms <= 0) return ZERO_TIME
  const iso = new Date(ms).toISOString()
  return iso.replace(/\.(\d{3})Z$/, (_, frac: string) => {
    const trimmed = frac.replace(/0+$/, '')
    return trimmed === '' ? 'Z' : `.${trimmed}Z`
  })
}

/** {@link goTime} for Unix seconds. */
export function goTimeSeconds (seconds: number): string {
  return goTime(seconds * 1000)
}

/**
 * Words that WhatsApp's proto names (hence whatsmeow's JSON) spell in capitals where Baileys'
 * generated names spell them lowerCamel: `url` → `URL`, `fileSha256` → `fileSHA256`,
 * `jpegThumbnail` → `JPEGThumbnail`, `stanzaId` → `stanzaID`, `mentionedJid` → `mentionedJID`,
 * `ptt` → `PTT`, `encIv` → `encIV`, `senderTimestampMs` → `senderTimestampMS`.
 */
const ACRONYMS = new Map(['url', 'id', 'jid', 'sha256', 'jpeg', 'ptt', 'ms', 'iv', 'ts', 'mms'].map(w => [w, w.toUpperCase()]))

/**
 * A Baileys (protobufjs) field name as whatsmeow's JSON spells it: the name is split into its
 * camelCase words and every word in {@link ACRONYMS} is written in capitals, wherever it stands.
 */
export function goFieldName (name: string): string {
  const words = name.match(/^[a-z0-9]+|[A-Z][a-z0-9]*/g)
  if (words === null || words.join('') !== name) return name
  let changed = false
  const out = words.map(w => {
    const upper = ACRONYMS.get(w.toLowerCase())
    if (upper === undefined) return w
    changed = true
    return upper
  })
  return changed ? out.join('') : name
}

/** Renames every object key of a JSON value to whatsmeow's spelling (arrays walked, values kept). */
export function renameKeys (value: unknown): Json {
  if (Array.isArray(value)) return value.map(renameKeys)
  if (value !== null && typeof value === 'object') {
    const out: Record<string, Json> = {}
    for (const [k, v] of Object.entries(value)) {
      if (v !== undefined) out[goFieldName(k)] = renameKeys(v)
    }
    return out
  }
  return value as Json
}

/**
 * A proto.Message as whatsmeow's JSON: WhatsApp's field names (`URL`, `fileSHA256`, `PTT`,
 * `stanzaID`, ...), enums and 64-bit integers as numbers, bytes as base64, unset fields left out.
 */
export function goMessageJson (message: proto.IMessage | null | undefined): Record<string, Json> | null {
  if (message === null || message === undefined) return null
  const decoded = message instanceof proto.Message ? message : proto.Message.fromObject(message)
  const plain = proto.Message.toObject(decoded, { longs: Number, enums: Number, bytes: String })
  return renameKeys(plain) as Record<string, Json>
}

/** A message key as whatsmeow's JSON (`remoteJID`, `fromMe`, `ID`, `participant`). */
export function goKeyJson (key: proto.IMessageKey | null | undefined): Record<string, Json> {
  if (key === null || key === undefined) return {}
  return renameKeys(proto.MessageKey.toObject(proto.MessageKey.fromObject(key))) as Record<string, Json>
}
