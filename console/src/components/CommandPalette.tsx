// Ctrl/Cmd+K: find a contact by name, email, phone or external id, or open a screen.
// Arrow keys (or Ctrl+J / Ctrl+K) move, Enter opens, Esc closes.
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { api, unwrap } from "../api/console-client";
import { navigate } from "../app/router";
import { canWrite, isAdmin, useSession } from "../app/session";
import { Dialog } from "./Dialog";

interface Item {
  label: string;
  hint: string;
  href: string;
}

export function CommandPalette({ onClose }: { onClose: () => void }) {
  const { session } = useSession();
  const [q, setQ] = useState("");
  const [active, setActive] = useState(0);
  const term = q.trim();
  const contacts = useQuery({
    queryKey: ["palette", term],
    enabled: term.length > 0,
    queryFn: async () =>
      unwrap(await api.GET("/v1/contacts", { params: { query: { q: term, limit: 8, sort: "-last_active" } } })),
  });
  const screens: Item[] = [
    { label: "Contacts", hint: "screen", href: "/app/contacts" },
    { label: "Reports", hint: "screen", href: "/app/reports" },
    { label: "Pipelines", hint: "screen", href: "/app/pipelines" },
    { label: "Accounts", hint: "screen", href: "/app/accounts" },
    { label: "Tickets", hint: "screen", href: "/app/tickets" },
    { label: "Calendar", hint: "screen", href: "/app/calendar" },
    { label: "Segments", hint: "screen", href: "/app/segments" },
    { label: "Forms", hint: "screen", href: "/app/forms" },
    { label: "Messaging", hint: "screen", href: "/app/messaging/campaigns" },
    ...(canWrite(session) ? [{ label: "Notifications", hint: "screen", href: "/app/notifications" }] : []),
    ...(isAdmin(session)
      ? [
          { label: "Workflows", hint: "screen", href: "/app/workflows" },
          { label: "Settings: users", hint: "screen", href: "/app/settings/users" },
          { label: "Settings: API keys", hint: "screen", href: "/app/settings/api-keys" },
          { label: "Settings: custom fields", hint: "screen", href: "/app/settings/custom-fields" },
        ]
      : []),
  ].filter((s) => !term || s.label.toLowerCase().includes(term.toLowerCase()));
  const found: Item[] = (contacts.data?.data ?? []).map((c) => ({
    label: c.name ?? c.email ?? c.phone ?? c.external_id ?? `Contact ${c.id}`,
    hint: [c.platform, c.email ?? c.phone].filter(Boolean).join(" · "),
    href: `/app/contacts/${c.id}`,
  }));
  const items = [...found, ...screens];
  const open = (item: Item | undefined) => {
    if (!item) return;
    onClose();
    navigate(item.href);
  };
  function onKeyDown(e: React.KeyboardEvent) {
    const down = e.key === "ArrowDown" || (e.ctrlKey && e.key === "j");
    const up = e.key === "ArrowUp" || (e.ctrlKey && e.key === "k");
    if (down || up) {
      e.preventDefault();
      setActive((a) => (items.length ? (a + (down ? 1 : items.length - 1)) % items.length : 0));
    } else if (e.key === "Enter") {
      e.preventDefault();
      open(items[active]);
    }
  }
  return (
    <Dialog title="Go to" onClose={onClose}>
      <input
        autoFocus
        role="combobox"
        aria-expanded="true"
        aria-controls="palette-list"
        aria-activedescendant={items[active] ? `palette-${active}` : undefined}
        aria-label="Find a contact or a screen"
        placeholder="Name, email, phone, external id, or a screen"
        value={q}
        onChange={(e) => {
          setQ(e.target.value);
          setActive(0);
        }}
        onKeyDown={onKeyDown}
      />
      <ul id="palette-list" role="listbox" aria-label="Results" className="palette-list">
        {items.map((item, i) => (
          <li
            key={item.href}
            id={`palette-${i}`}
            role="option"
            aria-selected={i === active}
            className={i === active ? "active" : ""}
            onMouseDown={(e) => {
              e.preventDefault();
              open(item);
            }}
          >
            {item.label} <span className="muted">{item.hint}</span>
          </li>
        ))}
        {term && !contacts.isFetching && items.length === 0 ? <li className="muted">Nothing found</li> : null}
      </ul>
      <div className="actions">
        <button type="button" onClick={onClose}>
          Close
        </button>
      </div>
    </Dialog>
  );
}
