"""An `ordo serve` under test: the real binary on a fresh data folder (or a PostgreSQL URL),
pinned to the server CPU, on a free port, logging at warn; and the few API calls the benchmark
needs to set itself up (log in as admin, create accesses, exchange them for tokens)."""

import base64
import os
import re
import secrets
import subprocess
import time
from pathlib import Path

import requests

import procs
from wrk import HarnessError


class Ordo:
    def __init__(self, binary, tmp, name, extra_args=(), db=None):
        self.binary, self.name = str(binary), name
        self.data = Path(tmp) / name
        self.port = procs.free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.admin_password = secrets.token_urlsafe(18)
        args = [self.binary, "serve", "--listen", f"127.0.0.1:{self.port}", "--data",
                str(self.data), "--log-level", "warn"] + list(extra_args)
        if db:
            args += ["--db", db]
        self.log_path = Path(tmp) / f"{name}-server.log"
        env = dict(os.environ, ORDO_ADMIN_PASSWORD=self.admin_password)
        self.proc = procs.start(args, procs.SERVER_CPU, self.log_path, env=env)
        self._wait_healthy()
        self._admin = None

    @property
    def pid(self):
        return self.proc.pid

    def _wait_healthy(self, timeout=30):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise HarnessError(f"ordo ({self.name}) exited with {self.proc.returncode}:\n"
                                   + self.log_path.read_text(errors="replace")[-2000:])
            try:
                if requests.get(self.url + "/healthz", timeout=1).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.05)
        raise HarnessError(f"ordo ({self.name}) did not answer /healthz within {timeout} s")

    def stop(self):
        procs.stop(self.proc)

    def admin(self):
        """A session logged in as the bootstrap admin (web login, CSRF header set)."""
        if self._admin is None:
            s = requests.Session()
            r = s.post(self.url + "/api/auth/login",
                       json={"username": "admin", "password": self.admin_password}, timeout=30)
            _expect(r, 200, "admin login")
            s.headers["X-CSRF-Token"] = r.json()["csrfToken"]
            self._admin = s
        return self._admin

    def create_access(self, name, right="reader"):
        """(accessKey, secretKey) of a new REST access."""
        r = self.admin().post(self.url + "/api/v1/accesses", json={"name": name, "right": right},
                              timeout=30)
        _expect(r, 201, f"create access {name}")
        return r.json()["accessKey"], r.json()["secretKey"]

    def token(self, key, secret):
        r = requests.post(self.url + "/api/auth/jwt", json={"accessKey": key, "secretKey": secret},
                          timeout=30)
        _expect(r, 200, "POST /api/auth/jwt")
        return r.json()["token"]

    def metric(self, name):
        """The value of an unlabelled gauge or counter from /metrics, or None."""
        r = requests.get(self.url + "/metrics", timeout=10)
        if r.status_code != 200:
            return None
        for line in r.text.splitlines():
            parts = line.split()
            if len(parts) == 2 and parts[0] == name:
                return float(parts[1])
        return None


def basic_header(key, secret):
    return "Basic " + base64.b64encode(f"{key}:{secret}".encode()).decode()


def serve_flags(binary):
    """The flags `ordo serve --help` lists (to skip scenarios whose flag has not landed yet)."""
    out = subprocess.run([str(binary), "serve", "--help"], capture_output=True, text=True)
    return set(re.findall(r"--[a-z0-9-]+", out.stdout + out.stderr))


def _expect(r, status, what):
    if r.status_code != status:
        raise HarnessError(f"{what}: expected {status}, got {r.status_code}: {r.text[:300]}")
