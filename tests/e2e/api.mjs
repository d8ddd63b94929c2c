// Direct API calls from the tests (Node's fetch), to check what the browser did.

export function basic(accessKey, secretKey) {
  return `Basic ${Buffer.from(`${accessKey}:${secretKey}`).toString("base64")}`;
}

/** GET /api/v1/me with Basic credentials → the HTTP status. */
export async function meStatus(url, accessKey, secretKey) {
  const response = await fetch(`${url}/api/v1/me`, {
    headers: { Authorization: basic(accessKey, secretKey), "X-Requested-With": "XMLHttpRequest" },
  });
  await response.arrayBuffer();
  return response.status;
}

/** Logs in as `username` and returns {cookie, csrf} for cookie-authenticated calls. */
export async function login(url, username, password) {
  const response = await fetch(`${url}/api/auth/login`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ username, password }),
  });
  if (response.status !== 200) throw new Error(`login ${username}: ${response.status} ${await response.text()}`);
  const body = await response.json();
  const cookie = response.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
  return { cookie, csrf: body.csrfToken };
}

/** An API call with a session from login(). */
export async function call(url, session, method, path, body) {
  const headers = { Cookie: session.cookie, "X-CSRF-Token": session.csrf, Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const response = await fetch(`${url}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null };
}
