// The web interface's only way to the server: the public REST API, with the session cookie
// and, on unsafe methods, the X-CSRF-Token header. No private endpoints.

import * as session from "./session.js";

/** An error answer of the API (RFC 9457 problem details), or a network failure (status 0). */
export class ApiError extends Error {
  constructor(status, problem, retryAfter) {
    super((problem && (problem.detail || problem.title)) || `HTTP ${status}`);
    this.status = status;
    this.problem = problem || {};
    this.retryAfter = retryAfter;
  }
}

const UNSAFE = new Set(["POST", "PUT", "PATCH", "DELETE"]);
const expiryListeners = [];

/** `fn` is called when an API call answers 401: the session is gone (expired or logged out). */
export function onSessionExpired(fn) {
  expiryListeners.push(fn);
}

/**
 * request("GET", "/api/v1/accesses", {query: {limit: 100}}) → parsed JSON, or null for 204.
 * Throws ApiError. `body` is sent as JSON. `quiet401` skips the expiry listeners (the login
 * page and the start-up check handle 401 themselves).
 */
export async function request(method, path, { body, query, quiet401 = false } = {}) {
  const url = new URL(path, window.location.origin);
  for (const [k, v] of Object.entries(query || {})) {
    if (v !== undefined && v !== null && v !== "") url.searchParams.set(k, String(v));
  }
  const headers = {
    Accept: "application/json",
    // Makes the server send only the Bearer challenge on 401, so the browser never opens its
    // own Basic login box over the page.
    "X-Requested-With": "XMLHttpRequest",
  };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (UNSAFE.has(method)) {
    const token = session.csrfToken();
    if (token) headers["X-CSRF-Token"] = token;
  }
  let response;
  try {
    response = await fetch(url, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: "same-origin",
      cache: "no-store",
    });
  } catch (e) {
    throw new ApiError(0, { title: "The server cannot be reached", detail: String(e.message || e) });
  }
  const text = await response.text();
  let data = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = { title: text.slice(0, 200) };
    }
  }
  if (!response.ok) {
    const retry = Number.parseInt(response.headers.get("Retry-After") || "", 10);
    const error = new ApiError(response.status, data, Number.isFinite(retry) ? retry : null);
    if (response.status === 401 && !quiet401) {
      for (const fn of expiryListeners) fn(error);
    }
    throw error;
  }
  return response.status === 204 ? null : data;
}

/** Every item of a list endpoint, following nextCursor (bounded, for admin pages). */
export async function listAll(path, query = {}, maxPages = 20) {
  const items = [];
  let cursor = null;
  for (let page = 0; page < maxPages; page += 1) {
    const data = await request("GET", path, { query: { ...query, limit: 500, cursor } });
    items.push(...(data.items || []));
    cursor = data.nextCursor;
    if (!cursor) break;
  }
  return items;
}

/** A message for a person, from an ApiError. */
export function describe(error) {
  if (!(error instanceof ApiError)) return String(error && error.message ? error.message : error);
  if (error.status === 0) return `${error.problem.title}.`;
  if (error.status === 403 && /csrf/i.test(error.problem.type || "")) {
    return "This tab's session is out of date: log out and log in again.";
  }
  if (error.status === 403) return "You do not have the right to do this.";
  if (error.status === 429) {
    return error.retryAfter
      ? `Too many attempts. Try again in ${error.retryAfter} seconds.`
      : "Too many attempts. Try again later.";
  }
  const p = error.problem;
  const title = p.title || `Error ${error.status}`;
  return p.detail && p.detail !== title ? `${title}: ${p.detail}` : title;
}
