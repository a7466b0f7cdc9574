// Accounts (the companies contacts work for): a list with a create form, and an account's
// page with its contacts and its leads.
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { api, unwrap } from "../api/console-client";
import { useTitle } from "../app/router";
import { canWrite, useSession } from "../app/session";
import { ErrorNotice } from "../components/ErrorNotice";
import { ActionForm } from "../components/forms";
import { Link } from "../components/Link";
import { formatAmounts } from "../lib/board";
import { useAction } from "../lib/useAction";

export default function Accounts({ id }: { id: number | null }) {
  return id === null ? <AccountList /> : <AccountPage id={id} />;
}

function AccountList() {
  const qc = useQueryClient();
  const { session } = useSession();
  useTitle("Accounts");
  const accounts = useQuery({
    queryKey: ["accounts"],
    queryFn: async () => unwrap(await api.GET("/v1/accounts", { params: { query: { limit: 200, order: "desc" } } })).data,
  });
  const { error, busy, run } = useAction();
  const add = (form: FormData) =>
    run(async () => {
      unwrap(
        await api.POST("/v1/accounts", {
          body: { name: String(form.get("name")), domain: String(form.get("domain") || "") || null },
        }),
      );
      await qc.invalidateQueries({ queryKey: ["accounts"] });
    });
  return (
    <main id="main" tabIndex={-1}>
      <p>
        <Link href="/app/pipelines">← Pipelines</Link>
      </p>
      <h1>Accounts</h1>
      {canWrite(session) ? (
        <ActionForm onSubmit={add}>
          <label>
            Name
            <input name="name" required maxLength={200} />
          </label>
          <label>
            Domain
            <input name="domain" maxLength={253} placeholder="example.com" />
          </label>
          <button type="submit" disabled={busy}>
            Add account
          </button>
        </ActionForm>
      ) : null}
      <ErrorNotice error={error ?? accounts.error} />
      {accounts.data?.length === 0 ? <p className="empty">No accounts yet.</p> : null}
      {accounts.data?.length ? (
        <table className="plain">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Domain</th>
              <th scope="col">Industry</th>
              <th scope="col">Size</th>
            </tr>
          </thead>
          <tbody>
            {accounts.data.map((a) => (
              <tr key={a.id}>
                <td>
                  <Link href={`/app/accounts/${a.id}`}>{a.name}</Link>
                </td>
                <td>{a.domain ?? "–"}</td>
                <td>{a.industry ?? "–"}</td>
                <td>{a.size ?? "–"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </main>
  );
}

function AccountPage({ id }: { id: number }) {
  const account = useQuery({
    queryKey: ["account", id],
    queryFn: async () => unwrap(await api.GET("/v1/accounts/{id}", { params: { path: { id } } })),
  });
  const contacts = useQuery({
    queryKey: ["contacts", "account", id],
    queryFn: async () =>
      unwrap(await api.GET("/v1/contacts", { params: { query: { account_id: String(id), limit: 200 } } })).data,
  });
  const leads = useQuery({
    queryKey: ["leads", "account", id],
    queryFn: async () =>
      unwrap(await api.GET("/v1/leads", { params: { query: { account_id: String(id), limit: 200, order: "desc" } } })).data,
  });
  useTitle(account.data?.name ?? "Account");
  return (
    <main id="main" tabIndex={-1}>
      <p>
        <Link href="/app/accounts">← Accounts</Link>
      </p>
      <h1>{account.data?.name ?? "Account"}</h1>
      <ErrorNotice error={account.error ?? contacts.error ?? leads.error} />
      {account.data ? (
        <dl>
          <dt>Domain</dt>
          <dd>{account.data.domain ?? "–"}</dd>
          <dt>Industry</dt>
          <dd>{account.data.industry ?? "–"}</dd>
          <dt>Size</dt>
          <dd>{account.data.size ?? "–"}</dd>
          <dt>Tags</dt>
          <dd>{account.data.tags.join(", ") || "–"}</dd>
        </dl>
      ) : null}
      <div className="profile-grid extras">
        <section className="card" aria-labelledby="account-contacts">
          <h2 id="account-contacts">Contacts</h2>
          {contacts.data?.length === 0 ? <p className="muted">No contacts.</p> : null}
          <ul>
            {(contacts.data ?? []).map((c) => (
              <li key={c.id}>
                <Link href={`/app/contacts/${c.id}`}>{c.name ?? c.email ?? `Contact ${c.id}`}</Link>
              </li>
            ))}
          </ul>
        </section>
        <section className="card" aria-labelledby="account-leads">
          <h2 id="account-leads">Leads</h2>
          {leads.data?.length === 0 ? <p className="muted">No leads.</p> : null}
          <ul>
            {(leads.data ?? []).map((l) => (
              <li key={l.id}>
                <Link href={`/app/leads/${l.id}`}>{l.title || `Lead ${l.id}`}</Link> ·{" "}
                {formatAmounts({ [l.currency]: l.value })} · {l.status}
              </li>
            ))}
          </ul>
        </section>
      </div>
    </main>
  );
}
