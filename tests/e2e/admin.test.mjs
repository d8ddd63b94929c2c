// Issue 5: the web interface in a real browser against the real binary. Log in (after being
// sent to the login page), create a REST access and read its secret from the page, use it on
// the API, regenerate it (old secret refused, new accepted), delete it (refused), show a
// hostile name as text, manage users and groups, read the audit log, refuse the Administration
// area to a non-admin, return to the asked page after the session ends, and show throttling.

import assert from "node:assert/strict";
import { after, before, test } from "node:test";

import { call, login, meStatus } from "./api.mjs";
import { openBrowser, screenshot } from "./browser.mjs";
import { startServer } from "./server.mjs";

const XSS_NAME = "<img src=x onerror=alert(1)>";
const run = Date.now().toString(36);  // unique names, so a shared server can be reused

let server;
let browser;
let page;
const dialogsSeen = [];  // window.alert & co. would land here

before(async () => {
  server = await startServer();
  browser = await openBrowser();
  page = browser.page;
  page.on("dialog", async (dialog) => {
    dialogsSeen.push(dialog.message());
    await dialog.dismiss();
  });
});

after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
});

async function logInThroughForm(username, password) {
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Log in" }).click();
}

function accessRow(name) {
  return page.locator("#accesses-table tbody tr").filter({ has: page.locator("td.access-name", { hasText: name }) });
}

/** Creates an access through the form; returns {accessKey, secretKey} read from the page. */
async function createAccess(name, right = "operator") {
  await page.getByLabel("Name", { exact: true }).fill(name);
  await page.getByLabel("Right").selectOption(right);
  await page.getByRole("button", { name: "Create access" }).click();
  const secret = page.locator("#new-secret-key");
  await secret.waitFor();
  await accessRow(name).waitFor();
  return {
    accessKey: (await page.locator("#new-access-key").textContent()).trim(),
    secretKey: (await secret.textContent()).trim(),
  };
}

test("the page is served with its security headers", async () => {
  const response = await fetch(`${server.url}/`);
  assert.equal(response.status, 200);
  const csp = response.headers.get("content-security-policy");
  assert.match(csp, /script-src 'self'/);
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
  assert.match(csp, /frame-ancestors 'none'/);
  assert.equal(response.headers.get("x-content-type-options"), "nosniff");
  assert.ok(response.headers.get("referrer-policy"));
  const html = await response.text();
  assert.doesNotMatch(html, /<script>(?!\s*<\/script>)/, "no inline script");
});

test("an asked page sends to the login; a wrong password is refused with a message", async () => {
  await page.goto(`${server.url}/#/admin/accesses`);
  await page.getByRole("heading", { name: "Log in to Ordo" }).waitFor();
  assert.match(page.url(), /#\/login\?next=%2Fadmin%2Faccesses/);
  await logInThroughForm("admin", "not-the-password");
  await page.locator("#login-error", { hasText: "Wrong username or password" }).waitFor();
  await screenshot(page, "login-failed");
});

test("logging in goes on to the page that was asked for", async () => {
  await logInThroughForm("admin", server.adminPassword);
  await page.getByRole("heading", { name: "REST access", level: 1 }).waitFor();
  assert.match(page.url(), /#\/admin\/accesses$/);
  // The "?" link to the documentation is on the page.
  assert.equal(await page.locator('header a[href="/docs"]').count(), 1);
});

let first;
test("create an access: key and secret are shown once and work with HTTP Basic", async () => {
  first = await createAccess(`e2e-ci-${run}`);
  assert.match(first.accessKey, /^ordo_ak_[A-Za-z0-9]{20}$/);
  assert.match(first.secretKey, /^ordo_sk_[A-Za-z0-9]{40,}/);
  await page.getByText("will not be shown again").waitFor();
  const curl = await page.locator("#curl-example").textContent();
  assert.ok(curl.includes(`curl -u '${first.accessKey}:${first.secretKey}'`), curl);
  assert.ok(curl.includes(`${server.url}/api/v1/me`), curl);
  // The table shows the hint of the secret, never the secret.
  const row = accessRow(`e2e-ci-${run}`);
  assert.ok((await row.textContent()).includes(first.secretKey.slice(-4)));
  assert.ok(!(await row.textContent()).includes(first.secretKey));
  await screenshot(page, "accesses-created");
  assert.equal(await meStatus(server.url, first.accessKey, first.secretKey), 200);

  // The copy button puts exactly the secret on the clipboard.
  await browser.context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: server.url });
  await page.getByRole("button", { name: "Copy secret key" }).click();
  await page.getByText("Secret key copied to the clipboard.").waitFor();
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), first.secretKey);
});

let second;
test("regenerate: the old secret gets 401, the new one 200", async () => {
  const row = accessRow(`e2e-ci-${run}`);
  await row.getByRole("button", { name: "Regenerate secret" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByText(`e2e-ci-${run}`).first().waitFor();
  await screenshot(page, "accesses-regenerate-dialog", { fullPage: false });
  await dialog.getByRole("button", { name: "Regenerate secret" }).click();
  await page.getByRole("heading", { name: /New secret/ }).waitFor();
  second = {
    accessKey: (await page.locator("#new-access-key").textContent()).trim(),
    secretKey: (await page.locator("#new-secret-key").textContent()).trim(),
  };
  assert.equal(second.accessKey, first.accessKey);
  assert.notEqual(second.secretKey, first.secretKey);
  assert.equal(await meStatus(server.url, first.accessKey, first.secretKey), 401);
  assert.equal(await meStatus(server.url, second.accessKey, second.secretKey), 200);
});

test("disable and enable: refused while disabled", async () => {
  const row = accessRow(`e2e-ci-${run}`);
  await row.getByRole("button", { name: "Disable" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Disable" }).click();
  await accessRow(`e2e-ci-${run}`).getByText("Disabled").waitFor();
  assert.equal(await meStatus(server.url, second.accessKey, second.secretKey), 401);
  await accessRow(`e2e-ci-${run}`).getByRole("button", { name: "Enable" }).click();
  await accessRow(`e2e-ci-${run}`).getByText("Enabled").waitFor();
  assert.equal(await meStatus(server.url, second.accessKey, second.secretKey), 200);
});

test("regenerate with a grace period: old and new secret both work", async () => {
  await accessRow(`e2e-ci-${run}`).getByRole("button", { name: "Regenerate secret" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("Keep the old secret working for").selectOption({ label: "1 hour" });
  await dialog.getByRole("button", { name: "Regenerate secret" }).click();
  await page.locator("#new-secret-key").filter({ hasNotText: second.secretKey }).waitFor();
  const third = (await page.locator("#new-secret-key").textContent()).trim();
  assert.equal(await meStatus(server.url, second.accessKey, third), 200);
  assert.equal(await meStatus(server.url, second.accessKey, second.secretKey), 200, "grace period");
});

test("keyboard: Escape closes a confirmation, nothing happens, focus returns", async () => {
  const button = accessRow(`e2e-ci-${run}`).getByRole("button", { name: "Delete" });
  await button.focus();
  await page.keyboard.press("Enter");
  await page.getByRole("dialog").waitFor();
  // A destructive confirmation starts on Cancel, so Enter alone cannot delete.
  assert.equal(await page.evaluate(() => document.activeElement.textContent), "Cancel");
  await page.keyboard.press("Escape");
  await page.getByRole("dialog").waitFor({ state: "detached" });
  assert.equal(await page.evaluate(() => document.activeElement.textContent), "Delete");
  await accessRow(`e2e-ci-${run}`).waitFor();
});

test("delete, after a confirmation naming the access: the secret gets 401", async () => {
  const row = accessRow(`e2e-ci-${run}`);
  await row.getByRole("button", { name: "Delete" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByRole("heading", { name: `Delete “e2e-ci-${run}”?` }).waitFor();
  await dialog.getByRole("button", { name: "Delete access" }).click();
  await accessRow(`e2e-ci-${run}`).waitFor({ state: "detached" });
  // Focus went somewhere sensible, not lost on <body>.
  assert.notEqual(await page.evaluate(() => document.activeElement.tagName), "BODY");
  assert.equal(await meStatus(server.url, second.accessKey, second.secretKey), 401);
});

test("a hostile access name is shown as text, never run", async () => {
  await createAccess(XSS_NAME, "reader");
  const cell = page.locator("#accesses-table td.access-name").filter({ hasText: XSS_NAME });
  assert.equal((await cell.textContent()).trim(), XSS_NAME);
  assert.equal(await page.locator("#accesses-table img, #secret-result img").count(), 0);
  await page.waitForTimeout(300);
  assert.deepEqual(dialogsSeen, []);
  await screenshot(page, "accesses-xss-as-text");
});

const userName = `mary-${run}`;
let userPassword = "mary-has-a-long-password";
test("users: create a user (not admin) and set a group", async () => {
  await page.getByRole("link", { name: "Groups" }).click();
  await page.getByRole("heading", { name: "Groups", level: 1 }).waitFor();
  await page.getByLabel("Group id").fill(`accounting-${run}`);
  await page.getByLabel("Name", { exact: true }).fill("Accounting");
  await page.getByRole("button", { name: "Create group" }).click();
  await page.locator("tbody tr", { hasText: `accounting-${run}` }).waitFor();

  await page.getByRole("link", { name: "Users" }).click();
  await page.getByRole("heading", { name: "Users", level: 1 }).waitFor();
  await page.getByLabel("Username").fill(userName);
  await page.getByLabel("Display name").fill("Mary <b>Jones</b>");
  await page.getByLabel("Password").fill(userPassword);
  await page.getByLabel(`Accounting (accounting-${run})`).check();
  await page.getByRole("button", { name: "Create user" }).click();
  const row = page.locator(`tr[data-username="${userName}"]`);
  await row.waitFor();
  assert.ok((await row.textContent()).includes("Mary <b>Jones</b>"));
  assert.ok((await row.textContent()).includes(`accounting-${run}`));
  await screenshot(page, "users");

  // Set a new password through the dialog; the non-admin test below logs in with it.
  await row.getByRole("button", { name: "Set password" }).click();
  userPassword = "mary-got-a-new-password";
  await page.getByRole("dialog").getByLabel("New password").fill(userPassword);
  await page.getByRole("dialog").getByRole("button", { name: "Set password" }).click();
  await page.getByText(`Password of “${userName}” set.`).waitFor();

  // Edit: the display name changes, still as text.
  await page.locator(`tr[data-username="${userName}"]`).getByRole("button", { name: "Edit" }).click();
  await page.getByRole("dialog").getByLabel("Display name").fill("Mary <i>Smith</i>");
  await page.getByRole("dialog").getByRole("button", { name: "Save" }).click();
  await page.locator(`tr[data-username="${userName}"]`, { hasText: "Mary <i>Smith</i>" }).waitFor();

  await page.getByRole("link", { name: "Groups" }).click();
  await page.locator("tbody tr", { hasText: `accounting-${run}` }).filter({ hasText: userName }).waitFor();
  await screenshot(page, "groups");
});

test("audit log: newest first, filtered by actor", async () => {
  await page.getByRole("link", { name: "Audit log" }).click();
  await page.getByRole("heading", { name: "Audit log" }).waitFor();
  await page.locator("tbody tr").first().waitFor();
  await page.locator('table[aria-busy="false"]').waitFor();
  // The filter changes the URL at once but the page is rebuilt a moment later (on hashchange):
  // wait for the unfiltered table to leave the page and the filtered one to finish loading,
  // or the rows read below could be the old ones, or none.
  const unfiltered = await page.locator("table").elementHandle();
  await page.getByLabel("Actor").fill("admin");
  await page.getByRole("button", { name: "Filter" }).click();
  await page.waitForURL(/actor=admin/);
  await page.waitForFunction((table) => !table.isConnected, unfiltered);
  await page.locator('table[aria-busy="false"]').waitFor();
  const actors = await page.locator("tbody tr td:nth-child(4)").allTextContents();
  assert.ok(actors.length > 0);
  assert.ok(actors.every((a) => a === "admin"), actors.join(","));
  const times = await page.locator("tbody tr td:first-child time").evaluateAll((els) => els.map((e) => e.dateTime));
  assert.deepEqual(times, [...times].sort().reverse(), "newest first");
  await screenshot(page, "audit-log");
});

test("a session that ends sends to the login, then back to the page", async () => {
  await page.getByRole("link", { name: "Users" }).click();
  await page.getByRole("heading", { name: "Users", level: 1 }).waitFor();
  await browser.context.clearCookies();  // as if the session expired
  await page.getByRole("link", { name: "Groups" }).click();
  await page.getByRole("heading", { name: "Log in to Ordo" }).waitFor();
  await page.getByText("Your session has ended").waitFor();
  await logInThroughForm("admin", server.adminPassword);
  await page.getByRole("heading", { name: "Groups", level: 1 }).waitFor();
});

test("a user who is not an admin is refused the Administration area", async () => {
  await page.getByRole("button", { name: "Log out" }).click();
  await page.getByRole("heading", { name: "Log in to Ordo" }).waitFor();
  await logInThroughForm(userName, userPassword);
  await page.getByRole("heading", { name: /Welcome/ }).waitFor();
  assert.equal(await page.locator(".nav-admin").isVisible(), false);
  await screenshot(page, "home-user");
  await page.goto(`${server.url}/#/admin/accesses`);
  await page.locator("#refused").waitFor();
  await screenshot(page, "admin-refused");
  // The API refuses too, whatever the page shows.
  const session = await login(server.url, userName, userPassword);
  assert.equal((await call(server.url, session, "GET", "/api/v1/accesses")).status, 403);
  await page.getByRole("button", { name: "Log out" }).click();
  await page.getByRole("heading", { name: "Log in to Ordo" }).waitFor();
});

test("repeated failed logins are throttled with a message", async () => {
  const username = `nobody-${run}`;
  let message = "";
  for (let i = 0; i < 12 && !/Too many/.test(message); i += 1) {
    await logInThroughForm(username, `wrong-${i}`);
    const error = page.locator("#login-error");
    await error.filter({ hasText: /\S/ }).waitFor();
    message = await error.textContent();
    if (!/Too many/.test(message)) {
      await page.getByLabel("Username").fill("");  // next round shows a fresh message
      await page.locator("#login-error").evaluate((el) => { el.textContent = ""; });
    }
  }
  assert.match(message, /Too many failed attempts/);
  await screenshot(page, "login-throttled");
});

test("the pages fit a phone screen", async () => {
  await page.setViewportSize({ width: 390, height: 844 });
  await logInThroughForm("admin", server.adminPassword);
  await page.getByRole("heading", { name: /Welcome/ }).waitFor();
  await page.goto(`${server.url}/#/admin/accesses`);
  await page.getByRole("heading", { name: "REST access", level: 1 }).waitFor();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 1, `page is ${overflow}px wider than the screen`);
  await screenshot(page, "accesses-phone", { fullPage: false });
  assert.deepEqual(browser.problems.filter((p) => /Content Security Policy|Refused to|page error/i.test(p)), []);
});
