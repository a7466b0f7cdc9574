// Settings for running the CRM: an SLA policy's targets and business hours, the plugins
// (a real one loaded with its action run from the screen, a broken file with its reason),
// and the audit log filtered in the URL. Results are checked through the API.
import { acceptInvite, api, checkA11y, expect, invitedPerson, test } from "./fixtures";

test("an admin edits an SLA policy, runs a plugin action and finds both in the audit log", async ({ page }) => {
  const admin = await invitedPerson("Oli", "admin");
  await acceptInvite(page, admin.url);
  await page.goto("/app/settings/sla");
  const name = `Night shift ${Date.now()}`;
  await page.getByLabel("New policy").fill(name);
  await page.getByRole("button", { name: "Add policy" }).click();
  const form = page.getByRole("form", { name: `SLA policy ${name}` });
  await form.getByLabel("urgent first response minutes").fill("30");
  await form.getByLabel("urgent resolution minutes").fill("120");
  await form.getByLabel("Around the clock").uncheck();
  await form.getByLabel("Time zone").fill("Europe/Madrid");
  await form.getByLabel("Sat").check();
  await form.getByRole("button", { name: "Save policy" }).click();
  await expect(page.getByRole("form", { name: `SLA policy ${name}` }).getByRole("status")).toHaveText("Saved");
  await checkA11y(page, "settings: SLA policies");
  const policies = await api().GET("/v1/sla-policies");
  const saved = policies.data!.data.find((p) => p.name === name)!;
  expect(saved.targets).toMatchObject({ urgent: { first_response_minutes: 30, resolution_minutes: 120 } });
  expect(saved.business_hours).toEqual({ time_zone: "Europe/Madrid", days: [1, 2, 3, 4, 5, 6], start: "09:00", end: "17:00" });
  expect(saved.is_default).toBe(false);

  // A bad time zone is refused with the server's words and nothing changes.
  await page.getByRole("form", { name: `SLA policy ${name}` }).getByLabel("Time zone").fill("Mars/Olympus");
  await page.getByRole("form", { name: `SLA policy ${name}` }).getByRole("button", { name: "Save policy" }).click();
  await expect(page.getByRole("form", { name: `SLA policy ${name}` }).getByRole("alert")).toContainText(/time.?zone/i);
  const after = await api().GET("/v1/sla-policies/{id}", { params: { path: { id: saved.id } } });
  expect((after.data!.business_hours as { time_zone: string }).time_zone).toBe("Europe/Madrid");

  await page.getByRole("link", { name: "Plugins" }).click();
  const table = page.getByRole("table");
  await expect(table.getByRole("row").filter({ hasText: "assign_balanced" })).toContainText("action assign_balanced.assign");
  await expect(page.getByRole("listitem").filter({ hasText: "broken.so" })).toBeVisible();
  await checkA11y(page, "settings: plugins");
  const contact = await api().POST("/v1/contacts", { body: { name: "Assign me" } });
  await page.getByLabel("Input (JSON)").fill(`{"id": ${contact.data!.id}}`);
  await page.getByRole("button", { name: "Run" }).click();
  await expect(page.getByLabel("Action result")).toContainText("µs");
  await page.getByLabel("Input (JSON)").fill("{not json");
  await page.getByRole("button", { name: "Run" }).click();
  await expect(page.getByRole("alert")).toContainText("The input is not JSON");

  await page.getByRole("link", { name: "Audit log" }).click();
  await page.getByLabel("Who").selectOption("user");
  await page.getByLabel("Action starts with").fill("PATCH /v1/sla-policies");
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page).toHaveURL(/actor_type=user&action=PATCH/);
  await expect(page.getByRole("row").filter({ hasText: "PATCH /v1/sla-policies/{id}" }).first()).toBeVisible();
  await checkA11y(page, "settings: audit log");
  await page.getByLabel("Action starts with").fill("POST /v1/actions");
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page.getByRole("row").filter({ hasText: "POST /v1/actions/{name}" }).first()).toBeVisible();
});
