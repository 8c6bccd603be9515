-- wuzapi's days_to_sync_history: how many days of chat history a user takes from the phone's
-- history syncs (older messages are neither stored nor sent to the webhook); 0 takes everything.
ALTER TABLE users ADD COLUMN days_to_sync_history INTEGER NOT NULL DEFAULT 0;
