// Workflows: one written in the browser's Lua editor, checked (a typo shown at its line),
// test-run on the scratch store (the team's data untouched), saved, enabled and seen
// tagging a new contact, its run in the log; a broken save refused
// with its line; a version compared and restored. Results are checked through the API.
import type { Page } from "@playwright/test";
import { acceptInvite, api, checkA11y, expect, invitedPerson, test } from "./fixtures";

async function typeSource(page: Page, source: string) {
  const editor = page.getByRole("textbox", { name: /^Lua source of/ });
  await editor.click();
  await page.keyboard.press("Control+A");
  await page.keyboard.press("Delete");
  // Typed key by key, as a person types: Enter indents, so lines are given without indent.
  await page.keyboard.type(source);
}

test("an admin writes, checks, saves and enables a workflow that then tags new contacts", async ({ page }) => {
  const admin = await invitedPerson("Wes", "admin");
  await acceptInvite(page, admin.url);
  await page.getByRole("link", { name: "Workflows" }).click();
  const name = `tagger-${Date.now()}`;
  await page.getByLabel("New workflow name").fill(name);
  await page.getByRole("button", { name: /^Create/ }).click();
  await expect(page.getByRole("heading", { name, level: 1 })).toBeVisible();
  await expect(page.getByRole("textbox", { name: `Lua source of ${name}` })).toBeVisible();
  await checkA11y(page, "workflow editor");

  // Completion offers the crm.* functions of the API's annotations.
  await page.getByRole("textbox", { name: `Lua source of ${name}` }).click();
  await page.keyboard.press("Control+End");
  await page.keyboard.type("\ncrm.unt");
  await expect(page.getByRole("option", { name: /crm\.untag/ })).toBeVisible();
  await page.keyboard.press("Escape");

  const tag = `wf-${Date.now() % 100000}`;
  await typeSource(page, `on("contact.created", function(e)\ncrm.tagg(e.contact, "${tag}")\nend)\n`);
  await page.getByRole("button", { name: "Check" }).click();
  const problems = page.getByRole("list", { name: "Problems" });
  await expect(problems).toContainText("Line 2: unknown crm function crm.tagg (did you mean crm.tag?)");
  await expect(page.locator(".cm-lint-marker-error")).toHaveCount(1);

  await typeSource(page, `on("contact.created", function(e)\ncrm.tag(e.contact, "${tag}")\nend)\n`);
  await page.getByRole("button", { name: "Check" }).click();
  await expect(page.getByRole("status").filter({ hasText: "No problems" })).toContainText("on contact.created");

  // A test run of the unsaved source on the scratch store: the fixture contact is tagged
  // there, and no such contact exists in the team's data.
  const scratchName = `Scratch ${tag}`;
  await page.getByLabel(/^Fixtures/).fill(`[{ "resource": "contacts", "items": [{ "name": "${scratchName}" }] }]`);
  await page.getByRole("button", { name: "Test run" }).click();
  const result = page.getByRole("status", { name: "Test run result" });
  await expect(result).toContainText("1 run: all succeeded");
  await expect(result).toContainText("tag");
  await checkA11y(page, "workflow test run");
  const scratch = await api().GET("/v1/contacts", { params: { query: { q: scratchName } } });
  expect(scratch.data!.data).toHaveLength(0);

  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByText("version 2 ·")).toBeVisible();
  const list = await api().GET("/v1/workflows");
  const saved = list.data!.data.find((w) => w.name === name)!;
  expect(saved.version).toBe(2);
  expect(saved.source).toMatch(new RegExp(`^on\\("contact.created", function\\(e\\)\\n\\s*crm.tag\\(e.contact, "${tag}"\\)\\n\\s*end\\)`));

  await page.getByRole("link", { name: "← Workflows" }).click();
  await page.getByRole("button", { name: `Enable ${name}` }).click();
  await expect(page.getByRole("button", { name: `Disable ${name}` })).toBeVisible();
  await checkA11y(page, "workflows list");
  const contact = await api().POST("/v1/contacts", { body: { name: "Tag me" } });
  await expect
    .poll(async () => (await api().GET("/v1/contacts/{id}", { params: { path: { id: contact.data!.id } } })).data!.tags, {
      timeout: 15_000,
    })
    .toContain(tag);
  await page.getByRole("link", { name }).click();
  await page.getByRole("link", { name: "Run log" }).click();
  await expect(page.getByRole("row").filter({ hasText: "contact.created" }).first()).toContainText("ok");
  await checkA11y(page, "workflow run log");
});

test("a broken save is refused at its line; an older version is compared and restored", async ({ page }) => {
  const admin = await invitedPerson("Rae", "admin");
  await acceptInvite(page, admin.url);
  const name = `versions-${Date.now()}`;
  const first = `on("contact.created", function(e)\n  crm.log("one")\nend)\n`;
  const created = await api().POST("/v1/workflows", { body: { name, source: first, enabled: false } });
  expect(created.response.status).toBe(201);
  const id = created.data!.id;
  await api().PATCH("/v1/workflows/{id}", {
    params: { path: { id } },
    body: { source: `on("contact.created", function(e)\n  crm.log("two")\nend)\n` },
  });
  await page.goto(`/app/workflows/${id}`);
  await typeSource(page, `on("contact.created", function(e)\nif then\nend)\n`);
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByRole("alert")).toContainText("does not load");
  await expect(page.getByRole("list", { name: "Problems" })).toContainText(/^Line 2: /);
  expect((await api().GET("/v1/workflows/{id}", { params: { path: { id } } })).data!.version).toBe(2);

  // A test run whose handler fails shows the error and marks its line.
  await typeSource(page, `on("contact.created", function(e)\nerror("nope")\nend)\n`);
  await page.getByRole("button", { name: "Test run" }).click();
  await expect(page.getByRole("status", { name: "Test run result" })).toContainText("a handler failed");
  await expect(page.getByRole("list", { name: "Problems" })).toContainText("Line 2: nope");
  await expect(page.locator(".cm-lint-marker-error")).toHaveCount(1);

  await page.getByRole("link", { name: "Versions" }).click();
  const diff = page.getByLabel("Changes from version 1 to 2");
  await expect(diff.locator(".diff-removed")).toHaveText(`-   crm.log("one")`);
  await expect(diff.locator(".diff-added")).toHaveText(`+   crm.log("two")`);
  await checkA11y(page, "workflow versions");
  await page.getByRole("button", { name: "Restore version 1" }).click();
  await expect(page.getByText("version 3 ·")).toBeVisible();
  const after = await api().GET("/v1/workflows/{id}", { params: { path: { id } } });
  expect(after.data!.source).toBe(first);
});
