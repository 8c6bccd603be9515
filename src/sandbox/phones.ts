import { createHash, randomBytes } from 'node:crypto'
import { aesEncryptGCM, generateMessageIDV2, generateWAMessageContent, getContentType, hmacSign, isJidGroup, proto } from '@whiskeysockets/baileys'
import type { AnyMessageContent, BinaryNode } from '@whiskeysockets/baileys'
import pino from 'pino'
import { unixNow } from './core.js'
import type { SandboxCore } from './core.js'
import { lidJid, pnJid } from './directory.js'
import type { MediaHost } from './media-host.js'
import type { PhoneHub, PhoneSignal } from './phone-hub.js'
import type { Router } from './router.js'
import type { AccountRecord, ReceiptRecord } from './state.js'
import { SandboxError } from './errors.js'

const silent = pino({ level: 'silent' })

const MEDIA_TYPES: Record<string, string> = {
  imageMessage: 'image',
  videoMessage: 'video',
  audioMessage: 'audio',
  documentMessage: 'document',
  stickerMessage: 'sticker',
  ptvMessage: 'ptv'
}

/** A message a virtual phone received, decoded. */
export interface PhoneMessage {
  id: string;
  chat: string;
  from: string;
  fromDevice: string;
  t: number;
  encType: string;
  message?: proto.IMessage;
  error?: string;
}

/** Options for messages sent by a virtual phone. */
export interface PhoneSendOptions {
  /** Message id (default: a fresh one). */
  id?: string;
  /** Quote a message: becomes `contextInfo {stanzaId, participant, quotedMessage}`. */
  quoted?: { id: string; participant: string; message: proto.IMessage };
}

/** Wiring a virtual phone needs. */
export interface PhoneDeps {
  core: SandboxCore;
  hub: PhoneHub;
  router: Router;
  media: MediaHost;
}

/** A phone number played by the sandbox: it sends plaintext stanzas and decrypts what it receives. */
export class VirtualPhone {
  constructor (
    private readonly deps: PhoneDeps,
    /** Phone-number user (digits). */
    readonly pn: string
  ) {}

  private get acc (): AccountRecord {
    const a = this.deps.core.account(this.pn)
    if (!a) throw new SandboxError('unknown_number', `phone ${this.pn} no longer exists`)
    return a
  }

  /** `pn@s.whatsapp.net` */
  get jid (): string {
    return pnJid(this.pn)
  }

  /** `lid@lid` */
  get lid (): string {
    return lidJid(this.acc)
  }

  /** Display name sent as `notify`. */
  get pushName (): string {
    return this.acc.pushName
  }

  set pushName (name: string) {
    this.acc.pushName = name
    this.deps.core.touchAccount(this.pn)
  }

  /** The profile's "about" text, as others read it with a status query. */
  get about (): string {
    return this.acc.status
  }

  set about (text: string) {
    this.acc.status = text
    this.deps.core.touchAccount(this.pn)
  }

  get hasPicture (): boolean {
    return this.acc.picture !== undefined
  }

  /** Sets the profile picture (JPEG bytes), or removes it with undefined. */
  setPicture (jpeg: Buffer | undefined): void {
    if (jpeg === undefined) delete this.acc.picture
    else this.acc.picture = { id: String(Date.now()), data: jpeg }
    this.deps.core.touchAccount(this.pn)
  }

  /** Sets a privacy category (`profile`, `status`, `last`, ...) to `all`, `contacts` or `none`. */
  setPrivacy (category: string, value: string): void {
    this.acc.privacy = { ...this.acc.privacy, [category]: value }
    this.deps.core.touchAccount(this.pn)
  }

  /** The phone JIDs this phone blocked. */
  get blocklist (): string[] {
    return [...this.acc.blocklist]
  }

  /** Everything this phone received so far, decoded. */
  received (): PhoneMessage[] {
    return this.acc.received.map(r => ({ ...r, message: r.message ? proto.Message.decode(r.message) : undefined }))
  }

  /** Receipts for messages this phone sent. */
  receipts (): ReceiptRecord[] {
    return [...this.acc.receipts]
  }

  /** Chat states and presences this phone observed. */
  signals (): PhoneSignal[] {
    return [...(this.deps.hub.signals.get(this.pn) ?? [])]
  }

  /** Waits for a received message matching `pred` (already received ones count). */
  async waitForMessage (pred: (m: PhoneMessage) => boolean = () => true, timeoutMs = 5000): Promise<PhoneMessage> {
    return this.waitFor(() => this.received().find(pred), 'message', timeoutMs)
  }

  /** Waits for a receipt matching `pred`. */
  async waitForReceipt (pred: (r: ReceiptRecord) => boolean = () => true, timeoutMs = 5000): Promise<ReceiptRecord> {
    return this.waitFor(() => this.receipts().find(pred), 'receipt', timeoutMs)
  }

  /** Waits for a chat state / presence matching `pred`. */
  async waitForSignal (pred: (s: PhoneSignal) => boolean = () => true, timeoutMs = 5000): Promise<PhoneSignal> {
    return this.waitFor(() => this.signals().find(pred), 'signal', timeoutMs)
  }

  private waitFor<T>(check: () => T | undefined, event: string, timeoutMs: number): Promise<T> {
    const hub = this.deps.hub
    return new Promise<T>((resolve, reject) => {
      const now = check()
      if (now !== undefined) return resolve(now)
      const onEvent = (pn: string) => {
        if (pn !== this.pn) return
        const v = check()
        if (v === undefined) return
        cleanup()
        resolve(v)
      }
      const timer = setTimeout(() => {
        cleanup()
        reject(new Error(`phone ${this.pn}: timed out waiting for ${event}`))
      }, timeoutMs)
      const cleanup = () => {
        clearTimeout(timer)
        hub.events.off(event, onEvent)
      }
      hub.events.on(event, onEvent)
    })
  }

  /**
   * Sends any Baileys message content (text, image/video/audio/document/sticker with real encrypted
   * media on the media host, location, contacts, react, edit, delete...) to a user or group.
   */
  async sendMessage (to: string, content: AnyMessageContent, opts: PhoneSendOptions = {}): Promise<string> {
    const message = await generateWAMessageContent(content, { upload: this.deps.media.upload, logger: silent, jid: to })
    return this.sendProto(to, message, opts)
  }

  /** Sends a text message. */
  sendText (to: string, text: string, opts: PhoneSendOptions = {}): Promise<string> {
    return this.sendMessage(to, { text }, opts)
  }

  /** Sends a raw proto.Message as a plaintext stanza. */
  sendProto (to: string, message: proto.IMessage, opts: PhoneSendOptions = {}): string {
    const msg = proto.Message.fromObject(message)
    if (opts.quoted) {
      const key = getContentType(msg)
      const inner = key ? (msg[key] as { contextInfo?: proto.IContextInfo } | null) : null
      if (inner && typeof inner === 'object') {
        inner.contextInfo = {
          ...(inner.contextInfo ?? {}),
          stanzaId: opts.quoted.id,
          participant: opts.quoted.participant,
          quotedMessage: opts.quoted.message
        }
      }
    }
    const id = opts.id ?? generateMessageIDV2(this.jid)
    this.deliver(to, id, msg)
    return id
  }

  private deliver (to: string, id: string, msg: proto.Message): void {
    const { core, router } = this.deps
    const me = this.acc
    const bytes = proto.Message.encode(msg).finish()
    const key = getContentType(msg)
    const mediaType = key ? MEDIA_TYPES[key] : undefined
    const type = msg.reactionMessage ? 'reaction' : mediaType ? 'media' : 'text'
    const plaintext: BinaryNode = { tag: 'plaintext', attrs: mediaType ? { mediatype: mediaType } : {}, content: bytes }
    const base = { id, t: String(unixNow()), type, notify: me.pushName }
    if (isJidGroup(to)) {
      const g = core.world.groups[to]
      if (!g) throw new SandboxError('unknown_group', `unknown group ${to}`)
      for (const m of g.members) {
        const acc = core.account(m.pn)
        if (!acc) continue
        const stanza: BinaryNode = { tag: 'message', attrs: { ...base, from: to, participant: pnJid(me.pn), participant_lid: lidJid(me) }, content: [plaintext] }
        router.toAccount(acc, stanza, true, { pn: me.pn, device: 0 })
      }
      return
    }
    const target = core.resolve(to)
    if (!target) throw new SandboxError('unknown_recipient', `unknown recipient ${to}`)
    const lid = to.endsWith('@lid')
    const fromAttrs: Record<string, string> = lid
      ? { from: lidJid(me), sender_pn: pnJid(me.pn), addressing_mode: 'lid' }
      : { from: pnJid(me.pn), sender_lid: lidJid(me) }
    router.toAccount(target.acc, { tag: 'message', attrs: { ...base, ...fromAttrs }, content: [plaintext] })
    if (target.acc.pn !== me.pn) {
      const recipient = lid ? lidJid(target.acc) : pnJid(target.acc.pn)
      router.toAccount(me, { tag: 'message', attrs: { ...base, ...fromAttrs, recipient }, content: [plaintext] }, true, { pn: me.pn, device: 0 })
    }
  }

  /**
   * Votes in a poll this phone received (`options` by name; none retracts the vote): an encrypted
   * `pollUpdateMessage` as WhatsApp builds it (the inverse of Baileys' `decryptPollVote`), keyed
   * with the poll's secret and the JIDs in the chat's addressing (LID in a LID chat).
   */
  sendVote (to: string, pollId: string, options: string[]): string {
    const rec = this.acc.received.find(r => r.id === pollId)
    const poll = rec?.message === undefined ? undefined : proto.Message.decode(rec.message)
    const secret = poll?.messageContextInfo?.messageSecret
    if (rec === undefined || secret == null || secret.length === 0) throw new SandboxError('unknown_target', `phone ${this.pn} received no poll ${pollId}`)
    const lid = to.endsWith('@lid')
    const creatorAcc = this.deps.core.resolve(rec.from)?.acc
    const creator = lid && creatorAcc !== undefined ? lidJid(creatorAcc) : rec.from
    const voter = lid ? this.lid : this.jid
    const sign = Buffer.concat([Buffer.from(pollId), Buffer.from(creator), Buffer.from(voter), Buffer.from('Poll Vote'), new Uint8Array([1])])
    const key = hmacSign(sign, hmacSign(secret, new Uint8Array(32), 'sha256'), 'sha256')
    const iv = randomBytes(12)
    const vote = proto.Message.PollVoteMessage.encode({ selectedOptions: options.map(o => createHash('sha256').update(o).digest()) }).finish()
    const encPayload = aesEncryptGCM(vote, key, iv, Buffer.from(`${pollId}\u0000${voter}`))
    return this.sendProto(to, {
      pollUpdateMessage: {
        pollCreationMessageKey: { remoteJid: to, fromMe: false, id: pollId, ...(isJidGroup(to) ? { participant: creator } : {}) },
        vote: { encPayload, encIv: iv },
        senderTimestampMs: Date.now()
      }
    })
  }

  /** Sends a receipt for messages in a chat: delivery (default), `read` or `played`. */
  sendReceipt (chat: string, ids: string[], type?: 'read' | 'played', participant?: string): void {
    this.deps.hub.sendReceipt(this.acc, chat, ids, type, participant)
  }

  /** Sends a chat state to a user or group. `recording` is `<composing media="audio"/>`. */
  sendChatState (to: string, state: 'composing' | 'paused' | 'recording'): void {
    const child: BinaryNode = state === 'recording' ? { tag: 'composing', attrs: { media: 'audio' } } : { tag: state, attrs: {} }
    this.deps.router.chatstate(this.acc, to, [child])
  }

  /** Sets this phone's availability (seen by subscribers). */
  setPresence (type: 'available' | 'unavailable'): void {
    this.deps.router.setPresence(this.pn, type)
  }
}
