import { describe, expect, it } from "vitest";
import { keysFor } from "./live";

describe("live events -> what to refetch", () => {
  it("refreshes a contact at once and its lists throttled", () => {
    expect(keysFor({ id: 1, type: "contact.updated", subject_type: "contact", subject_id: 7 })).toEqual([
      [["contact", 7], false],
      [["timeline", 7], false],
      [["contacts"], true],
      [["contact-stats"], true],
    ]);
  });
  it("refreshes conversations on a message, nothing for an unknown event", () => {
    const keys = keysFor({ id: 2, type: "message.received", subject_type: "conversation", subject_id: 3 });
    expect(keys).toEqual([
      [["messages"], false],
      [["conversations"], false],
    ]);
    expect(keysFor({ id: 3, type: "campaign.started", subject_type: "campaign", subject_id: 1 })).toEqual([]);
  });
  it("refreshes the board and tickets by family, since their subject is the contact", () => {
    const lead = keysFor({ id: 4, type: "lead.stage_changed", subject_type: "contact", subject_id: 9 });
    expect(lead).toContainEqual([["board"], true]);
    expect(lead).toContainEqual([["lead"], true]);
    expect(lead).not.toContainEqual([["lead", 9], false]);
    const breach = keysFor({ id: 5, type: "ticket.sla_breached", subject_type: "ticket", subject_id: 2 });
    expect(breach).toContainEqual([["tickets"], true]);
    expect(keysFor({ id: 6, type: "notification.created", subject_type: null, subject_id: null })).toEqual([[["notifications"], false]]);
  });
});
