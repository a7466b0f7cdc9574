-- Admins order the team's custom fields (forms and the profile show them in this order).
-- Existing fields keep the order they were made in.
ALTER TABLE custom_fields ADD COLUMN position INTEGER NOT NULL DEFAULT 0;
UPDATE custom_fields SET position = id;
