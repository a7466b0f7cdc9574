import { describe, expect, it } from "vitest";
import { duration, slaState } from "./sla";

const now = Date.parse("2026-03-01T12:00:00Z");
const base = { status: "open", first_responded_at: null, sla_breached: false };

describe("SLA countdown", () => {
  it("counts down to the first response, then to resolution", () => {
    const t = { ...base, first_response_due_at: "2026-03-01T14:05:00Z", resolve_due_at: "2026-03-03T12:00:00Z" };
    expect(slaState(t, now)).toEqual({ label: "First response in 2 h 5 min", tone: "ok" });
    expect(slaState({ ...t, first_responded_at: "2026-03-01T12:30:00Z" }, now)).toEqual({ label: "Resolution in 2 d 0 h", tone: "ok" });
  });
  it("turns soon within the hour and late after the due time", () => {
    const soon = { ...base, first_response_due_at: "2026-03-01T12:40:00Z", resolve_due_at: null };
    expect(slaState(soon, now).tone).toBe("soon");
    const late = { ...base, first_response_due_at: "2026-03-01T11:48:00Z", resolve_due_at: null };
    expect(slaState(late, now)).toEqual({ label: "First response overdue by 12 min", tone: "late" });
  });
  it("says met or breached once resolved, and no SLA without due times", () => {
    const t = { ...base, first_response_due_at: null, resolve_due_at: null };
    expect(slaState(t, now).label).toBe("No SLA");
    expect(slaState({ ...t, status: "resolved" }, now).label).toBe("SLA met");
    expect(slaState({ ...t, status: "closed", sla_breached: true }, now).label).toBe("SLA breached");
  });
  it("writes durations in minutes, hours or days", () => {
    expect(duration(59_000)).toBe("0 min");
    expect(duration(3600_000)).toBe("1 h");
    expect(duration(50 * 3600_000)).toBe("2 d 2 h");
  });
});
