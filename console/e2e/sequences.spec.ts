// Sequences: one built in the editor (steps with delays, channels and templates, reordered,
// exit conditions with a segment), a delay the server refuses shown with its field, a
// contact enrolled and the enrolment ended; a viewer only reads. Checked through the API.
import { acceptInvite, api, checkA11y, expect, invitedPerson, test } from "./fixtures";

test("an admin builds a sequence step by step, enrols a contact and ends the enrolment", async ({ page, browser }) => {
  const stamp = Date.now();
  const welcome = await api().POST("/v1/templates", {
    body: { name: `Welcome ${stamp}`, channel: "email", subject: "Welcome", text: "Hello {{contact.name}}" },
  });
  const tips = await api().POST("/v1/templates", { body: { name: `Tips ${stamp}`, channel: "email", subject: "Tips", text: "Tip one" } });
  const nudge = await api().POST("/v1/templates", { body: { name: `Nudge ${stamp}`, channel: "sms", text: "See you soon" } });
  const bought = await api().POST("/v1/segments", {
    body: { name: `Bought ${stamp}`, rule: { field: "tags", op: "any", value: [`bought${stamp}`] } },
  });
  const contact = await api().POST("/v1/contacts", { body: { name: `Seq ${stamp}`, email: `seq.${stamp}@mail.io` } });
  const admin = await invitedPerson("Sol", "admin");
  await acceptInvite(page, admin.url);
  await page.getByRole("link", { name: "Messaging" }).click();
  await page.getByRole("link", { name: "Sequences" }).click();
  await page.getByRole("link", { name: "New sequence" }).click();
  const name = `Onboarding ${stamp}`;
  await page.getByLabel("Name", { exact: true }).fill(name);
  await page.getByLabel("Step 1: template").selectOption({ label: welcome.data!.name });
  await page.getByRole("button", { name: "Add a step" }).click();
  await page.getByLabel("Step 2: delay").fill("1w");
  await page.getByLabel("Step 2: channel").selectOption("sms");
  await page.getByLabel("Step 2: template").selectOption({ label: nudge.data!.name });
  await page.getByRole("button", { name: "Add a step" }).click();
  await page.getByLabel("Step 3: delay").fill("2d");
  await page.getByLabel("Step 3: template").selectOption({ label: tips.data!.name });
  // The tips email goes before the SMS: moved up from the keyboard.
  await page.getByRole("button", { name: "Move step 3 up" }).focus();
  await page.keyboard.press("Enter");
  await expect(page.getByLabel("Step 2: delay")).toHaveValue("2d");
  await page.getByLabel("The contact's stage changes").check();
  await page.getByLabel("The contact writes in a chat").uncheck();
  await page.getByLabel(bought.data!.name).check();
  await checkA11y(page, "sequence editor");

  // A delay past a year: the server's refusal names the step's field.
  await page.getByLabel("Step 3: delay").fill("400d");
  await page.getByRole("button", { name: "Create sequence" }).click();
  await expect(page.getByRole("alert")).toContainText("steps[2].delay");
  await page.getByLabel("Step 3: delay").fill("1w");
  await page.getByRole("button", { name: "Create sequence" }).click();
  await expect(page).toHaveURL(/\/app\/messaging\/sequences\/\d+$/);
  const id = Number(page.url().split("/").pop());
  const saved = (await api().GET("/v1/sequences/{id}", { params: { path: { id } } })).data!;
  expect(saved.name).toBe(name);
  expect(saved.steps).toEqual([
    { delay: "0s", channel: "email", template_id: welcome.data!.id },
    { delay: "2d", channel: "email", template_id: tips.data!.id },
    { delay: "1w", channel: "sms", template_id: nudge.data!.id },
  ]);
  expect(saved.exit_on).toEqual({ replied: false, stage_changed: true, unsubscribed: true, entered_segments: [bought.data!.id] });

  // Enrol a contact; the first step runs at once; then end the enrolment by hand.
  await page.getByLabel("Find the contact").fill(`Seq ${stamp}`);
  // (The select's label text grows with its options, so it is found by its name.)
  await expect(page.locator('select[name="contact_id"] option')).toHaveText([`Seq ${stamp}`]);
  await page.getByRole("button", { name: "Enrol", exact: true }).click();
  const row = page.getByRole("row").filter({ hasText: `Seq ${stamp}` });
  await expect(row).toContainText("active");
  await expect(page.getByRole("region", { name: "Results" })).toContainText("Enrolled1");
  await checkA11y(page, "sequence page");
  await page.getByRole("button", { name: `End the enrolment of Seq ${stamp}` }).click();
  await expect(row).toContainText("manual");
  const enrolments = (await api().GET("/v1/sequences/{id}/enrollments", { params: { path: { id } } })).data!.data;
  expect(enrolments.map((e) => [e.contact_id, e.status, e.exit_reason])).toEqual([[contact.data!.id, "exited", "manual"]]);

  // A viewer reads the same page and changes nothing.
  const viewer = await invitedPerson("Vic", "viewer");
  const other = await browser.newContext();
  const vpage = await other.newPage();
  await acceptInvite(vpage, viewer.url);
  await vpage.goto(`/app/messaging/sequences/${id}`);
  await expect(vpage.getByLabel("Step 1: delay")).toBeDisabled();
  await expect(vpage.getByRole("button", { name: "Save sequence" })).toHaveCount(0);
  await expect(vpage.getByRole("form", { name: "Enrol a contact" })).toHaveCount(0);
  await checkA11y(vpage, "sequence read-only");
  await other.close();
});
