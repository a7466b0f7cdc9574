// A contact's conversations: the list, the chat view (newest page first, older pages on
// scroll-up, new messages live) and the handoff panel a person taking over needs at a
// glance (intent, status, needs, tags, notes, open tickets, next appointment).
import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { useEffect, useLayoutEffect, useRef, useState } from "react";
import { api, unwrap, type Contact } from "../api/console-client";
import { IntentBadge, relativeTime } from "../components/badges";
import { ErrorNotice } from "../components/ErrorNotice";

const PAGE = 50;

export function Conversations({ contact }: { contact: Contact }) {
  const id = contact.id;
  const conversations = useQuery({
    queryKey: ["conversations", id],
    queryFn: async () =>
      unwrap(await api.GET("/v1/contacts/{id}/conversations", { params: { path: { id }, query: { limit: 50 } } })).data,
  });
  const [open, setOpen] = useState<number | null>(null);
  const current = open ?? conversations.data?.[0]?.id ?? null;
  if (conversations.error) return <ErrorNotice error={conversations.error} />;
  if (conversations.data && conversations.data.length === 0) return <p className="empty">No conversations yet.</p>;
  return (
    <section aria-label="Conversations" className="conversations">
      <ul className="conversation-list">
        {(conversations.data ?? []).map((cv) => (
          <li key={cv.id}>
            <button type="button" aria-pressed={cv.id === current} onClick={() => setOpen(cv.id)}>
              {cv.platform} · {cv.status} · {cv.message_count} messages · {relativeTime(cv.last_message_at)}
            </button>
          </li>
        ))}
      </ul>
      {current ? <Messages key={current} conversationId={current} /> : null}
      <HandoffPanel contact={contact} />
    </section>
  );
}

function Messages({ conversationId }: { conversationId: number }) {
  // New messages arrive through the live stream (app/live.ts), which refetches the loaded
  // pages; a slow poll covers a stream that is down.
  const messages = useInfiniteQuery({
    queryKey: ["messages", conversationId],
    refetchInterval: 30_000,
    initialPageParam: undefined as string | undefined,
    queryFn: async ({ pageParam }) =>
      unwrap(
        await api.GET("/v1/conversations/{id}/messages", {
          params: { path: { id: conversationId }, query: { limit: PAGE, order: "desc", ...(pageParam ? { cursor: pageParam } : {}) } },
        }),
      ),
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
  const box = useRef<HTMLOListElement>(null);
  const top = useRef<HTMLLIElement>(null);
  // Pages are newest first; the chat shows oldest first.
  const rows = (messages.data?.pages ?? []).flatMap((p) => p.data).reverse();
  const newest = rows.at(-1)?.id ?? 0;
  const oldest = rows[0]?.id ?? 0;
  const atBottom = useRef(true);
  const heightBefore = useRef(0);

  // Older messages were put above: keep what the person was reading where it was.
  useLayoutEffect(() => {
    const el = box.current;
    if (el && heightBefore.current) el.scrollTop += el.scrollHeight - heightBefore.current;
    heightBefore.current = 0;
  }, [oldest]);
  // A new message, or the first page: follow it when the person is at the bottom.
  useLayoutEffect(() => {
    const el = box.current;
    if (el && atBottom.current) el.scrollTop = el.scrollHeight;
  }, [newest]);

  const loadOlder = () => {
    if (!messages.hasNextPage || messages.isFetchingNextPage) return;
    heightBefore.current = box.current?.scrollHeight ?? 0;
    void messages.fetchNextPage();
  };
  // Reaching the top of the chat loads the page before it.
  useEffect(() => {
    const el = top.current;
    if (!el || typeof IntersectionObserver === "undefined") return;
    const seen = new IntersectionObserver((entries) => entries.some((e) => e.isIntersecting) && loadOlder(), {
      root: box.current,
    });
    seen.observe(el);
    return () => seen.disconnect();
  });

  if (messages.error) return <ErrorNotice error={messages.error} />;
  return (
    <ol
      ref={box}
      className="bubbles"
      aria-label="Messages"
      aria-live="polite"
      tabIndex={0}
      onScroll={(e) => {
        const el = e.currentTarget;
        atBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < 40;
      }}
    >
      <li ref={top} className="older">
        {messages.hasNextPage ? (
          <button type="button" className="ghost" onClick={loadOlder} disabled={messages.isFetchingNextPage}>
            {messages.isFetchingNextPage ? "Loading…" : "Load older messages"}
          </button>
        ) : rows.length ? (
          <span className="muted">Start of the conversation</span>
        ) : null}
      </li>
      {rows.map((m) => (
        <li key={m.id} className={`bubble ${m.role}`}>
          <span className="sr-only">{m.role}: </span>
          {m.text}
          <time dateTime={m.sent_at ?? m.created_at}>{new Date(m.sent_at ?? m.created_at).toLocaleTimeString()}</time>
        </li>
      ))}
    </ol>
  );
}

function HandoffPanel({ contact: c }: { contact: Contact }) {
  const id = c.id;
  const handoff = useQuery({
    queryKey: ["handoff", id],
    queryFn: async () => {
      const [notes, tickets, appointments] = await Promise.all([
        api.GET("/v1/contacts/{id}/notes", { params: { path: { id } } }),
        api.GET("/v1/contacts/{id}/tickets", { params: { path: { id }, query: { status: "open,pending", limit: 5 } } }),
        api.GET("/v1/appointments", {
          params: { query: { contact_id: String(id), status: "booked,confirmed", order: "desc", limit: 50 } },
        }),
      ]);
      const now = Date.now();
      const upcoming = unwrap(appointments)
        .data.filter((a) => Date.parse(a.starts_at) >= now)
        .sort((a, b) => Date.parse(a.starts_at) - Date.parse(b.starts_at));
      return { notes: unwrap(notes).data.slice(0, 3), tickets: unwrap(tickets).data, next: upcoming[0] ?? null };
    },
  });
  const h = handoff.data;
  return (
    <aside aria-labelledby="handoff-title" className="card handoff">
      <h2 id="handoff-title">Handoff</h2>
      <ErrorNotice error={handoff.error} />
      <dl>
        <dt>Intent</dt>
        <dd>
          <IntentBadge intent={c.purchase_intent} />
        </dd>
        <dt>Status</dt>
        <dd>{c.status}</dd>
        <dt>Needs</dt>
        <dd>{c.needs ?? "–"}</dd>
        <dt>Tags</dt>
        <dd>{c.tags.join(", ") || "–"}</dd>
        <dt>Next appointment</dt>
        <dd>{h?.next ? `${h.next.service} · ${new Date(h.next.starts_at).toLocaleString()}` : "None"}</dd>
      </dl>
      <h3>Open tickets</h3>
      {h?.tickets.length ? (
        <ul>
          {h.tickets.map((t) => (
            <li key={t.id}>
              {t.subject} <span className="muted">({t.priority})</span>
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted">None.</p>
      )}
      <h3>Notes</h3>
      {h?.notes.length ? (
        <ul>
          {h.notes.map((n) => (
            <li key={n.id}>{n.body.length > 140 ? `${n.body.slice(0, 140)}…` : n.body}</li>
          ))}
        </ul>
      ) : (
        <p className="muted">None.</p>
      )}
    </aside>
  );
}
