// The calendar: a week in the team's time zone (not the browser's), paging between weeks in
// the URL, booking, rescheduling and a no-show, each checked through the API.
import { acceptInvite, api, checkA11y, expect, invitedPerson, test } from "./fixtures";

test("a receptionist books, reschedules and marks a no-show in the team's time zone", async ({ page }) => {
  const before = (await api().GET("/v1/settings/messaging")).data!;
  const { time_zone: _, ...rest } = before;
  await api().PUT("/v1/settings/messaging", { body: { ...rest, time_zone: "Asia/Ho_Chi_Minh" } });
  try {
    const stamp = Date.now();
    const name = `Fay ${stamp}`;
    const contact = await api().POST("/v1/contacts", { body: { name } });
    const id = contact.data!.id;
    // Wednesday 09:00 in Ho Chi Minh City (UTC+7), and one the week after.
    const consult = await api().POST("/v1/appointments", {
      body: { contact_id: id, service: `Consult ${stamp}`, starts_at: "2030-03-06T02:00:00Z", ends_at: "2030-03-06T03:00:00Z" },
    });
    await api().POST("/v1/appointments", {
      body: { contact_id: id, service: `Follow-up ${stamp}`, starts_at: "2030-03-12T02:00:00Z", ends_at: "2030-03-12T02:30:00Z" },
    });
    const agent = await invitedPerson("Rosa", "agent");
    await acceptInvite(page, agent.url);
    await page.goto("/app/calendar?view=week&date=2030-03-05");
    await expect(page.getByText("Week of 2030-03-04 · Asia/Ho_Chi_Minh")).toBeVisible();
    const wednesday = page.getByRole("region", { name: /^Wednesday 03-06/ });
    await expect(wednesday.getByRole("listitem").filter({ hasText: `Consult ${stamp}` })).toContainText("09:00–10:00");
    await expect(page.getByText(`Follow-up ${stamp}`)).toHaveCount(0);
    await checkA11y(page, "calendar week");

    await page.getByRole("button", { name: "Next week" }).click();
    await expect(page).toHaveURL(/date=2030-03-11/);
    await expect(page.getByRole("region", { name: /^Tuesday 03-12/ })).toContainText(`09:00–09:30 Follow-up ${stamp}`);
    await page.getByRole("button", { name: "Previous week" }).click();

    // Book: 14:30 local on Thursday for 45 minutes.
    await page.getByRole("button", { name: "Book", exact: true }).click();
    const dialog = page.getByRole("dialog", { name: "Book an appointment" });
    await dialog.getByLabel("Find the contact").fill(name);
    // (The select's label text grows with its options, so it is found by its name.)
    await expect(dialog.locator('select[name="contact_id"] option')).toHaveText([name]);
    await dialog.getByLabel("Service").fill(`Cleaning ${stamp}`);
    await dialog.getByLabel("Date").fill("2030-03-07");
    await dialog.getByLabel(/^Time/).fill("14:30");
    await dialog.getByLabel("Minutes").fill("45");
    await checkA11y(page, "booking dialog");
    await dialog.getByRole("button", { name: "Book it" }).click();
    await expect(page.getByRole("region", { name: /^Thursday 03-07/ })).toContainText(`14:30–15:15 Cleaning ${stamp}`);
    const booked = await api().GET("/v1/appointments", { params: { query: { contact_id: String(id), service: `Cleaning ${stamp}` } } });
    const cleaningBooked = booked.data!.data[0]!;
    expect(cleaningBooked.status).toBe("booked");
    expect(Date.parse(cleaningBooked.starts_at)).toBe(Date.parse("2030-03-07T07:30:00Z"));
    expect(Date.parse(cleaningBooked.ends_at)).toBe(Date.parse("2030-03-07T08:15:00Z"));

    // Reschedule the consult to Friday 10:00 (keeps its hour).
    await page.getByRole("button", { name: `Reschedule Consult ${stamp} at 09:00` }).click();
    const move = page.getByRole("dialog", { name: `Reschedule Consult ${stamp}` });
    await move.getByLabel("New date").fill("2030-03-08");
    await move.getByLabel("New time").fill("10:00");
    await move.getByRole("button", { name: "Move it" }).click();
    await expect(page.getByRole("region", { name: /^Friday 03-08/ })).toContainText(`10:00–11:00 Consult ${stamp}`);
    const moved = await api().GET("/v1/appointments/{id}", { params: { path: { id: consult.data!.id } } });
    expect(Date.parse(moved.data!.starts_at)).toBe(Date.parse("2030-03-08T03:00:00Z"));
    expect(Date.parse(moved.data!.ends_at)).toBe(Date.parse("2030-03-08T04:00:00Z"));
    expect(moved.data!.reschedule_history).toHaveLength(1);

    await page.getByRole("button", { name: `No-show Cleaning ${stamp} at 14:30` }).click();
    const cleaning = page.getByRole("listitem").filter({ hasText: `Cleaning ${stamp}` });
    await expect(cleaning).toContainText("no-show");
    await expect(cleaning.getByRole("button")).toHaveCount(0);
    const after = await api().GET("/v1/appointments", { params: { query: { contact_id: String(id), service: `Cleaning ${stamp}` } } });
    expect(after.data!.data[0]!.status).toBe("no_show");
  } finally {
    await api().PUT("/v1/settings/messaging", { body: before });
  }
});
