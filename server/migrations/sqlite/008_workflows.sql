-- Lua workflows: sources (REST and the workflows directory, versioned), their run log,
-- timers that later events cancel, and what workflows act on: user groups with a fair
-- round-robin cursor, staff notifications and the message outbox the channel layer sends.
CREATE TABLE workflows (
  team_id INTEGER NOT NULL REFERENCES teams (id),
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL,
  description TEXT,
  origin TEXT NOT NULL CHECK (origin IN ('api', 'file')),
  source TEXT NOT NULL,
  version INTEGER NOT NULL,
  enabled INTEGER NOT NULL DEFAULT 1,
  last_error TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  UNIQUE (team_id, id),
  UNIQUE (team_id, name)
);
-- Every registry refresh asks for changes since its last look.
CREATE INDEX workflows_updated ON workflows (updated_at);

CREATE TABLE workflow_versions (
  team_id INTEGER NOT NULL REFERENCES teams (id),
  workflow_id INTEGER NOT NULL,
  version INTEGER NOT NULL,
  source TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (team_id, workflow_id, version)
);

CREATE TABLE workflow_runs (
  team_id INTEGER NOT NULL REFERENCES teams (id),
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  workflow_id INTEGER NOT NULL,
  workflow_version INTEGER NOT NULL,
  event_id INTEGER,
  event_type TEXT NOT NULL,
  handler TEXT NOT NULL,
  outcome TEXT NOT NULL CHECK (outcome IN ('ok', 'error', 'rejected')),
  duration_us INTEGER NOT NULL,
  actions TEXT NOT NULL DEFAULT '[]',
  log TEXT,
  error TEXT,
  created_at INTEGER NOT NULL,
  UNIQUE (team_id, id)
);
CREATE INDEX workflow_runs_by_workflow ON workflow_runs (team_id, workflow_id, id);
CREATE INDEX workflow_runs_created ON workflow_runs (created_at);

-- A pending crm.later() timer that events of its contact may cancel.
CREATE TABLE workflow_timers (
  team_id INTEGER NOT NULL REFERENCES teams (id),
  dedupe_key TEXT NOT NULL,
  contact_id INTEGER NOT NULL,
  cancel_on TEXT NOT NULL,
  due_at INTEGER NOT NULL,
  PRIMARY KEY (team_id, dedupe_key)
);
CREATE INDEX workflow_timers_contact ON workflow_timers (team_id, contact_id);

CREATE TABLE user_groups (
  team_id INTEGER NOT NULL REFERENCES teams (id),
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL,
  description TEXT,
  members TEXT NOT NULL DEFAULT '[]',
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  UNIQUE (team_id, id),
  UNIQUE (team_id, name)
);

-- The last user a round-robin handed work to, per group: fairness survives restarts.
CREATE TABLE assignment_cursors (
  team_id INTEGER NOT NULL REFERENCES teams (id),
  group_id INTEGER NOT NULL,
  last_user_id INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (team_id, group_id)
);

CREATE TABLE notifications (
  team_id INTEGER NOT NULL REFERENCES teams (id),
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  user_id INTEGER NOT NULL,
  text TEXT NOT NULL,
  contact_id INTEGER,
  source TEXT,
  read INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  UNIQUE (team_id, id)
);
CREATE INDEX notifications_user ON notifications (team_id, user_id, read, id);

CREATE TABLE outbox_messages (
  team_id INTEGER NOT NULL REFERENCES teams (id),
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  channel TEXT NOT NULL,
  contact_id INTEGER,
  recipient TEXT NOT NULL,
  template TEXT,
  body TEXT,
  data TEXT NOT NULL DEFAULT '{}',
  status TEXT NOT NULL,
  source TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  UNIQUE (team_id, id)
);
CREATE INDEX outbox_messages_status ON outbox_messages (team_id, status, id);
