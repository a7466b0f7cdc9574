-- People who sign in are audited as themselves: actor_type 'user' (actor_id: the user id).
-- SQLite cannot change a CHECK in place: the table is rebuilt with its rows, ids,
-- indexes and append-only triggers.
CREATE TABLE audit_log_v2 (
  team_id INTEGER NOT NULL REFERENCES teams (id),
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  at INTEGER NOT NULL,
  actor_type TEXT NOT NULL
    CHECK (actor_type IN ('api_key', 'user', 'workflow', 'plugin', 'cli', 'system')),
  actor_id TEXT,
  action TEXT NOT NULL,
  subject_type TEXT,
  subject_id INTEGER,
  status INTEGER,
  origin TEXT,
  request_id TEXT,
  detail TEXT CHECK (detail IS NULL OR json_valid(detail)),
  UNIQUE (team_id, id)
);
INSERT INTO audit_log_v2 (team_id, id, at, actor_type, actor_id, action, subject_type,
                          subject_id, status, origin, request_id, detail)
  SELECT team_id, id, at, actor_type, actor_id, action, subject_type, subject_id, status,
         origin, request_id, detail FROM audit_log;
DROP TRIGGER audit_log_no_update;
DROP TRIGGER audit_log_no_delete;
DROP TABLE audit_log;
ALTER TABLE audit_log_v2 RENAME TO audit_log;
CREATE INDEX audit_log_subject ON audit_log (team_id, subject_type, subject_id, id);
CREATE INDEX audit_log_actor ON audit_log (team_id, actor_type, actor_id, id);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN
  SELECT RAISE(ABORT, 'audit_log is append-only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN
  SELECT RAISE(ABORT, 'audit_log is append-only');
END;
