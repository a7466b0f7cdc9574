// Segments: a nested rule built in the builder whose live count equals the API's, saved and
// listed, its history of entries and exits; an automatic segment's threshold edited in the same builder; viewers read only.
import type { Schemas } from "../src/api/console-client";
import { acceptInvite, api, checkA11y, expect, invitedPerson, test } from "./fixtures";

test("an admin builds a nested rule whose live count equals the API's, and saves it", async ({ page }) => {
  const tag = `vip${Date.now() % 1000000}`;
  const made: number[] = [];
  for (const [name, tags, score] of [
    ["Ana", [tag], null],
    ["Ben", [tag], null],
    ["Cy", [tag], 90],
    ["Di", [tag], null],
    ["Ed", [], null],
  ] as const) {
    const c = await api().POST("/v1/contacts", { body: { name: `${name} ${tag}`, tags: [...tags], ...(score ? { score } : {}) } });
    made.push(c.data!.id);
  }
  // Ana, Ben and Ed have a booking.
  for (const i of [0, 1, 4]) {
    await api().POST("/v1/appointments", {
      body: { contact_id: made[i]!, service: "Visit", starts_at: "2031-01-06T09:00:00Z", ends_at: "2031-01-06T10:00:00Z" },
    });
  }
  const admin = await invitedPerson("Sia", "admin");
  await acceptInvite(page, admin.url);
  await page.getByRole("link", { name: "Segments" }).click();
  await page.getByRole("link", { name: "New segment" }).click();
  await page.getByLabel("Name").fill(`Engaged ${tag}`);

  // tags has any <tag> AND (bookings_count >= 1 OR score >= 80)
  await page.getByRole("button", { name: "Add a condition to Rule" }).click();
  await page.getByLabel("Rule, condition 1: value").fill(tag);
  await page.getByRole("button", { name: "Add a group to Rule" }).click();
  await page.getByRole("button", { name: "Add a condition to Rule, group 2" }).click();
  await page.getByLabel("Rule, group 2, condition 1: field").selectOption("bookings_count");
  await page.getByLabel("Rule, group 2, condition 1: operator").selectOption("gte");
  await page.getByLabel("Rule, group 2, condition 1: value").fill("1");
  await page.getByRole("button", { name: "Add a condition to Rule, group 2" }).click();
  await page.getByLabel("Rule, group 2, condition 2: field").selectOption("score");
  await page.getByLabel("Rule, group 2, condition 2: operator").selectOption("gte");
  await page.getByLabel("Rule, group 2, condition 2: value").fill("80");

  const rule: Schemas["FilterRule"] = {
    all: [
      { field: "tags", op: "any", value: [tag] },
      { any: [{ field: "bookings_count", op: "gte", value: 1 }, { field: "score", op: "gte", value: 80 }] },
    ],
  };
  const expected = await api().POST("/v1/segments/preview", { body: { rule, limit: 10 } });
  expect(expected.data!.count).toBe(3);
  await expect(page.getByRole("status").filter({ hasText: /match(es)? now/ })).toHaveText("3 contacts match now");
  await expect(page.getByRole("region", { name: "Preview" }).getByRole("listitem")).toHaveCount(3);
  await checkA11y(page, "segment builder");

  await page.getByRole("button", { name: "Save segment" }).click();
  await expect(page).toHaveURL(/\/app\/segments\/\d+$/);
  const id = Number(page.url().split("/").pop());
  const saved = await api().GET("/v1/segments/{id}", { params: { path: { id } } });
  expect(saved.data!.rule).toEqual(rule);
  expect((await api().GET("/v1/segments/{id}/count", { params: { path: { id } } })).data!.count).toBe(3);
  await expect(page.getByRole("region", { name: "Members (saved rule)" }).getByRole("listitem")).toHaveCount(3);

  // Its history: the three entered when it was saved; Cy leaves when her tag goes, and the
  // line arrives live.
  const history = page.getByRole("region", { name: "History" });
  await expect(history.getByRole("row").filter({ hasText: "entered" })).toHaveCount(3);
  await api().PATCH("/v1/contacts/{id}", { params: { path: { id: made[2]! } }, body: { tags: [] } });
  await expect(history.getByRole("row").filter({ hasText: "exited" })).toHaveCount(1, { timeout: 15_000 });
  await expect(history.getByRole("row").filter({ hasText: "exited" })).toContainText(`Cy ${tag}`);
  const lines = await api().GET("/v1/segments/{id}/history", { params: { path: { id } } });
  expect(lines.data!.data.map((l) => [l.contact_id, l.change])).toEqual([
    [made[2]!, "exited"],
    ...[made[0]!, made[1]!, made[2]!].sort((a, b) => b - a).map((c) => [c, "entered"]),
  ]);
  await checkA11y(page, "segment history");

  // Negating the group flips the count live, before any save.
  await page.getByRole("group", { name: "Rule, group 2" }).getByLabel("Not").first().check();
  await expect(page.getByRole("status").filter({ hasText: /match(es)? now/ })).toHaveText("1 contact matches now");
});

test("an automatic segment's threshold is edited in the builder; a viewer only reads", async ({ page, browser }) => {
  const list = await api().GET("/v1/segments", { params: { query: { builtin: "frequent_bookers" } } });
  const frequent = list.data!.data[0]!;
  const before = frequent.rule;
  const admin = await invitedPerson("Ivo", "admin");
  await acceptInvite(page, admin.url);
  try {
    await page.goto(`/app/segments/${frequent.id}`);
    await expect(page.getByText("automatic: edit its thresholds")).toBeVisible();
    await expect(page.getByLabel("Rule, condition 1: field")).toHaveValue("bookings_count");
    await page.getByLabel("Rule, condition 1: value").fill("2");
    await page.getByRole("button", { name: "Save segment" }).click();
    await expect(page.getByText("Saved", { exact: true })).toBeVisible();
    const after = await api().GET("/v1/segments/{id}", { params: { path: { id: frequent.id } } });
    expect(after.data!.rule).toEqual({ field: "bookings_count", op: "gte", value: 2 });
    expect(after.data!.name).toBe(frequent.name);

    const viewer = await invitedPerson("Vee", "viewer");
    const other = await browser.newContext();
    const vpage = await other.newPage();
    await acceptInvite(vpage, viewer.url);
    await vpage.goto(`/app/segments/${frequent.id}`);
    await expect(vpage.getByLabel("Rule, condition 1: value")).toBeDisabled();
    await expect(vpage.getByRole("button", { name: "Save segment" })).toHaveCount(0);
    await checkA11y(vpage, "segment read-only");
    await other.close();
  } finally {
    await api().PATCH("/v1/segments/{id}", { params: { path: { id: frequent.id } }, body: { rule: before } });
  }
});
