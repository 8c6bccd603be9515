import { encodeBinaryNode, decodeBinaryNode, jidDecode, jidEncode } from '@whiskeysockets/baileys'
import type { BinaryNode } from '@whiskeysockets/baileys'
import { randomBytes } from 'node:crypto'
import type { EdgeConnection } from './edge-server.js'
import { PhoneCrypto, createPhoneSecrets } from './phone-crypto.js'
import type { AccountRecord, DeviceRecord, WorldState } from './state.js'
import type { SandboxStore } from './store.js'

/** Tunables of a sandbox instance. */
export interface SandboxConfig {
  /** Number of QR refs sent to an unpaired client (Baileys ends with "QR refs attempts ended" after them). */
  qrRefs: number;
  /** Deliver a history sync on the first login after pairing. */
  historySync: boolean;
  /** Media host `host:port`, filled once it listens. */
  mediaHost: string;
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
  private saveScheduled = false
  private idCounter = 0

  constructor (
    public world: WorldState,
    readonly store: SandboxStore,
    readonly config: SandboxConfig
  ) {}

  /** Schedules a persist of the world (coalesced within one tick). */
  save (): void {
    if (this.saveScheduled) return
    this.saveScheduled = true
    setImmediate(() => this.flush())
  }

  /** Persists the world now. */
  flush (): void {
    this.saveScheduled = false
    this.store.save(this.world)
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
    this.save()
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
      c = new PhoneCrypto(acc.phone, () => this.save())
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
    const key = jidEncode(pn, 's.whatsapp.net', device);
    (this.world.queues[key] ??= []).push({ node: encodeBinaryNode(node) })
    this.save()
  }

  /** Removes and returns the queued stanzas of a device. */
  async drainQueue (pn: string, device: number): Promise<BinaryNode[]> {
    const key = jidEncode(pn, 's.whatsapp.net', device)
    const items = this.world.queues[key] ?? []
    delete this.world.queues[key]
    if (items.length) this.save()
    const out: BinaryNode[] = []
    for (const it of items) out.push(await decodeBinaryNode(Buffer.from(it.node)))
    return out
  }
}
