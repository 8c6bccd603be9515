import { EventEmitter } from 'node:events'
import { jidNormalizedUser, type WASocket } from '@whiskeysockets/baileys'
import type { Logger } from '../util/logger.js'
import type { SqliteAuthState } from './auth-state.js'
import { tapSocket, type ConnectionUpdate, type TapHandlers } from './event-tap.js'
import { qrDataUrl } from './qr-image.js'
import { decideOnClose } from './reconnect-policy.js'
import type { LastError, SessionEvent, SessionState } from './types.js'

/** What a connection needs from its owner. */
export interface ConnectionHooks {
  /** Makes a new socket with the session's auth state. */
  makeSocket (): WASocket
  /** Socket events that are not about the connection: group changes for the session's caches, chat messages. */
  tap: Pick<TapHandlers, 'groupsUpserted' | 'groupChanged' | 'messages' | 'webhook' | 'contacts' | 'historyMessages' | 'historyDays'>
  emit (event: SessionEvent): void
  /**
   * A reconnect is due (after the backoff, or at once after a 515 restart). The owner calls
   * {@link SessionConnection.resume} under the user's lock, so a reconnect never races a
   * disconnect, a logout or a delete.
   */
  reconnectDue (): void
  logger: Logger
}

/**
 * One user's connection lifecycle: the current Baileys socket, the state machine, QR codes and
 * pairing, and the reconnect policy. Not safe for concurrent calls: the registry serialises
 * start/resume/disconnect/logout per user.
 */
export class SessionConnection {
  state: SessionState = 'disconnected'
  /** The QR code string the phone scans, and its PNG data URL, while one is shown. */
  qr = ''
  qrPng = ''
  lastError: LastError | undefined
  private sock: WASocket | undefined
  private untap: (() => void) | undefined
  private attempt = 0
  private reconnectTimer: NodeJS.Timeout | undefined
  private reconnectPending = false
  private intentionalClose = false
  private readonly states = new EventEmitter()

  constructor (private readonly auth: SqliteAuthState, private readonly hooks: ConnectionHooks) {
    this.states.setMaxListeners(0)
  }

  /** The live socket, only while logged in. */
  get socket (): WASocket | undefined { return this.state === 'connected' ? this.sock : undefined }

  /** The logged-in phone JID, or ''. */
  get jid (): string {
    const id = this.auth.state.creds.me?.id
    return id !== undefined && this.auth.hasLogin() ? jidNormalizedUser(id) : ''
  }

  /** Opens a socket unless one is open or opening; a pending reconnect happens now. */
  start (): void {
    if (this.sock !== undefined) return
    this.clearReconnect()
    this.open()
  }

  /** Runs a reconnect that became due (see {@link ConnectionHooks.reconnectDue}); nothing if it was cancelled. */
  resume (): void {
    if (!this.reconnectPending || this.sock !== undefined) return
    this.reconnectPending = false
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
        this.states.off('state', onState)
        resolve(result)
      }
      this.states.on('state', onState)
    })
  }

  /** Closes the socket and keeps the login (the next connect needs no QR). */
  async disconnect (): Promise<void> {
    await this.closeSocket()
    this.dropUnfinishedPairing()
    this.setState('disconnected')
    this.hooks.emit({ type: 'stopped', cause: 'user', code: undefined, reason: 'disconnected by the user' })
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
        this.hooks.logger.warn({ err }, 'logout on the phone side failed; wiping the login anyway')
      }
    }
    await this.closeSocket()
    this.auth.wipe()
    this.setState('logged_out')
    this.hooks.emit({ type: 'logged_out', remote: false, code: undefined, reason: 'logged out by the user' })
  }

  /** Asks WhatsApp for a pairing code for this phone number; the socket must be showing QR codes. */
  async requestPairingCode (phone: string): Promise<string> {
    const sock = this.sock
    if (sock === undefined || (this.state !== 'qr' && this.state !== 'pairing')) throw new Error(`no QR code shown: the session is ${this.state}`)
    const code = await sock.requestPairingCode(phone)
    this.setState('pairing')
    return code
  }

  private open (): void {
    this.intentionalClose = false
    this.dropUnfinishedPairing()
    const sock = this.hooks.makeSocket()
    this.sock = sock
    this.untap = tapSocket(sock, {
      ...this.hooks.tap,
      connection: update => { this.onConnectionUpdate(sock, update) },
      credsChanged: () => { this.auth.saveCreds() }
    }, this.hooks.logger)
    this.setState(this.attempt > 0 ? 'reconnecting' : 'connecting')
  }

  private onConnectionUpdate (sock: WASocket, update: ConnectionUpdate): void {
    if (sock !== this.sock) return
    if (update.qr !== undefined) this.showQr(update.qr)
    if (update.newLogin === true) this.onPaired()
    if (update.opened === true) this.onOpen()
    if (update.closed !== undefined) this.onClose(update.closed)
  }

  private showQr (qr: string): void {
    this.qr = qr
    qrDataUrl(qr).then(png => {
      if (this.qr !== qr) return
      this.qrPng = png
      if (this.state !== 'pairing') this.setState('qr')
      this.hooks.emit({ type: 'qr', code: qr, png })
    }, err => { this.hooks.logger.warn({ err }, 'could not render the QR code') })
  }

  private onPaired (): void {
    const { creds } = this.auth.state
    this.hooks.emit({ type: 'paired', jid: creds.me?.id ?? '', lid: creds.me?.lid ?? '', platform: creds.platform ?? '' })
  }

  private onOpen (): void {
    this.attempt = 0
    this.clearQr()
    this.lastError = undefined
    this.setState('connected')
    this.hooks.emit({ type: 'connected', jid: this.auth.state.creds.me?.id ?? '' })
  }

  private onClose ({ code, message, error }: NonNullable<ConnectionUpdate['closed']>): void {
    this.detach()
    const decision = decideOnClose({ code, message, intentional: this.intentionalClose }, this.attempt)
    const restart = decision.action === 'reconnect' && decision.restart
    if (error !== undefined && !this.intentionalClose && !restart) {
      this.lastError = { code, message: error.message, at: new Date().toISOString() }
    }
    this.hooks.logger.info({ code, reason: message, decision }, 'whatsapp connection closed')
    this.clearQr()
    switch (decision.action) {
      case 'none':
        return
      case 'reconnect':
        if (!decision.restart) {
          this.attempt += 1
          this.hooks.emit({ type: 'disconnected', code, reason: message ?? 'connection closed', retryInMs: decision.delayMs })
        }
        this.setState(decision.restart ? 'connecting' : 'reconnecting')
        this.scheduleReconnect(decision.delayMs)
        return
      case 'logged_out':
        this.auth.wipe()
        this.setState('logged_out')
        this.hooks.emit({ type: 'logged_out', remote: true, code, reason: decision.reason })
        return
      case 'stop':
        this.lastError = { code, message: decision.reason, at: new Date().toISOString() }
        this.dropUnfinishedPairing()
        this.setState('disconnected')
        this.hooks.emit({ type: 'stopped', cause: decision.cause, code, reason: decision.reason })
    }
  }

  private scheduleReconnect (delayMs: number): void {
    this.reconnectPending = true
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined
      this.hooks.reconnectDue()
    }, delayMs)
  }

  private clearReconnect (): void {
    if (this.reconnectTimer !== undefined) clearTimeout(this.reconnectTimer)
    this.reconnectTimer = undefined
    this.reconnectPending = false
  }

  /**
   * A pairing-code request stores `creds.me` before pairing completes (and a crash can leave it
   * there); such creds must never be used to log in: WhatsApp would answer 401.
   */
  private dropUnfinishedPairing (): void {
    if (!this.auth.hasLogin() && this.auth.state.creds.me !== undefined) this.auth.wipe()
  }

  /** Forgets the current socket and stops listening to it. */
  private detach (): WASocket | undefined {
    const sock = this.sock
    this.sock = undefined
    this.untap?.()
    this.untap = undefined
    return sock
  }

  private async closeSocket (): Promise<void> {
    this.clearReconnect()
    const sock = this.detach()
    this.clearQr()
    if (sock === undefined) return
    this.intentionalClose = true
    try {
      await sock.end(undefined)
    } catch (err) {
      this.hooks.logger.debug({ err }, 'socket end failed')
    }
  }

  private clearQr (): void {
    this.qr = ''
    this.qrPng = ''
  }

  private setState (state: SessionState): void {
    if (this.state === state) return
    const previous = this.state
    this.state = state
    this.states.emit('state', state)
    this.hooks.emit({ type: 'state', state, previous })
  }
}
