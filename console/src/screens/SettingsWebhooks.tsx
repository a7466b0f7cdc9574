// Settings > Webhooks: subscriptions of external systems to the team's events (the secret
// shown once, on creation and rotation), enable and disable, a test ping, and each
// subscription's delivery log with replay (docs/webhooks.md).
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { api, unwrap, type Schemas } from "../api/console-client";
import { relativeTime } from "../components/badges";
import { ErrorNotice } from "../components/ErrorNotice";
import { ShownOnce } from "../components/ShownOnce";
import { useAction } from "../lib/useAction";

type Subscription = Schemas["WebhookSubscription"];
const list = (text: string) => text.split(",").map((s) => s.trim()).filter(Boolean);

export function Webhooks() {
  const qc = useQueryClient();
  const hooks = useQuery({
    queryKey: ["webhooks"],
    queryFn: async () => unwrap(await api.GET("/v1/webhooks")).data,
  });
  const { error, run } = useAction();
  const [secret, setSecret] = useState<{ url: string; secret: string } | null>(null);
  const [open, setOpen] = useState<number | null>(null);
  const refresh = () => qc.invalidateQueries({ queryKey: ["webhooks"] });
  function create(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = e.currentTarget;
    const f = new FormData(form);
    return run(async () => {
      const made = unwrap(
        await api.POST("/v1/webhooks", {
          body: {
            url: String(f.get("url")),
            events: list(String(f.get("events") ?? "")),
            description: String(f.get("description") ?? ""),
          },
        }),
      );
      form.reset();
      setSecret({ url: made.url, secret: made.secret ?? "" });
      await refresh();
    });
  }
  const patch = (id: number, body: Schemas["WebhookInput"]) =>
    run(async () => {
      unwrap(await api.PATCH("/v1/webhooks/{id}", { params: { path: { id } }, body }));
      await refresh();
    });
  const rotate = (hook: Subscription) =>
    run(async () => {
      const r = unwrap(await api.POST("/v1/webhooks/{id}/rotate-secret", { params: { path: { id: hook.id } }, body: {} }));
      setSecret({ url: r.url, secret: r.secret ?? "" });
      await refresh();
    });
  const test = (id: number) =>
    run(async () => {
      unwrap(await api.POST("/v1/webhooks/{id}/test", { params: { path: { id } } }));
      setOpen(id);
      await qc.invalidateQueries({ queryKey: ["webhook-deliveries", id] });
    });
  const remove = (id: number) =>
    run(async () => {
      unwrap(await api.DELETE("/v1/webhooks/{id}", { params: { path: { id } } }));
      if (open === id) setOpen(null);
      await refresh();
    });
  return (
    <section aria-labelledby="webhooks-title">
      <h2 id="webhooks-title">Webhooks</h2>
      <p className="muted">
        External systems receive the team's events, signed per Standard Webhooks with their own secret, retried for
        three days.
      </p>
      <ErrorNotice error={error} />
      {secret ? (
        <ShownOnce label="Signing secret" value={secret.secret} onDone={() => setSecret(null)}>
          The signing secret of {secret.url}. Copy it into the receiver now: it is not shown again.
        </ShownOnce>
      ) : null}
      <form className="inline" onSubmit={(e) => void create(e)}>
        <label>
          URL
          <input name="url" type="url" required placeholder="https://hooks.example.com/crm" />
        </label>
        <label>
          Events
          <input name="events" required placeholder="contact.*, ticket.created" />
        </label>
        <label>
          Description
          <input name="description" />
        </label>
        <button type="submit" className="primary">
          Add webhook
        </button>
      </form>
      {hooks.data && hooks.data.length === 0 ? <p className="empty">No webhooks yet.</p> : null}
      <table className="plain">
        <thead>
          <tr>
            <th scope="col">URL</th>
            <th scope="col">Events</th>
            <th scope="col">Enabled</th>
            <th scope="col">State</th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          {(hooks.data ?? []).map((h) => (
            <tr key={h.id}>
              <td>
                <code>{h.url}</code>
                {h.description ? <div className="muted">{h.description}</div> : null}
              </td>
              <td>{h.events.join(", ")}</td>
              <td>
                <input
                  type="checkbox"
                  aria-label={`${h.url} enabled`}
                  key={String(h.enabled)}
                  defaultChecked={h.enabled}
                  onChange={(e) => void patch(h.id, { enabled: e.target.checked })}
                />
              </td>
              <td>
                {h.disabled_reason ?? (h.failing_since ? `failing since ${relativeTime(h.failing_since)}` : "healthy")}
              </td>
              <td>
                <button type="button" onClick={() => void test(h.id)}>
                  Send test
                </button>
                <button type="button" aria-pressed={open === h.id} onClick={() => setOpen(open === h.id ? null : h.id)}>
                  Deliveries
                </button>
                <button type="button" onClick={() => void rotate(h)}>
                  Rotate secret
                </button>
                <button type="button" className="danger" aria-label={`Delete ${h.url}`} onClick={() => void remove(h.id)}>
                  Delete
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {open !== null ? <Deliveries id={open} /> : null}
    </section>
  );
}

function Deliveries({ id }: { id: number }) {
  const qc = useQueryClient();
  const [status, setStatus] = useState("");
  const deliveries = useQuery({
    queryKey: ["webhook-deliveries", id, status],
    refetchInterval: 5000, // attempts happen in the background
    queryFn: async () =>
      unwrap(
        await api.GET("/v1/webhooks/{id}/deliveries", {
          params: {
            path: { id },
            query: { limit: 50, ...(status ? { status: status as "pending" | "waiting" | "delivered" | "dead" } : {}) },
          },
        }),
      ).data,
  });
  const { error, run } = useAction();
  const replay = (deliveryId: number) =>
    run(async () => {
      unwrap(
        await api.POST("/v1/webhooks/{id}/deliveries/{delivery_id}/replay", {
          params: { path: { id, delivery_id: deliveryId } },
        }),
      );
      await qc.invalidateQueries({ queryKey: ["webhook-deliveries", id] });
    });
  return (
    <section aria-labelledby="deliveries-title">
      <h3 id="deliveries-title">Deliveries</h3>
      <ErrorNotice error={deliveries.error ?? error} />
      <label>
        Status
        <select value={status} onChange={(e) => setStatus(e.target.value)}>
          <option value="">All</option>
          {["pending", "waiting", "delivered", "dead"].map((s) => (
            <option key={s}>{s}</option>
          ))}
        </select>
      </label>
      {deliveries.data && deliveries.data.length === 0 ? <p className="empty">No deliveries yet.</p> : null}
      <table className="plain">
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">Event</th>
            <th scope="col">Status</th>
            <th scope="col">Attempts</th>
            <th scope="col">Answer</th>
            <th scope="col">Replay</th>
          </tr>
        </thead>
        <tbody>
          {(deliveries.data ?? []).map((d) => (
            <tr key={d.id}>
              <td>{relativeTime(d.created_at)}</td>
              <td>{d.event_type}</td>
              <td>{d.status}</td>
              <td>{d.attempts}</td>
              <td>
                {d.response_status ?? "–"}
                {d.latency_ms !== null ? ` · ${d.latency_ms} ms` : ""}
                {d.last_error ? <div className="muted">{d.last_error}</div> : null}
              </td>
              <td>
                {d.status === "delivered" || d.status === "dead" ? (
                  <button type="button" aria-label={`Replay delivery ${d.id}`} onClick={() => void replay(d.id)}>
                    Replay
                  </button>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
