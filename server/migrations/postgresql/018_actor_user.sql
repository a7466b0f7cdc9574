-- Changes made by a signed-in person name that person: timeline entries, notes and files gain
-- the user beside the API key. Rows a session wrote before this carried key id 0, which
-- names no key: they become actor-less.
ALTER TABLE timeline_entries ADD COLUMN actor_user_id BIGINT;
ALTER TABLE contact_notes ADD COLUMN author_user_id BIGINT;
ALTER TABLE contact_files ADD COLUMN uploaded_by_user_id BIGINT;
UPDATE timeline_entries SET actor_key_id = NULL WHERE actor_key_id = 0;
UPDATE contact_notes SET author_key_id = NULL WHERE author_key_id = 0;
UPDATE contact_files SET uploaded_by_key_id = NULL WHERE uploaded_by_key_id = 0;
