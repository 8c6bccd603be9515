import { generateMessageIDV2, jidNormalizedUser, type AnyMessageContent, type BinaryNode, type MiscMessageGenerationOptions, type proto, type WASocket } from '@whiskeysockets/baileys'
import type { WaAuthRepo } from '../db/repos/wa-auth.js'
import { parseProxyUrl, proxyAgents, type ProxyAgents } from '../net/proxy.js'
import type { Logger } from '../util/logger.js'
import { useSqliteAuthState, type SqliteAuthState } from './auth-state.js'
import { ChatOps } from './chat-ops.js'
import { SessionConnection } from './connection.js'
import { GroupMetadataCache } from './group-cache.js'
import { GroupOps } from './group-ops.js'
import { InboundMessages } from './inbound.js'
import { Messenger, type SentMessage } from './messenger.js'
import { SendError } from './errors.js'
import { messageToJson } from './message-json.js'
import { toContent, type OutgoingMessage } from './outgoing.js'
import { SentMessages } from './sent-messages.js'
import { createSocket, type SocketSettings } from './socket-factory.js'
import { TtlCache } from './ttl-cache.js'
import { UserOps } from './user-ops.js'
import { SOCKET_UP, type SessionEvent, type SessionSnapshot, type SessionState } from './types.js'
import { pollRecord, type PollStore } from './webhook-events/poll-vote.js'

export type { SentMessage } from './messenger.js'

/** A message WhatsApp's server accepted, in our terms: its id, the server's timestamp and what was sent (proto JSON). */
export interface SendReceipt { id: string, timestamp: number, message: Record<string, unknown> | null }

/** What every session of the process shares. */
export interface SessionEnv {
  logger: Logger
  auth: WaAuthRepo
  socket: SocketSettings
  /** The polls sessions sent and received, kept so votes on them can be decrypted after a restart. */
  polls: PollStore
  /** The user's proxy URL ('' for none), read at each socket's start. */
  proxyFor?: (userId: string) => string
  /** The user's history depth in days (`days_to_sync_history`; 0: all the phone sends). */
  historyDays? (userId: string): number
}

/** What a session tells its owner (the registry). */
export interface SessionOwner {
  emit (event: SessionEvent): void
  reconnectDue (): void
}

const RETRY_COUNTER_TTL_MS = 60 * 60_000
/** How long the id of a message we sent is remembered, to tell Baileys' echo of it from a message our phone sent. */
const OWN_SEND_TTL_MS = 10 * 60_000

/**
 * One user's WhatsApp session: its stored login, its connection lifecycle, its sends, and the
 * caches that outlive a socket (retry counters, group metadata). Lifecycle calls are serialised
 * per user by the registry.
 */
export class UserSession {
  private readonly auth: SqliteAuthState
  private readonly connection: SessionConnection
  private readonly messenger: Messenger
  /**
   * Ids of the messages this session sent: Baileys echoes each as a `messages.upsert`, which is not
   * news (the send path reports it once acked). Its PENDING status cannot tell, as Baileys' event
   * buffer merges the ack's status update into the echo.
   */
  private readonly ownSends = new TtlCache(OWN_SEND_TTL_MS)
  private readonly polls: PollStore
  /** The agents of the user's proxy, kept while its URL stays the same. */
  private proxied: { url: string, agents: ProxyAgents } | undefined

  constructor (readonly userId: string, env: SessionEnv, owner: SessionOwner) {
    const logger = env.logger.child({ userId })
    this.auth = useSqliteAuthState(env.auth, userId)
    const sent = new SentMessages(env.auth, userId)
    const groups = new GroupMetadataCache(logger)
    const retryCache = new TtlCache(RETRY_COUNTER_TTL_MS)
    this.polls = env.polls
    const inbound = new InboundMessages(userId, {
      polls: env.polls,
      emit: event => { owner.emit(event) },
      ownSend: id => this.ownSends.get(id) !== undefined,
      logger
    })
    this.messenger = new Messenger(sent, env.socket.queryTimeoutMs)
    this.connection = new SessionConnection(this.auth, {
      makeSocket: () => createSocket(env.socket, {
        proxy: this.proxyAgents(env.proxyFor?.(userId) ?? '', env.socket.trustedCa),
        auth: this.auth.state,
        retryCache,
        getMessage: id => sent.find(id),
        groupMetadata: async jid => await groups.get(jid, this.connection.socket),
        beforeMessageReceipt: async (sock, msg) => { await inbound.beforeReceipt(sock, msg) }
      }),
      tap: {
        groupsUpserted: g => { groups.upsert(g) },
        groupChanged: jid => { groups.invalidate(jid) },
        webhook: event => { owner.emit({ type: 'webhook', event }) },
        contacts: contacts => { owner.emit({ type: 'contacts', contacts }) },
        historyMessages: list => { owner.emit({ type: 'history', messages: [...list] }) },
        historyDays: () => env.historyDays?.(userId) ?? 0,
        messages: (sock, list) => { inbound.upserted(sock, list) }
      },
      emit: event => { owner.emit(event) },
      reconnectDue: () => { owner.reconnectDue() },
      logger
    })
  }

  get state (): SessionState { return this.connection.state }
  /** The QR code string currently shown (what a phone scans), or ''. */
  get qr (): string { return this.connection.qr }
  /** True when SQLite holds a paired login (a connect needs no QR). */
  get hasLogin (): boolean { return this.auth.hasLogin() }
  /** The logged-in phone JID, or ''. */
  get jid (): string { return this.connection.jid }
  /** The full device JID of the login (`5511...:3@s.whatsapp.net`), or ''. */
  get deviceJid (): string { return this.auth.hasLogin() ? this.auth.state.creds.me?.id ?? '' : '' }
  /** The live socket, only while logged in (tests and features not wrapped yet). */
  get socket (): WASocket | undefined { return this.connection.socket }

  snapshot (): SessionSnapshot {
    const state = this.connection.state
    return {
      state,
      connected: SOCKET_UP.has(state),
      loggedIn: state === 'connected',
      qrcode: this.connection.qrPng,
      jid: this.connection.jid,
      pushName: this.auth.state.creds.me?.name ?? '',
      lastError: this.connection.lastError
    }
  }

  start (): void { this.connection.start() }
  resume (): void { this.connection.resume() }
  async disconnect (): Promise<void> {
    await this.connection.disconnect()
    await this.closeProxy()
  }

  async stop (): Promise<void> {
    await this.connection.stop()
    await this.closeProxy()
  }

  async logout (): Promise<void> {
    await this.connection.logout()
    await this.closeProxy()
  }

  async requestPairingCode (phone: string): Promise<string> { return await this.connection.requestPairingCode(phone) }

  async waitFor (check: (s: SessionState) => boolean, timeoutMs: number): Promise<boolean> {
    return await this.connection.waitFor(check, timeoutMs)
  }

  /** Sends one of our outgoing messages; resolves on the server's ack, rejects with a `SendError`. */
  async sendMessage (jid: string, message: OutgoingMessage, opts: { id?: string } = {}): Promise<SendReceipt> {
    const built = toContent(message)
    const sent = 'proto' in built
      ? await this.relay(jid, built.proto, built.nodes, opts.id)
      : await this.send(jid, built.content, { ...built.options, ...(opts.id !== undefined ? { messageId: opts.id } : {}) })
    const poll = pollRecord(jidNormalizedUser(sent.message.key?.remoteJid ?? jid), sent.id, this.jid, sent.message.message)
    if (poll !== undefined) this.polls.save(this.userId, poll)
    return { id: sent.id, timestamp: sent.timestamp, message: messageToJson(sent.message.message) }
  }

  /** Chat operations on the logged-in socket; `not_connected` (a `SendError`) without one. */
  ops (): ChatOps {
    const sock = this.connection.socket
    if (sock === undefined) throw new SendError(`not connected: the session is ${this.state}`, 'not_connected', { state: this.state })
    return new ChatOps(sock)
  }

  /** Group operations on the logged-in socket; `not_connected` (a `SendError`) without one. */
  groups (): GroupOps {
    const sock = this.connection.socket
    if (sock === undefined) throw new SendError(`not connected: the session is ${this.state}`, 'not_connected', { state: this.state })
    return new GroupOps(sock)
  }

  /** User lookups and account settings on the logged-in socket; `not_connected` (a `SendError`) without one. */
  users (): UserOps {
    const sock = this.connection.socket
    if (sock === undefined) throw new SendError(`not connected: the session is ${this.state}`, 'not_connected', { state: this.state })
    return new UserOps(sock)
  }

  /** Sends Baileys content and resolves on the server's ack; rejects with a `SendError` (see {@link Messenger.send}). */
  async send (jid: string, content: AnyMessageContent, options?: MiscMessageGenerationOptions): Promise<SentMessage> {
    const messageId = options?.messageId ?? generateMessageIDV2(this.connection.socket?.user?.id)
    this.ownSends.set(messageId, true)
    return await this.messenger.send(this.connection.socket, this.connection.state, jid, content, { ...options, messageId })
  }

  /** The proxy agents for `url` ('' = none); a changed URL replaces (and closes) the old ones. */
  private proxyAgents (url: string, ca: string | undefined): ProxyAgents | undefined {
    if (this.proxied?.url === url) return this.proxied.agents
    const old = this.proxied
    this.proxied = url === '' ? undefined : { url, agents: proxyAgents(parseProxyUrl(url), ca) }
    old?.agents.close().catch(() => {})
    return this.proxied?.agents
  }

  private async closeProxy (): Promise<void> {
    const old = this.proxied
    this.proxied = undefined
    await old?.agents.close()
  }

  private async relay (jid: string, message: proto.IMessage, nodes: BinaryNode[], id: string | undefined): Promise<SentMessage> {
    const messageId = id ?? generateMessageIDV2(this.connection.socket?.user?.id)
    this.ownSends.set(messageId, true)
    return await this.messenger.relay(this.connection.socket, this.connection.state, jid, message, nodes, messageId)
  }
}
