// A failed request as the person sees it: the server's own message, and the request id to
// quote to whoever runs the server.
import { ApiError } from "../api/console-client";

export function ErrorNotice({ error }: { error: unknown }) {
  if (!error) return null;
  const e = error instanceof ApiError ? error : null;
  return (
    <div role="alert" className="notice error">
      <strong>{e ? e.message : String((error as Error)?.message ?? error)}</strong>
      {e?.requestId ? <span className="muted"> (request {e.requestId})</span> : null}
    </div>
  );
}
