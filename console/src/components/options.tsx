// The <option> lists several forms share.
import type { Schemas } from "../api/console-client";
import { INTENTS } from "./badges";

export const ROLES = ["viewer", "agent", "admin", "owner"] as const;
export type Role = (typeof ROLES)[number];

export function RoleOptions() {
  return (
    <>
      {ROLES.map((r) => (
        <option key={r}>{r}</option>
      ))}
    </>
  );
}

export function UserOptions({ users }: { users: Schemas["User"][] | undefined }) {
  return (
    <>
      {(users ?? []).map((u) => (
        <option key={u.id} value={String(u.id)}>
          {u.name}
        </option>
      ))}
    </>
  );
}

export function IntentOptions() {
  return (
    <>
      {INTENTS.map((i) => (
        <option key={i} value={i}>
          {i.replace(/_/g, " ")}
        </option>
      ))}
    </>
  );
}
