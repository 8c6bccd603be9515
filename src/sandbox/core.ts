import { encodeBinaryNode, decodeBinaryNode, jidDecode, jidEncode } from '@whiskeysockets/baileys'
import type { BinaryNode } from '@whiskeysockets/baileys'
import { randomBytes } from 'node:crypto'
import type { EdgeConnection } from './edge-server.js'
import { PhoneCrypto, createPhoneSecrets } from './phone-crypto.js'
import type { AccountRecord, DeviceRecord, QueuedStanza, ReceiptRecord, ReceivedRecord, WorldState } from './state.js'
import { isEmpty, noChanges, phoneKeyId } from './store.js'
import type { SandboxStore, WorldChanges } from './store.js'

/** Tunables of a sandbox instance. */
export interface SandboxConfig {
  /** Number of QR refs sent to an unpaired client (Baileys ends with "QR refs attempts ended" after them). */
  qrRefs: number;
  /** Deliver a history sync on the first login after pairing. */
  historySync: boolean;
  /** Media host `host:port`, filled once it listens. */
  mediaHost: string;
  /** Most received messages and receipts a virtual phone keeps (the oldest are dropped). */
  inboxLimit: number;
  /** Most unacknowledged stanzas kept per companion device (the oldest are dropped). */
  queueLimit: number;
}

/** Per-account fault switches. */
export interface AckPolicy {
  delayMs?: number;
  withhold?: boolean;
  error?: string;
}

/**
 * What a device's answer must name to release a stanza kept for it: a `<message>` is released by
 * its id (a receipt naming it, or a plain ack); anything else by an `<ack>` echoing its class, id,
 * sender, participant and type (as Baileys' `buildAckStanza` does).
 */
export function releaseKey (tag: string, attrs: Record<string, string | undefined>): string {
  const id = attrs.id ?? ''
  if (tag === 'message') return `message\u0000${id}`
  return [tag, id, attrs.from ?? '', attrs.participant ?? '', attrs.type ?? ''].join('\u0000')
}

/** Unix seconds now. */
export const unixNow = (): number => Math.floor(Date.now() / 1000)

/** Shared state and plumbing used by every sandbox module. */
export class SandboxCore {
  readonly conns = new Map<string, EdgeConnection>()
  readonly ackPolicies = new Map<string, AckPolicy>()
  /** presence subscriptions: target pn → subscriber pns */
  readonly presenceSubs = new Map<string, Set<string>>()
  readonly presence = new Map<string, { type: string; last: number }>()
  private readonly phones = new Map<string, PhoneCrypto>()
  private changes: WorldChanges = noChanges()
  private flushTimer?: NodeJS.Immediate
  private closed = false
  private idCounter = 0
  /** Decoded form and release key of every kept stanza. */
  private readonly kept = new WeakMap<QueuedStanza, { node: BinaryNode; key: string }>()
  /** device → release key → how many kept stanzas have it (so an answer naming nothing kept costs no scan). */
  private readonly keyCounts = new Map<string, Map<string, number>>()
  private lastSeq = 0

  constructor (
    public world: WorldState,
    readonly store: SandboxStore,
    readonly config: SandboxConfig
  ) {
    for (const items of Object.values(world.queues)) for (const it of items) this.lastSeq = Math.max(this.lastSeq, it.seq)
  }

  /** Decodes the stanzas a loaded world keeps for its devices (once, before the sandbox listens). */
  async loadQueues (): Promise<void> {
    for (const [device, items] of Object.entries(this.world.queues)) {
      for (const it of [...items]) {
        try {
          const node = await decodeBinaryNode(Buffer.from(it.node))
          const key = releaseKey(node.tag, node.attrs)
          this.kept.set(it, { node, key })
          this.countKey(device, key, 1)
        } catch {
          this.dropKept(device, it)
        }
      }
    }
  }

  /**
   * Persists what changed since the last flush, in one store commit; the `touch*` methods mark records
   * and schedule this for the end of the tick, so a burst of changes costs one commit.
   */
  flush (): void {
    if (this.flushTimer) clearImmediate(this.flushTimer)
    this.flushTimer = undefined
    if (this.closed || isEmpty(this.changes)) return
    const changes = this.changes
    this.changes = noChanges()
    this.store.commit(this.world, changes)
  }

  /** Flushes a last time; later changes stay in memory (a stopped sandbox may still finish decrypting). */
  close (): void {
    this.flush()
    this.closed = true
  }

  private changed (): void {
    this.flushTimer ??= setImmediate(() => this.flush())
  }

  /** An account's own fields changed (profile, phone creds, blocklist, picture). */
  touchAccount (pn: string): void {
    this.changes.accounts.add(pn)
    this.changed()
  }

  /** A device was added, changed or removed. */
  touchDevice (pn: string, device: number): void {
    this.changes.devices.add(`${pn}/${device}`)
    this.changed()
  }

  /** Signal keys of a virtual phone were set or removed. */
  touchPhoneKeys (pn: string, type: string, ids: Iterable<string>): void {
    for (const id of ids) this.changes.phoneKeys.set(phoneKeyId(pn, type, id), [pn, type, id])
    this.changed()
  }

  /** A group was created or changed. */
  touchGroup (id: string): void {
    this.changes.groups.add(id)
    this.changed()
  }

  /** A media record was added. */
  touchMedia (path: string): void {
    this.changes.media.add(path)
    this.changed()
  }

  /** Records a message a virtual phone received, dropping the oldest beyond the inbox limit. */
  addReceived (acc: AccountRecord, rec: ReceivedRecord): void {
    acc.received.push(rec)
    if (acc.received.length > this.config.inboxLimit) acc.received.splice(0, acc.received.length - this.config.inboxLimit)
    this.changes.received.push([acc.pn, rec])
    this.changed()
  }

  /** Records a receipt a virtual phone received, dropping the oldest beyond the inbox limit. */
  addReceipt (acc: AccountRecord, rec: ReceiptRecord): void {
    acc.receipts.push(rec)
    if (acc.receipts.length > this.config.inboxLimit) acc.receipts.splice(0, acc.receipts.length - this.config.inboxLimit)
    this.changes.receipts.push([acc.pn, rec])
    this.changed()
  }

  /** A fresh stanza id. */
  nextId (): string {
    return `SB${Date.now().toString(36).toUpperCase()}${(++this.idCounter).toString(36).toUpperCase()}`
  }

  /** Account for a phone-number user, if any. */
  account (pn: string): AccountRecord | undefined {
    return this.world.accounts[pn]
  }

  /** Returns the account of a number, creating it (with its virtual phone) when new. */
  ensureAccount (pn: string, pushName?: string): AccountRecord {
    const existing = this.world.accounts[pn]
    if (existing) return existing
    let lid: string
    do lid = (100000000000000 + (randomBytes(6).readUIntBE(0, 6) % 899999999999999)).toString()
    while (this.world.lids[lid])
    const { secrets, published } = createPhoneSecrets()
    const phone: DeviceRecord = { id: 0, kind: 'phone', keyIndex: 0, keys: published, createdAt: unixNow() }
    const acc: AccountRecord = {
      pn,
      lid,
      pushName: pushName ?? `Phone ${pn}`,
      status: '',
      devices: { 0: phone },
      phone: secrets,
      blocklist: [],
      received: [],
      receipts: []
    }
    this.world.accounts[pn] = acc
    this.world.lids[lid] = pn
    this.touchAccount(pn)
    this.touchDevice(pn, 0)
    for (const [type, bucket] of Object.entries(secrets.keys)) this.touchPhoneKeys(pn, type, Object.keys(bucket))
    return acc
  }

  /** Resolves any user/device jid (PN or LID) to the account and device id it names. */
  resolve (jid: string | undefined): { acc: AccountRecord; device: number } | undefined {
    const d = jid ? jidDecode(jid) : undefined
    if (!d?.user) return undefined
    const pn = d.server === 'lid' ? this.world.lids[d.user] : d.server === 's.whatsapp.net' ? d.user : undefined
    const acc = pn ? this.world.accounts[pn] : undefined
    return acc ? { acc, device: d.device ?? 0 } : undefined
  }

  /** The virtual phone's Signal machinery for an account. */
  phoneCrypto (acc: AccountRecord): PhoneCrypto {
    let c = this.phones.get(acc.pn)
    if (!c) {
      c = new PhoneCrypto(acc.phone, (type, ids) => this.touchPhoneKeys(acc.pn, type, ids))
      this.phones.set(acc.pn, c)
    }
    return c
  }

  /** Drops cached phone crypto (after the world was reloaded). */
  resetCaches (): void {
    this.phones.clear()
  }

  /** Live connection of a device, if it is online. */
  conn (pn: string, device: number): EdgeConnection | undefined {
    const c = this.conns.get(`${pn}.${device}`)
    return c && !c.closed ? c : undefined
  }

  /** Companion device ids of an account. */
  companions (acc: AccountRecord): number[] {
    return Object.values(acc.devices)
      .filter(d => d.kind === 'companion')
      .map(d => d.id)
  }

  /**
   * Sends a node to a companion device. With `keep` (the default), as WhatsApp does, the stanza is
   * also kept until the device acknowledges it (see {@link releaseKey}): sent now when the device is
   * online, and again, marked offline, on every login until then. Without it (presence, chat state),
   * an offline device misses it.
   */
  deliver (pn: string, device: number, node: BinaryNode, keep = true): void {
    const c = this.conn(pn, device)
    if (keep) this.keep(jidEncode(pn, 's.whatsapp.net', device), node)
    c?.send(node)
  }

  private keep (device: string, node: BinaryNode): void {
    const bytes = Buffer.from(encodeBinaryNode(node))
    const item: QueuedStanza = { seq: ++this.lastSeq, node: bytes }
    const items = (this.world.queues[device] ??= [])
    items.push(item)
    const key = releaseKey(node.tag, node.attrs)
    this.kept.set(item, { node, key })
    this.countKey(device, key, 1)
    this.changes.queue.push({ op: 'push', device, seq: item.seq, node: bytes })
    const over = items.length - this.config.queueLimit
    if (over > 0) {
      for (const old of items.splice(0, over)) {
        this.countKey(device, this.kept.get(old)?.key, -1)
        this.changes.queue.push({ op: 'release', seq: old.seq })
      }
    }
    this.changed()
  }

  private countKey (device: string, key: string | undefined, delta: number): void {
    if (key === undefined) return
    let counts = this.keyCounts.get(device)
    if (!counts) this.keyCounts.set(device, (counts = new Map()))
    const n = (counts.get(key) ?? 0) + delta
    if (n > 0) counts.set(key, n)
    else counts.delete(key)
  }

  private dropKept (device: string, item: QueuedStanza): void {
    const items = this.world.queues[device]
    const i = items ? items.indexOf(item) : -1
    if (!items || i < 0) return
    items.splice(i, 1)
    if (!items.length) delete this.world.queues[device]
    this.countKey(device, this.kept.get(item)?.key, -1)
    this.changes.queue.push({ op: 'release', seq: item.seq })
    this.changed()
  }

  /** The stanzas kept for a device, in delivery order (what its next login receives again). */
  unacked (pn: string, device: number): BinaryNode[] {
    const items = this.world.queues[jidEncode(pn, 's.whatsapp.net', device)] ?? []
    return items.flatMap(it => this.kept.get(it)?.node ?? [])
  }

  /**
   * Forgets the stanzas kept for a device under a release key; returns how many. Answers mostly come
   * in delivery order, so the scan from the oldest stops early.
   */
  release (pn: string, device: number, key: string): number {
    const name = jidEncode(pn, 's.whatsapp.net', device)
    const items = this.world.queues[name]
    const count = this.keyCounts.get(name)?.get(key) ?? 0
    if (!items || !count) return 0
    const done: QueuedStanza[] = []
    for (const it of items) {
      if (this.kept.get(it)?.key !== key) continue
      done.push(it)
      if (done.length === count) break
    }
    for (const it of done) this.dropKept(name, it)
    return done.length
  }

  /**
   * An `<ack>` from a device: releases the stanza it acknowledges. A nack of a message (an ack with
   * an `error`: the client could not process it) keeps it for the next login.
   */
  onAck (pn: string, device: number, ack: BinaryNode): void {
    const tag = ack.attrs.class ?? ''
    if (tag === 'message' && ack.attrs.error) return
    this.release(pn, device, releaseKey(tag, { ...ack.attrs, from: ack.attrs.to }))
  }

  /** Forgets everything kept for a device (it was removed). */
  dropQueue (pn: string, device: number): void {
    const name = jidEncode(pn, 's.whatsapp.net', device)
    if (!this.world.queues[name]) return
    delete this.world.queues[name]
    this.keyCounts.delete(name)
    this.changes.queue.push({ op: 'drain', device: name })
    this.changed()
  }
}
