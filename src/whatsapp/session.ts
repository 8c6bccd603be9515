import { EventEmitter } from 'node:events'
import makeWASocket, {
  Browsers, generateMessageIDV2, jidNormalizedUser, makeCacheableSignalKeyStore, proto,
  type AnyMessageContent, type BinaryNode, type ConnectionState, type GroupMetadata, type MiscMessageGenerationOptions,
  type UserFacingSocketConfig, type WASocket
} from '@whiskeysockets/baileys'
import QRCode from 'qrcode'
import type { UsersRepo } from '../db/repos/users.js'
import type { WaAuthRepo } from '../db/repos/wa-auth.js'
import type { Logger } from '../util/logger.js'
import { useSqliteAuthState, type SqliteAuthState } from './auth-state.js'
import type { EventType } from './events.js'
import { decideOnClose } from './reconnect-policy.js'
import { TtlCache } from './ttl-cache.js'

/** Lifecycle states of a user's WhatsApp session. */
export type SessionState = 'disconnected' | 'connecting' | 'qr' | 'pairing' | 'connected' | 'reconnecting' | 'logged_out'

/** Receives the session events the event bus turns into webhooks. */
export type SessionEventSink = (userId: string, type: EventType, payload: Record<string, unknown>) => void

/** What every session of the process shares. */
export interface SessionEnv {
  logger: Logger
  /** Logger handed to Baileys (usually quieter than ours). */
  baileysLogger: Logger
  users: UsersRepo
  auth: WaAuthRepo
  /** Extra socket options: the sandbox's URL and agents in sandbox mode, nothing in live mode. */
  socketOptions: () => Partial<UserFacingSocketConfig>
  emit: SessionEventSink
  /** Baileys' IQ timeout; an IQ pending at socket end keeps a timer this long. */
  queryTimeoutMs: number
  connectTimeoutMs: number
}

/** How long a socket keeps signal keys it read or wrote in memory (Baileys' default for its own cache). */
const SIGNAL_KEY_CACHE_TTL_MS = 5 * 60_000

export interface LastError { code: number | undefined, message: string, at: string }

/** A message WhatsApp's server accepted: its id and the server's timestamp (Unix seconds). */
export interface SentMessage { id: string, timestamp: number, message: proto.IWebMessageInfo }

/**
 * Resolves with the server's `<ack>` for message `id`. Baileys' own `waitForMessage` resolves on any
 * stanza carrying the id (a recipient's receipt too) and resolves `undefined` on timeout, so it
 * cannot tell "accepted" from "lost".
 */
async function waitForAck (sock: WASocket, id: string, timeoutMs: number): Promise<BinaryNode> {
  return await new Promise((resolve, reject) => {
    const finish = (): void => {
      clearTimeout(timer)
      sock.ws.off(`TAG:${id}`, onNode)
      sock.ws.off('close', onClose)
    }
    const onNode = (node: BinaryNode): void => {
      if (node.tag !== 'ack') return
      finish()
      resolve(node)
    }
    const onClose = (): void => {
      finish()
      reject(new Error('connection closed'))
    }
    const timer = setTimeout(() => {
      finish()
      reject(new Error(`no ack within ${timeoutMs} ms`))
    }, timeoutMs)
    sock.ws.on(`TAG:${id}`, onNode)
    sock.ws.on('close', onClose)
  })
}

/** Why a send did not get the server's acceptance. */
export class SendError extends Error {
  constructor (message: string, readonly reason: 'not_connected' | 'no_ack' | 'refused', readonly serverCode?: string) {
    super(message)
    this.name = 'SendError'
  }
}

/**
 * One user's WhatsApp session: a Baileys socket, its login in SQLite, and the reconnect policy.
 * Not safe for concurrent calls: the registry serialises connect/disconnect/logout per user.
 */
export class UserSession extends EventEmitter {
  state: SessionState = 'disconnected'
  qr = ''
  qrPng = ''
  lastError: LastError | undefined
  private sock: WASocket | undefined
  private readonly authState: SqliteAuthState
  private readonly retryCache = new TtlCache(60 * 60_000)
  private readonly groupCache = new TtlCache(5 * 60_000)
  private attempt = 0
  private reconnectTimer: NodeJS.Timeout | undefined
  private intentionalClose = false

  constructor (readonly userId: string, private readonly env: SessionEnv) {
    super()
    this.setMaxListeners(50)
    this.authState = useSqliteAuthState(env.auth, userId)
  }

  /** True when SQLite holds a paired login (a connect needs no QR). */
  get hasLogin (): boolean { return this.authState.hasLogin() }

  /** The logged-in phone JID (`5511...@s.whatsapp.net`), or ''. */
  get jid (): string {
    const id = this.authState.state.creds.me?.id
    return id !== undefined && this.hasLogin ? jidNormalizedUser(id) : ''
  }

  get pushName (): string { return this.authState.state.creds.me?.name ?? '' }

  /** The live socket, only while connected. */
  get socket (): WASocket | undefined { return this.state === 'connected' ? this.sock : undefined }

  /** Opens a socket unless one is already open or opening; a pending backoff reconnect happens now. */
  start (): void {
    if (this.sock !== undefined) return
    this.clearReconnect()
    this.open()
  }

  /** Resolves when `check` holds for the current state, or after `timeoutMs` (false). */
  async waitFor (check: (s: SessionState) => boolean, timeoutMs: number): Promise<boolean> {
    if (check(this.state)) return true
    return await new Promise(resolve => {
      const onState = (): void => { if (check(this.state)) finish(true) }
      const timer = setTimeout(() => finish(false), timeoutMs)
      const finish = (result: boolean): void => {
        clearTimeout(timer)
        this.off('state', onState)
        resolve(result)
      }
      this.on('state', onState)
    })
  }

  /** Closes the socket and keeps the login (the next connect needs no QR). */
  async disconnect (): Promise<void> {
    await this.closeSocket()
    this.dropUnfinishedPairing()
    this.env.users.update(this.userId, { connected: 0 })
    this.setState('disconnected')
  }

  /** Closes the socket without changing what is stored (server shutdown). */
  async stop (): Promise<void> {
    await this.closeSocket()
  }

  /** Logs out on the phone side when possible, then wipes the stored login. */
  async logout (): Promise<void> {
    const sock = this.socket
    this.clearReconnect()
    if (sock !== undefined) {
      this.intentionalClose = true
      try {
        await sock.logout()
      } catch (err) {
        this.env.logger.warn({ userId: this.userId, err }, 'logout on the phone side failed; wiping the login anyway')
      }
    }
    await this.closeSocket()
    this.authState.wipe()
    this.env.users.update(this.userId, { connected: 0, jid: '' })
    this.setState('logged_out')
  }

  /** Asks WhatsApp for a pairing code for this phone number; the socket must be showing QR codes. */
  async requestPairingCode (phone: string): Promise<string> {
    const sock = this.sock
    if (sock === undefined) throw new Error('no socket')
    const code = await sock.requestPairingCode(phone)
    this.setState('pairing')
    return code
  }

  /**
   * Sends a message and resolves only once WhatsApp's server acknowledged it (Baileys' `sendMessage`
   * resolves when the stanza is written, not when it is accepted). Rejects with a {@link SendError}
   * when the session is not connected, the ack does not come within the query timeout, or the server
   * refuses the message (an ack with an error code).
   */
  async send (jid: string, content: AnyMessageContent, options: MiscMessageGenerationOptions = {}): Promise<SentMessage> {
    const sock = this.socket
    if (sock === undefined) throw new SendError(`not connected: the session is ${this.state}`, 'not_connected')
    const id = options.messageId ?? generateMessageIDV2(sock.user?.id)
    const ack = waitForAck(sock, id, this.env.queryTimeoutMs)
    ack.catch(() => {})
    const message = await sock.sendMessage(jid, content, { ...options, messageId: id })
    if (message === undefined) throw new SendError(`message ${id} could not be built`, 'refused')
    if (message.message != null) this.rememberSent(id, jid, message.message)
    let node: BinaryNode
    try {
      node = await ack
    } catch (err) {
      throw new SendError(`WhatsApp did not acknowledge message ${id} (${(err as Error).message}); it may or may not have been delivered`, 'no_ack')
    }
    const error = node.attrs.error
    if (error !== undefined) throw new SendError(`WhatsApp refused message ${id} with error ${error}`, 'refused', error)
    const t = Number(node.attrs.t)
    const timestamp = Number.isFinite(t) && t > 0 ? t : Math.floor(Date.now() / 1000)
    return { id, timestamp, message }
  }

  /** Remembers a sent message so a peer's retry request can be answered. */
  private rememberSent (id: string, remoteJid: string, message: proto.IMessage): void {
    this.env.auth.saveSentMessage(this.userId, id, remoteJid, proto.Message.encode(message).finish())
  }

  private open (): void {
    this.intentionalClose = false
    const { state } = this.authState
    const sock = makeWASocket({
      // Our own cache, not Baileys' default NodeCache: that one starts a 10-minute check interval
      // nobody closes when the socket ends, so every socket's key cache (key material included)
      // stayed reachable from the timer list forever. A TtlCache has no timer and dies with the socket.
      auth: { creds: state.creds, keys: makeCacheableSignalKeyStore(state.keys, this.env.baileysLogger, new TtlCache(SIGNAL_KEY_CACHE_TTL_MS)) },
      logger: this.env.baileysLogger,
      browser: Browsers.macOS('Chrome'),
      markOnlineOnConnect: false,
      syncFullHistory: false,
      msgRetryCounterCache: this.retryCache,
      defaultQueryTimeoutMs: this.env.queryTimeoutMs,
      connectTimeoutMs: this.env.connectTimeoutMs,
      getMessage: async key => {
        const stored = key.id ? this.env.auth.sentMessage(this.userId, key.id) : undefined
        return stored === undefined ? undefined : proto.Message.decode(stored)
      },
      cachedGroupMetadata: async jid => await this.groupMetadata(jid),
      ...this.env.socketOptions()
    })
    this.sock = sock
    this.setState(this.attempt > 0 ? 'reconnecting' : 'connecting')
    sock.ev.on('creds.update', () => { this.authState.saveCreds() })
    sock.ev.on('connection.update', update => { this.onConnectionUpdate(sock, update) })
    sock.ev.on('groups.upsert', groups => { for (const g of groups) this.groupCache.set(g.id, g) })
    sock.ev.on('groups.update', updates => { for (const g of updates) if (g.id) this.groupCache.del(g.id) })
    sock.ev.on('group-participants.update', ({ id }) => { this.groupCache.del(id) })
  }

  /**
   * Group metadata for sends to a group (Baileys asks before every group send): cached for five
   * minutes, dropped when the group's settings or participants change so new members get the
   * sender key. A miss is fetched from WhatsApp; `undefined` lets Baileys fetch it itself.
   */
  private async groupMetadata (jid: string): Promise<GroupMetadata | undefined> {
    const hit = this.groupCache.get<GroupMetadata>(jid)
    if (hit !== undefined) return hit
    const sock = this.socket
    if (sock === undefined) return undefined
    try {
      const meta = await sock.groupMetadata(jid)
      this.groupCache.set(jid, meta)
      return meta
    } catch (err) {
      this.env.logger.debug({ userId: this.userId, jid, err }, 'group metadata fetch failed')
      return undefined
    }
  }

  private onConnectionUpdate (sock: WASocket, update: Partial<ConnectionState>): void {
    if (sock !== this.sock) return
    if (update.qr !== undefined) this.onQr(update.qr).catch(err => this.env.logger.warn({ userId: this.userId, err }, 'could not render the QR code'))
    if (update.isNewLogin === true) this.onPaired()
    if (update.connection === 'open') this.onOpen()
    if (update.connection === 'close') this.onClose(sock, update.lastDisconnect?.error)
  }

  private async onQr (qr: string): Promise<void> {
    this.qr = qr
    this.qrPng = await QRCode.toDataURL(qr, { width: 256, margin: 2 })
    if (this.qr !== qr) return
    if (this.state !== 'pairing') this.setState('qr')
    this.env.emit(this.userId, 'QR', { qrCodeBase64: this.qrPng })
  }

  private onPaired (): void {
    const me = this.authState.state.creds.me
    this.env.users.update(this.userId, { jid: me?.id ?? '' })
    this.env.emit(this.userId, 'PairSuccess', { ID: me?.id ?? '', LID: me?.lid ?? '', BusinessName: '', Platform: this.authState.state.creds.platform ?? '' })
  }

  private onOpen (): void {
    this.attempt = 0
    this.qr = ''
    this.qrPng = ''
    this.lastError = undefined
    this.env.users.update(this.userId, { connected: 1, jid: this.authState.state.creds.me?.id ?? '' })
    this.setState('connected')
    this.env.emit(this.userId, 'Connected', {})
  }

  private onClose (sock: WASocket, error: Error | undefined): void {
    this.sock = undefined
    sock.ev.removeAllListeners('connection.update')
    const code = (error as { output?: { statusCode?: number } } | undefined)?.output?.statusCode
    const decision = decideOnClose({ code, message: error?.message, intentional: this.intentionalClose }, this.attempt)
    if (error !== undefined && !this.intentionalClose) {
      this.lastError = { code, message: error.message, at: new Date().toISOString() }
    }
    this.env.logger.info({ userId: this.userId, code, reason: error?.message, decision }, 'whatsapp connection closed')
    this.qr = ''
    this.qrPng = ''
    switch (decision.action) {
      case 'none':
        return
      case 'reconnect':
        this.attempt += 1
        this.setState(code === 515 ? 'connecting' : 'reconnecting')
        if (code !== 515) this.env.emit(this.userId, 'Disconnected', {})
        this.reconnectTimer = setTimeout(() => {
          this.reconnectTimer = undefined
          this.open()
        }, decision.delayMs)
        return
      case 'logged_out':
        this.authState.wipe()
        this.env.users.update(this.userId, { connected: 0, jid: '' })
        this.setState('logged_out')
        this.env.emit(this.userId, 'LoggedOut', { OnConnect: false, Reason: code ?? 401 })
        return
      case 'stop':
        this.lastError = { code, message: decision.reason, at: new Date().toISOString() }
        this.dropUnfinishedPairing()
        this.env.users.update(this.userId, { connected: 0 })
        this.setState('disconnected')
        if (error?.message === 'QR refs attempts ended') this.env.emit(this.userId, 'QRTimeout', {})
        else if (code === 440) this.env.emit(this.userId, 'StreamReplaced', {})
        else this.env.emit(this.userId, 'Disconnected', {})
    }
  }

  /** A pairing code request sets `creds.me` before pairing completes; such creds must not be used to log in. */
  private dropUnfinishedPairing (): void {
    if (!this.hasLogin && this.authState.state.creds.me !== undefined) this.authState.wipe()
  }

  private clearReconnect (): void {
    if (this.reconnectTimer !== undefined) clearTimeout(this.reconnectTimer)
    this.reconnectTimer = undefined
  }

  private async closeSocket (): Promise<void> {
    this.clearReconnect()
    const sock = this.sock
    this.sock = undefined
    if (sock === undefined) return
    this.intentionalClose = true
    sock.ev.removeAllListeners('connection.update')
    try {
      await sock.end(undefined)
    } catch (err) {
      this.env.logger.debug({ userId: this.userId, err }, 'socket end failed')
    }
    this.qr = ''
    this.qrPng = ''
  }

  private setState (state: SessionState): void {
    if (this.state === state) return
    this.state = state
    this.emit('state', state)
  }
}
