// Hash routes ("#/admin/accesses"): the server serves one page at "/", so a reload or a
// bookmark of any page works without server-side routes. "#/login?next=/admin/users" carries
// the page to return to after logging in.

const routes = new Map();
let fallback = null;
let beforeEach = null;

/** register("/admin/users", {title, render(main, query), admin: true}) */
export function register(path, route) {
  routes.set(path, route);
}

export function setFallback(route) {
  fallback = route;
}

/** `fn(path, route)` returns a path to redirect to, or null to go on. */
export function setGuard(fn) {
  beforeEach = fn;
}

/** The current location as {path, query}. */
export function current() {
  const hash = window.location.hash.replace(/^#/, "") || "/";
  const [path, search = ""] = hash.split("?");
  return { path: path || "/", query: new URLSearchParams(search) };
}

/** The current path with its query, as a `next` value. */
export function currentTarget() {
  const hash = window.location.hash.replace(/^#/, "");
  return hash || "/";
}

export function navigate(target) {
  const hash = `#${target}`;
  if (window.location.hash === hash) render();
  else window.location.hash = hash;
}

/** Only same-app targets are accepted as `next`, never another site. */
export function safeTarget(next) {
  return typeof next === "string" && next.startsWith("/") && !next.startsWith("//") ? next : "/";
}

export async function render() {
  const { path, query } = current();
  const route = routes.get(path) || fallback;
  if (beforeEach) {
    const redirect = beforeEach(path, route);
    if (redirect) {
      navigate(redirect);
      return;
    }
  }
  const main = document.getElementById("main");
  document.title = route.title ? `${route.title} · Ordo` : "Ordo";
  for (const link of document.querySelectorAll("#nav a")) {
    if (link.getAttribute("href") === `#${path}`) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
  main.replaceChildren();
  await route.render(main, query);
  // Move focus to the new page, as a full page load would, so keyboard and screen reader
  // users start at its top — unless the page already put focus somewhere (e.g. a form field).
  if (!main.contains(document.activeElement)) main.focus();
}

export function start() {
  window.addEventListener("hashchange", () => render());
  return render();
}
