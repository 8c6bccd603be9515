import { once } from 'node:events'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import { createApp } from './app.js'
import type { Config } from './config.js'
import { acquireDataDirLock } from './db/data-dir-lock.js'
import { openDatabase, type Database } from './db/database.js'
import { migrate } from './db/migrate.js'
import { UsersRepo } from './db/repos/users.js'
import { WaAuthRepo } from './db/repos/wa-auth.js'
import { Sandbox } from './sandbox/index.js'
import { resolveAdminToken } from './services/admin-token.js'
import { AuthService } from './services/auth.js'
import { HealthService } from './services/health.js'
import { SandboxService } from './services/sandbox.js'
import { SessionsService } from './services/sessions.js'
import { resolveTokenSecret } from './services/token-secret.js'
import { UsersService } from './services/users.js'
import { WebhookConfigService } from './services/webhook-config.js'
import { createLogger, type Logger } from './util/logger.js'
import { silenceLibsignalConsole } from './whatsapp/quiet-libsignal.js'
import { SessionRegistry } from './whatsapp/session-registry.js'

/** A running server: its address and an orderly stop. */
export interface RunningServer {
  readonly url: string
  readonly port: number
  readonly db: Database
  readonly logger: Logger
  readonly registry: SessionRegistry
  /** The embedded WhatsApp emulator (`WA_MODE=sandbox` only). */
  readonly sandbox: Sandbox | undefined
  /** Stops accepting, lets in-flight requests finish (up to the shutdown timeout), closes sessions and the database. */
  close (): Promise<void>
}

/**
 * How long a sent message is kept so a recipient's retry request (a device that could not decrypt it)
 * can be answered; such requests come within minutes to hours, so days is ample.
 */
const SENT_MESSAGE_KEEP_MS = 3 * 24 * 60 * 60_000

/** How long the sandbox waits before "typing" a pairing code on the virtual phone. */
const SANDBOX_PAIR_DELAY_MS = 300

/**
 * Opens the database, applies migrations, starts the sandbox in sandbox mode, wires services and
 * routes, restores the sessions that were connected, and listens.
 * Used by `main.ts` and by the integration tests (with a temporary DATA_DIR and port 0).
 */
export async function startServer (config: Config, logger: Logger = createLogger(config.logLevel)): Promise<RunningServer> {
  silenceLibsignalConsole(logger)
  const lock = acquireDataDirLock(config.dataDir)
  let db: Database
  try {
    db = openDatabase(config.dataDir)
  } catch (err) {
    lock.release()
    throw err
  }
  const { applied } = migrate(db)
  if (applied.length > 0) logger.info({ applied }, 'database migrated')
  const adminToken = resolveAdminToken(config.adminToken, config.dataDir, logger)
  const usersRepo = new UsersRepo(db)

  const sandbox = config.waMode === 'sandbox' ? await Sandbox.start({ dataDir: path.join(config.dataDir, 'sandbox') }) : undefined
  if (sandbox !== undefined) logger.warn({ url: sandbox.wsUrl }, 'WA_MODE=sandbox: sessions connect to the built-in WhatsApp emulator, not to WhatsApp')

  const waAuth = new WaAuthRepo(db)
  const pruneSent = (): void => {
    const pruned = waAuth.pruneSentMessages(SENT_MESSAGE_KEEP_MS)
    if (pruned > 0) logger.debug({ pruned }, 'forgot old sent messages')
  }
  pruneSent()
  const pruneTimer = setInterval(pruneSent, 60 * 60_000).unref()
  const registry = new SessionRegistry({
    logger,
    baileysLogger: logger.child({ module: 'baileys' }, { level: config.baileysLogLevel }),
    users: usersRepo,
    auth: waAuth,
    socketOptions: () => sandbox?.socketOptions() ?? {},
    emit: () => {},
    queryTimeoutMs: config.waQueryTimeoutMs,
    connectTimeoutMs: 20_000
  })
  const auth = new AuthService(usersRepo, adminToken, resolveTokenSecret(config.tokenSecret, config.dataDir, logger))
  const users = new UsersService(usersRepo, auth, registry)
  const health = new HealthService(db, usersRepo, registry)
  const webhooks = new WebhookConfigService(usersRepo, auth)
  const sessions = new SessionsService(registry, usersRepo, auth, {
    connectWaitMs: config.connectWaitMs,
    qrWaitMs: 15_000,
    onPairingCode: sandbox !== undefined && config.sandboxAutoPair
      ? (userId, phone, code) => {
          setTimeout(() => {
            sandbox.completePairingCode(code, phone).catch(err => logger.warn({ userId, err }, 'sandbox could not complete the pairing code'))
          }, SANDBOX_PAIR_DELAY_MS)
        }
      : undefined
  })
  const sandboxService = sandbox === undefined ? undefined : new SandboxService(sandbox, registry, usersRepo)
  const app = createApp({ logger, bodyLimitBytes: config.bodyLimitBytes, auth, users, health, webhooks, sessions, sandbox: sandboxService })

  const restored = registry.restore(usersRepo.connected().map(u => u.id))
  if (restored > 0) logger.info({ sessions: restored }, 'restoring WhatsApp sessions')

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
      clearInterval(pruneTimer)
      await registry.closeAll()
      await sandbox?.stop()
      db.close()
      lock.release()
      logger.info('server stopped')
    })()
    return await closing
  }
  return { url, port, db, logger, registry, sandbox, close }
}
