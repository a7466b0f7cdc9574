// Tickets and notifications: the queue filters in the URL, the SLA countdown, internal notes
// that do not stop the clock and a public reply that does, assign, resolve and reopen; a
// notification arriving live in the top bar and marked read in the inbox.
import { acceptInvite, api, checkA11y, expect, invitedPerson, test } from "./fixtures";

async function ticket(id: number) {
  return (await api().GET("/v1/tickets/{id}", { params: { path: { id } } })).data!;
}

test("an agent works an urgent ticket from the queue to resolved", async ({ page }) => {
  const subject = `Cannot book ${Date.now()}`;
  const created = await api().POST("/v1/tickets", { body: { subject, priority: "urgent" } });
  expect(created.response.status).toBe(201);
  const id = created.data!.id;
  const agent = await invitedPerson("Tia", "agent");
  await acceptInvite(page, agent.url);
  await page.getByRole("link", { name: "Tickets" }).click();
  await page.getByLabel("Priority").selectOption({ label: "Urgent or high" });
  await expect(page).toHaveURL(/priority=urgent%2Chigh/);
  const row = page.getByRole("row").filter({ hasText: subject });
  // The default policy answers urgent tickets within an hour: the clock runs.
  await expect(row).toContainText(/First response in \d+ min/);
  await checkA11y(page, "tickets queue");
  await page.reload();
  await expect(page.getByLabel("Priority")).toHaveValue("urgent,high");

  await row.getByRole("link", { name: subject }).click();
  await expect(page.getByRole("heading", { name: subject, level: 1 })).toBeVisible();
  await checkA11y(page, "ticket page");

  // An internal note leaves the first-response clock running.
  await page.getByLabel("Internal note", { exact: true }).check();
  await page.getByLabel("Internal note (only the team sees it)").fill("Checking the calendar sync");
  await page.getByRole("button", { name: "Add note" }).click();
  await expect(page.getByRole("listitem").filter({ hasText: "Checking the calendar sync" })).toContainText("Internal note");
  expect((await ticket(id)).first_responded_at).toBeNull();

  // A public reply stops it; the badge turns to the resolution clock.
  await page.getByLabel("Internal note", { exact: true }).uncheck();
  await page.getByLabel("Public reply").fill("We are on it");
  await page.getByRole("button", { name: "Add reply" }).click();
  await expect(page.locator(".page-head")).toContainText(/Resolution in/);
  expect((await ticket(id)).first_responded_at).not.toBeNull();

  await page.getByRole("button", { name: "Assign to me" }).click();
  await expect.poll(async () => (await ticket(id)).assignee_id).toBe(agent.id);
  await page.getByRole("button", { name: "Resolve" }).click();
  await expect(page.getByRole("button", { name: "Reopen" })).toBeVisible();
  await expect(page.locator(".page-head")).toContainText("SLA met");
  expect((await ticket(id)).status).toBe("resolved");
  await page.getByRole("button", { name: "Reopen" }).click();
  await expect(page.getByRole("button", { name: "Resolve" })).toBeVisible();
  expect((await ticket(id)).status).toBe("open");
});

test("a notification arrives live in the top bar and is marked read in the inbox", async ({ page }) => {
  const agent = await invitedPerson("Noa", "agent");
  await acceptInvite(page, agent.url);
  const inbox = page.getByRole("link", { name: /^Notifications/ });
  await expect(inbox).toBeVisible();
  await expect(inbox).toHaveAccessibleName("Notifications");
  const text = `Ana is ready to buy ${Date.now()}`;
  const made = await api().POST("/v1/notifications", { body: { user_id: agent.id, text } });
  expect(made.response.status).toBe(201);
  // No reload: the live stream brings the count.
  await expect(inbox).toHaveAccessibleName(/^Notifications ?, 1 unread$/);
  await inbox.click();
  await expect(page.getByRole("listitem").filter({ hasText: text })).toBeVisible();
  await checkA11y(page, "notifications");
  await page.getByRole("listitem").filter({ hasText: text }).getByRole("button", { name: "Mark read" }).click();
  await expect(page.getByText("Nothing unread.")).toBeVisible();
  await expect(inbox).toHaveAccessibleName("Notifications");
  const after = await api().GET("/v1/notifications/{id}", { params: { path: { id: made.data!.id } } });
  expect(after.data!.read).toBe(true);
});

test("a viewer reads the queue without write controls; team B's person cannot open team A's ticket", async ({ page }) => {
  const subject = `Printer jam ${Date.now()}`;
  const created = await api().POST("/v1/tickets", { body: { subject } });
  const viewer = await invitedPerson("Vin", "viewer");
  await acceptInvite(page, viewer.url);
  await expect(page.getByRole("link", { name: /^Notifications/ })).toHaveCount(0);
  await page.getByRole("link", { name: "Tickets" }).click();
  await expect(page.getByRole("button", { name: "New ticket" })).toHaveCount(0);
  await page.getByRole("link", { name: subject }).click();
  await expect(page.getByRole("button", { name: "Resolve" })).toHaveCount(0);
  await expect(page.getByLabel("Status")).toBeDisabled();

  const other = await invitedPerson("Ben", "owner", process.env.SB_KEY_B!);
  await page.context().clearCookies();
  await acceptInvite(page, other.url);
  await page.goto(`/app/tickets/${created.data!.id}`);
  await expect(page.getByRole("alert")).toContainText(/not found/i);
});
