// The console's API client: the generated types over openapi-fetch, authenticated by the
// session cookie (same origin), with the session's CSRF token on every write. A 401 means
// the session ended: the app goes back to sign-in and returns afterwards.
import createClient, { type Middleware } from "openapi-fetch";
import type { components, paths } from "./schema";

export type Schemas = components["schemas"];
export type Contact = Schemas["Contact"];
export type Session = Schemas["Session"];

let csrfToken = "";
let onSessionEnded: () => void = () => {};

export function setCsrfToken(token: string): void {
  csrfToken = token;
}
export function setSessionEndedHandler(fn: () => void): void {
  onSessionEnded = fn;
}

const csrf: Middleware = {
  onRequest({ request }) {
    if (!["GET", "HEAD", "OPTIONS"].includes(request.method) && csrfToken) {
      request.headers.set("X-CSRF-Token", csrfToken);
    }
    return request;
  },
  onResponse({ response, request }) {
    if (response.status === 401 && !new URL(request.url).pathname.startsWith("/v1/auth/")) {
      onSessionEnded();
    }
    return response;
  },
};

export const api = createClient<paths>({ baseUrl: "", credentials: "same-origin" });
api.use(csrf);

// An error answer as the console shows it: the server's message and its request id.
export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string,
    readonly requestId: string,
    readonly details: Record<string, unknown>,
  ) {
    super(message);
  }
}

type ErrorBody = Schemas["Error"];

// The data of a successful answer, or an ApiError built from the error body.
export function unwrap<T>(result: { data?: T; error?: unknown; response: Response }): T {
  if (result.response.ok && result.data !== undefined) return result.data;
  if (result.response.ok) return undefined as T; // 204
  const body = result.error as ErrorBody | undefined;
  const e = body?.error;
  throw new ApiError(
    e?.message ?? `request failed with HTTP ${result.response.status}`,
    result.response.status,
    e?.code ?? "unknown",
    e?.request_id ?? result.response.headers.get("X-Request-Id") ?? "",
    (e?.details as Record<string, unknown> | undefined) ?? {},
  );
}
