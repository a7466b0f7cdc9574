// The console's bundle budgets, checked after every build (./dev): the entry chunk (what
// the first page needs, CSS included) <= 200 kB gzip, each lazily loaded screen chunk
// <= 60 kB. The workflow editor's CodeMirror loads on demand in library chunks (cm-*,
// vite.config.ts): @codemirror/view alone is ~72 kB gzip and cannot be split, so those
// have a budget of 80 kB each.
// Prints one line per file; exits 1 when a budget is exceeded.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

const ENTRY_BUDGET = 200 * 1024;
const CHUNK_BUDGET = 60 * 1024;
const LIBRARY_BUDGET = 80 * 1024;
const dist = new URL("../dist/", import.meta.url).pathname;
const html = readFileSync(join(dist, "index.html"), "utf8");
const entryFiles = new Set([...html.matchAll(/\/app\/(assets\/[^"]+)"/g)].map((m) => m[1]));
let entry = 0;
let failed = false;
const rows = [];
for (const name of readdirSync(join(dist, "assets")).sort()) {
  const size = gzipSync(readFileSync(join(dist, "assets", name)), { level: 9 }).length;
  const file = `assets/${name}`;
  if (entryFiles.has(file)) {
    entry += size;
    rows.push([file, size, "entry"]);
  } else {
    const library = name.startsWith("cm-");
    const budget = library ? LIBRARY_BUDGET : CHUNK_BUDGET;
    const over = name.endsWith(".js") && size > budget;
    failed ||= over;
    rows.push([file, size, over ? `OVER ${budget / 1024} kB` : library ? "editor lib" : "chunk"]);
  }
}
const kb = (n) => `${(n / 1024).toFixed(1)} kB`;
for (const [file, size, kind] of rows) console.log(`console bundle  ${kind.padEnd(12)} ${kb(size).padStart(9)}  ${file}`);
const entryOver = entry > ENTRY_BUDGET;
console.log(
  `console bundle  entry total  ${kb(entry).padStart(9)}  (budget ${kb(ENTRY_BUDGET)}; chunks ${kb(CHUNK_BUDGET)} each, editor libraries ${kb(LIBRARY_BUDGET)})${entryOver ? "  OVER" : ""}`,
);
if (entryOver || failed) process.exit(1);
