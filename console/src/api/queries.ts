// Reads several screens share, under one cache key each.
import { useQuery } from "@tanstack/react-query";
import { api, unwrap } from "./console-client";

export function useUsers() {
  return useQuery({
    queryKey: ["users"],
    queryFn: async () => unwrap(await api.GET("/v1/users", { params: { query: { limit: 200 } } })).data,
  });
}

export function usePipelines() {
  return useQuery({
    queryKey: ["pipelines"],
    queryFn: async () => unwrap(await api.GET("/v1/pipelines", { params: { query: { limit: 100 } } })).data,
  });
}

export function useStatuses() {
  return useQuery({
    queryKey: ["statuses"],
    queryFn: async () => unwrap(await api.GET("/v1/settings/contact-statuses")).statuses,
  });
}

export function useSegments() {
  return useQuery({
    queryKey: ["segments"],
    queryFn: async () => unwrap(await api.GET("/v1/segments", { params: { query: { limit: 200 } } })).data,
  });
}

// How many unread notifications the signed-in person has (up to 100, shown as "99+").
export function useUnreadCount(userId: number | null) {
  return useQuery({
    queryKey: ["notifications", "unread", userId],
    enabled: userId !== null,
    queryFn: async () =>
      unwrap(
        await api.GET("/v1/notifications", {
          params: { query: { user_id: String(userId), read: "false", limit: 100 } },
        }),
      ).data.length,
  });
}

export function useCustomFields() {
  return useQuery({
    queryKey: ["custom-fields"],
    queryFn: async () => unwrap(await api.GET("/v1/custom-fields")).data,
  });
}

export function useMessagingSettings() {
  return useQuery({
    queryKey: ["messaging-settings"],
    queryFn: async () => unwrap(await api.GET("/v1/settings/messaging")),
  });
}

// The names of the contacts `ids`, in one request (the list's id.in filter), by id.
export function useContactNames(ids: number[]) {
  const unique = [...new Set(ids)].sort((a, b) => a - b).slice(0, 200);
  return useQuery({
    queryKey: ["contacts", "names", unique],
    enabled: unique.length > 0,
    queryFn: async () => {
      const page = unwrap(await api.GET("/v1/contacts", { params: { query: { "id.in": unique.join(","), limit: 200 } } }));
      return new Map(page.data.map((c) => [c.id, c.name ?? c.email ?? c.phone ?? `Contact ${c.id}`]));
    },
  });
}

// The team's message templates (email and SMS), for pickers.
export function useTemplates() {
  return useQuery({
    queryKey: ["templates"],
    queryFn: async () => unwrap(await api.GET("/v1/templates", { params: { query: { limit: 200 } } })).data,
  });
}
