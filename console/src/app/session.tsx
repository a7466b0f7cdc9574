// Who is signed in, for every screen: the session from GET /v1/auth/session (its CSRF
// token goes to the API client), or null when nobody is.
import { createContext, useContext } from "react";
import type { Session } from "../api/console-client";

export interface SessionState {
  session: Session | null;
  refresh: () => Promise<void>;
  signedOut: () => void;
}

export const SessionContext = createContext<SessionState>({
  session: null,
  refresh: async () => {},
  signedOut: () => {},
});

export function useSession(): SessionState {
  return useContext(SessionContext);
}

export function canWrite(session: Session | null): boolean {
  return !!session && session.role !== "viewer";
}
export function isAdmin(session: Session | null): boolean {
  return !!session && (session.role === "admin" || session.role === "owner");
}
