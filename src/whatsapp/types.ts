import type { WebhookEvent } from '../events/catalogue.js'

/**
 * What leaves `whatsapp/`: our own names for a session's state and lifecycle events, so services
 * never see Baileys' types.
 */

/** Lifecycle states of a user's WhatsApp session. */
export type SessionState = 'disconnected' | 'connecting' | 'qr' | 'pairing' | 'connected' | 'reconnecting' | 'logged_out'

export interface LastError { code: number | undefined, message: string, at: string }

/** A point-in-time view of a user's session; reading it never creates or starts a session. */
export interface SessionSnapshot {
  state: SessionState
  /** wuzapi's `connected`: a socket is up (logged in, or showing a QR/pairing code). */
  connected: boolean
  /** wuzapi's `loggedIn`. */
  loggedIn: boolean
  /** The current QR code as a PNG data URL, or ''. */
  qrcode: string
  /** The logged-in phone JID (`5511...@s.whatsapp.net`), or '' without a login. */
  jid: string
  pushName: string
  lastError: LastError | undefined
}

/** Why a session stopped for good (it will not reconnect by itself). */
export type StopCause = 'user' | 'qr_timeout' | 'replaced' | 'refused'

/**
 * A session's lifecycle events. The registry hands them to its listeners with the user id: the
 * listener that persists the auto-connect mark and the JID, and later the webhook event mapper.
 */
export type SessionEvent =
  | { type: 'state', state: SessionState, previous: SessionState }
  /** A new QR code to show (`code` is what the phone scans; `png` a data URL of it). */
  | { type: 'qr', code: string, png: string }
  /** The phone accepted this device; the login is stored (a 515 restart follows). `jid` is the device JID (`5511...:3@s.whatsapp.net`). */
  | { type: 'paired', jid: string, lid: string, platform: string }
  /** Logged in; `jid` is the device JID. */
  | { type: 'connected', jid: string }
  /** The connection dropped; the session reconnects by itself after `retryInMs`. */
  | { type: 'disconnected', code: number | undefined, reason: string, retryInMs: number }
  /** The session stopped and will not reconnect until the next connect. */
  | { type: 'stopped', cause: StopCause, code: number | undefined, reason: string }
  /** The login is gone (logged out here or from the phone, or refused by WhatsApp); the next connect shows a QR. */
  | { type: 'logged_out', remote: boolean, code: number | undefined, reason: string }
  /**
   * A message arrived in one of the user's chats (from someone else, or from the user's phone).
   * Emitted before WhatsApp is told the message was delivered: listeners commit synchronously.
   * `webhook` is the message as webhook receivers get it (wuzapi's `Message` event).
   */
  | { type: 'message', message: ChatMessage, webhook: WebhookEvent | undefined }
  /** Any other webhook event (receipts, presence, calls, groups, history sync, ...), already in wuzapi's shape. */
  | { type: 'webhook', event: WebhookEvent }
  /** What the history sync, the address book or a message's push name told about contacts. */
  | { type: 'contacts', contacts: ContactInfo[] }
  /** Messages of a history sync from the phone (already cut to the user's history depth), for the message history. */
  | { type: 'history', messages: ChatMessage[] }

/** What one source tells about a contact ('' or absent: not told). */
export interface ContactInfo {
  /** The phone JID when known, else the `@lid`. */
  jid: string
  lid?: string
  firstName?: string
  fullName?: string
  pushName?: string
  businessName?: string
}

/** wuzapi's `message_type` names, plus `edit` and `poll_vote`. */
export type ChatMessageType =
  | 'text' | 'image' | 'video' | 'audio' | 'document' | 'sticker' | 'contact' | 'location'
  | 'reaction' | 'delete' | 'edit' | 'poll' | 'poll_vote'
  | 'buttons' | 'list' | 'buttons_response' | 'list_response' | 'unknown'

/** The media a message carries, as WhatsApp describes it (the blob itself stays on WhatsApp's media host). */
export interface ChatMedia {
  kind: 'image' | 'video' | 'audio' | 'document' | 'sticker'
  mimetype: string
  url: string
  directPath: string
  fileLength: number
  fileName: string
}

/** What a message is about, read from its proto JSON (see message-summary.ts). */
export interface MessageSummary {
  type: ChatMessageType
  /** The text, caption, emoji, poll question, ... ('' when none). */
  text: string
  media: ChatMedia | undefined
  /** The message this one replies to (`contextInfo.stanzaId`), or ''. */
  quotedId: string
  /** The message a reaction, edit, revoke or poll vote is about, or ''. */
  targetId: string
  /** `messageContextInfo.messageSecret` (base64): a poll's key to its votes. */
  secret: string | undefined
}

/**
 * A message in a chat, sent or received, in plain fields: what the message history stores and
 * what the webhook events will carry.
 */
export interface ChatMessage extends MessageSummary {
  id: string
  /** The chat: a user's phone JID where WhatsApp tells it (else their `@lid`), a group, or status@broadcast. */
  chat: string
  /** The author: our own JID for our messages, the group member in a group. */
  sender: string
  fromMe: boolean
  /** WhatsApp's time, Unix seconds. */
  timestamp: number
  pushName: string
  /** The whole proto.Message as JSON (see message-json.ts). */
  message: Record<string, unknown>
}

export type SessionEventListener = (userId: string, event: SessionEvent) => void

/** The session states in which a socket is up (wuzapi's `connected`). */
export const SOCKET_UP: ReadonlySet<SessionState> = new Set(['connected', 'qr', 'pairing'])
