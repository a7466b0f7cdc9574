// Workflows (admins): the list with enabled and last run, dead letters with replay, and a
// workflow's page: the Lua editor (lazy-loaded) with Check, Save and Test run showing
// problems at their lines, the run log, and versions with a diff and restore.
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { lazy, Suspense, useMemo, useState } from "react";
import { api, ApiError, unwrap, type Schemas } from "../api/console-client";
import { navigate, useLocation, useTitle } from "../app/router";
import { ErrorNotice } from "../components/ErrorNotice";
import { Link } from "../components/Link";
import { relativeTime } from "../components/badges";
import type { LineError } from "../components/LuaEditor";
import { diffLines, lineOf } from "../lib/diff";
import { useAction } from "../lib/useAction";
import { RunDetails, WorkflowTestRun } from "./WorkflowTestRun";

const LuaEditor = lazy(() => import("../components/LuaEditor"));

const STARTER = `-- Runs for every new contact; see docs/lua-api.md for e and the crm.* functions.
on("contact.created", function(e)
  crm.log("new contact " .. tostring(e.contact.id))
end)
`;

export default function Workflows({ id }: { id: number | null }) {
  return id === null ? <WorkflowList /> : <WorkflowPage id={id} />;
}

function useLastRun(id: number) {
  return useQuery({
    queryKey: ["workflow-runs", id, "last"],
    queryFn: async () =>
      unwrap(await api.GET("/v1/workflows/{id}/runs", { params: { path: { id }, query: { limit: 1 } } })).data[0] ?? null,
  });
}

function LastRun({ id }: { id: number }) {
  const run = useLastRun(id);
  if (!run.data) return <span className="muted">never</span>;
  return (
    <span className={run.data.outcome === "ok" ? undefined : "overdue"}>
      {run.data.outcome} · {relativeTime(run.data.created_at)}
    </span>
  );
}

function WorkflowList() {
  const qc = useQueryClient();
  useTitle("Workflows");
  const list = useQuery({
    queryKey: ["workflows"],
    queryFn: async () => unwrap(await api.GET("/v1/workflows")).data,
  });
  const { error, busy, run } = useAction();
  const toggle = (w: Schemas["Workflow"]) =>
    run(async () => {
      const path = { params: { path: { id: w.id } } };
      unwrap(w.enabled ? await api.POST("/v1/workflows/{id}/disable", path) : await api.POST("/v1/workflows/{id}/enable", path));
      await qc.invalidateQueries({ queryKey: ["workflows"] });
    });
  const create = (form: FormData) =>
    run(async () => {
      const w = unwrap(
        await api.POST("/v1/workflows", { body: { name: String(form.get("name")), source: STARTER, enabled: false } }),
      );
      await qc.invalidateQueries({ queryKey: ["workflows"] });
      navigate(`/app/workflows/${w.id}`);
    });
  return (
    <main id="main" tabIndex={-1}>
      <h1>Workflows</h1>
      <form
        className="inline"
        onSubmit={(e) => {
          e.preventDefault();
          void create(new FormData(e.currentTarget));
        }}
      >
        <label>
          New workflow name
          <input name="name" required pattern="[a-z0-9_\-]{1,100}" title="lower-case letters, digits, - and _" />
        </label>
        <button type="submit" disabled={busy}>
          Create (disabled until you enable it)
        </button>
      </form>
      <ErrorNotice error={error ?? list.error} />
      {list.data?.length === 0 ? <p className="empty">No workflows yet.</p> : null}
      {list.data?.length ? (
        <table className="plain">
          <thead>
            <tr>
              <th scope="col">Workflow</th>
              <th scope="col">Handlers</th>
              <th scope="col">Version</th>
              <th scope="col">Last run</th>
              <th scope="col">State</th>
            </tr>
          </thead>
          <tbody>
            {list.data.map((w) => (
              <tr key={w.id} className={w.enabled ? undefined : "inactive"}>
                <td>
                  <Link href={`/app/workflows/${w.id}`}>{w.name}</Link>
                  {w.origin === "file" ? <span className="muted"> (file)</span> : null}
                  {w.last_error ? <div className="overdue">{w.last_error.split("\n")[0]}</div> : null}
                </td>
                <td>{w.handlers.map((h) => `${h.kind} ${h.pattern}`).join(", ") || "–"}</td>
                <td>{w.version}</td>
                <td>
                  <LastRun id={w.id} />
                </td>
                <td>
                  <button type="button" disabled={busy} onClick={() => void toggle(w)} aria-label={`${w.enabled ? "Disable" : "Enable"} ${w.name}`}>
                    {w.enabled ? "Enabled · disable" : "Disabled · enable"}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <DeadLetters />
    </main>
  );
}

function DeadLetters() {
  const qc = useQueryClient();
  const dead = useQuery({
    queryKey: ["dead-letters"],
    queryFn: async () => unwrap(await api.GET("/v1/dead-letters", { params: { query: { limit: 50 } } })).data,
  });
  const { error, busy, run } = useAction();
  const replay = (id: number) =>
    run(async () => {
      unwrap(await api.POST("/v1/dead-letters/{id}/replay", { params: { path: { id } } }));
      await qc.invalidateQueries({ queryKey: ["dead-letters"] });
    });
  return (
    <section aria-labelledby="dead-heading">
      <h2 id="dead-heading">Dead letters</h2>
      <p className="muted">Events a handler failed on after every retry. Replay one after fixing the workflow.</p>
      <ErrorNotice error={error ?? dead.error} />
      {dead.data?.length === 0 ? <p className="muted">None.</p> : null}
      {dead.data?.length ? (
        <table className="plain">
          <thead>
            <tr>
              <th scope="col">Event</th>
              <th scope="col">Subject</th>
              <th scope="col">Attempts</th>
              <th scope="col">Last error</th>
              <th scope="col">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {dead.data.map((e) => (
              <tr key={e.id}>
                <td>
                  {e.type} <span className="muted">#{e.id}</span>
                </td>
                <td>{e.subject_type ? `${e.subject_type} ${e.subject_id ?? ""}` : "–"}</td>
                <td>{e.attempts}</td>
                <td>{e.last_error?.split("\n")[0] ?? "–"}</td>
                <td>
                  <button type="button" disabled={busy} onClick={() => void replay(e.id)} aria-label={`Replay event ${e.id}`}>
                    Replay
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}

const TABS: [string, string][] = [
  ["source", "Source"],
  ["runs", "Run log"],
  ["versions", "Versions"],
];

function WorkflowPage({ id }: { id: number }) {
  const { search } = useLocation();
  const tab = new URLSearchParams(search).get("tab") ?? "source";
  const workflow = useQuery({
    queryKey: ["workflow", id],
    queryFn: async () => unwrap(await api.GET("/v1/workflows/{id}", { params: { path: { id } } })),
  });
  useTitle(workflow.data?.name ?? "Workflow");
  const w = workflow.data;
  return (
    <main id="main" tabIndex={-1}>
      <p>
        <Link href="/app/workflows">← Workflows</Link>
      </p>
      <div className="page-head">
        <h1>{w?.name ?? "Workflow"}</h1>
        {w ? (
          <span className="muted">
            version {w.version} · {w.enabled ? "enabled" : "disabled"} · {w.origin === "file" ? "from the workflows directory" : "edited here"}
          </span>
        ) : null}
      </div>
      <ErrorNotice error={workflow.error} />
      <nav aria-label="Workflow sections" className="tabs">
        {TABS.map(([key, label]) => (
          <Link key={key} href={`/app/workflows/${id}?tab=${key}`} aria-current={tab === key ? "page" : undefined}>
            {label}
          </Link>
        ))}
      </nav>
      {!w ? null : tab === "runs" ? <Runs id={id} /> : tab === "versions" ? <Versions workflow={w} /> : <Source key={w.version} workflow={w} />}
    </main>
  );
}

function Source({ workflow }: { workflow: Schemas["Workflow"] }) {
  const qc = useQueryClient();
  const [source, setSource] = useState(workflow.source);
  const [problems, setProblems] = useState<LineError[]>([]);
  const [verdict, setVerdict] = useState("");
  const { error, busy, run } = useAction();
  const readOnly = workflow.origin === "file";
  const check = () =>
    run(async () => {
      const r = unwrap(await api.POST("/v1/workflows/check", { body: { name: workflow.name, source } }));
      setProblems(r.problems);
      setVerdict(
        r.ok
          ? `No problems. Handlers: ${r.handlers.join(", ") || "none"}.`
          : `${r.problems.length} problem${r.problems.length === 1 ? "" : "s"}${r.loads ? "" : " (it does not load)"}.`,
      );
    });
  const save = () =>
    run(async () => {
      setVerdict("");
      try {
        unwrap(await api.PATCH("/v1/workflows/{id}", { params: { path: { id: workflow.id } }, body: { source } }));
        setProblems([]);
        setVerdict("Saved as a new version.");
        await qc.invalidateQueries({ queryKey: ["workflow", workflow.id] });
        void qc.invalidateQueries({ queryKey: ["workflows"] });
      } catch (e) {
        const at = e instanceof ApiError ? lineOf(e.message) : null;
        setProblems(at ? [at] : []);
        throw e;
      }
    });
  return (
    <section aria-label="Source">
      {readOnly ? (
        <p className="notice warn">This workflow comes from the server's workflows directory: change the file there.</p>
      ) : null}
      <Suspense fallback={<p className="loading">Loading the editor…</p>}>
        <LuaEditor value={workflow.source} onChange={setSource} errors={problems} label={`Lua source of ${workflow.name}`} />
      </Suspense>
      <div className="actions">
        <span role="status" className="muted">
          {verdict}
        </span>
        <button type="button" disabled={busy} onClick={() => void check()}>
          Check
        </button>
        {readOnly ? null : (
          <button type="button" className="primary" disabled={busy || source === workflow.source} onClick={() => void save()}>
            Save
          </button>
        )}
      </div>
      <ErrorNotice error={error} />
      {problems.length ? (
        <ul aria-label="Problems" className="problems">
          {problems.map((p, i) => (
            <li key={i}>
              {p.line ? `Line ${p.line}: ` : ""}
              {p.message}
            </li>
          ))}
        </ul>
      ) : null}
      <WorkflowTestRun workflow={workflow} source={source} onProblems={setProblems} />
    </section>
  );
}

function Runs({ id }: { id: number }) {
  const runs = useQuery({
    queryKey: ["workflow-runs", id],
    queryFn: async () => unwrap(await api.GET("/v1/workflows/{id}/runs", { params: { path: { id }, query: { limit: 100 } } })).data,
  });
  return (
    <section aria-label="Run log">
      <ErrorNotice error={runs.error} />
      {runs.data?.length === 0 ? <p className="empty">No runs yet.</p> : null}
      {runs.data?.length ? (
        <table className="plain">
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Event</th>
              <th scope="col">Handler</th>
              <th scope="col">Outcome</th>
              <th scope="col">Duration</th>
              <th scope="col">Actions, log and error</th>
            </tr>
          </thead>
          <tbody>
            {runs.data.map((r) => (
              <tr key={r.id}>
                <td>{new Date(r.created_at).toLocaleString()}</td>
                <td>
                  {r.event_type}
                  {r.event_id ? <span className="muted"> #{r.event_id}</span> : null}
                </td>
                <td>
                  {r.handler} <span className="muted">v{r.workflow_version}</span>
                </td>
                <td className={r.outcome === "ok" ? undefined : "overdue"}>{r.outcome}</td>
                <td>{(r.duration_us / 1000).toFixed(1)} ms</td>
                <td>
                  <RunDetails run={r} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}

function Versions({ workflow }: { workflow: Schemas["Workflow"] }) {
  const qc = useQueryClient();
  const [chosen, setChosen] = useState(Math.max(1, workflow.version - 1));
  const version = useQuery({
    queryKey: ["workflow-version", workflow.id, chosen],
    queryFn: async () =>
      unwrap(await api.GET("/v1/workflows/{id}/versions/{version}", { params: { path: { id: workflow.id, version: chosen } } })),
  });
  const diff = useMemo(() => (version.data ? diffLines(version.data.source, workflow.source) : []), [version.data, workflow.source]);
  const { error, busy, run } = useAction();
  const restore = () =>
    run(async () => {
      unwrap(await api.PATCH("/v1/workflows/{id}", { params: { path: { id: workflow.id } }, body: { source: version.data!.source } }));
      await qc.invalidateQueries({ queryKey: ["workflow", workflow.id] });
      navigate(`/app/workflows/${workflow.id}?tab=source`);
    });
  const versions = Array.from({ length: workflow.version }, (_, i) => workflow.version - i);
  return (
    <section aria-label="Versions">
      <div className="inline">
        <label>
          Compare version
          <select value={String(chosen)} onChange={(e) => setChosen(Number(e.target.value))}>
            {versions.map((v) => (
              <option key={v} value={String(v)}>
                {v === workflow.version ? `${v} (current)` : v}
              </option>
            ))}
          </select>
        </label>
        <span className="muted">with the current version {workflow.version}</span>
        {workflow.origin === "api" && chosen !== workflow.version ? (
          <button type="button" disabled={busy || !version.data} onClick={() => void restore()}>
            Restore version {chosen}
          </button>
        ) : null}
      </div>
      <ErrorNotice error={error ?? version.error} />
      <pre className="diff" aria-label={`Changes from version ${chosen} to ${workflow.version}`}>
        {diff.map((l, i) => (
          <div key={i} className={`diff-${l.kind}`}>
            {l.kind === "added" ? "+ " : l.kind === "removed" ? "- " : "  "}
            {l.text}
          </div>
        ))}
      </pre>
    </section>
  );
}
