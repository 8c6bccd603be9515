-- Users: one WhatsApp session each. The clear token is never stored, only its SHA-256.
CREATE TABLE users (
  id          TEXT PRIMARY KEY,
  name        TEXT NOT NULL,
  token_hash  TEXT NOT NULL UNIQUE,
  token_hint  TEXT NOT NULL DEFAULT '',
  webhook     TEXT NOT NULL DEFAULT '',
  events      TEXT NOT NULL DEFAULT '',
  jid         TEXT NOT NULL DEFAULT '',
  connected   INTEGER NOT NULL DEFAULT 0,
  expiration  INTEGER NOT NULL DEFAULT 0,
  proxy_url   TEXT NOT NULL DEFAULT '',
  history     INTEGER NOT NULL DEFAULT 0,
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL
);
