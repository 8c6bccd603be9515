import { randomBytes } from 'node:crypto'
import { generateMessageIDV2, generateWAMessageContent, getContentType, isJidGroup, proto } from '@whiskeysockets/baileys'
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
import type { EdgeConnection } from './edge-server.js'
import type { Groups } from './groups.js'
import { encryptPollVote } from './poll-vote.js'

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
  /** Group chats (for a phone creating or changing groups). */
  groups?: Groups;
}

/** A group change a phone makes as a group admin would on WhatsApp. */
export type PhoneGroupChange =
  | { kind: 'subject'; subject: string }
  | { kind: 'participants'; action: 'add' | 'remove' | 'promote' | 'demote'; members: string[] }

/** The poll a message creates, whichever version it is. */
function pollOf (m: proto.IMessage | undefined): proto.Message.IPollCreationMessage | undefined {
  return m?.pollCreationMessage ?? m?.pollCreationMessageV2 ?? m?.pollCreationMessageV3 ?? undefined
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

  /** Sets the profile picture (JPEG bytes), or removes it with undefined, without telling anyone. */
  replacePicture (jpeg: Buffer | undefined): void {
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

  /** Sends a receipt for messages in a chat: delivery (default), `read` or `played`. */
  sendReceipt (chat: string, ids: string[], type?: 'read' | 'played', participant?: string): void {
    this.deps.hub.sendReceipt(this.acc, chat, ids, type, participant)
  }

  /** Sends a chat state to a user or group. `recording` is `<composing media="audio"/>`. */
  sendChatState (to: string, state: 'composing' | 'paused' | 'recording'): void {
    const child: BinaryNode = state === 'recording' ? { tag: 'composing', attrs: { media: 'audio' } } : { tag: state, attrs: {} }
    this.deps.router.chatstate(this.acc, to, [child])
  }

  /**
   * Votes in a poll this phone received, as a phone does: a `pollUpdateMessage` whose vote is
   * encrypted with the poll's `messageSecret`, sent to the poll's chat. `options` are option names
   * (none: the vote is withdrawn). Resolves with the vote message's id.
   */
  votePoll (pollId: string, options: string[]): string {
    const poll = this.received().find(m => m.id === pollId && pollOf(m.message) !== undefined)
    if (!poll) throw new SandboxError('unknown_target', `phone ${this.pn} received no poll with id ${pollId}`)
    const names = (pollOf(poll.message)?.options ?? []).map(o => o.optionName ?? '')
    const unknown = options.filter(o => !names.includes(o))
    if (unknown.length) throw new SandboxError('unknown_target', `poll ${pollId} has no option ${unknown.join(', ')} (it has ${names.join(', ')})`)
    const secret = poll.message?.messageContextInfo?.messageSecret
    if (!secret?.length) throw new SandboxError('unknown_target', `poll ${pollId} carries no messageSecret to encrypt a vote with`)
    const vote = encryptPollVote(options, { pollMsgId: pollId, pollCreatorJid: poll.from, voterJid: this.jid, pollEncKey: secret })
    const group = isJidGroup(poll.chat)
    return this.sendProto(poll.chat, {
      pollUpdateMessage: {
        pollCreationMessageKey: { remoteJid: poll.chat, fromMe: false, id: pollId, ...(group ? { participant: poll.from } : {}) },
        vote,
        senderTimestampMs: Date.now()
      }
    })
  }

  /**
   * Calls a user (`offer`, audio or video) or ends a call (`terminate`, the caller hanging up, or
   * with `reason` "timeout" when nobody answered), as the `<call>` stanzas WhatsApp relays to every
   * device of the callee. Returns the call id.
   */
  call (to: string, kind: 'offer' | 'terminate', opts: { callId?: string; video?: boolean; reason?: string } = {}): string {
    const target = this.deps.core.resolve(to)
    if (!target) throw new SandboxError('unknown_recipient', `unknown recipient ${to}`)
    const me = this.acc
    const lid = to.endsWith('@lid')
    const from = lid ? lidJid(me) : pnJid(me.pn)
    const callId = opts.callId ?? randomBytes(16).toString('hex').toUpperCase()
    const attrs: Record<string, string> = { 'call-id': callId, 'call-creator': from, ...(lid ? { caller_pn: pnJid(me.pn) } : {}) }
    const child: BinaryNode = kind === 'offer'
      ? {
          tag: 'offer',
          attrs,
          content: [
            { tag: 'audio', attrs: { enc: 'opus', rate: '16000' } },
            ...(opts.video ? [{ tag: 'video', attrs: { enc: 'vp8', dec: 'vp8' } }] : [])
          ]
        }
      : { tag: 'terminate', attrs: { ...attrs, ...(opts.reason ? { reason: opts.reason } : {}) } }
    const stanza: BinaryNode = {
      tag: 'call',
      attrs: { from, id: this.deps.core.nextId(), t: String(unixNow()), notify: me.pushName, platform: 'android', version: '2.25.1.0' },
      content: [child]
    }
    this.deps.router.toAccount(target.acc, stanza, false)
    return callId
  }

  /**
   * Sets (`data`) or removes this phone's profile picture; WhatsApp tells the contacts with a
   * `<notification type="picture">`, here the user or number `to`. Returns the new picture's id ('' when removed).
   */
  setPicture (to: string, data: Buffer | undefined): string {
    const target = this.deps.core.resolve(to)
    if (!target) throw new SandboxError('unknown_recipient', `unknown recipient ${to}`)
    const me = this.acc
    if (data) me.picture = { id: String(unixNow() * 1000 + Math.floor(Math.random() * 1000)), data }
    else delete me.picture
    this.deps.core.touchAccount(me.pn)
    const jid = pnJid(me.pn)
    const child: BinaryNode = me.picture ? { tag: 'set', attrs: { jid, id: me.picture.id, author: jid } } : { tag: 'delete', attrs: { jid, author: jid } }
    this.deps.router.toAccount(target.acc, { tag: 'notification', attrs: { from: jid, type: 'picture', id: this.deps.core.nextId(), t: String(unixNow()) }, content: [child] })
    return me.picture?.id ?? ''
  }

  /**
   * Announces that this phone's security code changed (WhatsApp reinstalled, a new phone): the
   * `<notification type="encrypt"><identity/>` WhatsApp sends to a contact, here `to`. The
   * emulator keeps the phone's keys, so sessions stay valid.
   */
  announceIdentityChange (to: string): void {
    const target = this.deps.core.resolve(to)
    if (!target) throw new SandboxError('unknown_recipient', `unknown recipient ${to}`)
    const node: BinaryNode = {
      tag: 'notification',
      attrs: { from: pnJid(this.pn), type: 'encrypt', id: this.deps.core.nextId(), t: String(unixNow()) },
      content: [{ tag: 'identity', attrs: {} }]
    }
    this.deps.router.toAccount(target.acc, node)
  }

  /** Creates a group owned by this phone with `members` (JIDs); every member's devices get the `<create>` notification. Returns the group JID. */
  createGroup (subject: string, members: string[]): string {
    return this.groupsModule().create(this.pn, subject, members).id
  }

  /** Changes a group this phone is in, as its `w:g2` IQ would (members are told with `w:gp2` notifications). */
  changeGroup (group: string, change: PhoneGroupChange): void {
    const groups = this.groupsModule()
    if (!this.deps.core.world.groups[group]) throw new SandboxError('unknown_group', `unknown group ${group}`)
    const child: BinaryNode = change.kind === 'subject'
      ? { tag: 'subject', attrs: {}, content: Buffer.from(change.subject) }
      : { tag: change.action, attrs: {}, content: change.members.map(jid => ({ tag: 'participant', attrs: { jid } })) }
    const conn = { pn: this.pn } as unknown as EdgeConnection
    const answer = groups.handleIq(conn, { tag: 'iq', attrs: { to: group, type: 'set', xmlns: 'w:g2', id: this.deps.core.nextId() }, content: [child] })
    if (answer && !Array.isArray(answer)) throw new SandboxError('unknown_group', `group ${group} refused the change: ${answer.text}`)
  }

  private groupsModule (): Groups {
    if (!this.deps.groups) throw new SandboxError('unknown_group', 'this phone has no group support')
    return this.deps.groups
  }

  /** Sets this phone's availability (seen by subscribers). */
  setPresence (type: 'available' | 'unavailable'): void {
    this.deps.router.setPresence(this.pn, type)
  }
}
