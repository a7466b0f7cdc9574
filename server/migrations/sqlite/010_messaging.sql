-- Messaging: templates, do-not-contact entries, campaigns and their recipients, delivery
-- state of queued messages, and the install's signing secret for tracking links.
CREATE TABLE message_templates (
  team_id INTEGER NOT NULL REFERENCES teams (id),
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL,
  channel TEXT NOT NULL,
  description TEXT,
  subject TEXT,
  html TEXT,
  text TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  UNIQUE (team_id, id),
  UNIQUE (team_id, name)
);

-- Do-not-contact: one row per contact and channel ('all' covers every channel).
CREATE TABLE contact_suppressions (
  team_id INTEGER NOT NULL,
  contact_id INTEGER NOT NULL,
  channel TEXT NOT NULL,
  reason TEXT NOT NULL,
  note TEXT,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (team_id, contact_id, channel)
);

ALTER TABLE outbox_messages ADD COLUMN reason TEXT;
ALTER TABLE outbox_messages ADD COLUMN message_id TEXT;
ALTER TABLE outbox_messages ADD COLUMN sent_at INTEGER;
ALTER TABLE outbox_messages ADD COLUMN opened_at INTEGER;
ALTER TABLE outbox_messages ADD COLUMN clicked_at INTEGER;
ALTER TABLE outbox_messages ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
CREATE INDEX outbox_messages_contact_sent ON outbox_messages (team_id, contact_id, sent_at);
CREATE INDEX outbox_messages_provider ON outbox_messages (message_id);

CREATE TABLE campaigns (
  team_id INTEGER NOT NULL REFERENCES teams (id),
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL,
  channel TEXT NOT NULL,
  template_id INTEGER NOT NULL,
  segment_id INTEGER,
  filter TEXT,
  scheduled_at INTEGER,
  throttle_per_minute INTEGER,
  status TEXT NOT NULL,
  started_at INTEGER,
  completed_at INTEGER,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  lease_owner TEXT,
  lease_until INTEGER,
  UNIQUE (team_id, id)
);
CREATE INDEX campaigns_due ON campaigns (status, scheduled_at);

-- One row per targeted contact, written when sending starts; status pending -> sent |
-- failed | skipped. `sent` is committed before the message's final SMTP dot.
CREATE TABLE campaign_recipients (
  team_id INTEGER NOT NULL,
  campaign_id INTEGER NOT NULL,
  contact_id INTEGER NOT NULL,
  status TEXT NOT NULL,
  reason TEXT,
  address TEXT,
  attempts INTEGER NOT NULL DEFAULT 0,
  not_before INTEGER,
  sent_at INTEGER,
  opened_at INTEGER,
  clicked_at INTEGER,
  unsubscribed_at INTEGER,
  PRIMARY KEY (campaign_id, contact_id)
);
CREATE INDEX campaign_recipients_status ON campaign_recipients (campaign_id, status, contact_id);
CREATE INDEX campaign_recipients_contact ON campaign_recipients (team_id, contact_id, sent_at);

CREATE TABLE install_secrets (
  name TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
