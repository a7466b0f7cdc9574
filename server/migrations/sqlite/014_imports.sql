-- CSV imports: one row per uploaded file and its progress, committed with each batch of
-- contacts so a resumed import neither skips nor repeats a row; and the rows that failed.
CREATE TABLE imports (
  team_id INTEGER NOT NULL REFERENCES teams (id),
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'completed', 'failed', 'cancelled')),
  options TEXT NOT NULL CHECK (json_valid(options)),
  file TEXT NOT NULL,
  bytes INTEGER NOT NULL,
  delimiter TEXT NOT NULL,
  rows_total INTEGER NOT NULL,
  rows_done INTEGER NOT NULL DEFAULT 0,
  created INTEGER NOT NULL DEFAULT 0,
  updated INTEGER NOT NULL DEFAULT 0,
  unchanged INTEGER NOT NULL DEFAULT 0,
  skipped INTEGER NOT NULL DEFAULT 0,
  failed INTEGER NOT NULL DEFAULT 0,
  error TEXT,
  created_by_key_id INTEGER,
  lease_owner TEXT,
  lease_until INTEGER,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  finished_at INTEGER,
  UNIQUE (team_id, id)
);
CREATE INDEX imports_pending ON imports (status, id) WHERE status IN ('queued', 'running');

CREATE TABLE import_errors (
  team_id INTEGER NOT NULL,
  import_id INTEGER NOT NULL,
  row_number INTEGER NOT NULL,
  line INTEGER NOT NULL,
  column_name TEXT,
  outcome TEXT NOT NULL CHECK (outcome IN ('failed', 'skipped')),
  reason TEXT NOT NULL,
  PRIMARY KEY (team_id, import_id, row_number)
);
