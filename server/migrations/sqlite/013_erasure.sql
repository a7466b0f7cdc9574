-- Erased people: a keyed hash (HMAC-SHA256 under the installation's "erasure" secret) of
-- each email and phone of an erased contact, and no other data. Import and campaigns check
-- addresses against it so an erased person is never silently added back.
CREATE TABLE erased_identities (
  team_id INTEGER NOT NULL REFERENCES teams (id),
  kind TEXT NOT NULL CHECK (kind IN ('email', 'phone')),
  digest TEXT NOT NULL,
  erased_at INTEGER NOT NULL,
  PRIMARY KEY (team_id, kind, digest)
);
