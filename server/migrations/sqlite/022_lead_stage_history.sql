-- Each stage a lead entered, kept for funnels after the bus prunes lead.stage_changed
-- (7 days): its creation (from_stage_id NULL) and every move. Leads that existed before
-- this table get one row, for the stage they are in, at the time they entered it.
CREATE TABLE lead_stage_changes (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  team_id INTEGER NOT NULL,
  lead_id INTEGER NOT NULL,
  pipeline_id INTEGER NOT NULL,
  from_stage_id INTEGER,
  to_stage_id INTEGER NOT NULL,
  time_in_previous_ms INTEGER,
  changed_at INTEGER NOT NULL
);
CREATE INDEX lead_stage_changes_pipeline ON lead_stage_changes (team_id, pipeline_id, lead_id);
CREATE INDEX lead_stage_changes_lead ON lead_stage_changes (team_id, lead_id, id);
INSERT INTO lead_stage_changes (team_id, lead_id, pipeline_id, from_stage_id, to_stage_id,
                                time_in_previous_ms, changed_at)
SELECT team_id, id, pipeline_id, NULL, stage_id, NULL, COALESCE(stage_entered_at, created_at)
FROM leads;
