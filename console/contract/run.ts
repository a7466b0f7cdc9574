// Runs the walkthrough against a live server: SB_URL and SB_KEY name it. Every call must
// succeed the way the generated types say; any failure exits non-zero with the reason.
import { walkthrough } from "./usage.js";

const url = process.env["SB_URL"];
const key = process.env["SB_KEY"];
if (!url || !key) {
  console.error("contract: set SB_URL and SB_KEY");
  process.exit(2);
}
walkthrough(url, key).then(
  (seen) => {
    const expected = ["created", "listed", "stage Qualified",
                      "stale etag refused: precondition_failed", "not modified", "note",
                      "timeline", "ticket", "ticket resolved by a one-field patch", "segment count 1", "captured"];
    const missing = expected.filter((e) => !seen.some((s) => s.startsWith(e)));
    if (missing.length > 0) {
      console.error(`contract: steps without their answer: ${missing.join(", ")}\n${seen.join("\n")}`);
      process.exit(1);
    }
    console.log(`contract: ${seen.length} steps against ${url}`);
  },
  (err: unknown) => {
    console.error(`contract: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
