-- Chat capture: agents (chatbots) and their ingest keys, conversations, messages with
-- full-text search (FTS5), contact identities per platform, and the behaviour aggregates
-- and field provenance kept on contacts.

CREATE TABLE agents (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  team_id INTEGER NOT NULL REFERENCES teams (id),
  name TEXT NOT NULL,
  description TEXT,
  platforms TEXT NOT NULL DEFAULT '[]',
  customer_tracking INTEGER NOT NULL DEFAULT 1,
  visibility TEXT NOT NULL DEFAULT 'public',
  paid_tag TEXT,
  idle_minutes INTEGER NOT NULL DEFAULT 30,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  UNIQUE (team_id, id)
);

-- Ingest keys belong to one agent (role agent-bot). SQLite cannot alter a CHECK
-- constraint: the table is rebuilt with its rows and ids.
CREATE TABLE api_keys_new (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  team_id INTEGER NOT NULL REFERENCES teams (id),
  name TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'agent', 'viewer', 'agent-bot')),
  key_hash TEXT NOT NULL UNIQUE,
  prefix TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  revoked_at INTEGER,
  agent_id INTEGER,
  UNIQUE (team_id, id)
);
INSERT INTO api_keys_new (id, team_id, name, role, key_hash, prefix, created_at, revoked_at)
  SELECT id, team_id, name, role, key_hash, prefix, created_at, revoked_at FROM api_keys;
DROP TABLE api_keys;
ALTER TABLE api_keys_new RENAME TO api_keys;

CREATE TABLE contact_identities (
  team_id INTEGER NOT NULL REFERENCES teams (id),
  platform TEXT NOT NULL,
  external_id TEXT NOT NULL,
  contact_id INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (team_id, platform, external_id)
);
CREATE INDEX contact_identities_contact ON contact_identities (team_id, contact_id);

CREATE TABLE conversations (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  team_id INTEGER NOT NULL REFERENCES teams (id),
  agent_id INTEGER NOT NULL,
  contact_id INTEGER NOT NULL,
  external_id TEXT NOT NULL,
  platform TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
  close_reason TEXT,
  started_at INTEGER NOT NULL,
  last_message_at INTEGER NOT NULL,
  ended_at INTEGER,
  message_count INTEGER NOT NULL DEFAULT 0,
  user_message_count INTEGER NOT NULL DEFAULT 0,
  awaiting_since INTEGER,
  handed_off INTEGER NOT NULL DEFAULT 0,
  escalated INTEGER NOT NULL DEFAULT 0,
  resolved INTEGER NOT NULL DEFAULT 0,
  rating INTEGER,
  feedback TEXT,
  topics TEXT NOT NULL DEFAULT '[]',
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  UNIQUE (team_id, id)
);
CREATE UNIQUE INDEX conversations_open ON conversations (team_id, agent_id, external_id)
  WHERE status = 'open';
CREATE INDEX conversations_contact ON conversations (team_id, contact_id, id);
CREATE INDEX conversations_agent ON conversations (team_id, agent_id, id);
CREATE INDEX conversations_idle ON conversations (last_message_at) WHERE status = 'open';

CREATE TABLE messages (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  team_id INTEGER NOT NULL REFERENCES teams (id),
  agent_id INTEGER NOT NULL,
  conversation_id INTEGER NOT NULL,
  contact_id INTEGER NOT NULL,
  conversation_ref TEXT NOT NULL,
  external_id TEXT NOT NULL,
  kind TEXT NOT NULL DEFAULT 'message',
  role TEXT NOT NULL,
  text TEXT NOT NULL DEFAULT '',
  sent_at INTEGER NOT NULL,
  sentiment TEXT,
  sentiment_score REAL,
  attachments TEXT NOT NULL DEFAULT '[]',
  data TEXT NOT NULL DEFAULT '{}',
  captured TEXT NOT NULL DEFAULT '{}',
  created_at INTEGER NOT NULL,
  UNIQUE (team_id, id)
);
CREATE UNIQUE INDEX messages_external ON messages (team_id, agent_id, conversation_ref, external_id);
CREATE INDEX messages_conversation ON messages (team_id, conversation_id, id);
CREATE INDEX messages_contact ON messages (team_id, contact_id, id);

-- External-content FTS5 index over messages.text, kept by triggers.
CREATE VIRTUAL TABLE messages_fts USING fts5(text, content = 'messages', content_rowid = 'id');
CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN
  INSERT INTO messages_fts (rowid, text) VALUES (new.id, new.text);
END;
CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
  INSERT INTO messages_fts (messages_fts, rowid, text) VALUES ('delete', old.id, old.text);
END;
CREATE TRIGGER messages_fts_update AFTER UPDATE OF text ON messages BEGIN
  INSERT INTO messages_fts (messages_fts, rowid, text) VALUES ('delete', old.id, old.text);
  INSERT INTO messages_fts (rowid, text) VALUES (new.id, new.text);
END;

ALTER TABLE contacts ADD COLUMN message_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE contacts ADD COLUMN conversation_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE contacts ADD COLUMN last_channel TEXT;
ALTER TABLE contacts ADD COLUMN behaviour TEXT NOT NULL DEFAULT '{}';
ALTER TABLE contacts ADD COLUMN field_sources TEXT NOT NULL DEFAULT '{}';
