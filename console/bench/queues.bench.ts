// The board with 2,000 leads spread over the default pipeline's stages, and the tickets
// queue with 10,000 tickets: navigation start to the first card or row on screen, cold.
import { expect, test } from "@playwright/test";
import { apiClient } from "../src/api/client";
import { signInAsNewAdmin } from "./sign-in";

const LEADS = Number(process.env.SB_BENCH_LEADS ?? 2_000);
const TICKETS = Number(process.env.SB_BENCH_TICKETS ?? 10_000);

// Runs `make(i)` for i < n, `width` at a time.
async function inParallel(n: number, width: number, make: (i: number) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < n) await make(next++);
    }),
  );
}

test("board with 2k leads and tickets queue with 10k tickets", async ({ page }) => {
  const api = apiClient(process.env.SB_URL!, process.env.SB_KEY!);
  const contact = await api.POST("/v1/contacts", { body: { name: "Bench buyer" } });
  const pipeline = (await api.GET("/v1/pipelines", { params: { query: { is_default: "true" } } })).data!.data[0]!;
  const stages = pipeline.stages!;
  await inParallel(LEADS, 8, async (i) => {
    const r = await api.POST("/v1/leads", {
      body: {
        contact_id: contact.data!.id,
        pipeline_id: pipeline.id,
        stage_id: stages[i % stages.length]!.id,
        title: `Lead ${i}`,
        value: 100 + (i % 50) * 10,
        currency: i % 3 ? "EUR" : "USD",
      },
    });
    expect(r.response.status).toBe(201);
  });
  const priorities = ["low", "normal", "high", "urgent"] as const;
  await inParallel(TICKETS, 8, async (i) => {
    const r = await api.POST("/v1/tickets", { body: { subject: `Ticket ${i}`, priority: priorities[i % 4]! } });
    expect(r.response.status).toBe(201);
  });
  await signInAsNewAdmin(page, api, "queues@x.io");

  await page.goto(`/app/pipelines/${pipeline.id}`);
  await page.locator(".lead-card").first().waitFor();
  const board = await page.evaluate(() => performance.now());
  const cards = await page.locator(".lead-card").count();

  await page.goto("/app/tickets?status=");
  await page.locator("table.queue tbody tr").first().waitFor();
  const queue = await page.evaluate(() => performance.now());
  const rows = await page.locator("table.queue tbody tr").count();
  console.log(`console board  first paint with ${LEADS} leads: ${board.toFixed(0)} ms (goal < 1500 ms; ${cards} cards shown)`);
  console.log(`console tickets  first paint with ${TICKETS} tickets: ${queue.toFixed(0)} ms (goal < 1500 ms; ${rows} rows, pages of 100)`);
});
