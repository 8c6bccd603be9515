import { z } from 'zod'
import { LIMITS, text } from './common.js'

/** Limits of WhatsApp's own: a poll has at most 12 options; an "about" text at most 139 characters. */
export const CHAT_LIMITS = {
  pollOptions: 12,
  pollText: 255,
  statusText: 139,
  mentions: 1024,
  vcard: 65_536,
  /** proto JSON of a quoted message, serialized. */
  quotedMessage: 65_536,
  /** Bounds against abuse, above what WhatsApp's clients render (3 reply buttons, 10 list rows). */
  buttons: 64,
  listSections: 64,
  listRows: 256
} as const

/** A custom message id (wuzapi's `Id`): '' means "generate one". */
const messageId = text(LIMITS.id).regex(/^[A-Za-z0-9_-]*$/, 'use letters, digits, - and _ only (e.g. 3EB0C431C26A1916E07A)').optional()

/** wuzapi's `ContextInfo` (whatsmeow's proto field names, matched case-insensitively: `StanzaId` works too). */
const contextInfo = z.object({
  StanzaID: text(LIMITS.id).optional(),
  Participant: text(LIMITS.phone).optional(),
  MentionedJID: z.array(text(LIMITS.phone)).max(CHAT_LIMITS.mentions, `must have at most ${CHAT_LIMITS.mentions} entries`).optional(),
  IsForwarded: z.boolean().optional()
})

/** Proto JSON of the quoted message (`{"conversation":"..."}`); checked for being a message by the service. */
const quotedMessage = z.record(z.string(), z.unknown())
  .refine(v => JSON.stringify(v).length <= CHAT_LIMITS.quotedMessage, `must be at most ${CHAT_LIMITS.quotedMessage} characters as JSON`)

/** wuzapi's reply and mention fields, on every send (text and media alike). */
export const replyFields = {
  ContextInfo: contextInfo.optional(),
  QuotedText: text(LIMITS.text).optional(),
  QuotedMessage: quotedMessage.optional()
}

/** Fields every send shares: recipient, custom id, reply/mention context. */
export const sendFields = {
  Phone: text(LIMITS.phone),
  Id: messageId,
  ...replyFields
}

/** `POST /chat/send/text`. */
export const sendTextSchema = z.object({
  ...sendFields,
  Body: text(LIMITS.text),
  LinkPreview: z.boolean().optional()
})

const latitude = z.number().min(-90, 'must be between -90 and 90').max(90, 'must be between -90 and 90')
const longitude = z.number().min(-180, 'must be between -180 and 180').max(180, 'must be between -180 and 180')

/** `POST /chat/send/location`: 0 is refused as missing, as wuzapi does. */
export const sendLocationSchema = z.object({
  ...sendFields,
  Latitude: latitude,
  Longitude: longitude,
  Name: text(LIMITS.name).optional(),
  Address: text(LIMITS.name).optional()
})

/** `POST /chat/send/contact`. */
export const sendContactSchema = z.object({
  ...sendFields,
  Name: text(LIMITS.name),
  Vcard: text(CHAT_LIMITS.vcard)
})

/** `POST /chat/send/poll`: wuzapi's `group`/`header`/`options` and `Phone`/`Header`/`Options` (keys match case-insensitively). */
export const sendPollSchema = z.object({
  Phone: text(LIMITS.phone).optional(),
  Group: text(LIMITS.phone).optional(),
  Header: text(CHAT_LIMITS.pollText),
  Options: z.array(text(CHAT_LIMITS.pollText)).max(CHAT_LIMITS.pollOptions, `must have at most ${CHAT_LIMITS.pollOptions} entries (WhatsApp's limit)`).optional(),
  SelectableCount: z.number().int('must be a whole number').min(0, 'must be 0 (any number) or more').optional(),
  Id: messageId
})

/** `POST /chat/presence`: `Media: "audio"` shows "recording audio" instead of "typing". */
export const presenceSchema = z.object({
  Phone: text(LIMITS.phone),
  // a string first, so a missing State reads "missing State in Payload"
  State: z.string().pipe(z.enum(['composing', 'paused'], { error: 'must be composing or paused' })),
  Media: z.string().pipe(z.enum(['', 'audio'], { error: 'must be "" or audio' })).optional()
})

/** `POST /status/set/text`. */
export const statusTextSchema = z.object({
  Body: text(CHAT_LIMITS.statusText)
})

/** `POST /call/reject` (wuzapi's snake_case keys). */
export const rejectCallSchema = z.object({
  call_from: text(LIMITS.phone),
  call_id: text(LIMITS.id)
})

/** wuzapi's answer to a send: the server's ack time (Unix seconds) and the message id. */
export const sendResponse = z.object({ Details: z.string(), Timestamp: z.number(), Id: z.string() })

export const callRejectResponse = z.object({ Details: z.string(), CallID: z.string() })

/** One of wuzapi's `Buttons`: its title under `title`, `text` or `buttonText`, its id under `id` or `buttonId`. */
const button = z.object({
  Type: text(LIMITS.name).optional(),
  Title: text(LIMITS.name).optional(),
  Text: text(LIMITS.name).optional(),
  ButtonText: text(LIMITS.name).optional(),
  Id: text(LIMITS.id).optional(),
  ButtonId: text(LIMITS.id).optional(),
  Url: text(LIMITS.url).optional(),
  phone_number: text(LIMITS.phone).optional(),
  copy_code: text(LIMITS.name).optional()
})

/** `POST /chat/send/buttons`: the body under `Body` or `text`; the service checks what wuzapi checks. */
export const sendButtonsSchema = z.object({
  ...sendFields,
  Phone: text(LIMITS.phone).optional(),
  Body: text(LIMITS.text).optional(),
  Text: text(LIMITS.text).optional(),
  Title: text(LIMITS.name).optional(),
  Footer: text(LIMITS.name).optional(),
  Buttons: z.array(button).max(CHAT_LIMITS.buttons, `must have at most ${CHAT_LIMITS.buttons} entries`).optional()
})

/** A list row: its id under any spelling of wuzapi's `RowId`. */
const listRow = z.object({
  Title: text(LIMITS.name).optional(),
  Desc: text(LIMITS.name).optional(),
  RowId: text(LIMITS.id).optional()
})

const listSection = z.object({
  Title: text(LIMITS.name).optional(),
  Rows: z.array(listRow).max(CHAT_LIMITS.listRows, `must have at most ${CHAT_LIMITS.listRows} entries`).optional()
})

/** `POST /chat/send/list`: `Sections`, or the legacy flat `List` of rows (one untitled section). */
export const sendListSchema = z.object({
  ...sendFields,
  Phone: text(LIMITS.phone).optional(),
  ButtonText: text(LIMITS.name).optional(),
  Desc: text(LIMITS.text).optional(),
  Body: text(LIMITS.text).optional(),
  Text: text(LIMITS.text).optional(),
  TopText: text(LIMITS.name).optional(),
  FooterText: text(LIMITS.name).optional(),
  Sections: z.array(listSection).max(CHAT_LIMITS.listSections, `must have at most ${CHAT_LIMITS.listSections} entries`).optional(),
  List: z.array(listRow).max(CHAT_LIMITS.listRows, `must have at most ${CHAT_LIMITS.listRows} entries`).optional()
})
