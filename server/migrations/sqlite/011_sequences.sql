-- Sequences: multi-step messages over time. A sequence's steps and exit conditions are
-- JSON on its row; each enrolment moves step by step on bus events due at next_at.
CREATE TABLE sequences (
  team_id INTEGER NOT NULL REFERENCES teams (id),
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL,
  description TEXT,
  steps TEXT NOT NULL,
  exit_on TEXT NOT NULL,
  status TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  UNIQUE (team_id, id),
  UNIQUE (team_id, name)
);

-- One row per sequence and contact; `run` counts re-enrolments so a step event of an
-- earlier run is recognised and ignored.
CREATE TABLE sequence_enrollments (
  team_id INTEGER NOT NULL,
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  sequence_id INTEGER NOT NULL,
  contact_id INTEGER NOT NULL,
  run INTEGER NOT NULL,
  status TEXT NOT NULL,
  step INTEGER NOT NULL,
  next_at INTEGER,
  exit_reason TEXT,
  source TEXT,
  enrolled_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  finished_at INTEGER,
  UNIQUE (team_id, sequence_id, contact_id)
);
CREATE INDEX sequence_enrollments_contact ON sequence_enrollments (team_id, contact_id, status);
CREATE INDEX sequence_enrollments_list ON sequence_enrollments (team_id, sequence_id, status, id);
