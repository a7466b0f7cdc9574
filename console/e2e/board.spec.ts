// Pipelines: a lead moves on the board from the keyboard and by drag and drop, the totals
// follow, a refused move rolls back with the server's message; admins edit stages; a lead's
// activities are added and ticked done. Every result is checked through the API.
import { acceptInvite, api, checkA11y, expect, invitedPerson, test } from "./fixtures";

async function defaultPipeline() {
  const list = await api().GET("/v1/pipelines", { params: { query: { is_default: "true" } } });
  const pipeline = list.data!.data[0]!;
  return { pipeline, stages: pipeline.stages! };
}

async function newLead(title: string, value: number) {
  const contact = await api().POST("/v1/contacts", { body: { name: `Buyer of ${title}` } });
  const { pipeline, stages } = await defaultPipeline();
  const lead = await api().POST("/v1/leads", {
    body: { contact_id: contact.data!.id, pipeline_id: pipeline.id, stage_id: stages[0]!.id, title, value, currency: "EUR" },
  });
  expect(lead.response.status).toBe(201);
  return { lead: lead.data!, pipeline, stages };
}

async function stageOf(id: number) {
  return (await api().GET("/v1/leads/{id}", { params: { path: { id } } })).data!.stage_id;
}

test("a lead moves from the keyboard and by drag and drop; a refused move rolls back", async ({ page }) => {
  const title = `Clinic plan ${Date.now()}`;
  const { lead, pipeline, stages } = await newLead(title, 1200);
  const agent = await invitedPerson("Sam", "agent");
  await acceptInvite(page, agent.url);
  await page.getByRole("link", { name: "Pipelines" }).click();
  await expect(page).toHaveURL(new RegExp(`/app/pipelines/${pipeline.id}$`));
  const column = (name: string) => page.getByRole("region", { name: new RegExp(`^${name} `) });
  const first = column(stages[0]!.name);
  await expect(first.getByRole("link", { name: title })).toBeVisible();
  await checkA11y(page, "pipeline board");

  // Keyboard: the card's "Move to stage" list.
  const second = stages[1]!;
  await first.getByLabel(`Move ${title} to stage`).selectOption({ label: `Move to ${second.name}` });
  await expect(column(second.name).getByRole("link", { name: title })).toBeVisible();
  await expect.poll(() => stageOf(lead.id)).toBe(second.id);
  const board = await api().GET("/v1/pipelines/{id}/board", { params: { path: { id: pipeline.id } } });
  const count = board.data!.stages.find((s) => s.id === second.id)!.totals.count;
  await expect(column(second.name).locator(".column-totals")).toContainText(`${count} ·`);

  // Drag and drop to the third stage.
  const third = stages[2]!;
  await column(second.name).getByRole("listitem").filter({ hasText: title }).dragTo(column(third.name));
  await expect(column(third.name).getByRole("link", { name: title })).toBeVisible();
  await expect.poll(() => stageOf(lead.id)).toBe(third.id);

  // The person loses the right to write while the page is open: the move is refused by
  // the server, the card goes back, and the server's message is shown.
  await api().PATCH("/v1/users/{id}", { params: { path: { id: agent.id } }, body: { role: "viewer" } });
  await column(third.name).getByLabel(`Move ${title} to stage`).selectOption({ label: `Move to ${second.name}` });
  await expect(page.getByRole("alert")).toContainText(/role|permission|not allowed|forbidden/i);
  await expect(column(third.name).getByRole("link", { name: title })).toBeVisible();
  expect(await stageOf(lead.id)).toBe(third.id);
});

test("an admin adds a stage; a lead's activities are added and ticked done", async ({ page }) => {
  const title = `Dental chairs ${Date.now()}`;
  const { lead, pipeline } = await newLead(title, 300);
  const admin = await invitedPerson("Ana", "admin");
  await acceptInvite(page, admin.url);
  await page.goto(`/app/pipelines/${pipeline.id}`);
  await page.getByRole("button", { name: "Edit stages" }).click();
  const dialog = page.getByRole("dialog", { name: `Stages of ${pipeline.name}` });
  const stageName = `Trial ${Date.now() % 100000}`;
  await dialog.getByLabel("New stage").fill(stageName);
  await dialog.getByLabel("Probability %").fill("35");
  await dialog.getByRole("button", { name: "Add stage" }).click();
  await expect(dialog.getByLabel(`Name of ${stageName}`)).toBeVisible();
  await checkA11y(page, "stage editor");
  const stages = await api().GET("/v1/pipelines/{id}/stages", { params: { path: { id: pipeline.id } } });
  expect(stages.data!.data.find((s) => s.name === stageName)?.probability).toBe(35);
  await dialog.getByRole("button", { name: "Done" }).click();
  await expect(page.getByRole("region", { name: new RegExp(`^${stageName} `) })).toBeVisible();

  // A new lead from the board: the contact is found by name.
  await page.getByRole("button", { name: "New lead" }).click();
  const create = page.getByRole("dialog", { name: "New lead" });
  await create.getByLabel("Title").fill(`Second chair ${title}`);
  await create.getByLabel("Find the contact").fill(`Buyer of ${title}`);
  await expect(create.locator('select[name="contact_id"] option')).toHaveText([`Buyer of ${title}`]);
  await create.getByLabel("Value").fill("450");
  await checkA11y(page, "new lead dialog");
  await create.getByRole("button", { name: "Create lead" }).click();
  await expect(page.getByRole("link", { name: `Second chair ${title}` })).toBeVisible();
  const leads = await api().GET("/v1/leads", { params: { query: { contact_id: String(lead.contact_id) } } });
  expect(leads.data!.data.map((l) => [l.title, l.value]).sort()).toEqual([[title, 300], [`Second chair ${title}`, 450]]);

  await page.getByRole("link", { name: title, exact: true }).click();
  await expect(page.getByRole("heading", { name: title, level: 1 })).toBeVisible();
  await page.getByLabel("Subject").fill("Call about the quote");
  await page.getByLabel("Due").fill("2030-05-04T10:30");
  await page.getByRole("button", { name: "Add activity" }).click();
  const item = page.getByRole("listitem").filter({ hasText: "Call about the quote" });
  await expect(item).toBeVisible();
  await checkA11y(page, "lead detail");
  await item.getByRole("checkbox").check();
  await expect
    .poll(async () => {
      const list = await api().GET("/v1/leads/{id}/activities", { params: { path: { id: lead.id } } });
      return list.data!.data.map((a) => [a.subject, a.done]);
    })
    .toEqual([["Call about the quote", true]]);
});

test("a viewer sees the board without move controls; team B cannot open team A's lead", async ({ page }) => {
  const title = `Read only ${Date.now()}`;
  const { lead } = await newLead(title, 10);
  const viewer = await invitedPerson("Val", "viewer");
  await acceptInvite(page, viewer.url);
  await page.getByRole("link", { name: "Pipelines" }).click();
  await expect(page.getByRole("link", { name: title })).toBeVisible();
  await expect(page.getByLabel(`Move ${title} to stage`)).toHaveCount(0);
  await expect(page.getByRole("button", { name: "New lead" })).toHaveCount(0);

  const other = await invitedPerson("Bo", "owner", process.env.SB_KEY_B!);
  await page.context().clearCookies();
  await acceptInvite(page, other.url);
  await page.goto(`/app/leads/${lead.id}`);
  await expect(page.getByRole("alert")).toContainText(/not found/i);
});
