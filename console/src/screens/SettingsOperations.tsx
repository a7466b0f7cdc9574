// Settings sections for running the CRM: SLA policies (targets per priority, business
// hours, time zone), native plugins (loaded and failed, counters, reload, run an action) and
// the audit log (filters in the URL, older pages on demand).
import { useInfiniteQuery, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { api, unwrap, type Schemas } from "../api/console-client";
import { navigate, useLocation } from "../app/router";
import { useSession } from "../app/session";
import { ErrorNotice } from "../components/ErrorNotice";
import { ActionForm } from "../components/forms";
import { useAction } from "../lib/useAction";

const PRIORITIES = ["urgent", "high", "normal", "low"] as const;
const DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

interface Target {
  first_response_minutes?: number;
  resolution_minutes?: number;
}
interface BusinessHours {
  time_zone: string;
  days: number[];
  start: string;
  end: string;
}

export function SlaPolicies() {
  const qc = useQueryClient();
  const policies = useQuery({
    queryKey: ["sla-policies"],
    queryFn: async () => unwrap(await api.GET("/v1/sla-policies", { params: { query: { limit: 100 } } })).data,
  });
  const { error, busy, run } = useAction();
  const add = (form: FormData) =>
    run(async () => {
      unwrap(
        await api.POST("/v1/sla-policies", {
          body: { name: String(form.get("name")), targets: { normal: { first_response_minutes: 480, resolution_minutes: 2880 } } },
        }),
      );
      await qc.invalidateQueries({ queryKey: ["sla-policies"] });
    });
  return (
    <section aria-labelledby="sla-heading">
      <h2 id="sla-heading">SLA policies</h2>
      <p className="muted">
        New tickets take their due times from the default policy; changing a ticket's priority computes them again.
      </p>
      <ErrorNotice error={error ?? policies.error} />
      {(policies.data ?? []).map((p) => (
        <SlaPolicyForm key={p.id} policy={p} />
      ))}
      <ActionForm onSubmit={add}>
        <label>
          New policy
          <input name="name" required maxLength={100} />
        </label>
        <button type="submit" disabled={busy}>
          Add policy
        </button>
      </ActionForm>
    </section>
  );
}

function SlaPolicyForm({ policy }: { policy: Schemas["SlaPolicy"] }) {
  const qc = useQueryClient();
  const { error, busy, run } = useAction();
  const [saved, setSaved] = useState(false);
  const targets = policy.targets as Record<string, Target>;
  const hours = policy.business_hours as BusinessHours | null;
  const save = (form: FormData) =>
    run(async () => {
      const nextTargets: Record<string, Target> = {};
      for (const p of PRIORITIES) {
        const first = String(form.get(`${p}-first`) ?? "");
        const resolve = String(form.get(`${p}-resolve`) ?? "");
        if (!first && !resolve) continue;
        nextTargets[p] = {
          ...(first ? { first_response_minutes: Number(first) } : {}),
          ...(resolve ? { resolution_minutes: Number(resolve) } : {}),
        };
      }
      const days = DAYS.map((_, i) => i + 1).filter((d) => form.get(`day-${d}`));
      const business_hours =
        form.get("around_the_clock") === "on"
          ? null
          : {
              time_zone: String(form.get("time_zone")),
              days,
              start: String(form.get("start")),
              end: String(form.get("end")),
            };
      unwrap(
        await api.PATCH("/v1/sla-policies/{id}", {
          params: { path: { id: policy.id } },
          body: {
            name: String(form.get("name")),
            is_default: form.get("is_default") === "on",
            targets: nextTargets,
            business_hours,
          },
        }),
      );
      setSaved(true);
      await qc.invalidateQueries({ queryKey: ["sla-policies"] });
    });
  const [clock, setClock] = useState(hours === null);
  return (
    <form
      className="card stack sla-policy"
      aria-label={`SLA policy ${policy.name}`}
      onSubmit={(e) => {
        e.preventDefault();
        setSaved(false);
        void save(new FormData(e.currentTarget));
      }}
    >
      <div className="inline">
        <label>
          Name
          <input name="name" defaultValue={policy.name} required maxLength={100} />
        </label>
        <label className="check">
          <input type="checkbox" name="is_default" defaultChecked={policy.is_default} /> Default policy
        </label>
      </div>
      <table className="plain">
        <caption className="sr-only">Targets in minutes per priority</caption>
        <thead>
          <tr>
            <th scope="col">Priority</th>
            <th scope="col">First response (minutes)</th>
            <th scope="col">Resolution (minutes)</th>
          </tr>
        </thead>
        <tbody>
          {PRIORITIES.map((p) => (
            <tr key={p}>
              <th scope="row">{p}</th>
              <td>
                <input
                  name={`${p}-first`}
                  aria-label={`${p} first response minutes`}
                  type="number"
                  min={1}
                  defaultValue={targets[p]?.first_response_minutes ?? ""}
                />
              </td>
              <td>
                <input
                  name={`${p}-resolve`}
                  aria-label={`${p} resolution minutes`}
                  type="number"
                  min={1}
                  defaultValue={targets[p]?.resolution_minutes ?? ""}
                />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <label className="check">
        <input type="checkbox" name="around_the_clock" checked={clock} onChange={(e) => setClock(e.target.checked)} /> Around
        the clock
      </label>
      {clock ? null : (
        <fieldset className="inline">
          <legend>Business hours</legend>
          <label>
            Time zone
            <input name="time_zone" defaultValue={hours?.time_zone ?? "UTC"} required placeholder="Europe/Madrid" />
          </label>
          <label>
            From
            <input name="start" type="time" defaultValue={hours?.start ?? "09:00"} required />
          </label>
          <label>
            To
            <input name="end" type="time" defaultValue={hours?.end ?? "17:00"} required />
          </label>
          {DAYS.map((d, i) => (
            <label key={d} className="check">
              <input type="checkbox" name={`day-${i + 1}`} defaultChecked={(hours?.days ?? [1, 2, 3, 4, 5]).includes(i + 1)} /> {d}
            </label>
          ))}
        </fieldset>
      )}
      <ErrorNotice error={error} />
      <div className="actions">
        <span className="save-state" role="status">
          {saved ? "Saved" : ""}
        </span>
        <button type="submit" className="primary" disabled={busy}>
          Save policy
        </button>
      </div>
    </form>
  );
}

export function Plugins() {
  const qc = useQueryClient();
  const { session } = useSession();
  const plugins = useQuery({ queryKey: ["plugins"], queryFn: async () => unwrap(await api.GET("/v1/plugins")) });
  const { error, busy, run } = useAction();
  const [result, setResult] = useState<string>("");
  const reload = () =>
    run(async () => {
      qc.setQueryData(["plugins"], unwrap(await api.POST("/v1/plugins/reload")));
    });
  const call = (form: FormData) =>
    run(async () => {
      setResult("");
      let input: Record<string, unknown>;
      try {
        input = JSON.parse(String(form.get("input") || "{}")) as Record<string, unknown>;
      } catch (e) {
        throw new Error(`The input is not JSON: ${(e as Error).message}`);
      }
      const r = unwrap(
        await api.POST("/v1/actions/{name}", { params: { path: { name: String(form.get("action")) } }, body: input }),
      );
      setResult(`${JSON.stringify(r.result, null, 2)}\n(${r.duration_us} µs)`);
      await qc.invalidateQueries({ queryKey: ["plugins"] });
    });
  const data = plugins.data;
  const actions = (data?.data ?? []).flatMap((p) => p.actions.map((a) => a.name));
  return (
    <section aria-labelledby="plugins-heading">
      <div className="page-head">
        <h2 id="plugins-heading">Plugins</h2>
        {session?.role === "owner" ? (
          <div className="actions">
            <button type="button" disabled={busy} onClick={() => void reload()}>
              Reload plugins
            </button>
          </div>
        ) : null}
      </div>
      <ErrorNotice error={error ?? plugins.error} />
      {data ? (
        <p className="muted">
          From {data.directory} · plugin API {data.api_version}
        </p>
      ) : null}
      {data && data.data.length === 0 && data.failed.length === 0 ? <p className="empty">No plugins installed.</p> : null}
      {data?.data.length ? (
        <table className="plain">
          <thead>
            <tr>
              <th scope="col">Plugin</th>
              <th scope="col">Provides</th>
              <th scope="col">Calls</th>
              <th scope="col">Errors</th>
              <th scope="col">Slow</th>
              <th scope="col">Last error</th>
            </tr>
          </thead>
          <tbody>
            {data.data.map((p) => (
              <tr key={p.name}>
                <td>
                  <strong>{p.name}</strong> {p.version}
                  <br />
                  <span className="muted">{p.description}</span>
                </td>
                <td>
                  {[
                    ...p.actions.map((a) => `action ${a.name}`),
                    ...p.subscribers.map((s) => `on ${s.pattern}`),
                    ...p.providers.map((v) => `${v.channel} provider ${v.name}`),
                    ...p.extractors.map((x) => `extractor ${x}`),
                  ].join(", ") || "–"}
                </td>
                <td>{p.stats.calls}</td>
                <td>{p.stats.errors}</td>
                <td>{p.stats.slow}</td>
                <td>{p.stats.last_error ?? "–"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {data?.failed.length ? (
        <>
          <h3>Failed to load</h3>
          <ul>
            {data.failed.map((f) => (
              <li key={f.file}>
                <strong>{f.name ?? f.file}</strong>: {f.error}
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {actions.length ? (
        <form
          className="stack"
          onSubmit={(e) => {
            e.preventDefault();
            void call(new FormData(e.currentTarget));
          }}
        >
          <h3>Run an action</h3>
          <label>
            Action
            <select name="action">
              {actions.map((a) => (
                <option key={a}>{a}</option>
              ))}
            </select>
          </label>
          <label>
            Input (JSON)
            <textarea name="input" rows={3} defaultValue="{}" spellCheck={false} />
          </label>
          <div className="actions">
            <button type="submit" disabled={busy}>
              Run
            </button>
          </div>
          {result ? (
            <pre aria-label="Action result" className="notice">
              {result}
            </pre>
          ) : null}
        </form>
      ) : null}
    </section>
  );
}

const ACTOR_TYPES = ["api_key", "user", "workflow", "plugin", "cli", "system"] as const;

export function AuditLog() {
  const { path, search } = useLocation();
  const params = new URLSearchParams(search);
  const filters = {
    actor_type: params.get("actor_type") ?? "",
    action: params.get("action") ?? "",
    subject_type: params.get("subject_type") ?? "",
    subject_id: params.get("subject_id") ?? "",
  };
  const apply = (form: FormData) => {
    const next = new URLSearchParams();
    for (const k of Object.keys(filters)) {
      const v = String(form.get(k) ?? "").trim();
      if (v) next.set(k, v);
    }
    const s = next.toString();
    navigate(`${path}${s ? `?${s}` : ""}`, { replace: true });
  };
  const query = {
    limit: 100,
    ...(filters.actor_type ? { actor_type: filters.actor_type as (typeof ACTOR_TYPES)[number] } : {}),
    ...(filters.action ? { action: filters.action } : {}),
    ...(filters.subject_type ? { subject_type: filters.subject_type } : {}),
    ...(filters.subject_id ? { subject_id: Number(filters.subject_id) } : {}),
  };
  const audit = useInfiniteQuery({
    queryKey: ["audit", query],
    initialPageParam: "",
    queryFn: async ({ pageParam }) =>
      unwrap(await api.GET("/v1/audit", { params: { query: { ...query, ...(pageParam ? { cursor: pageParam } : {}) } } })),
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
  const rows = audit.data?.pages.flatMap((p) => p.data) ?? [];
  return (
    <section aria-labelledby="audit-heading">
      <h2 id="audit-heading">Audit log</h2>
      <form
        className="filters"
        role="search"
        aria-label="Audit filters"
        key={search}
        onSubmit={(e) => {
          e.preventDefault();
          apply(new FormData(e.currentTarget));
        }}
      >
        <label>
          Who
          <select name="actor_type" defaultValue={filters.actor_type}>
            <option value="">Anyone</option>
            {ACTOR_TYPES.map((a) => (
              <option key={a} value={a}>
                {a.replace("_", " ")}
              </option>
            ))}
          </select>
        </label>
        <label>
          Action starts with
          <input name="action" defaultValue={filters.action} placeholder="PATCH /v1/contacts" />
        </label>
        <label>
          Subject type
          <input name="subject_type" defaultValue={filters.subject_type} placeholder="contact" size={10} />
        </label>
        <label>
          Subject id
          <input name="subject_id" type="number" min={1} defaultValue={filters.subject_id} size={8} />
        </label>
        <button type="submit">Filter</button>
      </form>
      <ErrorNotice error={audit.error} />
      {audit.data && rows.length === 0 ? <p className="empty">No entries match.</p> : null}
      {rows.length ? (
        <table className="plain">
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Who</th>
              <th scope="col">Action</th>
              <th scope="col">Subject</th>
              <th scope="col">Status</th>
              <th scope="col">From</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((e) => (
              <tr key={e.id}>
                <td>{new Date(e.at).toLocaleString()}</td>
                <td>
                  {e.actor.type.replace("_", " ")} {e.actor.id ?? ""}
                </td>
                <td>
                  <code>{e.action}</code>
                </td>
                <td>{e.subject_type ? `${e.subject_type} ${e.subject_id ?? ""}` : "–"}</td>
                <td>{e.status ?? "–"}</td>
                <td>{e.origin ?? "–"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {audit.hasNextPage ? (
        <button type="button" disabled={audit.isFetchingNextPage} onClick={() => void audit.fetchNextPage()}>
          Older entries
        </button>
      ) : null}
    </section>
  );
}
