-- The durable outbox. An event is committed here before WhatsApp is told a message was delivered;
-- the delivery worker reads it from here. `seq` orders a user's events (and is the SSE event id);
-- `id` is the stable event id every delivery carries (`webhook-id`). `source_key` names what the
-- event came from (a WhatsApp message) so a message redelivered after a crash is queued once.
CREATE TABLE webhook_events (
  seq            INTEGER PRIMARY KEY AUTOINCREMENT,
  id             TEXT NOT NULL UNIQUE,
  user_id        TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  type           TEXT NOT NULL,
  source_key     TEXT,
  -- JSON of {"type", "event", ...extra}, without userID/instanceName (form mode's jsonData).
  payload        TEXT NOT NULL,
  instance_name  TEXT NOT NULL,
  created_at     INTEGER NOT NULL
);
CREATE UNIQUE INDEX webhook_events_source ON webhook_events (user_id, source_key) WHERE source_key IS NOT NULL;
CREATE INDEX webhook_events_user ON webhook_events (user_id, seq);
CREATE INDEX webhook_events_created ON webhook_events (created_at);

-- One row per event and destination (the user's webhook, the global webhook). A queue is
-- (user_id, target): its pending rows go out in id order.
CREATE TABLE webhook_deliveries (
  id               INTEGER PRIMARY KEY AUTOINCREMENT,
  event_seq        INTEGER NOT NULL REFERENCES webhook_events(seq) ON DELETE CASCADE,
  user_id          TEXT NOT NULL,
  target           TEXT NOT NULL CHECK (target IN ('user', 'global')),
  url              TEXT NOT NULL,
  state            TEXT NOT NULL CHECK (state IN ('pending', 'delivered', 'dead')),
  attempts         INTEGER NOT NULL DEFAULT 0,
  next_attempt_at  INTEGER NOT NULL,
  -- When the current retry window started (creation, or the last manual redelivery).
  window_start     INTEGER NOT NULL,
  first_failed_at  INTEGER,
  last_attempt_at  INTEGER,
  last_status      INTEGER,
  last_error       TEXT NOT NULL DEFAULT '',
  delivered_at     INTEGER,
  created_at       INTEGER NOT NULL
);
CREATE INDEX webhook_deliveries_queue ON webhook_deliveries (user_id, target, state, id);
CREATE INDEX webhook_deliveries_event ON webhook_deliveries (event_seq);

-- Per-user webhook options: wuzapi's form/JSON body format ('' = the server's WEBHOOK_FORMAT) and
-- HMAC key (AES-256-GCM, nonce || ciphertext || tag, under the server's encryption key).
ALTER TABLE users ADD COLUMN webhook_format TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN hmac_key BLOB;
