// Administration → REST access (API.md sections 2 and 5): create an access and show its
// secret once, list accesses, disable/enable, regenerate the secret (optionally keeping the
// old one valid for a while), delete.

import * as api from "../api.js";
import * as dialogs from "../dialogs.js";
import * as status from "../status.js";
import { copyButton } from "../copy.js";
import { field, h, replace, uid } from "../dom.js";
import { endOfDayUtc, isPast, timeEl } from "../format.js";

const RIGHTS = [
  ["reader", "Reader", "Reads process definitions, instances, variables, tasks and history."],
  ["operator", "Operator", "Reader, plus starts and cancels instances and performs tasks (also external tasks and messages)."],
  ["designer", "Designer", "Operator, plus deploys and deletes process definitions."],
  ["admin", "Administrator", "Everything, including users, groups, REST accesses and the audit log."],
];

const GRACE = [
  [0, "No: the old secret stops working at once"],
  [3600, "1 hour"],
  [86400, "1 day"],
  [604800, "7 days"],
];

export async function renderAccesses(main) {
  const result = h("section", { id: "secret-result", "aria-live": "polite" });
  const tableHolder = h("div", { id: "accesses-table" }, h("p", { class: "muted" }, "Loading…"));
  const tableHeading = h("h2", { id: "accesses-heading", tabindex: "-1" }, "Accesses");
  main.append(
    h("h1", {}, "REST access"),
    h("p", { class: "muted" },
      "An access is an access key and secret key pair with which a program calls Ordo's REST API ",
      "(HTTP Basic, or a token from ", h("code", {}, "POST /api/auth/jwt"), ")."),
    result,
    createForm(result, reload),
    tableHeading,
    tableHolder);

  async function reload() {
    try {
      const accesses = await api.listAll("/api/v1/accesses");
      replace(tableHolder, accessTable(accesses, { result, reload, tableHeading }));
    } catch (e) {
      replace(tableHolder, h("p", { class: "error-text", role: "alert" }, api.describe(e)));
    }
  }
  await reload();
}

function createForm(result, reload) {
  const name = field("Name", { type: "text", name: "name", required: true, maxlength: 100, autocomplete: "off" },
    "What the access is for, e.g. the program or pipeline that uses it.");
  const rightId = uid();
  const rightHint = h("p", { class: "hint", id: `${rightId}-hint` });
  const right = h("select", { id: rightId, name: "right", "aria-describedby": `${rightId}-hint` },
    RIGHTS.map(([value, label]) => h("option", { value, selected: value === "operator" }, label)));
  const explain = () => {
    rightHint.textContent = RIGHTS.find(([value]) => value === right.value)[2];
  };
  right.addEventListener("change", explain);
  explain();
  const expiry = field("Expires (optional)", { type: "date", name: "expiresAt" },
    "Leave empty for an access that does not expire. It stops working at the end of that day (UTC).");
  const error = h("p", { class: "error-text", role: "alert" });
  const submit = h("button", { type: "submit" }, "Create access");
  const form = h("form", { class: "grid", id: "create-access", novalidate: true },
    name.field,
    h("div", { class: "field" }, h("label", { for: rightId }, "Right"), right, rightHint),
    expiry.field,
    h("div", { class: "form-actions" }, submit, error));

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    error.textContent = "";
    const trimmed = name.input.value.trim();
    if (!trimmed) {
      name.input.setAttribute("aria-invalid", "true");
      error.textContent = "Give the access a name.";
      name.input.focus();
      return;
    }
    name.input.removeAttribute("aria-invalid");
    const body = { name: trimmed, right: right.value };
    const expiresAt = endOfDayUtc(expiry.input.value);
    if (expiresAt) body.expiresAt = expiresAt;
    submit.disabled = true;
    try {
      const access = await api.request("POST", "/api/v1/accesses", { body });
      form.reset();
      right.value = "operator";
      explain();
      showSecret(result, access, "Access created");
      await reload();
    } catch (e) {
      error.textContent = api.describe(e);
      name.input.focus();
    } finally {
      submit.disabled = false;
    }
  });
  return h("div", { class: "card" }, h("h2", {}, "New access"), form);
}

/** The one-time display of a secret, with copy buttons and a ready-to-paste curl example. */
function showSecret(container, access, title) {
  const keyCode = h("code", { id: "new-access-key" }, access.accessKey);
  const secretCode = h("code", { id: "new-secret-key" }, access.secretKey);
  const curl = `curl -u '${access.accessKey}:${access.secretKey}' ${window.location.origin}/api/v1/me`;
  const curlEl = h("pre", { class: "curl", id: "curl-example" }, curl);
  const heading = h("h2", { tabindex: "-1" }, `${title}: `, access.name);
  const panel = h("div", { class: "secret-panel" },
    heading,
    h("p", { class: "warning", role: "alert" },
      "Copy the secret key now: it will not be shown again. ",
      "If it is lost, regenerate it."),
    h("div", { class: "copy-row" }, h("span", { class: "label" }, "Access key"), keyCode,
      copyButton(access.accessKey, "access key", keyCode)),
    h("div", { class: "copy-row" }, h("span", { class: "label" }, "Secret key"), secretCode,
      copyButton(access.secretKey, "secret key", secretCode)),
    h("p", {}, "Try it:"),
    curlEl,
    h("div", { class: "form-actions" },
      copyButton(curl, "curl example", curlEl),
      h("button", { type: "button", class: "secondary small",
        onclick: () => { container.replaceChildren(); document.getElementById("main").focus(); } },
      "Done, hide the secret")));
  replace(container, panel);
  heading.focus();
}

function accessTable(accesses, ctx) {
  if (accesses.length === 0) return h("p", { class: "empty card" }, "No access yet. Create one above.");
  return h("div", { class: "table-wrap" },
    h("table", { "aria-labelledby": "accesses-heading" },
      h("thead", {}, h("tr", {},
        ["Name", "Access key", "Right", "Secret", "Created", "Last used", "Expires", "Enabled", "Actions"]
          .map((t) => h("th", { scope: "col" }, t)))),
      h("tbody", {}, accesses.map((a) => accessRow(a, ctx)))));
}

function rightLabel(access) {
  const known = RIGHTS.find(([value]) => value === access.right);
  return known ? known[1] : `Custom (${(access.scopes || []).join(", ")})`;
}

function accessRow(access, ctx) {
  const expired = isPast(access.expiresAt);
  return h("tr", { dataset: { accessKey: access.accessKey } },
    h("td", { class: "access-name" }, access.name),
    h("td", {}, h("code", {}, access.accessKey)),
    h("td", {}, rightLabel(access)),
    h("td", {}, h("code", { title: "Last 4 characters of the secret" }, `…${access.secretHint || ""}`)),
    h("td", {}, timeEl(access.createdAt), access.createdBy ? h("div", { class: "muted" }, `by ${access.createdBy}`) : null),
    h("td", {}, timeEl(access.lastUsedAt, "Never"), access.lastUsedFrom ? h("div", { class: "muted" }, `from ${access.lastUsedFrom}`) : null),
    h("td", {}, timeEl(access.expiresAt, "Never"), expired ? h("div", { class: "badge off" }, "expired") : null),
    h("td", {}, h("span", { class: access.enabled ? "badge on" : "badge off" }, access.enabled ? "Enabled" : "Disabled")),
    h("td", { class: "actions" },
      h("button", { type: "button", class: "secondary small", onclick: () => toggle(access, ctx) },
        access.enabled ? "Disable" : "Enable"),
      h("button", { type: "button", class: "secondary small", onclick: () => regenerate(access, ctx) },
        "Regenerate secret"),
      h("button", { type: "button", class: "danger small", onclick: () => remove(access, ctx) }, "Delete")));
}

async function toggle(access, ctx) {
  const enabling = !access.enabled;
  if (!enabling) {
    const ok = await dialogs.confirm(`Disable “${access.name}”?`,
      `Programs using the access “${access.name}” (${access.accessKey}) will be refused until it is enabled again.`,
      "Disable", { focusAfter: ctx.tableHeading });
    if (!ok) return;
  }
  try {
    await api.request("PATCH", `/api/v1/accesses/${encodeURIComponent(access.accessKey)}`, { body: { enabled: enabling } });
    status.show(`Access “${access.name}” ${enabling ? "enabled" : "disabled"}.`);
  } catch (e) {
    status.show(api.describe(e), "error");
  }
  await ctx.reload();
  ctx.tableHeading.focus();
}

async function regenerate(access, ctx) {
  const graceId = uid();
  const grace = h("select", { id: graceId, name: "grace" },
    GRACE.map(([value, label]) => h("option", { value: String(value) }, label)));
  const form = await dialogs.open({
    title: `Regenerate the secret of “${access.name}”?`,
    content: [
      h("p", {}, `A new secret key is made for “${access.name}” (${access.accessKey}) and shown once. `,
        "Tokens issued with the old secret stop working at once."),
      h("div", { class: "field" }, h("label", { for: graceId }, "Keep the old secret working for"), grace,
        h("p", { class: "hint" }, "A grace period lets the programs using it switch without downtime.")),
    ],
    confirmLabel: "Regenerate secret",
    danger: true,
    focusAfter: ctx.tableHeading,
  });
  if (!form) return;
  const seconds = Number(grace.value);
  try {
    const updated = await api.request("POST", `/api/v1/accesses/${encodeURIComponent(access.accessKey)}/secret`,
      { body: seconds > 0 ? { previousSecretValidFor: seconds } : {} });
    showSecret(ctx.result, updated, "New secret");
    await ctx.reload();
  } catch (e) {
    status.show(api.describe(e), "error", { focus: true });
  }
}

async function remove(access, ctx) {
  const ok = await dialogs.confirm(`Delete “${access.name}”?`,
    `The access “${access.name}” (${access.accessKey}) is deleted for good: its secret and every token issued with it stop working at once.`,
    "Delete access", { focusAfter: ctx.tableHeading });
  if (!ok) return;
  try {
    await api.request("DELETE", `/api/v1/accesses/${encodeURIComponent(access.accessKey)}`);
    status.show(`Access “${access.name}” deleted.`);
  } catch (e) {
    status.show(api.describe(e), "error");
  }
  await ctx.reload();
  ctx.tableHeading.focus();
}
