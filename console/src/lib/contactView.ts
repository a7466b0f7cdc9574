// What the contacts list shows (search, filters, sort) <-> the page's URL <-> the API's
// filter language. Pure functions: the URL is the only state, so reload and Back keep it.
import type { components } from "../api/schema";

type FilterRule = components["schemas"]["FilterRule"];
type ContactFilter = components["schemas"]["ContactFilter"];

export const SORTS = ["-last_active", "last_active", "name", "-name", "-created_at", "created_at"] as const;
export type Sort = (typeof SORTS)[number];
export const DEFAULT_SORT: Sort = "-last_active";

// Multi-valued filters: each is "any of these values".
export const LIST_FILTERS = ["platform", "purchase_intent", "status", "tags", "source"] as const;
export type ListFilter = (typeof LIST_FILTERS)[number];

export interface ContactView {
  q: string;
  sort: Sort;
  filters: Record<ListFilter, string[]>;
  owner: string; // a user id, "none", or "" for anyone
  segment: string; // a segment id or ""
}

export function emptyView(): ContactView {
  return {
    q: "",
    sort: DEFAULT_SORT,
    filters: { platform: [], purchase_intent: [], status: [], tags: [], source: [] },
    owner: "",
    segment: "",
  };
}

const splitList = (v: string | null): string[] =>
  v ? [...new Set(v.split(",").map((s) => s.trim()).filter(Boolean))] : [];

export function viewFromSearch(search: string): ContactView {
  const p = new URLSearchParams(search);
  const view = emptyView();
  view.q = (p.get("q") ?? "").trim();
  const sort = p.get("sort");
  if (sort && (SORTS as readonly string[]).includes(sort)) view.sort = sort as Sort;
  for (const key of LIST_FILTERS) view.filters[key] = splitList(p.get(key));
  view.owner = p.get("owner") ?? "";
  view.segment = p.get("segment") ?? "";
  return view;
}

// Canonical: defaults left out, keys in one order, so equal views give equal URLs.
export function searchFromView(view: ContactView): string {
  const p = new URLSearchParams();
  if (view.q) p.set("q", view.q);
  for (const key of LIST_FILTERS) {
    if (view.filters[key].length) p.set(key, view.filters[key].join(","));
  }
  if (view.owner) p.set("owner", view.owner);
  if (view.segment) p.set("segment", view.segment);
  if (view.sort !== DEFAULT_SORT) p.set("sort", view.sort);
  const s = p.toString();
  return s ? `?${s}` : "";
}

// The view as one filter of the API's language: the list, "all matching" bulk updates and
// the CSV export all send this same filter, so they act on exactly what the list shows.
export function filterFromView(view: ContactView): ContactFilter {
  const all: FilterRule[] = [];
  if (view.q) all.push({ field: "q", op: "search", value: view.q });
  for (const key of LIST_FILTERS) {
    const values = view.filters[key];
    if (!values.length) continue;
    if (key === "tags") all.push({ field: "tags", op: "any", value: values });
    else all.push({ field: key, op: "in", value: values });
  }
  if (view.owner === "none") all.push({ field: "owner_id", op: "exists", value: false });
  else if (view.owner) all.push({ field: "owner_id", op: "eq", value: Number(view.owner) });
  if (view.segment) all.push({ field: "segment", op: "eq", value: Number(view.segment) });
  return { all };
}

export function isFiltered(view: ContactView): boolean {
  return (filterFromView(view).all ?? []).length > 0;
}
