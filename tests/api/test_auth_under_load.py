"""Issue 8 (the slow hash under load): hash workers sized to the usable cores and published in
/metrics, --credential-cache-entries 0 (every Basic check pays the hash), throttled answers held
back by the tarpit (bounded by Retry-After), garbage from a throttled address refused like any
other attempt, and a flood of wrong secrets answered only with 401/429/503 while tokens work."""

import base64
import concurrent.futures
import os
import re
import time

import requests

from auth_helpers import bearer, create_access, me, token_for
from ordo_server import run_ordo
from test_auth_basic import wrong_secret


def metric(srv, name, labels=""):
    text = srv.get("/metrics").text
    pattern = re.escape(name + ("{" + labels + "}" if labels else "")) + r" (\S+)"
    m = re.search(r"^" + pattern + r"$", text, re.MULTILINE)
    return float(m.group(1)) if m else 0.0


def basic_outcome(srv, outcome):
    return metric(srv, "ordo_auth_total", f'method="basic",outcome="{outcome}"')


def test_hash_workers_default_to_usable_cores(fresh_server):
    srv = fresh_server()
    # The server inherits this process's affinity mask (taskset, cpuset), not the machine's size.
    assert metric(srv, "ordo_hash_workers") == len(os.sched_getaffinity(0))


def test_hash_threads_flag_sets_workers(fresh_server):
    srv = fresh_server(["--hash-threads", "3"])
    assert metric(srv, "ordo_hash_workers") == 3


def test_default_cache_remembers_a_success(fresh_server):
    srv = fresh_server()
    a = create_access(srv.login(), srv.url, "cached")
    for _ in range(3):
        assert me(srv.url, auth=(a["accessKey"], a["secretKey"])).status_code == 200
    assert basic_outcome(srv, "ok") == 1
    assert basic_outcome(srv, "cached") == 2


def test_zero_cache_entries_pays_the_hash_every_time(fresh_server):
    srv = fresh_server(["--credential-cache-entries", "0"])
    a = create_access(srv.login(), srv.url, "uncached")
    for _ in range(3):
        assert me(srv.url, auth=(a["accessKey"], a["secretKey"])).status_code == 200
    assert basic_outcome(srv, "ok") == 3
    assert basic_outcome(srv, "cached") == 0
    assert metric(srv, "ordo_credential_cache_entries") == 0


def test_cache_size_from_environment(fresh_server):
    srv = fresh_server(env={"ORDO_CREDENTIAL_CACHE_ENTRIES": "0"})
    a = create_access(srv.login(), srv.url, "uncached-env")
    for _ in range(2):
        assert me(srv.url, auth=(a["accessKey"], a["secretKey"])).status_code == 200
    assert basic_outcome(srv, "cached") == 0


def test_bad_tuning_values_exit_2(tmp_path):
    for args in (["--credential-cache-entries", "-1"], ["--hash-priority", "realtime"],
                 ["--refusal-delay-ms", "600000"]):
        code, _, err = run_ordo(["serve", "--data", str(tmp_path / "d")] + args)
        assert code == 2, err
        assert args[0] in err.strip().splitlines()[0], err  # one line naming the cause


def timed_me(srv, auth):
    """GET /api/v1/me with Basic: (response, seconds it took)."""
    start = time.monotonic()
    r = me(srv.url, auth=auth)
    return r, time.monotonic() - start


def throttle_key(srv, a):
    for _ in range(5):
        assert me(srv.url, auth=(a["accessKey"], wrong_secret(a))).status_code == 401


def test_throttled_answer_is_held_back(fresh_server):
    srv = fresh_server()  # default delay: 1 s
    a = create_access(srv.login(), srv.url, "tarpit")
    throttle_key(srv, a)
    r, took = timed_me(srv, (a["accessKey"], wrong_secret(a)))
    assert r.status_code == 429 and r.headers["Retry-After"] == "3"
    assert 0.9 <= took < 2.5
    # Held back, not counted: the back-off still ends 3 s after the last checked failure.
    time.sleep(max(0.0, 3.1 - took))
    assert me(srv.url, auth=(a["accessKey"], a["secretKey"])).status_code == 200


def test_hold_never_outlasts_retry_after(fresh_server):
    srv = fresh_server(["--refusal-delay-ms", "60000"])
    a = create_access(srv.login(), srv.url, "bounded")
    throttle_key(srv, a)
    r, took = timed_me(srv, (a["accessKey"], a["secretKey"]))
    assert r.status_code == 429
    assert took <= 3.2  # the remaining back-off, not 60 s
    assert me(srv.url, auth=(a["accessKey"], a["secretKey"])).status_code == 200


def test_zero_delay_answers_at_once(fresh_server):
    srv = fresh_server(["--refusal-delay-ms", "0"])
    a = create_access(srv.login(), srv.url, "instant")
    throttle_key(srv, a)
    r, took = timed_me(srv, (a["accessKey"], wrong_secret(a)))
    assert r.status_code == 429 and took < 0.5


def test_cached_credential_not_held_while_throttled(fresh_server):
    srv = fresh_server()
    a = create_access(srv.login(), srv.url, "cached-fast")
    assert me(srv.url, auth=(a["accessKey"], a["secretKey"])).status_code == 200
    throttle_key(srv, a)
    r, took = timed_me(srv, (a["accessKey"], a["secretKey"]))
    assert r.status_code == 200 and took < 0.5


def test_garbage_from_a_throttled_address_gets_429(fresh_server):
    srv = fresh_server(["--basic-address-failures", "3", "--refusal-delay-ms", "0"])
    garbage = {"Authorization": "Basic " + base64.b64encode(b"no-colon-here").decode()}
    for _ in range(3):
        assert me(srv.url, headers=garbage).status_code == 401
    r = me(srv.url, headers=garbage)
    assert r.status_code == 429 and r.json()["type"] == "/problems/too-many-attempts"
    r = me(srv.url, auth=("ordo_ak_" + "1" * 20, "not-a-secret"))  # malformed secret
    assert r.status_code == 429 and "Retry-After" in r.headers


def test_flood_of_wrong_secrets_gets_only_401_429_503(fresh_server):
    srv = fresh_server(["--refusal-delay-ms", "200", "--basic-address-failures", "20"])
    admin = srv.login()
    a = create_access(admin, srv.url, "flooded")
    token = token_for(srv.url, a)
    unknown = [("ordo_ak_" + f"{i:020d}", wrong_secret(a)) for i in range(8)]
    creds = [(a["accessKey"], wrong_secret(a))] + unknown

    def attack(i):
        with requests.Session() as s:
            return [s.get(srv.url + "/api/v1/me", auth=creds[(i + j) % len(creds)],
                          timeout=30).status_code for j in range(10)]

    with concurrent.futures.ThreadPoolExecutor(16) as pool:
        flood = [pool.submit(attack, i) for i in range(16)]
        tokens_ok = [me(srv.url, headers=bearer(token)).status_code for _ in range(20)]
        statuses = [s for f in flood for s in f.result()]
    assert set(statuses) <= {401, 429, 503}, statuses
    assert 429 in statuses
    assert tokens_ok == [200] * 20


def test_throttled_login_is_held_back_too(fresh_server):
    srv = fresh_server()
    bad = {"username": "admin", "password": "wrong-password"}
    for _ in range(5):
        assert requests.post(srv.url + "/api/auth/login", json=bad, timeout=30).status_code == 401
    start = time.monotonic()
    r = requests.post(srv.url + "/api/auth/login", json=bad, timeout=30)
    assert r.status_code == 429 and r.headers["Retry-After"] == "3"
    assert 0.9 <= time.monotonic() - start < 2.5
