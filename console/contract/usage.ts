// What a client written only from docs/api/openapi.json does, type-checked under
// `tsc --strict` by ./dev test: no casts, no hand-written API types. If the document stops
// describing these calls (a renamed field, a missing status), this stops compiling.
import { apiClient } from "../src/api/client.js";
import type { components } from "../src/api/schema.js";

type Contact = components["schemas"]["Contact"];

export async function walkthrough(baseUrl: string, ownerKey: string): Promise<string[]> {
  const api = apiClient(baseUrl, ownerKey);
  const seen: string[] = [];

  // Create a contact, then list with a filter and follow the cursor.
  const created = await api.POST("/v1/contacts", {
    body: { name: "Ada Lovelace", email: "ada@example.com", tags: ["vip"], platform: "web" },
  });
  if (!created.data) throw new Error(created.error?.error.message ?? "create failed");
  const contact: Contact = created.data;
  seen.push(`created ${contact.id} version ${contact.version}`);

  let cursor: string | undefined;
  do {
    const page = await api.GET("/v1/contacts", {
      params: { query: { "tags.any": "vip", limit: 50, ...(cursor ? { cursor } : {}) } },
    });
    if (!page.data) throw new Error(page.error?.error.message ?? "list failed");
    for (const c of page.data.data) seen.push(`listed ${c.id} ${c.name ?? ""}`);
    cursor = page.data.next_cursor ?? undefined;
  } while (cursor);

  // PATCH with If-Match: the ETag header is the version the client saw.
  const got = await api.GET("/v1/contacts/{id}", { params: { path: { id: contact.id } } });
  const etag = got.response.headers.get("ETag") ?? "";
  const patched = await api.PATCH("/v1/contacts/{id}", {
    params: { path: { id: contact.id }, header: { "If-Match": etag } },
    body: { stage: "Qualified" },
  });
  if (patched.response.status === 412) seen.push("someone else changed it first");
  if (patched.data) seen.push(`stage ${patched.data.stage ?? "none"}`);
  // The validator the client held is stale now: the server refuses to apply it again.
  const stale = await api.PATCH("/v1/contacts/{id}", {
    params: { path: { id: contact.id }, header: { "If-Match": etag } },
    body: { stage: "Lost" },
  });
  if (stale.response.status === 412 && stale.error) {
    seen.push(`stale etag refused: ${stale.error.error.code}`);
  }
  // And a GET with the current validator costs no body.
  const fresh = patched.response.headers.get("ETag") ?? "";
  const unchanged = await api.GET("/v1/contacts/{id}", {
    params: { path: { id: contact.id }, header: { "If-None-Match": fresh } },
  });
  if (unchanged.response.status === 304) seen.push("not modified");

  // A note, then the timeline.
  const note = await api.POST("/v1/contacts/{id}/notes", {
    params: { path: { id: contact.id } },
    body: { body: "Called, wants a demo", pinned: true },
  });
  if (note.data) seen.push(`note ${note.data.id}`);
  const timeline = await api.GET("/v1/contacts/{id}/timeline", {
    params: { path: { id: contact.id } },
  });
  for (const entry of timeline.data?.data ?? []) seen.push(`timeline ${entry.kind}`);

  // A ticket for the contact.
  const ticket = await api.POST("/v1/tickets", {
    body: { subject: "Demo request", contact_id: contact.id, priority: "high" },
  });
  if (ticket.data) {
    seen.push(`ticket ${ticket.data.id} ${ticket.data.status}`);
    // A PATCH names only what changes (the patch shape requires nothing).
    const resolved = await api.PATCH("/v1/tickets/{id}", {
      params: { path: { id: ticket.data.id } },
      body: { status: "resolved" },
    });
    if (resolved.data?.status === "resolved") seen.push(`ticket resolved by a one-field patch`);
  }

  // A segment and its count.
  const segment = await api.POST("/v1/segments", {
    body: { name: "VIPs", rule: { field: "tags", op: "any", value: ["vip"] } },
  });
  if (segment.data) {
    const count = await api.GET("/v1/segments/{id}/count", {
      params: { path: { id: segment.data.id } },
    });
    seen.push(`segment count ${count.data?.count ?? 0}`);
  }

  // A workflow, then its runs.
  const workflow = await api.POST("/v1/workflows", {
    body: {
      name: "tag-vips",
      source: 'on("contact.created", function(e) end)',
      enabled: true,
    },
  });
  if (!workflow.data) seen.push(`workflow refused: ${workflow.error?.error.message ?? ""}`);
  if (workflow.data) {
    const runs = await api.GET("/v1/workflows/{id}/runs", {
      params: { path: { id: workflow.data.id } },
    });
    for (const run of runs.data?.data ?? []) seen.push(`run ${run.outcome}`);
  }

  // A chat message posted with an agent's bot key.
  const agent = await api.POST("/v1/agents", {
    body: { name: "Website bot", platforms: ["web"] },
  });
  if (!agent.data) seen.push(`agent refused: ${agent.error?.error.message ?? ""}`);
  if (agent.data) {
    const key = await api.POST("/v1/agents/{id}/keys", {
      params: { path: { id: agent.data.id } },
      body: { name: "widget" },
    });
    if (!key.data) seen.push(`key refused: ${key.error?.error.message ?? ""}`);
    if (key.data) {
      const bot = apiClient(baseUrl, key.data.key);
      const posted = await bot.POST("/v1/agents/{id}/messages", {
        params: { path: { id: agent.data.id } },
        body: {
          id: "m-1",
          conversation_id: "c-1",
          user_id: "visitor-1",
          role: "user",
          text: "Hi, do you ship to Lisbon?",
        },
      });
      if (!posted.data) seen.push(`message refused: ${posted.error?.error.message ?? ""}`);
      if (posted.data && "contact_id" in posted.data) seen.push(`captured ${posted.data.contact_id}`);
    }
  }
  return seen;
}
