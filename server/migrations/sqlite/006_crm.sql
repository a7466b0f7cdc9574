-- CRM entities beyond contacts: pipelines and leads, accounts, tickets with SLA policies,
-- appointments and forms. Every table is scoped by team (team_id first in every key).

-- Sales pipelines; exactly one default per team.
CREATE TABLE pipelines (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  team_id INTEGER NOT NULL REFERENCES teams (id),
  name TEXT NOT NULL,
  description TEXT,
  is_default INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  UNIQUE (team_id, id)
);
CREATE UNIQUE INDEX pipelines_one_default ON pipelines (team_id) WHERE is_default = 1;

-- Ordered stages of a pipeline.
CREATE TABLE pipeline_stages (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  team_id INTEGER NOT NULL REFERENCES teams (id),
  pipeline_id INTEGER NOT NULL,
  name TEXT NOT NULL,
  position INTEGER NOT NULL,
  probability REAL NOT NULL DEFAULT 0,
  is_won INTEGER NOT NULL DEFAULT 0,
  is_lost INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  UNIQUE (team_id, id)
);
CREATE INDEX pipeline_stages_pipeline ON pipeline_stages (team_id, pipeline_id, position);

-- Companies; the domain is normalised and unique per team.
CREATE TABLE accounts (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  team_id INTEGER NOT NULL REFERENCES teams (id),
  name TEXT NOT NULL,
  domain TEXT,
  size TEXT,
  industry TEXT,
  owner_id INTEGER,
  tags TEXT NOT NULL DEFAULT '[]',
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  UNIQUE (team_id, id)
);
CREATE UNIQUE INDEX accounts_domain ON accounts (team_id, domain) WHERE domain IS NOT NULL;
CREATE INDEX accounts_owner ON accounts (team_id, owner_id);

-- Leads/opportunities; status (open|won|lost) follows the stage's flags.
CREATE TABLE leads (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  team_id INTEGER NOT NULL REFERENCES teams (id),
  contact_id INTEGER NOT NULL,
  account_id INTEGER,
  pipeline_id INTEGER NOT NULL,
  stage_id INTEGER NOT NULL,
  title TEXT,
  value REAL NOT NULL DEFAULT 0,
  currency TEXT NOT NULL,
  owner_id INTEGER,
  expected_close_date TEXT,
  score REAL,
  lost_reason TEXT,
  status TEXT NOT NULL,
  stage_entered_at INTEGER,
  closed_at INTEGER,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  UNIQUE (team_id, id)
);
CREATE INDEX leads_contact ON leads (team_id, contact_id);
CREATE INDEX leads_board ON leads (team_id, pipeline_id, stage_id, id);
CREATE INDEX leads_stage ON leads (team_id, stage_id, id);
CREATE INDEX leads_owner ON leads (team_id, owner_id);
CREATE INDEX leads_account ON leads (team_id, account_id) WHERE account_id IS NOT NULL;

-- Calls, emails, meetings and tasks on a lead.
CREATE TABLE lead_activities (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  team_id INTEGER NOT NULL REFERENCES teams (id),
  lead_id INTEGER NOT NULL,
  type TEXT NOT NULL,
  subject TEXT NOT NULL,
  body TEXT,
  due_at INTEGER,
  done INTEGER NOT NULL DEFAULT 0,
  done_at INTEGER,
  owner_id INTEGER,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  UNIQUE (team_id, id)
);
CREATE INDEX lead_activities_lead ON lead_activities (team_id, lead_id, id);

-- SLA targets per priority and optional business hours; one default per team.
CREATE TABLE sla_policies (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  team_id INTEGER NOT NULL REFERENCES teams (id),
  name TEXT NOT NULL,
  is_default INTEGER NOT NULL DEFAULT 0,
  targets TEXT NOT NULL,
  business_hours TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  UNIQUE (team_id, id)
);
CREATE UNIQUE INDEX sla_policies_one_default ON sla_policies (team_id) WHERE is_default = 1;

-- Support tickets with SLA due times.
CREATE TABLE tickets (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  team_id INTEGER NOT NULL REFERENCES teams (id),
  subject TEXT NOT NULL,
  description TEXT,
  contact_id INTEGER,
  status TEXT NOT NULL,
  priority TEXT NOT NULL,
  assignee_id INTEGER,
  tags TEXT NOT NULL DEFAULT '[]',
  channel TEXT,
  conversation_id INTEGER,
  sla_policy_id INTEGER,
  first_response_due_at INTEGER,
  resolve_due_at INTEGER,
  first_responded_at INTEGER,
  resolved_at INTEGER,
  sla_breached INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  UNIQUE (team_id, id)
);
CREATE INDEX tickets_contact ON tickets (team_id, contact_id, id);
CREATE INDEX tickets_status ON tickets (team_id, status, id);
CREATE INDEX tickets_assignee ON tickets (team_id, assignee_id);
-- The SLA scan looks only at unbreached open tickets by due time.
CREATE INDEX tickets_resolve_due ON tickets (resolve_due_at) WHERE sla_breached = 0 AND status IN ('open', 'pending');
CREATE INDEX tickets_response_due ON tickets (first_response_due_at) WHERE sla_breached = 0 AND first_responded_at IS NULL AND status IN ('open', 'pending');

-- Internal notes and public replies on a ticket.
CREATE TABLE ticket_comments (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  team_id INTEGER NOT NULL REFERENCES teams (id),
  ticket_id INTEGER NOT NULL,
  body TEXT NOT NULL,
  internal INTEGER NOT NULL DEFAULT 0,
  author_key_id INTEGER,
  author_user_id INTEGER,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  UNIQUE (team_id, id)
);
CREATE INDEX ticket_comments_ticket ON ticket_comments (team_id, ticket_id, id);

-- Bookings; times in UTC, the customer's zone kept for local-time views.
CREATE TABLE appointments (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  team_id INTEGER NOT NULL REFERENCES teams (id),
  contact_id INTEGER NOT NULL,
  service TEXT NOT NULL,
  starts_at INTEGER NOT NULL,
  ends_at INTEGER NOT NULL,
  time_zone TEXT NOT NULL,
  status TEXT NOT NULL,
  booked_at INTEGER NOT NULL,
  assignee_id INTEGER,
  location TEXT,
  notes TEXT,
  cancel_reason TEXT,
  reschedule_history TEXT NOT NULL DEFAULT '[]',
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  UNIQUE (team_id, id)
);
CREATE INDEX appointments_contact ON appointments (team_id, contact_id, id);
CREATE INDEX appointments_starts ON appointments (team_id, starts_at);

-- Public forms; the slug is unique across teams through public_slugs.
CREATE TABLE forms (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  team_id INTEGER NOT NULL REFERENCES teams (id),
  name TEXT NOT NULL,
  slug TEXT NOT NULL,
  enabled INTEGER NOT NULL DEFAULT 1,
  fields TEXT NOT NULL,
  thank_you_message TEXT NOT NULL,
  redirect_url TEXT,
  honeypot_field TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  UNIQUE (team_id, id)
);
CREATE UNIQUE INDEX forms_slug ON forms (team_id, slug);

-- What visitors sent through a form.
CREATE TABLE form_submissions (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  team_id INTEGER NOT NULL REFERENCES teams (id),
  form_id INTEGER NOT NULL,
  contact_id INTEGER,
  data TEXT NOT NULL,
  ip TEXT,
  user_agent TEXT,
  referrer TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  UNIQUE (team_id, id)
);
CREATE INDEX form_submissions_form ON form_submissions (team_id, form_id, id);
CREATE INDEX form_submissions_contact ON form_submissions (team_id, contact_id);

-- /f/{slug} carries no team: the slug -> form map is global (a reference table under Citus).
CREATE TABLE public_slugs (
  slug TEXT PRIMARY KEY,
  team_id INTEGER NOT NULL REFERENCES teams (id),
  form_id INTEGER NOT NULL
);

-- Contacts belong to a company.
ALTER TABLE contacts ADD COLUMN account_id INTEGER;
CREATE INDEX contacts_account ON contacts (team_id, account_id) WHERE account_id IS NOT NULL;

-- Teams that exist already get the defaults a new team is created with.
INSERT INTO pipelines (team_id, name, is_default, created_at, updated_at)
  SELECT id, 'Sales', 1, CAST(strftime('%s', 'now') AS INTEGER) * 1000, CAST(strftime('%s', 'now') AS INTEGER) * 1000 FROM teams;
INSERT INTO pipeline_stages (team_id, pipeline_id, name, position, probability, is_won, is_lost,
                             created_at, updated_at)
  SELECT p.team_id, p.id, s.name, s.position, s.probability, s.is_won, s.is_lost, p.created_at,
         p.created_at
  FROM pipelines p, (SELECT 'New' AS name, 0 AS position, 10 AS probability, 0 AS is_won, 0 AS is_lost
                     UNION ALL SELECT 'Contacted', 1, 20, 0, 0
                     UNION ALL SELECT 'Qualified', 2, 40, 0, 0
                     UNION ALL SELECT 'Proposal', 3, 60, 0, 0
                     UNION ALL SELECT 'Won', 4, 100, 1, 0
                     UNION ALL SELECT 'Lost', 5, 0, 0, 1) s;
INSERT INTO sla_policies (team_id, name, is_default, targets, created_at, updated_at)
  SELECT id, 'Standard', 1,
         '{"urgent":{"first_response_minutes":60,"resolution_minutes":240},"high":{"first_response_minutes":240,"resolution_minutes":1440},"normal":{"first_response_minutes":480,"resolution_minutes":2880},"low":{"first_response_minutes":1440,"resolution_minutes":4320}}',
         CAST(strftime('%s', 'now') AS INTEGER) * 1000, CAST(strftime('%s', 'now') AS INTEGER) * 1000 FROM teams;
