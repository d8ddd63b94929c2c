// Administration → Groups: groups of users, named by BPMN files as candidate groups. List,
// create, rename, change members, delete.

import * as api from "../api.js";
import * as dialogs from "../dialogs.js";
import * as status from "../status.js";
import { checkbox, field, h, replace } from "../dom.js";

export async function renderGroups(main) {
  const tableHolder = h("div", {}, h("p", { class: "muted" }, "Loading…"));
  const tableHeading = h("h2", { id: "groups-heading", tabindex: "-1" }, "Groups");
  const ctx = { reload, tableHeading, users: [] };
  main.append(h("h1", {}, "Groups"), createForm(ctx), tableHeading, tableHolder);

  async function reload() {
    try {
      const [groups, users] = await Promise.all([api.listAll("/api/v1/groups"), api.listAll("/api/v1/users")]);
      ctx.users = users;
      replace(tableHolder, groupTable(groups, ctx));
    } catch (e) {
      replace(tableHolder, h("p", { class: "error-text", role: "alert" }, api.describe(e)));
    }
  }
  await reload();
}

function createForm(ctx) {
  const groupId = field("Group id", { type: "text", name: "groupId", required: true, maxlength: 100, autocomplete: "off" },
    "The id BPMN files use in candidateGroups, e.g. accounting.");
  const name = field("Name", { type: "text", name: "name", required: true, maxlength: 200, autocomplete: "off" });
  const error = h("p", { class: "error-text", role: "alert" });
  const submit = h("button", { type: "submit" }, "Create group");
  const form = h("form", { class: "grid", id: "create-group", novalidate: true },
    groupId.field, name.field, h("div", { class: "form-actions" }, submit, error));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    error.textContent = "";
    const id = groupId.input.value.trim();
    if (!id) {
      error.textContent = "Give a group id.";
      groupId.input.focus();
      return;
    }
    submit.disabled = true;
    try {
      await api.request("POST", "/api/v1/groups", { body: { groupId: id, name: name.input.value.trim() || id, members: [] } });
      form.reset();
      status.show(`Group “${id}” created.`);
      await ctx.reload();
      groupId.input.focus();
    } catch (e) {
      error.textContent = api.describe(e);
    } finally {
      submit.disabled = false;
    }
  });
  return h("div", { class: "card" }, h("h2", {}, "New group"), form);
}

function groupTable(groups, ctx) {
  if (groups.length === 0) return h("p", { class: "empty card" }, "No group yet.");
  return h("div", { class: "table-wrap" },
    h("table", { "aria-labelledby": "groups-heading" },
      h("thead", {}, h("tr", {}, ["Group id", "Name", "Members", "Actions"].map((t) => h("th", { scope: "col" }, t)))),
      h("tbody", {}, groups.map((g) => h("tr", { dataset: { groupId: g.groupId } },
        h("td", {}, h("code", {}, g.groupId)),
        h("td", {}, g.name),
        h("td", {}, (g.members || []).join(", ") || "—"),
        h("td", { class: "actions" },
          h("button", { type: "button", class: "secondary small", onclick: () => edit(g, ctx) }, "Edit"),
          h("button", { type: "button", class: "danger small", onclick: () => remove(g, ctx) }, "Delete")))))));
}

async function edit(g, ctx) {
  const name = field("Name", { type: "text", value: g.name || "" });
  const members = ctx.users.length === 0 ? h("p", { class: "hint" }, "No user exists yet.")
    : h("fieldset", {}, h("legend", {}, "Members"),
      h("div", { class: "checklist" }, ctx.users.map((u) =>
        checkbox(u.displayName ? `${u.displayName} (${u.username})` : u.username,
          { name: "members", value: u.username, checked: (g.members || []).includes(u.username) }).field)));
  const form = await dialogs.open({
    title: `Edit group “${g.groupId}”`,
    content: [name.field, members],
    confirmLabel: "Save",
    focusAfter: ctx.tableHeading,
  });
  if (!form) return;
  const chosen = [...form.querySelectorAll('input[name="members"]:checked')].map((el) => el.value);
  try {
    await api.request("PATCH", `/api/v1/groups/${encodeURIComponent(g.groupId)}`,
      { body: { name: name.input.value.trim() || g.groupId, members: chosen } });
    status.show(`Group “${g.groupId}” saved.`);
  } catch (e) {
    status.show(api.describe(e), "error");
  }
  await ctx.reload();
  ctx.tableHeading.focus();
}

async function remove(g, ctx) {
  const ok = await dialogs.confirm(`Delete group “${g.groupId}”?`,
    `The group “${g.groupId}” is deleted; its members stay.`, "Delete group", { focusAfter: ctx.tableHeading });
  if (!ok) return;
  try {
    await api.request("DELETE", `/api/v1/groups/${encodeURIComponent(g.groupId)}`);
    status.show(`Group “${g.groupId}” deleted.`);
  } catch (e) {
    status.show(api.describe(e), "error");
  }
  await ctx.reload();
  ctx.tableHeading.focus();
}
