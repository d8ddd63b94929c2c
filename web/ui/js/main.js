// Starts the web interface: finds out whether this tab has a session, wires navigation and
// the session-expiry handling, then shows the page the URL asks for.

import * as api from "./api.js";
import * as router from "./router.js";
import * as session from "./session.js";
import * as status from "./status.js";
import { h } from "./dom.js";
import { renderLogin } from "./pages/login.js";
import { renderHome } from "./pages/home.js";
import { renderAccesses } from "./pages/accesses.js";
import { renderUsers } from "./pages/users.js";
import { renderGroups } from "./pages/groups.js";
import { renderAudit } from "./pages/audit.js";

function renderRefused(main) {
  main.append(
    h("h1", {}, "Administration"),
    h("div", { class: "card", role: "alert", id: "refused" },
      h("p", {}, "Access refused: the Administration area is for administrators only."),
      h("p", {}, h("a", { href: "#/" }, "Back to the start page"))));
}

function renderNotFound(main) {
  main.append(h("h1", {}, "Page not found"), h("p", {}, h("a", { href: "#/" }, "Start page")));
}

/** Shows or hides the navigation and the user's name to match the session. */
export function updateChrome() {
  const u = session.user();
  document.getElementById("nav").hidden = !u;
  document.getElementById("logout").hidden = !u;
  for (const el of document.querySelectorAll(".nav-admin")) el.hidden = !session.isAdmin();
  const who = document.getElementById("whoami");
  who.textContent = u ? `${u.displayName || u.username}${u.admin ? " (admin)" : ""}` : "";
}

async function logout() {
  try {
    await api.request("POST", "/api/auth/logout", { quiet401: true });
  } catch {
    // Already logged out or expired: the outcome is the same.
  }
  session.clear();
  updateChrome();
  status.show("You are logged out.");
  router.navigate("/login");
}

function routeTo(render, title, admin = false) {
  return {
    title,
    admin,
    render: (main, query) => (admin && !session.isAdmin() ? renderRefused(main) : render(main, query)),
  };
}

async function boot() {
  router.register("/login", { title: "Log in", public: true, render: (main, query) => renderLogin(main, query, updateChrome) });
  router.register("/", routeTo(renderHome, "Home"));
  router.register("/admin/accesses", routeTo(renderAccesses, "REST access", true));
  router.register("/admin/users", routeTo(renderUsers, "Users", true));
  router.register("/admin/groups", routeTo(renderGroups, "Groups", true));
  router.register("/admin/audit", routeTo(renderAudit, "Audit log", true));
  router.setFallback({ title: "Not found", render: renderNotFound });

  // Not logged in: every page but the login page sends there, remembering where it was going.
  router.setGuard((path, route) => {
    if (route && route.public) return null;
    if (session.user()) return null;
    return `/login?next=${encodeURIComponent(router.currentTarget())}`;
  });

  // A 401 from any call means the session expired or was ended elsewhere.
  api.onSessionExpired(() => {
    if (!session.user()) return;
    const next = router.currentTarget();
    session.clear();
    updateChrome();
    status.show("Your session has ended. Please log in again.", "error");
    router.navigate(`/login?next=${encodeURIComponent(next)}`);
  });

  document.getElementById("logout").addEventListener("click", logout);

  // A reload keeps the session when the cookie is still valid and this tab has its CSRF token.
  if (session.csrfToken()) {
    try {
      const me = await api.request("GET", "/api/v1/me", { quiet401: true });
      if (me && me.type === "user") session.setUser(me);
      else session.clear();
    } catch {
      session.clear();
    }
  }
  updateChrome();
  await router.start();
}

boot();
