import { describe, expect, it } from "vitest";
import { BUILTIN_FIELDS, fromRule, toRootRule, toRule, type RuleNode } from "./filterFields";

const info = (field: string) => BUILTIN_FIELDS.find((f) => f.field === field);

describe("the rule builder's catalogue", () => {
  it("reads fields, operators and value kinds from the contract", () => {
    expect(info("tags")).toEqual({ field: "tags", ops: ["any", "all", "none", "exists"], kind: "list" });
    expect(info("bookings_count")?.kind).toBe("number");
    expect(info("last_active")).toEqual({ field: "last_active", ops: ["gt", "gte", "lt", "lte"], kind: "time" });
    expect(info("segment")?.ops).toEqual(["eq", "ne"]);
    expect(info("unanswered_ticket")?.kind).toBe("flag");
    expect(info("status")?.kind).toBe("choice");
    expect(info("limit")).toBeUndefined();
  });
});

describe("tree <-> rule", () => {
  const tree: RuleNode = {
    kind: "group",
    mode: "all",
    negate: false,
    children: [
      { kind: "condition", field: "tags", op: "any", value: "vip, lead", negate: false },
      {
        kind: "group",
        mode: "any",
        negate: false,
        children: [
          { kind: "condition", field: "bookings_count", op: "gte", value: "2", negate: false },
          { kind: "condition", field: "last_active", op: "lt", value: "now-60d", negate: true },
        ],
      },
      { kind: "condition", field: "segment", op: "eq", value: "12", negate: false },
    ],
  };
  const rule = {
    all: [
      { field: "tags", op: "any", value: ["vip", "lead"] },
      { any: [{ field: "bookings_count", op: "gte", value: 2 }, { not: { field: "last_active", op: "lt", value: "now-60d" } }] },
      { field: "segment", op: "eq", value: 12 },
    ],
  };
  it("writes the JSON rule the server takes", () => {
    expect(toRule(tree, info)).toEqual(rule);
  });
  it("reads a stored rule back into the same tree", () => {
    expect(fromRule(rule)).toEqual(tree);
    expect(fromRule({})).toEqual({ kind: "group", mode: "all", negate: false, children: [] });
    expect(toRule(fromRule({}), info)).toEqual({});
  });
  it("types flags and exists", () => {
    expect(toRule({ kind: "condition", field: "unanswered_ticket", op: "eq", value: "true", negate: false }, info)).toEqual({
      field: "unanswered_ticket",
      op: "eq",
      value: true,
    });
    expect(toRule({ kind: "condition", field: "email", op: "exists", value: "false", negate: false }, info)).toEqual({
      field: "email",
      op: "exists",
      value: false,
    });
  });
  it("keeps a single condition's shape at the top", () => {
    const one = { field: "bookings_count", op: "gte", value: 3 };
    expect(toRootRule({ kind: "group", mode: "all", negate: false, children: [fromRule(one)] }, info)).toEqual(one);
    expect(toRootRule({ kind: "group", mode: "any", negate: false, children: [fromRule(one)] }, info)).toEqual({ any: [one] });
  });
});
