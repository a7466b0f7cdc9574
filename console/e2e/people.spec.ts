// Identity in the browser: invites, roles, session expiry and return, CSRF, and tenant
// isolation with deep links.
import { acceptInvite, api, checkA11y, expect, invitedPerson, linkMailedTo, PASSWORD, signIn, test, URL_BASE } from "./fixtures";

test("an admin invites someone from Settings; they set a password and sign in", async ({ page, browser }) => {
  const admin = await invitedPerson("Ada", "admin");
  await acceptInvite(page, admin.url);
  await page.getByRole("link", { name: "Settings" }).click();
  await expect(page.getByRole("heading", { name: "Users" })).toBeVisible();
  await checkA11y(page, "settings: users");
  await page.getByRole("button", { name: "Invite someone" }).click();
  const dialog = page.getByRole("dialog", { name: "Invite someone" });
  await checkA11y(page, "invite dialog");
  const email = `rita.${Date.now()}@clinic.io`;
  await dialog.getByLabel("Name").fill("Rita Reception");
  await dialog.getByLabel("Email").fill(email);
  await dialog.getByLabel("Role").selectOption("agent");
  await dialog.getByRole("button", { name: "Invite" }).click();
  // A relay is configured: the invitation goes by email, and the dialog says so.
  await expect(page.getByText(`Invitation emailed to ${email}.`)).toBeVisible();
  const link = await linkMailedTo(email, "/app/invite#token=");
  expect(link).toContain("/app/invite#token=");

  const other = await browser.newContext();
  const rita = await other.newPage();
  await rita.goto(link);
  await checkA11y(rita, "invite acceptance");
  await rita.getByLabel("Password (at least 10 characters)").fill(PASSWORD);
  await rita.getByLabel("Password again").fill(PASSWORD);
  await rita.getByRole("button", { name: "Continue" }).click();
  await expect(rita.getByText("Rita Reception · ")).toBeVisible();
  await expect(rita.getByRole("link", { name: "Settings" })).toHaveCount(0); // an agent
  await other.close();

  // An API key is shown once, then only its prefix.
  await page.getByRole("link", { name: "API keys" }).click();
  await page.getByLabel("Name").fill("Website bot");
  await page.getByRole("button", { name: "Create key" }).click();
  const key = await page.getByLabel("New API key").inputValue();
  expect(key).toMatch(/^sb_/);
  const me = await api(key).GET("/v1/me");
  expect(me.data?.api_key?.name).toBe("Website bot");
  await checkA11y(page, "settings: api keys");
});

test("a viewer sees no write controls, and the server refuses their writes anyway", async ({ page }) => {
  const created = await api().POST("/v1/contacts", { body: { name: "Vera's customer" } });
  const viewer = await invitedPerson("Vic", "viewer");
  await acceptInvite(page, viewer.url);
  await page.goto(`/app/contacts/${created.data!.id}`);
  await expect(page.getByRole("heading", { name: "Vera's customer" })).toBeVisible();
  await expect(page.getByLabel("Name")).toBeDisabled();
  await expect(page.getByRole("button", { name: "Delete" })).toHaveCount(0);
  await page.getByRole("link", { name: "Notes" }).click();
  await expect(page.getByRole("button", { name: "Add note" })).toHaveCount(0);
  const session = await page.request.get("/v1/auth/session");
  const csrf = (await session.json()).csrf_token as string;
  const refused = await page.request.post("/v1/contacts", {
    data: { name: "sneaky" },
    headers: { "X-CSRF-Token": csrf },
  });
  expect(refused.status()).toBe(403);
});

test("a person sees where they are signed in and ends another session", async ({ page, browser }) => {
  const person = await invitedPerson("Nora", "agent");
  await acceptInvite(page, person.url);
  const phone = await browser.newContext();
  const other = await phone.newPage();
  await other.goto("/app/sign-in");
  await signIn(other, person.email);
  await expect(other.getByRole("heading", { name: "Contacts", level: 1 })).toBeVisible();
  await page.getByRole("link", { name: /Nora · / }).click();
  await expect(page.getByRole("heading", { name: "Your account" })).toBeVisible();
  await checkA11y(page, "account");
  await expect(page.getByRole("row")).toHaveCount(3); // header + two sessions
  await page.getByRole("button", { name: "Sign out everywhere else" }).click();
  await expect(page.getByRole("row")).toHaveCount(2);
  await other.reload();
  await expect(other).toHaveURL(/\/app\/sign-in/);
  await phone.close();
});

test("a session that ends sends the person to sign-in, then back where they were", async ({ page }) => {
  const agent = await invitedPerson("Ethan", "agent");
  await acceptInvite(page, agent.url);
  await page.goto("/app/contacts?status=new&sort=name");
  await expect(page.getByLabel("Sort")).toHaveValue("name");
  // An admin signs Ethan out everywhere.
  expect((await api().DELETE("/v1/users/{id}/sessions", { params: { path: { id: agent.id } } })).response.status).toBe(204);
  await page.reload();
  await expect(page).toHaveURL(/\/app\/sign-in\?next=/);
  await signIn(page, agent.email);
  await expect(page).toHaveURL(/\/app\/contacts\?status=new&sort=name$/);
  await expect(page.getByLabel("Status")).toHaveValue("new");
});

test("a cross-site POST carrying the session cookie is refused (CSRF)", async ({ page }) => {
  const agent = await invitedPerson("Carl", "agent");
  await acceptInvite(page, agent.url);
  const session = await (await page.request.get("/v1/auth/session")).json();
  const body = { name: "forged" };
  const crossSite = await page.request.post("/v1/contacts", {
    data: body,
    headers: { "X-CSRF-Token": session.csrf_token, Origin: "https://evil.example", "Sec-Fetch-Site": "cross-site" },
  });
  expect(crossSite.status()).toBe(403);
  const noToken = await page.request.post("/v1/contacts", { data: body });
  expect(noToken.status()).toBe(403);
  expect((await noToken.json()).error.details.reason).toBe("csrf");
  const list = await api().GET("/v1/contacts", { params: { query: { q: "forged" } } });
  expect(list.data?.data.length).toBe(0);
});

test("team B's person never reaches team A's contacts: a deep link shows not-found", async ({ page }) => {
  const a = await api().POST("/v1/contacts", { body: { name: "Alice of team A" } });
  const bella = await invitedPerson("Bella", "owner", process.env.SB_KEY_B!);
  await acceptInvite(page, bella.url);
  await page.goto(`/app/contacts/${a.data!.id}`);
  await expect(page.getByRole("heading", { name: "Contact not found" })).toBeVisible();
  await page.goto("/app/contacts?q=Alice");
  await expect(page.getByRole("heading", { name: "No contact matches" })).toBeVisible();
  await checkA11y(page, "empty list");
  void URL_BASE;
  void signIn;
});

test("an admin sets up statuses, a chat agent with its bot key, and chat capture", async ({ page }) => {
  const admin = await invitedPerson("Sol", "admin");
  await acceptInvite(page, admin.url);
  await page.goto("/app/settings/statuses");
  await checkA11y(page, "settings: statuses");
  await page.getByLabel("New status").fill("vip-follow-up");
  await page.getByRole("button", { name: "Add status" }).click();
  await expect(page.getByText("vip-follow-up")).toBeVisible();
  await page.getByRole("button", { name: "Move vip-follow-up up" }).click();
  await expect.poll(async () => (await api().GET("/v1/settings/contact-statuses")).data?.statuses.slice(-2)[0]).toBe("vip-follow-up");

  await page.getByRole("link", { name: "Chat agents" }).click();
  await checkA11y(page, "settings: agents");
  const name = `Clinic bot ${Date.now()}`;
  await page.getByLabel("Name").fill(name);
  await page.getByLabel("Platforms").fill("whatsapp, web");
  await page.getByRole("button", { name: "Add agent" }).click();
  await page.getByRole("row", { name: new RegExp(name) }).getByRole("button", { name: "New bot key" }).click();
  const key = await page.getByLabel("New bot key").inputValue();
  const agents = (await api().GET("/v1/agents", { params: { query: { limit: 200 } } })).data!.data;
  const agent = agents.find((a) => a.name === name)!;
  expect(agent.platforms).toEqual(["whatsapp", "web"]);
  // The bot key posts messages for its agent.
  const posted = await api(key).POST("/v1/agents/{id}/messages", {
    params: { path: { id: agent.id! } },
    body: { id: "k1", conversation_id: "k", user_id: `bot-key-${Date.now()}`, text: "hi", platform: "web" },
  });
  expect(posted.response.status).toBeLessThan(300);
  await page.getByLabel(`Customer tracking for ${name}`).uncheck();
  await expect.poll(async () => (await api().GET("/v1/agents/{id}", { params: { path: { id: agent.id! } } })).data?.customer_tracking).toBe(false);

  await page.getByRole("link", { name: "Chat capture" }).click();
  await checkA11y(page, "settings: capture");
  await page.getByLabel("Calling code for phone numbers written without one").fill("34");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByRole("status")).toContainText("Saved");
  expect((await api().GET("/v1/settings/capture")).data?.phone_country_code).toBe("34");

  await page.getByRole("link", { name: "Custom fields" }).click();
  const stamp = Date.now();
  for (const label of [`Budget ${stamp}`, `Pet name ${stamp}`]) {
    await page.getByLabel("Key").fill(label.toLowerCase().replace(/ /g, "_"));
    await page.getByLabel("Label").fill(label);
    await page.getByRole("button", { name: "Add field" }).click();
    await expect(page.getByRole("cell", { name: label, exact: true })).toBeVisible();
  }
  await checkA11y(page, "settings: custom fields");
  await page.getByLabel(`Allow Pet name ${stamp} for AI`).check();
  await page.getByRole("button", { name: `Move Pet name ${stamp} up` }).click();
  await expect
    .poll(async () => (await api().GET("/v1/custom-fields")).data!.data.map((f) => f.label).filter((l) => l?.endsWith(String(stamp))))
    .toEqual([`Pet name ${stamp}`, `Budget ${stamp}`]);
  const pet = (await api().GET("/v1/custom-fields")).data!.data.find((f) => f.label === `Pet name ${stamp}`)!;
  expect(pet.allow_for_ai).toBe(true);
  await expect
    .poll(async () => {
      const rows = await page.getByRole("row").allTextContents();
      return rows.findIndex((r) => r.includes(`Pet name ${stamp}`)) < rows.findIndex((r) => r.includes(`Budget ${stamp}`));
    })
    .toBe(true);
});
