import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client'
import type { OutgoingKind } from '../whatsapp/outgoing.js'
import type { SessionRegistry } from '../whatsapp/session-registry.js'
import type { SessionState } from '../whatsapp/types.js'
import type { SentMessageLog } from './messaging.js'

/** Every session state, so each has a series (0 when no session is in it). */
const STATES: readonly SessionState[] = ['disconnected', 'connecting', 'qr', 'pairing', 'connected', 'reconnecting', 'logged_out']

/** The `route` label of a request no route answered (404s of scanners would otherwise make a series per URL). */
export const UNMATCHED_ROUTE = 'unmatched'

/** What the metrics read on each scrape. */
export interface MetricsSources {
  sessionCounts: () => Record<string, number>
  outbox: () => { pending: number, oldest_pending_age_seconds: number }
}

/**
 * The process metrics (CPU, memory, event loop, GC...) are the process's, not a server's: collected
 * once, in their own registry, however many servers a process starts (the tests start many).
 */
let processRegistry: Registry | undefined
function processMetrics (): Registry {
  if (processRegistry === undefined) {
    processRegistry = new Registry()
    collectDefaultMetrics({ register: processRegistry })
  }
  return processRegistry
}

/**
 * The server's Prometheus metrics: its own registry per server instance, fed by the HTTP
 * middleware, the message sends, the sessions' inbound messages and the webhook worker; sessions
 * and the outbox are read when scraped.
 */
export class MetricsService implements SentMessageLog {
  private readonly registry = new Registry()
  private readonly httpRequests = new Counter({ name: 'wuzapi_http_requests_total', help: 'HTTP requests answered, by route template, method and status', labelNames: ['route', 'method', 'status'], registers: [this.registry] })
  private readonly httpDuration = new Histogram({ name: 'wuzapi_http_request_duration_seconds', help: 'HTTP request latency, by route template, method and status', labelNames: ['route', 'method', 'status'], buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30], registers: [this.registry] })
  private readonly sentMessages = new Counter({ name: 'wuzapi_messages_sent_total', help: 'Messages sent through the API, by type and outcome (sent, failed)', labelNames: ['type', 'outcome'], registers: [this.registry] })
  private readonly received = new Counter({ name: 'wuzapi_messages_received_total', help: 'Messages received from other people, by type', labelNames: ['type'], registers: [this.registry] })
  private readonly deliveries = new Counter({ name: 'wuzapi_webhook_deliveries_total', help: 'Webhook delivery attempts, by outcome (delivered, retry, dead)', labelNames: ['outcome'], registers: [this.registry] })
  private readonly deliveryLatency = new Histogram({ name: 'wuzapi_webhook_delivery_latency_seconds', help: 'From an event\'s commit to its successful delivery', buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 1800, 3600], registers: [this.registry] })
  private readonly limited = new Counter({ name: 'wuzapi_rate_limited_total', help: 'Requests refused with 429 by the per-token rate limit', registers: [this.registry] })
  private readonly mediaBusy = new Counter({ name: 'wuzapi_media_busy_total', help: 'Large media requests refused with 503 (MEDIA_MAX_CONCURRENT reached)', registers: [this.registry] })

  constructor (sources: MetricsSources) {
    processMetrics()
    const counts = sources.sessionCounts
    const outbox = sources.outbox
    // eslint-disable-next-line no-new
    new Gauge({
      name: 'wuzapi_sessions',
      help: 'WhatsApp sessions by state',
      labelNames: ['state'],
      registers: [this.registry],
      collect () {
        this.reset()
        const now = counts()
        for (const state of new Set([...STATES, ...Object.keys(now)])) this.set({ state }, now[state] ?? 0)
      }
    })
    let last: { pending: number, oldest_pending_age_seconds: number } | undefined
    const read = (): { pending: number, oldest_pending_age_seconds: number } => {
      last ??= outbox()
      return last
    }
    // eslint-disable-next-line no-new
    new Gauge({ name: 'wuzapi_outbox_pending', help: 'Webhook deliveries waiting (pending or retrying)', registers: [this.registry], collect () { last = undefined; this.set(read().pending) } })
    // eslint-disable-next-line no-new
    new Gauge({ name: 'wuzapi_outbox_oldest_pending_age_seconds', help: 'Age of the oldest waiting webhook delivery (0 when none)', registers: [this.registry], collect () { this.set(read().oldest_pending_age_seconds) } })
  }

  /** Counts the messages other people send the users; returns the unsubscribe. */
  listen (registry: Pick<SessionRegistry, 'onEvent'>): () => void {
    return registry.onEvent((_userId, event) => {
      if (event.type === 'message' && !event.message.fromMe) this.received.inc({ type: event.message.type })
    })
  }

  /** {@link SentMessageLog}: a message WhatsApp accepted. */
  sent (_userId: string, _chat: string, message: { kind: OutgoingKind }): void {
    this.sentMessages.inc({ type: message.kind, outcome: 'sent' })
  }

  /** {@link SentMessageLog}: a send that failed (not connected, timeout, refused). */
  failed (_userId: string, _chat: string, message: { kind: OutgoingKind }): void {
    this.sentMessages.inc({ type: message.kind, outcome: 'failed' })
  }

  request (route: string, method: string, status: number, seconds: number): void {
    const labels = { route, method, status: String(status) }
    this.httpRequests.inc(labels)
    this.httpDuration.observe(labels, seconds)
  }

  deliveryAttempt (outcome: 'delivered' | 'retry' | 'dead', latencyMs: number): void {
    this.deliveries.inc({ outcome })
    if (outcome === 'delivered') this.deliveryLatency.observe(latencyMs / 1000)
  }

  rateLimited (): void { this.limited.inc() }
  mediaRefused (): void { this.mediaBusy.inc() }

  readonly contentType = this.registry.contentType

  /** The exposition text: the process metrics, then this server's. */
  async text (): Promise<string> {
    return (await processMetrics().metrics()) + '\n' + (await this.registry.metrics())
  }
}
