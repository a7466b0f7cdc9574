// Browser journeys against the real binary (e2e/run-against-server.sh starts it), in
// Debian's Chromium: Playwright downloads no browser here.
import { defineConfig } from "@playwright/test";

export default defineConfig({
  testDir: "e2e",
  testMatch: "*.spec.ts",
  workers: 1,
  retries: 0,
  timeout: 90_000,
  reporter: [["list"]],
  outputDir: "test-results",
  use: {
    baseURL: process.env.SB_URL,
    headless: true,
    launchOptions: { executablePath: process.env.SB_CHROMIUM ?? "/usr/bin/chromium" },
    trace: "off",
  },
});
