import { BufferJSON } from '@whiskeysockets/baileys'
import { emptyWorld } from './state.js'
import type { ReceiptRecord, ReceivedRecord, WorldState } from './state.js'

/**
 * One step of a device's queue of unacknowledged stanzas, in the order it happened: a stanza kept,
 * one released (acknowledged, or dropped beyond the limit), or the whole queue dropped (device removed).
 */
export type QueueChange =
  | { op: 'push'; device: string; seq: number; node: Buffer }
  | { op: 'release'; seq: number }
  | { op: 'drain'; device: string }

/**
 * What changed in the world since the last commit. Record keys name records to rewrite from the
 * in-memory world (or delete, when the record is gone); appends carry the new rows.
 */
export interface WorldChanges {
  /** Account pns whose own fields (profile, phone creds, blocklist, picture) changed. */
  accounts: Set<string>;
  /** `pn/deviceId` of changed or removed devices. */
  devices: Set<string>;
  /** `[pn, type, id]` of changed or removed virtual-phone Signal keys, keyed by {@link phoneKeyId}. */
  phoneKeys: Map<string, [string, string, string]>;
  received: Array<[string, ReceivedRecord]>;
  receipts: Array<[string, ReceiptRecord]>;
  groups: Set<string>;
  media: Set<string>;
  queue: QueueChange[];
}

/** A fresh, empty change set. */
export const noChanges = (): WorldChanges => ({
  accounts: new Set(),
  devices: new Set(),
  phoneKeys: new Map(),
  received: [],
  receipts: [],
  groups: new Set(),
  media: new Set(),
  queue: []
})

/** Map key of one virtual-phone Signal key. */
export const phoneKeyId = (pn: string, type: string, id: string): string => `${pn}\u0000${type}\u0000${id}`

/** Whether a change set is empty. */
export const isEmpty = (c: WorldChanges): boolean =>
  !c.accounts.size && !c.devices.size && !c.phoneKeys.size && !c.received.length && !c.receipts.length &&
  !c.groups.size && !c.media.size && !c.queue.length

/** Where the sandbox keeps its world and media blobs. */
export interface SandboxStore {
  /** Loads the persisted world, or a fresh one. */
  load(): WorldState;
  /** Persists what changed (called once per tick at most, and on stop). */
  commit(world: WorldState, changes: WorldChanges): void;
  putBlob(path: string, data: Buffer): void;
  getBlob(path: string): Buffer | undefined;
  /** Releases files; the store is not used afterwards. */
  close?(): void;
}

/** Keeps everything in memory (tests); a sandbox started again on the same store sees a copy of the world. */
export class MemoryStore implements SandboxStore {
  private readonly blobs = new Map<string, Buffer>()
  private world?: WorldState

  load (): WorldState {
    return this.world ? (JSON.parse(JSON.stringify(this.world, BufferJSON.replacer), BufferJSON.reviver) as WorldState) : emptyWorld()
  }

  commit (world: WorldState): void {
    this.world = world
  }

  putBlob (path: string, data: Buffer): void {
    this.blobs.set(path, data)
  }

  getBlob (path: string): Buffer | undefined {
    return this.blobs.get(path)
  }
}
