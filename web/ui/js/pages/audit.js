// Administration → Audit log: GET /api/v1/audit-events, newest first, filtered by kind (the
// API's `action`) and actor, with "Load more" following nextCursor.

import * as api from "../api.js";
import * as router from "../router.js";
import { field, h, replace } from "../dom.js";
import { timeEl } from "../format.js";

const PAGE = 100;

export async function renderAudit(main, query) {
  const kind = field("Kind", { type: "search", name: "action", value: query.get("action") || "", autocomplete: "off" },
    "An action (login.failed, access.created) or a prefix ending in a dot (access.)");
  const actor = field("Actor", { type: "search", name: "actor", value: query.get("actor") || "", autocomplete: "off" },
    "Username or access key");
  const form = h("form", { class: "filters", role: "search", "aria-label": "Filter the audit log" },
    kind.field, actor.field, h("button", { type: "submit" }, "Filter"));
  const tbody = h("tbody");
  const more = h("button", { type: "button", class: "secondary", hidden: true }, "Load more");
  const message = h("p", { class: "muted", role: "status" });
  main.append(h("h1", {}, "Audit log"), form,
    h("div", { class: "table-wrap" },
      h("table", { "aria-label": "Audit events, newest first", "aria-busy": "true" },
        h("thead", {}, h("tr", {}, ["Time", "Kind", "Outcome", "Actor", "Target", "From", "Details"].map((t) => h("th", { scope: "col" }, t)))),
        tbody)),
    message, more);

  // Filters live in the URL, so a filtered view can be bookmarked and survives a re-login.
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const params = new URLSearchParams();
    if (kind.input.value.trim()) params.set("action", kind.input.value.trim());
    if (actor.input.value.trim()) params.set("actor", actor.input.value.trim());
    const qs = params.toString();
    router.navigate(`/admin/audit${qs ? `?${qs}` : ""}`);
  });

  let cursor = null;
  const table = tbody.parentElement;
  async function load() {
    more.disabled = true;
    // aria-busy tells screen readers (and the browser tests) that rows are still arriving.
    table.setAttribute("aria-busy", "true");
    try {
      const data = await api.request("GET", "/api/v1/audit-events", {
        query: { action: query.get("action"), actor: query.get("actor"), limit: PAGE, cursor },
      });
      for (const e of data.items || []) tbody.append(eventRow(e));
      cursor = data.nextCursor;
      more.hidden = !cursor;
      message.textContent = tbody.children.length === 0 ? "No event matches." : `${tbody.children.length} events shown.`;
    } catch (e) {
      replace(message, h("span", { class: "error-text" }, api.describe(e)));
    } finally {
      more.disabled = false;
      table.setAttribute("aria-busy", "false");
    }
  }
  more.addEventListener("click", load);
  await load();
}

function eventRow(e) {
  const details = e.detail && Object.keys(e.detail).length ? JSON.stringify(e.detail) : "—";
  const failed = e.outcome === "failure";
  return h("tr", {},
    h("td", {}, timeEl(e.at)),
    h("td", {}, h("code", {}, e.action)),
    h("td", {}, h("span", { class: failed ? "badge off" : "badge on" }, failed ? "Failure" : "Success")),
    h("td", {}, e.actor ? `${e.actor}${e.actorType && e.actorType !== "user" ? ` (${e.actorType})` : ""}` : "—"),
    h("td", {}, e.target || "—"),
    h("td", {}, e.clientAddress || "—"),
    h("td", { class: "mono details" }, details));
}
