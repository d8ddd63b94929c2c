"""Starts the real `ordo` binary for black-box tests: a free port, a temporary data folder,
stderr captured to a file (so tests can scan the log), SIGTERM at the end."""

import os
import signal
import socket
import subprocess
import time
from pathlib import Path

import requests

BINARY = os.environ.get("ORDO_BINARY") or str(Path(__file__).resolve().parents[2] / "build" / "ordo")
ADMIN_PASSWORD = "admin-password-for-tests"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class OrdoServer:
    def __init__(self, data_dir, extra_args=(), env=None, port=None):
        self.data_dir = Path(data_dir)
        self.extra_args = list(extra_args)
        self.env = dict(os.environ)
        self.env["ORDO_ADMIN_PASSWORD"] = ADMIN_PASSWORD
        self.env.update(env or {})
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = self.data_dir.parent / f"{self.data_dir.name}-server.log"
        self.proc = None
        self.admin_password = ADMIN_PASSWORD

    def start(self, timeout=20):
        self.log = open(self.log_path, "ab")
        offset = self.log.tell()  # a restart appends: wait for a new "ready" line
        args = [BINARY, "serve", "--listen", f"127.0.0.1:{self.port}", "--data", str(self.data_dir)]
        self.proc = subprocess.Popen(args + self.extra_args, stdout=self.log, stderr=self.log,
                                     env=self.env)
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"ordo exited with {self.proc.returncode}:\n{self.log_text()}")
            if "ordo ready:" in self.log_text()[offset:]:
                return self
            time.sleep(0.02)
        raise RuntimeError("ordo did not become ready:\n" + self.log_text())

    def stop(self, timeout=30):
        """SIGTERM, wait, and return the exit code."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()
        code = self.proc.returncode
        self.proc = None
        return code

    def restart(self):
        assert self.stop() == 0
        return self.start()

    def log_text(self):
        try:
            return self.log_path.read_text(errors="replace")
        except FileNotFoundError:
            return ""

    def get(self, path, **kw):
        return requests.get(self.url + path, timeout=30, **kw)

    def request(self, method, path, **kw):
        return requests.request(method, self.url + path, timeout=30, **kw)

    def login(self, username="admin", password=None):
        """A requests.Session logged into the web interface, sending the CSRF token."""
        s = requests.Session()
        r = s.post(self.url + "/api/auth/login",
                   json={"username": username, "password": password or self.admin_password},
                   timeout=30)
        assert r.status_code == 200, r.text
        s.headers["X-CSRF-Token"] = r.json()["csrfToken"]
        s.base = self.url
        return s


def run_ordo(args, env=None, timeout=20):
    """Runs the binary to completion (for start-up errors): (exit code, stdout, stderr)."""
    full_env = dict(os.environ)
    full_env.update(env or {})
    p = subprocess.run([BINARY] + list(args), capture_output=True, text=True, env=full_env,
                       timeout=timeout)
    return p.returncode, p.stdout, p.stderr
