// The three one-time links: first-run setup (creates the owner), invite acceptance and
// password reset. The token travels in the URL fragment, which browsers never send to a
// server or in a Referer.
import { useState } from "react";
import { api, unwrap } from "../api/console-client";
import { ErrorNotice } from "../components/ErrorNotice";
import { navigate, useLocation, useTitle } from "../app/router";
import { useSession } from "../app/session";
import { useAction } from "../lib/useAction";

type Kind = "setup" | "invite" | "reset";
const TITLES: Record<Kind, string> = {
  setup: "Create the owner's account",
  invite: "Join your team",
  reset: "Choose a new password",
};

export function LinkScreen({ kind }: { kind: Kind }) {
  useTitle(TITLES[kind]);
  const { hash } = useLocation();
  const token = new URLSearchParams(hash.replace(/^#/, "")).get("token") ?? "";
  const { refresh } = useSession();
  const { error, busy, run, setError } = useAction();

  function submit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const password = String(f.get("password") ?? "");
    if (password !== String(f.get("confirm") ?? "")) {
      setError(new Error("The two passwords differ."));
      return;
    }
    return run(async () => {
      if (kind === "setup") {
        unwrap(
          await api.POST("/v1/auth/setup", {
            body: { token, name: String(f.get("name")), email: String(f.get("email")), password },
          }),
        );
      } else if (kind === "invite") {
        const name = String(f.get("name") ?? "").trim();
        unwrap(await api.POST("/v1/auth/invite/accept", { body: { token, password, ...(name ? { name } : {}) } }));
      } else {
        unwrap(await api.POST("/v1/auth/password-reset", { body: { token, password } }));
      }
      await refresh();
      navigate("/app/contacts", { replace: true });
    });
  }

  return (
    <main id="main" className="auth-page">
      <form className="card auth" onSubmit={(e) => void submit(e)} aria-labelledby="link-title">
        <h1 id="link-title">{TITLES[kind]}</h1>
        {!token ? (
          <p role="alert" className="notice error">
            This page needs the link you were given, with its #token= part.
          </p>
        ) : null}
        <ErrorNotice error={error} />
        {kind !== "reset" ? (
          <label>
            {kind === "invite" ? "Your name (optional)" : "Your name"}
            <input name="name" autoComplete="name" required={kind === "setup"} />
          </label>
        ) : null}
        {kind === "setup" ? (
          <label>
            Email
            <input name="email" type="email" autoComplete="username" required />
          </label>
        ) : null}
        <label>
          Password (at least 10 characters)
          <input name="password" type="password" autoComplete="new-password" minLength={10} required />
        </label>
        <label>
          Password again
          <input name="confirm" type="password" autoComplete="new-password" minLength={10} required />
        </label>
        <button type="submit" className="primary" disabled={busy || !token}>
          {busy ? "…" : "Continue"}
        </button>
      </form>
    </main>
  );
}
