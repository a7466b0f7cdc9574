-- Contacts and what hangs off them: custom fields, notes, files, timeline, merge journal,
-- and per-team settings (the contact status list).
-- List-valued fields (tags, interests, traits) and maps (metadata, custom values) are JSON
-- text, filtered with json_each / ->> on SQLite and jsonb functions on PostgreSQL.

CREATE TABLE team_settings (
  team_id INTEGER NOT NULL REFERENCES teams (id),
  key TEXT NOT NULL,
  value TEXT NOT NULL CHECK (json_valid(value)),
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (team_id, key)
);

CREATE TABLE contacts (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  team_id INTEGER NOT NULL REFERENCES teams (id),
  source TEXT NOT NULL,
  platform TEXT NOT NULL,
  external_id TEXT,
  name TEXT,
  email TEXT,
  phone TEXT,
  status TEXT NOT NULL,
  purchase_intent TEXT,
  interests TEXT NOT NULL DEFAULT '[]',
  traits TEXT NOT NULL DEFAULT '[]',
  needs TEXT,
  tags TEXT NOT NULL DEFAULT '[]',
  owner_id INTEGER,
  stage TEXT,
  sentiment TEXT,
  score REAL NOT NULL DEFAULT 0,
  metadata TEXT NOT NULL DEFAULT '{}',
  custom TEXT NOT NULL DEFAULT '{}',
  first_seen INTEGER NOT NULL,
  last_active INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  version INTEGER NOT NULL DEFAULT 1,
  UNIQUE (team_id, id)
);
-- Identity: one contact per (platform, external id) and per normalised email in a team.
CREATE UNIQUE INDEX contacts_identity ON contacts (team_id, platform, external_id)
  WHERE external_id IS NOT NULL;
CREATE UNIQUE INDEX contacts_email ON contacts (team_id, email) WHERE email IS NOT NULL;
CREATE INDEX contacts_phone ON contacts (team_id, phone) WHERE phone IS NOT NULL;
CREATE INDEX contacts_external_id ON contacts (team_id, external_id) WHERE external_id IS NOT NULL;
-- Sort orders of the list (keyset pagination on (key, id)).
CREATE INDEX contacts_created ON contacts (team_id, created_at, id);
CREATE INDEX contacts_last_active ON contacts (team_id, last_active, id);
CREATE INDEX contacts_score ON contacts (team_id, score, id);
CREATE INDEX contacts_status ON contacts (team_id, status);
CREATE INDEX contacts_owner ON contacts (team_id, owner_id);

CREATE TABLE custom_fields (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  team_id INTEGER NOT NULL REFERENCES teams (id),
  key TEXT NOT NULL,
  label TEXT NOT NULL,
  type TEXT NOT NULL,
  options TEXT NOT NULL DEFAULT '[]',
  required INTEGER NOT NULL DEFAULT 0,
  allow_for_ai INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  UNIQUE (team_id, id),
  UNIQUE (team_id, key)
);

CREATE TABLE contact_notes (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  team_id INTEGER NOT NULL REFERENCES teams (id),
  contact_id INTEGER NOT NULL,
  author_key_id INTEGER,
  body TEXT NOT NULL,
  pinned INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  UNIQUE (team_id, id),
  FOREIGN KEY (team_id, contact_id) REFERENCES contacts (team_id, id) ON DELETE CASCADE
);
CREATE INDEX contact_notes_contact ON contact_notes (team_id, contact_id, id);

CREATE TABLE contact_files (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  team_id INTEGER NOT NULL REFERENCES teams (id),
  contact_id INTEGER NOT NULL,
  name TEXT NOT NULL,
  content_type TEXT NOT NULL,
  size INTEGER NOT NULL,
  sha256 TEXT NOT NULL,
  uploaded_by_key_id INTEGER,
  created_at INTEGER NOT NULL,
  UNIQUE (team_id, id),
  FOREIGN KEY (team_id, contact_id) REFERENCES contacts (team_id, id) ON DELETE CASCADE
);
CREATE INDEX contact_files_contact ON contact_files (team_id, contact_id, id);

CREATE TABLE timeline_entries (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  team_id INTEGER NOT NULL REFERENCES teams (id),
  contact_id INTEGER NOT NULL,
  kind TEXT NOT NULL,
  data TEXT NOT NULL CHECK (json_valid(data)),
  actor_key_id INTEGER,
  created_at INTEGER NOT NULL,
  UNIQUE (team_id, id),
  FOREIGN KEY (team_id, contact_id) REFERENCES contacts (team_id, id) ON DELETE CASCADE
);
CREATE INDEX timeline_contact ON timeline_entries (team_id, contact_id, id);

CREATE TABLE merge_journal (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  team_id INTEGER NOT NULL REFERENCES teams (id),
  survivor_id INTEGER NOT NULL,
  duplicate_id INTEGER NOT NULL,
  journal TEXT NOT NULL CHECK (json_valid(journal)),
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  undone_at INTEGER,
  UNIQUE (team_id, id)
);
CREATE INDEX merge_journal_survivor ON merge_journal (team_id, survivor_id, id);
