-- Segments: saved contact rules (the contacts filter language with aggregates and
-- references to other segments). `builtin` names the automatic segments every team has.
CREATE TABLE segments (
  team_id INTEGER NOT NULL REFERENCES teams (id),
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL,
  description TEXT,
  rule TEXT NOT NULL,
  builtin TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  UNIQUE (team_id, id),
  UNIQUE (team_id, name)
);
CREATE UNIQUE INDEX segments_builtin ON segments (team_id, builtin) WHERE builtin IS NOT NULL;

-- Who is in each segment as of the last evaluation: segment.entered / segment.exited are
-- the differences between this and the rule's current answer.
CREATE TABLE segment_members (
  team_id INTEGER NOT NULL,
  segment_id INTEGER NOT NULL,
  contact_id INTEGER NOT NULL,
  entered_at INTEGER NOT NULL,
  PRIMARY KEY (segment_id, contact_id)
);
CREATE INDEX segment_members_contact ON segment_members (team_id, contact_id);

-- The New segment reads first contact times.
CREATE INDEX contacts_first_seen ON contacts (team_id, first_seen, id);
