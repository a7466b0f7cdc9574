-- People sign in: a user's password (argon2id, libsodium's string form), their browser
-- sessions and the one-time links that set a password (setup, invite, reset). Session
-- and link secrets are stored only as SHA-256 hashes.
ALTER TABLE users ADD COLUMN password_hash TEXT;

CREATE TABLE user_sessions (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  team_id INTEGER NOT NULL REFERENCES teams (id),
  user_id INTEGER NOT NULL,
  token_hash TEXT NOT NULL UNIQUE,
  csrf_token TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  last_seen_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  revoked_at INTEGER,
  client_address TEXT NOT NULL DEFAULT '',
  user_agent TEXT NOT NULL DEFAULT '',
  FOREIGN KEY (team_id, user_id) REFERENCES users (team_id, id)
);
CREATE INDEX user_sessions_user ON user_sessions (team_id, user_id);

CREATE TABLE auth_links (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  team_id INTEGER NOT NULL REFERENCES teams (id),
  user_id INTEGER,
  kind TEXT NOT NULL CHECK (kind IN ('setup', 'invite', 'reset')),
  token_hash TEXT NOT NULL UNIQUE,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  used_at INTEGER
);
CREATE INDEX auth_links_user ON auth_links (team_id, user_id);
