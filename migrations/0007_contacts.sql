-- The contacts of a user's WhatsApp account (Baileys 7 keeps no store): filled from the history
-- sync, from contact events (address book changes) and from the push names of incoming messages.
-- A later source fills what an earlier one left empty; '' means "not known".
CREATE TABLE contacts (
  user_id        TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  jid            TEXT NOT NULL,
  lid            TEXT NOT NULL DEFAULT '',
  first_name     TEXT NOT NULL DEFAULT '',
  full_name      TEXT NOT NULL DEFAULT '',
  push_name      TEXT NOT NULL DEFAULT '',
  business_name  TEXT NOT NULL DEFAULT '',
  updated_at     INTEGER NOT NULL,
  PRIMARY KEY (user_id, jid)
) WITHOUT ROWID;
