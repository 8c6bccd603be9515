import { BufferJSON } from '@whiskeysockets/baileys'
import BetterSqlite3 from 'better-sqlite3'
import { chmodSync, closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { createHash } from 'node:crypto'
import { emptyWorld } from './state.js'
import type { AccountRecord, DeviceRecord, WorldState } from './state.js'
import { noChanges, phoneKeyId } from './store.js'
import type { SandboxStore, WorldChanges } from './store.js'

const SCHEMA = `
CREATE TABLE IF NOT EXISTS accounts (pn TEXT PRIMARY KEY, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS devices (pn TEXT NOT NULL, id INTEGER NOT NULL, data TEXT NOT NULL, PRIMARY KEY (pn, id));
CREATE TABLE IF NOT EXISTS phone_keys (pn TEXT NOT NULL, type TEXT NOT NULL, id TEXT NOT NULL, data TEXT NOT NULL, PRIMARY KEY (pn, type, id));
CREATE TABLE IF NOT EXISTS received (seq INTEGER PRIMARY KEY AUTOINCREMENT, pn TEXT NOT NULL, data TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS received_pn ON received (pn, seq);
CREATE TABLE IF NOT EXISTS receipts (seq INTEGER PRIMARY KEY AUTOINCREMENT, pn TEXT NOT NULL, data TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS receipts_pn ON receipts (pn, seq);
CREATE TABLE IF NOT EXISTS groups (id TEXT PRIMARY KEY, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS queue (seq INTEGER PRIMARY KEY AUTOINCREMENT, device TEXT NOT NULL, node BLOB NOT NULL);
CREATE INDEX IF NOT EXISTS queue_device ON queue (device, seq);
CREATE TABLE IF NOT EXISTS media (path TEXT PRIMARY KEY, size INTEGER NOT NULL, media_type TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS expired_media (path TEXT PRIMARY KEY);
`

const toJson = (v: unknown): string => JSON.stringify(v, BufferJSON.replacer)
const fromJson = <T>(s: string): T => JSON.parse(s, BufferJSON.reviver) as T

/** An account row: everything but its devices, phone keys and inboxes, which have their own rows. */
const accountRow = (acc: AccountRecord): string => {
  const { devices: _d, received: _r, receipts: _c, phone, ...rest } = acc
  return toJson({ ...rest, phone: { creds: phone.creds } })
}

const writeAtomic = (file: string, data: Buffer): void => {
  const tmp = `${file}.${process.pid}.tmp`
  writeFileSync(tmp, data, { mode: 0o600 })
  const fd = openSync(tmp, 'r')
  try {
    fsyncSync(fd)
  } finally {
    closeSync(fd)
  }
  renameSync(tmp, file)
}

/** Bytes and statements a store wrote (to measure how incremental writes are). */
export interface StoreStats {
  commits: number;
  rows: number;
  bytes: number;
}

/**
 * Persists the world in `world.db` (SQLite, one row per account, device, phone key, inbox entry,
 * group, queued stanza and media record) and media blobs as files, in a folder only the owner reads.
 * WAL with synchronous=NORMAL: a commit survives a killed process (it is in the WAL once written);
 * only a power loss may take the last commits, which a test emulator can afford.
 */
export class DirStore implements SandboxStore {
  readonly stats: StoreStats = { commits: 0, rows: 0, bytes: 0 }
  private readonly mediaDir: string
  private readonly db: BetterSqlite3.Database
  private readonly stmt: Statements

  constructor (private readonly dir: string) {
    this.mediaDir = join(dir, 'media')
    mkdirSync(this.mediaDir, { recursive: true, mode: 0o700 })
    chmodSync(dir, 0o700)
    chmodSync(this.mediaDir, 0o700)
    const file = join(dir, 'world.db')
    // SQLite gives its -wal and -shm files the database file's mode, so creating it 0600 covers all three.
    closeSync(openSync(file, 'a', 0o600))
    chmodSync(file, 0o600)
    this.db = new BetterSqlite3(file)
    this.db.pragma('journal_mode = WAL')
    this.db.pragma('synchronous = NORMAL')
    this.db.exec(SCHEMA)
    this.stmt = prepare(this.db)
    this.importLegacy()
  }

  /**
   * A `world.json` of an earlier version becomes the content of an empty `world.db`, then is renamed
   * so it is imported once (an import cut short leaves both files as they were, and runs again).
   */
  private importLegacy (): void {
    const legacy = join(this.dir, 'world.json')
    if (!existsSync(legacy) || this.db.prepare('SELECT 1 FROM accounts LIMIT 1').get() !== undefined) return
    const world = fromJson<WorldState>(readFileSync(legacy, 'utf8'))
    this.commit(world, everything(world))
    renameSync(legacy, `${legacy}.imported`)
  }

  load (): WorldState {
    const world = emptyWorld()
    for (const r of this.db.prepare('SELECT pn, data FROM accounts').all() as Array<{ pn: string; data: string }>) {
      const acc = fromJson<AccountRecord>(r.data)
      acc.phone.keys = {}
      acc.devices = {}
      acc.received = []
      acc.receipts = []
      world.accounts[r.pn] = acc
      world.lids[acc.lid] = acc.pn
    }
    const accountOf = (pn: string): AccountRecord | undefined => world.accounts[pn]
    for (const r of this.db.prepare('SELECT pn, id, data FROM devices').all() as Array<{ pn: string; id: number; data: string }>) {
      const acc = accountOf(r.pn)
      if (acc) acc.devices[String(r.id)] = fromJson<DeviceRecord>(r.data)
    }
    for (const r of this.db.prepare('SELECT pn, type, id, data FROM phone_keys').all() as Array<{ pn: string; type: string; id: string; data: string }>) {
      const acc = accountOf(r.pn)
      if (acc) (acc.phone.keys[r.type] ??= {})[r.id] = fromJson(r.data)
    }
    for (const r of this.db.prepare('SELECT pn, data FROM received ORDER BY seq').all() as Array<{ pn: string; data: string }>) {
      accountOf(r.pn)?.received.push(fromJson(r.data))
    }
    for (const r of this.db.prepare('SELECT pn, data FROM receipts ORDER BY seq').all() as Array<{ pn: string; data: string }>) {
      accountOf(r.pn)?.receipts.push(fromJson(r.data))
    }
    for (const r of this.db.prepare('SELECT id, data FROM groups').all() as Array<{ id: string; data: string }>) {
      world.groups[r.id] = fromJson(r.data)
    }
    for (const r of this.db.prepare('SELECT seq, device, node FROM queue ORDER BY seq').all() as Array<{ seq: number; device: string; node: Buffer }>) {
      (world.queues[r.device] ??= []).push({ seq: r.seq, node: r.node })
    }
    for (const r of this.db.prepare('SELECT path, size, media_type FROM media').all() as Array<{ path: string; size: number; media_type: string }>) {
      world.media[r.path] = { size: r.size, mediaType: r.media_type }
    }
    for (const r of this.db.prepare('SELECT path FROM expired_media').all() as Array<{ path: string }>) {
      const m = world.media[r.path]
      if (m) m.expired = true
    }
    return world
  }

  /** Writes the changed records in one transaction. */
  commit (world: WorldState, c: WorldChanges): void {
    const s = this.stmt
    let rows = 0
    let bytes = 0
    const put = (data: string | Buffer): string | Buffer => {
      rows++
      bytes += data.length
      return data
    }
    this.db.transaction(() => {
      for (const pn of c.accounts) {
        const acc = world.accounts[pn]
        if (acc) s.putAccount.run(pn, put(accountRow(acc)))
        else s.delAccount.run(pn)
      }
      for (const key of c.devices) {
        const [pn = '', id = ''] = key.split('/')
        const dev = world.accounts[pn]?.devices[id]
        if (dev) s.putDevice.run(pn, Number(id), put(toJson(dev)))
        else s.delDevice.run(pn, Number(id))
      }
      for (const [pn, type, id] of c.phoneKeys.values()) {
        const v = world.accounts[pn]?.phone.keys[type]?.[id]
        if (v !== undefined && v !== null) s.putKey.run(pn, type, id, put(toJson(v)))
        else s.delKey.run(pn, type, id)
      }
      const trim = new Set<string>()
      for (const [pn, rec] of c.received) {
        s.addReceived.run(pn, put(toJson(rec)))
        trim.add(pn)
      }
      for (const pn of trim) s.trimReceived.run(pn, pn, world.accounts[pn]?.received.length ?? 0)
      trim.clear()
      for (const [pn, rec] of c.receipts) {
        s.addReceipt.run(pn, put(toJson(rec)))
        trim.add(pn)
      }
      for (const pn of trim) s.trimReceipts.run(pn, pn, world.accounts[pn]?.receipts.length ?? 0)
      for (const id of c.groups) {
        const g = world.groups[id]
        if (g) s.putGroup.run(id, put(toJson(g)))
        else s.delGroup.run(id)
      }
      for (const q of c.queue) {
        if (q.op === 'push') s.push.run(q.seq, q.device, put(q.node))
        else if (q.op === 'release') s.release.run(q.seq)
        else s.drain.run(q.device)
      }
      for (const path of c.media) {
        const m = world.media[path]
        if (m) {
          rows++
          s.putMedia.run(path, m.size, m.mediaType)
          if (m.expired) s.expireMedia.run(path)
          else s.unexpireMedia.run(path)
        } else {
          s.delMedia.run(path)
          s.unexpireMedia.run(path)
        }
      }
    })()
    this.stats.commits++
    this.stats.rows += rows
    this.stats.bytes += bytes
  }

  close (): void {
    this.db.close()
  }

  private blobFile (path: string): string {
    return join(this.mediaDir, createHash('sha256').update(path).digest('hex'))
  }

  putBlob (path: string, data: Buffer): void {
    writeAtomic(this.blobFile(path), data)
  }

  getBlob (path: string): Buffer | undefined {
    const f = this.blobFile(path)
    return existsSync(f) ? readFileSync(f) : undefined
  }
}

function prepare (db: BetterSqlite3.Database) {
  return {
    putAccount: db.prepare('INSERT OR REPLACE INTO accounts (pn, data) VALUES (?, ?)'),
    delAccount: db.prepare('DELETE FROM accounts WHERE pn = ?'),
    putDevice: db.prepare('INSERT OR REPLACE INTO devices (pn, id, data) VALUES (?, ?, ?)'),
    delDevice: db.prepare('DELETE FROM devices WHERE pn = ? AND id = ?'),
    putKey: db.prepare('INSERT OR REPLACE INTO phone_keys (pn, type, id, data) VALUES (?, ?, ?, ?)'),
    delKey: db.prepare('DELETE FROM phone_keys WHERE pn = ? AND type = ? AND id = ?'),
    addReceived: db.prepare('INSERT INTO received (pn, data) VALUES (?, ?)'),
    trimReceived: db.prepare('DELETE FROM received WHERE pn = ? AND seq <= (SELECT seq FROM received WHERE pn = ? ORDER BY seq DESC LIMIT 1 OFFSET ?)'),
    addReceipt: db.prepare('INSERT INTO receipts (pn, data) VALUES (?, ?)'),
    trimReceipts: db.prepare('DELETE FROM receipts WHERE pn = ? AND seq <= (SELECT seq FROM receipts WHERE pn = ? ORDER BY seq DESC LIMIT 1 OFFSET ?)'),
    putGroup: db.prepare('INSERT OR REPLACE INTO groups (id, data) VALUES (?, ?)'),
    delGroup: db.prepare('DELETE FROM groups WHERE id = ?'),
    push: db.prepare('INSERT OR REPLACE INTO queue (seq, device, node) VALUES (?, ?, ?)'),
    release: db.prepare('DELETE FROM queue WHERE seq = ?'),
    drain: db.prepare('DELETE FROM queue WHERE device = ?'),
    putMedia: db.prepare('INSERT OR REPLACE INTO media (path, size, media_type) VALUES (?, ?, ?)'),
    delMedia: db.prepare('DELETE FROM media WHERE path = ?'),
    expireMedia: db.prepare('INSERT OR IGNORE INTO expired_media (path) VALUES (?)'),
    unexpireMedia: db.prepare('DELETE FROM expired_media WHERE path = ?')
  }
}

type Statements = ReturnType<typeof prepare>

/** A change set that writes a whole world (the one-time import). */
function everything (world: WorldState): WorldChanges {
  const c = noChanges()
  for (const acc of Object.values(world.accounts)) {
    c.accounts.add(acc.pn)
    for (const id of Object.keys(acc.devices)) c.devices.add(`${acc.pn}/${id}`)
    for (const [type, bucket] of Object.entries(acc.phone.keys)) {
      for (const id of Object.keys(bucket)) c.phoneKeys.set(phoneKeyId(acc.pn, type, id), [acc.pn, type, id])
    }
    for (const rec of acc.received) c.received.push([acc.pn, rec])
    for (const rec of acc.receipts) c.receipts.push([acc.pn, rec])
  }
  for (const id of Object.keys(world.groups)) c.groups.add(id)
  let seq = 0
  for (const [device, items] of Object.entries(world.queues)) {
    for (const it of items) c.queue.push({ op: 'push', device, seq: ++seq, node: Buffer.from(it.node) })
  }
  for (const path of Object.keys(world.media)) c.media.add(path)
  return c
}
