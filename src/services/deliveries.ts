import type { DeliveryJob, DeliveryListRow, DeliveryState, DeliveryTarget, OutboxRepo, QueueHealth } from '../db/repos/outbox.js'
import type { UsersRepo } from '../db/repos/users.js'
import { ConflictError, NotFoundError, ValidationError } from '../errors.js'
import type { WebhookFormat } from '../webhooks/request.js'
import type { Destination } from '../webhooks/worker.js'
import type { WebhookKeysService } from './webhook-keys.js'

/** A delivery's state as the API names it: `failed` is the dead letter (retries ended). */
export type DeliveryStatus = 'pending' | 'delivered' | 'failed'
export const DELIVERY_STATUSES: readonly DeliveryStatus[] = ['pending', 'delivered', 'failed']

const TO_STATE: Record<DeliveryStatus, DeliveryState> = { pending: 'pending', delivered: 'delivered', failed: 'dead' }
const TO_STATUS: Record<DeliveryState, DeliveryStatus> = { pending: 'pending', delivered: 'delivered', dead: 'failed' }

export interface GlobalWebhook {
  url: string
  hmacKey: string | undefined
}

/** One delivery as the API shows it. */
export interface DeliveryView {
  id: number
  eventId: string
  type: string
  target: DeliveryTarget
  url: string
  state: DeliveryStatus
  attempts: number
  lastStatus: number | null
  lastError: string
  createdAt: string
  lastAttemptAt: string | null
  nextAttemptAt: string | null
  deliveredAt: string | null
}

/** A destination's delivery health (null times: never). */
export interface WebhookHealthView {
  target: DeliveryTarget
  pending: number
  failed: number
  lastSuccessAt: string | null
  oldestPendingAt: string | null
  failingSince: string | null
}

function iso (ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString()
}

function view (row: DeliveryListRow): DeliveryView {
  return {
    id: row.id,
    eventId: row.event_id,
    type: row.type,
    target: row.target,
    url: row.url,
    state: TO_STATUS[row.state],
    attempts: row.attempts,
    lastStatus: row.last_status,
    lastError: row.last_error,
    createdAt: new Date(row.created_at).toISOString(),
    lastAttemptAt: iso(row.last_attempt_at),
    nextAttemptAt: row.state === 'pending' ? iso(row.next_attempt_at) : null,
    deliveredAt: iso(row.delivered_at)
  }
}

function healthView (h: QueueHealth): WebhookHealthView {
  return {
    target: h.target,
    pending: h.pending,
    failed: h.dead,
    lastSuccessAt: iso(h.lastSuccessAt),
    oldestPendingAt: iso(h.oldestPendingAt),
    failingSince: iso(h.failingSince)
  }
}

/** Who gets told when deliveries are put back in a queue (the worker). */
export interface QueueWaker { notify: (userId: string, target: DeliveryTarget) => void }

/**
 * Webhook deliveries as their user sees them: where each goes now (URL, format, signing key),
 * the list with attempts and errors, redelivery, and each destination's health.
 */
export class DeliveriesService {
  private waker: QueueWaker | undefined

  constructor (
    private readonly outbox: OutboxRepo,
    private readonly users: UsersRepo,
    private readonly keys: WebhookKeysService,
    private readonly global: GlobalWebhook,
    private readonly defaultFormat: WebhookFormat
  ) {}

  wakes (waker: QueueWaker): void {
    this.waker = waker
  }

  /** Where a delivery goes now: the user's current webhook URL, format and key (or the global webhook's). */
  destination (job: DeliveryJob): Destination | undefined {
    if (job.target === 'global') return this.global.url === '' ? undefined : { url: this.global.url, format: this.defaultFormat, key: this.global.hmacKey }
    const user = this.users.byId(job.user_id)
    if (user === undefined || user.webhook === '') return undefined
    const format: WebhookFormat = user.webhook_format === 'form' || user.webhook_format === 'json' ? user.webhook_format : this.defaultFormat
    return { url: user.webhook, format, key: this.keys.keyOf(user), ...(user.proxy_url !== '' ? { proxy: user.proxy_url } : {}) }
  }

  list (userId: string, options: { state?: string, before?: number, limit: number }): { deliveries: DeliveryView[], next: number | null } {
    let state: DeliveryState | undefined
    if (options.state !== undefined && options.state !== '') {
      const status = options.state.toLowerCase() as DeliveryStatus
      if (!DELIVERY_STATUSES.includes(status)) throw new ValidationError(`invalid state "${options.state}": use one of ${DELIVERY_STATUSES.join(', ')}`)
      state = TO_STATE[status]
    }
    const rows = this.outbox.deliveries(userId, { state, before: options.before, limit: options.limit })
    const next = rows.length === options.limit ? rows[rows.length - 1]?.id ?? null : null
    return { deliveries: rows.map(view), next }
  }

  get (userId: string, id: number): DeliveryView {
    const row = this.outbox.delivery(userId, id)
    if (row === undefined) throw new NotFoundError(`no delivery ${id}`)
    return view(row)
  }

  /** Sends a delivered or failed delivery again (a new retry window). */
  redeliver (userId: string, id: number): DeliveryView {
    const row = this.outbox.delivery(userId, id)
    if (row === undefined) throw new NotFoundError(`no delivery ${id}`)
    if (row.state === 'pending') throw new ConflictError(`delivery ${id} is still pending: it is retried by itself`)
    this.outbox.redeliver(userId, id)
    this.waker?.notify(userId, row.target)
    return this.get(userId, id)
  }

  /** Sends every failed (dead-lettered) delivery of the user again; returns how many. */
  redeliverFailed (userId: string): number {
    const count = this.outbox.redeliverDead(userId)
    if (count > 0) for (const target of ['user', 'global'] as const) this.waker?.notify(userId, target)
    return count
  }

  health (userId: string): WebhookHealthView[] {
    return this.outbox.health(userId).map(healthView)
  }

  totals (now = Date.now()): { pending: number, oldest_pending_age_seconds: number, failing_users: number } {
    const t = this.outbox.totals()
    return { pending: t.pending, oldest_pending_age_seconds: t.oldestPendingAt === null ? 0 : Math.max(0, Math.round((now - t.oldestPendingAt) / 1000)), failing_users: t.failingUsers }
  }
}
