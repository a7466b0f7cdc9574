// Choosing a contact in a form: type part of a name, email or phone, then pick from the
// matches. The chosen id is posted as the form field `name`.
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { api, unwrap } from "../api/console-client";

export function ContactPicker({ name = "contact_id" }: { name?: string }) {
  const [term, setTerm] = useState("");
  const contacts = useQuery({
    queryKey: ["contacts", "pick", term],
    enabled: term.length > 1,
    queryFn: async () => unwrap(await api.GET("/v1/contacts", { params: { query: { q: term, limit: 10 } } })).data,
  });
  return (
    <>
      <label>
        Find the contact
        <input type="search" value={term} onChange={(e) => setTerm(e.target.value)} />
      </label>
      <label>
        Contact
        <select name={name} required>
          {(contacts.data ?? []).map((c) => (
            <option key={c.id} value={String(c.id)}>
              {c.name ?? c.email ?? c.phone ?? `#${c.id}`}
            </option>
          ))}
        </select>
      </label>
    </>
  );
}
