---@meta
-- LuaLS annotations of the workflow API (docs/lua-api.md). Not a workflow: the server
-- skips this file when it syncs the workflows directory.

---@class Contact
---@field id integer
---@field name string?
---@field email string?
---@field phone string?
---@field source string  chat|form|manual|import|api
---@field platform string
---@field status string
---@field stage string?
---@field owner_id integer?
---@field purchase_intent string?  browsing|comparing|ready_to_buy
---@field tags string[]
---@field custom_fields table<string, any>
---@field metadata table<string, string>

---@class Event
---@field type string  the event type, or the timer's name
---@field event {id: integer, type: string, created_at: integer, attempt: integer, subject_type: string?, subject_id: integer?}
---@field contact Contact?
---@field data any  timers: what crm.later stored
---@field changes table?

---@class Change
---@field op string  "contact.create", "ticket.update", ...
---@field before table?
---@field after table
---@field changed string[]
---@field set table  fields to set on the record being written

---Registers a handler for events matching `pattern` (or the workflow's timer `pattern`).
---@param pattern string
---@param filter_or_fn table|fun(e: Event)
---@param fn? fun(e: Event)
function on(pattern, filter_or_fn, fn) end

---Registers a handler on a cron schedule ("0 9 * * 1-5").
---@param cron string
---@param fn fun(e: Event)
function every(cron, fn) end

---Registers a before-commit hook; return crm.reject(reason) to refuse the write.
---@param operation string
---@param fn fun(change: Change): any
function before(operation, fn) end

---@type integer?  retries before a failing handler's event is dead (0..20)
retries = nil

crm = {}
---@param contact Contact|integer
---@return Contact?, string?
function crm.get(contact) end
---@param filter table
---@param opts? {limit: integer}
---@return Contact[]
function crm.find(filter, opts) end
---@return Contact
function crm.update(contact, fields) end
---@return Contact
function crm.tag(contact, ...) end
---@return Contact
function crm.untag(contact, ...) end
---@return Contact
function crm.set_stage(contact, stage) end
---@return Contact
function crm.set_status(contact, status) end
---@return integer note_id
function crm.add_note(contact, text) end
---@param opts {strategy: "round_robin"|"least_loaded"|"user", group: string?, user: integer?, force: boolean?}
---@return integer? user_id, string? reason
function crm.assign(contact, opts) end
---@return integer? count, string? reason
function crm.notify(user_or_group, text, contact) end
---@param delay integer|string  seconds or "45s", "10m", "2h", "3d", "1w", "1h30m"
---@param opts? {key: string?, cancel_on: string[]?, contact: Contact|integer?, within: "business_hours"?}
---@return integer due_ms
function crm.later(delay, name, data, opts) end
---@return integer ms
function crm.now() end
function crm.log(...) end
---@return table rejection
function crm.reject(reason) end

crm.tickets = {}
function crm.tickets.create(fields) end
function crm.tickets.update(ticket, fields) end
function crm.tickets.comment(ticket, text, opts) end
crm.leads = {}
function crm.leads.create(fields) end
function crm.leads.move(lead, stage) end
crm.email = {}
---@return integer? outbox_id, string? reason
function crm.email.send(contact, template, vars) end
crm.sms = {}
---@param message string|{template: string, vars: table?} free-form text, or an SMS template
---@return integer? outbox_id, string? reason
function crm.sms.send(contact, message) end
crm.webhook = {}
---@return integer outbox_id
function crm.webhook.post(url, body) end
crm.sequences = {}
---@param sequence integer|string id or name
---@return integer? enrollment_id, string? reason "already_enrolled"
function crm.sequences.enroll(contact, sequence) end
---@return boolean exited
function crm.sequences.exit(contact, sequence) end
---@type table<string, fun(args: any): any>
crm.actions = {}
