// Settings of how contacts arrive and are described: the team's contact statuses, its chat
// agents (platforms, customer tracking, visibility, bot keys) and chat capture.
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { api, unwrap, type Schemas } from "../api/console-client";
import { useStatuses } from "../api/queries";
import { ErrorNotice } from "../components/ErrorNotice";
import { ShownOnce } from "../components/ShownOnce";
import { useAction } from "../lib/useAction";

const list = (text: string) => text.split(",").map((s) => s.trim()).filter(Boolean);

export function Statuses() {
  const qc = useQueryClient();
  const statuses = useStatuses();
  const { error, run } = useAction();
  const [name, setName] = useState("");
  const save = (next: string[]) =>
    run(async () => {
      unwrap(await api.PUT("/v1/settings/contact-statuses", { body: { statuses: next } }));
      await qc.invalidateQueries({ queryKey: ["statuses"] });
    });
  const current = statuses.data ?? [];
  const move = (i: number, by: number) => {
    const next = [...current];
    const [item] = next.splice(i, 1);
    next.splice(i + by, 0, item!);
    void save(next);
  };
  return (
    <section aria-labelledby="statuses-title">
      <h2 id="statuses-title">Contact statuses</h2>
      <ErrorNotice error={error} />
      <ol className="statuses">
        {current.map((s, i) => (
          <li key={s}>
            <span>{s}</span>
            <button type="button" aria-label={`Move ${s} up`} disabled={i === 0} onClick={() => move(i, -1)}>
              ↑
            </button>
            <button type="button" aria-label={`Move ${s} down`} disabled={i === current.length - 1} onClick={() => move(i, 1)}>
              ↓
            </button>
            <button type="button" aria-label={`Remove ${s}`} onClick={() => void save(current.filter((x) => x !== s))}>
              Remove
            </button>
          </li>
        ))}
      </ol>
      <form
        className="inline"
        onSubmit={(e) => {
          e.preventDefault();
          if (name.trim()) void save([...current, name.trim()]).then(() => setName(""));
        }}
      >
        <label>
          New status
          <input value={name} onChange={(e) => setName(e.target.value)} />
        </label>
        <button type="submit">Add status</button>
      </form>
    </section>
  );
}

export function Agents() {
  const qc = useQueryClient();
  const agents = useQuery({
    queryKey: ["agents"],
    queryFn: async () => unwrap(await api.GET("/v1/agents", { params: { query: { limit: 200 } } })).data,
  });
  const { error, run } = useAction();
  const [key, setKey] = useState<string | null>(null);
  const refresh = () => qc.invalidateQueries({ queryKey: ["agents"] });
  function create(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = e.currentTarget;
    const f = new FormData(form);
    return run(async () => {
      unwrap(
        await api.POST("/v1/agents", {
          body: {
            name: String(f.get("name")),
            platforms: list(String(f.get("platforms") ?? "")),
            customer_tracking: f.get("tracking") === "on",
            visibility: String(f.get("visibility")) as NonNullable<Schemas["AgentInput"]["visibility"]>,
          },
        }),
      );
      form.reset();
      await refresh();
    });
  }
  const patch = (id: number, body: Schemas["AgentPatch"]) =>
    run(async () => {
      unwrap(await api.PATCH("/v1/agents/{id}", { params: { path: { id } }, body }));
      await refresh();
    });
  const botKey = (id: number, name: string) =>
    run(async () => {
      setKey(unwrap(await api.POST("/v1/agents/{id}/keys", { params: { path: { id } }, body: { name: `${name} bot` } })).key);
    });
  return (
    <section aria-labelledby="agents-title">
      <h2 id="agents-title">Chat agents</h2>
      <ErrorNotice error={error} />
      {key ? (
        <ShownOnce label="New bot key" value={key} onDone={() => setKey(null)}>
          <p>The bot's ingest key is shown only now: put it in the bot's configuration.</p>
        </ShownOnce>
      ) : null}
      <form className="inline" onSubmit={(e) => void create(e)}>
        <label>
          Name
          <input name="name" required maxLength={100} />
        </label>
        <label>
          Platforms
          <input name="platforms" placeholder="whatsapp, web" />
        </label>
        <label>
          Visibility
          <select name="visibility" defaultValue="public">
            <option>public</option>
            <option>restricted</option>
            <option>paid</option>
          </select>
        </label>
        <label className="check">
          <input type="checkbox" name="tracking" defaultChecked /> Customer tracking
        </label>
        <button type="submit" className="primary">
          Add agent
        </button>
      </form>
      {agents.data && agents.data.length === 0 ? <p className="empty">No chat agents yet.</p> : null}
      <table className="plain">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Platforms</th>
            <th scope="col">Customer tracking</th>
            <th scope="col">Visibility</th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          {(agents.data ?? []).map((a) => (
            <tr key={a.id}>
              <td>{a.name}</td>
              <td>{(a.platforms ?? []).join(", ") || "–"}</td>
              <td>
                <input
                  type="checkbox"
                  aria-label={`Customer tracking for ${a.name}`}
                  key={String(a.customer_tracking)}
                  defaultChecked={!!a.customer_tracking}
                  onChange={(e) => void patch(a.id!, { name: a.name ?? "", customer_tracking: e.target.checked })}
                />
              </td>
              <td>
                <select
                  aria-label={`Visibility of ${a.name}`}
                  value={a.visibility ?? "public"}
                  onChange={(e) =>
                    void patch(a.id!, { visibility: e.target.value as NonNullable<Schemas["AgentInput"]["visibility"]> })
                  }
                >
                  <option>public</option>
                  <option>restricted</option>
                  <option>paid</option>
                </select>
              </td>
              <td>
                <button type="button" onClick={() => void botKey(a.id!, a.name ?? "agent")}>
                  New bot key
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

export function Capture() {
  const qc = useQueryClient();
  const settings = useQuery({
    queryKey: ["capture-settings"],
    queryFn: async () => unwrap(await api.GET("/v1/settings/capture")),
  });
  const { error, run } = useAction();
  const [saved, setSaved] = useState(false);
  if (!settings.data) return <ErrorNotice error={settings.error} />;
  const s = settings.data;
  function submit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const code = String(f.get("code") ?? "").trim();
    return run(async () => {
      setSaved(false);
      unwrap(
        await api.PUT("/v1/settings/capture", {
          body: {
            ...s,
            phone_country_code: code || null,
            positive_words: list(String(f.get("positive") ?? "")),
            negative_words: list(String(f.get("negative") ?? "")),
          },
        }),
      );
      await qc.invalidateQueries({ queryKey: ["capture-settings"] });
      setSaved(true);
    });
  }
  return (
    <section aria-labelledby="capture-title">
      <h2 id="capture-title">Chat capture</h2>
      <ErrorNotice error={error} />
      <form className="stack" onSubmit={(e) => void submit(e)}>
        <label>
          Calling code for phone numbers written without one
          <input name="code" defaultValue={s.phone_country_code ?? ""} placeholder="84" />
        </label>
        <label>
          Positive words (comma-separated)
          <textarea name="positive" rows={2} defaultValue={s.positive_words.join(", ")} />
        </label>
        <label>
          Negative words (comma-separated)
          <textarea name="negative" rows={2} defaultValue={s.negative_words.join(", ")} />
        </label>
        <button type="submit" className="primary">
          Save
        </button>
        {saved ? (
          <p role="status" className="notice">
            Saved.
          </p>
        ) : null}
      </form>
    </section>
  );
}
