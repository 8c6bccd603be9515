import type { Database } from '../db/database.js'
import { databaseOk } from '../db/database.js'
import type { UsersRepo } from '../db/repos/users.js'
import { VERSION } from '../util/package-info.js'
import type { SessionPort } from './session-port.js'

export interface HealthReport {
  status: 'ok' | 'degraded'
  version: string
  timestamp: string
  /** wuzapi's human form, e.g. `1h2m3s`. */
  uptime: string
  uptime_seconds: number
  database: 'ok' | 'error'
  total_users: number
  connected_users: number
  logged_in_users: number
  sessions: Record<string, number>
  /** Webhook deliveries waiting, the age of the oldest, and how many users' webhooks are failing. */
  webhooks?: WebhookTotals
}

export interface WebhookTotals { pending: number, oldest_pending_age_seconds: number, failing_users: number }

/** Formats seconds as Go's duration string does for whole seconds (`1h2m3s`, `45s`). */
export function formatUptime (totalSeconds: number): string {
  const s = Math.floor(totalSeconds)
  const h = Math.floor(s / 3600)
  const m = Math.floor((s % 3600) / 60)
  const sec = s % 60
  if (h > 0) return `${h}h${m}m${sec}s`
  if (m > 0) return `${m}m${sec}s`
  return `${sec}s`
}

/**
 * Session counts by state for every user. The registry only knows the sessions it has built (a user
 * never looked at since the start has none), so those users are counted as `disconnected`: the
 * counts add up to `total_users` whatever happened since the process started.
 */
function byState (live: Record<string, number>, totalUsers: number): Record<string, number> {
  const { disconnected: _known, ...active } = live
  const activeCount = Object.values(active).reduce((sum, n) => sum + n, 0)
  const disconnected = Math.max(0, totalUsers - activeCount)
  return disconnected > 0 ? { ...active, disconnected } : active
}

/** Builds the /health report. */
export class HealthService {
  private readonly startedAt = Date.now()

  constructor (private readonly db: Database, private readonly users: UsersRepo, private readonly sessions: SessionPort, private readonly webhookTotals?: () => WebhookTotals) {}

  report (): HealthReport {
    const dbOk = databaseOk(this.db)
    const counts = dbOk ? this.users.counts() : { total: 0, connected: 0 }
    const sessions = byState(this.sessions.countsByState(), counts.total)
    const uptimeSeconds = (Date.now() - this.startedAt) / 1000
    return {
      status: dbOk ? 'ok' : 'degraded',
      version: VERSION,
      timestamp: new Date().toISOString(),
      uptime: formatUptime(uptimeSeconds),
      uptime_seconds: Math.floor(uptimeSeconds),
      database: dbOk ? 'ok' : 'error',
      total_users: counts.total,
      connected_users: counts.connected,
      logged_in_users: sessions.connected ?? 0,
      sessions,
      ...(dbOk && this.webhookTotals !== undefined ? { webhooks: this.webhookTotals() } : {})
    }
  }
}
