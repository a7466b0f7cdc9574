-- A timer remembers the newest event of its contact that existed when it was set: only
-- events after that one may cancel it (the message that created a contact, committed with
-- the contact, must not cancel the follow-up its contact.created handler sets). Timers set
-- before this migration keep 0: any event cancels them, as before.
ALTER TABLE workflow_timers ADD COLUMN after_event_id BIGINT NOT NULL DEFAULT 0;
