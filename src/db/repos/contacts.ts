import type { Database } from '../database.js'

/** A contacts row as stored ('' = not known). */
export interface ContactRow {
  user_id: string
  jid: string
  lid: string
  first_name: string
  full_name: string
  push_name: string
  business_name: string
  updated_at: number
}

/** What one source tells about a contact; absent fields leave the stored value alone. */
export interface ContactFacts {
  jid: string
  lid?: string
  firstName?: string
  fullName?: string
  pushName?: string
  businessName?: string
}

/** SQL for the contacts table, with statements prepared once; a batch of facts is one transaction. */
export class ContactsRepo {
  private readonly upsertStmt
  private readonly listStmt
  private readonly byJidStmt
  private readonly byLidStmt
  private readonly mergeTx

  constructor (db: Database) {
    // a fact given as '' or not at all keeps what is stored: a push name never erases an address-book name
    this.upsertStmt = db.prepare(`INSERT INTO contacts (user_id, jid, lid, first_name, full_name, push_name, business_name, updated_at)
      VALUES (@user, @jid, @lid, @first, @full, @push, @business, @now)
      ON CONFLICT (user_id, jid) DO UPDATE SET
        lid = CASE WHEN excluded.lid <> '' THEN excluded.lid ELSE lid END,
        first_name = CASE WHEN excluded.first_name <> '' THEN excluded.first_name ELSE first_name END,
        full_name = CASE WHEN excluded.full_name <> '' THEN excluded.full_name ELSE full_name END,
        push_name = CASE WHEN excluded.push_name <> '' THEN excluded.push_name ELSE push_name END,
        business_name = CASE WHEN excluded.business_name <> '' THEN excluded.business_name ELSE business_name END,
        updated_at = excluded.updated_at`)
    this.listStmt = db.prepare('SELECT * FROM contacts WHERE user_id = ? ORDER BY jid')
    this.byJidStmt = db.prepare('SELECT * FROM contacts WHERE user_id = ? AND jid = ?')
    this.byLidStmt = db.prepare('SELECT * FROM contacts WHERE user_id = ? AND lid = ? LIMIT 1')
    this.mergeTx = db.transaction((userId: string, facts: readonly ContactFacts[]): void => {
      const now = Date.now()
      for (const f of facts) {
        this.upsertStmt.run({
          user: userId,
          jid: f.jid,
          lid: f.lid ?? '',
          first: f.firstName ?? '',
          full: f.fullName ?? '',
          push: f.pushName ?? '',
          business: f.businessName ?? '',
          now
        })
      }
    })
  }

  /** Merges what a source tells about contacts into the user's table, in one transaction. */
  merge (userId: string, facts: readonly ContactFacts[]): void {
    if (facts.length > 0) this.mergeTx(userId, facts)
  }

  list (userId: string): ContactRow[] {
    return this.listStmt.all(userId) as ContactRow[]
  }

  byJid (userId: string, jid: string): ContactRow | undefined {
    return this.byJidStmt.get(userId, jid) as ContactRow | undefined
  }

  /** The contact known by this LID (`<lid>@lid`), if any. */
  byLid (userId: string, lid: string): ContactRow | undefined {
    return this.byLidStmt.get(userId, lid) as ContactRow | undefined
  }
}
