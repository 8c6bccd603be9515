import type { Database } from '../database.js'

/** A poll as stored: what decrypting and naming its votes needs. */
export interface StoredPoll {
  chat: string
  id: string
  /** The poll's author (phone JID or LID, no device). */
  creator: string
  /** `messageContextInfo.messageSecret`, base64. */
  secret: string
  /** The option names, in order. */
  options: string[]
}

interface PollRow { chat_jid: string, message_id: string, creator_jid: string, secret: string, options_json: string }

/** SQL for the polls a user's sessions sent and received, with statements prepared once. */
export class PollsRepo {
  private readonly upsertStmt
  private readonly findStmt

  constructor (db: Database) {
    this.upsertStmt = db.prepare(`INSERT INTO polls (user_id, message_id, chat_jid, creator_jid, secret, options_json, created_at)
      VALUES (@user, @id, @chat, @creator, @secret, @options, @now)
      ON CONFLICT (user_id, message_id) DO NOTHING`)
    this.findStmt = db.prepare('SELECT chat_jid, message_id, creator_jid, secret, options_json FROM polls WHERE user_id = ? AND message_id = ?')
  }

  /** Stores a poll; a poll already stored is kept as it was. */
  save (userId: string, poll: StoredPoll): void {
    this.upsertStmt.run({ user: userId, id: poll.id, chat: poll.chat, creator: poll.creator, secret: poll.secret, options: JSON.stringify(poll.options), now: Date.now() })
  }

  find (userId: string, messageId: string): StoredPoll | undefined {
    const row = this.findStmt.get(userId, messageId) as PollRow | undefined
    if (row === undefined) return undefined
    const options: unknown = JSON.parse(row.options_json)
    return {
      chat: row.chat_jid,
      id: row.message_id,
      creator: row.creator_jid,
      secret: row.secret,
      options: Array.isArray(options) ? options.filter((o): o is string => typeof o === 'string') : []
    }
  }
}
