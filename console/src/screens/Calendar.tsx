// Appointments: a week or a day in the team's time zone (the messaging settings' zone),
// with booking, rescheduling and the status moves (confirm, completed, no-show, cancel).
// The period shown is in the URL.
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { api, unwrap, type Schemas } from "../api/console-client";
import { useContactNames, useMessagingSettings, useUsers } from "../api/queries";
import { navigate, useLocation, useTitle } from "../app/router";
import { canWrite, useSession } from "../app/session";
import { Dialog } from "../components/Dialog";
import { ContactPicker } from "../components/ContactPicker";
import { ErrorNotice } from "../components/ErrorNotice";
import { FormDialog } from "../components/forms";
import { Link } from "../components/Link";
import { UserOptions } from "../components/options";
import { useAction } from "../lib/useAction";
import { addDays, mondayOf, zonedInstant, zonedParts } from "../lib/zoned";

type Appointment = Schemas["Appointment"];
const FINAL = ["cancelled", "completed", "no_show"];
const DAY_NAMES = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];

export default function Calendar() {
  const { search } = useLocation();
  const { session } = useSession();
  const params = new URLSearchParams(search);
  const settings = useMessagingSettings();
  const zone = settings.data?.time_zone || "UTC";
  const today = zonedParts(Date.now(), zone).date;
  const view = params.get("view") === "day" ? "day" : "week";
  const from = view === "day" ? (params.get("date") ?? today) : mondayOf(params.get("date") ?? today);
  const days = view === "day" ? 1 : 7;
  const to = addDays(from, days);
  useTitle("Calendar");
  const go = (date: string, v = view) => navigate(`/app/calendar?view=${v}&date=${date}`, { replace: true });
  const start = zonedInstant(from, "00:00", zone);
  const end = zonedInstant(to, "00:00", zone);
  const list = useQuery({
    queryKey: ["appointments", "window", zone, from, to],
    enabled: !!settings.data,
    queryFn: async () =>
      unwrap(
        await api.GET("/v1/appointments", {
          params: {
            query: {
              "starts_at.lt": new Date(end).toISOString(),
              "ends_at.gt": new Date(start).toISOString(),
              limit: 200,
            },
          },
        }),
      ).data,
  });
  const names = useContactNames((list.data ?? []).map((a) => a.contact_id));
  const byDay = new Map<string, Appointment[]>();
  for (const a of [...(list.data ?? [])].sort((x, y) => Date.parse(x.starts_at) - Date.parse(y.starts_at))) {
    const day = zonedParts(Date.parse(a.starts_at), zone).date;
    byDay.set(day, [...(byDay.get(day) ?? []), a]);
  }
  const dates = Array.from({ length: days }, (_, i) => addDays(from, i));
  return (
    <main id="main" tabIndex={-1}>
      <div className="page-head">
        <h1>Calendar</h1>
        <span className="muted">
          {view === "week" ? `Week of ${from}` : from} · {zone}
        </span>
        <div className="actions">
          <button type="button" onClick={() => go(addDays(from, -days))}>
            Previous {view}
          </button>
          <button type="button" onClick={() => go(today)}>
            Today
          </button>
          <button type="button" onClick={() => go(addDays(from, days))}>
            Next {view}
          </button>
          <label className="check">
            View{" "}
            <select value={view} onChange={(e) => go(from, e.target.value)}>
              <option value="week">Week</option>
              <option value="day">Day</option>
            </select>
          </label>
          {canWrite(session) ? <BookAppointment zone={zone} date={from} /> : null}
        </div>
      </div>
      <ErrorNotice error={settings.error ?? list.error} />
      {list.data && list.data.length >= 200 ? <p className="notice warn">Showing the first 200 appointments of this {view}.</p> : null}
      <div className={view === "week" ? "board week" : "board"}>
        {dates.map((date) => {
          const weekday = DAY_NAMES[zonedParts(zonedInstant(date, "12:00", zone), zone).weekday]!;
          const items = byDay.get(date) ?? [];
          return (
            <section key={date} className={`column${date === today ? " today" : ""}`} aria-labelledby={`day-${date}`}>
              <h2 id={`day-${date}`}>
                {weekday} {date.slice(5)}
                {date === today ? <span className="muted"> · today</span> : null}
              </h2>
              {items.length === 0 ? <p className="muted">Nothing booked.</p> : null}
              <ul className="cards">
                {items.map((a) => (
                  <AppointmentCard key={a.id} appointment={a} zone={zone} contactName={names.data?.get(a.contact_id)} />
                ))}
              </ul>
            </section>
          );
        })}
      </div>
    </main>
  );
}

function AppointmentCard({ appointment: a, zone, contactName }: { appointment: Appointment; zone: string; contactName: string | undefined }) {
  const qc = useQueryClient();
  const { session } = useSession();
  const { error, busy, run } = useAction();
  const [moving, setMoving] = useState(false);
  const starts = zonedParts(Date.parse(a.starts_at), zone);
  const ends = zonedParts(Date.parse(a.ends_at), zone);
  const set = (body: Schemas["AppointmentPatch"]) =>
    run(async () => {
      unwrap(await api.PATCH("/v1/appointments/{id}", { params: { path: { id: a.id } }, body }));
      await qc.invalidateQueries({ queryKey: ["appointments"] });
    });
  const open = !FINAL.includes(a.status);
  const label = `${a.service} at ${starts.time}`;
  return (
    <li className={`lead-card appointment-${a.status}`}>
      <strong>
        {starts.time}–{ends.time} {a.service}
      </strong>
      <Link href={`/app/contacts/${a.contact_id}`}>{contactName ?? `Contact ${a.contact_id}`}</Link>
      <span className="muted">
        {a.status.replace("_", "-")}
        {a.location ? ` · ${a.location}` : ""}
        {a.time_zone && a.time_zone !== zone ? ` · customer's zone ${a.time_zone}` : ""}
      </span>
      {open && canWrite(session) ? (
        <div className="inline tight">
          {a.status === "booked" ? (
            <button type="button" disabled={busy} onClick={() => void set({ status: "confirmed" })} aria-label={`Confirm ${label}`}>
              Confirm
            </button>
          ) : null}
          <button type="button" disabled={busy} onClick={() => void set({ status: "completed" })} aria-label={`Completed ${label}`}>
            Completed
          </button>
          <button type="button" disabled={busy} onClick={() => void set({ status: "no_show" })} aria-label={`No-show ${label}`}>
            No-show
          </button>
          <button type="button" disabled={busy} onClick={() => setMoving(true)} aria-label={`Reschedule ${label}`}>
            Reschedule
          </button>
          <button
            type="button"
            disabled={busy}
            onClick={() => void set({ status: "cancelled", cancel_reason: "cancelled from the calendar" })}
            aria-label={`Cancel ${label}`}
          >
            Cancel
          </button>
        </div>
      ) : null}
      <ErrorNotice error={error} />
      {moving ? <Reschedule appointment={a} zone={zone} onClose={() => setMoving(false)} /> : null}
    </li>
  );
}

function Reschedule({ appointment: a, zone, onClose }: { appointment: Appointment; zone: string; onClose: () => void }) {
  const qc = useQueryClient();
  const { error, busy, run } = useAction();
  const starts = zonedParts(Date.parse(a.starts_at), zone);
  const minutes = Math.round((Date.parse(a.ends_at) - Date.parse(a.starts_at)) / 60000);
  const save = (form: FormData) =>
    run(async () => {
      const at = zonedInstant(String(form.get("date")), String(form.get("time")), zone);
      unwrap(
        await api.PATCH("/v1/appointments/{id}", {
          params: { path: { id: a.id } },
          body: { starts_at: new Date(at).toISOString(), ends_at: new Date(at + minutes * 60000).toISOString() },
        }),
      );
      await qc.invalidateQueries({ queryKey: ["appointments"] });
      onClose();
    });
  return (
    <Dialog title={`Reschedule ${a.service}`} onClose={onClose}>
      <form
        className="stack"
        onSubmit={(e) => {
          e.preventDefault();
          void save(new FormData(e.currentTarget));
        }}
      >
        <p className="muted">
          Times are in {zone}. It keeps its length ({minutes} min).
        </p>
        <label>
          New date
          <input name="date" type="date" required defaultValue={starts.date} />
        </label>
        <label>
          New time
          <input name="time" type="time" required defaultValue={starts.time} />
        </label>
        <ErrorNotice error={error} />
        <div className="actions">
          <button type="button" onClick={onClose}>
            Close
          </button>
          <button type="submit" className="primary" disabled={busy}>
            Move it
          </button>
        </div>
      </form>
    </Dialog>
  );
}

function BookAppointment({ zone, date }: { zone: string; date: string }) {
  const qc = useQueryClient();
  const users = useUsers();
  const submit = async (form: FormData) => {
    const at = zonedInstant(String(form.get("date")), String(form.get("time")), zone);
    const minutes = Number(form.get("minutes") || 30);
    unwrap(
      await api.POST("/v1/appointments", {
        body: {
          contact_id: Number(form.get("contact_id")),
          service: String(form.get("service")),
          starts_at: new Date(at).toISOString(),
          ends_at: new Date(at + minutes * 60000).toISOString(),
          time_zone: zone,
          ...(form.get("assignee_id") ? { assignee_id: Number(form.get("assignee_id")) } : {}),
          ...(form.get("location") ? { location: String(form.get("location")) } : {}),
        },
      }),
    );
    await qc.invalidateQueries({ queryKey: ["appointments"] });
  };
  return (
    <FormDialog title="Book an appointment" openLabel="Book" submitLabel="Book it" primary onSubmit={submit}>
      <ContactPicker />
      <label>
        Service
        <input name="service" required maxLength={200} />
      </label>
      <div className="inline">
        <label>
          Date
          <input name="date" type="date" required defaultValue={date} />
        </label>
        <label>
          Time ({zone})
          <input name="time" type="time" required defaultValue="09:00" />
        </label>
        <label>
          Minutes
          <input name="minutes" type="number" min={5} max={1440} defaultValue={30} size={5} />
        </label>
      </div>
      <label>
        With
        <select name="assignee_id" defaultValue="">
          <option value="">Anyone</option>
          <UserOptions users={users.data} />
        </select>
      </label>
      <label>
        Location
        <input name="location" maxLength={200} />
      </label>
    </FormDialog>
  );
}
