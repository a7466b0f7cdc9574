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
});
