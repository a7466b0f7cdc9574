// Forms: one built in the builder (fields added by type, ordered from the keyboard, mapped
// to the contact), saved, filled in on its real public page (plain HTML, no console) and
// seen in the submissions with its contact; results checked through the API.
import { acceptInvite, api, checkA11y, expect, invitedPerson, test } from "./fixtures";

test("a form built in the builder is filled in publicly and its submission links the contact", async ({ page, browser }) => {
  const stamp = Date.now();
  const admin = await invitedPerson("Fern", "admin");
  await acceptInvite(page, admin.url);
  await page.getByRole("link", { name: "Forms" }).click();
  await page.getByRole("link", { name: "New form" }).click();
  await page.getByLabel("Name", { exact: true }).fill(`Book a visit ${stamp}`);
  await page.getByLabel("Address (slug)").fill(`visit-${stamp}`);

  // The new form starts with an email field; add a name, a select and a consent box.
  const add = page.getByRole("group", { name: "Add a field" });
  await add.getByRole("button", { name: "+ text", exact: true }).click();
  const nameField = page.getByRole("listitem", { name: /^Field 2/ });
  await nameField.getByLabel("Label").fill("Your name");
  await nameField.getByLabel("Key").fill("full_name");
  await nameField.getByLabel("Required").check();
  await nameField.getByLabel("Saves to").selectOption("name");
  await add.getByRole("button", { name: "+ select", exact: true }).click();
  const plan = page.getByRole("listitem", { name: /^Field 3/ });
  await plan.getByLabel("Label").fill("Treatment");
  await plan.getByLabel("Key").fill("treatment");
  await plan.getByLabel("Options (comma-separated)").fill("cleaning, whitening");
  await plan.getByLabel("Saves to").selectOption("metadata.");
  await add.getByRole("button", { name: "+ checkbox", exact: true }).click();
  const consent = page.getByRole("listitem", { name: /^Field 4/ });
  await consent.getByLabel("Label").fill("I agree to be contacted");
  await consent.getByLabel("Key").fill("consent");
  await consent.getByLabel("Required").check();
  // The name first: moved up from the keyboard.
  await page.getByRole("button", { name: "Move Your name up" }).press("Enter");
  await expect(page.getByRole("listitem", { name: /^Field 1: Your name/ })).toBeVisible();
  // The consent box above the treatment: dragged.
  await page.getByRole("listitem", { name: /^Field 4/ }).dragTo(page.getByRole("listitem", { name: /^Field 3/ }));
  await expect(page.getByRole("listitem", { name: /^Field 3: I agree/ })).toBeVisible();
  await expect(page.getByRole("region", { name: "Preview" }).getByLabel("Treatment")).toBeVisible();
  await checkA11y(page, "form builder");
  await page.getByRole("button", { name: "Save form" }).click();
  await expect(page).toHaveURL(/\/app\/forms\/\d+$/);
  const id = Number(page.url().split("/").pop());
  const saved = (await api().GET("/v1/forms/{id}", { params: { path: { id } } })).data!;
  expect(saved.fields.map((f) => [f.key, f.type, f.required ?? false, f.maps_to ?? null])).toEqual([
    ["full_name", "text", true, "name"],
    ["email", "email", true, "email"],
    ["consent", "checkbox", true, null],
    ["treatment", "select", false, "metadata.treatment"],
  ]);
  const link = await page.getByLabel("Link to the form").inputValue();
  expect(link).toMatch(new RegExp(`/f/visit-${stamp}$`));
  expect(await page.getByLabel("Embed on a website").inputValue()).toContain(`<iframe src="${link}"`);

  // A visitor, in another browser, on the real public page.
  const visitor = await browser.newContext();
  const form = await visitor.newPage();
  await form.goto(link);
  await expect(form.getByRole("heading", { name: `Book a visit ${stamp}` })).toBeVisible();
  expect(await form.locator("script").count()).toBe(0);
  await checkA11y(form, "public form page");
  const email = `visitor.${stamp}@mail.io`;
  await form.getByLabel("Your name").fill("Vera Visitor");
  await form.getByLabel("Email").fill(email);
  await form.getByLabel("Treatment").selectOption("whitening");
  await form.getByLabel("I agree to be contacted").check();
  await form.getByRole("button", { name: "Send" }).click();
  await expect(form.getByText("Thank you!")).toBeVisible();
  await visitor.close();

  const contacts = await api().GET("/v1/contacts", { params: { query: { email } } });
  const contact = contacts.data!.data[0]!;
  expect(contact).toMatchObject({ name: "Vera Visitor", source: "form" });
  expect(contact.metadata).toMatchObject({ treatment: "whitening" });
  await page.getByRole("link", { name: "Submissions" }).click();
  const row = page.getByRole("row").filter({ hasText: "treatment: whitening" });
  await expect(row.getByRole("link", { name: `Contact ${contact.id}` })).toBeVisible();
  await checkA11y(page, "form submissions");
});
