-- Audit log: who wrote what (REST, CLI, workflow, plugin) and who read a contact's personal
-- data. Entries hold ids and route names, never the personal data itself, so erasing a
-- person leaves the log intact. Append-only: the triggers refuse UPDATE and DELETE.
CREATE TABLE audit_log (
  team_id INTEGER NOT NULL REFERENCES teams (id),
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  at INTEGER NOT NULL,
  actor_type TEXT NOT NULL CHECK (actor_type IN ('api_key', 'workflow', 'plugin', 'cli', 'system')),
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
CREATE INDEX audit_log_subject ON audit_log (team_id, subject_type, subject_id, id);
CREATE INDEX audit_log_actor ON audit_log (team_id, actor_type, actor_id, id);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN
  SELECT RAISE(ABORT, 'audit_log is append-only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN
  SELECT RAISE(ABORT, 'audit_log is append-only');
END;
