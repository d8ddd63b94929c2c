"""The database going away and coming back (issue 7 item 1): a server that cannot reach
PostgreSQL at start says so in one line and exits 2; one whose database goes away later keeps
running, answers /readyz 503 (and 503 on API calls that need the database), and serves again
without a restart once the database is back.

This module pauses a PostgreSQL cluster of its own, so that the tests sharing the main cluster
are not disturbed."""

import subprocess
import time
from pathlib import Path

import pytest
import requests

from ordo_server import OrdoServer, free_port, run_ordo

SCRIPT = str(Path(__file__).resolve().parents[2] / "scripts" / "pg-cluster.sh")


def test_unreachable_database_at_start_is_one_line_and_exit_2(tmp_path):
    url = f"postgresql://postgres@127.0.0.1:{free_port()}/ordo"
    code, out, err = run_ordo(["serve", "--data", str(tmp_path / "d"), "--db", url,
                               "--listen", f"127.0.0.1:{free_port()}"])
    assert code == 2, err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "cannot open database" in lines[0] and "Connection refused" in lines[0], lines[0]


@pytest.fixture
def own_cluster(tmp_path):
    state = tmp_path / "cluster.state"
    subprocess.run([SCRIPT, "start", str(state)], check=True, capture_output=True)
    yield state
    subprocess.run([SCRIPT, "stop", str(state)], check=True, capture_output=True)


def port_of(state):
    for line in state.read_text().splitlines():
        if line.startswith("PG_PORT="):
            return int(line.split("=", 1)[1])
    raise AssertionError("no port in " + state.read_text())


def wait_for(predicate, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return predicate()


def test_readyz_503_while_the_database_is_gone_then_recovers(tmp_path, own_cluster):
    url = f"postgresql://postgres@127.0.0.1:{port_of(own_cluster)}/postgres"
    srv = OrdoServer(tmp_path / "data", ["--db", url]).start()
    try:
        admin = srv.login()
        assert srv.get("/readyz").status_code == 200
        subprocess.run([SCRIPT, "pause", str(own_cluster)], check=True, capture_output=True)

        r = srv.get("/readyz")
        assert r.status_code == 503, r.text
        assert srv.get("/healthz").status_code == 200  # the process itself is fine
        r = admin.get(srv.url + "/api/v1/users")
        assert r.status_code == 503, r.text
        assert r.headers["Content-Type"] == "application/problem+json"
        assert srv.proc.poll() is None

        subprocess.run([SCRIPT, "resume", str(own_cluster)], check=True, capture_output=True)
        # Every pooled connection heals on its next use; a few calls at most see 503 meanwhile.
        assert wait_for(lambda: srv.get("/readyz").status_code == 200, 10)
        assert wait_for(lambda: admin.get(srv.url + "/api/v1/users").status_code == 200, 10)
        for _ in range(20):  # and stays healed on every pooled session
            assert admin.get(srv.url + "/api/v1/users").status_code == 200
        r = admin.post(srv.url + "/api/v1/accesses", json={"name": "after-outage",
                                                           "right": "reader"})
        assert r.status_code == 201, r.text
        access = r.json()
        r = requests.get(srv.url + "/api/v1/me", auth=(access["accessKey"], access["secretKey"]),
                         timeout=30)
        assert r.status_code == 200, r.text
    finally:
        assert srv.stop() == 0, srv.log_text()[-3000:]
