// Segments: the list with live counts, and a segment's page with a nested AND/OR/NOT rule
// builder over the whole filter language (fields and operators from the contract, custom
// and metadata fields, relative times, aggregates, other segments), a live count and
// preview of the unsaved rule (components/RuleBuilder), its members and its history of
// entries and exits. Automatic segments edit their thresholds the same way. Viewers read;
// admins change.
import { useInfiniteQuery, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { api, unwrap, type Schemas } from "../api/console-client";
import { useContactNames, useSegments } from "../api/queries";
import { navigate, useTitle } from "../app/router";
import { isAdmin, useSession } from "../app/session";
import { ErrorNotice } from "../components/ErrorNotice";
import { Link } from "../components/Link";
import { EMPTY_RULE, GroupEditor, useFieldCatalogue, useRuleCount, type RuleGroup } from "../components/RuleBuilder";
import { fromRule, type FilterRule } from "../lib/filterFields";
import { useAction } from "../lib/useAction";

export default function Segments({ id }: { id: number | "new" | null }) {
  return id === null ? <SegmentList /> : <SegmentPage id={id} />;
}

function SegmentCount({ id }: { id: number }) {
  const count = useQuery({
    queryKey: ["segment-count", id],
    queryFn: async () => unwrap(await api.GET("/v1/segments/{id}/count", { params: { path: { id } } })).count,
  });
  return <>{count.data ?? "…"}</>;
}

function SegmentList() {
  const { session } = useSession();
  const segments = useSegments();
  useTitle("Segments");
  return (
    <main id="main" tabIndex={-1}>
      <div className="page-head">
        <h1>Segments</h1>
        {isAdmin(session) ? (
          <div className="actions">
            <Link className="button primary" href="/app/segments/new">
              New segment
            </Link>
          </div>
        ) : null}
      </div>
      <ErrorNotice error={segments.error} />
      {segments.data?.length ? (
        <table className="plain">
          <thead>
            <tr>
              <th scope="col">Segment</th>
              <th scope="col">Contacts now</th>
              <th scope="col">Kind</th>
            </tr>
          </thead>
          <tbody>
            {segments.data.map((s) => (
              <tr key={s.id}>
                <td>
                  <Link href={`/app/segments/${s.id}`}>{s.name}</Link>
                  {s.description ? <div className="muted">{s.description}</div> : null}
                </td>
                <td>
                  <SegmentCount id={s.id} />
                </td>
                <td>{s.builtin ? "automatic" : "custom"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </main>
  );
}

function SegmentPage({ id }: { id: number | "new" }) {
  const qc = useQueryClient();
  const { session } = useSession();
  const admin = isAdmin(session);
  const segment = useQuery({
    queryKey: ["segment", id],
    enabled: id !== "new",
    queryFn: async () => unwrap(await api.GET("/v1/segments/{id}", { params: { path: { id: id as number } } })),
  });
  const [tree, setTree] = useState<RuleGroup | null>(id === "new" ? EMPTY_RULE : null);
  const [name, setName] = useState("");
  const [description, setDescription] = useState("");
  useEffect(() => {
    if (segment.data && tree === null) {
      const t = fromRule(segment.data.rule as FilterRule);
      // The builder edits a group at the top: a single condition becomes its only member.
      setTree(t.kind === "group" ? t : { ...EMPTY_RULE, children: [t] });
      setName(segment.data.name);
      setDescription(segment.data.description ?? "");
    }
  }, [segment.data, tree]);
  const fields = useFieldCatalogue();
  const { rule, preview } = useRuleCount(tree, fields);
  const { error, busy, run } = useAction();
  const [saved, setSaved] = useState(false);
  useTitle(segment.data?.name ?? "New segment");
  const save = () =>
    run(async () => {
      setSaved(false);
      const body = { name, description: description || null, rule: rule as Schemas["FilterRule"] };
      if (id === "new") {
        const s = unwrap(await api.POST("/v1/segments", { body }));
        await qc.invalidateQueries({ queryKey: ["segments"] });
        navigate(`/app/segments/${s.id}`, { replace: true });
      } else {
        const patch = segment.data?.builtin ? { rule: body.rule } : body;
        unwrap(await api.PATCH("/v1/segments/{id}", { params: { path: { id } }, body: patch }));
        await qc.invalidateQueries({ queryKey: ["segments"] });
        await qc.invalidateQueries({ queryKey: ["segment-count", id] });
        await qc.invalidateQueries({ queryKey: ["segment-members", id] });
      }
      setSaved(true);
    });
  const remove = () =>
    run(async () => {
      unwrap(await api.DELETE("/v1/segments/{id}", { params: { path: { id: id as number } } }));
      await qc.invalidateQueries({ queryKey: ["segments"] });
      navigate("/app/segments");
    });
  if (segment.error)
    return (
      <main id="main" tabIndex={-1}>
        <h1>Segment</h1>
        <ErrorNotice error={segment.error} />
      </main>
    );
  if (!tree) return <p className="loading">Loading…</p>;
  const builtin = !!segment.data?.builtin;
  return (
    <main id="main" tabIndex={-1}>
      <p>
        <Link href="/app/segments">← Segments</Link>
      </p>
      <div className="page-head">
        <h1>{id === "new" ? "New segment" : name}</h1>
        {builtin ? <span className="badge">automatic: edit its thresholds</span> : null}
      </div>
      <fieldset className="stack plain-fieldset" disabled={!admin}>
        {builtin ? null : (
          <div className="inline">
            <label>
              Name
              <input value={name} onChange={(e) => setName(e.target.value)} required maxLength={100} />
            </label>
            <label>
              Description
              <input value={description} onChange={(e) => setDescription(e.target.value)} maxLength={2000} size={40} />
            </label>
          </div>
        )}
        <section aria-label="Rule" className="rule">
          <GroupEditor node={tree} onChange={(n) => n.kind === "group" && setTree(n)} fields={fields} depth={0} path="Rule" />
        </section>
      </fieldset>
      <p role="status" className="rule-count">
        {preview.isFetching && !preview.data ? "Counting…" : preview.data ? (preview.data.count === 1 ? "1 contact matches now" : `${preview.data.count} contacts match now`) : ""}
      </p>
      <ErrorNotice error={preview.error ?? error} />
      {admin ? (
        <div className="actions">
          <span className="save-state">{saved ? "Saved" : ""}</span>
          {id !== "new" && !builtin ? (
            <button type="button" className="danger" disabled={busy} onClick={() => void remove()}>
              Delete segment
            </button>
          ) : null}
          <button type="button" className="primary" disabled={busy || !name} onClick={() => void save()}>
            Save segment
          </button>
        </div>
      ) : null}
      <div className="profile-grid extras">
        <section className="card" aria-labelledby="preview-title">
          <h2 id="preview-title">Preview</h2>
          <ul>
            {(preview.data?.data ?? []).map((c) => (
              <li key={c.id}>
                <Link href={`/app/contacts/${c.id}`}>{c.name ?? c.email ?? `Contact ${c.id}`}</Link>
              </li>
            ))}
          </ul>
        </section>
        {id !== "new" ? <Members id={id} /> : null}
        {id !== "new" ? <History id={id} /> : null}
      </div>
    </main>
  );
}

function Members({ id }: { id: number }) {
  const members = useQuery({
    queryKey: ["segment-members", id],
    queryFn: async () =>
      unwrap(await api.GET("/v1/segments/{id}/contacts", { params: { path: { id }, query: { limit: 50 } } })).data,
  });
  return (
    <section className="card" aria-labelledby="members-title">
      <h2 id="members-title">Members (saved rule)</h2>
      <ErrorNotice error={members.error} />
      {members.data?.length === 0 ? <p className="muted">Nobody yet.</p> : null}
      <ul>
        {(members.data ?? []).map((c) => (
          <li key={c.id}>
            <Link href={`/app/contacts/${c.id}`}>{c.name ?? c.email ?? `Contact ${c.id}`}</Link>
          </li>
        ))}
      </ul>
      <Link href={`/app/contacts?segment=${id}`}>All members in the contacts list</Link>
    </section>
  );
}

// Who entered and left, newest first, a page of 50 at a time.
function History({ id }: { id: number }) {
  const history = useInfiniteQuery({
    queryKey: ["segment-history", id],
    initialPageParam: "",
    queryFn: async ({ pageParam }) =>
      unwrap(
        await api.GET("/v1/segments/{id}/history", {
          params: { path: { id }, query: { limit: 50, ...(pageParam ? { cursor: pageParam } : {}) } },
        }),
      ),
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
  const rows = history.data?.pages.flatMap((p) => p.data) ?? [];
  const names = useContactNames(rows.map((r) => r.contact_id));
  return (
    <section className="card" aria-labelledby="history-title">
      <h2 id="history-title">History</h2>
      <ErrorNotice error={history.error} />
      {history.data && rows.length === 0 ? <p className="muted">Nobody has entered or left yet.</p> : null}
      {rows.length ? (
        <table className="plain">
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Contact</th>
              <th scope="col">Change</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.id}>
                <td>{new Date(r.at).toLocaleString()}</td>
                <td>
                  <Link href={`/app/contacts/${r.contact_id}`}>{names.data?.get(r.contact_id) ?? `Contact ${r.contact_id}`}</Link>
                </td>
                <td>{r.change}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {history.hasNextPage ? (
        <button type="button" disabled={history.isFetchingNextPage} onClick={() => void history.fetchNextPage()}>
          Older changes
        </button>
      ) : null}
    </section>
  );
}
