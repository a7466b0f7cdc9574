// The contacts screens: filters in the URL, the virtualised list, bulk updates of every
// matching contact, the profile's autosave with If-Match conflicts, notes, live chat, the
// command palette and a keyboard-only journey.
import { acceptInvite, api, checkA11y, expect, invitedPerson, test } from "./fixtures";

async function agentId(): Promise<number> {
  const made = await api().POST("/v1/agents", { body: { name: `Bot ${Date.now()}`, platforms: ["whatsapp"] } });
  expect(made.response.status).toBe(201);
  return made.data!.id;
}

test("2,100 contacts: URL filters survive reload and Back, the list stays small, all matching are bulk-updated", async ({ page }) => {
  const tag = `batch${Date.now()}`;
  const agent = await agentId();
  // Chat capture makes the contacts: 5 posts of 420 messages from 420 people each.
  for (let b = 0; b < 5; b++) {
    const messages = Array.from({ length: 420 }, (_, i) => ({
      id: `m${b}-${i}`,
      conversation_id: `c${b}-${i}`,
      user_id: `${tag}-${b}-${i}`,
      user_name: `Person ${b}-${i}`,
      text: "hello",
    }));
    const r = await api().POST("/v1/agents/{id}/messages", { params: { path: { id: agent } }, body: messages });
    expect(r.response.status).toBeLessThan(300);
  }
  const ids: number[] = [];
  for (let cursor: string | null = ""; cursor !== null; ) {
    const page: Awaited<ReturnType<ReturnType<typeof api>["GET"]>> = await api().GET("/v1/contacts", {
      params: { query: { "external_id.starts_with": `${tag}-`, limit: 200, ...(cursor ? { cursor } : {}) } },
    } as never);
    const data = page.data as { data: { id: number }[]; next_cursor: string | null };
    ids.push(...data.data.map((c) => c.id));
    cursor = data.next_cursor;
  }
  expect(ids.length).toBe(2100);
  const tagged = await api().POST("/v1/contacts/bulk", {
    body: { filter: { field: "external_id", op: "starts_with", value: `${tag}-` }, add_tags: [tag] },
  });
  expect(tagged.data?.updated).toBe(2100);

  const admin = await invitedPerson("Bulk", "admin");
  await acceptInvite(page, admin.url);
  await page.goto(`/app/contacts?tags=${tag}&platform=whatsapp`);
  await expect(page.getByRole("link", { name: /^Person / }).first()).toBeVisible();
  expect(await page.locator("[role=rowgroup] [role=row]").count()).toBeLessThan(100);
  // The stat cards count the filtered list, not the whole team.
  await expect(page.locator(".stat", { hasText: "Matching" })).toContainText("2100");
  await checkA11y(page, "contacts list");
  // The filters live in the URL: reload keeps them, Back returns to the previous ones.
  await page.reload();
  await expect(page.getByLabel("Platform")).toHaveValue("whatsapp");
  await page.getByLabel("Sort").selectOption("name");
  await expect(page).toHaveURL(/sort=name/);
  await page.goto("/app/contacts");
  await page.goBack();
  await expect(page.getByLabel("Sort")).toHaveValue("name");
  await expect(page.getByLabel("Tags")).toHaveValue(tag);

  // Scrolling loads more pages without putting them all in the DOM.
  const scroller = page.getByTestId("contacts-scroller");
  // More than the first page arrived, and far fewer rows than that are in the page. Each
  // try scrolls again: a scroll made while a page was still loading asks for nothing more.
  await expect(page.getByText(/^\d+\+? contacts$/)).toBeVisible();
  await expect
    .poll(
      async () => {
        await scroller.evaluate((el) => el.scrollBy(0, 8000));
        return Number((await page.getByText(/^\d+\+? contacts$/).textContent())?.match(/\d+/)?.[0]);
      },
      { timeout: 20_000 },
    )
    .toBeGreaterThan(200);
  expect(await page.locator("[role=rowgroup] [role=row]").count()).toBeLessThan(100);

  await page.getByRole("checkbox").first().check();
  await page.getByRole("button", { name: "Select all matching" }).click();
  await page.getByRole("button", { name: "Update…" }).click();
  const dialog = page.getByRole("dialog", { name: "Update all matching contacts" });
  await checkA11y(page, "bulk dialog");
  await dialog.getByLabel("Status").selectOption("qualified");
  await dialog.getByRole("button", { name: "Apply" }).click();
  await expect(dialog.getByRole("status")).toContainText("2100 updated", { timeout: 60_000 });
  await dialog.getByRole("button", { name: "Close" }).click();
  const check = await api().GET("/v1/contacts/stats");
  expect((check.data!.by_status as Record<string, number>)["qualified"]).toBeGreaterThanOrEqual(2100);
  // The CSV export is of the same filter.
  const href = await page.getByRole("link", { name: "Export CSV" }).getAttribute("href");
  const csv = await page.request.get(href!);
  expect(csv.status()).toBe(200);
  expect((await csv.text()).trim().split("\n").length).toBe(2101);
});

test("the profile saves each field with If-Match and shows a conflict with the newer value", async ({ page }) => {
  const made = await api().POST("/v1/contacts", { body: { name: "Carmen", email: "carmen@x.io" } });
  const id = made.data!.id;
  const agent = await invitedPerson("Pat", "agent");
  // No live updates on this page, so it keeps the version it loaded (as a page whose
  // stream is down or lags would) and the conflict is certain.
  await page.route("**/v1/stream", (route) => route.fulfill({ status: 204, body: "" }));
  await acceptInvite(page, agent.url);
  await page.goto(`/app/contacts/${id}`);
  await expect(page.getByRole("heading", { name: "Carmen" })).toBeVisible();
  await checkA11y(page, "contact profile");
  await page.getByLabel("Phone").fill("+34 600 111 222");
  await page.getByLabel("Phone").press("Tab");
  await expect(page.getByText("Saved")).toBeVisible();
  expect((await api().GET("/v1/contacts/{id}", { params: { path: { id } } })).data?.phone).toBe("+34600111222");
  await page.getByLabel("Interests (comma-separated)").fill("whitening, braces");
  await page.getByLabel("Interests (comma-separated)").press("Enter");
  await page.getByLabel("Traits (up to 5)").fill("punctual");
  await page.getByLabel("Traits (up to 5)").press("Tab");
  await expect
    .poll(async () => (await api().GET("/v1/contacts/{id}", { params: { path: { id } } })).data?.traits)
    .toEqual(["punctual"]);
  expect((await api().GET("/v1/contacts/{id}", { params: { path: { id } } })).data?.interests).toEqual(["whitening", "braces"]);

  // Someone else changes the contact; this page still holds the old version.
  await api().PATCH("/v1/contacts/{id}", { params: { path: { id } }, body: { needs: "braces before June" } });
  await page.getByLabel("Status").selectOption("qualified");
  const alert = page.getByRole("alert");
  await expect(alert).toContainText("Someone else changed this contact");
  await alert.getByRole("button", { name: "Apply mine again" }).click();
  await expect(page.getByText("Saved")).toBeVisible();
  const now = (await api().GET("/v1/contacts/{id}", { params: { path: { id } } })).data!;
  expect(now.status).toBe("qualified");
  expect(now.needs).toBe("braces before June");

  // Notes, and the timeline shows the status change before -> after.
  await page.getByRole("link", { name: "Notes" }).click();
  await page.getByLabel("New note (Markdown)").fill("Called back, wants a quote");
  await page.getByRole("button", { name: "Add note" }).click();
  await expect(page.getByText("Called back, wants a quote")).toBeVisible();
  await expect(page.getByRole("region", { name: "Notes" }).getByText(/^Pat · /)).toBeVisible();
  await page.getByRole("link", { name: "Timeline" }).click();
  // Who changed what: the person by name, the API key by its name.
  await expect(page.getByRole("listitem").filter({ hasText: /status: new → qualified/ })).toContainText("by Pat");
  await expect(page.getByRole("listitem").filter({ hasText: /^.*created/ })).toContainText(/by (?!Pat)\S/);
});

test("the chat pages back through older messages, shows the handoff panel, and one stream serves every tab", async ({ page, context }) => {
  const agent = await agentId();
  const user = `live-${Date.now()}`;
  const post = (body: { id: string; text: string }[]) =>
    api().POST("/v1/agents/{id}/messages", {
      params: { path: { id: agent } },
      body: body.map((m) => ({ ...m, conversation_id: "conv-1", user_id: user, user_name: "Lina Live" })),
    });
  const history = Array.from({ length: 60 }, (_, i) => ({ id: `h${i}`, text: `Earlier message ${i}` }));
  expect((await post(history)).response.status).toBeLessThan(300);
  const found = await api().GET("/v1/contacts", { params: { query: { q: "Lina Live" } } });
  const id = found.data!.data[0]!.id;
  const soon = new Date(Date.now() + 86_400_000);
  await api().POST("/v1/tickets", { body: { subject: "Dog policy question", contact_id: id } });
  await api().POST("/v1/appointments", {
    body: { contact_id: id, service: "Grooming", starts_at: soon.toISOString(), ends_at: new Date(soon.getTime() + 3_600_000).toISOString() },
  });
  const person = await invitedPerson("Sam", "agent");
  await acceptInvite(page, person.url);
  await page.goto(`/app/contacts/${id}?tab=conversations`);
  const chat = page.getByRole("list", { name: "Messages" });
  await expect(chat.getByText("Earlier message 59")).toBeVisible();
  await expect(chat.locator(".bubble")).toHaveCount(50); // the newest page only
  const handoff = page.getByRole("complementary", { name: "Handoff" });
  await expect(handoff).toContainText("Dog policy question");
  await expect(handoff).toContainText("Grooming");
  await checkA11y(page, "conversation");
  // Scrolling to the top loads the page before.
  await chat.evaluate((el) => (el.scrollTop = 0));
  await expect(chat.locator(".bubble")).toHaveCount(60);
  await expect(chat.getByText("Start of the conversation")).toBeVisible();

  // A second tab opens no stream of its own, yet shows what arrives live.
  const streams: string[] = [];
  context.on("request", (r) => new URL(r.url()).pathname === "/v1/stream" && streams.push(r.url()));
  const other = await context.newPage();
  await other.goto(`/app/contacts/${id}?tab=conversations`);
  await expect(other.getByText("Earlier message 59")).toBeVisible();
  await post([{ id: "live-1", text: "And can I bring my dog?" }]);
  await expect(page.getByText("And can I bring my dog?")).toBeVisible({ timeout: 2000 });
  await expect(other.getByText("And can I bring my dog?")).toBeVisible({ timeout: 2000 });
  expect(streams).toHaveLength(0);
  // When the tab holding the stream closes, the other one takes it over.
  await page.close();
  await expect.poll(() => streams.length).toBe(1);
  await post([{ id: "live-2", text: "Great, see you then" }]);
  await expect(other.getByText("Great, see you then")).toBeVisible({ timeout: 2000 });
  await other.close();
});

test("the segment filter lists only the segment's members, and stays in the URL", async ({ page }) => {
  const tag = `seg${Date.now()}`;
  await api().POST("/v1/contacts", { body: { name: `Member ${tag}`, tags: [tag] } });
  await api().POST("/v1/contacts", { body: { name: `Outsider ${tag}` } });
  const segment = await api().POST("/v1/segments", {
    body: { name: `Segment ${tag}`, rule: { field: "tags", op: "any", value: [tag] } },
  });
  expect(segment.response.status).toBe(201);
  const person = await invitedPerson("Sid", "viewer");
  await acceptInvite(page, person.url);
  await page.goto(`/app/contacts?q=${tag}`);
  await expect(page.getByText(`Outsider ${tag}`)).toBeVisible();
  await page.getByLabel("Segment").selectOption({ label: `Segment ${tag}` });
  await expect(page).toHaveURL(new RegExp(`segment=${segment.data!.id}`));
  await expect(page.getByText(`Member ${tag}`)).toBeVisible();
  await expect(page.getByText(`Outsider ${tag}`)).toHaveCount(0);
  await page.reload();
  await expect(page.getByLabel("Segment")).toHaveValue(String(segment.data!.id));
  await expect(page.getByText(`Outsider ${tag}`)).toHaveCount(0);
});

test("keyboard only: palette, list, profile, edit, back", async ({ page }) => {
  const made = await api().POST("/v1/contacts", { body: { name: `Keyboard Kim ${Date.now()}` } });
  const name = made.data!.name!;
  const agent = await invitedPerson("Kay", "agent");
  await acceptInvite(page, agent.url);
  // The command palette finds the contact.
  await page.keyboard.press("Control+k");
  const palette = page.getByRole("dialog", { name: "Go to" });
  await expect(palette).toBeVisible();
  await checkA11y(page, "command palette");
  await page.keyboard.type(name);
  await expect(palette.getByRole("option", { name: new RegExp(name) })).toBeVisible();
  await page.keyboard.press("Escape");
  await expect(page.locator("dialog")).toHaveCount(0); // closed and gone from the page
  // "/" searches the list; j moves to the first row; Enter opens it.
  await page.keyboard.press("/");
  await expect(page.getByRole("searchbox")).toBeFocused();
  await page.keyboard.type(name);
  await expect(page).toHaveURL(/q=Keyboard/);
  await expect(page.getByRole("link", { name })).toBeVisible();
  await page.locator("body").click({ position: { x: 5, y: 5 } }); // leave the search box
  await page.keyboard.press("j");
  await expect(page.getByRole("link", { name })).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { name })).toBeVisible();
  // Tab to the Name field, change it, Tab away: saved.
  for (let i = 0; i < 30 && !(await page.getByLabel("Name").evaluate((el) => el === document.activeElement)); i++) {
    await page.keyboard.press("Tab");
  }
  await expect(page.getByLabel("Name")).toBeFocused();
  await page.keyboard.press("End");
  await page.keyboard.type(" Jr");
  await page.keyboard.press("Tab");
  await expect(page.getByText("Saved")).toBeVisible();
  // Back to the list through its link, reached by keyboard.
  for (let i = 0; i < 40 && !(await page.getByRole("link", { name: "← Contacts" }).evaluate((el) => el === document.activeElement)); i++) {
    await page.keyboard.press("Shift+Tab");
  }
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { name: "Contacts", level: 1 })).toBeVisible();
  expect((await api().GET("/v1/contacts/{id}", { params: { path: { id: made.data!.id } } })).data?.name).toBe(`${name} Jr`);
});

test("a CSV import: the dry run names the bad row, the import keeps the good ones", async ({ page }) => {
  const stamp = Date.now();
  const csv = [
    "Full name,email,Tags,Favourite colour",
    `Imported One,one.${stamp}@imp.io,"vip,csv",blue`,
    `Imported Two,not-an-email,csv,green`,
    `Imported Three,three.${stamp}@imp.io,csv,red`,
  ].join("\n");
  const admin = await invitedPerson("Ivy", "admin");
  await acceptInvite(page, admin.url);
  await page.getByRole("button", { name: "Import CSV…" }).click();
  const dialog = page.getByRole("dialog", { name: "Import contacts from CSV" });
  await dialog.getByLabel("CSV file").setInputFiles({ name: "people.csv", mimeType: "text/csv", buffer: Buffer.from(csv) });
  await dialog.getByLabel("Column Full name", { exact: true }).selectOption("name");
  await dialog.getByLabel("Column Tags", { exact: true }).selectOption("tags");
  await dialog.getByLabel("Column Favourite colour", { exact: true }).selectOption("metadata.favourite_colour");
  await checkA11y(page, "import dialog");
  await dialog.getByRole("button", { name: "Dry run" }).click();
  await expect(dialog.getByRole("status")).toContainText("Dry run over 3 rows: 2 created");
  await expect(dialog.getByRole("table", { name: "Rows that would fail" })).toContainText("email");
  expect((await api().GET("/v1/contacts", { params: { query: { q: `${stamp}@imp.io` } } })).data?.data.length).toBe(0);
  await dialog.getByRole("button", { name: "Import" }).click();
  await expect(dialog.getByRole("status")).toContainText("completed", { timeout: 30_000 });
  await expect(dialog.getByRole("status")).toContainText("2 created");
  await expect(dialog.getByRole("link", { name: "Error report (CSV)" })).toBeVisible();
  const made = await api().GET("/v1/contacts", { params: { query: { q: `${stamp}@imp.io` } } });
  expect(made.data?.data.map((c) => c.name).sort()).toEqual(["Imported One", "Imported Three"]);
  expect(made.data?.data.find((c) => c.name === "Imported One")?.metadata).toEqual({ favourite_colour: "blue" });
});

test("the profile edits custom fields by type and metadata, lists what names the contact, and merges a duplicate", async ({ page }) => {
  const stamp = Date.now();
  await api().POST("/v1/custom-fields", { body: { key: `plan_${stamp}`, label: `Plan ${stamp}`, type: "select", options: ["basic", "pro"] } });
  await api().POST("/v1/custom-fields", { body: { key: `seats_${stamp}`, label: `Seats ${stamp}`, type: "number" } });
  const phone = `+3460${String(stamp).slice(-7)}`;
  const keep = await api().POST("/v1/contacts", { body: { name: `Dora ${stamp}`, phone } });
  const dup = await api().POST("/v1/contacts", { body: { name: `Dora dup ${stamp}`, phone, email: `dora.${stamp}@x.io` } });
  const id = keep.data!.id;
  await api().POST("/v1/tickets", { body: { subject: `Broken bracket ${stamp}`, contact_id: id } });
  const starts = new Date(Date.now() + 3 * 86400_000);
  await api().POST("/v1/appointments", {
    body: { contact_id: id, service: "Fitting", starts_at: starts.toISOString(), ends_at: new Date(starts.getTime() + 3600_000).toISOString() },
  });
  const agent = await invitedPerson("Mia", "agent");
  await acceptInvite(page, agent.url);
  await page.goto(`/app/contacts/${id}`);
  await expect(page.getByRole("link", { name: `Broken bracket ${stamp}` })).toBeVisible();
  await expect(page.getByLabel("Booking stats")).toContainText("1 booked · 1 upcoming · 0 completed · 0 no-shows · 0 cancelled");
  // Do not contact by SMS: recorded with its note, then lifted.
  const dnc = page.getByRole("region", { name: "Do not contact" });
  await dnc.getByLabel("Channel").selectOption("sms");
  await dnc.getByLabel("Note").fill("asked on the phone");
  await dnc.getByRole("button", { name: "Do not contact" }).click();
  await expect(dnc.getByRole("listitem")).toContainText("sms · manual · asked on the phone");
  const dncItems = await api().GET("/v1/contacts/{id}/do-not-contact", { params: { path: { id } } });
  expect(dncItems.data!.items.map((e) => [e.channel, e.reason, e.note])).toEqual([["sms", "manual", "asked on the phone"]]);
  await dnc.getByRole("button", { name: "Allow sms again" }).click();
  await expect(dnc.getByText("Messages may reach this person.")).toBeVisible();
  await page.getByLabel(`Plan ${stamp}`).selectOption("pro");
  await expect(page.getByText("Saved")).toBeVisible();
  await page.getByLabel(`Seats ${stamp}`).fill("12");
  await page.getByLabel(`Seats ${stamp}`).blur();
  await page.getByLabel("Key", { exact: true }).fill("referrer");
  await page.getByLabel("Value", { exact: true }).fill("dr-lopez");
  await page.getByRole("button", { name: "Add", exact: true }).click();
  await expect(page.getByText("dr-lopez")).toBeVisible();
  const now = (await api().GET("/v1/contacts/{id}", { params: { path: { id } } })).data!;
  expect(now.custom_fields).toMatchObject({ [`plan_${stamp}`]: "pro", [`seats_${stamp}`]: 12 });
  expect(now.metadata).toMatchObject({ referrer: "dr-lopez" });
  await checkA11y(page, "profile with custom fields");
  // The duplicate with the same phone is offered; merging it brings its email along.
  await page.getByRole("button", { name: "Merge into this one" }).click();
  await expect(page.getByLabel("Email")).toHaveValue(`dora.${stamp}@x.io`);
  expect((await api().GET("/v1/contacts/{id}", { params: { path: { id: dup.data!.id } } })).response.status).toBe(404);
});

test("files upload and download, notes render Markdown safely, and a merge is undone from the timeline", async ({ page }) => {
  const stamp = Date.now();
  const keep = await api().POST("/v1/contacts", { body: { name: `Finn ${stamp}` } });
  const dup = await api().POST("/v1/contacts", { body: { name: `Finn dup ${stamp}`, email: `finn.${stamp}@x.io` } });
  const id = keep.data!.id;
  const merged = await api().POST("/v1/contacts/{id}/merge", { params: { path: { id } }, body: { duplicate_id: dup.data!.id } });
  expect(merged.response.status).toBe(200);
  const agent = await invitedPerson("Fay", "agent");
  await acceptInvite(page, agent.url);
  await page.goto(`/app/contacts/${id}?tab=files`);
  await page.getByLabel("Upload a file").setInputFiles({ name: "quote.txt", mimeType: "text/plain", buffer: Buffer.from("braces: 2,400 EUR") });
  const link = page.getByRole("link", { name: "quote.txt" });
  await expect(link).toBeVisible();
  const download = await page.request.get((await link.getAttribute("href"))!);
  expect(await download.text()).toBe("braces: 2,400 EUR");
  await checkA11y(page, "files");

  await page.getByRole("link", { name: "Notes" }).click();
  await page.getByLabel("New note (Markdown)").fill('**Wants** braces\n\n- before June\n- <img src=x onerror="alert(1)">');
  await page.getByRole("button", { name: "Add note" }).click();
  await expect(page.locator(".note-body strong", { hasText: "Wants" })).toBeVisible();
  await expect(page.locator(".note-body li")).toHaveCount(2);
  await expect(page.locator(".note-body img")).toHaveCount(0);

  await page.getByRole("link", { name: "Timeline" }).click();
  await page.getByRole("button", { name: "Unmerge" }).click();
  await expect.poll(async () => (await api().GET("/v1/contacts/{id}", { params: { path: { id: dup.data!.id } } })).response.status).toBe(200);
  await expect(page.getByLabel("Email")).toHaveValue("");
});
