import type { Database } from '../database.js'

/** A messages row as stored. */
export interface MessageRow {
  seq: number
  user_id: string
  chat_jid: string
  message_id: string
  sender_jid: string
  from_me: number
  /** WhatsApp's time, Unix seconds. */
  timestamp: number
  push_name: string
  message_type: string
  text_content: string
  /** JSON of the media description, or null. */
  media_json: string | null
  quoted_message_id: string
  target_message_id: string
  message_secret: string | null
  /** The proto.Message as JSON. */
  message_json: string
  created_at: number
}

export type NewMessage = Omit<MessageRow, 'seq' | 'created_at'>

/** One chat of a user and the time of its newest stored message. */
export interface ChatRow { chat_jid: string, last: number }

/** SQL for the message history, with statements prepared once; each change is one transaction. */
export class MessagesRepo {
  private readonly insertStmt
  private readonly applyEditStmt
  private readonly pruneChatStmt
  private readonly pruneUserStmt
  private readonly findStmt
  private readonly latestStmt
  private readonly chatsStmt
  private readonly byMediaStmt
  private readonly oldestStmt
  private readonly newestStmt
  private readonly recordTx
  private readonly limitTx

  constructor (db: Database) {
    this.insertStmt = db.prepare(`INSERT INTO messages (user_id, chat_jid, message_id, sender_jid, from_me, timestamp, push_name, message_type,
        text_content, media_json, quoted_message_id, target_message_id, message_secret, message_json, created_at)
      VALUES (@user_id, @chat_jid, @message_id, @sender_jid, @from_me, @timestamp, @push_name, @message_type,
        @text_content, @media_json, @quoted_message_id, @target_message_id, @message_secret, @message_json, @now)
      ON CONFLICT (user_id, chat_jid, message_id) DO NOTHING`)
    this.applyEditStmt = db.prepare(`UPDATE messages SET text_content = @text WHERE user_id = @user AND chat_jid = @chat AND message_id = @target
      AND sender_jid = @sender`)
    this.pruneChatStmt = db.prepare(`DELETE FROM messages WHERE user_id = @user AND chat_jid = @chat AND seq NOT IN (
      SELECT seq FROM messages WHERE user_id = @user AND chat_jid = @chat ORDER BY timestamp DESC, seq DESC LIMIT @keep)`)
    this.pruneUserStmt = db.prepare(`DELETE FROM messages WHERE seq IN (
      SELECT seq FROM (SELECT seq, ROW_NUMBER() OVER (PARTITION BY chat_jid ORDER BY timestamp DESC, seq DESC) AS n
        FROM messages WHERE user_id = @user) WHERE n > @keep)`)
    this.findStmt = db.prepare('SELECT * FROM messages WHERE user_id = ? AND chat_jid = ? AND message_id = ?')
    this.latestStmt = db.prepare('SELECT * FROM messages WHERE user_id = ? AND chat_jid = ? ORDER BY timestamp DESC, seq DESC LIMIT ?')
    this.oldestStmt = db.prepare('SELECT * FROM messages WHERE user_id = ? AND chat_jid = ? ORDER BY timestamp ASC, seq ASC LIMIT 1')
    this.newestStmt = db.prepare('SELECT * FROM messages WHERE user_id = ? ORDER BY timestamp DESC, seq DESC LIMIT 1')
    this.chatsStmt = db.prepare('SELECT chat_jid, MAX(timestamp) AS last FROM messages WHERE user_id = ? GROUP BY chat_jid ORDER BY last DESC, chat_jid')
    this.byMediaStmt = db.prepare(`SELECT * FROM messages WHERE user_id = @user AND media_json IS NOT NULL
      AND (json_extract(media_json, '$.directPath') = @path OR json_extract(media_json, '$.url') = @url) ORDER BY seq DESC LIMIT 1`)
    this.recordTx = db.transaction((message: NewMessage, keep: number): boolean => {
      const inserted = this.insertStmt.run({ ...message, now: Date.now() }).changes > 0
      if (inserted && message.message_type === 'edit' && message.target_message_id !== '') {
        this.applyEditStmt.run({ user: message.user_id, chat: message.chat_jid, target: message.target_message_id, sender: message.sender_jid, text: message.text_content })
      }
      this.pruneChatStmt.run({ user: message.user_id, chat: message.chat_jid, keep })
      return inserted
    })
    this.limitTx = db.transaction((userId: string, keep: number): number => this.pruneUserStmt.run({ user: userId, keep }).changes)
  }

  /**
   * Stores a message (a repeat of one already stored is ignored), applies an edit's new text to the
   * edited message, and keeps only the `keep` newest messages of the chat. True when it was new.
   */
  record (message: NewMessage, keep: number): boolean {
    return this.recordTx(message, keep)
  }

  /** Keeps only the `keep` newest messages of each of the user's chats; returns how many were dropped. */
  limit (userId: string, keep: number): number {
    return this.limitTx(userId, keep)
  }

  find (userId: string, chat: string, messageId: string): MessageRow | undefined {
    return this.findStmt.get(userId, chat, messageId) as MessageRow | undefined
  }

  /** The chat's newest messages, newest first. */
  latest (userId: string, chat: string, limit: number): MessageRow[] {
    return this.latestStmt.all(userId, chat, limit) as MessageRow[]
  }

  /**
   * The newest stored message whose media has this direct path or URL (a scan of the user's media
   * messages: only for the rare download of expired media).
   */
  findByMedia (userId: string, directPath: string, url: string): MessageRow | undefined {
    return this.byMediaStmt.get({ user: userId, path: directPath, url }) as MessageRow | undefined
  }

  /** The chat's oldest stored message. */
  oldest (userId: string, chat: string): MessageRow | undefined {
    return this.oldestStmt.get(userId, chat) as MessageRow | undefined
  }

  /** The user's newest stored message, in any chat. */
  newest (userId: string): MessageRow | undefined {
    return this.newestStmt.get(userId) as MessageRow | undefined
  }

  /** The user's chats with stored messages, the most recently active first. */
  chats (userId: string): ChatRow[] {
    return this.chatsStmt.all(userId) as ChatRow[]
  }
}
