// The console's speed, measured in Debian's Chromium against a Release server (./dev bench).
import { defineConfig } from "@playwright/test";

export default defineConfig({
  testDir: ".",
  testMatch: "*.bench.ts",
  workers: 1,
  timeout: 600_000,
  reporter: [["line"]],
  outputDir: "../test-results/bench",
  use: {
    baseURL: process.env.SB_URL,
    headless: true,
    launchOptions: { executablePath: process.env.SB_CHROMIUM ?? "/usr/bin/chromium" },
  },
});
