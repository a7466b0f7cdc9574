// Webhooks in the console: an admin subscribes a receiver (the secret shown once), sends a
// test that arrives signed (checked here with Node's crypto, from the Standard Webhooks
// specification), follows it in the delivery log, and replays it.
import { createHmac } from "node:crypto";
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { acceptInvite, checkA11y, expect, invitedPerson, test } from "./fixtures";

function verifies(secret: string, headers: IncomingHttpHeaders, body: string): boolean {
  const key = Buffer.from(secret.replace(/^whsec_/, ""), "base64");
  const signed = `${String(headers["webhook-id"])}.${String(headers["webhook-timestamp"])}.${body}`;
  const expected = createHmac("sha256", key).update(signed).digest("base64");
  return String(headers["webhook-signature"])
    .split(" ")
    .some((s) => s === `v1,${expected}`);
}

test("an admin adds a webhook, keeps its secret, sends a test that arrives signed, and replays it", async ({ page }) => {
  const received: { headers: IncomingHttpHeaders; body: string }[] = [];
  const receiver = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString()));
    req.on("end", () => {
      received.push({ headers: req.headers, body });
      res.writeHead(200).end("ok");
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/in`;
  try {
    const admin = await invitedPerson("Wes", "admin");
    await acceptInvite(page, admin.url);
    await page.goto("/app/settings/webhooks");
    await checkA11y(page, "settings: webhooks");
    await page.getByLabel("URL").fill(url);
    await page.getByLabel("Events").fill("contact.created");
    await page.getByRole("button", { name: "Add webhook" }).click();
    const secret = await page.getByLabel("Signing secret").inputValue();
    expect(secret).toMatch(/^whsec_/);
    await checkA11y(page, "settings: webhooks, secret shown");
    await page.getByRole("button", { name: "Done" }).click();
    await expect(page.getByLabel("Signing secret")).toHaveCount(0);

    const row = page.getByRole("row").filter({ hasText: url });
    await row.getByRole("button", { name: "Send test" }).click();
    await expect.poll(() => received.length, { timeout: 10_000 }).toBe(1);
    expect(verifies(secret, received[0]!.headers, received[0]!.body)).toBe(true);
    expect(JSON.parse(received[0]!.body).type).toBe("webhook.test");
    const log = page.getByRole("region", { name: "Deliveries" });
    await expect(log.getByRole("row").filter({ hasText: "webhook.test" })).toContainText("delivered", { timeout: 10_000 });
    await checkA11y(page, "settings: webhook deliveries");
    await log.getByRole("button", { name: /^Replay delivery/ }).first().click();
    await expect.poll(() => received.length, { timeout: 10_000 }).toBe(2);
    expect(received[1]!.headers["webhook-id"]).toBe(received[0]!.headers["webhook-id"]);
    expect(verifies(secret, received[1]!.headers, received[1]!.body)).toBe(true);
  } finally {
    receiver.close();
  }
});
