/**
 * The webhook event types a user can subscribe to: wuzapi's names, so existing subscriptions and
 * receivers keep working. `All` subscribes to every type.
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
