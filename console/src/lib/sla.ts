// How a ticket stands against its SLA at a moment: which due time is next (first response
// until someone answered publicly, then resolution), how long is left or how long overdue,
// and whether the breach is already recorded by the server.
export interface SlaTimes {
  status: string;
  first_response_due_at: string | null;
  resolve_due_at: string | null;
  first_responded_at: string | null;
  sla_breached: boolean;
}

export interface SlaState {
  label: string; // "First response in 2 h 5 min", "Resolution overdue by 12 min", "SLA met"
  tone: "ok" | "soon" | "late" | "none";
}

export function duration(ms: number): string {
  const minutes = Math.max(0, Math.floor(ms / 60000));
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return minutes % 60 ? `${hours} h ${minutes % 60} min` : `${hours} h`;
  return `${Math.floor(hours / 24)} d ${hours % 24} h`;
}

// `soonMs`: how close to the due time a ticket turns "soon" (default one hour).
export function slaState(t: SlaTimes, now: number, soonMs = 3600_000): SlaState {
  if (t.status === "resolved" || t.status === "closed") return { label: t.sla_breached ? "SLA breached" : "SLA met", tone: "none" };
  const responding = !t.first_responded_at && t.first_response_due_at;
  const due = responding ? t.first_response_due_at : t.resolve_due_at;
  const what = responding ? "First response" : "Resolution";
  if (!due) return { label: "No SLA", tone: "none" };
  const left = Date.parse(due) - now;
  if (left < 0) return { label: `${what} overdue by ${duration(-left)}`, tone: "late" };
  return { label: `${what} in ${duration(left)}`, tone: left <= soonMs ? "soon" : "ok" };
}
