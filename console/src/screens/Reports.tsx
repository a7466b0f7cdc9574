// Reports: new contacts and conversations per day, week or month in the team's time zone
// (GET /v1/analytics/*), as charts over tables, each downloadable as CSV. The period and dates live in
// the URL.
import { useQuery } from "@tanstack/react-query";
import { api, unwrap } from "../api/console-client";
import { navigate, useLocation, useTitle } from "../app/router";
import { BarChart } from "../components/BarChart";
import { ErrorNotice } from "../components/ErrorNotice";

type Period = "day" | "week" | "month";
// The routes also answer CSV (format=csv); without it the body is the JSON object.
function json<T>(body: T): Exclude<T, string> {
  if (typeof body === "string") throw new Error("expected JSON, got text");
  return body as Exclude<T, string>;
}
const percent = (v: number | null) => (v === null ? "–" : `${Math.round(v * 1000) / 10} %`);

export default function Reports() {
  useTitle("Reports");
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
      <ErrorNotice error={contacts.error ?? conversations.error} />
      <section aria-labelledby="new-contacts">
        <h2 id="new-contacts">New contacts by source</h2>
        <a className="button" href={csv("contacts")} download="new-contacts.csv">
          Download CSV
        </a>
        {contacts.data ? (
          <BarChart
            title="New contacts by source"
            keys={sources}
            bars={contacts.data.periods.map((p) => ({ label: p.label, parts: sources.map((k) => ({ key: k, value: p.counts[k] ?? 0 })) }))}
          />
        ) : null}
        <table className="plain">
          <thead>
            <tr>
              <th scope="col">Period</th>
              <th scope="col">Total</th>
              {sources.map((s) => (
                <th scope="col" key={s}>
                  {s}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {(contacts.data?.periods ?? []).map((p) => (
              <tr key={p.label}>
                <th scope="row">{p.label}</th>
                <td>{p.total}</td>
                {sources.map((s) => (
                  <td key={s}>{p.counts[s] ?? 0}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <section aria-labelledby="conversations-report">
        <h2 id="conversations-report">Conversations</h2>
        <a className="button" href={csv("conversations")} download="conversations.csv">
          Download CSV
        </a>
        {conversations.data ? (
          <BarChart
            title="Conversations"
            keys={["conversations"]}
            bars={conversations.data.periods.map((p) => ({ label: p.label, parts: [{ key: "conversations", value: p.total }] }))}
          />
        ) : null}
        <table className="plain">
          <thead>
            <tr>
              <th scope="col">Period</th>
              <th scope="col">Total</th>
              <th scope="col">Handoff rate</th>
              <th scope="col">Escalation rate</th>
              <th scope="col">Average rating</th>
              <th scope="col">CSAT</th>
            </tr>
          </thead>
          <tbody>
            {(conversations.data?.periods ?? []).map((p) => (
              <tr key={p.label}>
                <th scope="row">{p.label}</th>
                <td>{p.total}</td>
                <td>{percent(p.handoff_rate)}</td>
                <td>{percent(p.escalation_rate)}</td>
                <td>{p.average_rating ?? "–"}</td>
                <td>{percent(p.csat)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </main>
  );
}
