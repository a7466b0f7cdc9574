// Live updates: one EventSource on GET /v1/stream while someone is signed in. Each event
// names its subject; the screens showing it refetch (lists at most once a second, so a
// bulk change of thousands of contacts does not refetch thousands of times).
import type { QueryClient } from "@tanstack/react-query";
import { useEffect } from "react";

interface LiveEvent {
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
  return out;
}

export function useLiveUpdates(queryClient: QueryClient, sessionId: number | null): void {
  useEffect(() => {
    if (sessionId === null || typeof EventSource === "undefined") return;
    const source = new EventSource("/v1/stream");
    const pending = new Map<string, unknown[]>();
    let timer: ReturnType<typeof setTimeout> | null = null;
    const flush = () => {
      timer = null;
      for (const key of pending.values()) void queryClient.invalidateQueries({ queryKey: key });
      pending.clear();
    };
    source.onmessage = (message) => {
      let event: LiveEvent;
      try {
        event = JSON.parse(message.data as string) as LiveEvent;
      } catch {
        return;
      }
      for (const [key, throttled] of keysFor(event)) {
        if (!throttled) void queryClient.invalidateQueries({ queryKey: key });
        else {
          pending.set(JSON.stringify(key), key);
          timer ??= setTimeout(flush, 1000);
        }
      }
    };
    return () => {
      source.close();
      if (timer) clearTimeout(timer);
    };
  }, [queryClient, sessionId]);
}
