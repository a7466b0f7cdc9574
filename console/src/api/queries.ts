// Reads several screens share, under one cache key each.
import { useQuery } from "@tanstack/react-query";
import { api, unwrap } from "./console-client";

export function useUsers() {
  return useQuery({
    queryKey: ["users"],
    queryFn: async () => unwrap(await api.GET("/v1/users", { params: { query: { limit: 200 } } })).data,
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
