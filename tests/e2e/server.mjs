// Starts the real Ordo binary for a browser test: a free port on 127.0.0.1, a fresh data
// folder, a known admin password; resolves once the server prints its "ready" line.
// ORDO_E2E_URL points the tests at a server already running instead (for debugging; the
// admin password then comes from ORDO_ADMIN_PASSWORD).

import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, existsSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** Returns {url, adminPassword, stop(), log()}. */
export async function startServer({ timeoutMs = 30000 } = {}) {
  if (process.env.ORDO_E2E_URL) {
    return {
      url: process.env.ORDO_E2E_URL.replace(/\/$/, ""),
      adminPassword: process.env.ORDO_ADMIN_PASSWORD,
      stop: async () => {},
      log: () => "",
    };
  }
  const binary = process.env.ORDO_BINARY || path.join(repoRoot, "build", "ordo");
  if (!existsSync(binary)) throw new Error(`${binary} not found: build it first (make build)`);
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "ordo-e2e-"));
  const adminPassword = `e2e-${Math.random().toString(36).slice(2)}-Admin!`;
  const port = await freePort();
  const child = spawn(binary, ["serve", "--listen", `127.0.0.1:${port}`, "--data", dataDir], {
    env: { ...process.env, ORDO_ADMIN_PASSWORD: adminPassword },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (d) => { output += d; });
  child.stderr.on("data", (d) => { output += d; });

  const exited = new Promise((resolve) => child.on("exit", (code, signal) => resolve({ code, signal })));
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`ordo not ready after ${timeoutMs} ms:\n${output}`)), timeoutMs);
    const check = () => {
      if (/ready/i.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stderr.on("data", check);
    child.stdout.on("data", check);
    exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`ordo exited (${code ?? signal}) before ready:\n${output}`));
    });
  });

  return {
    url: `http://127.0.0.1:${port}`,
    adminPassword,
    log: () => output,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGTERM");
        const timer = setTimeout(() => child.kill("SIGKILL"), 10000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
