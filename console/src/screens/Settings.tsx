// Settings for admins: users (invite, role, disable, sessions), API keys (shown once,
// revoke), custom fields (type, Allow for AI, required, order), and the sections of
// SettingsCrm, SettingsWebhooks and SettingsOperations.
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { api, unwrap, type Schemas } from "../api/console-client";
import { useLocation, useTitle } from "../app/router";
import { useSession } from "../app/session";
import { Dialog } from "../components/Dialog";
import { ErrorNotice } from "../components/ErrorNotice";
import { Link } from "../components/Link";
import { ShownOnce } from "../components/ShownOnce";
import { RoleOptions, type Role } from "../components/options";
import { useCustomFields, useUsers } from "../api/queries";
import { useAction } from "../lib/useAction";
import { Agents, Capture, Statuses } from "./SettingsCrm";
import { Webhooks } from "./SettingsWebhooks";
import { AuditLog, Plugins, SlaPolicies } from "./SettingsOperations";

const SECTIONS: [string, string][] = [
  ["users", "Users"],
  ["api-keys", "API keys"],
  ["custom-fields", "Custom fields"],
  ["statuses", "Statuses"],
  ["agents", "Chat agents"],
  ["capture", "Chat capture"],
  ["webhooks", "Webhooks"],
  ["sla", "SLA policies"],
  ["plugins", "Plugins"],
  ["audit", "Audit log"],
];

export default function Settings() {
  const { path } = useLocation();
  const section = path.split("/")[3] ?? "users";
  useTitle("Settings");
  return (
    <main id="main" tabIndex={-1}>
      <h1>Settings</h1>
      <nav aria-label="Settings sections" className="tabs">
        {SECTIONS.map(([key, label]) => (
          <Link key={key} href={`/app/settings/${key}`} aria-current={section === key ? "page" : undefined}>
            {label}
          </Link>
        ))}
      </nav>
      {section === "api-keys" ? (
        <ApiKeys />
      ) : section === "custom-fields" ? (
        <CustomFields />
      ) : section === "statuses" ? (
        <Statuses />
      ) : section === "agents" ? (
        <Agents />
      ) : section === "capture" ? (
        <Capture />
      ) : section === "webhooks" ? (
        <Webhooks />
      ) : section === "sla" ? (
        <SlaPolicies />
      ) : section === "plugins" ? (
        <Plugins />
      ) : section === "audit" ? (
        <AuditLog />
      ) : (
        <Users />
      )}
    </main>
  );
}

function Users() {
  const qc = useQueryClient();
  const { session } = useSession();
  const users = useUsers();
  const { error, run } = useAction();
  const [inviting, setInviting] = useState(false);
  const [link, setLink] = useState<Schemas["Invite"] | null>(null);
  const refresh = () => qc.invalidateQueries({ queryKey: ["users"] });
  const act = (fn: () => Promise<unknown>) =>
    run(async () => {
      await fn();
      await refresh();
    });
  const patch = (id: number, body: { role?: Role; active?: boolean }) =>
    act(async () => unwrap(await api.PATCH("/v1/users/{id}", { params: { path: { id } }, body })));
  const invite = (id: number) =>
    act(async () => setLink(unwrap(await api.POST("/v1/users/{id}/invite", { params: { path: { id } } }))));
  const endSessions = (id: number) =>
    act(async () => unwrap(await api.DELETE("/v1/users/{id}/sessions", { params: { path: { id } } })));
  return (
    <section aria-labelledby="users-title">
      <div className="page-head">
        <h2 id="users-title">Users</h2>
        <button type="button" className="primary" onClick={() => setInviting(true)}>
          Invite someone
        </button>
      </div>
      <ErrorNotice error={error} />
      {link ? <InviteResult invite={link} onClose={() => setLink(null)} /> : null}
      <table className="plain">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Email</th>
            <th scope="col">Role</th>
            <th scope="col">Signs in</th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          {(users.data ?? []).map((u) => (
            <tr key={u.id} className={u.active ? "" : "inactive"}>
              <td>{u.name}</td>
              <td>{u.email}</td>
              <td>
                <select
                  aria-label={`Role of ${u.name}`}
                  value={u.role}
                  disabled={u.id === session?.user.id}
                  onChange={(e) => void patch(u.id, { role: e.target.value as Role })}
                >
                  <RoleOptions />
                </select>
              </td>
              <td>{!u.active ? "disabled" : u.can_sign_in ? "yes" : "not yet"}</td>
              <td className="actions">
                {u.active ? (
                  <button type="button" onClick={() => void invite(u.id)}>
                    {u.can_sign_in ? "Re-invite" : "Invite"}
                  </button>
                ) : null}
                <button type="button" onClick={() => void endSessions(u.id)}>
                  End sessions
                </button>
                {u.id !== session?.user.id ? (
                  <button type="button" onClick={() => void patch(u.id, { active: !u.active })}>
                    {u.active ? "Disable" : "Enable"}
                  </button>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {inviting ? (
        <InviteDialog
          onClose={() => setInviting(false)}
          onInvited={(i) => {
            setInviting(false);
            setLink(i);
            void refresh();
          }}
        />
      ) : null}
    </section>
  );
}

function InviteDialog({ onClose, onInvited }: { onClose: () => void; onInvited: (i: Schemas["Invite"]) => void }) {
  const { error, run } = useAction();
  function submit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    return run(async () => {
      const user = unwrap(
        await api.POST("/v1/users", {
          body: { name: String(f.get("name")), email: String(f.get("email")), role: String(f.get("role")) as Role },
        }),
      );
      onInvited(unwrap(await api.POST("/v1/users/{id}/invite", { params: { path: { id: user.id } } })));
    });
  }
  return (
    <Dialog title="Invite someone" onClose={onClose}>
      <form className="stack" onSubmit={(e) => void submit(e)}>
        <ErrorNotice error={error} />
        <label>
          Name
          <input name="name" required autoFocus />
        </label>
        <label>
          Email
          <input name="email" type="email" required />
        </label>
        <label>
          Role
          <select name="role" defaultValue="agent">
            <RoleOptions />
          </select>
        </label>
        <div className="actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="primary">
            Invite
          </button>
        </div>
      </form>
    </Dialog>
  );
}

function InviteResult({ invite, onClose }: { invite: Schemas["Invite"]; onClose: () => void }) {
  if (invite.emailed) {
    return (
      <div role="status" className="notice">
        <p>Invitation emailed to {invite.email}.</p>
        <button type="button" onClick={onClose}>
          Done
        </button>
      </div>
    );
  }
  return (
    <ShownOnce label="Invite link" value={invite.invite_url ?? ""} onDone={onClose}>
      <p>
        This server sends no email: give {invite.email} this link (it works once, until{" "}
        {new Date(invite.expires_at).toLocaleDateString()}):
      </p>
    </ShownOnce>
  );
}

function ApiKeys() {
  const qc = useQueryClient();
  const keys = useQuery({
    queryKey: ["api-keys"],
    queryFn: async () => unwrap(await api.GET("/v1/api-keys", { params: { query: { limit: 200 } } })).data,
  });
  const { error, run } = useAction();
  const [issued, setIssued] = useState<string | null>(null);
  function create(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = e.currentTarget;
    const f = new FormData(form);
    return run(async () => {
      const k = unwrap(
        await api.POST("/v1/api-keys", { body: { name: String(f.get("name")), role: String(f.get("role")) as Role } }),
      );
      setIssued(k.key);
      form.reset();
      await qc.invalidateQueries({ queryKey: ["api-keys"] });
    });
  }
  const revoke = (id: number) =>
    run(async () => {
      unwrap(await api.DELETE("/v1/api-keys/{id}", { params: { path: { id } } }));
      await qc.invalidateQueries({ queryKey: ["api-keys"] });
    });
  return (
    <section aria-labelledby="keys-title">
      <h2 id="keys-title">API keys</h2>
      <ErrorNotice error={error} />
      {issued ? (
        <ShownOnce label="New API key" value={issued} onDone={() => setIssued(null)}>
          <p>The new key is shown only now: store it.</p>
        </ShownOnce>
      ) : null}
      <form className="inline" onSubmit={(e) => void create(e)}>
        <label>
          Name
          <input name="name" required maxLength={100} />
        </label>
        <label>
          Role
          <select name="role" defaultValue="agent">
            <RoleOptions />
          </select>
        </label>
        <button type="submit" className="primary">
          Create key
        </button>
      </form>
      <table className="plain">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Prefix</th>
            <th scope="col">Role</th>
            <th scope="col">Created</th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          {(keys.data ?? []).map((k) => (
            <tr key={k.id} className={k.revoked_at ? "inactive" : ""}>
              <td>{k.name}</td>
              <td><code>{k.prefix}…</code></td>
              <td>{k.role}</td>
              <td>{new Date(k.created_at).toLocaleDateString()}</td>
              <td>
                {k.revoked_at ? (
                  "revoked"
                ) : (
                  <button type="button" onClick={() => void revoke(k.id)}>
                    Revoke
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function CustomFields() {
  const qc = useQueryClient();
  const fields = useCustomFields();
  const { error, run } = useAction();
  function create(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = e.currentTarget;
    const f = new FormData(form);
    const options = String(f.get("options") ?? "").split(",").map((o) => o.trim()).filter(Boolean);
    return run(async () => {
      unwrap(
        await api.POST("/v1/custom-fields", {
          body: {
            key: String(f.get("key")),
            label: String(f.get("label")),
            type: String(f.get("type")) as NonNullable<Schemas["CustomField"]["type"]>,
            allow_for_ai: f.get("allow_for_ai") === "on",
            required: f.get("required") === "on",
            ...(options.length ? { options } : {}),
          },
        }),
      );
      form.reset();
      await qc.invalidateQueries({ queryKey: ["custom-fields"] });
    });
  }
  const patch = (id: number, body: { allow_for_ai?: boolean; required?: boolean }) =>
    run(async () => {
      unwrap(await api.PATCH("/v1/custom-fields/{id}", { params: { path: { id } }, body }));
      await qc.invalidateQueries({ queryKey: ["custom-fields"] });
    });
  // Moving a field numbers the list 1..n and saves the fields whose number changed.
  const move = (i: number, by: number) =>
    run(async () => {
      const next = [...(fields.data ?? [])];
      const [item] = next.splice(i, 1);
      next.splice(i + by, 0, item!);
      for (const [index, f] of next.entries()) {
        if (f.position === index + 1) continue;
        unwrap(await api.PATCH("/v1/custom-fields/{id}", { params: { path: { id: f.id! } }, body: { position: index + 1 } }));
      }
      await qc.invalidateQueries({ queryKey: ["custom-fields"] });
    });
  return (
    <section aria-labelledby="fields-title">
      <h2 id="fields-title">Custom fields</h2>
      <ErrorNotice error={error} />
      <form className="inline" onSubmit={(e) => void create(e)}>
        <label>
          Key
          <input name="key" required pattern="[a-z][a-z0-9_]{0,62}" />
        </label>
        <label>
          Label
          <input name="label" required />
        </label>
        <label>
          Type
          <select name="type" defaultValue="text">
            {["text", "number", "boolean", "date", "select", "multiselect", "email", "phone", "url"].map((t) => (
              <option key={t}>{t}</option>
            ))}
          </select>
        </label>
        <label>
          Options (select types)
          <input name="options" placeholder="a, b, c" />
        </label>
        <label className="check">
          <input type="checkbox" name="allow_for_ai" /> Allow for AI
        </label>
        <label className="check">
          <input type="checkbox" name="required" /> Required
        </label>
        <button type="submit" className="primary">
          Add field
        </button>
      </form>
      {fields.data && fields.data.length === 0 ? <p className="empty">No custom fields yet.</p> : null}
      <table className="plain">
        <thead>
          <tr>
            <th scope="col">Key</th>
            <th scope="col">Label</th>
            <th scope="col">Type</th>
            <th scope="col">Allow for AI</th>
            <th scope="col">Required</th>
            <th scope="col">Order</th>
          </tr>
        </thead>
        <tbody>
          {(fields.data ?? []).map((f, i, all) => (
            <tr key={f.id}>
              <td><code>{f.key}</code></td>
              <td>{f.label}</td>
              <td>{f.type}</td>
              <td>
                <input
                  type="checkbox"
                  aria-label={`Allow ${f.label} for AI`}
                  key={String(f.allow_for_ai)}
                  defaultChecked={f.allow_for_ai}
                  onChange={(e) => void patch(f.id ?? 0, { allow_for_ai: e.target.checked })}
                />
              </td>
              <td>
                <input
                  type="checkbox"
                  aria-label={`${f.label} is required`}
                  key={String(f.required)}
                  defaultChecked={f.required}
                  onChange={(e) => void patch(f.id ?? 0, { required: e.target.checked })}
                />
              </td>
              <td>
                <button type="button" aria-label={`Move ${f.label} up`} disabled={i === 0} onClick={() => void move(i, -1)}>
                  ↑
                </button>
                <button type="button" aria-label={`Move ${f.label} down`} disabled={i === all.length - 1} onClick={() => void move(i, 1)}>
                  ↓
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
