// Sequences (Messaging → Sequences): the list with status and enrolments, and a sequence's
// page: its steps (delay, channel, template; reordered with buttons), exit conditions,
// status, its stats, and its enrolments (enrol a contact, end an enrolment). Admins edit;
// agents enrol and end; viewers read.
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { api, unwrap, type Schemas } from "../api/console-client";
import { useContactNames, useSegments, useTemplates } from "../api/queries";
import { navigate, useTitle } from "../app/router";
import { canWrite, isAdmin, useSession } from "../app/session";
import { ContactPicker } from "../components/ContactPicker";
import { ErrorNotice } from "../components/ErrorNotice";
import { ActionForm } from "../components/forms";
import { Link } from "../components/Link";
import { useAction } from "../lib/useAction";

type Step = Schemas["SequenceStep"];
type Exit = Required<Schemas["SequenceExit"]>;
type Status = NonNullable<Schemas["SequenceInput"]["status"]>;

const STATUSES: Status[] = ["active", "paused", "archived"];
const DEFAULT_EXIT: Exit = { replied: true, stage_changed: false, unsubscribed: true, entered_segments: [] };
const EXIT_FLAGS: [keyof Omit<Exit, "entered_segments">, string][] = [
  ["replied", "The contact writes in a chat"],
  ["unsubscribed", "The contact unsubscribes or gets a do-not-contact entry"],
  ["stage_changed", "The contact's stage changes"],
];

export function Sequences() {
  const { session } = useSession();
  const sequences = useQuery({
    queryKey: ["sequences"],
    queryFn: async () => unwrap(await api.GET("/v1/sequences", { params: { query: { limit: 100 } } })).data,
  });
  return (
    <section aria-label="Sequences">
      {isAdmin(session) ? (
        <p>
          <Link href="/app/messaging/sequences/new" className="button primary">
            New sequence
          </Link>
        </p>
      ) : null}
      <ErrorNotice error={sequences.error} />
      {sequences.data?.length === 0 ? <p className="empty">No sequences yet.</p> : null}
      {sequences.data?.length ? (
        <table className="plain">
          <thead>
            <tr>
              <th scope="col">Sequence</th>
              <th scope="col">Steps</th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {sequences.data.map((s) => (
              <tr key={s.id} className={s.status === "active" ? undefined : "inactive"}>
                <td>
                  <Link href={`/app/messaging/sequences/${s.id}`}>{s.name}</Link>
                </td>
                <td>{s.steps.map((st) => `${st.delay} ${st.channel}`).join(" → ")}</td>
                <td>{s.status}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}

export function SequencePage({ id }: { id: number | "new" }) {
  const sequence = useQuery({
    queryKey: ["sequence", id],
    enabled: id !== "new",
    queryFn: async () => unwrap(await api.GET("/v1/sequences/{id}", { params: { path: { id: id as number } } })),
  });
  useTitle(id === "new" ? "New sequence" : (sequence.data?.name ?? "Sequence"));
  if (sequence.error) return <ErrorNotice error={sequence.error} />;
  if (id !== "new" && !sequence.data) return <p className="loading">Loading…</p>;
  return (
    <>
      <p>
        <Link href="/app/messaging/sequences">← Sequences</Link>
      </p>
      <SequenceEditor key={sequence.data?.updated_at ?? "new"} sequence={sequence.data ?? null} />
      {sequence.data ? <SequenceStats id={sequence.data.id} /> : null}
      {sequence.data ? <Enrollments id={sequence.data.id} /> : null}
    </>
  );
}

function SequenceEditor({ sequence }: { sequence: Schemas["Sequence"] | null }) {
  const qc = useQueryClient();
  const { session } = useSession();
  const templates = useTemplates();
  const segments = useSegments();
  const [name, setName] = useState(sequence?.name ?? "");
  const [description, setDescription] = useState(sequence?.description ?? "");
  const [status, setStatus] = useState<Status>((sequence?.status as Status | undefined) ?? "active");
  const [steps, setSteps] = useState<Step[]>(sequence?.steps ?? [{ delay: "0s", channel: "email", template_id: 0 }]);
  const [exit, setExit] = useState<Exit>({ ...DEFAULT_EXIT, ...sequence?.exit_on });
  const [saved, setSaved] = useState(false);
  const { error, busy, run } = useAction();
  const admin = isAdmin(session);
  const setStep = (i: number, change: Partial<Step>) => setSteps((all) => all.map((s, k) => (k === i ? { ...s, ...change } : s)));
  const move = (i: number, by: number) =>
    setSteps((all) => {
      const next = [...all];
      const [step] = next.splice(i, 1);
      next.splice(i + by, 0, step!);
      return next;
    });
  const save = () =>
    run(async () => {
      setSaved(false);
      const body = { name, description: description || null, steps, exit_on: exit, status };
      if (sequence) {
        qc.setQueryData(
          ["sequence", sequence.id],
          unwrap(await api.PATCH("/v1/sequences/{id}", { params: { path: { id: sequence.id } }, body })),
        );
        setSaved(true);
      } else {
        const created = unwrap(await api.POST("/v1/sequences", { body }));
        navigate(`/app/messaging/sequences/${created.id}`);
      }
      void qc.invalidateQueries({ queryKey: ["sequences"] });
    });
  return (
    <form
      aria-label="Sequence"
      className="stack"
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <fieldset disabled={!admin} className="plain-fieldset">
        <div className="inline">
          <label>
            Name
            <input value={name} onChange={(e) => setName(e.target.value)} required maxLength={200} />
          </label>
          <label>
            Status
            <select value={status} onChange={(e) => setStatus(e.target.value as Status)}>
              {STATUSES.map((s) => (
                <option key={s}>{s}</option>
              ))}
            </select>
          </label>
        </div>
        <label>
          Description
          <input value={description} onChange={(e) => setDescription(e.target.value)} maxLength={2000} />
        </label>
        <h2>Steps</h2>
        <p className="muted">Each delay counts from the previous step, or from enrolment for the first: 45s, 10m, 2h, 3d, 1w, 1h30m.</p>
        <ol className="steps">
          {steps.map((step, i) => {
            const label = `Step ${i + 1}`;
            return (
              <li key={i}>
                <fieldset className="inline tight">
                  <legend>{label}</legend>
                  <label>
                    {label}: delay
                    <input
                      value={step.delay}
                      onChange={(e) => setStep(i, { delay: e.target.value })}
                      required
                      pattern="([0-9]+[smhdw])+"
                      title="such as 0s, 2h, 3d, 1w or 1h30m"
                      size={8}
                    />
                  </label>
                  <label>
                    {label}: channel
                    <select value={step.channel} onChange={(e) => setStep(i, { channel: e.target.value as Step["channel"], template_id: 0 })}>
                      <option value="email">email</option>
                      <option value="sms">sms</option>
                    </select>
                  </label>
                  <label>
                    {label}: template
                    <select value={String(step.template_id)} onChange={(e) => setStep(i, { template_id: Number(e.target.value) })} required>
                      <option value="">Choose a template</option>
                      {(templates.data ?? [])
                        .filter((t) => t.channel === step.channel)
                        .map((t) => (
                          <option key={t.id} value={String(t.id)}>
                            {t.name}
                          </option>
                        ))}
                    </select>
                  </label>
                  <button type="button" disabled={i === 0} onClick={() => move(i, -1)} aria-label={`Move step ${i + 1} up`}>
                    ↑
                  </button>
                  <button type="button" disabled={i === steps.length - 1} onClick={() => move(i, 1)} aria-label={`Move step ${i + 1} down`}>
                    ↓
                  </button>
                  <button type="button" disabled={steps.length === 1} onClick={() => setSteps((all) => all.filter((_, k) => k !== i))}>
                    Remove step {i + 1}
                  </button>
                </fieldset>
              </li>
            );
          })}
        </ol>
        <button type="button" disabled={steps.length >= 50} onClick={() => setSteps((all) => [...all, { delay: "1d", channel: "email", template_id: 0 }])}>
          Add a step
        </button>
        <h2>Exit conditions</h2>
        <p className="muted">An enrolment ends early when:</p>
        {EXIT_FLAGS.map(([key, text]) => (
          <label key={key} className="check">
            <input type="checkbox" checked={exit[key]} onChange={(e) => setExit({ ...exit, [key]: e.target.checked })} />
            {text}
          </label>
        ))}
        <fieldset className="plain-fieldset">
          <legend>The contact enters one of these segments (a member receives nothing)</legend>
          {(segments.data ?? []).map((s) => (
            <label key={s.id} className="check">
              <input
                type="checkbox"
                checked={exit.entered_segments.includes(s.id)}
                onChange={(e) =>
                  setExit({
                    ...exit,
                    entered_segments: e.target.checked ? [...exit.entered_segments, s.id] : exit.entered_segments.filter((x) => x !== s.id),
                  })
                }
              />
              {s.name}
            </label>
          ))}
        </fieldset>
      </fieldset>
      <ErrorNotice error={error} />
      {admin ? (
        <div className="actions">
          <span role="status" className="muted">
            {saved ? "Saved" : ""}
          </span>
          <button type="submit" className="primary" disabled={busy}>
            {sequence ? "Save sequence" : "Create sequence"}
          </button>
        </div>
      ) : null}
    </form>
  );
}

function SequenceStats({ id }: { id: number }) {
  const stats = useQuery({
    queryKey: ["sequence-stats", id],
    queryFn: async () => unwrap(await api.GET("/v1/sequences/{id}/stats", { params: { path: { id } } })),
  });
  const s = stats.data;
  return (
    <section aria-labelledby="seq-stats-title" className="card">
      <h2 id="seq-stats-title">Results</h2>
      <ErrorNotice error={stats.error} />
      {s ? (
        <dl>
          <dt>Enrolled</dt>
          <dd>{s.enrolled}</dd>
          <dt>Active</dt>
          <dd>{s.active}</dd>
          <dt>Completed</dt>
          <dd>{s.completed}</dd>
          <dt>Exited</dt>
          <dd>
            {s.exited}
            {Object.keys(s.exited_by_reason).length
              ? ` (${Object.entries(s.exited_by_reason)
                  .map(([reason, n]) => `${reason}: ${n}`)
                  .join(", ")})`
              : ""}
          </dd>
          <dt>Messages</dt>
          <dd>
            {Object.entries(s.messages_by_status)
              .map(([status, n]) => `${status}: ${n}`)
              .join(", ") || "none yet"}
          </dd>
        </dl>
      ) : null}
    </section>
  );
}

function Enrollments({ id }: { id: number }) {
  const qc = useQueryClient();
  const { session } = useSession();
  const [status, setStatus] = useState("");
  const enrollments = useQuery({
    queryKey: ["sequence-enrollments", id, status],
    queryFn: async () =>
      unwrap(
        await api.GET("/v1/sequences/{id}/enrollments", {
          params: { path: { id }, query: { limit: 100, ...(status ? { status: status as "active" | "completed" | "exited" } : {}) } },
        }),
      ).data,
  });
  const names = useContactNames((enrollments.data ?? []).map((e) => e.contact_id));
  const { error, busy, run } = useAction();
  const refresh = () =>
    Promise.all([
      qc.invalidateQueries({ queryKey: ["sequence-enrollments", id] }),
      qc.invalidateQueries({ queryKey: ["sequence-stats", id] }),
    ]);
  const enrol = (form: FormData) =>
    run(async () => {
      unwrap(await api.POST("/v1/sequences/{id}/enrollments", { params: { path: { id } }, body: { contact_id: Number(form.get("contact_id")) } }));
      await refresh();
    });
  const end = (contactId: number) =>
    run(async () => {
      unwrap(await api.DELETE("/v1/sequences/{id}/enrollments/{contact_id}", { params: { path: { id, contact_id: contactId } } }));
      await refresh();
    });
  const writer = canWrite(session);
  return (
    <section aria-labelledby="enrollments-title">
      <h2 id="enrollments-title">Enrolments</h2>
      {writer ? (
        <ActionForm onSubmit={enrol} label="Enrol a contact">
          <ContactPicker />
          <button type="submit" disabled={busy}>
            Enrol
          </button>
        </ActionForm>
      ) : null}
      <label>
        Show
        <select value={status} onChange={(e) => setStatus(e.target.value)}>
          <option value="">all enrolments</option>
          <option value="active">active</option>
          <option value="completed">completed</option>
          <option value="exited">exited</option>
        </select>
      </label>
      <ErrorNotice error={error ?? enrollments.error} />
      {enrollments.data?.length === 0 ? <p className="muted">Nobody is enrolled.</p> : null}
      {enrollments.data?.length ? (
        <table className="plain">
          <thead>
            <tr>
              <th scope="col">Contact</th>
              <th scope="col">Status</th>
              <th scope="col">Steps done</th>
              <th scope="col">Next step</th>
              <th scope="col">Exit reason</th>
              <th scope="col">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {enrollments.data.map((e) => {
              const who = names.data?.get(e.contact_id) ?? `Contact ${e.contact_id}`;
              return (
                <tr key={e.id}>
                  <td>
                    <Link href={`/app/contacts/${e.contact_id}`}>{who}</Link>
                    {e.run > 1 ? <span className="muted"> (run {e.run})</span> : null}
                  </td>
                  <td>{e.status}</td>
                  <td>{e.steps_done}</td>
                  <td>{e.next_step_at ? new Date(e.next_step_at).toLocaleString() : "–"}</td>
                  <td>{e.exit_reason ?? "–"}</td>
                  <td>
                    {writer && e.status === "active" ? (
                      <button type="button" disabled={busy} onClick={() => void end(e.contact_id)} aria-label={`End the enrolment of ${who}`}>
                        End
                      </button>
                    ) : null}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}
