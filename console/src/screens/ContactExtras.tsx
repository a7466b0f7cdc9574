// The parts of a contact's profile around its own fields: custom fields by type, metadata
// as key-value pairs, what else names the contact (tickets, appointments, leads, segments),
// merging a suggested duplicate into it, and its do-not-contact channels.
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useCustomFields } from "../api/queries";
import { api, unwrap, type Contact, type Schemas } from "../api/console-client";
import { ErrorNotice } from "../components/ErrorNotice";
import { Link } from "../components/Link";
import { useAction } from "../lib/useAction";

type Patch = Schemas["ContactInput"];

export function CustomFieldsCard({ contact, writer, onChange }: { contact: Contact; writer: boolean; onChange: (p: Patch) => void }) {
  const fields = useCustomFields();
  const values = (contact.custom_fields ?? {}) as Record<string, unknown>;
  if (!fields.data?.length) return null;
  const set = (key: string, value: unknown) => onChange({ custom_fields: { [key]: value === "" ? null : value } });
  return (
    <section aria-labelledby="custom-title" className="card">
      <h2 id="custom-title">Custom fields</h2>
      {fields.data.map((f) => {
        const key = f.key ?? "";
        const v = values[key];
        const label = `${f.label}${f.allow_for_ai ? " (AI may fill)" : ""}`;
        if (f.type === "boolean") {
          return (
            <label key={key} className="check">
              <input type="checkbox" disabled={!writer} checked={v === true} onChange={(e) => set(key, e.target.checked)} /> {label}
            </label>
          );
        }
        if (f.type === "select") {
          return (
            <label key={key}>
              {label}
              <select disabled={!writer} value={typeof v === "string" ? v : ""} onChange={(e) => set(key, e.target.value)}>
                <option value="">–</option>
                {(f.options ?? []).map((o) => (
                  <option key={o}>{o}</option>
                ))}
              </select>
            </label>
          );
        }
        const text = Array.isArray(v) ? v.join(", ") : v == null ? "" : String(v);
        const commit = (raw: string) => {
          if (raw === text) return;
          if (f.type === "number") set(key, raw === "" ? "" : Number(raw));
          else if (f.type === "multiselect") set(key, raw.split(",").map((s) => s.trim()).filter(Boolean));
          else set(key, raw);
        };
        return (
          <label key={`${key}-${text}`}>
            {label}
            <input
              type={f.type === "number" ? "number" : f.type === "date" ? "date" : f.type === "email" ? "email" : "text"}
              defaultValue={text}
              disabled={!writer}
              onBlur={(e) => commit(e.target.value)}
            />
          </label>
        );
      })}
    </section>
  );
}

export function MetadataCard({ contact, writer, onChange }: { contact: Contact; writer: boolean; onChange: (p: Patch) => void }) {
  const entries = Object.entries(contact.metadata ?? {});
  const [key, setKey] = useState("");
  const [value, setValue] = useState("");
  const save = (next: Record<string, string>) => onChange({ metadata: next });
  return (
    <section aria-labelledby="meta-title" className="card">
      <h2 id="meta-title">Metadata</h2>
      {entries.length === 0 ? <p className="muted">None.</p> : null}
      <dl>
        {entries.map(([k, v]) => (
          <div key={k} className="meta-row">
            <dt>{k}</dt>
            <dd>
              {v}{" "}
              {writer ? (
                <button
                  type="button"
                  className="ghost"
                  aria-label={`Remove ${k}`}
                  onClick={() => save(Object.fromEntries(entries.filter(([other]) => other !== k)))}
                >
                  ×
                </button>
              ) : null}
            </dd>
          </div>
        ))}
      </dl>
      {writer ? (
        <form
          className="inline"
          onSubmit={(e) => {
            e.preventDefault();
            if (!key.trim()) return;
            save({ ...Object.fromEntries(entries), [key.trim()]: value });
            setKey("");
            setValue("");
          }}
        >
          <label>
            Key
            <input value={key} onChange={(e) => setKey(e.target.value)} />
          </label>
          <label>
            Value
            <input value={value} onChange={(e) => setValue(e.target.value)} />
          </label>
          <button type="submit">Add</button>
        </form>
      ) : null}
    </section>
  );
}

export function RelatedCard({ id }: { id: number }) {
  const related = useQuery({
    queryKey: ["related", id],
    queryFn: async () => {
      const [tickets, appointments, bookings, leads, segments] = await Promise.all([
        api.GET("/v1/contacts/{id}/tickets", { params: { path: { id }, query: { limit: 5 } } }),
        api.GET("/v1/appointments", { params: { query: { contact_id: String(id), limit: 5 } } }),
        api.GET("/v1/contacts/{id}/booking-stats", { params: { path: { id } } }),
        api.GET("/v1/leads", { params: { query: { contact_id: String(id), limit: 5 } } }),
        api.GET("/v1/contacts/{id}/segments", { params: { path: { id } } }),
      ]);
      return {
        tickets: unwrap(tickets).data,
        appointments: unwrap(appointments).data,
        bookings: unwrap(bookings),
        leads: unwrap(leads).data,
        segments: unwrap(segments).data,
      };
    },
  });
  if (related.error) return <ErrorNotice error={related.error} />;
  const r = related.data;
  return (
    <section aria-labelledby="related-title" className="card related">
      <h2 id="related-title">Related</h2>
      <h3>Tickets</h3>
      {r?.tickets.length ? (
        <ul>
          {r.tickets.map((t) => (
            <li key={t.id}>
              <Link href={`/app/tickets/${t.id}`}>{t.subject}</Link> <span className="muted">({t.status}, {t.priority})</span>
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted">None.</p>
      )}
      <h3>Appointments</h3>
      {r?.bookings.bookings ? (
        <p aria-label="Booking stats">
          {r.bookings.bookings} booked · {r.bookings.upcoming} upcoming · {r.bookings.completed} completed ·{" "}
          {r.bookings.no_shows} no-show{r.bookings.no_shows === 1 ? "" : "s"} · {r.bookings.cancelled} cancelled
          {r.bookings.preferred_weekday !== null && r.bookings.preferred_hour !== null ? (
            <span className="muted">
              {" "}
              · usually {r.bookings.preferred_weekday} around {String(r.bookings.preferred_hour).padStart(2, "0")}:00
            </span>
          ) : null}
        </p>
      ) : null}
      {r?.appointments.length ? (
        <ul>
          {r.appointments.map((a) => (
            <li key={a.id}>
              {a.service} · {new Date(a.starts_at).toLocaleString()} <span className="muted">({a.status})</span>
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted">None.</p>
      )}
      <h3>Leads</h3>
      {r?.leads.length ? (
        <ul>
          {r.leads.map((l) => (
            <li key={l.id}>
              <Link href={`/app/leads/${l.id}`}>{l.title ?? `Lead ${l.id}`}</Link> <span className="muted">({l.status})</span>
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted">None.</p>
      )}
      <h3>Segments</h3>
      <p>{r?.segments.length ? r.segments.map((s) => s.name).join(", ") : <span className="muted">None.</span>}</p>
    </section>
  );
}

// Duplicates the server suggests (same phone, or same name) that include this contact.
export function MergeCard({ id, onMerged }: { id: number; onMerged: () => void }) {
  const dups = useQuery({
    queryKey: ["duplicates"],
    queryFn: async () => unwrap(await api.GET("/v1/contacts/duplicates", { params: { query: { limit: 200 } } })).data,
  });
  const { error, run } = useAction();
  const candidates = (dups.data ?? []).filter((d) => d.contact_ids.includes(id));
  if (!candidates.length) return null;
  const merge = (other: number) =>
    run(async () => {
      unwrap(await api.POST("/v1/contacts/{id}/merge", { params: { path: { id } }, body: { duplicate_id: other } }));
      onMerged();
    });
  return (
    <section aria-labelledby="merge-title" className="card">
      <h2 id="merge-title">Possible duplicates</h2>
      <ErrorNotice error={error} />
      <ul>
        {candidates.flatMap((d) =>
          d.contact_ids
            .filter((other) => other !== id)
            .map((other) => (
              <li key={`${d.reason}-${other}`}>
                <Link href={`/app/contacts/${other}`}>Contact {other}</Link> <span className="muted">(same {d.reason})</span>{" "}
                <button type="button" onClick={() => void merge(other)}>
                  Merge into this one
                </button>
              </li>
            )),
        )}
      </ul>
    </section>
  );
}

const DNC_CHANNELS = ["email", "sms", "all"] as const;

// Do-not-contact: the channels no message may use for this person (every send checks them),
// with why; agents add or lift one.
export function DoNotContactCard({ id, writer }: { id: number; writer: boolean }) {
  const qc = useQueryClient();
  const key = ["do-not-contact", id];
  const entries = useQuery({
    queryKey: key,
    queryFn: async () => unwrap(await api.GET("/v1/contacts/{id}/do-not-contact", { params: { path: { id } } })).items,
  });
  const { error, busy, run } = useAction();
  const [channel, setChannel] = useState<(typeof DNC_CHANNELS)[number]>("email");
  const [note, setNote] = useState("");
  const add = () =>
    run(async () => {
      unwrap(
        await api.PUT("/v1/contacts/{id}/do-not-contact/{channel}", {
          params: { path: { id, channel } },
          body: { reason: "manual", ...(note ? { note } : {}) },
        }),
      );
      setNote("");
      await qc.invalidateQueries({ queryKey: key });
    });
  const lift = (ch: (typeof DNC_CHANNELS)[number]) =>
    run(async () => {
      unwrap(await api.DELETE("/v1/contacts/{id}/do-not-contact/{channel}", { params: { path: { id, channel: ch } } }));
      await qc.invalidateQueries({ queryKey: key });
    });
  return (
    <section aria-labelledby="dnc-title" className="card">
      <h2 id="dnc-title">Do not contact</h2>
      <ErrorNotice error={error ?? entries.error} />
      {entries.data?.length === 0 ? <p className="muted">Messages may reach this person.</p> : null}
      <ul>
        {(entries.data ?? []).map((e) => (
          <li key={e.channel}>
            <strong>{e.channel}</strong> · {e.reason.replace("_", " ")}
            {e.note ? ` · ${e.note}` : ""} <span className="muted">since {new Date(e.created_at).toLocaleDateString()}</span>{" "}
            {writer ? (
              <button type="button" className="ghost" disabled={busy} onClick={() => void lift(e.channel)} aria-label={`Allow ${e.channel} again`}>
                Allow again
              </button>
            ) : null}
          </li>
        ))}
      </ul>
      {writer ? (
        <div className="inline tight">
          {/* Labelled by id, not by wrapping: a wrapping label's text would include the
              options ("email"), and the profile's Email field must stay the only "Email". */}
          <span className="stack">
            <label htmlFor={`dnc-channel-${id}`}>Channel</label>
            <select id={`dnc-channel-${id}`} value={channel} onChange={(e) => setChannel(e.target.value as typeof channel)}>
              {DNC_CHANNELS.map((c) => (
                <option key={c}>{c}</option>
              ))}
            </select>
          </span>
          <label>
            Note
            <input value={note} onChange={(e) => setNote(e.target.value)} maxLength={500} />
          </label>
          <button type="button" disabled={busy} onClick={() => void add()}>
            Do not contact
          </button>
        </div>
      ) : null}
    </section>
  );
}
