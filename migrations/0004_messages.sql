-- The message history: messages a user's session sent and received, kept up to users.history per
-- chat (0 keeps none). `seq` is wuzapi's row id; `timestamp` is WhatsApp's time (Unix seconds).
-- A poll's `message_secret` is kept so votes on it can be decrypted later.
CREATE TABLE messages (
  seq                INTEGER PRIMARY KEY AUTOINCREMENT,
  user_id            TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  chat_jid           TEXT NOT NULL,
  message_id         TEXT NOT NULL,
  sender_jid         TEXT NOT NULL,
  from_me            INTEGER NOT NULL,
  timestamp          INTEGER NOT NULL,
  push_name          TEXT NOT NULL DEFAULT '',
  message_type       TEXT NOT NULL,
  text_content       TEXT NOT NULL DEFAULT '',
  media_json         TEXT,
  quoted_message_id  TEXT NOT NULL DEFAULT '',
  target_message_id  TEXT NOT NULL DEFAULT '',
  message_secret     TEXT,
  message_json       TEXT NOT NULL,
  created_at         INTEGER NOT NULL,
  UNIQUE (user_id, chat_jid, message_id)
);

CREATE INDEX messages_chat_time ON messages (user_id, chat_jid, timestamp DESC, seq DESC);
