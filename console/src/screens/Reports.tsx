// Reports: new contacts, conversations, response times, tickets, bookings, campaign engagement and (admins)
// workflow runs per day, week or month in the team's time zone (GET /v1/analytics/*), as charts over
// tables, each downloadable as CSV; the busy hours of the same dates (bookings or chats by
// weekday and hour) and a pipeline's funnel over the leads that entered it then. The period and
// dates live in the URL.
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { api, unwrap, type Schemas } from "../api/console-client";
import { usePipelines } from "../api/queries";
import { navigate, useLocation, useTitle } from "../app/router";
import { isAdmin, useSession } from "../app/session";
import { BarChart } from "../components/BarChart";
import { ErrorNotice } from "../components/ErrorNotice";

type Period = "day" | "week" | "month";
// The routes also answer CSV (format=csv); without it the body is the JSON object.
function json<T>(body: T): Exclude<T, string> {
  if (typeof body === "string") throw new Error("expected JSON, got text");
  return body as Exclude<T, string>;
}
// The outcomes a bookings bar is stacked by.
const OUTCOMES = ["completed", "no_show", "cancelled", "confirmed", "booked"] as const;
const percent = (v: number | null) => (v === null ? "–" : `${Math.round(v * 1000) / 10} %`);
// A median and a 90th percentile in one cell ("12 / 40 min"); a dash when nothing was timed.
const pair = (p50: number | null, p90: number | null, unit: string) =>
  p50 === null || p90 === null ? "–" : `${p50} / ${p90} ${unit}`;

export default function Reports() {
  useTitle("Reports");
  const { session } = useSession();
  const admin = isAdmin(session);
  const { search } = useLocation();
  const params = new URLSearchParams(search);
  const period = (["day", "week", "month"].includes(params.get("period") ?? "") ? params.get("period") : "week") as Period;
  const from = params.get("from") ?? "";
  const to = params.get("to") ?? "";
  const query = { period, ...(from ? { from } : {}), ...(to ? { to } : {}) };
  const set = (key: string, value: string) => {
    const next = new URLSearchParams(search);
    if (value) next.set(key, value);
    else next.delete(key);
    navigate(`/app/reports?${next.toString()}`);
  };
  const contacts = useQuery({
    queryKey: ["analytics-contacts", query],
    queryFn: async () => json(unwrap(await api.GET("/v1/analytics/contacts", { params: { query } }))),
  });
  const conversations = useQuery({
    queryKey: ["analytics-conversations", query],
    queryFn: async () => json(unwrap(await api.GET("/v1/analytics/conversations", { params: { query } }))),
  });
  const responses = useQuery({
    queryKey: ["analytics-response-times", query],
    queryFn: async () => json(unwrap(await api.GET("/v1/analytics/response-times", { params: { query } }))),
  });
  const tickets = useQuery({
    queryKey: ["analytics-tickets", query],
    queryFn: async () => json(unwrap(await api.GET("/v1/analytics/tickets", { params: { query } }))),
  });
  const bookings = useQuery({
    queryKey: ["analytics-bookings", query],
    queryFn: async () => json(unwrap(await api.GET("/v1/analytics/bookings", { params: { query } }))),
  });
  const campaigns = useQuery({
    queryKey: ["analytics-campaigns", query],
    queryFn: async () => json(unwrap(await api.GET("/v1/analytics/campaigns", { params: { query } }))),
  });
  const csv = (what: string) => `/v1/analytics/${what}?${new URLSearchParams({ ...query, format: "csv" }).toString()}`;
  const sources = [...new Set((contacts.data?.periods ?? []).flatMap((p) => Object.keys(p.counts)))].sort();
  return (
    <main id="main" tabIndex={-1}>
      <h1>Reports</h1>
      <form className="filters" onSubmit={(e) => e.preventDefault()}>
        <label>
          Period
          <select value={period} onChange={(e) => set("period", e.target.value)}>
            <option value="day">Day</option>
            <option value="week">Week</option>
            <option value="month">Month</option>
          </select>
        </label>
        <label>
          From
          <input type="date" value={from} onChange={(e) => set("from", e.target.value)} />
        </label>
        <label>
          To
          <input type="date" value={to} onChange={(e) => set("to", e.target.value)} />
        </label>
        {contacts.data ? <span className="muted">Time zone: {contacts.data.time_zone}</span> : null}
      </form>
      <ErrorNotice error={contacts.error ?? conversations.error ?? responses.error ?? tickets.error ?? bookings.error ?? campaigns.error} />
      <Report
        id="new-contacts"
        title="New contacts by source"
        csv={csv("contacts")}
        file="new-contacts.csv"
        chart={{ title: "New contacts by source", keys: sources, parts: (p) => sources.map((k) => ({ key: k, value: p.counts[k] ?? 0 })) }}
        periods={contacts.data?.periods}
        columns={[["Total", (p) => p.total], ...sources.map((k): Column<ContactPeriod> => [k, (p) => p.counts[k] ?? 0])]}
      />
      <Report
        id="conversations-report"
        title="Conversations"
        csv={csv("conversations")}
        file="conversations.csv"
        chart={{ title: "Conversations", keys: ["conversations"], parts: (p) => [{ key: "conversations", value: p.total }] }}
        periods={conversations.data?.periods}
        columns={[
          ["Total", (p) => p.total],
          ["Handoff rate", (p) => percent(p.handoff_rate)],
          ["Escalation rate", (p) => percent(p.escalation_rate)],
          ["Average rating", (p) => p.average_rating ?? "–"],
          ["CSAT", (p) => percent(p.csat)],
        ]}
      />
      <Report
        id="response-times-report"
        title="Response times"
        csv={csv("response-times")}
        file="response-times.csv"
        chart={{
          title: "Conversations answered by a person",
          keys: ["answered by a person", "not by a person"],
          parts: (p) => [
            { key: "answered by a person", value: p.answered_by_team },
            { key: "not by a person", value: p.conversations - p.answered_by_team },
          ],
        }}
        periods={responses.data?.periods}
        columns={[
          ["Conversations", (p) => p.conversations],
          ["Bot replied", (p) => p.answered_by_bot],
          ["Team replied", (p) => p.answered_by_team],
          ["Bot wait (median / p90)", (p) => pair(p.bot_p50_seconds, p.bot_p90_seconds, "s")],
          ["Team wait (median / p90)", (p) => pair(p.team_p50_minutes, p.team_p90_minutes, "min")],
          ["Team answer rate", (p) => percent(p.team_answer_rate)],
        ]}
      />
      <Report
        id="tickets-report"
        title="Tickets"
        csv={csv("tickets")}
        file="tickets.csv"
        chart={{
          title: "Tickets opened and resolved",
          keys: ["resolved", "open"],
          parts: (p) => [
            { key: "resolved", value: p.resolved },
            { key: "open", value: p.created - p.resolved },
          ],
        }}
        periods={tickets.data?.periods}
        columns={[
          ["Opened", (p) => p.created],
          ["Responded", (p) => p.responded],
          ["Resolved", (p) => p.resolved],
          ["SLA breach rate", (p) => percent(p.sla_breach_rate)],
          ["First response (median / p90)", (p) => pair(p.first_response_p50_minutes, p.first_response_p90_minutes, "min")],
          ["Resolution (median / p90)", (p) => pair(p.resolution_p50_hours, p.resolution_p90_hours, "h")],
        ]}
      />
      <Report
        id="bookings-report"
        title="Bookings"
        csv={csv("bookings")}
        file="bookings.csv"
        chart={{ title: "Bookings by outcome", keys: [...OUTCOMES], parts: (p) => OUTCOMES.map((k) => ({ key: k, value: p[k] })) }}
        periods={bookings.data?.periods}
        columns={[
          ["Total", (p) => p.total],
          ["Completed", (p) => p.completed],
          ["No-shows", (p) => p.no_show],
          ["Cancelled", (p) => p.cancelled],
          ["Rescheduled", (p) => p.rescheduled],
          ["No-show rate", (p) => percent(p.no_show_rate)],
          ["Cancellation rate", (p) => percent(p.cancellation_rate)],
          ["Average lead time", (p) => (p.average_lead_hours === null ? "–" : `${p.average_lead_hours} h`)],
        ]}
      />
      <BusyHours window={{ ...(from ? { from } : {}), ...(to ? { to } : {}) }} />
      <Funnel window={{ ...(from ? { from } : {}), ...(to ? { to } : {}) }} />
      {admin ? <WorkflowReport query={query} csv={csv("workflows")} /> : null}
      <Report
        id="campaigns-report"
        title="Campaign engagement"
        csv={csv("campaigns")}
        file="campaigns.csv"
        chart={{ title: "Campaign messages sent", keys: ["sent"], parts: (p) => [{ key: "sent", value: p.sent }] }}
        periods={campaigns.data?.periods}
        columns={[
          ["Sent", (p) => p.sent],
          ["Opened", (p) => p.opened],
          ["Clicked", (p) => p.clicked],
          ["Unsubscribed", (p) => p.unsubscribed],
          ["Open rate", (p) => percent(p.open_rate)],
          ["Click rate", (p) => percent(p.click_rate)],
          ["Unsubscribe rate", (p) => percent(p.unsubscribe_rate)],
        ]}
      />
    </main>
  );
}

type Column<P> = [string, (p: P) => React.ReactNode];
type ContactPeriod = Schemas["ContactAnalytics"]["periods"][number];

// One report: its heading, the CSV link, a bar chart of its periods, and the table that is
// the chart's text equivalent.
function Report<P extends { label: string }>({
  id,
  title,
  csv,
  file,
  chart,
  periods,
  columns,
}: {
  id: string;
  title: string;
  csv: string;
  file: string;
  chart: { title: string; keys: string[]; parts: (p: P) => { key: string; value: number }[] };
  periods: P[] | undefined;
  columns: Column<P>[];
}) {
  return (
    <section aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      <a className="button" href={csv} download={file}>
        Download CSV
      </a>
      {periods ? <BarChart title={chart.title} keys={chart.keys} bars={periods.map((p) => ({ label: p.label, parts: chart.parts(p) }))} /> : null}
      <table className="plain">
        <thead>
          <tr>
            <th scope="col">Period</th>
            {columns.map(([head]) => (
              <th scope="col" key={head}>
                {head}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {(periods ?? []).map((p) => (
            <tr key={p.label}>
              <th scope="row">{p.label}</th>
              {columns.map(([head, cell]) => (
                <td key={head}>{cell(p)}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

// Workflow runs (admins, as the run log): per period and workflow, stacked by workflow.
function WorkflowReport({ query, csv }: { query: { period: Period; from?: string; to?: string }; csv: string }) {
  const runs = useQuery({
    queryKey: ["analytics-workflows", query],
    queryFn: async () => json(unwrap(await api.GET("/v1/analytics/workflows", { params: { query } }))),
  });
  const names = [...new Set((runs.data?.periods ?? []).flatMap((p) => p.workflows.map((w) => w.name)))].sort();
  return (
    <section aria-labelledby="workflows-report">
      <h2 id="workflows-report">Workflow runs</h2>
      <a className="button" href={csv} download="workflow-runs.csv">
        Download CSV
      </a>
      <ErrorNotice error={runs.error} />
      {runs.data ? (
        <BarChart
          title="Workflow runs by workflow"
          keys={names}
          bars={runs.data.periods.map((p) => ({
            label: p.label,
            parts: names.map((n) => ({ key: n, value: p.workflows.find((w) => w.name === n)?.runs ?? 0 })),
          }))}
        />
      ) : null}
      <table className="plain">
        <thead>
          <tr>
            <th scope="col">Period</th>
            <th scope="col">Workflow</th>
            <th scope="col">Runs</th>
            <th scope="col">Failed</th>
            <th scope="col">Rejected</th>
            <th scope="col">Failure rate</th>
            <th scope="col">95th percentile</th>
          </tr>
        </thead>
        <tbody>
          {(runs.data?.periods ?? []).flatMap((p) =>
            p.workflows.map((w) => (
              <tr key={`${p.label}-${w.workflow_id}`}>
                <th scope="row">{p.label}</th>
                <td>{w.name}</td>
                <td>{w.runs}</td>
                <td>{w.failed}</td>
                <td>{w.rejected}</td>
                <td>{percent(w.failure_rate)}</td>
                <td>{w.p95_duration_ms} ms</td>
              </tr>
            )),
          )}
        </tbody>
      </table>
    </section>
  );
}

const WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];
const hourLabel = (h: number) => `${String(h).padStart(2, "0")}:00`;

// Busy hours: appointments (by the hour they start) or conversations over the chosen dates, as
// a weekday x hour table whose cells are shaded by count; the busiest hour is said in words.
function BusyHours({ window }: { window: { from?: string; to?: string } }) {
  const [of, setOf] = useState<"bookings" | "conversations">("bookings");
  const query = { ...window, of };
  const hours = useQuery({
    queryKey: ["analytics-busy-hours", query],
    queryFn: async () => json(unwrap(await api.GET("/v1/analytics/busy-hours", { params: { query } }))),
  });
  const data = hours.data;
  const most = Math.max(1, ...(data?.weekdays ?? []).flatMap((d) => d.hours));
  const busiest = data?.busiest;
  const csvHref = `/v1/analytics/busy-hours?${new URLSearchParams({ ...query, format: "csv" }).toString()}`;
  return (
    <section aria-labelledby="busy-hours">
      <h2 id="busy-hours">Busy hours</h2>
      <ErrorNotice error={hours.error} />
      <label>
        Of
        <select value={of} onChange={(e) => setOf(e.target.value as "bookings" | "conversations")}>
          <option value="bookings">Bookings (the hour they start)</option>
          <option value="conversations">Conversations (the hour they start)</option>
        </select>
      </label>{" "}
      <a className="button" href={csvHref} download={`busy-hours-${of}.csv`}>
        Download CSV
      </a>
      {data ? (
        <p>
          {busiest
            ? `Busiest: ${WEEKDAYS[WEEKDAYS.findIndex((d) => d.toLowerCase() === busiest.weekday)]} ${hourLabel(busiest.hour)}–${hourLabel((busiest.hour + 1) % 24)} (${busiest.count} of ${data.total}), ${data.from} to ${data.to}, ${data.time_zone}.`
            : `Nothing between ${data.from} and ${data.to}.`}
        </p>
      ) : null}
      <div className="scroll" tabIndex={0} role="group" aria-label="Busy hours table, scrolls sideways">
        <table className="plain heatmap">
          <caption>{of === "bookings" ? "Appointments" : "Conversations"} by local weekday and hour</caption>
          <thead>
            <tr>
              <th scope="col">Weekday</th>
              {Array.from({ length: 24 }, (_, h) => (
                <th scope="col" key={h}>
                  {String(h).padStart(2, "0")}
                </th>
              ))}
              <th scope="col">Total</th>
            </tr>
          </thead>
          <tbody>
            {(data?.weekdays ?? []).map((d, i) => (
              <tr key={d.weekday}>
                <th scope="row">{WEEKDAYS[i]}</th>
                {d.hours.map((n, h) => (
                  // Light shades only, so the dark count stays readable on every cell.
                  <td key={h} style={n ? { background: `rgba(59, 130, 246, ${(0.08 + (0.37 * n) / most).toFixed(2)})` } : undefined}>
                    {n}
                  </td>
                ))}
                <td>{d.total}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

// A pipeline's funnel over the leads that entered it in the chosen dates: how many reached each
// stage, the conversion from the stage before and the median time spent in it.
function Funnel({ window }: { window: { from?: string; to?: string } }) {
  const pipelines = usePipelines();
  const [picked, setPicked] = useState<number | null>(null);
  const pipeline = picked ?? pipelines.data?.find((p) => p.is_default)?.id ?? null;
  const query = { ...window, ...(pipeline !== null ? { pipeline_id: pipeline } : {}) };
  const funnel = useQuery({
    queryKey: ["analytics-funnel", query],
    enabled: pipelines.isSuccess,
    queryFn: async () => unwrap(await api.GET("/v1/analytics/funnel", { params: { query } })),
  });
  const data = funnel.data;
  return (
    <section aria-labelledby="funnel-report">
      <h2 id="funnel-report">Funnel</h2>
      <ErrorNotice error={pipelines.error ?? funnel.error} />
      <label>
        Pipeline
        <select value={pipeline ?? ""} onChange={(e) => setPicked(Number(e.target.value))}>
          {(pipelines.data ?? []).map((p) => (
            <option key={p.id} value={p.id}>
              {p.name}
            </option>
          ))}
        </select>
      </label>
      {data ? (
        <>
          <p>
            {data.entered} {data.entered === 1 ? "lead" : "leads"} entered {data.pipeline} between {data.from} and {data.to}.
          </p>
          <BarChart
            title={`Funnel of ${data.pipeline}: leads reaching each stage`}
            keys={["reached"]}
            bars={data.stages.map((s) => ({ label: s.name, parts: [{ key: "reached", value: s.reached }] }))}
          />
          <table className="plain">
            <thead>
              <tr>
                <th scope="col">Stage</th>
                <th scope="col">Entered</th>
                <th scope="col">Reached</th>
                <th scope="col">Conversion</th>
                <th scope="col">Median time in stage</th>
              </tr>
            </thead>
            <tbody>
              {data.stages.map((s) => (
                <tr key={s.stage_id}>
                  <th scope="row">
                    {s.name}
                    {s.is_won ? " (won)" : s.is_lost ? " (lost)" : ""}
                  </th>
                  <td>{s.entered}</td>
                  <td>{s.reached}</td>
                  <td>{percent(s.conversion)}</td>
                  <td>{s.median_hours_in_stage === null ? "–" : `${s.median_hours_in_stage} h`}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      ) : null}
    </section>
  );
}
