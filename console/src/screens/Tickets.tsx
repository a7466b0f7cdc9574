// Tickets: the queue (status, priority and assignee filters in the URL; SLA countdowns that
// tick every 30 s and breach badges that follow the server live), a ticket's page with
// public replies and internal notes, assign, resolve and reopen, and new tickets.
import { useInfiniteQuery, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { api, unwrap, type Schemas } from "../api/console-client";
import { useUsers } from "../api/queries";
import { navigate, useLocation, useTitle } from "../app/router";
import { canWrite, useSession } from "../app/session";
import { FormDialog } from "../components/forms";
import { ErrorNotice } from "../components/ErrorNotice";
import { Link } from "../components/Link";
import { UserOptions } from "../components/options";
import { slaState, type SlaTimes } from "../lib/sla";
import { useAction } from "../lib/useAction";

const STATUSES = ["open", "pending", "resolved", "closed"] as const;
const PRIORITIES = ["low", "normal", "high", "urgent"] as const;
type Ticket = Schemas["Ticket"];

// The current time, re-read every `ms` so countdowns move without refetching.
function useNow(ms = 30_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(t);
  }, [ms]);
  return now;
}

export function SlaBadge({ ticket, now }: { ticket: SlaTimes; now: number }) {
  const s = slaState(ticket, now);
  return (
    <span className="sla">
      {ticket.sla_breached ? <span className="badge sla-breached">SLA breached</span> : null}{" "}
      <span className={`sla-${s.tone}`}>{s.label}</span>
    </span>
  );
}

export default function Tickets({ id }: { id: number | null }) {
  return id === null ? <TicketQueue /> : <TicketPage id={id} />;
}

function TicketQueue() {
  const { search } = useLocation();
  const { session } = useSession();
  const users = useUsers();
  const now = useNow();
  useTitle("Tickets");
  const params = new URLSearchParams(search);
  const status = params.get("status") ?? "open,pending";
  const priority = params.get("priority") ?? "";
  const assignee = params.get("assignee") ?? "";
  const breached = params.get("breached") === "1";
  const set = (key: string, value: string, fallback = "") => {
    const next = new URLSearchParams(search);
    if (value === fallback) next.delete(key);
    else next.set(key, value);
    const s = next.toString();
    navigate(`/app/tickets${s ? `?${s}` : ""}`, { replace: true });
  };
  const assigneeId = assignee === "me" ? String(session?.user.id ?? "") : assignee;
  const query = {
    limit: 100,
    order: "desc" as const,
    ...(status ? { status } : {}),
    ...(priority ? { priority } : {}),
    ...(assigneeId ? { assignee_id: assigneeId } : {}),
    ...(breached ? { sla_breached: "true" } : {}),
  };
  const tickets = useInfiniteQuery({
    queryKey: ["tickets", query],
    initialPageParam: "",
    queryFn: async ({ pageParam }) =>
      unwrap(await api.GET("/v1/tickets", { params: { query: { ...query, ...(pageParam ? { cursor: pageParam } : {}) } } })),
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
  const rows = tickets.data?.pages.flatMap((p) => p.data) ?? [];
  const name = (uid: number | null) => users.data?.find((u) => u.id === uid)?.name ?? "Unassigned";
  return (
    <main id="main" tabIndex={-1}>
      <div className="page-head">
        <h1>Tickets</h1>
        <div className="actions">{canWrite(session) ? <NewTicket /> : null}</div>
      </div>
      <div className="filters" role="search" aria-label="Ticket filters">
        <label>
          Status
          <select value={status} onChange={(e) => set("status", e.target.value, "open,pending")}>
            <option value="open,pending">Open or pending</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
            <option value="">Any</option>
          </select>
        </label>
        <label>
          Priority
          <select value={priority} onChange={(e) => set("priority", e.target.value)}>
            <option value="">Any</option>
            <option value="urgent,high">Urgent or high</option>
            {PRIORITIES.map((p) => (
              <option key={p} value={p}>
                {p}
              </option>
            ))}
          </select>
        </label>
        <label>
          Assignee
          <select value={assignee} onChange={(e) => set("assignee", e.target.value)}>
            <option value="">Anyone</option>
            <option value="me">Me</option>
            <option value="null">Unassigned</option>
            <UserOptions users={users.data} />
          </select>
        </label>
        <label className="check">
          <input type="checkbox" checked={breached} onChange={(e) => set("breached", e.target.checked ? "1" : "")} />
          SLA breached only
        </label>
      </div>
      <ErrorNotice error={tickets.error} />
      {tickets.data && rows.length === 0 ? <p className="empty">No tickets match.</p> : null}
      {rows.length ? (
        <table className="plain queue">
          <thead>
            <tr>
              <th scope="col">Subject</th>
              <th scope="col">Priority</th>
              <th scope="col">Status</th>
              <th scope="col">Assignee</th>
              <th scope="col">SLA</th>
              <th scope="col">Opened</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((t) => (
              <tr key={t.id}>
                <td>
                  <Link href={`/app/tickets/${t.id}`}>{t.subject}</Link>
                </td>
                <td>
                  <span className={`badge priority-${t.priority}`}>{t.priority}</span>
                </td>
                <td>{t.status}</td>
                <td>{name(t.assignee_id)}</td>
                <td>
                  <SlaBadge ticket={t} now={now} />
                </td>
                <td>{new Date(t.created_at).toLocaleString()}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {tickets.hasNextPage ? (
        <button type="button" disabled={tickets.isFetchingNextPage} onClick={() => void tickets.fetchNextPage()}>
          Load more
        </button>
      ) : null}
    </main>
  );
}

function NewTicket() {
  const submit = async (form: FormData) => {
    const t = unwrap(
      await api.POST("/v1/tickets", {
        body: {
          subject: String(form.get("subject")),
          description: String(form.get("description") || "") || null,
          priority: String(form.get("priority")) as Ticket["priority"],
        },
      }),
    );
    navigate(`/app/tickets/${t.id}`);
  };
  return (
    <FormDialog title="New ticket" openLabel="New ticket" submitLabel="Create ticket" primary onSubmit={submit}>
      <label>
        Subject
        <input name="subject" required maxLength={200} />
      </label>
      <label>
        Description
        <textarea name="description" rows={4} maxLength={20000} />
      </label>
      <label>
        Priority
        <select name="priority" defaultValue="normal">
          {PRIORITIES.map((p) => (
            <option key={p}>{p}</option>
          ))}
        </select>
      </label>
    </FormDialog>
  );
}

function TicketPage({ id }: { id: number }) {
  const qc = useQueryClient();
  const { session } = useSession();
  const writer = canWrite(session);
  const users = useUsers();
  const now = useNow();
  const ticket = useQuery({
    queryKey: ["ticket", id],
    queryFn: async () => unwrap(await api.GET("/v1/tickets/{id}", { params: { path: { id } } })),
  });
  const { error, busy, run } = useAction();
  useTitle(ticket.data?.subject ?? "Ticket");
  const save = (body: Schemas["TicketPatch"]) =>
    run(async () => {
      qc.setQueryData(["ticket", id], unwrap(await api.PATCH("/v1/tickets/{id}", { params: { path: { id } }, body })));
      void qc.invalidateQueries({ queryKey: ["tickets"] });
    });
  if (ticket.error)
    return (
      <main id="main" tabIndex={-1}>
        <h1>Ticket</h1>
        <ErrorNotice error={ticket.error} />
      </main>
    );
  if (!ticket.data) return <p className="loading">Loading…</p>;
  const t = ticket.data;
  const closed = t.status === "resolved" || t.status === "closed";
  return (
    <main id="main" tabIndex={-1}>
      <p>
        <Link href="/app/tickets">← Tickets</Link>
      </p>
      <div className="page-head">
        <h1>{t.subject}</h1>
        <span className={`badge priority-${t.priority}`}>{t.priority}</span>
        <SlaBadge ticket={t} now={now} />
        {writer ? (
          <div className="actions">
            {closed ? (
              <button type="button" disabled={busy} onClick={() => void save({ status: "open" })}>
                Reopen
              </button>
            ) : (
              <button type="button" className="primary" disabled={busy} onClick={() => void save({ status: "resolved" })}>
                Resolve
              </button>
            )}
          </div>
        ) : null}
      </div>
      <ErrorNotice error={error} />
      <div className="profile-grid">
        <section className="card" aria-labelledby="ticket-fields">
          <h2 id="ticket-fields">Details</h2>
          <fieldset disabled={!writer || busy} className="stack plain-fieldset">
            <label>
              Status
              <select value={t.status} onChange={(e) => void save({ status: e.target.value as Ticket["status"] })}>
                {STATUSES.map((s) => (
                  <option key={s}>{s}</option>
                ))}
              </select>
            </label>
            <label>
              Priority
              <select value={t.priority} onChange={(e) => void save({ priority: e.target.value as Ticket["priority"] })}>
                {PRIORITIES.map((p) => (
                  <option key={p}>{p}</option>
                ))}
              </select>
            </label>
            <label>
              Assignee
              <select
                value={t.assignee_id ? String(t.assignee_id) : ""}
                onChange={(e) => void save({ assignee_id: e.target.value ? Number(e.target.value) : null })}
              >
                <option value="">Unassigned</option>
                <UserOptions users={users.data} />
              </select>
            </label>
          </fieldset>
          {writer && session && t.assignee_id !== session.user.id ? (
            <button type="button" disabled={busy} onClick={() => void save({ assignee_id: session.user.id })}>
              Assign to me
            </button>
          ) : null}
          <dl>
            <dt>Contact</dt>
            <dd>{t.contact_id ? <Link href={`/app/contacts/${t.contact_id}`}>Contact {t.contact_id}</Link> : "–"}</dd>
            <dt>First response due</dt>
            <dd>{t.first_response_due_at ? new Date(t.first_response_due_at).toLocaleString() : "–"}</dd>
            <dt>First response</dt>
            <dd>{t.first_responded_at ? new Date(t.first_responded_at).toLocaleString() : "not yet"}</dd>
            <dt>Resolution due</dt>
            <dd>{t.resolve_due_at ? new Date(t.resolve_due_at).toLocaleString() : "–"}</dd>
            <dt>Tags</dt>
            <dd>{t.tags.join(", ") || "–"}</dd>
          </dl>
          {t.description ? <p className="note-body">{t.description}</p> : null}
        </section>
        <Comments ticketId={id} writer={writer} users={users.data} />
      </div>
    </main>
  );
}

function Comments({ ticketId, writer, users }: { ticketId: number; writer: boolean; users: Schemas["User"][] | undefined }) {
  const qc = useQueryClient();
  const key = ["ticket-comments", ticketId];
  const comments = useQuery({
    queryKey: key,
    queryFn: async () =>
      unwrap(await api.GET("/v1/tickets/{id}/comments", { params: { path: { id: ticketId }, query: { limit: 200 } } })).data,
  });
  const { error, busy, run } = useAction();
  const [internal, setInternal] = useState(false);
  const add = (body: string) =>
    run(async () => {
      unwrap(await api.POST("/v1/tickets/{id}/comments", { params: { path: { id: ticketId } }, body: { body, internal } }));
      await qc.invalidateQueries({ queryKey: key });
      void qc.invalidateQueries({ queryKey: ["ticket", ticketId] }); // the first reply stops the clock
    });
  const author = (c: Schemas["TicketComment"]) =>
    c.author_user_id ? (users?.find((u) => u.id === c.author_user_id)?.name ?? `User ${c.author_user_id}`) : c.author_key_id ? `API key ${c.author_key_id}` : "System";
  return (
    <section className="card" aria-labelledby="ticket-comments">
      <h2 id="ticket-comments">Conversation</h2>
      <ErrorNotice error={error ?? comments.error} />
      {comments.data?.length === 0 ? <p className="muted">No replies yet.</p> : null}
      <ul className="notes">
        {(comments.data ?? []).map((c) => (
          <li key={c.id} className={c.internal ? "internal" : undefined}>
            <p className="note-body">{c.body}</p>
            <span className="muted">
              {c.internal ? <strong>Internal note · </strong> : "Reply · "}
              {author(c)} · {new Date(c.created_at).toLocaleString()}
            </span>
          </li>
        ))}
      </ul>
      {writer ? (
        <form
          className="stack"
          onSubmit={(e) => {
            e.preventDefault();
            const form = e.currentTarget;
            const body = String(new FormData(form).get("body") ?? "").trim();
            if (body) void add(body).then(() => form.reset());
          }}
        >
          <label>
            {internal ? "Internal note (only the team sees it)" : "Public reply"}
            <textarea name="body" rows={3} maxLength={20000} required />
          </label>
          <div className="actions">
            <label className="check">
              <input type="checkbox" checked={internal} onChange={(e) => setInternal(e.target.checked)} /> Internal note
            </label>
            <button type="submit" className="primary" disabled={busy}>
              {internal ? "Add note" : "Add reply"}
            </button>
          </div>
        </form>
      ) : null}
    </section>
  );
}
