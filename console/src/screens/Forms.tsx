// Forms (admins build, everyone reads): the list, a builder (add fields by type, order them
// by dragging or with ↑/↓, required, options, max length, where each value goes on the
// contact including custom fields), a live preview of the unsaved form, the share link and
// embed snippet of the public page (GET /f/{slug}, plain HTML), and the submissions.
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { useCustomFields } from "../api/queries";
import { api, unwrap, type Schemas } from "../api/console-client";
import { navigate, useLocation, useTitle } from "../app/router";
import { isAdmin, useSession } from "../app/session";
import { ErrorNotice } from "../components/ErrorNotice";
import { Link } from "../components/Link";
import { useAction } from "../lib/useAction";

type Field = Schemas["FormField"];
type FieldType = Field["type"];
const TYPES: FieldType[] = ["text", "textarea", "email", "phone", "number", "select", "checkbox", "date"];

export default function Forms({ id }: { id: number | "new" | null }) {
  return id === null ? <FormList /> : <FormPage id={id} />;
}

function FormList() {
  const { session } = useSession();
  useTitle("Forms");
  const forms = useQuery({
    queryKey: ["forms"],
    queryFn: async () => unwrap(await api.GET("/v1/forms", { params: { query: { limit: 200 } } })).data,
  });
  return (
    <main id="main" tabIndex={-1}>
      <div className="page-head">
        <h1>Forms</h1>
        {isAdmin(session) ? (
          <div className="actions">
            <Link className="button primary" href="/app/forms/new">
              New form
            </Link>
          </div>
        ) : null}
      </div>
      <ErrorNotice error={forms.error} />
      {forms.data?.length === 0 ? <p className="empty">No forms yet.</p> : null}
      {forms.data?.length ? (
        <table className="plain">
          <thead>
            <tr>
              <th scope="col">Form</th>
              <th scope="col">Public page</th>
              <th scope="col">Fields</th>
              <th scope="col">State</th>
            </tr>
          </thead>
          <tbody>
            {forms.data.map((f) => (
              <tr key={f.id} className={f.enabled ? undefined : "inactive"}>
                <td>
                  <Link href={`/app/forms/${f.id}`}>{f.name}</Link>
                </td>
                <td>
                  <code>/f/{f.slug}</code>
                </td>
                <td>{f.fields.length}</td>
                <td>{f.enabled ? "enabled" : "disabled"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </main>
  );
}

interface Draft {
  name: string;
  slug: string;
  enabled: boolean;
  thank_you_message: string;
  redirect_url: string;
  fields: Field[];
}

const NEW_FORM: Draft = {
  name: "",
  slug: "",
  enabled: true,
  thank_you_message: "Thank you!",
  redirect_url: "",
  fields: [{ key: "email", label: "Email", type: "email", required: true, maps_to: "email" }],
};

// A key for a new field of `type` that the form does not use yet.
export function nextKey(fields: Field[], type: FieldType): string {
  const used = new Set(fields.map((f) => f.key));
  for (let i = 1; ; i++) {
    const key = i === 1 ? type : `${type}_${i}`;
    if (!used.has(key)) return key;
  }
}

function FormPage({ id }: { id: number | "new" }) {
  const qc = useQueryClient();
  const { session } = useSession();
  const admin = isAdmin(session);
  const { search } = useLocation();
  const tab = new URLSearchParams(search).get("tab") ?? "build";
  const form = useQuery({
    queryKey: ["form", id],
    enabled: id !== "new",
    queryFn: async () => unwrap(await api.GET("/v1/forms/{id}", { params: { path: { id: id as number } } })),
  });
  const [draft, setDraft] = useState<Draft | null>(id === "new" ? NEW_FORM : null);
  useEffect(() => {
    if (form.data && !draft)
      setDraft({
        name: form.data.name,
        slug: form.data.slug,
        enabled: form.data.enabled,
        thank_you_message: form.data.thank_you_message,
        redirect_url: form.data.redirect_url ?? "",
        fields: form.data.fields,
      });
  }, [form.data, draft]);
  const { error, busy, run } = useAction();
  const [saved, setSaved] = useState(false);
  useTitle(form.data?.name ?? "New form");
  if (form.error)
    return (
      <main id="main" tabIndex={-1}>
        <h1>Form</h1>
        <ErrorNotice error={form.error} />
      </main>
    );
  if (!draft) return <p className="loading">Loading…</p>;
  const set = (patch: Partial<Draft>) => {
    setSaved(false);
    setDraft({ ...draft, ...patch });
  };
  const save = () =>
    run(async () => {
      const body = {
        name: draft.name,
        enabled: draft.enabled,
        thank_you_message: draft.thank_you_message,
        redirect_url: draft.redirect_url || null,
        fields: draft.fields,
        ...(draft.slug ? { slug: draft.slug } : {}),
      };
      if (id === "new") {
        const f = unwrap(await api.POST("/v1/forms", { body }));
        await qc.invalidateQueries({ queryKey: ["forms"] });
        navigate(`/app/forms/${f.id}`, { replace: true });
      } else {
        const f = unwrap(await api.PATCH("/v1/forms/{id}", { params: { path: { id } }, body }));
        qc.setQueryData(["form", id], f);
        set({ slug: f.slug });
        await qc.invalidateQueries({ queryKey: ["forms"] });
      }
      setSaved(true);
    });
  const publicUrl = form.data ? `${window.location.origin}/f/${form.data.slug}` : "";
  return (
    <main id="main" tabIndex={-1}>
      <p>
        <Link href="/app/forms">← Forms</Link>
      </p>
      <div className="page-head">
        <h1>{id === "new" ? "New form" : form.data?.name}</h1>
        {admin ? (
          <div className="actions">
            <span className="save-state" role="status">
              {saved ? "Saved" : ""}
            </span>
            <button type="button" className="primary" disabled={busy || !draft.name} onClick={() => void save()}>
              Save form
            </button>
          </div>
        ) : null}
      </div>
      <ErrorNotice error={error} />
      {id !== "new" ? (
        <nav aria-label="Form sections" className="tabs">
          <Link href={`/app/forms/${id}`} aria-current={tab === "build" ? "page" : undefined}>
            Build
          </Link>
          <Link href={`/app/forms/${id}?tab=submissions`} aria-current={tab === "submissions" ? "page" : undefined}>
            Submissions
          </Link>
        </nav>
      ) : null}
      {tab === "submissions" && id !== "new" ? (
        <Submissions formId={id} />
      ) : (
        <>
          {form.data ? <Share url={publicUrl} name={form.data.name} enabled={form.data.enabled} /> : null}
          <div className="builder">
            <fieldset className="stack plain-fieldset" disabled={!admin}>
              <div className="inline">
                <label>
                  Name
                  <input value={draft.name} onChange={(e) => set({ name: e.target.value })} required maxLength={200} />
                </label>
                <label>
                  Address (slug)
                  <input value={draft.slug} onChange={(e) => set({ slug: e.target.value })} maxLength={64} placeholder="made from the name" />
                </label>
                <label className="check">
                  <input type="checkbox" checked={draft.enabled} onChange={(e) => set({ enabled: e.target.checked })} /> Enabled
                </label>
              </div>
              <div className="inline">
                <label>
                  Thank-you message
                  <input value={draft.thank_you_message} onChange={(e) => set({ thank_you_message: e.target.value })} maxLength={1000} size={40} />
                </label>
                <label>
                  Redirect after sending (optional)
                  <input value={draft.redirect_url} onChange={(e) => set({ redirect_url: e.target.value })} type="url" placeholder="https://" />
                </label>
              </div>
              <FieldList fields={draft.fields} onChange={(fields) => set({ fields })} />
            </fieldset>
            <Preview draft={draft} />
          </div>
        </>
      )}
    </main>
  );
}

function Share({ url, name, enabled }: { url: string; name: string; enabled: boolean }) {
  const snippet = `<iframe src="${url}" title="${name.replace(/"/g, "&quot;")}" width="100%" height="640" style="border:0"></iframe>`;
  return (
    <section className="notice" aria-label="Share">
      {enabled ? null : <p>The form is disabled: its page answers "not found" until you enable it.</p>}
      <label>
        Link to the form
        <input readOnly value={url} onFocus={(e) => e.target.select()} />
      </label>
      <label>
        Embed on a website
        <input readOnly value={snippet} onFocus={(e) => e.target.select()} />
      </label>
      <a href={url} target="_blank" rel="noreferrer">
        Open the public page
      </a>
    </section>
  );
}

function FieldList({ fields, onChange }: { fields: Field[]; onChange: (f: Field[]) => void }) {
  const custom = useCustomFields();
  const [dragging, setDragging] = useState<number | null>(null);
  const [announce, setAnnounce] = useState("");
  const move = (from: number, to: number) => {
    if (to < 0 || to >= fields.length || from === to) return;
    const next = [...fields];
    const [f] = next.splice(from, 1);
    next.splice(to, 0, f!);
    onChange(next);
    setAnnounce(`${f!.label || f!.key} is now field ${to + 1} of ${fields.length}.`);
  };
  const setField = (i: number, patch: Partial<Field>) => onChange(fields.map((f, j) => (j === i ? { ...f, ...patch } : f)));
  const targets = ["", "name", "email", "phone", "needs", ...(custom.data ?? []).flatMap((c) => (c.key ? [`custom.${c.key}`] : []))];
  return (
    <section aria-labelledby="fields-title">
      <h2 id="fields-title">Fields</h2>
      <p className="sr-only" role="status">
        {announce}
      </p>
      <ol className="form-fields">
        {fields.map((f, i) => {
          const name = f.label || f.key;
          const mapsTo = f.maps_to ?? "";
          const metadata = mapsTo.startsWith("metadata.");
          return (
            <li
              key={i}
              className={`form-field${dragging === i ? " dragging" : ""}`}
              draggable
              onDragStart={(e) => {
                e.dataTransfer.setData("text/x-field", String(i));
                setDragging(i);
              }}
              onDragEnd={() => setDragging(null)}
              onDragOver={(e) => e.preventDefault()}
              onDrop={(e) => {
                e.preventDefault();
                const from = Number(e.dataTransfer.getData("text/x-field"));
                setDragging(null);
                move(from, i);
              }}
              aria-label={`Field ${i + 1}: ${name}`}
            >
              <div className="inline tight">
                <label>
                  Label
                  <input value={f.label ?? ""} onChange={(e) => setField(i, { label: e.target.value })} maxLength={200} />
                </label>
                <label>
                  Key
                  <input value={f.key} onChange={(e) => setField(i, { key: e.target.value })} maxLength={64} size={12} pattern="[a-z][a-z0-9_]*" />
                </label>
                <label>
                  Type
                  <select value={f.type} onChange={(e) => setField(i, { type: e.target.value as FieldType })}>
                    {TYPES.map((t) => (
                      <option key={t}>{t}</option>
                    ))}
                  </select>
                </label>
                <label className="check">
                  <input type="checkbox" checked={!!f.required} onChange={(e) => setField(i, { required: e.target.checked })} /> Required
                </label>
              </div>
              <div className="inline tight">
                {f.type === "select" ? (
                  <label>
                    Options (comma-separated)
                    <input
                      value={(f.options ?? []).join(", ")}
                      onChange={(e) => setField(i, { options: e.target.value.split(",").map((o) => o.trim()).filter(Boolean) })}
                    />
                  </label>
                ) : null}
                {["text", "textarea", "email", "phone"].includes(f.type) ? (
                  <label>
                    Max length
                    <input type="number" min={1} max={10000} value={f.max_length ?? 1000} size={6} onChange={(e) => setField(i, { max_length: Number(e.target.value) })} />
                  </label>
                ) : null}
                <label>
                  Saves to
                  <select
                    value={metadata ? "metadata." : mapsTo}
                    onChange={(e) => setField(i, { maps_to: e.target.value === "metadata." ? `metadata.${f.key}` : e.target.value || null })}
                  >
                    {targets.map((t) => (
                      <option key={t} value={t}>
                        {t === "" ? "the submission only" : t}
                      </option>
                    ))}
                    <option value="metadata.">metadata…</option>
                  </select>
                </label>
                {metadata ? (
                  <label>
                    Metadata key
                    <input value={mapsTo.slice("metadata.".length)} onChange={(e) => setField(i, { maps_to: `metadata.${e.target.value}` })} size={10} />
                  </label>
                ) : null}
                <button type="button" aria-label={`Move ${name} up`} disabled={i === 0} onClick={() => move(i, i - 1)}>
                  ↑
                </button>
                <button type="button" aria-label={`Move ${name} down`} disabled={i === fields.length - 1} onClick={() => move(i, i + 1)}>
                  ↓
                </button>
                <button type="button" aria-label={`Remove ${name}`} onClick={() => onChange(fields.filter((_, j) => j !== i))}>
                  Remove
                </button>
              </div>
            </li>
          );
        })}
      </ol>
      <div className="inline tight" role="group" aria-label="Add a field">
        {TYPES.map((t) => (
          <button
            key={t}
            type="button"
            disabled={fields.length >= 50}
            onClick={() => onChange([...fields, { key: nextKey(fields, t), label: "", type: t, required: false, ...(t === "select" ? { options: [] } : {}) }])}
          >
            + {t}
          </button>
        ))}
      </div>
    </section>
  );
}

// What the public page will show, from the unsaved draft (the page itself is the server's).
function Preview({ draft }: { draft: Draft }) {
  return (
    <section className="card preview" aria-labelledby="preview-title">
      <h2 id="preview-title">Preview</h2>
      <p className="muted">As the public page shows it (not sent anywhere).</p>
      <h3>{draft.name || "Untitled form"}</h3>
      {draft.fields.map((f, i) => {
        const id = `preview-${i}`;
        const label = `${f.label || f.key}${f.required ? " *" : ""}`;
        if (f.type === "checkbox")
          return (
            <p key={i}>
              <label className="check">
                <input id={id} type="checkbox" tabIndex={-1} /> {label}
              </label>
            </p>
          );
        return (
          <p key={i} className="stack">
            <label htmlFor={id}>{label}</label>
            {f.type === "select" ? (
              <select id={id} tabIndex={-1}>
                <option value="" />
                {(f.options ?? []).map((o) => (
                  <option key={o}>{o}</option>
                ))}
              </select>
            ) : f.type === "textarea" ? (
              <textarea id={id} rows={3} tabIndex={-1} />
            ) : (
              <input id={id} tabIndex={-1} type={f.type === "phone" ? "tel" : ["email", "number", "date"].includes(f.type) ? f.type : "text"} />
            )}
          </p>
        );
      })}
      <button type="button" tabIndex={-1} disabled>
        Send
      </button>
    </section>
  );
}

function Submissions({ formId }: { formId: number }) {
  const subs = useQuery({
    queryKey: ["form-submissions", formId],
    queryFn: async () =>
      unwrap(
        await api.GET("/v1/forms/{id}/submissions", { params: { path: { id: formId }, query: { limit: 100, order: "desc" } } }),
      ).data,
  });
  return (
    <section aria-label="Submissions">
      <ErrorNotice error={subs.error} />
      {subs.data?.length === 0 ? <p className="empty">No submissions yet.</p> : null}
      {subs.data?.length ? (
        <table className="plain">
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Contact</th>
              <th scope="col">Values</th>
              <th scope="col">From</th>
            </tr>
          </thead>
          <tbody>
            {subs.data.map((s) => (
              <tr key={s.id}>
                <td>{new Date(s.created_at).toLocaleString()}</td>
                <td>{s.contact_id ? <Link href={`/app/contacts/${s.contact_id}`}>Contact {s.contact_id}</Link> : "–"}</td>
                <td>
                  {Object.entries(s.data)
                    .map(([k, v]) => `${k}: ${String(v)}`)
                    .join(" · ")}
                </td>
                <td>{s.referrer ?? s.ip ?? "–"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}
