// Administration → Users: people who log into the web interface. List, create, edit (name,
// email, admin, groups), disable/enable, set a password, delete.

import * as api from "../api.js";
import * as dialogs from "../dialogs.js";
import * as session from "../session.js";
import * as status from "../status.js";
import { checkbox, field, h, replace } from "../dom.js";
import { timeEl } from "../format.js";

const MIN_PASSWORD = 8;

export async function renderUsers(main) {
  const tableHolder = h("div", {}, h("p", { class: "muted" }, "Loading…"));
  const tableHeading = h("h2", { id: "users-heading", tabindex: "-1" }, "Users");
  const formHolder = h("div");
  main.append(h("h1", {}, "Users"), formHolder, tableHeading, tableHolder);
  const ctx = { reload, tableHeading, groups: [] };

  async function reload() {
    try {
      const [users, groups] = await Promise.all([api.listAll("/api/v1/users"), api.listAll("/api/v1/groups")]);
      ctx.groups = groups;
      replace(tableHolder, userTable(users, ctx));
    } catch (e) {
      replace(tableHolder, h("p", { class: "error-text", role: "alert" }, api.describe(e)));
    }
  }
  await reload();
  replace(formHolder, createForm(ctx));
}

function groupChecklist(groups, selected) {
  if (groups.length === 0) return h("p", { class: "hint" }, "No group exists yet.");
  return h("fieldset", {}, h("legend", {}, "Groups"),
    h("div", { class: "checklist" },
      groups.map((g) => checkbox(g.name && g.name !== g.groupId ? `${g.name} (${g.groupId})` : g.groupId,
        { name: "groups", value: g.groupId, checked: selected.includes(g.groupId) }).field)));
}

function checkedGroups(form) {
  return [...form.querySelectorAll('input[name="groups"]:checked')].map((el) => el.value);
}

function createForm(ctx) {
  const username = field("Username", { type: "text", name: "username", required: true, maxlength: 100, autocomplete: "off" });
  const displayName = field("Display name", { type: "text", name: "displayName", autocomplete: "off" });
  const email = field("Email", { type: "email", name: "email", autocomplete: "off" });
  const password = field("Password", { type: "password", name: "password", required: true, autocomplete: "new-password", minlength: MIN_PASSWORD },
    `At least ${MIN_PASSWORD} characters.`);
  const admin = checkbox("Administrator (may use the Administration area)", { name: "admin" });
  const error = h("p", { class: "error-text", role: "alert" });
  const submit = h("button", { type: "submit" }, "Create user");
  const form = h("form", { class: "grid", id: "create-user", novalidate: true },
    username.field, displayName.field, email.field, password.field, admin.field,
    groupChecklist(ctx.groups, []),
    h("div", { class: "form-actions" }, submit, error));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    error.textContent = "";
    if (!username.input.value.trim()) {
      error.textContent = "Give a username.";
      username.input.focus();
      return;
    }
    if (password.input.value.length < MIN_PASSWORD) {
      error.textContent = `The password needs at least ${MIN_PASSWORD} characters.`;
      password.input.focus();
      return;
    }
    const body = {
      username: username.input.value.trim(),
      password: password.input.value,
      admin: admin.input.checked,
      groups: checkedGroups(form),
    };
    if (displayName.input.value.trim()) body.displayName = displayName.input.value.trim();
    if (email.input.value.trim()) body.email = email.input.value.trim();
    submit.disabled = true;
    try {
      const user = await api.request("POST", "/api/v1/users", { body });
      form.reset();
      status.show(`User “${user.username}” created.`);
      await ctx.reload();
      username.input.focus();
    } catch (e) {
      error.textContent = api.describe(e);
    } finally {
      submit.disabled = false;
    }
  });
  return h("div", { class: "card" }, h("h2", {}, "New user"), form);
}

function userTable(users, ctx) {
  if (users.length === 0) return h("p", { class: "empty card" }, "No user.");
  return h("div", { class: "table-wrap" },
    h("table", { "aria-labelledby": "users-heading" },
      h("thead", {}, h("tr", {}, ["Username", "Display name", "Email", "Groups", "Admin", "Enabled", "Created", "Actions"]
        .map((t) => h("th", { scope: "col" }, t)))),
      h("tbody", {}, users.map((u) => userRow(u, ctx)))));
}

function userRow(u, ctx) {
  const self = session.user() && session.user().username === u.username;
  return h("tr", { dataset: { username: u.username } },
    h("td", {}, u.username, self ? h("span", { class: "muted" }, " (you)") : null),
    h("td", {}, u.displayName || "—"),
    h("td", {}, u.email || "—"),
    h("td", {}, (u.groups || []).join(", ") || "—"),
    h("td", {}, u.admin ? "Yes" : "No"),
    h("td", {}, h("span", { class: u.enabled ? "badge on" : "badge off" }, u.enabled ? "Enabled" : "Disabled")),
    h("td", {}, timeEl(u.createdAt)),
    h("td", { class: "actions" },
      h("button", { type: "button", class: "secondary small", onclick: () => edit(u, ctx) }, "Edit"),
      h("button", { type: "button", class: "secondary small", onclick: () => setPassword(u, ctx) }, "Set password"),
      h("button", { type: "button", class: "secondary small", disabled: self && u.enabled,
        onclick: () => patch(u, { enabled: !u.enabled }, `User “${u.username}” ${u.enabled ? "disabled" : "enabled"}.`, ctx) },
      u.enabled ? "Disable" : "Enable"),
      h("button", { type: "button", class: "danger small", disabled: self, onclick: () => remove(u, ctx) }, "Delete")));
}

async function patch(u, body, message, ctx) {
  try {
    await api.request("PATCH", `/api/v1/users/${encodeURIComponent(u.username)}`, { body });
    status.show(message);
  } catch (e) {
    status.show(api.describe(e), "error");
  }
  await ctx.reload();
  ctx.tableHeading.focus();
}

async function edit(u, ctx) {
  const displayName = field("Display name", { type: "text", value: u.displayName || "" });
  const email = field("Email", { type: "email", value: u.email || "" });
  const admin = checkbox("Administrator", { checked: Boolean(u.admin) });
  const enabled = checkbox("Enabled (may log in)", { checked: Boolean(u.enabled) });
  const groups = groupChecklist(ctx.groups, u.groups || []);
  const form = await dialogs.open({
    title: `Edit user “${u.username}”`,
    content: [displayName.field, email.field, admin.field, enabled.field, groups],
    confirmLabel: "Save",
    focusAfter: ctx.tableHeading,
  });
  if (!form) return;
  await patch(u, {
    displayName: displayName.input.value.trim() || null,
    email: email.input.value.trim() || null,
    admin: admin.input.checked,
    enabled: enabled.input.checked,
    groups: checkedGroups(form),
  }, `User “${u.username}” saved.`, ctx);
}

async function setPassword(u, ctx) {
  const password = field("New password", { type: "password", autocomplete: "new-password", minlength: MIN_PASSWORD },
    `At least ${MIN_PASSWORD} characters.`);
  const error = h("p", { class: "error-text", role: "alert" });
  const form = await dialogs.open({
    title: `Set the password of “${u.username}”`,
    content: [password.field, error],
    confirmLabel: "Set password",
    focusAfter: ctx.tableHeading,
    onSubmit: () => {
      if (password.input.value.length >= MIN_PASSWORD) return true;
      error.textContent = `The password needs at least ${MIN_PASSWORD} characters.`;
      password.input.focus();
      return false;
    },
  });
  if (!form) return;
  await patch(u, { password: password.input.value }, `Password of “${u.username}” set.`, ctx);
}

async function remove(u, ctx) {
  const ok = await dialogs.confirm(`Delete user “${u.username}”?`,
    `The user “${u.username}” is deleted for good and can no longer log in.`, "Delete user",
    { focusAfter: ctx.tableHeading });
  if (!ok) return;
  try {
    await api.request("DELETE", `/api/v1/users/${encodeURIComponent(u.username)}`);
    status.show(`User “${u.username}” deleted.`);
  } catch (e) {
    status.show(api.describe(e), "error");
  }
  await ctx.reload();
  ctx.tableHeading.focus();
}
