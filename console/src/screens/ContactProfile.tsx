// One contact: identity (read-only), CRM fields that save themselves with If-Match (a
// conflict shows the newer value and lets the person apply theirs again), where each value
// came from, and tabs for the timeline, notes and conversations.
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";
import { api, ApiError, unwrap, type Contact, type Schemas } from "../api/console-client";
import { navigate, useLocation, useTitle } from "../app/router";
import { canWrite, isAdmin, useSession } from "../app/session";
import { IntentBadge, PlatformIcon, relativeTime } from "../components/badges";
import { IntentOptions, UserOptions } from "../components/options";
import { useStatuses, useUsers } from "../api/queries";
import { useAction } from "../lib/useAction";
import { Markdown } from "../lib/markdown";
import { Files } from "./ContactFiles";
import { Dialog } from "../components/Dialog";
import { ErrorNotice } from "../components/ErrorNotice";
import { Link } from "../components/Link";
import { Conversations } from "./ContactConversations";
import { CustomFieldsCard, DoNotContactCard, MergeCard, MetadataCard, RelatedCard } from "./ContactExtras";

type Patch = Schemas["ContactInput"];
type SaveState = { field: string; state: "saving" | "saved" | "conflict" | "error"; error?: unknown };

export default function ContactProfile({ id }: { id: number }) {
  const qc = useQueryClient();
  const { session } = useSession();
  const writer = canWrite(session);
  const { search } = useLocation();
  const tab = new URLSearchParams(search).get("tab") ?? "timeline";
  const contact = useQuery({
    queryKey: ["contact", id],
    queryFn: async () => {
      const r = await api.GET("/v1/contacts/{id}", { params: { path: { id } } });
      return { contact: unwrap(r), etag: r.response.headers.get("ETag") ?? "" };
    },
  });
  const statuses = useStatuses();
  const users = useUsers();
  const [save, setSave] = useState<SaveState | null>(null);
  const [conflict, setConflict] = useState<{ patch: Patch; theirs: Contact } | null>(null);
  const [confirm, setConfirm] = useState<"delete" | "erase" | null>(null);
  const saves = useRef<Promise<void>>(Promise.resolve());
  const c = contact.data?.contact;
  useTitle(c ? (c.name ?? `Contact ${c.id}`) : "Contact");

  if (contact.error instanceof ApiError && contact.error.status === 404) {
    return (
      <main id="main" tabIndex={-1}>
        <h1>Contact not found</h1>
        <p>It does not exist in your team, or it was deleted.</p>
        <Link href="/app/contacts">Back to contacts</Link>
      </main>
    );
  }
  if (!c) {
    return (
      <main id="main" tabIndex={-1}>
        <ErrorNotice error={contact.error} />
        {contact.isLoading ? <p className="loading">Loading…</p> : null}
      </main>
    );
  }

  async function apply(patch: Patch, etag: string) {
    const field = Object.keys(patch)[0] ?? "";
    setSave({ field, state: "saving" });
    const r = await api.PATCH("/v1/contacts/{id}", {
      params: { path: { id }, header: { "If-Match": etag } },
      body: patch,
    });
    if (r.response.status === 412) {
      const fresh = await api.GET("/v1/contacts/{id}", { params: { path: { id } } });
      const theirs = unwrap(fresh);
      qc.setQueryData(["contact", id], { contact: theirs, etag: fresh.response.headers.get("ETag") ?? "" });
      setConflict({ patch, theirs });
      setSave({ field, state: "conflict" });
      return;
    }
    try {
      const updated = unwrap(r);
      qc.setQueryData(["contact", id], { contact: updated, etag: r.response.headers.get("ETag") ?? "" });
      void qc.invalidateQueries({ queryKey: ["timeline", id] });
      void qc.invalidateQueries({ queryKey: ["contacts"] });
      setSave({ field, state: "saved" });
    } catch (error) {
      setSave({ field, state: "error", error });
    }
  }
  // One save at a time, each with the version the previous one left: a person changing two
  // fields quickly must not conflict with themself.
  const change = (patch: Patch) => {
    saves.current = saves.current.then(() => {
      const cached = qc.getQueryData<{ etag: string }>(["contact", id]);
      return apply(patch, cached?.etag ?? "");
    });
  };
  const source = (field: string) => {
    const s = (c.field_sources as Record<string, { source: string; confidence: number }> | undefined)?.[field];
    return s ? `${s.source}${s.confidence < 1 ? ` ${Math.round(s.confidence * 100)}%` : ""}` : null;
  };

  return (
    <main id="main" tabIndex={-1} className="profile">
      <p>
        <Link href="/app/contacts">← Contacts</Link>
      </p>
      <div className="page-head">
        <h1>
          <PlatformIcon platform={c.platform} /> {c.name ?? `Contact ${c.id}`}
        </h1>
        <span role="status" aria-live="polite" className="save-state">
          {save?.state === "saving" ? "Saving…" : save?.state === "saved" ? "Saved" : null}
        </span>
        {writer ? (
          <div className="actions">
            <a className="button" href={`/v1/contacts/${c.id}/export`} download={`contact-${c.id}.json`}>
              Export data
            </a>
            <button type="button" onClick={() => setConfirm("delete")}>
              Delete
            </button>
            {isAdmin(session) ? (
              <button type="button" className="danger" onClick={() => setConfirm("erase")}>
                Erase…
              </button>
            ) : null}
          </div>
        ) : null}
      </div>
      {save?.state === "error" ? <ErrorNotice error={save.error} /> : null}
      {conflict ? (
        <div role="alert" className="notice warn">
          Someone else changed this contact while you edited it. Now:{" "}
          <strong>{String((conflict.theirs as Record<string, unknown>)[Object.keys(conflict.patch)[0]!] ?? "–")}</strong>.
          <button type="button" onClick={() => { const p = conflict.patch; setConflict(null); change(p); }}>
            Apply mine again
          </button>
          <button type="button" onClick={() => { setConflict(null); setSave(null); }}>
            Keep theirs
          </button>
        </div>
      ) : null}
      <div className="profile-grid">
        <section aria-labelledby="identity" className="card">
          <h2 id="identity">Identity</h2>
          <dl>
            <dt>Platform</dt>
            <dd>{c.platform}</dd>
            <dt>External id</dt>
            <dd>{c.external_id ?? "–"}</dd>
            <dt>First seen</dt>
            <dd>{new Date(c.first_seen).toLocaleString()}</dd>
            <dt>Last active</dt>
            <dd>{relativeTime(c.last_active)}</dd>
            <dt>Source</dt>
            <dd>{c.source}</dd>
            <dt>Intent</dt>
            <dd><IntentBadge intent={c.purchase_intent} /></dd>
          </dl>
        </section>
        <section aria-labelledby="crm" className="card">
          <h2 id="crm">CRM fields</h2>
          <TextField label="Name" value={c.name} disabled={!writer} hint={source("name")} onSave={(v) => change({ name: v })} />
          <TextField label="Email" value={c.email} disabled={!writer} hint={source("email")} onSave={(v) => change({ email: v })} />
          <TextField label="Phone" value={c.phone} disabled={!writer} hint={source("phone")} onSave={(v) => change({ phone: v })} />
          <label>
            Status
            <select value={c.status} disabled={!writer} onChange={(e) => change({ status: e.target.value })}>
              {(statuses.data ?? [c.status]).map((s) => (
                <option key={s} value={s}>
                  {s}
                </option>
              ))}
            </select>
          </label>
          <label>
            Purchase intent {source("purchase_intent") ? <small className="muted">({source("purchase_intent")})</small> : null}
            <select
              value={c.purchase_intent ?? ""}
              disabled={!writer}
              onChange={(e) => change({ purchase_intent: (e.target.value || null) as Exclude<Patch["purchase_intent"], undefined> })}
            >
              <option value="">None</option>
              <IntentOptions />
            </select>
          </label>
          <label>
            Owner
            <select
              value={c.owner_id == null ? "" : String(c.owner_id)}
              disabled={!writer}
              onChange={(e) => change({ owner_id: e.target.value ? Number(e.target.value) : null })}
            >
              <option value="">Nobody</option>
              <UserOptions users={users.data} />
            </select>
          </label>
          <TextField label="Tags (comma-separated)" value={c.tags.join(", ")} disabled={!writer} onSave={(v) => change({ tags: splitList(v) })} />
          <TextField
            label="Interests (comma-separated)"
            value={c.interests.join(", ")}
            disabled={!writer}
            hint={source("interests")}
            onSave={(v) => change({ interests: splitList(v) })}
          />
          <TextField label="Traits (up to 5)" value={c.traits.join(", ")} disabled={!writer} hint={source("traits")} onSave={(v) => change({ traits: splitList(v) })} />
          <TextField label="Needs" value={c.needs} disabled={!writer} hint={source("needs")} onSave={(v) => change({ needs: v })} />
        </section>
      </div>
      <div className="profile-grid extras">
        <CustomFieldsCard contact={c} writer={writer} onChange={change} />
        <MetadataCard contact={c} writer={writer} onChange={change} />
        <RelatedCard id={id} />
        <DoNotContactCard id={id} writer={writer} />
        {writer ? (
          <MergeCard
            id={id}
            onMerged={() => {
              void qc.invalidateQueries({ queryKey: ["contact", id] });
              void qc.invalidateQueries({ queryKey: ["timeline", id] });
              void qc.invalidateQueries({ queryKey: ["duplicates"] });
            }}
          />
        ) : null}
      </div>
      <nav aria-label="Contact sections" className="tabs">
        {["timeline", "notes", "files", "conversations"].map((t) => (
          <Link key={t} href={`/app/contacts/${id}?tab=${t}`} aria-current={tab === t ? "page" : undefined}>
            {t[0]!.toUpperCase() + t.slice(1)}
          </Link>
        ))}
      </nav>
      {tab === "notes" ? (
        <Notes id={id} writer={writer} />
      ) : tab === "files" ? (
        <Files id={id} writer={writer} />
      ) : tab === "conversations" ? (
        <Conversations contact={c} />
      ) : (
        <Timeline id={id} writer={writer} />
      )}
      {confirm ? <RemoveDialog id={id} kind={confirm} onClose={() => setConfirm(null)} /> : null}
    </main>
  );
}

const splitList = (v: string | null) =>
  (v ?? "")
    .split(",")
    .map((t) => t.trim())
    .filter(Boolean);

function TextField(props: {
  label: string;
  value: string | null | undefined;
  disabled: boolean;
  hint?: string | null;
  onSave: (v: string | null) => void;
}) {
  const [value, setValue] = useState(props.value ?? "");
  // Whether the person typed here since the last save: only then does leaving the field
  // save, and only then does a newer value from the server wait (a field that merely had
  // focus must never write back the value it loaded over someone else's change).
  const edited = useRef(false);
  useEffect(() => {
    if (!edited.current) setValue(props.value ?? "");
  }, [props.value]);
  const commit = () => {
    if (!edited.current) return;
    edited.current = false;
    if (value !== (props.value ?? "")) props.onSave(value.trim() === "" ? null : value);
  };
  return (
    <label>
      {props.label} {props.hint ? <small className="muted">({props.hint})</small> : null}
      <input
        value={value}
        disabled={props.disabled}
        onChange={(e) => {
          edited.current = true;
          setValue(e.target.value);
        }}
        onBlur={commit}
        onKeyDown={(e) => e.key === "Enter" && (e.preventDefault(), commit())}
      />
    </label>
  );
}

function Timeline({ id, writer }: { id: number; writer: boolean }) {
  const qc = useQueryClient();
  const { error, run } = useAction();
  // A merge can be taken back for 30 days: the duplicate returns with its id and data.
  const unmerge = (mergeId: unknown) =>
    run(async () => {
      unwrap(
        await api.POST("/v1/contacts/{id}/unmerge", {
          params: { path: { id } },
          body: typeof mergeId === "number" ? { merge_id: mergeId } : {},
        }),
      );
      await qc.invalidateQueries({ queryKey: ["contact", id] });
      await qc.invalidateQueries({ queryKey: ["timeline", id] });
    });
  const timeline = useQuery({
    queryKey: ["timeline", id],
    queryFn: async () =>
      unwrap(await api.GET("/v1/contacts/{id}/timeline", { params: { path: { id }, query: { limit: 100 } } })).data,
  });
  if (timeline.error || error) return <ErrorNotice error={timeline.error ?? error} />;
  if (timeline.data && timeline.data.length === 0) return <p className="empty">Nothing has happened yet.</p>;
  return (
    <ol className="timeline" aria-label="Timeline">
      {(timeline.data ?? []).map((e) => {
        const d = e.data as Record<string, unknown>;
        return (
          <li key={e.id}>
            <time dateTime={e.created_at}>{new Date(e.created_at).toLocaleString()}</time>{" "}
            <strong>{e.kind.replace(/[_.]/g, " ")}</strong>{" "}
            {e.kind === "field_changed" ? (
              <span>
                {String(d.field)}: {String(d.old ?? "–")} → {String(d.new ?? "–")}
              </span>
            ) : null}
            {e.actor_name ? <span className="muted"> by {e.actor_name}</span> : null}
            {e.kind === "merged" && writer ? (
              <button type="button" className="ghost" onClick={() => void unmerge(d.merge_id)}>
                Unmerge
              </button>
            ) : null}
          </li>
        );
      })}
    </ol>
  );
}

function Notes({ id, writer }: { id: number; writer: boolean }) {
  const qc = useQueryClient();
  const notes = useQuery({
    queryKey: ["notes", id],
    queryFn: async () => unwrap(await api.GET("/v1/contacts/{id}/notes", { params: { path: { id } } })).data,
  });
  const { error, run } = useAction();
  function add(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = e.currentTarget;
    const body = String(new FormData(form).get("body") ?? "").trim();
    if (!body) return;
    return run(async () => {
      unwrap(await api.POST("/v1/contacts/{id}/notes", { params: { path: { id } }, body: { body } }));
      form.reset();
      await qc.invalidateQueries({ queryKey: ["notes", id] });
      void qc.invalidateQueries({ queryKey: ["timeline", id] });
    });
  }
  const pin = (noteId: number, pinned: boolean) =>
    run(async () => {
      unwrap(
        await api.PATCH("/v1/contacts/{id}/notes/{note_id}", {
          params: { path: { id, note_id: noteId } },
          body: { pinned },
        }),
      );
      await qc.invalidateQueries({ queryKey: ["notes", id] });
    });
  return (
    <section aria-label="Notes">
      <ErrorNotice error={error} />
      {writer ? (
        <form onSubmit={(e) => void add(e)} className="stack">
          <label>
            New note (Markdown)
            <textarea name="body" rows={3} />
          </label>
          <button type="submit" className="primary">
            Add note
          </button>
        </form>
      ) : null}
      {notes.data && notes.data.length === 0 ? <p className="empty">No notes yet.</p> : null}
      <ul className="notes">
        {(notes.data ?? []).map((n) => (
          <li key={n.id} className={n.pinned ? "pinned" : ""}>
            <div className="note-body">
              <Markdown source={n.body} />
            </div>
            <span className="muted">
              {n.author_name ? `${n.author_name} · ` : ""}
              {new Date(n.created_at).toLocaleString()}
              {n.pinned ? " · pinned" : ""}
            </span>
            {writer ? (
              <button type="button" className="ghost" onClick={() => void pin(n.id, !n.pinned)}>
                {n.pinned ? "Unpin" : "Pin"}
              </button>
            ) : null}
          </li>
        ))}
      </ul>
    </section>
  );
}

function RemoveDialog({ id, kind, onClose }: { id: number; kind: "delete" | "erase"; onClose: () => void }) {
  const { error, run } = useAction();
  const qc = useQueryClient();
  const go = () =>
    run(async () => {
      unwrap(
        await api.DELETE("/v1/contacts/{id}", {
          params: { path: { id }, query: kind === "erase" ? { erase: "true" } : {} },
        }),
      );
      await qc.invalidateQueries({ queryKey: ["contacts"] });
      onClose();
      navigate("/app/contacts");
    });
  return (
    <Dialog title={kind === "erase" ? "Erase this person's data?" : "Delete this contact?"} onClose={onClose}>
      <ErrorNotice error={error} />
      <p>
        {kind === "erase"
          ? "Erasure removes the contact and their personal data for good (right to be forgotten). It cannot be undone."
          : "The contact leaves every list."}
      </p>
      <div className="actions">
        <button type="button" onClick={onClose} autoFocus>
          Cancel
        </button>
        <button type="button" className="danger" onClick={() => void go()}>
          {kind === "erase" ? "Erase" : "Delete"}
        </button>
      </div>
    </Dialog>
  );
}
