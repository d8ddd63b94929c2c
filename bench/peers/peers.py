"""The peers Ordo is measured against (issue 8), each started fresh in a temporary folder on a
free port, pinned to the server CPU exactly like Ordo, and protecting one small GET the way its
users would:
  nginx  `return 200`, no authentication (the ceiling)
  Caddy  `basicauth` with a bcrypt hash of cost 10 (and its cache of checked credentials)
  Node   express + jsonwebtoken verifying an HS256 token
Each start_* returns a Peer: the URL to load, the header to send, the process to measure."""

import base64
import fcntl
import json
import os
import re
import secrets
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import bcrypt
import jwt

import procs

HERE = Path(__file__).resolve().parent


@dataclass
class Peer:
    name: str
    url: str
    header: str | None
    proc: object


def _fill(template, out, **values):
    text = (HERE / template).read_text()
    for k, v in values.items():
        text = text.replace(f"@{k}@", str(v))
    out.write_text(text)


def start_nginx(tmp):
    d = Path(tmp) / "nginx"
    d.mkdir()
    port = procs.free_port()
    _fill("nginx.conf", d / "nginx.conf", DIR=d, PORT=port)
    proc = procs.start(["nginx", "-c", str(d / "nginx.conf"), "-p", str(d)], procs.SERVER_CPU,
                       d / "out.log")
    procs.wait_for_port(port, proc, what="nginx")
    return Peer("nginx return 200", f"http://127.0.0.1:{port}/", None, proc)


def start_caddy(tmp):
    d = Path(tmp) / "caddy"
    d.mkdir()
    port = procs.free_port()
    user, password = "bench", secrets.token_urlsafe(24)
    hashed = bcrypt.hashpw(password.encode(), bcrypt.gensalt(10)).decode()
    _fill("Caddyfile", d / "Caddyfile", PORT=port, USER=user, HASH=hashed)
    # Caddy keeps state under $HOME / XDG folders: keep it in the temporary folder.
    env = dict(os.environ, HOME=str(d), XDG_DATA_HOME=str(d / "data"),
               XDG_CONFIG_HOME=str(d / "config"))
    proc = procs.start(["caddy", "run", "--config", str(d / "Caddyfile"), "--adapter",
                        "caddyfile"], procs.SERVER_CPU, d / "out.log", env=env)
    procs.wait_for_port(port, proc, what="caddy")
    basic = base64.b64encode(f"{user}:{password}".encode()).decode()
    return Peer("Caddy basicauth (cached)", f"http://127.0.0.1:{port}/",
                f"Authorization: Basic {basic}", proc)


def install_node_modules():
    """npm ci into bench/peers/node_modules (locked versions, integrity-checked, no install
    scripts); skipped when it is already there and newer than the lock file."""
    stamp = HERE / "node_modules" / ".package-lock.json"
    lock = HERE / "package-lock.json"
    # `npm ci` starts by deleting node_modules: two runs at once (make test in two build
    # folders) take turns.
    with open(HERE / ".npm-install.lock", "w") as guard:
        fcntl.flock(guard, fcntl.LOCK_EX)
        if stamp.exists() and stamp.stat().st_mtime >= lock.stat().st_mtime:
            return
        if not shutil.which("npm"):
            raise RuntimeError("npm not found (scripts/install-deps.sh installs it)")
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--ignore-scripts", "--silent"],
                       cwd=HERE, check=True)


def start_node(tmp):
    install_node_modules()
    d = Path(tmp) / "node"
    d.mkdir()
    port = procs.free_port()
    secret = secrets.token_urlsafe(32)
    token = jwt.encode({"sub": "bench", "iat": int(time.time()), "exp": int(time.time()) + 7200},
                       secret, algorithm="HS256")
    env = dict(os.environ, PORT=str(port), JWT_SECRET=secret, NODE_ENV="production")
    proc = procs.start(["node", str(HERE / "server.js")], procs.SERVER_CPU, d / "out.log",
                       env=env, cwd=HERE)
    procs.wait_for_port(port, proc, what="node")
    return Peer("Node express+jsonwebtoken", f"http://127.0.0.1:{port}/api/v1/me",
                f"Authorization: Bearer {token}", proc)


def versions():
    """What ran, for the record: {"nginx": "1.22.1", ...}."""
    def reported(args):
        """The first version number a command prints."""
        try:
            r = subprocess.run(args, capture_output=True, text=True, timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            return None
        m = re.search(r"\d+(\.\d+)+\S*", r.stdout + r.stderr)
        return m.group(0) if m else None

    def npm_version(name):
        try:
            package = HERE / "node_modules" / name / "package.json"
            return json.loads(package.read_text())["version"]
        except (OSError, KeyError, ValueError):
            return None
    return {"nginx": reported(["nginx", "-v"]), "caddy": reported(["caddy", "version"]),
            "node": reported(["node", "--version"]), "express": npm_version("express"),
            "jsonwebtoken": npm_version("jsonwebtoken"), "wrk": reported(["wrk", "-v"])}
