// First run: the link the server printed creates the owner's account and signs them in;
// sign-out and sign-in again. (The link works once, so this is the only journey using it.)
import { acceptInvite, checkA11y, expect, signIn, test } from "./fixtures";

test("the printed setup link creates the owner, who signs out and in again", async ({ page }) => {
  const link = process.env.SB_SETUP_URL!;
  expect(link).toContain("/app/setup#token=sbl_");
  await page.goto(link);
  await expect(page.getByRole("heading", { name: "Create the owner's account" })).toBeVisible();
  await checkA11y(page, "setup");
  await page.getByLabel("Your name").fill("Olivia Owner");
  await page.getByLabel("Email").fill("olivia@clinic.io");
  await page.getByLabel("Password (at least 10 characters)").fill("the owner's password");
  await page.getByLabel("Password again").fill("the owner's password");
  await page.getByRole("button", { name: "Continue" }).click();
  await expect(page.getByRole("heading", { name: "Contacts", level: 1 })).toBeVisible();
  await expect(page.getByText("Olivia Owner · ")).toBeVisible();

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page.getByRole("heading", { name: "Sign in to Switchboard" })).toBeVisible();
  await checkA11y(page, "sign-in");
  // A wrong password gets the server's message; the right one gets in.
  await signIn(page, "olivia@clinic.io", "not the password");
  await expect(page.getByRole("alert")).toContainText("the email or the password is wrong");
  await signIn(page, "olivia@clinic.io", "the owner's password");
  await expect(page.getByRole("heading", { name: "Contacts", level: 1 })).toBeVisible();

  // The link does not work twice.
  await page.goto(link);
  await page.getByLabel("Your name").fill("Mallory");
  await page.getByLabel("Email").fill("mallory@evil.io");
  await page.getByLabel("Password (at least 10 characters)").fill("mallory's password");
  await page.getByLabel("Password again").fill("mallory's password");
  await page.getByRole("button", { name: "Continue" }).click();
  await expect(page.getByRole("alert")).toContainText("already used or expired");
  void acceptInvite;
});
