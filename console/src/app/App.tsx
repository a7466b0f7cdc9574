// The console's shell: loads the session, routes to a screen (each its own chunk), sends
// a signed-out person to sign-in and back to where they were afterwards.
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { lazy, Suspense, useCallback, useEffect, useMemo, useState } from "react";
import { api, setCsrfToken, setSessionEndedHandler, type Session } from "../api/console-client";
import { match, navigate, useLocation } from "./router";
import { SessionContext } from "./session";
import { Shell } from "./Shell";
import { useLiveUpdates } from "./live";
import { SignIn } from "../screens/SignIn";
import { LinkScreen } from "../screens/LinkScreen";

const ContactsList = lazy(() => import("../screens/ContactsList"));
const ContactProfile = lazy(() => import("../screens/ContactProfile"));
const Settings = lazy(() => import("../screens/Settings"));
const Account = lazy(() => import("../screens/Account"));
const Reports = lazy(() => import("../screens/Reports"));
const PipelineBoard = lazy(() => import("../screens/PipelineBoard"));
const LeadDetail = lazy(() => import("../screens/LeadDetail"));
const Accounts = lazy(() => import("../screens/Accounts"));
const Tickets = lazy(() => import("../screens/Tickets"));
const Notifications = lazy(() => import("../screens/Notifications"));
const Workflows = lazy(() => import("../screens/Workflows"));
const Calendar = lazy(() => import("../screens/Calendar"));
const Segments = lazy(() => import("../screens/Segments"));
const Forms = lazy(() => import("../screens/Forms"));
const Messaging = lazy(() => import("../screens/Messaging"));

const queryClient = new QueryClient({
  defaultOptions: { queries: { retry: false, refetchOnWindowFocus: false, staleTime: 10_000 } },
});

const PUBLIC = ["/app/sign-in", "/app/setup", "/app/invite", "/app/reset", "/app/forgot"];

export function App() {
  const { path, search } = useLocation();
  const [session, setSession] = useState<Session | null>(null);
  const [loaded, setLoaded] = useState(false);

  const refresh = useCallback(async () => {
    const r = await api.GET("/v1/auth/session");
    if (r.data) {
      setCsrfToken(r.data.csrf_token);
      setSession(r.data);
    } else {
      setCsrfToken("");
      setSession(null);
    }
    setLoaded(true);
  }, []);

  const signedOut = useCallback(() => {
    setCsrfToken("");
    setSession(null);
    queryClient.clear();
    const here = window.location.pathname + window.location.search;
    if (!PUBLIC.some((p) => window.location.pathname.startsWith(p))) {
      navigate(`/app/sign-in?next=${encodeURIComponent(here)}`, { replace: true });
    }
  }, []);

  useEffect(() => {
    setSessionEndedHandler(signedOut);
    void refresh();
  }, [refresh, signedOut]);

  const isPublic = PUBLIC.some((p) => path.startsWith(p));
  useEffect(() => {
    if (!loaded) return;
    if (!session && !isPublic) {
      navigate(`/app/sign-in?next=${encodeURIComponent(path + search)}`, { replace: true });
    } else if (path === "/app" || path === "/app/") {
      navigate("/app/contacts", { replace: true });
    }
  }, [loaded, session, isPublic, path, search]);

  useLiveUpdates(queryClient, session?.session_id ?? null);
  const state = useMemo(() => ({ session, refresh, signedOut }), [session, refresh, signedOut]);
  if (!loaded) return <p className="loading">Loading…</p>;

  let screen: React.ReactNode;
  if (path.startsWith("/app/sign-in") || path.startsWith("/app/forgot")) screen = <SignIn />;
  else if (path.startsWith("/app/setup")) screen = <LinkScreen kind="setup" />;
  else if (path.startsWith("/app/invite")) screen = <LinkScreen kind="invite" />;
  else if (path.startsWith("/app/reset")) screen = <LinkScreen kind="reset" />;
  else if (!session) screen = null;
  else {
    let inner: React.ReactNode;
    let m: Record<string, string> | null;
    const contact = match("/app/contacts/:id", path);
    if (match("/app/contacts", path)) inner = <ContactsList />;
    else if (contact) inner = <ContactProfile id={Number(contact.id)} />;
    else if (path.startsWith("/app/settings")) inner = <Settings />;
    else if (path === "/app/account") inner = <Account />;
    else if (path === "/app/reports") inner = <Reports />;
    else if (match("/app/pipelines", path)) inner = <PipelineBoard id={null} />;
    else if ((m = match("/app/pipelines/:id", path))) inner = <PipelineBoard id={Number(m.id)} />;
    else if ((m = match("/app/leads/:id", path))) inner = <LeadDetail id={Number(m.id)} />;
    else if (match("/app/accounts", path)) inner = <Accounts id={null} />;
    else if ((m = match("/app/accounts/:id", path))) inner = <Accounts id={Number(m.id)} />;
    else if (match("/app/tickets", path)) inner = <Tickets id={null} />;
    else if ((m = match("/app/tickets/:id", path))) inner = <Tickets id={Number(m.id)} />;
    else if (path === "/app/notifications") inner = <Notifications />;
    else if (path === "/app/calendar") inner = <Calendar />;
    else if (path.startsWith("/app/messaging")) inner = <Messaging />;
    else if (match("/app/forms", path)) inner = <Forms id={null} />;
    else if ((m = match("/app/forms/:id", path))) inner = <Forms id={m.id === "new" ? "new" : Number(m.id)} />;
    else if (match("/app/segments", path)) inner = <Segments id={null} />;
    else if ((m = match("/app/segments/:id", path))) inner = <Segments id={m.id === "new" ? "new" : Number(m.id)} />;
    else if (match("/app/workflows", path)) inner = <Workflows id={null} />;
    else if ((m = match("/app/workflows/:id", path))) inner = <Workflows id={Number(m.id)} />;
    else inner = <NotFound />;
    screen = (
      <Shell>
        <Suspense fallback={<p className="loading">Loading…</p>}>{inner}</Suspense>
      </Shell>
    );
  }
  return (
    <SessionContext.Provider value={state}>
      <QueryClientProvider client={queryClient}>{screen}</QueryClientProvider>
    </SessionContext.Provider>
  );
}

function NotFound() {
  return (
    <main id="main" tabIndex={-1}>
      <h1>Not found</h1>
      <p>There is nothing at this address.</p>
    </main>
  );
}
