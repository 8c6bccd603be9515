import { once } from 'node:events'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createApp } from './app.js'
import type { Config } from './config.js'
import { openDatabase, type Database } from './db/database.js'
import { migrate } from './db/migrate.js'
import { UsersRepo } from './db/repos/users.js'
import { resolveAdminToken } from './services/admin-token.js'
import { AuthService } from './services/auth.js'
import { HealthService } from './services/health.js'
import { NO_SESSIONS } from './services/session-port.js'
import { UsersService } from './services/users.js'
import { WebhookConfigService } from './services/webhook-config.js'
import { createLogger, type Logger } from './util/logger.js'

/** A running server: its address and an orderly stop. */
export interface RunningServer {
  readonly url: string
  readonly port: number
  readonly db: Database
  readonly logger: Logger
  /** Stops accepting, lets in-flight requests finish (up to the shutdown timeout), closes sessions and the database. */
  close (): Promise<void>
}

/**
 * Opens the database, applies migrations, wires services and routes, and listens.
 * Used by `main.ts` and by the integration tests (with a temporary DATA_DIR and port 0).
 */
export async function startServer (config: Config, logger: Logger = createLogger(config.logLevel)): Promise<RunningServer> {
  const db = openDatabase(config.dataDir)
  const { applied } = migrate(db)
  if (applied.length > 0) logger.info({ applied }, 'database migrated')
  const adminToken = resolveAdminToken(config.adminToken, config.dataDir, logger)
  const usersRepo = new UsersRepo(db)
  const sessions = NO_SESSIONS
  const auth = new AuthService(usersRepo, adminToken)
  const users = new UsersService(usersRepo, auth, sessions)
  const health = new HealthService(db, usersRepo, sessions)
  const webhooks = new WebhookConfigService(usersRepo, auth)
  const app = createApp({ logger, bodyLimitBytes: config.bodyLimitBytes, auth, users, health, webhooks })

  const server: Server = app.listen(config.port, config.host)
  await once(server, 'listening')
  const { port } = server.address() as AddressInfo
  const shownHost = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host
  const url = `http://${shownHost.includes(':') ? `[${shownHost}]` : shownHost}:${port}`
  logger.info({ url, dataDir: config.dataDir, waMode: config.waMode }, 'server listening')

  let closing: Promise<void> | undefined
  const close = async (): Promise<void> => {
    closing ??= (async () => {
      const stopped = new Promise<void>(resolve => server.close(() => resolve()))
      server.closeIdleConnections()
      const timer = setTimeout(() => server.closeAllConnections(), config.shutdownTimeoutMs)
      await stopped
      clearTimeout(timer)
      db.close()
      logger.info('server stopped')
    })()
    return await closing
  }
  return { url, port, db, logger, close }
}
