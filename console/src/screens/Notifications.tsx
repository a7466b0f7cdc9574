// The signed-in person's notifications (a workflow's crm.notify, a handoff, a ticket
// assigned, a webhook disabled): unread first, mark one or all read. The count in the top
// bar (useUnreadCount) follows the live stream.
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { api, unwrap } from "../api/console-client";
import { useLocation, useTitle } from "../app/router";
import { useSession } from "../app/session";
import { ErrorNotice } from "../components/ErrorNotice";
import { Link } from "../components/Link";
import { relativeTime } from "../components/badges";
import { useAction } from "../lib/useAction";

export default function Notifications() {
  const qc = useQueryClient();
  const { session } = useSession();
  const { search } = useLocation();
  const showAll = new URLSearchParams(search).get("show") === "all";
  const uid = String(session?.user.id ?? 0);
  useTitle("Notifications");
  const list = useQuery({
    queryKey: ["notifications", "list", uid, showAll],
    queryFn: async () =>
      unwrap(
        await api.GET("/v1/notifications", {
          params: { query: { user_id: uid, order: "desc", limit: 100, ...(showAll ? {} : { read: "false" }) } },
        }),
      ),
  });
  const { error, busy, run } = useAction();
  const refresh = () => qc.invalidateQueries({ queryKey: ["notifications"] });
  const markRead = (ids: number[]) =>
    run(async () => {
      for (const id of ids) unwrap(await api.PATCH("/v1/notifications/{id}", { params: { path: { id } }, body: { read: true } }));
      await refresh();
    });
  const rows = list.data?.data ?? [];
  const unread = rows.filter((n) => !n.read).map((n) => n.id);
  return (
    <main id="main" tabIndex={-1}>
      <div className="page-head">
        <h1>Notifications</h1>
        <nav aria-label="Which notifications" className="tabs inline-tabs">
          <Link href="/app/notifications" aria-current={showAll ? undefined : "page"}>
            Unread
          </Link>
          <Link href="/app/notifications?show=all" aria-current={showAll ? "page" : undefined}>
            All
          </Link>
        </nav>
        <div className="actions">
          <button type="button" disabled={busy || unread.length === 0} onClick={() => void markRead(unread)}>
            Mark all read
          </button>
        </div>
      </div>
      <ErrorNotice error={error ?? list.error} />
      {list.data && rows.length === 0 ? <p className="empty">{showAll ? "No notifications." : "Nothing unread."}</p> : null}
      <ul className="notes">
        {rows.map((n) => (
          <li key={n.id} className={n.read ? "read" : "unread"}>
            <p className="note-body">
              {n.read ? null : <span className="sr-only">Unread: </span>}
              {n.text}
            </p>
            <span className="muted">
              {relativeTime(n.created_at)}
              {n.source ? ` · ${n.source}` : ""}
              {n.contact_id ? (
                <>
                  {" · "}
                  <Link href={`/app/contacts/${n.contact_id}`}>Open the contact</Link>
                </>
              ) : null}
            </span>{" "}
            {n.read ? null : (
              <button type="button" className="ghost" disabled={busy} onClick={() => void markRead([n.id])}>
                Mark read
              </button>
            )}
          </li>
        ))}
      </ul>
      {list.data?.next_cursor ? <p className="muted">Showing the newest 100.</p> : null}
    </main>
  );
}
