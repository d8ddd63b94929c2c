#!/usr/bin/python3
"""Load benchmark: the real binary under wrk, measured side by side in one run.

Starts `ordo serve` on a free port, creates a REST access, and runs wrk (1 thread, 32
connections) against:
  - GET /healthz                  (no authentication: the ceiling)
  - GET /api/v1/me with Bearer    (JWT check + live-access table)
  - GET /api/v1/me with Basic     (argon2id once, then the credential cache)
Rounds alternate the scenarios so that machine noise hits them alike; the report gives the
median req/s and p99 of each and its ratio to the ceiling, which is the figure to compare
between runs (absolute numbers move with the machine's load).

Usage: bench/load.py BUILD_DIR [seconds-per-round] [rounds]
"""
import base64
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "api"))
from ordo_server import OrdoServer  # noqa: E402


def wrk(url, header, seconds):
    args = ["wrk", "-t1", "-c32", f"-d{seconds}s", "--latency", url]
    if header:
        args[1:1] = ["-H", header]
    out = subprocess.run(args, capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    m = re.search(r"99%\s+([\d.]+)(us|ms|s)", out)
    p99 = float(m.group(1)) * {"us": 0.001, "ms": 1, "s": 1000}[m.group(2)]
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if non2xx:
        raise SystemExit(f"{url}: {non2xx.group(1)} non-2xx responses; the scenario is broken")
    return rps, p99


def main():
    build = Path(sys.argv[1] if len(sys.argv) > 1 else "build")
    seconds = int(sys.argv[2]) if len(sys.argv) > 2 else 4
    rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 3
    os.environ["ORDO_BINARY"] = str(build / "ordo")
    with tempfile.TemporaryDirectory() as tmp:
        srv = OrdoServer(Path(tmp) / "data", extra_args=["--log-level", "warn"]).start()
        try:
            admin = srv.login()
            r = admin.post(srv.url + "/api/v1/accesses", json={"name": "bench", "right": "reader"})
            r.raise_for_status()
            key, secret = r.json()["accessKey"], r.json()["secretKey"]
            basic = "Authorization: Basic " + base64.b64encode(f"{key}:{secret}".encode()).decode()
            tok = admin.post(srv.url + "/api/auth/jwt", json={"accessKey": key, "secretKey": secret})
            tok.raise_for_status()
            bearer = "Authorization: Bearer " + tok.json()["token"]
            scenarios = [("no auth  GET /healthz", srv.url + "/healthz", None),
                         ("Bearer   GET /api/v1/me", srv.url + "/api/v1/me", bearer),
                         ("Basic    GET /api/v1/me (cached)", srv.url + "/api/v1/me", basic)]
            results = {name: [] for name, _, _ in scenarios}
            for _ in range(rounds):
                for name, url, header in scenarios:
                    results[name].append(wrk(url, header, seconds))
                    time.sleep(0.2)
        finally:
            srv.stop()
    base = statistics.median(r for r, _ in results[scenarios[0][0]])
    print(f"\nwrk -t1 -c32, {rounds} alternating rounds of {seconds}s, median of rounds")
    print(f"{'scenario':36} {'req/s':>10} {'p99 ms':>8} {'vs no auth':>11}")
    for name, _, _ in scenarios:
        rps = statistics.median(r for r, _ in results[name])
        p99 = statistics.median(p for _, p in results[name])
        print(f"{name:36} {rps:10.0f} {p99:8.2f} {rps / base:10.2f}x")


if __name__ == "__main__":
    main()
