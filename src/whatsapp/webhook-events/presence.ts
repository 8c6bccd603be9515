import type { WebhookEvent } from '../../events/catalogue.js'
import { rfc3339, unixAttr } from './time.js'

/** The attributes of a `<presence>` stanza (`type` absent means available). */
export interface PresenceAttrs { from?: string, type?: string, last?: string }

/**
 * wuzapi's `Presence` event (whatsmeow `events.Presence {From, Unavailable, LastSeen}` plus
 * `state` online/offline) from a `<presence>` stanza. Read from the stanza, not from Baileys'
 * `presence.update`: that one also reports a chat's `paused` as `available`. Subscriptions,
 * group presences and anything not about availability give undefined.
 */
export function presenceEvent (attrs: PresenceAttrs): WebhookEvent | undefined {
  const from = attrs.from ?? ''
  if (from === '' || from.endsWith('@g.us')) return undefined
  const type = attrs.type ?? 'available'
  if (type !== 'available' && type !== 'unavailable') return undefined
  const unavailable = type === 'unavailable'
  const last = attrs.last === 'deny' ? undefined : unixAttr(attrs.last)
  return {
    type: 'Presence',
    event: { From: from, Unavailable: unavailable, LastSeen: rfc3339(unavailable ? last : undefined) },
    extra: { state: unavailable ? 'offline' : 'online' }
  }
}
