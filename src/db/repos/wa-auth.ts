import type { Database } from '../database.js'

/** One key write: `value` null deletes the key. Values are already serialised by the caller. */
export interface KeyWrite { type: string, id: string, value: string | null }

/** SQL for a user's Baileys login state: credentials, Signal keys and sent messages. */
export class WaAuthRepo {
  private readonly getCredsStmt
  private readonly loginStmt
  private readonly putCredsStmt
  private readonly getKeysStmt
  private readonly putKeyStmt
  private readonly delKeyStmt
  private readonly wipeKeysStmt
  private readonly wipeCredsStmt
  private readonly putMessageStmt
  private readonly getMessageStmt
  private readonly pruneMessagesStmt
  private readonly writeKeysTx
  private readonly wipeTx

  constructor (db: Database) {
    this.getCredsStmt = db.prepare('SELECT data FROM wa_creds WHERE user_id = ?')
    this.loginStmt = db.prepare(`SELECT json_extract(data, '$.me.id') AS id, json_extract(data, '$.me.name') AS name
      FROM wa_creds WHERE user_id = ? AND json_extract(data, '$.me.id') <> '' AND json_type(data, '$.account') IS NOT NULL`)
    this.putCredsStmt = db.prepare(`INSERT INTO wa_creds (user_id, data, updated_at) VALUES (?, ?, ?)
      ON CONFLICT (user_id) DO UPDATE SET data = excluded.data, updated_at = excluded.updated_at`)
    this.getKeysStmt = db.prepare('SELECT id, value FROM wa_keys WHERE user_id = ? AND type = ? AND id IN (SELECT value FROM json_each(?))')
    this.putKeyStmt = db.prepare(`INSERT INTO wa_keys (user_id, type, id, value) VALUES (?, ?, ?, ?)
      ON CONFLICT (user_id, type, id) DO UPDATE SET value = excluded.value`)
    this.delKeyStmt = db.prepare('DELETE FROM wa_keys WHERE user_id = ? AND type = ? AND id = ?')
    this.wipeKeysStmt = db.prepare('DELETE FROM wa_keys WHERE user_id = ?')
    this.wipeCredsStmt = db.prepare('DELETE FROM wa_creds WHERE user_id = ?')
    this.putMessageStmt = db.prepare(`INSERT INTO wa_sent_messages (user_id, id, remote_jid, message, created_at) VALUES (?, ?, ?, ?, ?)
      ON CONFLICT (user_id, id) DO UPDATE SET message = excluded.message`)
    this.getMessageStmt = db.prepare('SELECT message FROM wa_sent_messages WHERE user_id = ? AND id = ?')
    this.pruneMessagesStmt = db.prepare('DELETE FROM wa_sent_messages WHERE created_at < ?')
    this.writeKeysTx = db.transaction((userId: string, writes: KeyWrite[]) => {
      for (const w of writes) {
        if (w.value === null) this.delKeyStmt.run(userId, w.type, w.id)
        else this.putKeyStmt.run(userId, w.type, w.id, w.value)
      }
    })
    this.wipeTx = db.transaction((userId: string) => {
      this.wipeKeysStmt.run(userId)
      this.wipeCredsStmt.run(userId)
    })
  }

  readCreds (userId: string): string | undefined {
    return (this.getCredsStmt.get(userId) as { data: string } | undefined)?.data
  }

  /** The stored login's own JID and push name, without loading the credentials; undefined when not paired. */
  login (userId: string): { id: string, name: string | null } | undefined {
    return this.loginStmt.get(userId) as { id: string, name: string | null } | undefined
  }

  writeCreds (userId: string, data: string): void {
    this.putCredsStmt.run(userId, data, Date.now())
  }

  readKeys (userId: string, type: string, ids: readonly string[]): Array<{ id: string, value: string }> {
    return this.getKeysStmt.all(userId, type, JSON.stringify(ids)) as Array<{ id: string, value: string }>
  }

  /** Writes all given keys in one transaction (one Baileys key commit = one SQLite transaction). */
  writeKeys (userId: string, writes: KeyWrite[]): void {
    this.writeKeysTx(userId, writes)
  }

  /** Deletes the credentials and every key of the user (logout). */
  wipe (userId: string): void {
    this.wipeTx(userId)
  }

  saveSentMessage (userId: string, id: string, remoteJid: string, message: Uint8Array): void {
    this.putMessageStmt.run(userId, id, remoteJid, message, Date.now())
  }

  sentMessage (userId: string, id: string): Buffer | undefined {
    return (this.getMessageStmt.get(userId, id) as { message: Buffer } | undefined)?.message
  }

  /** Forgets sent messages older than the given age. */
  pruneSentMessages (olderThanMs: number): number {
    return this.pruneMessagesStmt.run(Date.now() - olderThanMs).changes
  }
}
