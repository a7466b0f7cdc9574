// A small router over the History API: the path picks the screen, the query string holds
// the screen's state (filters, sort, tab). Links are real <a href>s, so middle-click,
// copy-link and Back work as on any site.
import { useEffect, useSyncExternalStore } from "react";

const listeners = new Set<() => void>();
const notify = () => listeners.forEach((l) => l());
window.addEventListener("popstate", notify);

function subscribe(l: () => void) {
  listeners.add(l);
  return () => listeners.delete(l);
}
const snapshot = () => window.location.pathname + window.location.search + window.location.hash;

export function useLocation(): { path: string; search: string; hash: string } {
  useSyncExternalStore(subscribe, snapshot);
  return { path: window.location.pathname, search: window.location.search, hash: window.location.hash };
}

export function navigate(to: string, options: { replace?: boolean } = {}): void {
  if (to === snapshot()) return;
  if (options.replace) window.history.replaceState(null, "", to);
  else window.history.pushState(null, "", to);
  notify();
  window.scrollTo(0, 0);
}

// Client-side navigation for a plain left click on an in-app link.
export function onLinkClick(e: React.MouseEvent<HTMLAnchorElement>): void {
  const a = e.currentTarget;
  if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
  if (a.target && a.target !== "_self") return;
  const url = new URL(a.href);
  if (url.origin !== window.location.origin || !url.pathname.startsWith("/app/")) return;
  e.preventDefault();
  navigate(url.pathname + url.search + url.hash);
}

export function useTitle(title: string): void {
  useEffect(() => {
    document.title = `${title} · Switchboard`;
  }, [title]);
}

// "/app/contacts/42" against "/app/contacts/:id" -> { id: "42" }, or null.
export function match(pattern: string, path: string): Record<string, string> | null {
  const a = pattern.split("/").filter(Boolean);
  const b = path.split("/").filter(Boolean);
  if (a.length !== b.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < a.length; i++) {
    const p = a[i]!;
    const v = b[i]!;
    if (p.startsWith(":")) params[p.slice(1)] = decodeURIComponent(v);
    else if (p !== v) return null;
  }
  return params;
}
