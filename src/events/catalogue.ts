/**
 * The event catalogue: every webhook event type a user can subscribe to (wuzapi's names, so
 * existing subscriptions and receivers keep working; `All` subscribes to every type), the ones this
 * server emits with what each means, and the shape of an event before it is queued. One map used by
 * the mappers, the subscription check and API.md.
 */
export const EVENT_TYPES = [
  'Message', 'UndecryptableMessage', 'Receipt', 'MediaRetry', 'ReadReceipt', 'GroupInfo', 'JoinedGroup', 'Picture',
  'BlocklistChange', 'Blocklist', 'Connected', 'Disconnected', 'ConnectFailure', 'KeepAliveRestored', 'KeepAliveTimeout',
  'QRTimeout', 'LoggedOut', 'ClientOutdated', 'TemporaryBan', 'StreamError', 'StreamReplaced', 'PairSuccess', 'PairError',
  'QR', 'QRScannedWithoutMultidevice', 'PrivacySettings', 'PushNameSetting', 'UserAbout', 'AppState', 'AppStateSyncComplete',
  'HistorySync', 'OfflineSyncCompleted', 'OfflineSyncPreview', 'CallOffer', 'CallAccept', 'CallTerminate', 'CallOfferNotice',
  'CallRelayLatency', 'Presence', 'ChatPresence', 'IdentityChange', 'CATRefreshError', 'NewsletterJoin', 'NewsletterLeave',
  'NewsletterMuteChange', 'NewsletterLiveUpdate', 'FBMessage', 'All'
] as const

export type EventType = typeof EVENT_TYPES[number]

const BY_LOWER = new Map<string, EventType>(EVENT_TYPES.map(t => [t.toLowerCase(), t]))

/** The canonical spelling of an event name (matched case-insensitively), or undefined when unknown. */
export function canonicalEventType (name: string): EventType | undefined {
  return BY_LOWER.get(name.trim().toLowerCase())
}

/**
 * Parses a subscription given as a CSV string or a list into canonical, de-duplicated names.
 * Returns the unknown names separately so callers decide whether to reject or drop them.
 */
export function parseEventList (input: string | readonly string[]): { events: EventType[], unknown: string[] } {
  const names = (typeof input === 'string' ? input.split(',') : input).map(n => n.trim()).filter(n => n !== '')
  const events: EventType[] = []
  const unknown: string[] = []
  for (const name of names) {
    const type = canonicalEventType(name)
    if (type === undefined) unknown.push(name)
    else if (!events.includes(type)) events.push(type)
  }
  return { events, unknown }
}

/** The event types this server emits, with what causes each (API.md's event table is this map). */
export const EMITTED_EVENTS = {
  Message: 'a message arrived in one of the user\'s chats (from someone else, or sent from the user\'s phone)',
  UndecryptableMessage: 'a message arrived that could not be decrypted (WhatsApp is asked to resend it)',
  ReadReceipt: 'a message the user sent was delivered, read or played (`state`: Delivered, Read, ReadSelf)',
  HistorySync: 'the phone sent a part of the chat history (first login, or on request)',
  ChatPresence: 'someone is typing or recording in a chat, or stopped',
  Presence: 'a contact whose presence was subscribed went online or offline',
  Connected: 'the session logged in',
  Disconnected: 'the connection dropped; the session reconnects by itself',
  LoggedOut: 'the login is gone (logged out here or from the phone)',
  QR: 'a new QR code to scan (`qrCodeBase64` holds it as a PNG data URL)',
  QRTimeout: 'the QR codes expired without a scan',
  PairSuccess: 'the phone linked this device',
  ConnectFailure: 'WhatsApp refused the connection',
  CallOffer: 'an incoming call',
  CallTerminate: 'a call ended',
  GroupInfo: 'a group\'s settings or participants changed',
  JoinedGroup: 'the user was added to a group or created one',
  Picture: 'a contact\'s or group\'s picture changed',
  IdentityChange: 'a contact\'s security code changed'
} as const satisfies Partial<Record<EventType, string>>

/** An event type this server emits. */
export type EmittedEventType = keyof typeof EMITTED_EVENTS

/** A JSON value: what event payloads are made of (no Buffers, no Longs, no undefined). */
export type Json = string | number | boolean | null | Json[] | { [key: string]: Json }

/**
 * An event as a webhook receiver gets it, before `userID` and `instanceName` are added:
 * `{"type": type, "event": event, ...extra}` in wuzapi's shapes.
 */
export interface WebhookEvent {
  type: EmittedEventType
  event: Json
  /** Other top-level keys (`state` on receipts, `qrCodeBase64` on QR, `base64`/`mimeType`/`fileName` on media). */
  extra?: Record<string, Json>
  /**
   * Identifies the source of the event across redeliveries (for a message: user, chat, sender and
   * message id), so one WhatsApp message redelivered after a crash is queued once. Absent: always queued.
   */
  sourceKey?: string
}

/** True when a subscription (canonical names) covers an event type. */
export function subscribed (events: readonly string[], type: EmittedEventType): boolean {
  return events.includes(type) || events.includes('All')
}
