// What every journey shares: the API (owner key, team A; owner key, team B) through the
// generated client, links mailed to people (read from the loopback SMTP sink), a page that fails the test on any page error, console.error or 5xx,
// and an accessibility check (axe: no serious or critical violation).
import AxeBuilder from "@axe-core/playwright";
import { expect, test as base, type Page } from "@playwright/test";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { apiClient, type ApiClient } from "../src/api/client";

export const URL_BASE = process.env.SB_URL!;
export const PASSWORD = "a long enough password";

export function api(key = process.env.SB_KEY!): ApiClient {
  return apiClient(URL_BASE, key);
}

export async function checkA11y(page: Page, what: string): Promise<void> {
  const result = await new AxeBuilder({ page }).analyze();
  const bad = result.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(bad.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`), what).toEqual([]);
}

// A person of the key's team, invited through the API: returns their email.
export async function invitedPerson(name: string, role: "viewer" | "agent" | "admin" | "owner", key?: string) {
  const client = api(key);
  const email = `${name}.${Date.now()}@people.io`;
  const user = await client.POST("/v1/users", { body: { name, email, role } });
  expect(user.response.status).toBe(201);
  const invite = await client.POST("/v1/users/{id}/invite", { params: { path: { id: user.data!.id } } });
  expect(invite.response.status).toBe(200);
  // The journeys' server has a mail relay (the loopback SMTP sink): the link comes by email.
  const url = invite.data!.invite_url ?? (await linkMailedTo(email, "/app/invite#token="));
  return { email, id: user.data!.id, url };
}

// The first link containing `path` in the newest email the SMTP sink received for `to`.
export async function linkMailedTo(to: string, path: string): Promise<string> {
  const dir = process.env.SB_SMTP_DIR!;
  for (let i = 0; i < 100; i++) {
    const mails = readdirSync(dir)
      .filter((f) => f.endsWith(".json"))
      .sort()
      .reverse()
      .map((f) => JSON.parse(readFileSync(join(dir, f), "utf8")) as { rcpt_tos: string[]; parts: { text: string }[] });
    const mail = mails.find((m) => m.rcpt_tos.some((r) => r.toLowerCase() === to.toLowerCase()));
    const link = mail?.parts.map((p) => new RegExp(`https?://\\S*${path.replace(/[#/]/g, "\\$&")}\\S+`).exec(p.text)?.[0]).find(Boolean);
    if (link) return link;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no email with a ${path} link reached ${to}`);
}

export async function signIn(page: Page, email: string, password = PASSWORD): Promise<void> {
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password", { exact: true }).fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

export async function acceptInvite(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.getByLabel("Password (at least 10 characters)").fill(PASSWORD);
  await page.getByLabel("Password again").fill(PASSWORD);
  await page.getByRole("button", { name: "Continue" }).click();
  await expect(page.getByRole("heading", { name: "Contacts", level: 1 })).toBeVisible();
}

export const test = base.extend<{ failures: string[] }>({
  failures: [
    async ({ page }, use) => {
      const failures: string[] = [];
      page.on("pageerror", (e) => failures.push(`page error: ${e.message}`));
      page.on("console", (m) => {
        // A refused request is the test's subject in a few journeys (401 after sign-out,
        // 412, 403): the browser logs those as errors; everything else fails the test.
        if (m.type() === "error" && !/Failed to load resource: the server responded with a status of 4\d\d/.test(m.text()))
          failures.push(`console.error: ${m.text()}`);
      });
      page.on("response", (r) => {
        if (r.status() >= 500) failures.push(`HTTP ${r.status()} ${r.request().method()} ${r.url()}`);
      });
      await use(failures);
      expect(failures, "page errors, console errors and 5xx answers").toEqual([]);
    },
    { auto: true },
  ],
});
export { expect };
