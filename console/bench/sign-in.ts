// Benches sign in as a new admin through an invite, as a person would.
import { expect, type Page } from "@playwright/test";
import type { apiClient } from "../src/api/client";

export async function signInAsNewAdmin(page: Page, api: ReturnType<typeof apiClient>, email: string) {
  const user = await api.POST("/v1/users", { body: { name: "Bench", email, role: "admin" } });
  const invite = await api.POST("/v1/users/{id}/invite", { params: { path: { id: user.data!.id } } });
  await page.goto(invite.data!.invite_url!);
  await page.getByLabel("Password (at least 10 characters)").fill("bench password");
  await page.getByLabel("Password again").fill("bench password");
  await page.getByRole("button", { name: "Continue" }).click();
  await expect(page.getByRole("heading", { name: "Contacts", level: 1 })).toBeVisible();
}
