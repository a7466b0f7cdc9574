import { describe, expect, it } from "vitest";
import { diffLines, lineOf } from "./diff";

describe("line diff", () => {
  it("keeps common lines and marks the changed ones in order", () => {
    expect(diffLines("a\nb\nc", "a\nx\nc\nd")).toEqual([
      { kind: "same", text: "a" },
      { kind: "removed", text: "b" },
      { kind: "added", text: "x" },
      { kind: "same", text: "c" },
      { kind: "added", text: "d" },
    ]);
    expect(diffLines("same", "same")).toEqual([{ kind: "same", text: "same" }]);
  });
  it("shows a whole replacement past the size limit", () => {
    expect(diffLines("a\nb", "a\nc", 1).map((l) => l.kind)).toEqual(["removed", "removed", "added", "added"]);
  });
});

describe("a server message's line", () => {
  it("reads file:line from Lua errors", () => {
    expect(lineOf("the workflow does not load: broken.lua:2: unexpected symbol near 'then'\nstack")).toEqual({
      line: 2,
      message: "unexpected symbol near 'then'",
    });
    expect(lineOf("no line here")).toBeNull();
  });
});
