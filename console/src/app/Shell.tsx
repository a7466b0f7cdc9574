// The frame around every signed-in screen: navigation, who is signed in, sign-out, and the
// command palette (Ctrl/Cmd+K).
import { useEffect, useState } from "react";
import { api } from "../api/console-client";
import { Link } from "../components/Link";
import { CommandPalette } from "../components/CommandPalette";
import { useLocation } from "./router";
import { useUnreadCount } from "../api/queries";
import { canWrite, isAdmin, useSession } from "./session";

// The main navigation: each screen, the paths that belong to it, and who sees it.
const SCREENS: { label: string; href: string; paths: string[]; admin?: boolean }[] = [
  { label: "Contacts", href: "/app/contacts", paths: ["/app/contacts"] },
  { label: "Pipelines", href: "/app/pipelines", paths: ["/app/pipelines", "/app/leads", "/app/accounts"] },
  { label: "Tickets", href: "/app/tickets", paths: ["/app/tickets"] },
  { label: "Segments", href: "/app/segments", paths: ["/app/segments"] },
  { label: "Messaging", href: "/app/messaging/campaigns", paths: ["/app/messaging"] },
  { label: "Forms", href: "/app/forms", paths: ["/app/forms"] },
  { label: "Calendar", href: "/app/calendar", paths: ["/app/calendar"] },
  { label: "Reports", href: "/app/reports", paths: ["/app/reports"] },
  { label: "Workflows", href: "/app/workflows", paths: ["/app/workflows"], admin: true },
  { label: "Settings", href: "/app/settings/users", paths: ["/app/settings"], admin: true },
];

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
          {SCREENS.filter((screen) => !screen.admin || isAdmin(session)).map((screen) => (
            <Link key={screen.href} href={screen.href} aria-current={screen.paths.some((p) => path.startsWith(p)) ? "page" : undefined}>
              {screen.label}
            </Link>
          ))}
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
