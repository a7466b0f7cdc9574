-- Each time a contact entered or left a segment, written with the segment.entered /
-- segment.exited event but kept after the bus prunes its events: a segment's history.
CREATE TABLE segment_changes (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  team_id INTEGER NOT NULL,
  segment_id INTEGER NOT NULL,
  contact_id INTEGER NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('entered', 'exited')),
  changed_at INTEGER NOT NULL
);
CREATE INDEX segment_changes_segment ON segment_changes (segment_id, id);
CREATE INDEX segment_changes_contact ON segment_changes (team_id, contact_id);
