// Wall-clock times in the team's time zone (IANA), independent of the browser's: the
// instant of a local date and time, a local day's boundaries, and how an instant reads there.
const formatters = new Map<string, Intl.DateTimeFormat>();
function parts(ms: number, zone: string): Record<string, number> {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone: zone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
      weekday: "short",
    });
    formatters.set(zone, f);
  }
  const out: Record<string, number> = {};
  for (const p of f.formatToParts(new Date(ms))) {
    if (p.type === "weekday") out["weekday"] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"].indexOf(p.value);
    else if (p.type !== "literal") out[p.type] = Number(p.value);
  }
  return out;
}

// The zone's offset from UTC at instant `ms`, in ms.
function offset(ms: number, zone: string): number {
  const p = parts(ms, zone);
  return Date.UTC(p["year"]!, p["month"]! - 1, p["day"]!, p["hour"]!, p["minute"]!, p["second"]!) - Math.floor(ms / 1000) * 1000;
}

// The instant of local `date` ("2030-03-31") at `time` ("02:30") in `zone`. A time skipped
// by a DST change lands after the gap; a repeated one is its first occurrence.
export function zonedInstant(date: string, time: string, zone: string): number {
  const [y, m, d] = date.split("-").map(Number) as [number, number, number];
  const [hh, mm] = time.split(":").map(Number) as [number, number];
  const wall = Date.UTC(y, m - 1, d, hh, mm);
  let at = wall - offset(wall, zone);
  const corrected = wall - offset(at, zone);
  if (corrected !== at) at = offset(corrected, zone) === offset(at, zone) ? corrected : Math.max(at, corrected);
  return at;
}

// How `ms` reads in `zone`: "2030-03-04", "09:05", and the weekday (0 = Monday).
export function zonedParts(ms: number, zone: string): { date: string; time: string; weekday: number } {
  const p = parts(ms, zone);
  const two = (n: number) => String(n).padStart(2, "0");
  return { date: `${p["year"]}-${two(p["month"]!)}-${two(p["day"]!)}`, time: `${two(p["hour"]!)}:${two(p["minute"]!)}`, weekday: p["weekday"]! };
}

// "2030-03-04" plus `days` (calendar arithmetic, no zone involved).
export function addDays(date: string, days: number): string {
  const [y, m, d] = date.split("-").map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

// The Monday on or before `date`.
export function mondayOf(date: string): string {
  const [y, m, d] = date.split("-").map(Number) as [number, number, number];
  const weekday = (new Date(Date.UTC(y, m - 1, d)).getUTCDay() + 6) % 7;
  return addDays(date, -weekday);
}
