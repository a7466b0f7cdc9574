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

// One <option> per item, valued by id and labelled by name (users, stages, segments).
export function NamedOptions({ items }: { items: { id: number; name: string }[] | undefined }) {
  return (
    <>
      {(items ?? []).map((item) => (
        <option key={item.id} value={String(item.id)}>
          {item.name}
        </option>
      ))}
    </>
  );
}

export function UserOptions({ users }: { users: Schemas["User"][] | undefined }) {
  return <NamedOptions items={users} />;
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
