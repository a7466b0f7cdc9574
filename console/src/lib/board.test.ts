import { describe, expect, it } from "vitest";
import { formatAmounts, moveLead, type Board } from "./board";

const stamp = "2026-01-01T00:00:00Z";
function stage(id: number, probability: number, extra: Partial<Board["stages"][number]> = {}): Board["stages"][number] {
  return {
    id,
    pipeline_id: 1,
    name: `S${id}`,
    position: id,
    probability,
    is_won: false,
    is_lost: false,
    created_at: stamp,
    updated_at: stamp,
    totals: { count: 0, value: {}, weighted_value: {} },
    leads: [],
    ...extra,
  };
}
function lead(id: number, stageId: number, value: number, currency = "EUR") {
  return { id, stage_id: stageId, value, currency, status: "open", title: `L${id}` } as Board["stages"][number]["leads"][number];
}

function board(): Board {
  const a = stage(1, 10, { leads: [lead(7, 1, 1000), lead(8, 1, 50, "USD")] });
  a.totals = { count: 2, value: { EUR: 1000, USD: 50 }, weighted_value: { EUR: 100, USD: 5 } };
  const won = stage(2, 100, { is_won: true });
  return {
    pipeline: { id: 1, name: "Sales" } as Board["pipeline"],
    stages: [a, won],
    totals: { count: 2, value: { EUR: 1000, USD: 50 }, weighted_value: { EUR: 100, USD: 5 } },
  };
}

describe("moving a lead on the board", () => {
  it("moves the card and its value between the stages' and the board's totals", () => {
    const after = moveLead(board(), 7, 2);
    expect(after.stages[0]!.leads.map((l) => l.id)).toEqual([8]);
    expect(after.stages[1]!.leads[0]).toMatchObject({ id: 7, stage_id: 2, status: "won" });
    expect(after.stages[0]!.totals).toEqual({ count: 1, value: { USD: 50 }, weighted_value: { USD: 5 } });
    expect(after.stages[1]!.totals).toEqual({ count: 1, value: { EUR: 1000 }, weighted_value: { EUR: 1000 } });
    expect(after.totals).toEqual({ count: 2, value: { EUR: 1000, USD: 50 }, weighted_value: { EUR: 1000, USD: 5 } });
  });
  it("leaves the board alone for the same stage, an unknown lead or an unknown stage", () => {
    const b = board();
    expect(moveLead(b, 7, 1)).toBe(b);
    expect(moveLead(b, 99, 2)).toBe(b);
    expect(moveLead(b, 7, 99)).toBe(b);
  });
});

describe("amounts per currency", () => {
  it("formats each currency, sorted, and a dash for none", () => {
    expect(formatAmounts({ USD: 50, EUR: 1200 }, "en-US")).toBe("€1,200 · $50");
    expect(formatAmounts({}, "en-US")).toBe("–");
    expect(formatAmounts({ XX1: 5 }, "en-US")).toBe("5 XX1");
  });
});
