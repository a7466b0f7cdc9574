import { describe, expect, it } from "vitest";
import { addDays, mondayOf, zonedInstant, zonedParts } from "./zoned";

describe("times in the team's zone", () => {
  it("finds local midnights across a DST change", () => {
    // Madrid springs forward on 2030-03-31: that day lasts 23 hours.
    const day = zonedInstant("2030-03-31", "00:00", "Europe/Madrid");
    const next = zonedInstant("2030-04-01", "00:00", "Europe/Madrid");
    expect(new Date(day).toISOString()).toBe("2030-03-30T23:00:00.000Z");
    expect(next - day).toBe(23 * 3600_000);
    expect(new Date(zonedInstant("2030-01-07", "09:00", "Asia/Ho_Chi_Minh")).toISOString()).toBe("2030-01-07T02:00:00.000Z");
  });
  it("moves a time skipped by DST past the gap", () => {
    expect(new Date(zonedInstant("2030-03-31", "02:30", "Europe/Madrid")).toISOString()).toBe("2030-03-31T01:30:00.000Z");
  });
  it("reads an instant in the zone", () => {
    expect(zonedParts(Date.parse("2030-03-30T23:30:00Z"), "Europe/Madrid")).toEqual({ date: "2030-03-31", time: "00:30", weekday: 6 });
  });
  it("does calendar arithmetic on dates", () => {
    expect(addDays("2030-02-27", 2)).toBe("2030-03-01");
    expect(mondayOf("2030-03-10")).toBe("2030-03-04");
    expect(mondayOf("2030-03-04")).toBe("2030-03-04");
  });
});
