// The contacts list: search, filters and sort in the URL; stat cards; a virtualised table
// that loads pages as it scrolls; bulk updates of selected rows or of everything matching;
// CSV export of the current filter.
import { useInfiniteQuery, useQuery, useQueryClient } from "@tanstack/react-query";
import { useVirtualizer } from "@tanstack/react-virtual";
import { useEffect, useMemo, useRef, useState } from "react";
import { api, unwrap, type Contact, type Schemas } from "../api/console-client";
import { useSegments, useStatuses, useUsers } from "../api/queries";
import { IntentOptions, UserOptions } from "../components/options";
import { useAction } from "../lib/useAction";
import { navigate, useLocation, useTitle } from "../app/router";
import { canWrite, isAdmin, useSession } from "../app/session";
import { INTENTS, IntentBadge, PLATFORMS, PlatformIcon, relativeTime } from "../components/badges";
import { Dialog } from "../components/Dialog";
import { ImportDialog } from "./ImportDialog";
import { ErrorNotice } from "../components/ErrorNotice";
import { Link } from "../components/Link";
import {
  filterFromView,
  isFiltered,
  searchFromView,
  viewFromSearch,
  type ContactView,
  type ListFilter,
  type Sort,
} from "../lib/contactView";

const ROW_HEIGHT = 44;
const PAGE = 200;

export default function ContactsList() {
  useTitle("Contacts");
  const { search } = useLocation();
  const view = useMemo(() => viewFromSearch(search), [search]);
  const { session } = useSession();
  const writer = canWrite(session);
  const setView = (next: ContactView) => navigate(`/app/contacts${searchFromView(next)}`, { replace: true });
  const filter = useMemo(() => JSON.stringify(filterFromView(view)), [view]);

  const users = useUsers();
  const segments = useSegments();
  const statuses = useStatuses();
  // The cards count what the list shows: the same filter.
  const stats = useQuery({
    queryKey: ["contact-stats", filter],
    queryFn: async () => unwrap(await api.GET("/v1/contacts/stats", { params: { query: { filter } } })),
  });
  const list = useInfiniteQuery({
    queryKey: ["contacts", filter, view.sort],
    initialPageParam: "",
    queryFn: async ({ pageParam }) =>
      unwrap(
        await api.GET("/v1/contacts", {
          params: { query: { filter, sort: view.sort, limit: PAGE, ...(pageParam ? { cursor: pageParam } : {}) } },
        }),
      ),
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
  const rows: Contact[] = useMemo(() => list.data?.pages.flatMap((p) => p.data) ?? [], [list.data]);

  const scroller = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 10,
  });
  const items = virtualizer.getVirtualItems();
  const lastIndex = items.length ? items[items.length - 1]!.index : 0;
  useEffect(() => {
    if (lastIndex >= rows.length - 50 && list.hasNextPage && !list.isFetchingNextPage) void list.fetchNextPage();
  }, [lastIndex, rows.length, list]);

  const [selected, setSelected] = useState<Set<number>>(new Set());
  const [allMatching, setAllMatching] = useState(false);
  const [bulk, setBulk] = useState(false);
  const [importing, setImporting] = useState(false);
  useEffect(() => {
    setSelected(new Set());
    setAllMatching(false);
  }, [filter]);
  const toggle = (id: number) =>
    setSelected((s) => {
      const n = new Set(s);
      if (n.has(id)) n.delete(id);
      else n.add(id);
      return n;
    });

  // "/" focuses the search; j/k move between rows; Enter opens the focused one.
  const searchBox = useRef<HTMLInputElement>(null);
  const [cursor, setCursor] = useState(-1);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const target = e.target as HTMLElement;
      if (target.closest("input, textarea, select, dialog") || e.ctrlKey || e.metaKey || e.altKey) return;
      if (e.key === "/") {
        e.preventDefault();
        searchBox.current?.focus();
      } else if (e.key === "j" || e.key === "k") {
        e.preventDefault();
        setCursor((c) => {
          const n = Math.max(0, Math.min(rows.length - 1, c + (e.key === "j" ? 1 : -1)));
          virtualizer.scrollToIndex(n);
          requestAnimationFrame(() => document.getElementById(`contact-row-${n}`)?.querySelector("a")?.focus());
          return n;
        });
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [rows.length, virtualizer]);

  const [q, setQ] = useState(view.q);
  useEffect(() => setQ(view.q), [view.q]);
  // The search reaches the URL 300 ms after the last keystroke (renders in between, from
  // live updates, must not restart the wait).
  const viewRef = useRef(view);
  viewRef.current = view;
  useEffect(() => {
    const t = setTimeout(() => {
      const current = viewRef.current;
      if (q.trim() !== current.q) setView({ ...current, q: q.trim() });
    }, 300);
    return () => clearTimeout(t);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [q]);

  const setFilter = (key: ListFilter, value: string) =>
    setView({ ...view, filters: { ...view.filters, [key]: value ? value.split(",").map((s) => s.trim()).filter(Boolean) : [] } });
  const userName = (id: number | null | undefined) => users.data?.find((u) => u.id === id)?.name ?? (id ? `#${id}` : "–");
  const exportHref = `/v1/exports/contacts?format=csv&filter=${encodeURIComponent(filter)}`;
  const count = allMatching ? null : selected.size;

  return (
    <main id="main" tabIndex={-1} className="contacts">
      <div className="page-head">
        <h1>Contacts</h1>
        <a className="button" href={exportHref} download="contacts.csv">
          Export CSV
        </a>
        {isAdmin(session) ? (
          <button type="button" onClick={() => setImporting(true)}>
            Import CSV…
          </button>
        ) : null}
      </div>
      <section aria-label="Summary" className="stats">
        <Stat label={isFiltered(view) ? "Matching" : "Total"} value={stats.data?.total} />
        <Stat label="New this month" value={stats.data?.new_this_month} />
        {PLATFORMS.filter((p) => (stats.data?.by_platform as Record<string, number> | undefined)?.[p]).map((p) => (
          <Stat key={p} label={p} value={(stats.data?.by_platform as Record<string, number>)[p]} />
        ))}
        {INTENTS.map((i) => (
          <Stat key={i} label={i.replace(/_/g, " ")} value={(stats.data?.by_intent as Record<string, number> | undefined)?.[i] ?? 0} />
        ))}
      </section>
      <form className="filters" role="search" onSubmit={(e) => e.preventDefault()}>
        <label>
          Search
          <input
            ref={searchBox}
            type="search"
            value={q}
            placeholder="Name, email, phone, external id, metadata  ( / )"
            onChange={(e) => setQ(e.target.value)}
          />
        </label>
        <Select label="Platform" value={view.filters.platform.join(",")} options={PLATFORMS} onChange={(v) => setFilter("platform", v)} />
        <Select label="Intent" value={view.filters.purchase_intent.join(",")} options={[...INTENTS]} onChange={(v) => setFilter("purchase_intent", v)} />
        <Select
          label="Status"
          value={view.filters.status.join(",")}
          options={statuses.data ?? []}
          onChange={(v) => setFilter("status", v)}
        />
        <Select label="Source" value={view.filters.source.join(",")} options={["chat", "form", "manual", "import", "api"]} onChange={(v) => setFilter("source", v)} />
        <label>
          Owner
          <select value={view.owner} onChange={(e) => setView({ ...view, owner: e.target.value })}>
            <option value="">Anyone</option>
            <option value="none">Nobody</option>
            <UserOptions users={users.data} />
          </select>
        </label>
        <label>
          Segment
          <select value={view.segment} onChange={(e) => setView({ ...view, segment: e.target.value })}>
            <option value="">Any</option>
            {(segments.data ?? []).map((s) => (
              <option key={s.id} value={String(s.id)}>
                {s.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Tags
          <input
            defaultValue={view.filters.tags.join(",")}
            key={view.filters.tags.join(",")}
            placeholder="vip, lead"
            onBlur={(e) => setFilter("tags", e.target.value)}
            onKeyDown={(e) => e.key === "Enter" && setFilter("tags", e.currentTarget.value)}
          />
        </label>
        <label>
          Sort
          <select value={view.sort} onChange={(e) => setView({ ...view, sort: e.target.value as Sort })}>
            <option value="-last_active">Last active</option>
            <option value="name">Name A–Z</option>
            <option value="-name">Name Z–A</option>
            <option value="-created_at">Newest</option>
            <option value="created_at">Oldest</option>
            <option value="last_active">Least recently active</option>
          </select>
        </label>
        {isFiltered(view) ? (
          <button type="button" onClick={() => navigate("/app/contacts", { replace: true })}>
            Clear
          </button>
        ) : null}
      </form>
      {writer && (selected.size > 0 || allMatching) ? (
        <div className="bulkbar" role="region" aria-label="Selection">
          <span>{allMatching ? "All matching contacts selected" : `${selected.size} selected`}</span>
          {!allMatching ? (
            <button type="button" onClick={() => setAllMatching(true)}>
              Select all matching
            </button>
          ) : null}
          <button type="button" className="primary" onClick={() => setBulk(true)}>
            Update…
          </button>
          <button type="button" onClick={() => { setSelected(new Set()); setAllMatching(false); }}>
            Clear selection
          </button>
        </div>
      ) : null}
      <ErrorNotice error={list.error} />
      {list.isSuccess && rows.length === 0 ? (
        <div className="empty">
          <h2>{isFiltered(view) ? "No contact matches" : "No contacts yet"}</h2>
          <p>
            {isFiltered(view)
              ? "Change or clear the filters."
              : "Contacts appear here when your chat assistants talk to customers, forms are posted, or you import a CSV."}
          </p>
        </div>
      ) : (
        <>
        <div className="table" role="table" aria-label="Contacts" aria-rowcount={rows.length + 1}>
          <div role="rowgroup">
          <div className="row head" role="row">
            {writer ? <span role="columnheader" className="sel"><span className="sr-only">Select</span></span> : null}
            <span role="columnheader">Name</span>
            <span role="columnheader">Last active</span>
            <span role="columnheader">Intent</span>
            <span role="columnheader">Status</span>
            <span role="columnheader">Owner</span>
            <span role="columnheader">Tags</span>
          </div>
          </div>
          <div ref={scroller} className="scroller" data-testid="contacts-scroller" role="presentation">
            <div style={{ height: virtualizer.getTotalSize(), position: "relative" }} role="rowgroup">
              {items.map((item) => {
                const c = rows[item.index]!;
                return (
                  <div
                    key={c.id}
                    id={`contact-row-${item.index}`}
                    role="row"
                    aria-rowindex={item.index + 2}
                    className={`row${item.index === cursor ? " cursor" : ""}`}
                    style={{ position: "absolute", top: 0, left: 0, right: 0, height: ROW_HEIGHT, transform: `translateY(${item.start}px)` }}
                  >
                    {writer ? (
                      <span role="cell" className="sel">
                        <input
                          type="checkbox"
                          aria-label={`Select ${c.name ?? `contact ${c.id}`}`}
                          checked={allMatching || selected.has(c.id)}
                          disabled={allMatching}
                          onChange={() => toggle(c.id)}
                        />
                      </span>
                    ) : null}
                    <span role="cell" className="name">
                      <PlatformIcon platform={c.platform} />
                      <Link href={`/app/contacts/${c.id}`}>{c.name ?? c.email ?? c.phone ?? c.external_id ?? `Contact ${c.id}`}</Link>
                    </span>
                    <span role="cell">{relativeTime(c.last_active)}</span>
                    <span role="cell"><IntentBadge intent={c.purchase_intent} /></span>
                    <span role="cell">{c.status}</span>
                    <span role="cell">{userName(c.owner_id)}</span>
                    <span role="cell" className="tags">{c.tags.join(", ")}</span>
                  </div>
                );
              })}
            </div>
          </div>
        </div>
        <p className="muted" aria-live="polite">
          {list.isFetching ? "Loading…" : `${rows.length}${list.hasNextPage ? "+" : ""} contacts`}
        </p>
        </>
      )}
      {importing ? <ImportDialog onClose={() => setImporting(false)} /> : null}
      {bulk ? (
        <BulkDialog
          ids={allMatching ? null : [...selected]}
          filter={filter}
          count={count}
          statuses={statuses.data ?? []}
          users={users.data ?? []}
          onClose={() => setBulk(false)}
        />
      ) : null}
    </main>
  );
}

function Stat({ label, value }: { label: string; value: number | undefined }) {
  return (
    <div className="stat">
      <span className="stat-value">{value ?? "–"}</span>
      <span className="stat-label">{label}</span>
    </div>
  );
}

function Select(props: { label: string; value: string; options: string[]; onChange: (v: string) => void }) {
  return (
    <label>
      {props.label}
      <select value={props.value} onChange={(e) => props.onChange(e.target.value)}>
        <option value="">Any</option>
        {props.value && !props.options.includes(props.value) ? <option value={props.value}>{props.value}</option> : null}
        {props.options.map((o) => (
          <option key={o} value={o}>
            {o.replace(/_/g, " ")}
          </option>
        ))}
      </select>
    </label>
  );
}

function BulkDialog(props: {
  ids: number[] | null;
  filter: string;
  count: number | null;
  statuses: string[];
  users: Schemas["User"][];
  onClose: () => void;
}) {
  const qc = useQueryClient();
  const { error, busy, run } = useAction();
  const [result, setResult] = useState<string | null>(null);

  function submit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const set: { status?: string; purchase_intent?: string | null; owner_id?: number | null } = {};
    const status = String(f.get("status") ?? "");
    const intent = String(f.get("intent") ?? "");
    const owner = String(f.get("owner") ?? "");
    if (status) set.status = status;
    if (intent) set.purchase_intent = intent === "none" ? null : intent;
    if (owner) set.owner_id = owner === "none" ? null : Number(owner);
    const tags = String(f.get("tags") ?? "").split(",").map((t) => t.trim()).filter(Boolean);
    return run(async () => {
      const r = unwrap(
        await api.POST("/v1/contacts/bulk", {
          body: {
            ...(props.ids ? { ids: props.ids } : { filter: JSON.parse(props.filter) }),
            ...(Object.keys(set).length ? { set } : {}),
            ...(tags.length ? { add_tags: tags } : {}),
          },
        }),
      );
      setResult(`${r.updated} updated, ${r.unchanged} unchanged, ${r.failed.length} failed of ${r.matched}.`);
      await qc.invalidateQueries({ queryKey: ["contacts"] });
      await qc.invalidateQueries({ queryKey: ["contact-stats"] });
    });
  }
  return (
    <Dialog title={props.count === null ? "Update all matching contacts" : `Update ${props.count} contacts`} onClose={props.onClose}>
      <form onSubmit={(e) => void submit(e)} className="stack">
        <ErrorNotice error={error} />
        <label>
          Status
          <select name="status" defaultValue="">
            <option value="">Keep</option>
            {props.statuses.map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
        </label>
        <label>
          Intent
          <select name="intent" defaultValue="">
            <option value="">Keep</option>
            <option value="none">None</option>
            <IntentOptions />
          </select>
        </label>
        <label>
          Owner
          <select name="owner" defaultValue="">
            <option value="">Keep</option>
            <option value="none">Nobody</option>
            <UserOptions users={props.users} />
          </select>
        </label>
        <label>
          Add tags
          <input name="tags" placeholder="vip, follow-up" />
        </label>
        {result ? (
          <p role="status" className="notice">
            {result}
          </p>
        ) : null}
        <div className="actions">
          <button type="button" onClick={props.onClose}>
            {result ? "Close" : "Cancel"}
          </button>
          {result ? null : (
            <button type="submit" className="primary" disabled={busy}>
              {busy ? "Updating…" : "Apply"}
            </button>
          )}
        </div>
      </form>
    </Dialog>
  );
}
