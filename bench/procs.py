"""Child processes of the benchmark: started pinned to a CPU, every one of them stopped when the
run ends (normally, on an error, or on Ctrl-C), and their memory read from /proc."""

import os
import signal
import socket
import subprocess
import threading
import time
from pathlib import Path

SERVER_CPU = "0"  # the server under test, Ordo or a peer
LOAD_CPU = "1"    # wrk and the engine load driver

_children = []


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(args, cpu, log_path, env=None, cwd=None):
    """Starts args pinned to cpu, in a process group of its own (so that stopping it also stops
    what it started, e.g. nginx's worker), output to log_path."""
    log = open(log_path, "ab")
    proc = subprocess.Popen(["taskset", "-c", cpu] + list(args), stdout=log, stderr=log,
                            env=env, cwd=cwd, start_new_session=True)
    log.close()
    _children.append(proc)
    return proc


def start_load(args):
    """Starts a load generator (already pinned by its command line) with its output piped,
    registered like the servers so that an interrupted run stops it too."""
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)
    _children.append(proc)
    return proc


def forget(proc):
    """A child that ended by itself."""
    if proc in _children:
        _children.remove(proc)


def stop(proc, timeout=20):
    """SIGTERM to the process group, SIGKILL after timeout; returns the exit code."""
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    forget(proc)
    return proc.returncode


def stop_all():
    for proc in list(_children):
        stop(proc, timeout=5)


def wait_for_port(port, proc, timeout=20, what="server"):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{what} exited with {proc.returncode} before listening")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"{what} did not listen on port {port} within {timeout} s")


def _cpu_times():
    """{cpu number: (busy, niced, total)} jiffies from /proc/stat. Niced work (a build at
    nice 19) is apart: it yields to the servers, though not to Ordo's hash workers (SCHED_IDLE)."""
    out = {}
    with open("/proc/stat") as f:
        for line in f:
            name, *fields = line.split()
            if name.startswith("cpu") and name[3:].isdigit():
                user, nice, system, idle, iowait, irq, softirq, steal = map(int, fields[:8])
                out[int(name[3:])] = (user + system + irq + softirq + steal, nice,
                                      user + nice + system + idle + iowait + irq + softirq + steal)
    return out


def cpu_busy(seconds=1.0):
    """{cpu: (fraction busy, fraction niced)} over `seconds`, while the benchmark itself does
    nothing: anything above a few percent is another process, whose load distorts the numbers."""
    before = _cpu_times()
    time.sleep(seconds)
    after = _cpu_times()
    out = {}
    for c in after.keys() & before.keys():
        total = max(1, after[c][2] - before[c][2])
        out[c] = ((after[c][0] - before[c][0]) / total, (after[c][1] - before[c][1]) / total)
    return out


def _group_pids(pid):
    """pid and its descendants (nginx's worker, a shell's child)."""
    children = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(entry))
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(children.get(p, []))
    return out


def rss_mib(pid):
    """VmRSS of pid and its descendants, in MiB (0 once they are gone)."""
    total_kib = 0
    for p in _group_pids(pid):
        try:
            with open(f"/proc/{p}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        total_kib += int(line.split()[1])
        except OSError:
            pass
    return total_kib / 1024


class RssSampler:
    """Samples rss_mib(pid) every `interval` seconds in a thread while in a `with` block; `peak`
    is the largest sample."""

    def __init__(self, pid, interval=0.5):
        self.pid, self.interval = pid, interval
        self.peak = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while True:
            self.peak = max(self.peak, rss_mib(self.pid))
            if self._stop.wait(self.interval):
                return

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, rss_mib(self.pid))


class Profile:
    """`perf record` attached to pid (perf itself on the load CPU) while in a `with` block; then
    a flat report (`perf report --no-children`, by shared object and symbol) into base.txt."""

    def __init__(self, pid, base):
        self.pid, self.base = pid, Path(base)
        self.data = self.base.with_suffix(".perf.data")

    def __enter__(self):
        self.base.parent.mkdir(parents=True, exist_ok=True)
        self.proc = start_load(["taskset", "-c", LOAD_CPU, "perf", "record", "-F", "999",
                                "-p", str(self.pid), "-o", str(self.data)])
        time.sleep(0.5)  # perf attaches before the load starts
        return self

    def __exit__(self, *exc):
        self.proc.send_signal(signal.SIGINT)
        self.proc.communicate()
        forget(self.proc)
        report = subprocess.run(["perf", "report", "-i", str(self.data), "--stdio",
                                 "--no-children", "--fields", "overhead,dso,sym",
                                 "-w", "8,24,100", "--percent-limit", "0.5"],
                                capture_output=True, text=True)
        self.base.with_suffix(".txt").write_text(report.stdout or report.stderr)
        self.data.unlink(missing_ok=True)
