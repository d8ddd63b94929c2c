// Debian's Chromium, driven by playwright-core: headless, no sandbox (tests run as root in
// CI), no network of its own, a fresh profile folder per launch. Playwright never downloads a
// browser here: the executable is given.

import { mkdtempSync, mkdirSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { chromium } from "playwright-core";
import { repoRoot } from "./server.mjs";

export const outputDir = process.env.ORDO_E2E_OUTPUT || path.join(repoRoot, "test-output", "e2e");

const ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-dev-shm-usage",
  "--disable-background-networking",
  "--disable-quic",
  "--no-first-run",
  "--disable-component-update",
  "--disable-sync",
  "--disable-default-apps",
  "--disable-extensions",
];

/** Returns {context, page, problems, close()}; `problems` collects console errors and CSP reports. */
export async function openBrowser({ viewport = { width: 1280, height: 860 } } = {}) {
  mkdirSync(outputDir, { recursive: true });
  const profile = mkdtempSync(path.join(os.tmpdir(), "ordo-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    headless: true,
    args: ARGS,
    viewport,
    acceptDownloads: false,
    timeout: 60000,
  });
  // Generous: under `make test -j2` the API tests and password hashing share the two cores.
  context.setDefaultTimeout(30000);
  const page = context.pages()[0] || (await context.newPage());
  const problems = [];
  page.on("console", (msg) => {
    if (msg.type() === "error") problems.push(msg.text());
  });
  page.on("pageerror", (err) => problems.push(`page error: ${err.message}`));
  return {
    context,
    page,
    problems,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Saves a screenshot (the whole page unless fullPage is false) as test-output/e2e/NAME.png. */
export async function screenshot(page, name, { fullPage = true } = {}) {
  const file = path.join(outputDir, `${name}.png`);
  await page.screenshot({ path: file, fullPage });
  return file;
}
