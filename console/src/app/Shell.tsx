// The frame around every signed-in screen: navigation, who is signed in, sign-out, and the
// command palette (Ctrl/Cmd+K).
import { useEffect, useState } from "react";
import { api } from "../api/console-client";
import { Link } from "../components/Link";
import { CommandPalette } from "../components/CommandPalette";
import { useLocation } from "./router";
import { useUnreadCount } from "../api/queries";
import { canWrite, isAdmin, useSession } from "./session";

export function Shell({ children }: { children: React.ReactNode }) {
  const { session, signedOut } = useSession();
  const { path } = useLocation();
  const [palette, setPalette] = useState(false);
  const staff = canWrite(session);
  const unread = useUnreadCount(staff ? (session?.user.id ?? null) : null);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === "k") {
        e.preventDefault();
        setPalette(true);
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);

  async function signOut() {
    await api.POST("/v1/auth/logout");
    signedOut();
  }
  const current = (prefix: string) => (path.startsWith(prefix) ? "page" : undefined);
  return (
    <div className="shell">
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <span className="brand">Switchboard</span>
        <nav aria-label="Main">
          <Link href="/app/contacts" aria-current={current("/app/contacts")}>
            Contacts
          </Link>
          <Link href="/app/pipelines" aria-current={current("/app/pipelines") ?? current("/app/leads") ?? current("/app/accounts")}>
            Pipelines
          </Link>
          <Link href="/app/tickets" aria-current={current("/app/tickets")}>
            Tickets
          </Link>
          <Link href="/app/segments" aria-current={current("/app/segments")}>
            Segments
          </Link>
          <Link href="/app/messaging/campaigns" aria-current={current("/app/messaging")}>
            Messaging
          </Link>
          <Link href="/app/forms" aria-current={current("/app/forms")}>
            Forms
          </Link>
          <Link href="/app/calendar" aria-current={current("/app/calendar")}>
            Calendar
          </Link>
          <Link href="/app/reports" aria-current={current("/app/reports")}>
            Reports
          </Link>
          {isAdmin(session) ? (
            <Link href="/app/workflows" aria-current={current("/app/workflows")}>
              Workflows
            </Link>
          ) : null}
          {isAdmin(session) ? (
            <Link href="/app/settings/users" aria-current={current("/app/settings")}>
              Settings
            </Link>
          ) : null}
        </nav>
        <button type="button" className="ghost" onClick={() => setPalette(true)} aria-keyshortcuts="Control+K">
          Search… <kbd>Ctrl K</kbd>
        </button>
        {staff ? (
          <Link href="/app/notifications" aria-current={current("/app/notifications")}>
            Notifications
            {unread.data ? (
              <>
                <span className="count" aria-hidden="true">
                  {unread.data >= 100 ? "99+" : unread.data}
                </span>
                <span className="sr-only">, {unread.data >= 100 ? "99+" : unread.data} unread</span>
              </>
            ) : null}
          </Link>
        ) : null}
        <Link className="who" href="/app/account" aria-current={current("/app/account")}>
          {session?.user.name} · {session?.team.name} · {session?.role}
        </Link>
        <button type="button" onClick={() => void signOut()}>
          Sign out
        </button>
      </header>
      {children}
      {palette ? <CommandPalette onClose={() => setPalette(false)} /> : null}
    </div>
  );
}
