// Live updates: one EventSource on GET /v1/stream per browser while someone is signed in. Each event
// names its subject; the screens showing it refetch (lists at most once a second, so a
// bulk change of thousands of contacts does not refetch thousands of times).
import type { QueryClient } from "@tanstack/react-query";
import { useEffect } from "react";

export interface LiveEvent {
  id: number;
  type: string;
  subject_type: string | null;
  subject_id: number | null;
}

// What to refetch for an event: [query key prefix, throttled?].
export function keysFor(e: LiveEvent): [unknown[], boolean][] {
  const out: [unknown[], boolean][] = [];
  const family = e.type.split(".")[0] ?? "";
  if (e.subject_type === "contact" && e.subject_id !== null) {
    out.push([["contact", e.subject_id], false], [["timeline", e.subject_id], false]);
    out.push([["contacts"], true], [["contact-stats"], true]);
  }
  if (family === "message" || family === "conversation") {
    out.push([["messages"], false], [["conversations"], false]);
  }
  if (family === "note") out.push([["notes"], false]);
  if (family === "user") out.push([["users"], true]);
  if (family === "custom_field") out.push([["custom-fields"], true]);
  if (family === "api_key") out.push([["api-keys"], true]);
  // Records that name a contact have the contact as subject, not themselves: refetch the
  // family (throttled), not one id.
  if (family === "lead" || family === "pipeline" || family === "pipeline_stage") {
    out.push([["board"], true], [["leads"], true], [["lead"], true]);
  }
  if (family === "lead_activity") out.push([["activities"], true]);
  if (family === "form") out.push([["form-submissions"], true], [["forms"], true]);
  if (family === "segment") out.push([["segments"], true], [["segment-count"], true], [["segment-members"], true], [["segment-history"], true]);
  if (family === "appointment") out.push([["appointments"], true], [["related"], true]);
  if (family === "ticket" || family === "ticket_comment") {
    out.push([["tickets"], true], [["ticket"], true], [["ticket-comments"], true]);
  }
  if (family === "notification") out.push([["notifications"], false]);
  return out;
}

export function useLiveUpdates(queryClient: QueryClient, sessionId: number | null): void {
  useEffect(() => {
    if (sessionId === null || typeof EventSource === "undefined") return;
    const pending = new Map<string, unknown[]>();
    let timer: ReturnType<typeof setTimeout> | null = null;
    const flush = () => {
      timer = null;
      for (const key of pending.values()) void queryClient.invalidateQueries({ queryKey: key });
      pending.clear();
    };
    const stop = shareStream(`sb-stream-${sessionId}`, (event) => {
      for (const [key, throttled] of keysFor(event)) {
        if (!throttled) void queryClient.invalidateQueries({ queryKey: key });
        else {
          pending.set(JSON.stringify(key), key);
          timer ??= setTimeout(flush, 1000);
        }
      }
    });
    return () => {
      stop();
      if (timer) clearTimeout(timer);
    };
  }, [queryClient, sessionId]);
}

// One stream per browser, not per tab (the server holds a thread per open stream): the tab
// holding the Web Lock `name` opens the EventSource and passes each event to the other
// tabs over a BroadcastChannel; when it closes, a waiting tab takes the lock and opens its
// own. Browsers without either API get a stream per tab.
export function shareStream(name: string, onEvent: (e: LiveEvent) => void): () => void {
  const parse = (data: unknown): LiveEvent | null => {
    try {
      return JSON.parse(String(data)) as LiveEvent;
    } catch {
      return null;
    }
  };
  const open = (forward: (e: LiveEvent) => void) => {
    const source = new EventSource("/v1/stream");
    source.onmessage = (message) => {
      const event = parse(message.data);
      if (event) forward(event);
    };
    return source;
  };
  if (typeof navigator === "undefined" || !("locks" in navigator) || typeof BroadcastChannel === "undefined") {
    const source = open(onEvent);
    return () => source.close();
  }
  const channel = new BroadcastChannel(name);
  channel.onmessage = (m: MessageEvent<LiveEvent>) => onEvent(m.data);
  const leave = new AbortController();
  navigator.locks
    .request(name, { signal: leave.signal }, () => {
      if (leave.signal.aborted) return;
      const source = open((event) => {
        onEvent(event);
        channel.postMessage(event);
      });
      // Held until this tab leaves: then the lock passes to another tab.
      return new Promise<void>((release) =>
        leave.signal.addEventListener("abort", () => {
          source.close();
          release();
        }),
      );
    })
    .catch(() => undefined); // aborted while waiting: another tab kept the stream
  return () => {
    leave.abort();
    channel.close();
  };
}
