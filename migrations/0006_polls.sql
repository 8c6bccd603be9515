-- Polls a user's session sent or received, kept whatever the user's history setting, so votes on
-- them can be decrypted (with the poll's message secret) and named (with its options) after a
-- restart. `creator_jid` is the poll's author as the session knew it (phone JID or LID).
CREATE TABLE polls (
  user_id       TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  message_id    TEXT NOT NULL,
  chat_jid      TEXT NOT NULL,
  creator_jid   TEXT NOT NULL,
  secret        TEXT NOT NULL,
  options_json  TEXT NOT NULL,
  created_at    INTEGER NOT NULL,
  PRIMARY KEY (user_id, message_id)
);
