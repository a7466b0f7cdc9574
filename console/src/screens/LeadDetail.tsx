// One lead: its fields (stage, value, owner, expected close, lost reason), its contact and
// account, and its activities (calls, emails, meetings, tasks with a due time, ticked done).
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { api, unwrap, type Schemas } from "../api/console-client";
import { useUsers } from "../api/queries";
import { useTitle } from "../app/router";
import { canWrite, useSession } from "../app/session";
import { ErrorNotice } from "../components/ErrorNotice";
import { ActionForm } from "../components/forms";
import { Link } from "../components/Link";
import { NamedOptions, UserOptions } from "../components/options";
import { formatAmounts } from "../lib/board";
import { useAction } from "../lib/useAction";

const ACTIVITY_TYPES = ["call", "email", "meeting", "task"] as const;

export default function LeadDetail({ id }: { id: number }) {
  const qc = useQueryClient();
  const { session } = useSession();
  const writer = canWrite(session);
  const users = useUsers();
  const lead = useQuery({
    queryKey: ["lead", id],
    queryFn: async () => unwrap(await api.GET("/v1/leads/{id}", { params: { path: { id } } })),
  });
  const pipeline = useQuery({
    queryKey: ["pipeline", lead.data?.pipeline_id],
    enabled: !!lead.data,
    queryFn: async () =>
      unwrap(await api.GET("/v1/pipelines/{id}", { params: { path: { id: lead.data!.pipeline_id } } })),
  });
  const contact = useQuery({
    queryKey: ["contact", lead.data?.contact_id],
    enabled: !!lead.data,
    queryFn: async () => unwrap(await api.GET("/v1/contacts/{id}", { params: { path: { id: lead.data!.contact_id } } })),
  });
  const { error, busy, run } = useAction();
  useTitle(lead.data?.title ?? "Lead");

  const save = (body: Schemas["LeadPatch"]) =>
    run(async () => {
      const updated = unwrap(await api.PATCH("/v1/leads/{id}", { params: { path: { id } }, body }));
      qc.setQueryData(["lead", id], updated);
      void qc.invalidateQueries({ queryKey: ["board", updated.pipeline_id] });
    });

  if (lead.error)
    return (
      <main id="main" tabIndex={-1}>
        <h1>Lead</h1>
        <ErrorNotice error={lead.error} />
      </main>
    );
  if (!lead.data) return <p className="loading">Loading…</p>;
  const l = lead.data;
  const stages = pipeline.data?.stages ?? [];
  const stage = stages.find((s) => s.id === l.stage_id);
  return (
    <main id="main" tabIndex={-1}>
      <p>
        <Link href={`/app/pipelines/${l.pipeline_id}`}>← {pipeline.data?.name ?? "Board"}</Link>
      </p>
      <div className="page-head">
        <h1>{l.title || `Lead ${l.id}`}</h1>
        <span className={`badge lead-${l.status}`}>{l.status}</span>
      </div>
      <div className="profile-grid">
        <section className="card" aria-labelledby="lead-fields">
          <h2 id="lead-fields">Details</h2>
          <fieldset disabled={!writer || busy} className="stack plain-fieldset">
            <label>
              Title
              <input
                key={l.updated_at}
                defaultValue={l.title ?? ""}
                maxLength={200}
                onBlur={(e) => e.target.value !== (l.title ?? "") && void save({ title: e.target.value })}
              />
            </label>
            <label>
              Stage
              <select value={String(l.stage_id)} onChange={(e) => void save({ stage_id: Number(e.target.value) })}>
                <NamedOptions items={stages} />
              </select>
            </label>
            <div className="inline">
              <label>
                Value
                <input
                  key={l.updated_at}
                  type="number"
                  min={0}
                  step="any"
                  defaultValue={l.value}
                  onBlur={(e) => Number(e.target.value) !== l.value && void save({ value: Number(e.target.value) })}
                />
              </label>
              <label>
                Currency
                <input
                  key={l.updated_at}
                  defaultValue={l.currency}
                  maxLength={3}
                  size={4}
                  onBlur={(e) =>
                    e.target.value.toUpperCase() !== l.currency && void save({ currency: e.target.value.toUpperCase() })
                  }
                />
              </label>
            </div>
            <label>
              Owner
              <select
                value={l.owner_id ? String(l.owner_id) : ""}
                onChange={(e) => void save({ owner_id: e.target.value ? Number(e.target.value) : null })}
              >
                <option value="">No owner</option>
                <UserOptions users={users.data} />
              </select>
            </label>
            <label>
              Expected close
              <input
                type="date"
                value={l.expected_close_date ?? ""}
                onChange={(e) => void save({ expected_close_date: e.target.value || null })}
              />
            </label>
            {stage?.is_lost ? (
              <label>
                Lost reason
                <input
                  key={l.updated_at}
                  defaultValue={l.lost_reason ?? ""}
                  maxLength={500}
                  onBlur={(e) => e.target.value !== (l.lost_reason ?? "") && void save({ lost_reason: e.target.value || null })}
                />
              </label>
            ) : null}
          </fieldset>
          <ErrorNotice error={error} />
          <dl>
            <dt>Contact</dt>
            <dd>
              <Link href={`/app/contacts/${l.contact_id}`}>{contact.data?.name ?? `Contact ${l.contact_id}`}</Link>
            </dd>
            <dt>Account</dt>
            <dd>{l.account_id ? <Link href={`/app/accounts/${l.account_id}`}>Account {l.account_id}</Link> : "–"}</dd>
            <dt>Value</dt>
            <dd>{formatAmounts({ [l.currency]: l.value })}</dd>
            <dt>In stage since</dt>
            <dd>{l.stage_entered_at ? new Date(l.stage_entered_at).toLocaleString() : "–"}</dd>
            {l.closed_at ? (
              <>
                <dt>Closed</dt>
                <dd>{new Date(l.closed_at).toLocaleString()}</dd>
              </>
            ) : null}
          </dl>
        </section>
        <Activities leadId={id} writer={writer} users={users.data} />
      </div>
    </main>
  );
}

function Activities({ leadId, writer, users }: { leadId: number; writer: boolean; users: Schemas["User"][] | undefined }) {
  const qc = useQueryClient();
  const key = ["activities", leadId];
  const list = useQuery({
    queryKey: key,
    queryFn: async () =>
      unwrap(
        await api.GET("/v1/leads/{id}/activities", { params: { path: { id: leadId }, query: { limit: 200, order: "desc" } } }),
      ).data,
  });
  const { error, busy, run } = useAction();
  const [type, setType] = useState<(typeof ACTIVITY_TYPES)[number]>("call");
  const act = (fn: () => Promise<unknown>) =>
    run(async () => {
      await fn();
      await qc.invalidateQueries({ queryKey: key });
    });
  const add = (form: FormData) =>
    act(async () => {
      const due = String(form.get("due_at") ?? "");
      unwrap(
        await api.POST("/v1/leads/{id}/activities", {
          params: { path: { id: leadId } },
          body: {
            type,
            subject: String(form.get("subject")),
            due_at: due ? new Date(due).toISOString() : null,
            owner_id: form.get("owner_id") ? Number(form.get("owner_id")) : null,
          },
        }),
      );
    });
  // The tick shows at once; the server's state replaces it when the list is refetched
  // (or the error shows and the box goes back).
  const [ticking, setTicking] = useState<Record<number, boolean>>({});
  const tick = (a: Schemas["LeadActivity"], done: boolean) => {
    setTicking((t) => ({ ...t, [a.id]: done }));
    return act(async () =>
      unwrap(
        await api.PATCH("/v1/leads/{id}/activities/{activity_id}", {
          params: { path: { id: leadId, activity_id: a.id } },
          body: { done },
        }),
      ),
    ).finally(() =>
      setTicking((t) => {
        const { [a.id]: _, ...rest } = t;
        return rest;
      }),
    );
  };
  const now = Date.now();
  return (
    <section className="card" aria-labelledby="activities">
      <h2 id="activities">Activities</h2>
      {writer ? (
        <ActionForm onSubmit={add}>
          <label>
            Type
            <select value={type} onChange={(e) => setType(e.target.value as typeof type)}>
              {ACTIVITY_TYPES.map((t) => (
                <option key={t}>{t}</option>
              ))}
            </select>
          </label>
          <label>
            Subject
            <input name="subject" required maxLength={200} />
          </label>
          <label>
            Due
            <input name="due_at" type="datetime-local" />
          </label>
          <label>
            Owner
            <select name="owner_id" defaultValue="">
              <option value="">Nobody</option>
              <UserOptions users={users} />
            </select>
          </label>
          <button type="submit" disabled={busy}>
            Add activity
          </button>
        </ActionForm>
      ) : null}
      <ErrorNotice error={error ?? list.error} />
      {list.data?.length === 0 ? <p className="muted">No activities yet.</p> : null}
      <ul className="timeline">
        {(list.data ?? []).map((a) => {
          const overdue = !a.done && a.due_at && Date.parse(a.due_at) < now;
          return (
            <li key={a.id}>
              <label className="check">
                <input type="checkbox" checked={ticking[a.id] ?? a.done} disabled={!writer} onChange={(e) => void tick(a, e.target.checked)} />
                <span>
                  <strong>{a.type}</strong> {a.subject}
                </span>
              </label>
              <span className={overdue ? "overdue" : "muted"}>
                {a.due_at ? `${overdue ? "Overdue: " : "Due "}${new Date(a.due_at).toLocaleString()}` : "No due time"}
                {a.owner_id ? ` · ${users?.find((u) => u.id === a.owner_id)?.name ?? ""}` : ""}
                {a.done && a.done_at ? ` · done ${new Date(a.done_at).toLocaleString()}` : ""}
              </span>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
