import { describe, expect, it } from "vitest";
import { smsSegments } from "./sms";

describe("SMS segments", () => {
  it("counts GSM-7 texts in 160 / 153 units, extension characters twice", () => {
    expect(smsSegments("")).toEqual({ encoding: "GSM-7", units: 0, segments: 0 });
    expect(smsSegments("a".repeat(160)).segments).toBe(1);
    expect(smsSegments("a".repeat(161)).segments).toBe(2);
    expect(smsSegments("a".repeat(306)).segments).toBe(2);
    expect(smsSegments("a".repeat(307)).segments).toBe(3);
    expect(smsSegments("€")).toEqual({ encoding: "GSM-7", units: 2, segments: 1 });
  });
  it("falls back to UCS-2 in 70 / 67 units", () => {
    expect(smsSegments("Xin chào bạn").encoding).toBe("UCS-2");
    expect(smsSegments("Voilà").encoding).toBe("GSM-7");
    expect(smsSegments("ồ".repeat(70)).segments).toBe(1);
    expect(smsSegments("ồ".repeat(71)).segments).toBe(2);
    expect(smsSegments("😀")).toEqual({ encoding: "UCS-2", units: 2, segments: 1 });
  });
});
