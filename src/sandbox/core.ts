import { encodeBinaryNode, decodeBinaryNode, jidDecode, jidEncode } from '@whiskeysockets/baileys'
import type { BinaryNode } from '@whiskeysockets/baileys'
import { randomBytes } from 'node:crypto'
import type { EdgeConnection } from './edge-server.js'
import { PhoneCrypto, createPhoneSecrets } from './phone-crypto.js'
import type { AccountRecord, DeviceRecord, ReceiptRecord, ReceivedRecord, WorldState } from './state.js'
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
}

/** Per-account fault switches. */
export interface AckPolicy {
  delayMs?: number;
  withhold?: boolean;
  error?: string;
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

  constructor (
    public world: WorldState,
    readonly store: SandboxStore,
    readonly config: SandboxConfig
  ) {}

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
   * Sends a node to a companion device: immediately when it is online, otherwise queued for its
   * next login when `queue` is set.
   */
  deliver (pn: string, device: number, node: BinaryNode, queue = true): void {
    const c = this.conn(pn, device)
    if (c) {
      c.send(node)
      return
    }
    if (!queue) return
    const key = jidEncode(pn, 's.whatsapp.net', device)
    const bytes = Buffer.from(encodeBinaryNode(node))
    const pending = (this.world.queues[key] ??= [])
    pending.push({ node: bytes })
    this.changes.queue.push({ op: 'push', device: key, node: bytes })
    this.changed()
  }

  /** Removes and returns the queued stanzas of a device. */
  async drainQueue (pn: string, device: number): Promise<BinaryNode[]> {
    const key = jidEncode(pn, 's.whatsapp.net', device)
    const items = this.world.queues[key] ?? []
    delete this.world.queues[key]
    if (items.length) {
      this.changes.queue.push({ op: 'drain', device: key })
      this.changed()
    }
    const out: BinaryNode[] = []
    for (const it of items) out.push(await decodeBinaryNode(Buffer.from(it.node)))
    return out
  }
}
