import { describe, expect, it } from "vitest";
import { readHeader } from "./ImportDialog";

describe("the CSV header the import dialog maps", () => {
  it("detects the delimiter and strips a BOM and quotes", () => {
    expect(readHeader('\uFEFFname;"email";Phone\r\nAna;a@x.io;1\r\n')).toEqual(["name", "email", "Phone"]);
    expect(readHeader("a\tb\tc\n1\t2\t3")).toEqual(["a", "b", "c"]);
    expect(readHeader("only")).toEqual(["only"]);
  });
});
