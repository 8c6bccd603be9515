import type { DeliveryJob, DeliveryTarget, OutboxRepo } from '../db/repos/outbox.js'
import type { Logger } from '../util/logger.js'
import type { Poster, PostResult } from './poster.js'
import { webhookRequest, type WebhookFormat } from './request.js'
import { decideOnFailure, DEFAULT_RETRY, type RetrySettings } from './retry-policy.js'

/** Where and how a delivery goes now (the user may have changed the URL or the key since it was queued). */
export interface Destination {
  url: string
  format: WebhookFormat
  key: string | undefined
  /** The user's proxy URL, if any. */
  proxy?: string
}

/** One finished attempt, for logs and metrics. */
export interface AttemptReport {
  job: DeliveryJob
  result: PostResult
  outcome: 'delivered' | 'retry' | 'dead'
  /** From the event's commit to this attempt's end. */
  latencyMs: number
}

export interface WorkerOptions {
  repo: OutboxRepo
  post: Poster
  /** The destination of a delivery, or undefined when it has none any more (the webhook was removed). */
  destination: (job: DeliveryJob) => Destination | undefined
  logger: Logger
  retry?: RetrySettings
  /** Requests in flight per queue (pipelining); order holds while the receiver accepts. */
  pipeline?: number
  onAttempt?: (report: AttemptReport) => void
  /**
   * Called before a delivery's first attempt; a string replaces the event's payload for good (the
   * Message event with its media embedded, downloaded here, off the event path). Never throws.
   */
  prepare?: (job: DeliveryJob) => Promise<string | undefined>
  now?: () => number
  random?: () => number
}

interface Queue {
  userId: string
  target: DeliveryTarget
  inFlight: Set<number>
  /** New rows or a finished attempt: look again at the next pass. */
  dirty: boolean
  /** When the head's retry falls due. */
  wakeAt: number
}

function queueKey (userId: string, target: DeliveryTarget): string {
  return `${target}\n${userId}`
}

/**
 * The delivery worker: reads pending deliveries from the outbox, one queue per user and target,
 * POSTs them in order with up to `pipeline` requests in flight, and records every attempt. A
 * failed delivery holds back the rest of its queue until its retry (so order holds), never other
 * queues. All state that matters is in SQLite: after a restart `start()` picks up where it was;
 * a crash between a POST and its bookkeeping repeats that delivery (same `webhook-id`), never drops it.
 */
export class DeliveryWorker {
  private readonly queues = new Map<string, Queue>()
  private readonly running = new Set<Promise<void>>()
  private readonly retry: RetrySettings
  private readonly pipeline: number
  private readonly now: () => number
  private abort = new AbortController()
  private stopped = true
  private scheduled = false
  private timer: NodeJS.Timeout | undefined
  private timerAt = Infinity

  constructor (private readonly options: WorkerOptions) {
    this.retry = options.retry ?? DEFAULT_RETRY
    this.pipeline = Math.max(1, options.pipeline ?? 8)
    this.now = options.now ?? Date.now
  }

  start (): void {
    if (!this.stopped) return
    this.stopped = false
    this.abort = new AbortController()
    for (const q of this.options.repo.pendingQueues()) this.touch(q.user_id, q.target)
    this.schedule()
  }

  /** New deliveries were committed for a queue (or put back by a redelivery). */
  notify (userId: string, target: DeliveryTarget): void {
    this.touch(userId, target)
    this.schedule()
  }

  /** Stops dispatching, aborts requests in flight (their deliveries stay pending) and waits for them. */
  async stop (): Promise<void> {
    this.stopped = true
    this.clearTimer()
    this.abort.abort()
    await Promise.allSettled([...this.running])
    this.queues.clear()
  }

  /** Requests in flight, all queues. */
  get inFlight (): number {
    return this.running.size
  }

  private touch (userId: string, target: DeliveryTarget): void {
    const key = queueKey(userId, target)
    const q = this.queues.get(key)
    if (q !== undefined) q.dirty = true
    else this.queues.set(key, { userId, target, inFlight: new Set(), dirty: true, wakeAt: 0 })
  }

  private schedule (): void {
    if (this.scheduled || this.stopped) return
    this.scheduled = true
    setImmediate(() => {
      this.scheduled = false
      if (this.stopped) return
      try {
        this.pass()
      } catch (err) {
        this.options.logger.error({ err }, 'webhook worker pass failed')
        this.arm(this.now() + 1_000)
      }
    })
  }

  private pass (): void {
    const now = this.now()
    let wake = Infinity
    for (const [key, q] of this.queues) {
      if (!q.dirty && q.wakeAt > now) {
        wake = Math.min(wake, q.wakeAt)
        continue
      }
      q.dirty = false
      q.wakeAt = Infinity
      if (q.inFlight.size >= this.pipeline) continue
      const rows = this.options.repo.pending(q.userId, q.target, this.pipeline + q.inFlight.size)
      if (rows.length === 0 && q.inFlight.size === 0) {
        this.queues.delete(key)
        continue
      }
      for (const row of rows) {
        if (q.inFlight.has(row.id)) continue
        if (row.next_attempt_at > now) {
          q.wakeAt = row.next_attempt_at
          break
        }
        if (q.inFlight.size >= this.pipeline) break
        this.dispatch(q, row)
      }
      wake = Math.min(wake, q.wakeAt)
    }
    this.arm(wake)
  }

  private arm (at: number): void {
    if (at === Infinity || this.stopped) return
    if (this.timer !== undefined && this.timerAt <= at) return
    this.clearTimer()
    this.timerAt = at
    this.timer = setTimeout(() => {
      this.timer = undefined
      this.timerAt = Infinity
      this.schedule()
    }, Math.max(0, at - this.now()))
  }

  private clearTimer (): void {
    if (this.timer !== undefined) clearTimeout(this.timer)
    this.timer = undefined
    this.timerAt = Infinity
  }

  private dispatch (q: Queue, job: DeliveryJob): void {
    q.inFlight.add(job.id)
    const run = this.attempt(job)
      .catch(err => { this.options.logger.error({ err, delivery: job.id }, 'webhook delivery bookkeeping failed') })
      .finally(() => {
        this.running.delete(run)
        q.inFlight.delete(job.id)
        q.dirty = true
        this.schedule()
      })
    this.running.add(run)
  }

  private async attempt (job: DeliveryJob): Promise<void> {
    const { repo } = this.options
    const destination = this.options.destination(job)
    if (destination === undefined) {
      const result: PostResult = { status: undefined, retryAfter: null, error: 'the webhook was removed before the event could be delivered' }
      repo.markDead(job.id, { at: this.now(), status: undefined, error: result.error })
      this.report(job, result, 'dead')
      return
    }
    let payload = job.payload
    if (job.attempts === 0 && this.options.prepare !== undefined) {
      const prepared = await this.options.prepare(job)
      if (this.stopped) return
      if (prepared !== undefined) {
        repo.setPayload(job.event_seq, prepared)
        payload = prepared
      }
    }
    const request = webhookRequest({
      eventId: job.event_id,
      payload,
      userId: job.user_id,
      instanceName: job.instance_name,
      format: destination.format,
      key: destination.key,
      now: this.now()
    })
    const result = await this.options.post(destination.url, request, this.abort.signal, destination.proxy)
    // Shutting down: the attempt does not count; the delivery stays pending and goes out after the restart.
    if (this.stopped) return
    const at = this.now()
    const attempt = { at, status: result.status, error: result.error }
    if (result.status !== undefined && result.status >= 200 && result.status < 300) {
      repo.markDelivered(job.id, attempt)
      this.report(job, result, 'delivered')
      return
    }
    const decision = decideOnFailure({
      status: result.status,
      retryAfter: result.retryAfter,
      attempts: job.attempts + 1,
      windowStart: job.window_start,
      now: at
    }, this.retry, this.options.random)
    if (decision.action === 'retry') {
      repo.markRetry(job.id, attempt, at + decision.delayMs)
      this.report(job, result, 'retry')
    } else {
      repo.markDead(job.id, { ...attempt, error: `${result.error}; ${decision.reason}` })
      this.report(job, result, 'dead')
    }
  }

  private report (job: DeliveryJob, result: PostResult, outcome: AttemptReport['outcome']): void {
    const latencyMs = this.now() - job.created_at
    if (outcome !== 'delivered') this.options.logger.warn({ delivery: job.id, userId: job.user_id, target: job.target, error: result.error, outcome }, 'webhook delivery failed')
    this.options.onAttempt?.({ job, result, outcome, latencyMs })
  }
}
