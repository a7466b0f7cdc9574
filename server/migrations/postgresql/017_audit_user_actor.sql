-- People who sign in are audited as themselves: actor_type 'user' (actor_id: the user id).
ALTER TABLE audit_log DROP CONSTRAINT audit_log_actor_type_check;
ALTER TABLE audit_log ADD CONSTRAINT audit_log_actor_type_check
  CHECK (actor_type IN ('api_key', 'user', 'workflow', 'plugin', 'cli', 'system'));
