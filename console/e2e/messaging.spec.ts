// Messaging: a template written and previewed (a bad variable refused with the server's
// words, an SMS's segment count), a campaign to a segment sent to a real SMTP server on
// loopback with its progress followed live, and what that server received; an audience
// built as a rule in the campaign dialog.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { acceptInvite, api, checkA11y, expect, invitedPerson, test } from "./fixtures";

interface Received {
  rcpt_tos: string[];
  headers: Record<string, string>;
  parts: { type: string; text: string }[];
}
function received(): Received[] {
  const dir = process.env.SB_SMTP_DIR!;
  return readdirSync(dir)
    .filter((f) => f.endsWith(".json"))
    .map((f) => JSON.parse(readFileSync(join(dir, f), "utf8")) as Received);
}

test("a campaign built from a template reaches its segment through SMTP with live progress", async ({ page }) => {
  const stamp = Date.now();
  const settings = (await api().GET("/v1/settings/messaging")).data!;
  await api().PUT("/v1/settings/messaging", { body: { ...settings, from_name: "Clinic", from_address: "news@clinic.example" } });
  const tag = `news${stamp % 1000000}`;
  const people = ["Ana", "Ben", "Cleo"];
  for (const name of people) {
    await api().POST("/v1/contacts", { body: { name: `${name} ${tag}`, email: `${name.toLowerCase()}.${stamp}@mail.io`, tags: [tag] } });
  }
  const segment = await api().POST("/v1/segments", { body: { name: `Newsletter ${tag}`, rule: { field: "tags", op: "any", value: [tag] } } });
  expect(segment.response.status).toBe(201);

  const admin = await invitedPerson("Mo", "admin");
  await acceptInvite(page, admin.url);
  await page.getByRole("link", { name: "Messaging" }).click();
  await page.getByRole("link", { name: "Templates" }).click();
  await page.getByRole("button", { name: "New template" }).click();
  await page.getByRole("dialog", { name: "New template" }).getByLabel("Name").fill(`Spring ${stamp}`);
  await page.getByRole("button", { name: "Create template" }).click();
  await expect(page.getByRole("heading", { name: `Spring ${stamp}` })).toBeVisible();

  // A variable that does not exist is refused, naming the part.
  await page.getByLabel("Subject").fill("Hi {{ contact.nickname }}");
  await page.getByRole("button", { name: "Save and preview" }).click();
  await expect(page.getByRole("alert")).toContainText(/subject/i);
  await page.getByLabel("Subject").fill("Spring news for {{ contact.first_name }}");
  await page.getByLabel("Plain text").fill('Hello {{ contact.first_name | default: "there" }}, our spring offers are here.');
  await page.getByRole("button", { name: "Save and preview" }).click();
  await expect(page.getByText("Saved")).toBeVisible();
  await expect(page.getByLabel("Text preview")).toContainText("our spring offers are here.");
  await checkA11y(page, "template editor");

  await page.getByRole("link", { name: "Campaigns" }).click();
  await page.getByRole("button", { name: "New campaign" }).click();
  const dialog = page.getByRole("dialog", { name: "New campaign" });
  await dialog.getByLabel("Name").fill(`Spring campaign ${stamp}`);
  await dialog.getByLabel("Template").selectOption({ label: `Spring ${stamp} (email)` });
  await dialog.getByLabel("Audience (segment)").selectOption({ label: `Newsletter ${tag}` });
  await expect(dialog.getByRole("status")).toHaveText("3 contacts in the audience now");
  await checkA11y(page, "new campaign dialog");
  await dialog.getByRole("button", { name: "Create draft" }).click();
  await expect(page.getByRole("heading", { name: `Spring campaign ${stamp}` })).toBeVisible();
  await page.getByRole("button", { name: "Send now" }).click();
  // The page follows the campaign while it sends.
  await expect(page.getByText("Progress: 3 of 3 done")).toBeVisible({ timeout: 30_000 });
  await expect(page.getByLabel("Campaign stats").locator(".stat").filter({ hasText: "sent" })).toContainText("3");
  await checkA11y(page, "campaign page");

  const mine = received().filter((m) => m.rcpt_tos.some((r) => r.endsWith(`.${stamp}@mail.io`)));
  expect(mine.map((m) => m.headers["Subject"]).sort()).toEqual(people.map((n) => `Spring news for ${n}`).sort());
  expect(mine.every((m) => m.headers["From"]?.includes("news@clinic.example"))).toBe(true);
  expect(mine.some((m) => m.parts.some((p) => p.text.includes("Hello Ana, our spring offers are here.")))).toBe(true);
  const campaigns = await api().GET("/v1/campaigns", { params: { query: { limit: 100 } } });
  const id = campaigns.data!.data.find((c) => c.name === `Spring campaign ${stamp}`)!.id;
  const stats = await api().GET("/v1/campaigns/{id}/stats", { params: { path: { id } } });
  expect(stats.data).toMatchObject({ targeted: 3, sent: 3, failed: 0 });
});

test("a campaign's audience is a rule built in the dialog, counted live and kept as its filter", async ({ page }) => {
  const stamp = Date.now();
  const tag = `rule${stamp % 1000000}`;
  for (const name of ["Ida", "Jo"]) {
    await api().POST("/v1/contacts", { body: { name: `${name} ${tag}`, email: `${name.toLowerCase()}.${stamp}@mail.io`, tags: [tag] } });
  }
  const template = await api().POST("/v1/templates", { body: { name: `Rule mail ${stamp}`, channel: "email", subject: "Hi", text: "Hi" } });
  const admin = await invitedPerson("Ru", "admin");
  await acceptInvite(page, admin.url);
  await page.goto("/app/messaging/campaigns");
  await page.getByRole("button", { name: "New campaign" }).click();
  const dialog = page.getByRole("dialog", { name: "New campaign" });
  await dialog.getByLabel("Name").fill(`Rule campaign ${stamp}`);
  await dialog.getByLabel("Template").selectOption({ label: `${template.data!.name} (email)` });
  await dialog.getByLabel("Contacts matching a rule").check();
  await dialog.getByRole("button", { name: "Add a condition to Audience rule" }).click();
  await dialog.getByLabel("Audience rule, condition 1: value").fill(tag);
  await expect(dialog.getByRole("status")).toHaveText("2 contacts in the audience now");
  await checkA11y(page, "new campaign dialog with a rule");
  await dialog.getByRole("button", { name: "Create draft" }).click();
  await expect(page.getByRole("heading", { name: `Rule campaign ${stamp}` })).toBeVisible();
  const campaigns = await api().GET("/v1/campaigns", { params: { query: { limit: 100 } } });
  const made = campaigns.data!.data.find((c) => c.name === `Rule campaign ${stamp}`)!;
  expect(made.segment_id).toBeNull();
  expect(made.filter).toEqual({ field: "tags", op: "any", value: [tag] });
});

test("an SMS template shows its segment count as it is typed", async ({ page }) => {
  const admin = await invitedPerson("Sol", "admin");
  const t = await api().POST("/v1/templates", { body: { name: `Reminder ${Date.now()}`, channel: "sms", text: "Hi" } });
  await acceptInvite(page, admin.url);
  await page.goto(`/app/messaging/templates/${t.data!.id}`);
  const text = page.getByRole("textbox", { name: "Text", exact: true });
  await text.fill("a".repeat(161));
  await expect(page.getByLabel("SMS length")).toHaveText("161 GSM-7 units · 2 segments (before variables)");
  await text.fill("Lịch hẹn của bạn");
  await expect(page.getByLabel("SMS length")).toContainText("UCS-2 units · 1 segment");
});
