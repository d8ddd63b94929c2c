// What the real server answers, checked against what /api/openapi.json says it answers: the
// body of each call is validated against the documented schema of its status. This is the
// other half of the OpenAPI unit test (which checks paths, methods and scopes): together they
// keep the documentation honest. No browser needed, but the same real-binary harness.

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { after, before, test } from "node:test";

import { basic, login } from "./api.mjs";
import { checkResponse } from "./schema.mjs";
import { repoRoot, startServer } from "./server.mjs";

let server;
let doc;
let admin;
const run = Date.now().toString(36);

before(async () => {
  server = await startServer();
  doc = await (await fetch(`${server.url}/api/openapi.json`)).json();
  admin = await login(server.url, "admin", server.adminPassword);
});

after(async () => {
  if (server) await server.stop();
});

/**
 * Calls the API and checks the answer against the document. `template` is the documented path
 * (with {params}); `path` the real one. Returns {status, body, headers}.
 */
async function call(method, template, { path = template, body, form, xml, auth = "session", expect } = {}) {
  const headers = { Accept: "application/json" };
  if (auth === "session") Object.assign(headers, { Cookie: admin.cookie, "X-CSRF-Token": admin.csrf });
  else if (auth) headers.Authorization = auth;
  let payload;
  if (body !== undefined) {
    headers["Content-Type"] = "application/json";
    payload = JSON.stringify(body);
  } else if (xml !== undefined) {
    headers["Content-Type"] = "application/xml";
    payload = xml;
  } else if (form !== undefined) {
    headers["Content-Type"] = "application/x-www-form-urlencoded";
    payload = new URLSearchParams(form).toString();
  }
  const response = await fetch(`${server.url}${path}`, { method, headers, body: payload });
  const text = await response.text();
  const json = text && /json/.test(response.headers.get("content-type") || "") ? JSON.parse(text) : text;
  if (expect !== undefined) assert.equal(response.status, expect, `${method} ${path}: ${text}`);
  const errors = checkResponse(doc, method, template, response.status, json);
  assert.deepEqual(errors, [], `${method} ${path} → ${response.status} ${text}`);
  return { status: response.status, body: json, headers: response.headers };
}

test("service endpoints", async () => {
  await call("GET", "/healthz", { auth: null, expect: 200 });
  await call("GET", "/readyz", { auth: null, expect: 200 });
  await call("GET", "/.well-known/jwks.json", { auth: null, expect: 200 });
});

test("login, me, and the failures of authentication", async () => {
  const ok = await call("POST", "/api/auth/login", { auth: null, body: { username: "admin", password: server.adminPassword }, expect: 200 });
  assert.equal(ok.headers.get("cache-control"), "no-store");
  await call("POST", "/api/auth/login", { auth: null, body: { username: "admin", password: "wrong-password" }, expect: 401 });
  await call("GET", "/api/v1/me", { expect: 200 });
  const anonymous = await call("GET", "/api/v1/me", { auth: null, expect: 401 });
  assert.ok(anonymous.headers.get("www-authenticate"));
});

let access;
test("REST accesses, then Basic, JWT and OAuth2 with one of them", async () => {
  const created = await call("POST", "/api/v1/accesses", { body: { name: `conf-${run}`, right: "operator" }, expect: 201 });
  access = created.body;
  assert.ok(created.headers.get("location"));
  assert.equal(created.headers.get("cache-control"), "no-store");
  const one = `/api/v1/accesses/${access.accessKey}`;
  await call("GET", "/api/v1/accesses", { expect: 200 });
  await call("GET", "/api/v1/accesses/{accessKey}", { path: one, expect: 200 });
  await call("PATCH", "/api/v1/accesses/{accessKey}", { path: one, body: { name: `conf-${run}-renamed` }, expect: 200 });
  await call("POST", "/api/v1/accesses", { body: { name: `conf-${run}-renamed`, right: "reader" }, expect: 409 });
  await call("POST", "/api/v1/accesses", { body: { name: "", right: "reader" }, expect: 400 });
  await call("GET", "/api/v1/accesses/{accessKey}", { path: "/api/v1/accesses/ordo_ak_AAAAAAAAAAAAAAAAAAAA", expect: 404 });
  const regenerated = await call("POST", "/api/v1/accesses/{accessKey}/secret", { path: `${one}/secret`, body: {}, expect: 200 });
  access = regenerated.body;

  const credentials = basic(access.accessKey, access.secretKey);
  const me = await call("GET", "/api/v1/me", { auth: credentials, expect: 200 });
  assert.equal(me.body.accessKey, access.accessKey);
  await call("GET", "/api/v1/users", { auth: credentials, expect: 403 });

  const jwt = await call("POST", "/api/auth/jwt", { auth: credentials, expect: 200 });
  await call("GET", "/api/v1/me", { auth: `Bearer ${jwt.body.token}`, expect: 200 });
  await call("POST", "/api/auth/jwt", { auth: basic(access.accessKey, "ordo_sk_wrong"), expect: 401 });

  const token = await call("POST", "/api/auth/token", { auth: null, form: { grant_type: "client_credentials", client_id: access.accessKey, client_secret: access.secretKey }, expect: 200 });
  await call("GET", "/api/v1/me", { auth: `Bearer ${token.body.access_token}`, expect: 200 });
  await call("POST", "/api/auth/token", { auth: null, form: { grant_type: "password" }, expect: 400 });
  await call("POST", "/api/auth/token", { auth: null, form: { grant_type: "client_credentials", client_id: access.accessKey, client_secret: "nope" }, expect: 401 });

  await call("DELETE", "/api/v1/accesses/{accessKey}", { path: one, expect: 204 });
  await call("GET", "/api/v1/me", { auth: credentials, expect: 401 });
});

test("users, groups and the audit log", async () => {
  const username = `conf-${run}`;
  const group = `conf-group-${run}`;
  await call("POST", "/api/v1/groups", { body: { groupId: group, name: "Conformance" }, expect: 201 });
  await call("GET", "/api/v1/groups", { expect: 200 });
  const created = await call("POST", "/api/v1/users", { body: { username, password: "a-long-password", groups: [group] }, expect: 201 });
  assert.ok(created.headers.get("location"));
  await call("POST", "/api/v1/users", { body: { username, password: "a-long-password" }, expect: 409 });
  await call("GET", "/api/v1/users", { expect: 200 });
  await call("GET", "/api/v1/users/{username}", { path: `/api/v1/users/${username}`, expect: 200 });
  await call("PATCH", "/api/v1/users/{username}", { path: `/api/v1/users/${username}`, body: { displayName: "C. Onformance" }, expect: 200 });
  await call("GET", "/api/v1/groups/{groupId}", { path: `/api/v1/groups/${group}`, expect: 200 });
  await call("PATCH", "/api/v1/groups/{groupId}", { path: `/api/v1/groups/${group}`, body: { members: [] }, expect: 200 });
  await call("DELETE", "/api/v1/users/{username}", { path: `/api/v1/users/${username}`, expect: 204 });
  await call("DELETE", "/api/v1/groups/{groupId}", { path: `/api/v1/groups/${group}`, expect: 204 });
  await call("GET", "/api/v1/users/{username}", { path: `/api/v1/users/${username}`, expect: 404 });
  const events = await call("GET", "/api/v1/audit-events", { path: "/api/v1/audit-events?limit=5", expect: 200 });
  assert.ok(events.body.items.length > 0);
});

// API.md section 5: an access's /me names it and its right.
test("GET /api/v1/me names the access and its right", async () => {
  const created = await call("POST", "/api/v1/accesses", { body: { name: `conf-me-${run}`, right: "designer" }, expect: 201 });
  const me = await call("GET", "/api/v1/me", { auth: basic(created.body.accessKey, created.body.secretKey), expect: 200 });
  assert.equal(me.body.name, `conf-me-${run}`);
  assert.equal(me.body.right, "designer");
});

test("processes: deploy, start, tasks, external tasks, history, cancel, delete", async (t) => {
  const bpmn = readFileSync(path.join(repoRoot, "tests/testdata/approval.bpmn"), "utf8");
  // Served routes answer an anonymous call with 401; a 404 means the engine is not wired yet.
  const probe = await fetch(`${server.url}/api/v1/process-definitions`);
  if (probe.status === 404) {
    t.skip("the engine routes are not served yet");
    return;
  }
  const first = await call("POST", "/api/v1/process-definitions", { xml: bpmn });
  assert.ok([200, 201].includes(first.status), JSON.stringify(first.body));
  const again = await call("POST", "/api/v1/process-definitions", { xml: bpmn, expect: 200 });
  const definition = again.body;
  assert.equal(definition.key, "approval");
  const def = `/api/v1/process-definitions/${definition.id}`;
  await call("GET", "/api/v1/process-definitions", { path: "/api/v1/process-definitions?key=approval&allVersions=true", expect: 200 });
  await call("GET", "/api/v1/process-definitions/{id}", { path: def, expect: 200 });
  const xml = await call("GET", "/api/v1/process-definitions/{id}/xml", { path: `${def}/xml`, expect: 200 });
  assert.equal(xml.body, bpmn);
  await call("POST", "/api/v1/process-definitions", { xml: "<not-bpmn/>", expect: 422 });

  const started = await call("POST", "/api/v1/process-definitions/key/{key}/start", {
    path: "/api/v1/process-definitions/key/approval/start",
    body: { businessKey: `INV-${run}`, variables: { amount: 1200 } }, expect: 201 });
  const instance = started.body;
  const inst = `/api/v1/process-instances/${instance.id}`;
  await call("POST", "/api/v1/process-definitions/key/{key}/start", { path: "/api/v1/process-definitions/key/nope/start", body: {}, expect: 404 });
  await call("POST", "/api/v1/process-definitions/key/{key}/start", { path: "/api/v1/process-definitions/key/approval/start", body: { variables: [] }, expect: 400 });
  await call("GET", "/api/v1/process-instances", { path: `/api/v1/process-instances?businessKey=INV-${run}`, expect: 200 });
  await call("GET", "/api/v1/process-instances/{id}", { path: inst, expect: 200 });
  await call("PUT", "/api/v1/process-instances/{id}/variables/{name}", { path: `${inst}/variables/note`, body: "urgent", expect: 204 });
  const vars = await call("GET", "/api/v1/process-instances/{id}/variables", { path: `${inst}/variables`, expect: 200 });
  assert.equal(vars.body.note, "urgent");

  const tasks = await call("GET", "/api/v1/tasks", { path: `/api/v1/tasks?processInstanceId=${instance.id}`, expect: 200 });
  assert.equal(tasks.body.items.length, 1);
  const task = `/api/v1/tasks/${tasks.body.items[0].id}`;
  await call("GET", "/api/v1/tasks/{id}", { path: task, expect: 200 });
  await call("POST", "/api/v1/tasks/{id}/claim", { path: `${task}/claim`, body: { user: "carol" }, expect: 204 });
  await call("POST", "/api/v1/tasks/{id}/claim", { path: `${task}/claim`, body: { user: "dave" }, expect: 409 });
  await call("POST", "/api/v1/tasks/{id}/unclaim", { path: `${task}/unclaim`, expect: 204 });
  await call("POST", "/api/v1/tasks/{id}/complete", { path: `${task}/complete`, body: { user: "carol", variables: { approved: true } }, expect: 204 });
  const twice = await call("POST", "/api/v1/tasks/{id}/complete", { path: `${task}/complete`, body: { user: "carol" } });
  assert.ok([404, 409].includes(twice.status));

  const locked = await call("POST", "/api/v1/external-tasks/fetch-and-lock", {
    body: { workerId: "w1", maxTasks: 5, topics: [{ topicName: "notify-customer", lockDuration: 60000 }] }, expect: 200 });
  const mine = locked.body.find((x) => x.processInstanceId === instance.id);
  assert.ok(mine, JSON.stringify(locked.body));
  const ext = `/api/v1/external-tasks/${mine.id}`;
  await call("POST", "/api/v1/external-tasks/{id}/complete", { path: `${ext}/complete`, body: { workerId: "w2" }, expect: 409 });
  await call("POST", "/api/v1/external-tasks/{id}/complete", { path: `${ext}/complete`, body: { workerId: "w1" }, expect: 204 });
  const ended = await call("GET", "/api/v1/process-instances/{id}", { path: inst, expect: 200 });
  assert.equal(ended.body.state, "completed");
  await call("GET", "/api/v1/process-instances/{id}/history", { path: `${inst}/history`, expect: 200 });
  await call("DELETE", "/api/v1/process-instances/{id}", { path: inst, expect: 409 });

  const other = await call("POST", "/api/v1/process-definitions/key/{key}/start", {
    path: "/api/v1/process-definitions/key/approval/start", body: {}, expect: 201 });
  await call("DELETE", "/api/v1/process-definitions/{id}", { path: def, expect: 409 });
  await call("DELETE", "/api/v1/process-definitions/{id}", { path: `${def}?cascade=true`, expect: 204 });
  const cancelled = await call("GET", "/api/v1/process-instances/{id}", { path: `/api/v1/process-instances/${other.body.id}`, expect: 200 });
  assert.equal(cancelled.body.state, "cancelled");
});
