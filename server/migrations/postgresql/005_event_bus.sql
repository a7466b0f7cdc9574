-- Event bus: one delivery row per (event, subscriber), idempotency keys for side effects,
-- and dedupe keys for timers.
ALTER TABLE events ADD COLUMN dedupe_key TEXT;
CREATE UNIQUE INDEX events_dedupe ON events (team_id, dedupe_key) WHERE dedupe_key IS NOT NULL;
-- The claim walks pending events in id order and stops after a batch: without this index
-- it would sort every due event on every claim.
CREATE INDEX events_pending_by_id ON events (id) WHERE status = 'pending';
-- Dead letters: listed per team and counted by /metrics without scanning handled events.
CREATE INDEX events_dead ON events (team_id, id) WHERE status = 'dead';

CREATE TABLE event_deliveries (
  team_id BIGINT NOT NULL REFERENCES teams (id),
  event_id BIGINT NOT NULL,
  subscriber TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('done', 'retry', 'dead')),
  attempts INTEGER NOT NULL,
  last_error TEXT,
  duration_us BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  PRIMARY KEY (team_id, event_id, subscriber)
);

CREATE TABLE effect_keys (
  team_id BIGINT NOT NULL REFERENCES teams (id),
  key TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (team_id, key)
);
