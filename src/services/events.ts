import { randomUUID } from 'node:crypto'
import { EventEmitter } from 'node:events'
import type { DeliveryTarget, OutboxRepo } from '../db/repos/outbox.js'
import type { UsersRepo } from '../db/repos/users.js'
import { subscribed, type WebhookEvent } from '../events/catalogue.js'
import { lifecycleEvent } from '../events/lifecycle.js'
import type { SessionRegistry } from '../whatsapp/session-registry.js'
import type { SessionEvent } from '../whatsapp/types.js'

/** Told of each committed event: the delivery worker and the live event streams. */
export interface EventsListener {
  committed (userId: string, seq: number, targets: readonly DeliveryTarget[]): void
}

/** The webhook event a session event stands for, if any. */
export function webhookEventOf (event: SessionEvent): WebhookEvent | undefined {
  if (event.type === 'message') return event.webhook
  if (event.type === 'webhook') return event.event
  return lifecycleEvent(event)
}

/**
 * The inbound end of the event path: every session event with a webhook form is checked against
 * the user's subscription and committed to the outbox (with one delivery per destination: the
 * user's webhook, the global webhook) in one SQLite transaction, synchronously, inside the
 * session's emit. For a message that is before WhatsApp gets its delivery receipt, so an event
 * is either in the outbox or still on WhatsApp's side; a commit that fails throws, and the message
 * is not acknowledged (WhatsApp sends it again).
 */
export class EventsService {
  private readonly live = new EventEmitter()
  private readonly listeners: EventsListener[] = []

  constructor (private readonly outbox: OutboxRepo, private readonly users: UsersRepo, private readonly globalWebhook: string) {
    this.live.setMaxListeners(0)
  }

  /** Commits the events of every session; returns the unsubscribe. */
  listen (registry: Pick<SessionRegistry, 'onEvent'>): () => void {
    return registry.onEvent((userId, event) => {
      const webhook = webhookEventOf(event)
      if (webhook !== undefined) this.publish(userId, webhook)
    })
  }

  onCommitted (listener: EventsListener): void {
    this.listeners.push(listener)
  }

  /** Live notification of the user's committed events (the event stream); returns the unsubscribe. */
  watch (userId: string, onEvent: (seq: number) => void): () => void {
    this.live.on(userId, onEvent)
    return () => { this.live.off(userId, onEvent) }
  }

  /**
   * Commits one event for a user when someone wants it: the user subscribed to its type (their
   * webhook, if any, gets a delivery; the event stream can read it), or a global webhook is set.
   * Returns the event's seq, or undefined when nobody wants it or it was committed before.
   */
  publish (userId: string, event: WebhookEvent): number | undefined {
    const user = this.users.byId(userId)
    if (user === undefined) return undefined
    const wanted = subscribed(user.events === '' ? [] : user.events.split(','), event.type)
    const destinations: Array<{ target: DeliveryTarget, url: string }> = []
    if (wanted && user.webhook !== '') destinations.push({ target: 'user', url: user.webhook })
    if (this.globalWebhook !== '') destinations.push({ target: 'global', url: this.globalWebhook })
    if (!wanted && destinations.length === 0) return undefined
    const payload = JSON.stringify({ type: event.type, event: event.event, ...event.extra })
    const seq = this.outbox.enqueue({
      id: randomUUID(),
      userId,
      type: event.type,
      sourceKey: event.sourceKey,
      payload,
      instanceName: user.name,
      destinations
    })
    if (seq === undefined) return undefined
    const targets = destinations.map(d => d.target)
    for (const listener of this.listeners) listener.committed(userId, seq, targets)
    this.live.emit(userId, seq)
    return seq
  }
}
