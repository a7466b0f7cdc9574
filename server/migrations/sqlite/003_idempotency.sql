-- Idempotency-Key support for POST routes: the first request with a key reserves it, its
-- response is kept for 24 hours and replayed to retries with the same key and body.
CREATE TABLE idempotency_keys (
  team_id INTEGER NOT NULL REFERENCES teams (id),
  key TEXT NOT NULL,
  request_hash TEXT NOT NULL,
  status INTEGER,
  response_body TEXT,
  response_headers TEXT,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (team_id, key)
);
