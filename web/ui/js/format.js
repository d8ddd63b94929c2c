// How times and optional values are shown. All times from the API are RFC 3339 UTC.

const dateTime = new Intl.DateTimeFormat(undefined, {
  year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit",
});

/** "29 Nov 2026, 10:15" in the browser's locale and time zone; "—" for null. */
export function when(iso) {
  if (!iso) return "—";
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? String(iso) : dateTime.format(d);
}

/** A <time> element with the exact UTC value as its datetime and title. */
export function timeEl(iso, fallback = "—") {
  const el = document.createElement("time");
  if (!iso) {
    el.textContent = fallback;
    return el;
  }
  el.dateTime = iso;
  el.title = iso;
  el.textContent = when(iso);
  return el;
}

/** "2026-12-31" (from <input type=date>) → end of that day in UTC, or null when empty. */
export function endOfDayUtc(dateValue) {
  if (!dateValue) return null;
  return `${dateValue}T23:59:59Z`;
}

/** True when an ISO time is in the past. */
export function isPast(iso) {
  return Boolean(iso) && new Date(iso).getTime() < Date.now();
}
