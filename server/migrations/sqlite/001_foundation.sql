-- Tenants, API keys and the event outbox.
-- Timestamps are BIGINT milliseconds since the Unix epoch (UTC) on both backends.
-- SQLite is single-node: ids are plain rowids; UNIQUE (team_id, id) mirrors the
-- PostgreSQL primary keys so the same queries are valid on both.

CREATE TABLE teams (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  created_at INTEGER NOT NULL
);

CREATE TABLE api_keys (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  team_id INTEGER NOT NULL REFERENCES teams (id),
  name TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'agent', 'viewer')),
  key_hash TEXT NOT NULL UNIQUE,
  prefix TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  revoked_at INTEGER,
  UNIQUE (team_id, id)
);

CREATE TABLE events (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  team_id INTEGER NOT NULL REFERENCES teams (id),
  type TEXT NOT NULL,
  subject_type TEXT,
  subject_id INTEGER,
  payload TEXT NOT NULL CHECK (json_valid(payload)),
  created_at INTEGER NOT NULL,
  status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'done', 'dead')),
  attempts INTEGER NOT NULL DEFAULT 0,
  available_at INTEGER NOT NULL,
  lease_owner TEXT,
  lease_until INTEGER,
  last_error TEXT,
  UNIQUE (team_id, id)
);

-- The dispatcher's claim scans only what is due.
CREATE INDEX events_pending ON events (available_at, id) WHERE status = 'pending';
-- Timeline and per-subject ordering.
CREATE INDEX events_subject ON events (team_id, subject_type, subject_id, id);
