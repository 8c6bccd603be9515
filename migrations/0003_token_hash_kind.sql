-- User tokens are stored as HMAC-SHA256 under the server's token secret (DATA_DIR/token-secret or
-- TOKEN_SECRET), so a copy of the database alone cannot be checked against guessed tokens. Rows
-- from before keep their plain SHA-256 until the user's next successful authentication rewrites them.
ALTER TABLE users ADD COLUMN token_hash_kind TEXT NOT NULL DEFAULT 'hmac-sha256';
UPDATE users SET token_hash_kind = 'sha256';
