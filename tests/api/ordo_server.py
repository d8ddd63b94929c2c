"""Starts the real `ordo` binary for black-box tests: a free port, a temporary data folder,
stderr captured to a file (so tests can scan the log), SIGTERM at the end."""

import os
import secrets
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


# --- PostgreSQL (issue 7) ------------------------------------------------------------------
# With ORDO_TEST_DATABASE=postgresql, every server that names no --db of its own gets a fresh,
# empty database of the cluster at ORDO_TEST_POSTGRES_ADMIN_URL (scripts/pg-cluster.sh exec sets
# it), so the whole suite runs unchanged on PostgreSQL. Tests that read the store directly ask
# postgres_url_of(data_dir).
_POSTGRES_URLS = {}


def on_postgres():
    return os.environ.get("ORDO_TEST_DATABASE") == "postgresql"


def fresh_postgres_url():
    admin = os.environ["ORDO_TEST_POSTGRES_ADMIN_URL"]
    name = "ordo_" + secrets.token_hex(6)
    subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", admin, "-c",
                    f"CREATE DATABASE {name}"], check=True, capture_output=True)
    return admin.rsplit("/", 1)[0] + "/" + name


def postgres_url_of(data_dir):
    """The PostgreSQL URL of the server using data_dir, or None when it runs on SQLite."""
    return _POSTGRES_URLS.get(str(Path(data_dir)))


def psql(url, sql):
    """Runs sql on url; rows as lists of strings."""
    out = subprocess.run(["psql", "-X", "-q", "-At", "-F", "\t", "-v", "ON_ERROR_STOP=1", url,
                          "-c", sql], check=True, capture_output=True, text=True).stdout
    return [line.split("\t") for line in out.splitlines()]
# --- end PostgreSQL --------------------------------------------------------------------------


class OrdoServer:
    def __init__(self, data_dir, extra_args=(), env=None, port=None):
        self.data_dir = Path(data_dir)
        self.extra_args = list(extra_args)
        if on_postgres() and not any(a == "--db" or a.startswith("--db=") for a in extra_args):
            url = _POSTGRES_URLS.get(str(self.data_dir)) or fresh_postgres_url()
            _POSTGRES_URLS[str(self.data_dir)] = url
            self.extra_args += ["--db", url]
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
