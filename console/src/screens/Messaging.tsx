// Messaging: templates (editor with the variables, a rendered preview for a sample or a
// chosen contact, an SMS's segment count), campaigns (audience a segment or a rule built
// here, with its count; throttle, send now or at a time, live progress, pause, resume,
// cancel, stats, recipients), sequences (Sequences.tsx: steps, exit conditions,
// enrolments), and the messaging settings.
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { api, unwrap, type Schemas } from "../api/console-client";
import { useMessagingSettings, useSegments, useTemplates } from "../api/queries";
import { navigate, useLocation, useTitle } from "../app/router";
import { isAdmin, useSession } from "../app/session";
import { ErrorNotice } from "../components/ErrorNotice";
import { NamedOptions } from "../components/options";
import { FormDialog } from "../components/forms";
import { EMPTY_RULE, GroupEditor, useFieldCatalogue, useRuleCount, type RuleGroup } from "../components/RuleBuilder";
import { Link } from "../components/Link";
import { smsSegments } from "../lib/sms";
import { useAction } from "../lib/useAction";
import { SequencePage, Sequences } from "./Sequences";

const SECTIONS: [string, string][] = [
  ["campaigns", "Campaigns"],
  ["templates", "Templates"],
  ["sequences", "Sequences"],
  ["settings", "Settings"],
];

export default function Messaging() {
  const { path } = useLocation();
  const [, , , section = "campaigns", id] = path.split("/");
  useTitle("Messaging");
  return (
    <main id="main" tabIndex={-1}>
      <h1>Messaging</h1>
      <nav aria-label="Messaging sections" className="tabs">
        {SECTIONS.map(([key, label]) => (
          <Link key={key} href={`/app/messaging/${key}`} aria-current={section === key ? "page" : undefined}>
            {label}
          </Link>
        ))}
      </nav>
      {section === "templates" ? (
        id ? <TemplateEditor id={Number(id)} /> : <Templates />
      ) : section === "sequences" ? (
        id ? <SequencePage id={id === "new" ? "new" : Number(id)} /> : <Sequences />
      ) : section === "settings" ? (
        <MessagingSettings />
      ) : id ? (
        <CampaignPage id={Number(id)} />
      ) : (
        <Campaigns />
      )}
    </main>
  );
}

function Templates() {
  const { session } = useSession();
  const templates = useTemplates();
  const qc = useQueryClient();
  const create = async (form: FormData) => {
    const channel = String(form.get("channel")) as "email" | "sms";
    const t = unwrap(
      await api.POST("/v1/templates", {
        body: {
          name: String(form.get("name")),
          channel,
          ...(channel === "email"
            ? { subject: "Hello {{ contact.first_name | default: \"there\" }}", text: "Hi {{ contact.first_name | default: \"there\" }}," }
            : { text: "Hi {{ contact.first_name | default: \"there\" }}" }),
        },
      }),
    );
    await qc.invalidateQueries({ queryKey: ["templates"] });
    navigate(`/app/messaging/templates/${t.id}`);
  };
  return (
    <section aria-label="Templates">
      {isAdmin(session) ? (
        <FormDialog title="New template" openLabel="New template" submitLabel="Create template" primary onSubmit={create}>
          <label>
            Name
            <input name="name" required maxLength={100} />
          </label>
          <label>
            Channel
            <select name="channel" defaultValue="email">
              <option value="email">email</option>
              <option value="sms">sms</option>
            </select>
          </label>
        </FormDialog>
      ) : null}
      <ErrorNotice error={templates.error} />
      {templates.data?.length === 0 ? <p className="empty">No templates yet.</p> : null}
      <ul>
        {(templates.data ?? []).map((t) => (
          <li key={t.id}>
            <Link href={`/app/messaging/templates/${t.id}`}>{t.name}</Link> <span className="muted">({t.channel})</span>
          </li>
        ))}
      </ul>
    </section>
  );
}

const VARIABLES = [
  "contact.name",
  "contact.first_name",
  "contact.email",
  "contact.phone",
  "contact.status",
  "contact.stage",
  "contact.custom.<key>",
  "contact.metadata.<key>",
  "vars.<name>",
  "unsubscribe_url",
];

function TemplateEditor({ id }: { id: number }) {
  const qc = useQueryClient();
  const { session } = useSession();
  const template = useQuery({
    queryKey: ["template", id],
    queryFn: async () => unwrap(await api.GET("/v1/templates/{id}", { params: { path: { id } } })),
  });
  const [draft, setDraft] = useState<{ subject: string; html: string; text: string } | null>(null);
  const [contactId, setContactId] = useState("");
  useEffect(() => {
    if (template.data && !draft)
      setDraft({ subject: template.data.subject ?? "", html: template.data.html ?? "", text: template.data.text ?? "" });
  }, [template.data, draft]);
  // The preview renders what is saved: saving comes first (and checks every part).
  const preview = useQuery({
    queryKey: ["template-preview", id, template.data?.updated_at, contactId],
    enabled: !!template.data,
    queryFn: async () =>
      unwrap(
        await api.POST("/v1/templates/{id}/preview", {
          params: { path: { id } },
          body: contactId ? { contact_id: Number(contactId) } : {},
        }),
      ),
  });
  const { error, busy, run } = useAction();
  const [saved, setSaved] = useState(false);
  useTitle(template.data?.name ?? "Template");
  if (template.error) return <ErrorNotice error={template.error} />;
  if (!template.data || !draft) return <p className="loading">Loading…</p>;
  const t = template.data;
  const email = t.channel === "email";
  const save = () =>
    run(async () => {
      setSaved(false);
      const body = email ? { subject: draft.subject, html: draft.html || null, text: draft.text || null } : { text: draft.text };
      qc.setQueryData(["template", id], unwrap(await api.PATCH("/v1/templates/{id}", { params: { path: { id } }, body })));
      setSaved(true);
    });
  const sms = smsSegments(draft.text);
  return (
    <section aria-label={`Template ${t.name}`}>
      <p>
        <Link href="/app/messaging/templates">← Templates</Link>
      </p>
      <h2>
        {t.name} <span className="muted">({t.channel})</span>
      </h2>
      <p className="muted">
        Variables: {VARIABLES.map((v) => `{{ ${v} }}`).join(", ")}; filters <code>| default: "…"</code>, <code>| upcase</code>,{" "}
        <code>| downcase</code>, <code>| capitalize</code>.
      </p>
      <div className="builder">
        <fieldset className="stack plain-fieldset" disabled={!isAdmin(session)}>
          {email ? (
            <>
              <label>
                Subject
                <input value={draft.subject} onChange={(e) => setDraft({ ...draft, subject: e.target.value })} maxLength={998} />
              </label>
              <label>
                HTML
                <textarea rows={8} value={draft.html} onChange={(e) => setDraft({ ...draft, html: e.target.value })} spellCheck={false} />
              </label>
            </>
          ) : null}
          <label>
            {email ? "Plain text" : "Text"}
            <textarea rows={email ? 6 : 4} value={draft.text} onChange={(e) => setDraft({ ...draft, text: e.target.value })} />
          </label>
          {email ? null : (
            <p role="status" aria-label="SMS length">
              {sms.units} {sms.encoding} units · {sms.segments} segment{sms.segments === 1 ? "" : "s"} (before variables)
            </p>
          )}
          <div className="actions">
            <span className="save-state">{saved ? "Saved" : ""}</span>
            <button type="button" className="primary" disabled={busy} onClick={() => void save()}>
              Save and preview
            </button>
          </div>
          <ErrorNotice error={error} />
        </fieldset>
        <section className="card" aria-labelledby="template-preview">
          <h3 id="template-preview">Preview</h3>
          <label>
            For contact id (empty: a sample contact)
            <input value={contactId} onChange={(e) => setContactId(e.target.value.replace(/\D/g, ""))} inputMode="numeric" size={8} />
          </label>
          <ErrorNotice error={preview.error} />
          {preview.data ? (
            <div className="stack">
              {email ? (
                <p>
                  <strong>{preview.data.subject}</strong>
                  <br />
                  <span className="muted">
                    From {preview.data.from} to {preview.data.to ?? "(sample)"}
                  </span>
                </p>
              ) : null}
              {email && preview.data.html ? (
                // Rendered in a sandboxed frame: no script, no same-origin access.
                <iframe className="email-preview" title="HTML preview" sandbox="" srcDoc={preview.data.html} />
              ) : null}
              <pre className="run-log" aria-label="Text preview">
                {preview.data.text}
              </pre>
              {email ? null : <p className="muted">Rendered: {smsSegments(preview.data.text).segments} segment(s)</p>}
            </div>
          ) : null}
        </section>
      </div>
    </section>
  );
}

function Campaigns() {
  const { session } = useSession();
  const campaigns = useQuery({
    queryKey: ["campaigns"],
    queryFn: async () => unwrap(await api.GET("/v1/campaigns", { params: { query: { limit: 100, order: "desc" } } })).data,
  });
  return (
    <section aria-label="Campaigns">
      {isAdmin(session) ? <NewCampaign /> : null}
      <ErrorNotice error={campaigns.error} />
      {campaigns.data?.length === 0 ? <p className="empty">No campaigns yet.</p> : null}
      {campaigns.data?.length ? (
        <table className="plain">
          <thead>
            <tr>
              <th scope="col">Campaign</th>
              <th scope="col">Channel</th>
              <th scope="col">Status</th>
              <th scope="col">Scheduled</th>
            </tr>
          </thead>
          <tbody>
            {campaigns.data.map((c) => (
              <tr key={c.id}>
                <td>
                  <Link href={`/app/messaging/campaigns/${c.id}`}>{c.name}</Link>
                </td>
                <td>{c.channel}</td>
                <td>{c.status}</td>
                <td>{c.scheduled_at ? new Date(c.scheduled_at).toLocaleString() : "–"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}

// The audience is a saved segment, or a rule built here (the campaign keeps the rule).
function NewCampaign() {
  const qc = useQueryClient();
  const templates = useTemplates();
  const segments = useSegments();
  const fields = useFieldCatalogue();
  const [by, setBy] = useState<"segment" | "rule">("segment");
  const [segment, setSegment] = useState("");
  const [tree, setTree] = useState<RuleGroup>(EMPTY_RULE);
  const { rule, preview } = useRuleCount(by === "rule" ? tree : null, fields);
  const count = useQuery({
    queryKey: ["segment-count", Number(segment)],
    enabled: by === "segment" && !!segment,
    queryFn: async () => unwrap(await api.GET("/v1/segments/{id}/count", { params: { path: { id: Number(segment) } } })).count,
  });
  const audience = by === "segment" ? (segment ? count.data : undefined) : preview.data?.count;
  const create = async (form: FormData) => {
    const template = templates.data?.find((t) => t.id === Number(form.get("template_id")));
    if (!template) throw new Error("Choose a template");
    const throttle = Number(form.get("throttle") || 0);
    const c = unwrap(
      await api.POST("/v1/campaigns", {
        body: {
          name: String(form.get("name")),
          channel: template.channel,
          template_id: template.id,
          ...(by === "segment" ? { segment_id: Number(segment) } : { filter: rule as Schemas["FilterRule"] }),
          ...(throttle ? { throttle_per_minute: throttle } : {}),
        },
      }),
    );
    await qc.invalidateQueries({ queryKey: ["campaigns"] });
    navigate(`/app/messaging/campaigns/${c.id}`);
  };
  return (
    <FormDialog title="New campaign" openLabel="New campaign" submitLabel="Create draft" primary onSubmit={create}>
      <label>
        Name
        <input name="name" required maxLength={200} />
      </label>
      <label>
        Template
        <select name="template_id" required>
          {(templates.data ?? []).map((t) => (
            <option key={t.id} value={String(t.id)}>
              {t.name} ({t.channel})
            </option>
          ))}
        </select>
      </label>
      <fieldset className="plain-fieldset">
        <legend>Audience</legend>
        <label className="check">
          <input type="radio" name="audience" checked={by === "segment"} onChange={() => setBy("segment")} /> A segment
        </label>
        <label className="check">
          <input type="radio" name="audience" checked={by === "rule"} onChange={() => setBy("rule")} /> Contacts matching a rule
        </label>
      </fieldset>
      {by === "segment" ? (
        <label>
          Audience (segment)
          <select value={segment} onChange={(e) => setSegment(e.target.value)} required>
            <option value="">Choose a segment</option>
            <NamedOptions items={segments.data} />
          </select>
        </label>
      ) : (
        <section aria-label="Audience rule" className="rule">
          <GroupEditor node={tree} onChange={(n) => n.kind === "group" && setTree(n)} fields={fields} depth={0} path="Audience rule" />
        </section>
      )}
      {by === "rule" || segment ? (
        <p role="status">{audience === undefined ? "Counting…" : `${audience} contact${audience === 1 ? "" : "s"} in the audience now`}</p>
      ) : null}
      <label>
        At most per minute (optional)
        <input name="throttle" type="number" min={1} />
      </label>
    </FormDialog>
  );
}

const LIVE = ["scheduled", "sending"];

function CampaignPage({ id }: { id: number }) {
  const qc = useQueryClient();
  const { session } = useSession();
  const campaign = useQuery({
    queryKey: ["campaign", id],
    queryFn: async () => unwrap(await api.GET("/v1/campaigns/{id}", { params: { path: { id } } })),
    refetchInterval: (q) => (q.state.data && LIVE.includes(q.state.data.status) ? 2000 : false),
  });
  const live = !!campaign.data && LIVE.includes(campaign.data.status);
  const stats = useQuery({
    queryKey: ["campaign-stats", id],
    queryFn: async () => unwrap(await api.GET("/v1/campaigns/{id}/stats", { params: { path: { id } } })),
    refetchInterval: live ? 2000 : false,
  });
  const recipients = useQuery({
    queryKey: ["campaign-recipients", id],
    queryFn: async () => unwrap(await api.GET("/v1/campaigns/{id}/recipients", { params: { path: { id }, query: { limit: 100 } } })).data,
    refetchInterval: live ? 2000 : false,
  });
  const { error, busy, run } = useAction();
  const [at, setAt] = useState("");
  useTitle(campaign.data?.name ?? "Campaign");
  const act = (action: "pause" | "resume" | "cancel") =>
    run(async () => {
      const path = { params: { path: { id } } };
      const c = unwrap(
        action === "pause"
          ? await api.POST("/v1/campaigns/{id}/pause", path)
          : action === "resume"
            ? await api.POST("/v1/campaigns/{id}/resume", path)
            : await api.POST("/v1/campaigns/{id}/cancel", path),
      );
      qc.setQueryData(["campaign", id], c);
      void qc.invalidateQueries({ queryKey: ["campaign-stats", id] });
    });
  const schedule = () =>
    run(async () => {
      const c = unwrap(
        await api.POST("/v1/campaigns/{id}/schedule", {
          params: { path: { id } },
          body: at ? { at: new Date(at).toISOString() } : {},
        }),
      );
      qc.setQueryData(["campaign", id], c);
      void qc.invalidateQueries({ queryKey: ["campaigns"] });
    });
  if (campaign.error) return <ErrorNotice error={campaign.error} />;
  if (!campaign.data) return <p className="loading">Loading…</p>;
  const c = campaign.data;
  const s = stats.data;
  const admin = isAdmin(session);
  const done = s ? s.sent + s.failed + s.skipped : 0;
  return (
    <section aria-label={`Campaign ${c.name}`}>
      <p>
        <Link href="/app/messaging/campaigns">← Campaigns</Link>
      </p>
      <div className="page-head">
        <h2>{c.name}</h2>
        <span className="badge">{c.status}</span>
        {admin ? (
          <div className="actions">
            {c.status === "draft" ? (
              <>
                <label>
                  <span className="sr-only">Send at (empty: now)</span>
                  <input type="datetime-local" value={at} onChange={(e) => setAt(e.target.value)} />
                </label>
                <button type="button" className="primary" disabled={busy} onClick={() => void schedule()}>
                  {at ? "Schedule" : "Send now"}
                </button>
              </>
            ) : null}
            {LIVE.includes(c.status) ? (
              <button type="button" disabled={busy} onClick={() => void act("pause")}>
                Pause
              </button>
            ) : null}
            {c.status === "paused" ? (
              <button type="button" disabled={busy} onClick={() => void act("resume")}>
                Resume
              </button>
            ) : null}
            {["draft", ...LIVE, "paused"].includes(c.status) ? (
              <button type="button" className="danger" disabled={busy} onClick={() => void act("cancel")}>
                Cancel campaign
              </button>
            ) : null}
          </div>
        ) : null}
      </div>
      <ErrorNotice error={error ?? stats.error} />
      {s ? (
        <>
          <label className="stack">
            Progress: {done} of {s.targeted} done
            <progress max={Math.max(1, s.targeted)} value={done} />
          </label>
          <div className="stats" aria-label="Campaign stats">
            {(
              [
                ["sent", s.sent],
                ["failed", s.failed],
                ["skipped", s.skipped],
                ["pending", s.pending],
                ["opened", s.opened],
                ["clicked", s.clicked],
                ["unsubscribed", s.unsubscribed],
              ] as const
            ).map(([label, n]) => (
              <div className="stat" key={label}>
                <span className="stat-value">{n}</span>
                <span className="stat-label">{label}</span>
              </div>
            ))}
          </div>
          {Object.keys(s.skipped_by_reason).length ? (
            <p className="muted">
              Skipped: {Object.entries(s.skipped_by_reason).map(([r, n]) => `${r} ${n}`).join(", ")}
            </p>
          ) : null}
        </>
      ) : null}
      <h3>Recipients</h3>
      <table className="plain">
        <thead>
          <tr>
            <th scope="col">Contact</th>
            <th scope="col">Address</th>
            <th scope="col">Status</th>
            <th scope="col">Sent</th>
            <th scope="col">Reason</th>
          </tr>
        </thead>
        <tbody>
          {(recipients.data ?? []).map((r) => (
            <tr key={r.contact_id}>
              <td>
                <Link href={`/app/contacts/${r.contact_id}`}>Contact {r.contact_id}</Link>
              </td>
              <td>{r.address ?? "–"}</td>
              <td>{r.status}</td>
              <td>{r.sent_at ? new Date(r.sent_at).toLocaleString() : "–"}</td>
              <td>{r.reason ?? "–"}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function MessagingSettings() {
  const qc = useQueryClient();
  const { session } = useSession();
  const settings = useMessagingSettings();
  const { error, busy, run } = useAction();
  const [saved, setSaved] = useState(false);
  if (!settings.data) return <ErrorNotice error={settings.error} />;
  const st = settings.data;
  const save = (form: FormData) =>
    run(async () => {
      setSaved(false);
      const quietStart = String(form.get("quiet_start") || "");
      const quietEnd = String(form.get("quiet_end") || "");
      const cap = Number(form.get("cap_messages") || 0);
      const rate = Number(form.get("per_minute") || 0);
      const next = unwrap(
        await api.PUT("/v1/settings/messaging", {
          body: {
            from_name: String(form.get("from_name")),
            from_address: String(form.get("from_address")),
            time_zone: String(form.get("time_zone")),
            ...(quietStart && quietEnd ? { quiet_hours: { start: quietStart, end: quietEnd } } : {}),
            ...(cap ? { frequency_cap: { messages: cap, hours: Number(form.get("cap_hours") || 24) } } : {}),
            ...(rate ? { send_rate: { per_minute: rate } } : {}),
          },
        }),
      );
      qc.setQueryData(["messaging-settings"], next);
      setSaved(true);
    });
  return (
    <form
      className="stack"
      aria-label="Messaging settings"
      onSubmit={(e) => {
        e.preventDefault();
        void save(new FormData(e.currentTarget));
      }}
    >
      <fieldset className="stack plain-fieldset" disabled={!isAdmin(session)}>
        <div className="inline">
          <label>
            From name
            <input name="from_name" defaultValue={st.from_name} maxLength={200} required />
          </label>
          <label>
            From address
            <input name="from_address" type="email" defaultValue={st.from_address} required />
          </label>
          <label>
            Time zone
            <input name="time_zone" defaultValue={st.time_zone} required />
          </label>
        </div>
        <div className="inline">
          <label>
            Quiet from
            <input name="quiet_start" type="time" defaultValue={st.quiet_hours?.start ?? ""} />
          </label>
          <label>
            Quiet until
            <input name="quiet_end" type="time" defaultValue={st.quiet_hours?.end ?? ""} />
          </label>
          <label>
            At most messages per contact
            <input name="cap_messages" type="number" min={1} defaultValue={st.frequency_cap?.messages ?? ""} />
          </label>
          <label>
            Within hours
            <input name="cap_hours" type="number" min={1} defaultValue={st.frequency_cap?.hours ?? 24} />
          </label>
          <label>
            Team send rate per minute
            <input name="per_minute" type="number" min={1} defaultValue={st.send_rate?.per_minute ?? ""} />
          </label>
        </div>
        <div className="actions">
          <span className="save-state" role="status">
            {saved ? "Saved" : ""}
          </span>
          <button type="submit" className="primary" disabled={busy}>
            Save settings
          </button>
        </div>
      </fieldset>
      <ErrorNotice error={error} />
    </form>
  );
}
