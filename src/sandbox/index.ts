import { isJidGroup } from '@whiskeysockets/baileys'
import type { BinaryNode, proto } from '@whiskeysockets/baileys'
import { Agent as HttpsAgent } from 'node:https'
import { Agent as UndiciAgent } from 'undici'
import { SandboxCore } from './core.js'
import type { AckPolicy } from './core.js'
import { pnJid } from './directory.js'
import { EdgeServer } from './edge-server.js'
import type { EdgeConnection } from './edge-server.js'
import { applyFault } from './faults.js'
import type { FaultKind } from './faults.js'
import { Groups } from './groups.js'
import { groupPictureIq } from './group-requests.js'
import { baseIqHandlers, dispatchIq } from './iq-handlers.js'
import type { IqHandler } from './iq-handlers.js'
import { MediaHost } from './media-host.js'
import { answerMediaRetry } from './media-retry.js'
import { Pairing } from './pairing.js'
import type { PairResult } from './pairing.js'
import { PhoneHub } from './phone-hub.js'
import { VirtualPhone } from './phones.js'
import { Router } from './router.js'
import { login } from './session.js'
import { DirStore } from './dir-store.js'
import { MemoryStore } from './store.js'
import type { SandboxStore } from './store.js'
import { installSandboxTrust } from './trust.js'
import { SandboxError } from './errors.js'

export { installSandboxTrust, sandboxRootPublicKey } from './trust.js'
export { VirtualPhone } from './phones.js'
export type { PhoneMessage, PhoneSendOptions, PhoneGroupChange } from './phones.js'
export { encryptPollVote, optionHash } from './poll-vote.js'
export { runPhoneAction } from './phone-actions.js'
export type { PhoneAction, PhoneMediaKind, PhoneQuote } from './phone-actions.js'
export type { PhoneSignal } from './phone-hub.js'
export type { PairResult } from './pairing.js'
export type { FaultKind } from './faults.js'
export type { SandboxStore, WorldChanges } from './store.js'
export { MemoryStore } from './store.js'
export { DirStore } from './dir-store.js'
export type { StoreStats } from './dir-store.js'
export { SandboxError } from './errors.js'
export type { SandboxErrorKind } from './errors.js'
export type { WorldState } from './state.js'

/** Options of {@link Sandbox.start}. */
export interface SandboxOptions {
  /** WebSocket port (0 = ephemeral, the default). */
  port?: number;
  /** Bind address (default 127.0.0.1). */
  host?: string;
  /** Persist the world in this folder (`world.db`, `media/`; survives restarts); in memory when omitted. */
  dataDir?: string;
  /** Custom store (overrides dataDir). */
  store?: SandboxStore;
  /** QR refs per unpaired connection (default 6, like WhatsApp). */
  qrRefs?: number;
  /** Send a history sync on the first login after pairing (default true). */
  historySync?: boolean;
  /** Most received messages and receipts each virtual phone keeps, oldest dropped first (default 1000 each). */
  inboxLimit?: number;
  /** Most unacknowledged stanzas kept for each companion device, oldest dropped first (default 10000). */
  queueLimit?: number;
  /** Leave Baileys' trust anchor alone (default: {@link installSandboxTrust} is called). */
  skipTrustInstall?: boolean;
}

/** Extra `makeWASocket` options a client needs to talk to a sandbox. */
export interface SandboxSocketOptions {
  waWebSocketUrl: string;
  /** https.Agent trusting the media host certificate (used by uploads). */
  fetchAgent: HttpsAgent;
  /** RequestInit for Baileys' fetch paths (history/app-state blobs), with an undici dispatcher. */
  options: RequestInit;
}

/** A local WhatsApp: edge server, directory, router, virtual phones, groups and media host. */
export class Sandbox {
  private readonly edge: EdgeServer
  private readonly pairing: Pairing
  private readonly router: Router
  private readonly hub: PhoneHub
  private readonly groups: Groups
  private readonly media: MediaHost
  private readonly handlers: Record<string, IqHandler>
  private dispatcher?: UndiciAgent
  /** A store the sandbox opened itself (from `dataDir`), closed on stop. */
  private ownStore?: SandboxStore
  /** `ws://host:port/ws/chat` once started. */
  wsUrl = ''

  private constructor (readonly core: SandboxCore) {
    this.hub = new PhoneHub(core)
    this.router = new Router(core, this.hub)
    this.hub.router = this.router
    this.pairing = new Pairing(core)
    this.media = new MediaHost(core)
    this.groups = new Groups(core, this.router)
    this.router.groupRelay = (conn, node) => this.groups.relay(conn, node)
    this.router.mediaRetry = (conn, node) => answerMediaRetry(core, this.media, conn, node)
    const base = baseIqHandlers(core, this.pairing)
    const pictures = base['w:profile:picture']
    this.handlers = {
      ...base,
      'w:g2': (c, iq) => this.groups.handleIq(c, iq),
      'w:profile:picture': (c, iq) => isJidGroup(iq.attrs.target) ? groupPictureIq(core, c, iq) : pictures?.(c, iq)
    }
    this.edge = new EdgeServer({
      onHandshake: (conn, payload) => this.onHandshake(conn, payload),
      onNode: (conn, node) => this.onNode(conn, node),
      onClose: conn => this.onClose(conn)
    })
  }

  /** Starts a sandbox (WebSocket edge + HTTPS media host). */
  static async start (opts: SandboxOptions = {}): Promise<Sandbox> {
    if (!opts.skipTrustInstall) installSandboxTrust()
    const own = opts.store ? undefined : opts.dataDir ? new DirStore(opts.dataDir) : new MemoryStore()
    const store = opts.store ?? own!
    const core = new SandboxCore(store.load(), store, {
      qrRefs: opts.qrRefs ?? 6,
      historySync: opts.historySync ?? true,
      mediaHost: '',
      inboxLimit: Math.max(1, opts.inboxLimit ?? 1000),
      queueLimit: Math.max(1, opts.queueLimit ?? 10_000)
    })
    await core.loadQueues()
    const sb = new Sandbox(core)
    sb.ownStore = own
    const host = opts.host ?? '127.0.0.1'
    core.config.mediaHost = await sb.media.listen(host)
    const port = await sb.edge.listen(opts.port ?? 0, host)
    sb.wsUrl = `ws://${host}:${port}/ws/chat`
    return sb
  }

  /** Stops listening, closes every client connection and persists the world. */
  async stop (): Promise<void> {
    await this.edge.close()
    await this.media.close()
    await this.dispatcher?.close()
    this.core.close()
    this.ownStore?.close?.()
  }

  /** PEM of the media host's self-signed certificate (its own CA). */
  get mediaCa (): string {
    return this.media.tls.cert
  }

  /** Undici dispatcher trusting the media host (for `downloadMediaMessage(..., { options: { dispatcher } })`). */
  get downloadDispatcher (): UndiciAgent {
    this.dispatcher ??= new UndiciAgent({ connect: { ca: this.media.tls.cert } })
    return this.dispatcher
  }

  /** The options to spread into `makeWASocket({...})`. */
  socketOptions (): SandboxSocketOptions {
    return {
      waWebSocketUrl: this.wsUrl,
      fetchAgent: new HttpsAgent({ ca: this.media.tls.cert }),
      options: { dispatcher: this.downloadDispatcher } as unknown as RequestInit
    }
  }

  /** Options for `downloadMediaMessage` / `downloadContentFromMessage`. */
  downloadOptions (): { options: RequestInit } {
    return { options: { dispatcher: this.downloadDispatcher } as unknown as RequestInit }
  }

  /** Creates (or returns) the virtual phone of a number. */
  createPhone (pn: string, pushName?: string): VirtualPhone {
    const acc = this.core.ensureAccount(pn.replace(/\D/g, ''), pushName)
    if (pushName && pushName !== acc.pushName) {
      acc.pushName = pushName
      this.core.touchAccount(acc.pn)
    }
    return this.phone(acc.pn)
  }

  /** The virtual phone of an existing number (every account has one, also those with companions). */
  phone (pnOrJid: string): VirtualPhone {
    const r = this.core.resolve(pnOrJid.includes('@') ? pnOrJid : pnJid(pnOrJid))
    if (!r) throw new SandboxError('unknown_number', `unknown number ${pnOrJid}`)
    return new VirtualPhone({ core: this.core, hub: this.hub, router: this.router, media: this.media, groups: this.groups }, r.acc.pn)
  }

  /** Phone `pn` scans a QR string shown by a connected client; resolves once the companion signed. */
  scanQr (qr: string, pn: string): Promise<PairResult> {
    return this.pairing.scanQr(this.edge.connections, qr, pn.replace(/\D/g, ''))
  }

  /** Enters a pairing code on phone `pn` (or on the only pending request). */
  completePairingCode (code: string, pn?: string): Promise<PairResult> {
    return this.pairing.completePairingCode(code, pn?.replace(/\D/g, ''))
  }

  /**
   * Triggers a fault on every live connection of a number, on one device (device jid), or for
   * `qr-expire` on the client showing a QR string (every unpaired client when the target is empty).
   */
  fault (target: string, kind: FaultKind, opts: AckPolicy & { reason?: string } = {}): number {
    return applyFault({ core: this.core, edge: this.edge, pairing: this.pairing }, target, kind, opts)
  }

  /**
   * Expires media on the media host (a URL or direct path), as WhatsApp's hosts do after a while:
   * downloads answer 410 until a device asks the sender's phone to upload it again. Returns the path.
   */
  expireMedia (urlOrPath: string): string {
    return this.media.expire(urlOrPath)
  }

  /** Tags and ids of the stanzas a device (device jid, PN or LID) has not acknowledged yet, in delivery order. */
  unacked (deviceJid: string): Array<{ tag: string; id: string }> {
    const r = this.core.resolve(deviceJid)
    return r ? this.core.unacked(r.acc.pn, r.device).map(n => ({ tag: n.tag, id: n.attrs.id ?? '' })) : []
  }

  /** Sends a raw stanza to a device, kept until it acks it (escape hatch for tests). */
  injectStanza (pn: string, device: number, node: BinaryNode): void {
    this.core.deliver(pn.replace(/\D/g, ''), device, node)
  }

  /** Sends a proto.Message from `from` (a virtual phone number) to a user or group as plaintext. */
  injectMessage (from: string, to: string, message: proto.IMessage, id?: string): string {
    return this.createPhone(from).sendProto(to, message, { id })
  }

  /** Whether a companion device of `pn` is connected and logged in. */
  isOnline (pn: string): boolean {
    const acc = this.core.account(pn.replace(/\D/g, ''))
    return !!acc && this.core.companions(acc).some(d => !!this.core.conn(acc.pn, d))
  }

  /** Waits until a virtual phone has processed everything relayed to it. */
  async settle (pn: string): Promise<void> {
    await this.hub.idle(pn.replace(/\D/g, ''))
  }

  /** Whether phones automatically send delivery receipts (default true). */
  get autoReceipts (): boolean {
    return this.hub.autoReceipts
  }

  set autoReceipts (on: boolean) {
    this.hub.autoReceipts = on
  }

  private onHandshake (conn: EdgeConnection, payload: proto.ClientPayload): void {
    if (payload.username) {
      login(this.core, conn, payload).catch(() => conn.terminate())
      return
    }
    conn.registration = payload.devicePairingData ?? undefined
    if (!conn.registration) {
      conn.send({ tag: 'failure', attrs: { reason: '400' } })
      conn.close()
      return
    }
    this.pairing.offerQr(conn)
  }

  private async onNode (conn: EdgeConnection, node: BinaryNode): Promise<void> {
    switch (node.tag) {
      case 'iq':
        if (node.attrs.type === 'result' || node.attrs.type === 'error') {
          this.pairing.handleIqResult(conn, node)
          return
        }
        await dispatchIq(conn, node, this.handlers)
        return
      case 'message':
        if (conn.loggedIn) this.router.onMessage(conn, node)
        return
      case 'receipt':
        if (conn.loggedIn) this.router.onReceipt(conn, node)
        return
      case 'presence':
        if (conn.loggedIn) this.router.onPresence(conn, node)
        return
      case 'chatstate':
        if (conn.loggedIn) this.router.onChatstate(conn, node)
        return
      case 'call':
        if (conn.loggedIn) this.router.onCall(conn, node)
        return
      case 'ack':
        if (conn.pn !== undefined && conn.device !== undefined) this.core.onAck(conn.pn, conn.device, node)
    }
  }

  private onClose (conn: EdgeConnection): void {
    this.pairing.connectionClosed(conn)
    if (conn.pn === undefined || conn.device === undefined) return
    const key = `${conn.pn}.${conn.device}`
    if (this.core.conns.get(key) === conn) {
      this.core.conns.delete(key)
      if (!this.isOnline(conn.pn)) this.router.setPresence(conn.pn, 'unavailable')
    }
  }
}
