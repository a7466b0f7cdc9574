// The rule builder over the filter language: nested all/any groups, each condition or group
// negatable, fields and operators from the contract (components/../lib/filterFields), the
// team's custom fields, other segments. Segments and campaign audiences both edit with it;
// useRuleCount gives the live count and first contacts of the rule being edited.
import { useQuery } from "@tanstack/react-query";
import { useEffect, useMemo, useState } from "react";
import { api, unwrap, type Schemas } from "../api/console-client";
import { useCustomFields, useSegments, useStatuses } from "../api/queries";
import { INTENTS, PLATFORMS } from "./badges";
import { BUILTIN_FIELDS, customFieldInfo, METADATA_OPS, toRootRule, type FieldInfo, type RuleNode } from "../lib/filterFields";

export type RuleGroup = Extract<RuleNode, { kind: "group" }>;
export const EMPTY_RULE: RuleGroup = { kind: "group", mode: "all", negate: false, children: [] };

// The rule the tree stands for, and its count and first ten contacts, fetched 400 ms after
// the last edit.
export function useRuleCount(tree: RuleGroup | null, fields: Catalogue) {
  const rule = useMemo(() => (tree ? toRootRule(tree, fields.info) : null), [tree, fields.info]);
  const ruleText = JSON.stringify(rule);
  const [debounced, setDebounced] = useState(ruleText);
  useEffect(() => {
    const t = setTimeout(() => setDebounced(ruleText), 400);
    return () => clearTimeout(t);
  }, [ruleText]);
  const preview = useQuery({
    queryKey: ["segment-preview", debounced],
    enabled: debounced !== "null",
    queryFn: async () =>
      unwrap(
        await api.POST("/v1/segments/preview", {
          body: { rule: JSON.parse(debounced) as Schemas["ContactFilter"], limit: 10 },
        }),
      ),
  });
  return { rule, preview };
}

export interface Catalogue {
  list: FieldInfo[];
  info: (field: string) => FieldInfo | undefined;
  choices: (field: string) => string[];
  segments: Schemas["Segment"][];
}

export function useFieldCatalogue(): Catalogue {
  const custom = useCustomFields();
  const statuses = useStatuses();
  const segments = useSegments();
  return useMemo(() => {
    const list = [
      ...BUILTIN_FIELDS,
      ...(custom.data ?? []).flatMap((f) => (f.key ? [customFieldInfo(f.key, f.type ?? "text")] : [])),
    ];
    const choices: Record<string, string[]> = {
      status: statuses.data ?? [],
      platform: PLATFORMS,
      last_channel: PLATFORMS,
      source: ["chat", "form", "manual", "import", "api"],
      purchase_intent: [...INTENTS],
      sentiment: ["positive", "neutral", "negative"],
    };
    return {
      list,
      info: (field: string) =>
        list.find((f) => f.field === field) ??
        (field.startsWith("metadata.") ? { field, ops: METADATA_OPS, kind: "text" as const } : undefined),
      choices: (field: string) => choices[field] ?? [],
      segments: segments.data ?? [],
    };
  }, [custom.data, statuses.data, segments.data]);
}

const OP_LABEL: Record<string, string> = {
  eq: "is",
  ne: "is not",
  in: "is one of",
  nin: "is none of",
  contains: "contains",
  starts_with: "starts with",
  gt: "more than / after",
  gte: "at least / since",
  lt: "less than / before",
  lte: "at most / until",
  any: "has any of",
  all: "has all of",
  none: "has none of",
  exists: "is set",
};

export function GroupEditor({
  node,
  onChange,
  onRemove,
  fields,
  depth,
  path,
}: {
  node: Extract<RuleNode, { kind: "group" }>;
  onChange: (n: RuleNode) => void;
  onRemove?: () => void;
  fields: Catalogue;
  depth: number;
  path: string;
}) {
  const setChild = (i: number, child: RuleNode) => onChange({ ...node, children: node.children.map((c, j) => (j === i ? child : c)) });
  const removeChild = (i: number) => onChange({ ...node, children: node.children.filter((_, j) => j !== i) });
  const add = (child: RuleNode) => onChange({ ...node, children: [...node.children, child] });
  return (
    <div className={`rule-group depth-${depth % 2}`} role="group" aria-label={path}>
      <div className="inline tight">
        <label className="check">
          <input type="checkbox" checked={node.negate} onChange={(e) => onChange({ ...node, negate: e.target.checked })} /> Not
        </label>
        <label>
          <span className="sr-only">{path}: match</span>
          <select value={node.mode} onChange={(e) => onChange({ ...node, mode: e.target.value as "all" | "any" })}>
            <option value="all">All of these (AND)</option>
            <option value="any">Any of these (OR)</option>
          </select>
        </label>
        {onRemove ? (
          <button type="button" onClick={onRemove} aria-label={`Remove ${path}`}>
            Remove group
          </button>
        ) : null}
      </div>
      {node.children.length === 0 ? <p className="muted">No conditions: every contact.</p> : null}
      {node.children.map((child, i) =>
        child.kind === "group" ? (
          <GroupEditor
            key={i}
            node={child}
            onChange={(n) => setChild(i, n)}
            onRemove={() => removeChild(i)}
            fields={fields}
            depth={depth + 1}
            path={`${path}, group ${i + 1}`}
          />
        ) : (
          <ConditionEditor
            key={i}
            node={child}
            onChange={(n) => setChild(i, n)}
            onRemove={() => removeChild(i)}
            fields={fields}
            label={`${path}, condition ${i + 1}`}
          />
        ),
      )}
      <div className="inline tight">
        <button type="button" onClick={() => add({ kind: "condition", field: "tags", op: "any", value: "", negate: false })} aria-label={`Add a condition to ${path}`}>
          + Condition
        </button>
        {depth < 4 ? (
          <button type="button" onClick={() => add({ kind: "group", mode: "any", negate: false, children: [] })} aria-label={`Add a group to ${path}`}>
            + Group
          </button>
        ) : null}
      </div>
    </div>
  );
}

function ConditionEditor({
  node,
  onChange,
  onRemove,
  fields,
  label,
}: {
  node: Extract<RuleNode, { kind: "condition" }>;
  onChange: (n: RuleNode) => void;
  onRemove: () => void;
  fields: Catalogue;
  label: string;
}) {
  const metadata = node.field.startsWith("metadata.");
  const info = fields.info(node.field);
  const ops = info?.ops ?? ["eq"];
  const setField = (field: string) => {
    const next = fields.info(field);
    const op = next?.ops.includes(node.op) ? node.op : (next?.ops[0] ?? "eq");
    onChange({ ...node, field, op, value: "" });
  };
  const choices = fields.choices(node.field);
  let value: React.ReactNode;
  if (node.op === "exists" || info?.kind === "flag") {
    value = (
      <select aria-label={`${label}: value`} value={node.value || "true"} onChange={(e) => onChange({ ...node, value: e.target.value })}>
        <option value="true">yes</option>
        <option value="false">no</option>
      </select>
    );
  } else if (info?.kind === "segment") {
    value = (
      <select aria-label={`${label}: value`} value={node.value} onChange={(e) => onChange({ ...node, value: e.target.value })}>
        <option value="">Choose a segment</option>
        {fields.segments.map((s) => (
          <option key={s.id} value={String(s.id)}>
            {s.name}
          </option>
        ))}
      </select>
    );
  } else if (choices.length && (node.op === "eq" || node.op === "ne")) {
    value = (
      <select aria-label={`${label}: value`} value={node.value} onChange={(e) => onChange({ ...node, value: e.target.value })}>
        <option value="">Choose</option>
        {choices.map((c) => (
          <option key={c}>{c}</option>
        ))}
      </select>
    );
  } else {
    const hint =
      info?.kind === "time"
        ? "2026-01-31 or now-30d"
        : ["in", "nin", "any", "all", "none"].includes(node.op)
          ? `comma-separated${choices.length ? `: ${choices.join(", ")}` : ""}`
          : "";
    value = (
      <input
        aria-label={`${label}: value`}
        value={node.value}
        placeholder={hint}
        type={info?.kind === "number" && !["in", "nin"].includes(node.op) ? "number" : "text"}
        onChange={(e) => onChange({ ...node, value: e.target.value })}
      />
    );
  }
  return (
    <div className="rule-condition inline tight" role="group" aria-label={label}>
      <label className="check">
        <input type="checkbox" checked={node.negate} onChange={(e) => onChange({ ...node, negate: e.target.checked })} /> Not
      </label>
      <select aria-label={`${label}: field`} value={metadata ? "metadata." : node.field} onChange={(e) => setField(e.target.value)}>
        {fields.list.map((f) => (
          <option key={f.field} value={f.field}>
            {f.field.replace(/_/g, " ")}
          </option>
        ))}
        <option value="metadata.">metadata…</option>
      </select>
      {metadata ? (
        <input
          aria-label={`${label}: metadata key`}
          value={node.field.slice("metadata.".length)}
          placeholder="key"
          size={10}
          onChange={(e) => onChange({ ...node, field: `metadata.${e.target.value}` })}
        />
      ) : null}
      <select aria-label={`${label}: operator`} value={node.op} onChange={(e) => onChange({ ...node, op: e.target.value })}>
        {ops.map((o) => (
          <option key={o} value={o}>
            {OP_LABEL[o] ?? o}
          </option>
        ))}
      </select>
      {value}
      <button type="button" onClick={onRemove} aria-label={`Remove ${label}`}>
        ×
      </button>
    </div>
  );
}
