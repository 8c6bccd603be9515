import type { ChatMedia, ChatMessageType, MessageSummary } from './types.js'

export type { MessageSummary } from './types.js'

type Json = Record<string, unknown>

const WRAPPERS = ['ephemeralMessage', 'viewOnceMessage', 'viewOnceMessageV2', 'viewOnceMessageV2Extension', 'documentWithCaptionMessage']
/** Keys that ride along with the content and are not the content. */
const BESIDE = new Set(['messageContextInfo', 'senderKeyDistributionMessage'])
const MEDIA: Record<string, ChatMedia['kind']> = {
  imageMessage: 'image',
  videoMessage: 'video',
  ptvMessage: 'video',
  audioMessage: 'audio',
  documentMessage: 'document',
  stickerMessage: 'sticker'
}
const SIMPLE: Record<string, ChatMessageType> = {
  conversation: 'text',
  extendedTextMessage: 'text',
  contactMessage: 'contact',
  contactsArrayMessage: 'contact',
  locationMessage: 'location',
  liveLocationMessage: 'location',
  reactionMessage: 'reaction',
  pollCreationMessage: 'poll',
  pollCreationMessageV2: 'poll',
  pollCreationMessageV3: 'poll',
  pollUpdateMessage: 'poll_vote',
  buttonsMessage: 'buttons',
  interactiveMessage: 'buttons',
  listMessage: 'list',
  buttonsResponseMessage: 'buttons_response',
  templateButtonReplyMessage: 'buttons_response',
  listResponseMessage: 'list_response'
}
/** proto.Message.ProtocolMessage.Type values a history keeps; the others are WhatsApp's own housekeeping. */
const REVOKE = 0
const MESSAGE_EDIT = 14

function obj (value: unknown): Json | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? value as Json : undefined
}

function str (value: unknown): string {
  return typeof value === 'string' ? value : ''
}

function num (value: unknown): number {
  const n = typeof value === 'string' ? Number(value) : value
  return typeof n === 'number' && Number.isFinite(n) ? n : 0
}

/** The message inside ephemeral, view-once and document-with-caption wrappers. */
function unwrap (message: Json): Json {
  let m = message
  for (let depth = 0; depth < 4; depth++) {
    const wrapper = WRAPPERS.map(k => obj(obj(m[k])?.message)).find(inner => inner !== undefined)
    if (wrapper === undefined) return m
    m = wrapper
  }
  return m
}

/** The content key of a message (`imageMessage`, `conversation`, ...), skipping what rides along. */
function contentKey (message: Json): string | undefined {
  return Object.keys(message).find(k => !BESIDE.has(k) && message[k] !== null && message[k] !== undefined)
}

function textOf (key: string, content: unknown): string {
  if (key === 'conversation') return str(content)
  const c = obj(content) ?? {}
  switch (key) {
    case 'extendedTextMessage': return str(c.text)
    case 'reactionMessage': return str(c.text)
    case 'contactMessage': return str(c.displayName)
    case 'contactsArrayMessage': return str(c.displayName)
    case 'locationMessage':
    case 'liveLocationMessage': return str(c.name) || str(c.caption)
    case 'pollCreationMessage':
    case 'pollCreationMessageV2':
    case 'pollCreationMessageV3': return str(c.name)
    case 'buttonsMessage': return str(c.contentText)
    case 'listMessage': return str(c.description)
    case 'buttonsResponseMessage': return str(c.selectedDisplayText)
    case 'templateButtonReplyMessage': return str(c.selectedDisplayText)
    case 'listResponseMessage': return str(c.title)
    default: return str(c.caption)
  }
}

function mediaOf (kind: ChatMedia['kind'], content: Json): ChatMedia {
  return {
    kind,
    mimetype: str(content.mimetype),
    url: str(content.url),
    directPath: str(content.directPath),
    fileLength: num(content.fileLength),
    fileName: str(content.fileName)
  }
}

/** A protocol message worth keeping (an edit or a revoke), or undefined. */
function protocol (content: Json, secret: string | undefined): MessageSummary | undefined {
  const type = num(content.type)
  const targetId = str(obj(content.key)?.id)
  if (type === REVOKE) return { type: 'delete', text: '', media: undefined, quotedId: '', targetId, secret }
  if (type !== MESSAGE_EDIT) return undefined
  const edited = obj(content.editedMessage)
  const inner = edited === undefined ? undefined : unwrap(edited)
  const key = inner === undefined ? undefined : contentKey(inner)
  const text = inner === undefined || key === undefined ? '' : textOf(key, inner[key])
  return { type: 'edit', text, media: undefined, quotedId: '', targetId, secret }
}

/**
 * Reads a message's type, text, media, reply and target from its proto JSON; undefined for what
 * is not a chat message (WhatsApp's protocol housekeeping, empty messages).
 */
export function summarizeMessage (message: Json | null | undefined): MessageSummary | undefined {
  if (message === null || message === undefined) return undefined
  const secret = str(obj(message.messageContextInfo)?.messageSecret) || undefined
  const m = unwrap(message)
  const key = contentKey(m)
  if (key === undefined) return undefined
  const raw = m[key]
  const content = obj(raw) ?? {}
  if (key === 'protocolMessage') return protocol(content, secret)
  const kind = MEDIA[key]
  const type: ChatMessageType = kind ?? SIMPLE[key] ?? 'unknown'
  const targetId = key === 'reactionMessage'
    ? str(obj(content.key)?.id)
    : key === 'pollUpdateMessage' ? str(obj(content.pollCreationMessageKey)?.id) : ''
  return {
    type,
    text: textOf(key, raw),
    media: kind === undefined ? undefined : mediaOf(kind, content),
    quotedId: str(obj(content.contextInfo)?.stanzaId),
    targetId,
    secret
  }
}
