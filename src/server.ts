import path from 'node:path'
import { createApp } from './app.js'
import type { Config } from './config.js'
import { acquireDataDirLock } from './db/data-dir-lock.js'
import { openDatabase, type Database } from './db/database.js'
import { migrate } from './db/migrate.js'
import { UsersRepo } from './db/repos/users.js'
import { OutboxRepo } from './db/repos/outbox.js'
import { WaAuthRepo } from './db/repos/wa-auth.js'
import { listen } from './http/listener.js'
import { Lifecycle } from './lifecycle.js'
import { MediaIntake } from './media/intake.js'
import { CONVERT_TIMEOUT_MS, MediaConverter } from './media/convert.js'
import { MediaFetcher } from './media/download.js'
import { DownloadsService } from './services/downloads.js'
import { largestLimit } from './media/kinds.js'
import { OutboundGuard } from './net/outbound-guard.js'
import { Sandbox } from './sandbox/index.js'
import { LocalSandboxDriver, RemoteSandboxDriver, type SandboxDriver } from './sandbox/driver.js'
import { resolveAdminToken } from './services/admin-token.js'
import { AuthService } from './services/auth.js'
import { HealthService } from './services/health.js'
import { SandboxService } from './services/sandbox.js'
import { persistSessionMarks } from './services/session-marks.js'
import { MediaMessagesService } from './services/media-messages.js'
import { MessagingService } from './services/messaging.js'
import { HistoryService } from './services/history.js'
import { MessageActionsService } from './services/message-actions.js'
import { MessagesRepo } from './db/repos/messages.js'
import { PollsRepo } from './db/repos/polls.js'
import { ContactsRepo } from './db/repos/contacts.js'
import { ContactsService } from './services/contacts.js'
import { UserDirectoryService } from './services/user-directory.js'
import { ProxyService } from './services/proxy.js'
import { SessionsService } from './services/sessions.js'
import { resolveTokenSecret } from './services/token-secret.js'
import { UsersService } from './services/users.js'
import { EventsService } from './services/events.js'
import { EventMediaService } from './services/event-media.js'
import { EventStreamService } from './services/event-stream.js'
import { DeliveriesService } from './services/deliveries.js'
import { resolveEncryptionKey, WebhookKeysService } from './services/webhook-keys.js'
import { guardedPoster, ProxyDispatchers } from './webhooks/poster.js'
import { DEFAULT_RETRY } from './webhooks/retry-policy.js'
import { DeliveryWorker } from './webhooks/worker.js'
import { GroupsService } from './services/groups.js'
import { SubscriptionsService } from './services/subscriptions.js'
import { MetricsService } from './services/metrics.js'
import { createLogger, type Logger } from './util/logger.js'
import { periodic } from './util/periodic.js'
import { BaileysLogger } from './whatsapp/baileys-logger.js'
import { silenceLibsignalConsole } from './whatsapp/quiet-libsignal.js'
import { SessionRegistry } from './whatsapp/session-registry.js'

/** A running server: its address and an orderly stop. */
export interface RunningServer {
  readonly url: string
  readonly port: number
  readonly db: Database
  readonly logger: Logger
  readonly registry: SessionRegistry
  /** The embedded WhatsApp emulator (`WA_MODE=sandbox` without SANDBOX_URL only). */
  readonly sandbox: Sandbox | undefined
  /** The emulator the sessions use, embedded or another process's (`WA_MODE=sandbox` only). */
  readonly sandboxDriver: SandboxDriver | undefined
  /** Stops accepting, lets in-flight requests finish (up to the shutdown timeout), then stops every component in reverse order. */
  close (): Promise<void>
}

/**
 * How long a sent message is kept so a recipient's retry request (a device that could not decrypt it)
 * can be answered; such requests come within minutes to hours, so days is ample.
 */
const SENT_MESSAGE_KEEP_MS = 3 * 24 * 60 * 60_000
const PRUNE_EVERY_MS = 60 * 60_000

/** How long the sandbox waits before "typing" a pairing code on the virtual phone. */
const SANDBOX_PAIR_DELAY_MS = 300

/**
 * The event path's components: the outbox (events committed from every session's events), the
 * delivery worker, and the outbox pruner. Listens to the sessions before any is restored.
 */
async function startWebhooks (config: Config, logger: Logger, life: Lifecycle, db: Database, usersRepo: UsersRepo, registry: SessionRegistry, outbound: OutboundGuard, metrics: MetricsService): Promise<{ events: EventsService, deliveries: DeliveriesService, webhookKeys: WebhookKeysService, eventStream: EventStreamService, media: { service?: EventMediaService } }> {
  const settings = config.webhooks
  const outbox = new OutboxRepo(db)
  /** Set once the downloads service exists (media embedded in Message webhooks). */
  const media: { service?: EventMediaService } = {}
  const webhookKeys = new WebhookKeysService(usersRepo, resolveEncryptionKey(settings.encryptionKey, config.dataDir, logger), logger)
  const deliveries = new DeliveriesService(outbox, usersRepo, webhookKeys, { url: settings.globalUrl, hmacKey: settings.globalHmacKey }, settings.format)
  const events = new EventsService(outbox, usersRepo, settings.globalUrl)
  const proxies = await life.add('webhook proxies', () => new ProxyDispatchers(), async p => { await p.close() })
  const worker = await life.add('webhook worker', () => {
    const w = new DeliveryWorker({
      repo: outbox,
      post: guardedPoster(outbound, settings.timeoutMs, proxies),
      destination: job => deliveries.destination(job),
      logger: logger.child({ module: 'webhooks' }),
      retry: { ...DEFAULT_RETRY, baseMs: settings.retryBaseMs, capMs: settings.retryMaxDelayMs, windowMs: settings.retryWindowMs },
      pipeline: settings.pipeline,
      prepare: async job => await media.service?.prepare(job),
      onAttempt: report => { metrics.deliveryAttempt(report.outcome, report.latencyMs) }
    })
    w.start()
    return w
  }, async w => { await w.stop() })
  deliveries.wakes(worker)
  events.onCommitted({ committed: (userId, _seq, targets) => { for (const t of targets) worker.notify(userId, t) } })
  // Never detached: a session still closing at shutdown may receive a message, which must be committed.
  events.listen(registry)
  await life.add('outbox pruner', () => periodic('prune webhook events', PRUNE_EVERY_MS, () => {
    const pruned = outbox.prune(Date.now() - settings.retentionMs)
    if (pruned > 0) logger.debug({ pruned }, 'pruned old webhook events')
  }, logger), p => { p.stop() })
  return { events, deliveries, webhookKeys, eventStream: new EventStreamService(outbox, usersRepo, events), media }
}

/**
 * Starts the server's components in order (database, sandbox in sandbox mode, sessions, pruners,
 * the HTTP listener), then restores the sessions that were connected. Used by `main.ts` and by the
 * integration tests (with a temporary DATA_DIR and port 0). A component that fails stops the ones
 * already started.
 */
export async function startServer (config: Config, logger: Logger = createLogger(config.logLevel)): Promise<RunningServer> {
  silenceLibsignalConsole(logger)
  const life = new Lifecycle(logger)
  try {
    return await start(config, logger, life)
  } catch (err) {
    await life.stop()
    throw err
  }
}

async function start (config: Config, logger: Logger, life: Lifecycle): Promise<RunningServer> {
  await life.add('data-dir lock', () => acquireDataDirLock(config.dataDir), lock => { lock.release() })
  const db = await life.add('database', () => {
    const opened = openDatabase(config.dataDir)
    const { applied } = migrate(opened)
    if (applied.length > 0) logger.info({ applied }, 'database migrated')
    return opened
  }, opened => { opened.close() })
  const adminToken = resolveAdminToken(config.adminToken, config.dataDir, logger)
  const usersRepo = new UsersRepo(db)
  const waAuth = new WaAuthRepo(db)

  const embedded = config.waMode !== 'sandbox' || config.sandboxUrl !== ''
    ? undefined
    : await life.add('sandbox', async () => await Sandbox.start({ dataDir: path.join(config.dataDir, 'sandbox') }), async s => { await s.stop() })
  const sandbox: SandboxDriver | undefined = config.waMode !== 'sandbox'
    ? undefined
    : embedded !== undefined
      ? new LocalSandboxDriver(embedded)
      : await life.add('sandbox client', async () => await RemoteSandboxDriver.connect(config.sandboxUrl), async d => { await d.close() })
  if (embedded !== undefined) logger.warn({ url: embedded.wsUrl }, 'WA_MODE=sandbox: sessions connect to the built-in WhatsApp emulator, not to WhatsApp')
  else if (sandbox !== undefined) logger.warn({ url: sandbox.wsUrl, sandboxUrl: config.sandboxUrl }, 'WA_MODE=sandbox: sessions connect to the WhatsApp emulator at SANDBOX_URL, not to WhatsApp')

  const registry = await life.add('sessions', () => new SessionRegistry({
    logger,
    auth: waAuth,
    socket: {
      logger: new BaileysLogger(logger.child({ module: 'baileys' }, { level: config.baileysLogLevel })),
      queryTimeoutMs: config.waQueryTimeoutMs,
      connectTimeoutMs: 20_000,
      extra: () => sandbox?.socketOptions() ?? {},
      ...(sandbox !== undefined ? { trustedCa: sandbox.mediaCa } : {})
    },
    polls: new PollsRepo(db),
    proxyFor: id => usersRepo.byId(id)?.proxy_url ?? '',
    historyDays: id => usersRepo.byId(id)?.days_to_sync_history ?? 0
  }, { userExists: id => usersRepo.byId(id) !== undefined }), async r => { await r.closeAll() })
  persistSessionMarks(registry, usersRepo)

  await life.add('sent-message pruner', () => periodic('prune sent messages', PRUNE_EVERY_MS, () => {
    const pruned = waAuth.pruneSentMessages(SENT_MESSAGE_KEEP_MS)
    if (pruned > 0) logger.debug({ pruned }, 'forgot old sent messages')
  }, logger), p => { p.stop() })

  const auth = new AuthService(usersRepo, adminToken, resolveTokenSecret(config.tokenSecret, config.dataDir, logger))
  const outbound = await life.add('outbound guard', () => new OutboundGuard({ allowPrivate: config.allowPrivateUrls }), async g => { await g.close() })
  const subscriptions = new SubscriptionsService(usersRepo, outbound, config.webhooks.format)
  // scraped only once the listener is up, after `webhooks` exists
  const metrics = new MetricsService({ sessionCounts: () => registry.countsByState(), outbox: () => webhooks.deliveries.totals() })
  metrics.listen(registry)
  const webhooks = await startWebhooks(config, logger, life, db, usersRepo, registry, outbound, metrics)
  const users = new UsersService(usersRepo, auth, subscriptions, registry, webhooks.webhookKeys)
  const health = new HealthService(db, usersRepo, registry, () => webhooks.deliveries.totals())
  const sessions = new SessionsService(registry, usersRepo, subscriptions, {
    connectWaitMs: config.connectWaitMs,
    webhookStatus: (userId, row) => ({ hmacConfigured: webhooks.webhookKeys.hasKey(row), deliveries: webhooks.deliveries.health(userId) }),
    qrWaitMs: 15_000,
    onPairingCode: sandbox !== undefined && config.sandboxAutoPair
      ? (userId, phone, code) => {
          setTimeout(() => {
            sandbox.completePairingCode(code, phone).catch(err => logger.warn({ userId, err }, 'sandbox could not complete the pairing code'))
          }, SANDBOX_PAIR_DELAY_MS)
        }
      : undefined
  })
  const messaging = new MessagingService(registry, { defaultCountryCode: config.defaultCountryCode })
  const intake = new MediaIntake({ limits: config.mediaLimits, tempDir: config.mediaTempDir, fetchTimeoutMs: config.mediaFetchTimeoutMs, guard: outbound })
  const mediaMessages = new MediaMessagesService(messaging, intake, new MediaConverter({ tempDir: config.mediaTempDir, timeoutMs: CONVERT_TIMEOUT_MS }))
  const mediaFetcher = new MediaFetcher({
    guard: outbound,
    timeoutMs: config.mediaFetchTimeoutMs,
    sandbox: sandbox === undefined ? undefined : { host: sandbox.mediaHost, dispatcher: sandbox.downloadDispatcher }
  })
  const history = new HistoryService(new MessagesRepo(db), usersRepo, registry)
  const downloads = new DownloadsService(messaging, mediaFetcher, config.mediaLimits, { history, timeoutMs: config.waQueryTimeoutMs })
  webhooks.media.service = new EventMediaService(usersRepo, downloads, config.webhooks.mediaMaxBytes, logger.child({ module: 'webhooks' }))
  history.listen()
  messaging.onSent(history)
  messaging.onSent(metrics)
  const messageActions = new MessageActionsService(messaging, history)
  const groups = new GroupsService(messaging, intake)
  const contacts = new ContactsService(new ContactsRepo(db), registry)
  contacts.listen()
  const userDirectory = new UserDirectoryService(messaging, contacts)
  const proxy = new ProxyService(usersRepo, registry)
  const sandboxService = sandbox === undefined ? undefined : new SandboxService(sandbox, registry, usersRepo)
  const upload = { tempDir: config.mediaTempDir, maxFileBytes: largestLimit(config.mediaLimits) }
  const app = createApp({ logger, bodyLimitBytes: config.bodyLimitBytes, upload, auth, users, health, subscriptions, sessions, messaging, mediaMessages, downloads, history, messageActions, groups, userDirectory, contacts, proxy, sandbox: sandboxService, metrics, metricsToken: config.metricsToken, limits: config.limits, deliveries: webhooks.deliveries, webhookKeys: webhooks.webhookKeys, eventStream: webhooks.eventStream })

  const http = await life.add('http', async () => await listen(app, config.port, config.host), async l => { await l.close(config.shutdownTimeoutMs) })
  // stopped before the listener, so open event streams do not hold its close back
  await life.add('event streams', () => webhooks.eventStream, s => { s.closeAll() })
  logger.info({ url: http.url, dataDir: config.dataDir, waMode: config.waMode }, 'server listening')

  const restored = registry.restore(usersRepo.connected().map(u => u.id))
  if (restored > 0) logger.info({ sessions: restored }, 'restoring WhatsApp sessions')

  const close = async (): Promise<void> => {
    await life.stop()
    logger.info('server stopped')
  }
  return { url: http.url, port: http.port, db, logger, registry, sandbox: embedded, sandboxDriver: sandbox, close }
}
