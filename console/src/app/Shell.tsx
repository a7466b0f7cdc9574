// The frame around every signed-in screen: navigation, who is signed in, sign-out, and the
// command palette (Ctrl/Cmd+K).
import { useEffect, useState } from "react";
import { api } from "../api/console-client";
import { Link } from "../components/Link";
import { CommandPalette } from "../components/CommandPalette";
import { useLocation } from "./router";
import { isAdmin, useSession } from "./session";

export function Shell({ children }: { children: React.ReactNode }) {
  const { session, signedOut } = useSession();
  const { path } = useLocation();
  const [palette, setPalette] = useState(false);

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
          <Link href="/app/reports" aria-current={current("/app/reports")}>
            Reports
          </Link>
          {isAdmin(session) ? (
            <Link href="/app/settings/users" aria-current={current("/app/settings")}>
              Settings
            </Link>
          ) : null}
        </nav>
        <button type="button" className="ghost" onClick={() => setPalette(true)} aria-keyshortcuts="Control+K">
          Search… <kbd>Ctrl K</kbd>
        </button>
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
