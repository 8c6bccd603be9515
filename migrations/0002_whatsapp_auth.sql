-- Baileys login state per user: credentials and every Signal key type. Deleting a user deletes them.
CREATE TABLE wa_creds (
  user_id     TEXT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
  data        TEXT NOT NULL,
  updated_at  INTEGER NOT NULL
);

CREATE TABLE wa_keys (
  user_id  TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  type     TEXT NOT NULL,
  id       TEXT NOT NULL,
  value    TEXT NOT NULL,
  PRIMARY KEY (user_id, type, id)
) WITHOUT ROWID;

-- Messages this server sent, so Baileys can answer a peer's retry request (getMessage).
CREATE TABLE wa_sent_messages (
  user_id     TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  id          TEXT NOT NULL,
  remote_jid  TEXT NOT NULL,
  message     BLOB NOT NULL,
  created_at  INTEGER NOT NULL,
  PRIMARY KEY (user_id, id)
) WITHOUT ROWID;

CREATE INDEX wa_sent_messages_created ON wa_sent_messages (created_at);
