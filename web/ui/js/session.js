// The logged-in person, as this tab knows them. The session itself is an HttpOnly cookie the
// page cannot read; what the page keeps is the CSRF token the login returned (needed on every
// unsafe request) and the user record. sessionStorage, not localStorage: the token lives only
// as long as this tab, and a reload does not log the person out.

const CSRF_KEY = "ordo.csrfToken";
let currentUser = null;

export function csrfToken() {
  return sessionStorage.getItem(CSRF_KEY);
}

export function user() {
  return currentUser;
}

export function isAdmin() {
  return Boolean(currentUser && currentUser.admin);
}

/** Called after a successful login. */
export function start(token, userRecord) {
  sessionStorage.setItem(CSRF_KEY, token);
  currentUser = userRecord;
}

/** Sets the user record (from GET /api/v1/me) without touching the token. */
export function setUser(userRecord) {
  currentUser = userRecord;
}

/** Forgets everything; the cookie is ended by the server (logout) or has expired. */
export function clear() {
  sessionStorage.removeItem(CSRF_KEY);
  currentUser = null;
}
