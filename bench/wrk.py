"""Runs Debian's wrk pinned to the load CPU and reads the one JSON line its Lua done() hook
prints (bench/lua/report.lua) instead of wrk's text."""

import json
from dataclasses import dataclass, field
from pathlib import Path

import procs

LUA = Path(__file__).resolve().parent / "lua"


class HarnessError(RuntimeError):
    """The benchmark itself failed (not a missed goal): a broken scenario, a peer that did not
    start, a status code that must not happen."""


@dataclass
class WrkResult:
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    max_ms: float
    errors: dict
    statuses: dict = field(default_factory=dict)

    @property
    def rps(self):
        return self.requests / self.seconds if self.seconds else 0.0

    def socket_errors(self):
        return sum(v for k, v in self.errors.items() if k != "status")


def command(url, seconds, connections=32, script="plain.lua", header=None, script_args=(),
            timeout_s=None):
    args = ["taskset", "-c", procs.LOAD_CPU, "wrk", "-t1", f"-c{connections}", f"-d{seconds}s",
            "--latency", "-s", str(LUA / script)]
    if header:
        args += ["-H", header]
    if timeout_s:
        args += ["--timeout", f"{timeout_s}s"]
    args.append(url)
    if script_args:
        args += ["--"] + list(script_args)
    return args


def start(url, seconds, **kw):
    """Starts wrk without waiting (for runs side by side); finish() reads its result."""
    return procs.start_load(command(url, seconds, **kw))


def finish(proc, what):
    out, err = proc.communicate()
    procs.forget(proc)
    if proc.returncode != 0:
        raise HarnessError(f"{what}: wrk exited with {proc.returncode}: {err.strip()}")
    for line in out.splitlines():
        if line.startswith("BENCH_JSON "):
            j = json.loads(line[len("BENCH_JSON "):])
            lat = j["latencyUs"]
            return WrkResult(requests=j["requests"], seconds=j["durationUs"] / 1e6,
                             p50_ms=lat["p50"] / 1000, p99_ms=lat["p99"] / 1000,
                             max_ms=lat["max"] / 1000, errors=j["errors"],
                             statuses={int(k): v for k, v in j["statuses"].items()})
    raise HarnessError(f"{what}: wrk printed no BENCH_JSON line:\n{out}\n{err}")


def run(url, seconds, what, **kw):
    return finish(start(url, seconds, **kw), what)


def require_2xx(result, what):
    """A scenario whose every answer must be 2xx: anything else means it measures the wrong
    thing, so the run stops here. (No answer at all is the caller's to report: a hash-bound
    scenario can starve when another process shares the server CPU.)"""
    bad = {s: n for s, n in result.statuses.items() if not 200 <= s < 300}
    if result.errors["status"] or bad:
        raise HarnessError(f"{what}: {result.errors['status']} responses with status >= 400 "
                           f"{bad or ''} — the scenario is broken")


def require_statuses(result, allowed, what):
    bad = {s: n for s, n in result.statuses.items() if s not in allowed}
    if bad:
        raise HarnessError(f"{what}: unexpected statuses {bad} (only {sorted(allowed)} allowed)")
