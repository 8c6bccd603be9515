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
}

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

/** Builds the /health report. */
export class HealthService {
  private readonly startedAt = Date.now()

  constructor (private readonly db: Database, private readonly users: UsersRepo, private readonly sessions: SessionPort) {}

  report (): HealthReport {
    const dbOk = databaseOk(this.db)
    const sessions = this.sessions.countsByState()
    const counts = dbOk ? this.users.counts() : { total: 0, connected: 0 }
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
      sessions
    }
  }
}
