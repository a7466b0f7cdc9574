// The filter language as the rule builder offers it: every field and operator of
// GET /v1/contacts, read from the generated API types (tsc fails when the contract gains or
// loses a parameter, so the builder cannot drift from the server), the value each expects,
// and the conversion between the builder's tree and the JSON rule (docs/segments.md).
import type { paths } from "../api/schema";

type ContactQuery = NonNullable<paths["/v1/contacts"]["get"]["parameters"]["query"]>;
const PARAMETERS: Record<keyof ContactQuery, 1> = {
  "account_id": 1, "account_id.exists": 1, "account_id.in": 1, "account_id.ne": 1, "account_id.nin": 1,
  "bookings_count": 1, "bookings_count.gt": 1, "bookings_count.gte": 1, "bookings_count.lt": 1,
  "bookings_count.lte": 1, "bookings_count.ne": 1, "conversation_count": 1, "conversation_count.exists": 1,
  "conversation_count.gt": 1, "conversation_count.gte": 1, "conversation_count.lt": 1,
  "conversation_count.lte": 1, "conversation_count.ne": 1, "created_at.gt": 1, "created_at.gte": 1,
  "created_at.lt": 1, "created_at.lte": 1, "cursor": 1, "email": 1, "email.contains": 1, "email.exists": 1,
  "email.in": 1, "email.ne": 1, "email.nin": 1, "email.starts_with": 1, "external_id": 1,
  "external_id.contains": 1, "external_id.exists": 1, "external_id.in": 1, "external_id.ne": 1,
  "external_id.nin": 1, "external_id.starts_with": 1, "filter": 1, "first_seen.gt": 1, "first_seen.gte": 1,
  "first_seen.lt": 1, "first_seen.lte": 1, "id": 1, "id.exists": 1, "id.in": 1, "id.ne": 1, "id.nin": 1,
  "interests.all": 1, "interests.any": 1, "interests.exists": 1, "interests.none": 1, "last_active.gt": 1,
  "last_active.gte": 1, "last_active.lt": 1, "last_active.lte": 1, "last_channel": 1, "last_channel.exists": 1,
  "last_channel.in": 1, "last_channel.ne": 1, "last_channel.nin": 1, "lead_value": 1, "lead_value.gt": 1,
  "lead_value.gte": 1, "lead_value.lt": 1, "lead_value.lte": 1, "lead_value.ne": 1, "limit": 1, "message": 1,
  "message_count": 1, "message_count.exists": 1, "message_count.gt": 1, "message_count.gte": 1,
  "message_count.lt": 1, "message_count.lte": 1, "message_count.ne": 1, "name": 1, "name.contains": 1,
  "name.exists": 1, "name.in": 1, "name.ne": 1, "name.nin": 1, "name.starts_with": 1, "needs": 1,
  "needs.contains": 1, "needs.exists": 1, "needs.in": 1, "needs.ne": 1, "needs.nin": 1, "needs.starts_with": 1,
  "no_show_count": 1, "no_show_count.gt": 1, "no_show_count.gte": 1, "no_show_count.lt": 1,
  "no_show_count.lte": 1, "no_show_count.ne": 1, "open_tickets": 1, "open_tickets.gt": 1,
  "open_tickets.gte": 1, "open_tickets.lt": 1, "open_tickets.lte": 1, "open_tickets.ne": 1, "owner_id": 1,
  "owner_id.exists": 1, "owner_id.in": 1, "owner_id.ne": 1, "owner_id.nin": 1, "phone": 1, "phone.contains": 1,
  "phone.exists": 1, "phone.in": 1, "phone.ne": 1, "phone.nin": 1, "phone.starts_with": 1, "platform": 1,
  "platform.exists": 1, "platform.in": 1, "platform.ne": 1, "platform.nin": 1, "purchase_intent": 1,
  "purchase_intent.exists": 1, "purchase_intent.in": 1, "purchase_intent.ne": 1, "purchase_intent.nin": 1,
  "q": 1, "score": 1, "score.exists": 1, "score.gt": 1, "score.gte": 1, "score.lt": 1, "score.lte": 1,
  "score.ne": 1, "segment": 1, "segment.ne": 1, "sentiment": 1, "sentiment.exists": 1, "sentiment.in": 1,
  "sentiment.ne": 1, "sentiment.nin": 1, "sort": 1, "source": 1, "source.exists": 1, "source.in": 1,
  "source.ne": 1, "source.nin": 1, "stage": 1, "stage.contains": 1, "stage.exists": 1, "stage.in": 1,
  "stage.ne": 1, "stage.nin": 1, "stage.starts_with": 1, "status": 1, "status.exists": 1, "status.in": 1,
  "status.ne": 1, "status.nin": 1, "tags.all": 1, "tags.any": 1, "tags.exists": 1, "tags.none": 1,
  "traits.all": 1, "traits.any": 1, "traits.exists": 1, "traits.none": 1, "unanswered_ticket": 1,
  "unresolved_conversation": 1, "updated_at.gt": 1, "updated_at.gte": 1, "updated_at.lt": 1,
  "updated_at.lte": 1,
};

// What a condition's value is, which picks its input.
export type ValueKind = "text" | "list" | "number" | "time" | "flag" | "segment" | "choice";
export interface FieldInfo {
  field: string;
  ops: string[];
  kind: ValueKind;
}

const NOT_FIELDS = new Set(["limit", "cursor", "sort", "filter", "q", "message"]);
const TIMES = new Set(["created_at", "updated_at", "first_seen", "last_active"]);
// Fields whose values are a fixed or per-team list (the builder offers them).
export const CHOICE_FIELDS = new Set(["status", "platform", "source", "purchase_intent", "sentiment", "last_channel"]);

function kindOf(field: string, ops: string[]): ValueKind {
  if (field === "segment") return "segment";
  if (TIMES.has(field)) return "time";
  if (ops.length === 1 && ops[0] === "eq") return "flag"; // unanswered_ticket, unresolved_conversation
  if (ops.includes("any")) return "list";
  if (ops.includes("gt")) return "number";
  if (CHOICE_FIELDS.has(field)) return "choice";
  return "text";
}

const OP_ORDER = ["eq", "ne", "in", "nin", "contains", "starts_with", "gt", "gte", "lt", "lte", "any", "all", "none", "exists"];

// The built-in fields with their operators ("eq" is the bare parameter), by name.
export const BUILTIN_FIELDS: FieldInfo[] = (() => {
  const ops = new Map<string, string[]>();
  for (const name of Object.keys(PARAMETERS)) {
    const [field, op = "eq"] = name.split(".") as [string, string?];
    if (NOT_FIELDS.has(field)) continue;
    ops.set(field, [...(ops.get(field) ?? []), op]);
  }
  return [...ops.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([field, o]) => {
      const sorted = [...o].sort((a, b) => OP_ORDER.indexOf(a) - OP_ORDER.indexOf(b));
      return { field, ops: sorted, kind: kindOf(field, sorted) };
    });
})();

// A team's custom field, filtered by its type as docs/contacts.md says.
export function customFieldInfo(key: string, type: string): FieldInfo {
  const field = `custom.${key}`;
  if (type === "number") return { field, ops: ["eq", "ne", "gt", "gte", "lt", "lte", "exists"], kind: "number" };
  if (type === "boolean") return { field, ops: ["eq", "exists"], kind: "flag" };
  if (type === "multiselect") return { field, ops: ["any", "all", "none", "exists"], kind: "list" };
  if (type === "select") return { field, ops: ["eq", "ne", "in", "nin", "exists"], kind: "text" };
  return { field, ops: ["eq", "ne", "in", "nin", "contains", "starts_with", "exists"], kind: "text" };
}
export const METADATA_OPS = ["eq", "ne", "in", "contains", "exists"];

export type RuleNode =
  | { kind: "group"; mode: "all" | "any"; negate: boolean; children: RuleNode[] }
  | { kind: "condition"; field: string; op: string; value: string; negate: boolean };

export type FilterRule = { [key: string]: unknown };

const LIST_OPS = new Set(["in", "nin", "any", "all", "none"]);

// The value a condition sends: lists split on commas, numbers and flags typed.
function jsonValue(info: FieldInfo | undefined, op: string, value: string): unknown {
  if (op === "exists") return value !== "false";
  if (LIST_OPS.has(op))
    return value
      .split(",")
      .map((v) => v.trim())
      .filter(Boolean)
      .map((v) => (info?.kind === "number" || info?.field === "id" || info?.field === "owner_id" ? Number(v) : v));
  if (info?.kind === "flag") return value === "true";
  if (info?.kind === "number" || info?.kind === "segment" || info?.field === "id" || info?.field === "owner_id") return Number(value);
  return value;
}

export function toRule(node: RuleNode, fields: (field: string) => FieldInfo | undefined): FilterRule {
  let rule: FilterRule;
  if (node.kind === "group") {
    rule = node.children.length ? { [node.mode]: node.children.map((c) => toRule(c, fields)) } : {};
  } else {
    rule = { field: node.field, op: node.op, value: jsonValue(fields(node.field), node.op, node.value) };
  }
  return node.negate ? { not: rule } : rule;
}

// The rule of the builder's top group: a group of one condition is that condition, so an
// edited rule keeps the shape it was stored in.
export function toRootRule(node: RuleNode, fields: (field: string) => FieldInfo | undefined): FilterRule {
  const rule = toRule(node, fields);
  const only = rule["all"];
  return Array.isArray(only) && only.length === 1 && Object.keys(rule).length === 1 ? (only[0] as FilterRule) : rule;
}

// The builder's tree of a stored rule (any rule the language allows).
export function fromRule(rule: FilterRule): RuleNode {
  if ("not" in rule && rule["not"] && typeof rule["not"] === "object") {
    const inner = fromRule(rule["not"] as FilterRule);
    return { ...inner, negate: !inner.negate };
  }
  for (const mode of ["all", "any"] as const) {
    if (Array.isArray(rule[mode]))
      return { kind: "group", mode, negate: false, children: (rule[mode] as FilterRule[]).map(fromRule) };
  }
  if (typeof rule["field"] === "string") {
    const v = rule["value"];
    const text = Array.isArray(v) ? v.join(", ") : v === undefined || v === null ? "" : String(v);
    return { kind: "condition", field: rule["field"], op: String(rule["op"] ?? "eq"), value: text, negate: false };
  }
  return { kind: "group", mode: "all", negate: false, children: [] }; // {}: every contact
}
