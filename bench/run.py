#!/usr/bin/python3
"""`make bench` (issue 8): Ordo side by side with nginx, Caddy and Node in one run, and the
goals it must show.

Every server under test (Ordo, each peer, PostgreSQL) runs pinned to CPU 0; the load (wrk
-t1, or the engine driver) pinned to CPU 1. Each configuration gets a warm-up run, then a
measured one; rounds interleave the configurations (A B C ... A B C ...) and the table reports
the median of the rounds, with the ratios of the issue's goals. Scenarios whose answers must all
be 2xx stop the run if one is not. Output: a table on stdout, bench/results/latest.json (raw
numbers of every round) and bench/results/latest.svg (bar chart).

  bench/run.py --build build            the full benchmark (3 rounds of 10 s, ~8 minutes)
  bench/run.py --build build --smoke    1 round of 1 s, no warm-up, no PostgreSQL (ctest)

Exit status 0 when the benchmark ran, whether or not every goal was met (the table says MISS);
1 when the harness failed; 130 on Ctrl-C. docs/benchmark.md explains each scenario.
"""
import argparse
import contextlib
import json
import os
import secrets as pysecrets
import signal
import subprocess
import sys
import tempfile
import time
import zlib
from pathlib import Path

import requests

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE / "peers")]

import procs  # noqa: E402
import report  # noqa: E402
import wrk  # noqa: E402
from ordo import Ordo, basic_header, serve_flags  # noqa: E402
from peers import start_caddy, start_nginx, start_node, versions  # noqa: E402
from wrk import HarnessError  # noqa: E402

ROOT = HERE.parent
S2_PROBE_PAUSE_MS = 2       # S4: the S2 probe sends ~1 request per 2 ms per connection
FLOOD_ALLOWED = {401, 429, 503}
ARGON2_WORKER_MIB = 19      # S5: the memory budget per hash worker (argon2id m = 19 MiB)


def progress(msg):
    print(msg, flush=True)


class Run:
    """What one invocation measures: its settings, the processes under test, the results of
    every round."""

    def __init__(self, args, tmp):
        self.args, self.tmp = args, Path(tmp)
        self.build = Path(args.build).resolve()
        self.binary = self.build / "ordo"
        self.smoke = args.smoke
        self.rounds = args.rounds or (1 if self.smoke else 3)
        self.seconds = args.seconds or (1 if self.smoke else 10)
        self.warmup = 0 if self.smoke else args.warmup
        self.s7_seconds = self.seconds
        # Hash-bound scenarios (S4, S5, S6) answer tens per second, refusals after a delay (1 s
        # by default): one second still sees some answers (the smoke checks that they come).
        self.hash_seconds = self.seconds
        # How long a fresh server settles before its idle RSS is read; the smoke asserts no
        # figure, so it reads sooner.
        self.settle_seconds = 0.5 if self.smoke else 2
        self.results = {}   # config -> [per-round dict]
        self.notes = []     # what was skipped or assumed, printed under the table
        self.round = 0
        self.idle_rss = None
        self.build_type = None
        self.versions = {}
        self.hash_workers = None  # of the cache-off instance, from /metrics
        self.pg_state = None      # scripts/pg-cluster.sh state file, when PostgreSQL runs
        self.profiling = False    # the --profile round is on
        self.out = Path(args.out) if args.out else (self.tmp if self.smoke else HERE / "results")

    def record(self, config, **values):
        self.results.setdefault(config, []).append(dict(values, round=self.round))

    def say(self, label, text):
        progress(f"[round {self.round}/{self.rounds}] {label} … {text}")

    # --- wrk scenarios -------------------------------------------------------------------
    def load(self, config, label, url, server_pid, seconds=None, **kw):
        """Warm-up, then a measured wrk run with the server's RSS sampled; all answers 2xx."""
        if kw.get("header"):
            prime(url, kw["header"])
        if self.warmup:
            wrk.require_2xx(wrk.run(url, self.warmup, label + " (warm-up)", **kw), label)
        with procs.RssSampler(server_pid) as rss, self.profiled(config, server_pid):
            r = wrk.run(url, seconds or self.seconds, label, **kw)
        wrk.require_2xx(r, label)
        self.check_answered(r, label)
        self.record(config, rps=r.rps, p99_ms=r.p99_ms, p50_ms=r.p50_ms, rss_mib=rss.peak,
                    requests=r.requests, socket_errors=r.socket_errors())
        self.say(label, f"{r.rps:,.0f} req/s p99 {r.p99_ms:.2f} ms RSS {rss.peak:.1f} MiB")
        return r

    def check_answered(self, result, label):
        if result.requests == 0:
            self.notes.append(f"round {self.round}: {label}: no request completed in "
                              f"{result.seconds:.0f} s (another process on CPU 0?)")
            self.say("WARNING", f"{label}: no request completed")

    def profiled(self, config, server_pid):
        """perf attached to the server during a measured run, in the --profile round only."""
        if not self.profiling:
            return contextlib.nullcontext()
        return procs.Profile(server_pid, self.out / f"profile-{config}")

    def side_by_side(self, config, server_pid, main, alongside, check, seconds=None):
        """Two wrk runs at once (both on the load CPU): `main` and `alongside` are
        (label, url, kwargs); `check(r1, r2)` vets the statuses of the warm-up and of the
        measured run. Returns the measured results and the server's peak RSS."""
        def both(seconds):
            p1 = wrk.start(main[1], seconds, **main[2])
            p2 = wrk.start(alongside[1], seconds, **alongside[2])
            r1, r2 = wrk.finish(p1, main[0]), wrk.finish(p2, alongside[0])
            check(r1, r2)
            return r1, r2
        if self.warmup:
            both(self.warmup)
        with procs.RssSampler(server_pid) as rss, self.profiled(config, server_pid):
            r1, r2 = both(seconds or self.seconds)
        return r1, r2, rss.peak


def prime(url, header):
    """One request before the load, so that a cache of checked credentials (Caddy's, Ordo's)
    holds the credential before 32 connections ask for it at once: the cached scenarios
    measure the cache, not 32 simultaneous first hashes (which would not even fit into a
    one-second smoke run)."""
    name, value = header.split(": ", 1)
    r = requests.get(url, headers={name: value}, timeout=30)
    if not 200 <= r.status_code < 300:
        raise HarnessError(f"{url}: the first request was answered {r.status_code}")


def well_formed_secret():
    """A secret key that passes Ordo's format and checksum test (secrets.h), so the server has
    to run the hash to refuse it."""
    alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
    body = "".join(pysecrets.choice(alphabet[10:] + alphabet[:10]) for _ in range(43))
    crc, digits = zlib.crc32(body.encode()), []
    for _ in range(6):
        crc, d = divmod(crc, 62)
        digits.append(alphabet[d])
    return "ordo_sk_" + body + "".join(reversed(digits))


def unknown_access_key():
    return "ordo_ak_" + "".join(pysecrets.choice("abcdefghijkmnpqrstuvwxyzABCDEFGH23456789")
                                for _ in range(20))


def argon2_rate(run):
    """argon2id verifications per second on the server CPU, measured alone (bench/auth_bench.cc
    BM_Argon2idVerify)."""
    exe = run.build / "bench" / "ordo_auth_bench"
    if not exe.exists():
        raise HarnessError(f"{exe} is missing (cmake --build {run.build} --target ordo_auth_bench)")
    out = subprocess.run(["taskset", "-c", procs.SERVER_CPU, str(exe),
                          "--benchmark_filter=^BM_Argon2idVerify/", "--benchmark_format=json",
                          f"--benchmark_min_time={0.2 if run.smoke else 1.0}"],
                         capture_output=True, text=True)
    if out.returncode != 0 or "{" not in out.stdout:
        raise HarnessError(f"ordo_auth_bench failed: {out.stderr[-500:]}")
    bench = json.loads(out.stdout[out.stdout.index("{"):])["benchmarks"][0]
    ms = bench["real_time"] * {"ns": 1e-6, "us": 1e-3, "ms": 1, "s": 1000}[bench["time_unit"]]
    rate = 1000 / ms
    run.record("argon2", rps=rate, ms_per_verify=ms)
    run.say("argon2id verify alone", f"{rate:,.1f} verifications/s ({ms:.1f} ms each)")
    return rate


def engine_round_trip(run, config, label, server, token):
    exe = run.build / "bench" / "ordo_engine_load"
    cmd = ["taskset", "-c", procs.LOAD_CPU, str(exe), "--url", server.url, "--token", token,
           "--seconds", str(run.s7_seconds), "--connections", "32",
           "--warmup", str(0 if run.smoke else run.args.warmup)]
    with procs.RssSampler(server.pid) as rss, run.profiled(config, server.pid):
        out = subprocess.run(cmd, capture_output=True, text=True)
    if out.returncode != 0:
        raise HarnessError(f"{label}: ordo_engine_load exited with {out.returncode}: "
                           f"{out.stderr[-500:]}")
    lines = [ln for ln in out.stdout.splitlines() if ln.startswith("{")]
    if not lines:
        raise HarnessError(f"{label}: ordo_engine_load printed no JSON line: {out.stdout[-500:]}")
    j = json.loads(lines[-1])
    if j["errors"]:
        raise HarnessError(f"{label}: {j['errors']} round trips failed ({out.stderr[-500:]})")
    if not j["instances"]:
        raise HarnessError(f"{label}: no instance completed")
    run.record(config, rps=j["instancesPerSecond"], p99_ms=j["p99Ms"], rss_mib=rss.peak,
               instances=j["instances"])
    run.say(label, f"{j['instancesPerSecond']:,.0f} instances/s p99 {j['p99Ms']:.2f} ms")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--build", default="build", help="build folder with ordo and bench/")
    ap.add_argument("--smoke", action="store_true", help="1 round of 1 s: does the harness run?")
    ap.add_argument("--rounds", type=int, help="rounds (default 3; smoke 1)")
    ap.add_argument("--seconds", type=int, help="seconds per measured run (default 10; smoke 1)")
    ap.add_argument("--warmup", type=int, default=2, help="seconds of warm-up per run (default 2)")
    ap.add_argument("--no-postgres", action="store_true", help="skip S7 on PostgreSQL")
    ap.add_argument("--profile", metavar="IDS", help="after the rounds, run these scenarios "
                    "once more under perf (e.g. S2,S5) and write\nprofile-ID.txt beside the "
                    "results; ids: nginx caddy node S1 S2 S3 S4 S6 S6cached S5\nS7sqlite S7pg")
    ap.add_argument("--out", help="folder for latest.json and latest.svg "
                    "(default bench/results; smoke: the temporary folder)")
    args = ap.parse_args()

    # Ctrl-C or a kill: unwind through the finally blocks, which stop every child.
    def interrupted(signum, frame):
        raise KeyboardInterrupt
    signal.signal(signal.SIGTERM, interrupted)

    started = time.time()
    with tempfile.TemporaryDirectory(prefix="ordo-bench-") as tmp:
        run = Run(args, tmp)
        try:
            benchmark(run)
            out = run.out
            summary = report.summarize(run)
            report.print_table(summary)
            report.write(summary, out)
            progress(f"\nwrote {out / 'latest.json'} and {out / 'latest.svg'} "
                     f"in {time.time() - started:.0f} s")
            if run.smoke:
                report.check_smoke(summary)
            return 0
        except HarnessError as e:
            print(f"\nbench: FAILED: {e}", file=sys.stderr, flush=True)
            return 1
        except KeyboardInterrupt:
            print("\nbench: interrupted", file=sys.stderr, flush=True)
            return 130
        finally:
            procs.stop_all()
            if run.pg_state:
                subprocess.run([str(ROOT / "scripts" / "pg-cluster.sh"), "stop",
                                str(run.pg_state)], capture_output=True)


def build_type(build):
    try:
        for line in (build / "CMakeCache.txt").read_text().splitlines():
            if line.startswith("CMAKE_BUILD_TYPE:"):
                return line.split("=", 1)[1]
    except OSError:
        pass
    return None


def start_postgres(run):
    """A throwaway PostgreSQL cluster pinned to the server CPU (it is part of the server under
    test); returns the URL of a fresh database."""
    run.pg_state = run.tmp / "pg.state"
    # Durable (fsync on), like the SQLite figure beside it: the test clusters run without fsync.
    out = subprocess.run(["taskset", "-c", procs.SERVER_CPU,
                          str(ROOT / "scripts" / "pg-cluster.sh"), "start", str(run.pg_state)],
                         capture_output=True, text=True, env={**os.environ, "ORDO_PG_DURABLE": "1"})
    if out.returncode != 0:
        raise HarnessError(f"PostgreSQL did not start: {out.stderr[-500:]}")
    port = next(line.split("=", 1)[1] for line in run.pg_state.read_text().splitlines()
                if line.startswith("PG_PORT="))
    admin = f"postgresql://postgres@127.0.0.1:{port}/postgres"
    subprocess.run(["psql", "-X", "-q", admin, "-c", "CREATE DATABASE ordo_bench"], check=True,
                   capture_output=True)
    return f"postgresql://postgres@127.0.0.1:{port}/ordo_bench"


def benchmark(run):
    progress(f"bench: {run.rounds} round(s) of {run.seconds} s (+{run.warmup} s warm-up) per "
             f"configuration; servers on CPU {procs.SERVER_CPU}, load on CPU {procs.LOAD_CPU}")
    cpus = os.sched_getaffinity(0)
    if not {int(procs.SERVER_CPU), int(procs.LOAD_CPU)} <= cpus:
        raise HarnessError(f"needs CPUs {procs.SERVER_CPU} and {procs.LOAD_CPU} (server and load "
                           f"apart); this process may use {sorted(cpus)}")
    if not run.binary.exists():
        raise HarnessError(f"{run.binary} is missing: build first (make build)")
    flags = serve_flags(run.binary)
    run.build_type = build_type(run.build)
    if run.build_type != "Release":
        run.notes.append(f"{run.build} is a {run.build_type or 'unknown'} build, not Release: "
                         "its numbers do not stand for Ordo's")
        progress(f"bench: WARNING — {run.build} is not a Release build")

    # --- start everything under test ---------------------------------------------------
    progress("bench: starting the peers (nginx, Caddy, Node)")
    try:
        peers = [start_nginx(run.tmp), start_caddy(run.tmp), start_node(run.tmp)]
    except (RuntimeError, OSError, subprocess.CalledProcessError) as e:
        raise HarnessError(f"a peer did not start: {e}") from e

    run.versions = versions()

    progress("bench: starting Ordo")
    main_srv = Ordo(run.binary, run.tmp, "ordo-main")
    time.sleep(run.settle_seconds)
    run.idle_rss = procs.rss_mib(main_srv.pid)
    progress(f"bench: Ordo idle RSS {run.idle_rss:.1f} MiB ({run.settle_seconds:g} s after start, "
             "before any request)")
    key, secret = main_srv.create_access("bench")
    basic = "Authorization: " + basic_header(key, secret)

    nocache = None
    if "--credential-cache-entries" in flags:
        nocache = Ordo(run.binary, run.tmp, "ordo-nocache", ["--credential-cache-entries", "0"])
        accesses = [nocache.create_access(f"bench-{i}") for i in range(8)]
        run.hash_workers = nocache.metric("ordo_hash_workers")
        if run.hash_workers is None:
            run.hash_workers = 1
            run.notes.append("/metrics has no ordo_hash_workers gauge: the hash limit assumes "
                             "1 hash worker")
        progress(f"bench: cache-off instance up, {run.hash_workers:g} hash worker(s)")
    else:
        run.hash_workers = None
        run.notes.append("S4 and S6 skipped: this ordo has no --credential-cache-entries flag "
                         "(needed to make every Basic check miss the cache)")
        progress("bench: SKIP S4/S6 — ordo serve has no --credential-cache-entries flag yet")

    engine_exe = run.build / "bench" / "ordo_engine_load"
    engines = []  # (config, label, server, designer access)
    if engine_exe.exists():
        srv = Ordo(run.binary, run.tmp, "ordo-engine-sqlite")
        engines.append(("S7sqlite", "S7 engine round trip, SQLite", srv,
                        srv.create_access("bench-designer", "designer")))
        if not run.smoke and not run.args.no_postgres:
            progress("bench: starting PostgreSQL for S7")
            srv = Ordo(run.binary, run.tmp, "ordo-engine-pg", db=start_postgres(run))
            engines.append(("S7pg", "S7 engine round trip, PostgreSQL (fsync on)", srv,
                            srv.create_access("bench-designer", "designer")))
        elif not run.smoke:
            run.notes.append("S7 on PostgreSQL skipped (--no-postgres)")
    else:
        run.notes.append(f"S7 skipped: {engine_exe} is missing")
        progress(f"bench: SKIP S7 — {engine_exe} is missing")

    me = main_srv.url + "/api/v1/me"
    tokens = {}  # Tokens live 15 minutes: fresh ones each round.

    def new_tokens():
        tokens["bearer"] = "Authorization: Bearer " + main_srv.token(key, secret)
    steps = [((config,), lambda p=peer, c=config: run.load(c, p.name, p.url, p.proc.pid,
                                                          header=p.header))
             for peer, config in zip(peers, ["nginx", "caddy", "node"])]
    steps += [
        (("S1",), lambda: run.load("S1", "S1 GET /healthz", main_srv.url + "/healthz",
                                   main_srv.pid)),
        (("S2",), lambda: run.load("S2", "S2 bearer", me, main_srv.pid,
                                   header=tokens["bearer"])),
        (("S3",), lambda: run.load("S3", "S3 basic (same credential)", me, main_srv.pid,
                                   header=basic)),
    ]
    if nocache:
        steps.append((("S4", "S6"), lambda: hash_misses(run, nocache, accesses)))
    steps += [
        (("S6cached",), lambda: run.load(
            "S6cached", "S6 POST /api/auth/jwt (cache on)", main_srv.url + "/api/auth/jwt",
            main_srv.pid, script="rotate.lua", timeout_s=10,
            script_args=["POST", "/api/auth/jwt", "body",
                         json.dumps({"accessKey": key, "secretKey": secret})])),
        (("S5",), lambda: flood(run)),
    ]
    steps += [((config,), lambda c=config, lb=label, sv=srv, d=designer:
               engine_round_trip(run, c, lb, sv, sv.token(*d)))
              for config, label, srv, designer in engines]

    for run.round in range(1, run.rounds + 1):
        check_quiet(run)
        new_tokens()
        for _, step in steps:
            step()
    if run.args.profile:
        profile_round(run, steps, new_tokens)


def profile_round(run, steps, new_tokens):
    """--profile: the chosen scenarios once more, after the measured rounds, with `perf record`
    attached to the server; their numbers are left out of the results (perf slows the server)."""
    wanted = set(run.args.profile.split(","))
    known = {i for ids, _ in steps for i in ids}
    if wanted - known:
        raise HarnessError(f"--profile: unknown or skipped scenario(s) {sorted(wanted - known)}; "
                           f"choose among {sorted(known)}")
    measured = run.results
    run.results, run.round, run.profiling = {}, "profile", True
    try:
        new_tokens()
        for ids, step in steps:
            if wanted & set(ids):
                step()
    finally:
        run.results, run.profiling = measured, False


def check_quiet(run):
    """Warns when something outside the benchmark keeps a CPU busy: the numbers of that round
    then measure the sharing, not the servers."""
    busy = procs.cpu_busy()
    run.record("cpuBusy", **{f"cpu{c}": round(v[0], 3) for c, v in sorted(busy.items())},
               **{f"cpu{c}Niced": round(v[1], 3) for c, v in sorted(busy.items())})
    loaded = ", ".join(f"CPU {c} {v[0]:.0%}" for c, v in sorted(busy.items()) if v[0] > 0.10)
    if loaded:
        run.notes.append(f"round {run.round}: before it, other processes kept {loaded} busy; "
                         "its numbers are distorted")
        run.say("WARNING", f"other processes keep {loaded} busy")
    niced = busy.get(int(procs.SERVER_CPU), (0, 0))[1]
    if niced > 0.10:
        # Ordo runs its hashes at SCHED_IDLE, below even nice 19.
        run.notes.append(f"round {run.round}: niced processes kept CPU {procs.SERVER_CPU} "
                         f"{niced:.0%} busy; Ordo's hash workers (SCHED_IDLE) yield to them, so "
                         "S4, S5 and S6 are distorted")
        run.say("WARNING", f"niced processes keep CPU {procs.SERVER_CPU} {niced:.0%} busy")


def wait_hash_idle(run, srv, timeout=60):
    """Waits until srv has no password hash queued or running: a run that ends leaves its
    queued checks behind (their clients are gone, the hashes still run), and the next run would
    find the queue full and be answered 503."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        if not srv.metric("ordo_hash_pool_in_flight"):
            return
        time.sleep(0.2)
    run.notes.append(f"round {run.round}: the hash queue of {srv.name} did not drain within "
                     f"{timeout} s")


def hash_misses(run, srv, accesses):
    """S4 and S6 on the instance without a credential cache: every check pays argon2id."""
    wait_hash_idle(run, srv)
    rate = argon2_rate(run)
    key, secret = accesses[0]
    probe_bearer = "Authorization: Bearer " + srv.token(key, secret)
    misses = ("S4 basic, cache misses", srv.url + "/api/v1/me",
              dict(script="rotate.lua", timeout_s=10,
                   script_args=["GET", "/api/v1/me", "header"]
                   + [basic_header(k, s) for k, s in accesses]))
    probe = ("S4 meanwhile S2 probe", srv.url + "/api/v1/me",
             dict(connections=4, script="paced.lua", header=probe_bearer,
                  script_args=[str(S2_PROBE_PAUSE_MS)]))
    def all_2xx(r, p):
        wrk.require_2xx(r, misses[0])
        wrk.require_2xx(p, probe[0])
    r, p, rss = run.side_by_side("S4", srv.pid, misses, probe, all_2xx, seconds=run.hash_seconds)
    run.check_answered(r, misses[0])
    run.check_answered(p, probe[0])
    limit = run.hash_workers * rate
    run.record("S4", rps=r.rps, p99_ms=r.p99_ms, rss_mib=rss, hash_limit=limit,
               socket_errors=r.socket_errors())
    run.record("S4probe", rps=p.rps, p99_ms=p.p99_ms, rss_mib=rss)
    run.say("S4 basic, cache misses", f"{r.rps:,.1f} verifications/s (hash limit {limit:,.1f}); "
            f"S2 probe {p.rps:,.0f} req/s p99 {p.p99_ms:.2f} ms")
    wait_hash_idle(run, srv)
    run.load("S6", "S6 POST /api/auth/jwt (cache off)", srv.url + "/api/auth/jwt", srv.pid,
             seconds=run.hash_seconds, script="rotate.lua", timeout_s=10,
             script_args=["POST", "/api/auth/jwt", "body"]
             + [json.dumps({"accessKey": k, "secretKey": s}) for k, s in accesses])


def flood(run):
    """S5 on a fresh instance (its throttles must not reach the other scenarios): 64
    connections of wrong secrets while S2 runs at full speed on 32 others."""
    srv = Ordo(run.binary, run.tmp, f"ordo-flood-{run.round}")
    time.sleep(run.settle_seconds)
    idle = procs.rss_mib(srv.pid)
    key, secret = srv.create_access("bench")
    victim, _ = srv.create_access("victim")
    bearer = "Authorization: Bearer " + srv.token(key, secret)
    wrong = ([basic_header(victim, well_formed_secret()) for _ in range(4)]
             + [basic_header(unknown_access_key(), well_formed_secret()) for _ in range(4)])
    flood_run = ("S5 flood of wrong secrets", srv.url + "/api/v1/me",
                 dict(connections=64, script="rotate.lua", timeout_s=10,
                      script_args=["count", "GET", "/api/v1/me", "header"] + wrong))
    s2 = ("S5 meanwhile S2", srv.url + "/api/v1/me", dict(header=bearer))
    def refusals_and_2xx(f, b):
        wrk.require_statuses(f, FLOOD_ALLOWED, flood_run[0])
        wrk.require_2xx(b, s2[0])
    f, b, rss = run.side_by_side("S5", srv.pid, flood_run, s2, refusals_and_2xx,
                                 seconds=run.hash_seconds)
    if not f.statuses:
        # Possible by design: wrong secrets wait for a hash worker that yields to served
        # requests, and throttled ones are answered late (--refusal-delay-ms).
        run.notes.append(f"S5 round {run.round}: the flood got no answer at all during the run")
    run.check_answered(b, s2[0])
    workers = srv.metric("ordo_hash_workers") or 1
    budget = idle + workers * ARGON2_WORKER_MIB + 20
    run.record("S5flood", rps=f.rps, p99_ms=f.p99_ms, rss_mib=rss, idle_rss_mib=idle,
               rss_budget_mib=budget, hash_workers=workers, requests=f.requests,
               statuses={str(k): v for k, v in f.statuses.items()},
               socket_errors=f.socket_errors())
    run.record("S5S2", rps=b.rps, p99_ms=b.p99_ms, rss_mib=rss)
    counts = ", ".join(f"{n:,} × {s}" for s, n in sorted(f.statuses.items())) or "no answer"
    run.say("S5 flood", f"{f.rps:,.0f} req/s ({counts}); S2 alongside {b.rps:,.0f} req/s "
            f"p99 {b.p99_ms:.2f} ms; RSS {rss:.1f} MiB (idle {idle:.1f}, budget {budget:.1f})")
    srv.stop()


if __name__ == "__main__":
    sys.exit(main())
