// Issue 4: the interactive documentation at /docs, in a real browser against the real binary.
// Authorize with Basic, run GET /api/v1/me; get a JWT from the page and run it with Bearer;
// authorize with OAuth2 client credentials (Swagger UI fetches the token) and run it again.

import assert from "node:assert/strict";
import { after, before, test } from "node:test";

import { call, login } from "./api.mjs";
import { openBrowser, screenshot } from "./browser.mjs";
import { startServer } from "./server.mjs";

let server;
let browser;
let access;

before(async () => {
  server = await startServer();
  const admin = await login(server.url, "admin", server.adminPassword);
  const created = await call(server.url, admin, "POST", "/api/v1/accesses", { name: `docs-e2e-${Date.now()}`, right: "operator" });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  access = created.body;
  browser = await openBrowser();
});

after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
});

// One block of the Authorize dialog, found by its heading (its inputs vanish once authorized).
function authContainer(page, scheme) {
  return page.locator(".auth-container").filter({ has: page.locator("h4", { hasText: scheme }) });
}

async function openAuthorize(page) {
  await page.locator(".scheme-container button.btn.authorize:not(.modal-btn)").click();
  await page.locator(".modal-ux").waitFor();
}

async function closeAuthorize(page) {
  await page.locator(".modal-ux button.close-modal").click();
  await page.locator(".modal-ux").waitFor({ state: "detached" });
}

/** Expands an operation (once), executes it, and returns {status, body} of the live response. */
async function execute(page, operationDomId) {
  const op = page.locator(`#${operationDomId}`);
  if (!(await op.locator(".opblock-body").isVisible())) {
    await op.locator(".opblock-summary").first().click();
  }
  const clear = op.locator("button.btn-clear");
  if (await clear.isVisible()) await clear.click();
  await op.locator("button.execute").click();
  const status = op.locator(".live-responses-table .response .response-col_status");
  await status.waitFor();
  const body = await op.locator(".live-responses-table .response-col_description pre").first().textContent();
  return { status: Number((await status.textContent()).trim()), body };
}

test("the /docs page is served with its security headers", async () => {
  const response = await fetch(`${server.url}/docs`);
  assert.equal(response.status, 200);
  const csp = response.headers.get("content-security-policy");
  assert.match(csp, /script-src 'self'(;|$)/);
  assert.match(csp, /frame-ancestors 'none'/);
  assert.equal(response.headers.get("x-content-type-options"), "nosniff");
  assert.ok(response.headers.get("referrer-policy"));
  const doc = await fetch(`${server.url}/api/openapi.json`);
  assert.equal(doc.status, 200);
  assert.equal((await doc.json()).openapi, "3.1.0");
});

test("Swagger UI renders the document without CSP violations", async () => {
  const { page, problems } = browser;
  await page.goto(`${server.url}/docs`);
  await page.locator(".swagger-ui .info .title").filter({ hasText: "Ordo REST API" }).waitFor();
  await page.locator("#operations-Caller-getMe").waitFor();
  await page.locator(".scheme-container").evaluate((el) => el.scrollIntoView());
  await screenshot(page, "docs", { fullPage: false });
  assert.deepEqual(problems.filter((p) => /Content Security Policy|Refused to/i.test(p)), []);
});

test("authorize with Basic, then GET /api/v1/me answers 200 with the access key", async () => {
  const { page } = browser;
  await openAuthorize(page);
  const basicAuth = authContainer(page, "basicAuth");
  await basicAuth.locator("#auth-basic-username").fill(access.accessKey);
  await basicAuth.locator("#auth-basic-password").fill(access.secretKey);
  await basicAuth.locator("button.authorize").click();
  await basicAuth.locator("button", { hasText: "Logout" }).waitFor();
  await closeAuthorize(page);

  const me = await execute(page, "operations-Caller-getMe");
  assert.equal(me.status, 200, me.body);
  assert.match(me.body, new RegExp(access.accessKey));
  await page.locator("#operations-Caller-getMe .live-responses-table").scrollIntoViewIfNeeded();
  await screenshot(page, "docs-basic-me-200", { fullPage: false });
});

test("try it: POST /api/auth/jwt from the page, then the token as Bearer", async () => {
  const { page } = browser;
  const jwtOp = page.locator("#operations-Authentication-createJwt");
  await jwtOp.locator(".opblock-summary").first().click();
  const bodyEditor = jwtOp.locator("textarea.body-param__text");
  await bodyEditor.fill(JSON.stringify({ accessKey: access.accessKey, secretKey: access.secretKey }));
  const jwt = await execute(page, "operations-Authentication-createJwt");
  assert.equal(jwt.status, 200, jwt.body);
  const token = JSON.parse(jwt.body).token;
  assert.ok(token && token.split(".").length === 3, jwt.body);

  await openAuthorize(page);
  const basicAuth = authContainer(page, "basicAuth");
  await basicAuth.locator("button", { hasText: "Logout" }).click();
  const bearer = authContainer(page, "bearerAuth");
  await bearer.locator("#auth-bearer-value").fill(token);
  await bearer.locator("button.authorize").click();
  await bearer.locator("button", { hasText: "Logout" }).waitFor();
  await closeAuthorize(page);

  const me = await execute(page, "operations-Caller-getMe");
  assert.equal(me.status, 200, me.body);
  assert.match(me.body, new RegExp(access.accessKey));
});

test("authorize with OAuth2 client credentials, then GET /api/v1/me answers 200", async () => {
  const { page, problems } = browser;
  await openAuthorize(page);
  await authContainer(page, "bearerAuth").locator("button", { hasText: "Logout" }).click();
  const oauth = authContainer(page, "oauth2");
  await oauth.locator("#client_id_clientCredentials").fill(access.accessKey);
  await oauth.locator("#client_secret_clientCredentials").fill(access.secretKey);
  await oauth.locator("button.authorize").click();
  // Swagger UI posts to /api/auth/token itself; on success the button turns into Logout.
  await oauth.locator("button", { hasText: "Logout" }).waitFor();
  await screenshot(page, "docs-oauth2-authorized", { fullPage: false });
  await closeAuthorize(page);

  const me = await execute(page, "operations-Caller-getMe");
  assert.equal(me.status, 200, me.body);
  assert.match(me.body, new RegExp(access.accessKey));
  await page.locator("#operations-Caller-getMe").scrollIntoViewIfNeeded();
  await screenshot(page, "docs-oauth2-me-200", { fullPage: false });

  // Nothing of the authorization was kept in the browser's storage.
  const stored = await page.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }));
  assert.doesNotMatch(stored, new RegExp(access.secretKey));
  assert.deepEqual(problems.filter((p) => /Content Security Policy|Refused to/i.test(p)), []);
});
