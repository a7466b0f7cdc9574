// "Test run" under a workflow's editor: the unsaved source against a sample event, on the
// server's scratch store (POST /v1/workflows/test), so nothing of the team's data changes.
import { useState } from "react";
import { api, ApiError, unwrap, type Schemas } from "../api/console-client";
import type { paths } from "../api/schema";
import { ErrorNotice } from "../components/ErrorNotice";
import type { LineError } from "../components/LuaEditor";
import { lineOf } from "../lib/diff";
import { useAction } from "../lib/useAction";

type TestBody = paths["/v1/workflows/test"]["post"]["requestBody"]["content"]["application/json"];
type Run = Schemas["WorkflowTestRun"]["runs"][number];

const SAMPLE_FIXTURES = `[
  { "resource": "contacts", "items": [{ "name": "Test contact", "email": "test@example.com" }] }
]`;

// The first handler's event, or a created contact when it listens to a pattern.
function defaultEventType(workflow: Schemas["Workflow"]): string {
  const first = workflow.handlers[0];
  if (!first) return "contact.created";
  if (first.kind === "every") return "cron";
  return first.pattern.includes("*") ? first.pattern.replace("*", "created") : first.pattern;
}

function parseJson<T>(label: string, text: string): T {
  try {
    return JSON.parse(text) as T;
  } catch (e) {
    throw new Error(`${label} is not valid JSON: ${(e as Error).message}`);
  }
}

// What a run did: its actions, its crm.log lines and its error (shared with the run log).
export function RunDetails({ run }: { run: Pick<Run, "actions" | "log" | "error"> }) {
  return (
    <>
      {run.actions.length ? <div>{run.actions.map((a) => String(a["op"] ?? a["action"] ?? "action")).join(", ")}</div> : null}
      {run.log ? <pre className="run-log">{run.log}</pre> : null}
      {run.error ? <pre className="run-log overdue">{run.error}</pre> : null}
    </>
  );
}

export function WorkflowTestRun({
  workflow,
  source,
  onProblems,
}: {
  workflow: Schemas["Workflow"];
  source: string;
  onProblems: (problems: LineError[]) => void;
}) {
  const [eventType, setEventType] = useState(() => defaultEventType(workflow));
  const [contactId, setContactId] = useState("1");
  const [payload, setPayload] = useState("{}");
  const [fixtures, setFixtures] = useState(SAMPLE_FIXTURES);
  const [result, setResult] = useState<Schemas["WorkflowTestRun"] | null>(null);
  const { error, busy, run } = useAction();
  const testRun = () =>
    run(async () => {
      setResult(null);
      const body: TestBody = {
        name: workflow.name,
        source,
        event: {
          type: eventType,
          ...(contactId ? { contact_id: Number(contactId) } : {}),
          payload: parseJson<NonNullable<TestBody["event"]["payload"]>>("The payload", payload),
        },
        fixtures: parseJson<NonNullable<TestBody["fixtures"]>>("The fixtures", fixtures),
      };
      try {
        const r = unwrap(await api.POST("/v1/workflows/test", { body }));
        setResult(r);
        const failed = r.runs.map((x) => (x.error ? lineOf(x.error) : null)).filter((x): x is LineError => x !== null);
        onProblems(failed);
      } catch (e) {
        const at = e instanceof ApiError ? lineOf(e.message) : null;
        onProblems(at ? [at] : []);
        throw e;
      }
    });
  return (
    <section aria-labelledby="test-run-heading" className="test-run">
      <h2 id="test-run-heading">Test run</h2>
      <p className="muted">
        Runs the source above, saved or not, against one sample event on a scratch copy of Switchboard that starts empty and is
        loaded with your fixtures. Nothing of the team's data is read or changed and nothing is sent.
      </p>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void testRun();
        }}
      >
        <div className="inline">
          <label>
            Event type
            <input value={eventType} onChange={(e) => setEventType(e.target.value)} required maxLength={200} />
          </label>
          <label>
            Subject contact id (optional)
            <input value={contactId} onChange={(e) => setContactId(e.target.value)} inputMode="numeric" pattern="[0-9]*" />
          </label>
        </div>
        <label>
          Payload (JSON object)
          <textarea value={payload} onChange={(e) => setPayload(e.target.value)} rows={3} spellCheck={false} className="code" />
        </label>
        <label>
          Fixtures (JSON: records created through the API first, in order)
          <textarea value={fixtures} onChange={(e) => setFixtures(e.target.value)} rows={5} spellCheck={false} className="code" />
        </label>
        <div className="actions">
          <button type="submit" disabled={busy}>
            {busy ? "Running…" : "Test run"}
          </button>
        </div>
      </form>
      <ErrorNotice error={error} />
      {result ? (
        <div role="status" aria-label="Test run result">
          <p className={result.ok ? undefined : "overdue"}>
            {result.runs.length === 0
              ? "No handler ran for this event."
              : `${result.runs.length} run${result.runs.length === 1 ? "" : "s"}: ${result.ok ? "all succeeded" : "a handler failed"}.`}
          </p>
          <ol className="test-runs">
            {result.runs.map((r, i) => (
              <li key={i}>
                <strong>{r.handler}</strong> <span className={r.outcome === "ok" ? "muted" : "overdue"}>{r.outcome}</span>{" "}
                <span className="muted">{(r.duration_us / 1000).toFixed(1)} ms</span>
                <RunDetails run={r} />
              </li>
            ))}
          </ol>
        </div>
      ) : null}
    </section>
  );
}
