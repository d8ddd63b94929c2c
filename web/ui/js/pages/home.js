// The start page after login: who you are and where to go.

import * as session from "../session.js";
import { h } from "../dom.js";

export function renderHome(main) {
  const u = session.user();
  main.append(h("h1", {}, `Welcome, ${u.displayName || u.username}`));
  if (session.isAdmin()) {
    main.append(h("div", { class: "card" },
      h("h2", {}, "Administration"),
      h("ul", {},
        h("li", {}, h("a", { href: "#/admin/accesses" }, "REST access"), " — access keys and secrets for programs"),
        h("li", {}, h("a", { href: "#/admin/users" }, "Users"), " — people who log in here"),
        h("li", {}, h("a", { href: "#/admin/groups" }, "Groups"), " — groups of users, for task assignment"),
        h("li", {}, h("a", { href: "#/admin/audit" }, "Audit log"), " — who did what, when"))));
  } else {
    main.append(h("p", { class: "card" },
      "You are logged in. The task inbox comes in a later version; meanwhile the ",
      h("a", { href: "/docs" }, "API documentation"), " shows what Ordo can do."));
  }
}
