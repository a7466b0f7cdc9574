// Reports: the analytics tables follow the period chosen (kept in the URL), show what the
// API counts, and download as CSV.
import { acceptInvite, api, checkA11y, expect, invitedPerson, test } from "./fixtures";

test("reports count new contacts, conversations, tickets, bookings, busy hours, a funnel and campaign engagement and download as CSV", async ({ page }) => {
  const reported = await api().POST("/v1/contacts", { body: { name: `Reported ${Date.now()}` } });
  // One appointment this month (in an hour), so the bookings table has a row to show.
  const soon = Date.now() + 3_600_000;
  await api().POST("/v1/appointments", {
    body: {
      contact_id: reported.data!.id,
      service: "Check-up",
      starts_at: new Date(soon).toISOString(),
      ends_at: new Date(soon + 1_800_000).toISOString(),
    },
  });
  // A lead, so the default pipeline's funnel has an entry.
  expect((await api().POST("/v1/leads", { body: { contact_id: reported.data!.id } })).response.status).toBe(201);
  // And a ticket opened now, so the tickets table has one too.
  expect((await api().POST("/v1/tickets", { body: { subject: "Printer on fire", contact_id: reported.data!.id } })).response.status).toBe(201);
  const viewer = await invitedPerson("Rita", "viewer");
  await acceptInvite(page, viewer.url);
  await page.getByRole("link", { name: "Reports" }).click();
  await expect(page.getByRole("heading", { name: "Reports", level: 1 })).toBeVisible();
  await page.getByLabel("Period").selectOption("month");
  await expect(page).toHaveURL(/period=month/);
  const months = await api().GET("/v1/analytics/contacts", { params: { query: { period: "month" } } });
  const data = months.data;
  if (!data || typeof data === "string") throw new Error("expected the JSON answer");
  const current = data.periods.at(-1)!;
  expect(current.total).toBeGreaterThan(0);
  const table = page.getByRole("region", { name: "New contacts by source" });
  await expect(table.getByRole("row", { name: new RegExp(`^${current.label} ${current.total}\\b`) })).toBeVisible();
  await expect(page.getByRole("region", { name: "Conversations" }).getByRole("row").first()).toBeVisible();
  await expect(page.getByRole("region", { name: "Response times" }).getByRole("img", { name: /^Conversations answered by a person/ })).toBeVisible();
  // Each table has a chart above it whose label says what it shows.
  const most = Math.max(...data.periods.map((p) => p.total));
  await expect(table.getByRole("img", { name: new RegExp(`^New contacts by source: ${data.periods.length} bars, at most ${most}`) })).toBeVisible();
  // Bookings count by the period they start in: the table shows what the API counts.
  const bookings = await api().GET("/v1/analytics/bookings", { params: { query: { period: "month" } } });
  const booked = bookings.data;
  if (!booked || typeof booked === "string") throw new Error("expected the JSON answer");
  const month = booked.periods.at(-1)!;
  await expect(
    page.getByRole("region", { name: "Bookings" }).getByRole("row", { name: new RegExp(`^${month.label} ${month.total} ${month.completed} `) }),
  ).toBeVisible();
  // Tickets count by the period they were opened in.
  const tickets = await api().GET("/v1/analytics/tickets", { params: { query: { period: "month" } } });
  const opened = tickets.data;
  if (!opened || typeof opened === "string") throw new Error("expected the JSON answer");
  const ticketMonth = opened.periods.at(-1)!;
  expect(ticketMonth.created).toBeGreaterThan(0);
  await expect(
    page
      .getByRole("region", { name: "Tickets" })
      .getByRole("row", { name: new RegExp(`^${ticketMonth.label} ${ticketMonth.created} ${ticketMonth.responded} ${ticketMonth.resolved} `) }),
  ).toBeVisible();
  await expect(page.getByRole("region", { name: "Campaign engagement" }).getByRole("img", { name: /^Campaign messages sent/ })).toBeVisible();
  // Busy hours of the same dates say the busiest hour the API finds, and follow the choice
  // between bookings and conversations.
  const busy = page.getByRole("region", { name: "Busy hours" });
  const hours = await api().GET("/v1/analytics/busy-hours", { params: { query: {} } });
  const grid = hours.data;
  if (!grid || typeof grid === "string") throw new Error("expected the JSON answer");
  await expect(busy.getByText(grid.busiest ? new RegExp(`^Busiest: .* \\(${grid.busiest.count} of ${grid.total}\\)`) : /^Nothing between/)).toBeVisible();
  await expect(busy.getByRole("table", { name: "Appointments by local weekday and hour" }).getByRole("row")).toHaveCount(8);
  await busy.getByLabel("Of").selectOption("conversations");
  await expect(busy.getByRole("table", { name: "Conversations by local weekday and hour" })).toBeVisible();
  // The default pipeline's funnel over the same dates, as the API counts it.
  const funnel = await api().GET("/v1/analytics/funnel", { params: { query: {} } });
  const f = funnel.data!;
  expect(f.entered).toBeGreaterThan(0);
  const funnelRegion = page.getByRole("region", { name: "Funnel" });
  await expect(funnelRegion.getByText(new RegExp(`^${f.entered} leads? entered ${f.pipeline} between`))).toBeVisible();
  const first = f.stages[0]!;
  await expect(funnelRegion.getByRole("row", { name: new RegExp(`^${first.name} ${first.entered} ${first.reached} `) })).toBeVisible();
  // Workflow runs are the run log's: admins only.
  await expect(page.getByRole("region", { name: "Workflow runs" })).toHaveCount(0);
  await checkA11y(page, "reports");
  const href = await table.getByRole("link", { name: "Download CSV" }).getAttribute("href");
  expect(href).toContain("format=csv");
  const csv = await page.request.get(href!);
  expect(csv.headers()["content-type"]).toContain("text/csv");
  expect(await csv.text()).toContain(`${current.label},`);
  await page.reload();
  await expect(page.getByLabel("Period")).toHaveValue("month");
});

test("an admin also sees workflow runs per period, as the API counts them", async ({ page }) => {
  // A workflow that runs once, so this month has a line for it.
  const name = `counted-${Date.now()}`;
  const wf = await api().POST("/v1/workflows", {
    body: { name, source: `on("contact.created", function(e) crm.log("seen") end)\n`, enabled: true },
  });
  expect(wf.response.status).toBe(201);
  await api().POST("/v1/contacts", { body: { name: `Run for ${name}` } });
  await expect
    .poll(async () => (await api().GET("/v1/workflows/{id}/runs", { params: { path: { id: wf.data!.id } } })).data!.data.length, {
      timeout: 15_000,
    })
    .toBeGreaterThan(0);
  await api().POST("/v1/workflows/{id}/disable", { params: { path: { id: wf.data!.id } } });
  const admin = await invitedPerson("Ada", "admin");
  await acceptInvite(page, admin.url);
  await page.goto("/app/reports?period=month");
  const runs = await api().GET("/v1/analytics/workflows", { params: { query: { period: "month" } } });
  const data = runs.data;
  if (!data || typeof data === "string") throw new Error("expected the JSON answer");
  expect(data.periods.at(-1)!.workflows.map((w) => w.name)).toContain(name);
  const lines = data.periods.reduce((n, p) => n + p.workflows.length, 0);
  const region = page.getByRole("region", { name: "Workflow runs" });
  await expect(region.getByRole("img", { name: /^Workflow runs by workflow/ })).toBeVisible();
  await expect(region.locator("tbody tr")).toHaveCount(lines);
  await expect(region.getByRole("row").filter({ hasText: name })).toBeVisible();
  await checkA11y(page, "reports for an admin");
});
