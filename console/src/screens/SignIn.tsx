// Sign-in (and "forgot password"): on success, back to the page that asked for it.
import { useState } from "react";
import { api, unwrap } from "../api/console-client";
import { ErrorNotice } from "../components/ErrorNotice";
import { Link } from "../components/Link";
import { navigate, useLocation, useTitle } from "../app/router";
import { useSession } from "../app/session";
import { useAction } from "../lib/useAction";

// Only a path inside the console: never an address on another site.
export function safeNext(search: string): string {
  const next = new URLSearchParams(search).get("next") ?? "";
  return next.startsWith("/app/") && !next.startsWith("//") ? next : "/app/contacts";
}

export function SignIn() {
  const { path, search } = useLocation();
  const forgot = path.startsWith("/app/forgot");
  useTitle(forgot ? "Reset your password" : "Sign in");
  const { refresh } = useSession();
  const { error, busy, run } = useAction();
  const [sent, setSent] = useState<string | null>(null);

  function submit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const email = String(form.get("email") ?? "");
    return run(async () => {
      if (forgot) {
        const r = unwrap(await api.POST("/v1/auth/password-reset/request", { body: { email } }));
        setSent(
          r.emailed
            ? "If this email belongs to an account, a reset link is on its way."
            : "This server sends no email: ask an admin to run `switchboard user reset-password`.",
        );
      } else {
        const password = String(form.get("password") ?? "");
        unwrap(await api.POST("/v1/auth/login", { body: { email, password } }));
        await refresh();
        navigate(safeNext(search), { replace: true });
      }
    });
  }

  return (
    <main id="main" className="auth-page">
      <form className="card auth" onSubmit={(e) => void submit(e)} aria-labelledby="auth-title">
        <h1 id="auth-title">{forgot ? "Reset your password" : "Sign in to Switchboard"}</h1>
        <ErrorNotice error={error} />
        {sent ? (
          <p role="status" className="notice">
            {sent}
          </p>
        ) : null}
        <label>
          Email
          <input name="email" type="email" autoComplete="username" required autoFocus />
        </label>
        {forgot ? null : (
          <label>
            Password
            <input name="password" type="password" autoComplete="current-password" required />
          </label>
        )}
        <button type="submit" className="primary" disabled={busy}>
          {busy ? "…" : forgot ? "Send reset link" : "Sign in"}
        </button>
        <p>
          {forgot ? (
            <Link href="/app/sign-in">Back to sign-in</Link>
          ) : (
            <Link href="/app/forgot">Forgot your password?</Link>
          )}
        </p>
      </form>
    </main>
  );
}
