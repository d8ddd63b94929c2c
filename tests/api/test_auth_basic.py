"""HTTP Basic (API.md section 3.1) against the real binary: challenges, one denial for every
failure, throttling, the 503 path under a burst, and timing parity of unknown key vs wrong
secret."""

import concurrent.futures
import statistics
import time

import requests

from auth_helpers import bearer, create_access, me, token_for

WRONG = "ordo_sk_" + "A" * 43 + "000000"  # well-formed shape, wrong checksum → malformed


def wrong_secret(a):
    """A well-formed secret (valid checksum) that is not the access's."""
    import zlib
    body = "B" * 43
    crc = zlib.crc32(body.encode())
    digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
    out = ""
    for _ in range(6):
        out = digits[crc % 62] + out
        crc //= 62
    assert a["secretKey"] != "ordo_sk_" + body + out
    return "ordo_sk_" + body + out


def test_no_credentials_gives_both_challenges(server):
    r = requests.get(server.url + "/api/v1/me")
    assert r.status_code == 401
    assert r.headers["Content-Type"] == "application/problem+json"
    challenges = r.raw.headers.getlist("WWW-Authenticate")
    assert 'Basic realm="ordo", charset="UTF-8"' in challenges
    assert 'Bearer realm="ordo"' in challenges


def test_xhr_gets_only_bearer_challenge(server):
    r = requests.get(server.url + "/api/v1/me", headers={"X-Requested-With": "XMLHttpRequest"})
    assert r.status_code == 401
    assert r.raw.headers.getlist("WWW-Authenticate") == ['Bearer realm="ordo"']


def test_unknown_key_and_wrong_secret_look_alike(server, admin):
    a = create_access(admin, server.url, "alike")
    unknown = me(server.url, auth=("ordo_ak_ZZZZZZZZZZZZZZZZZZZZ", wrong_secret(a)))
    wrong = me(server.url, auth=(a["accessKey"], wrong_secret(a)))
    malformed = me(server.url, auth=(a["accessKey"], WRONG))
    garbage = requests.get(server.url + "/api/v1/me", headers={"Authorization": "Basic !!!"})
    for r in (unknown, wrong, malformed, garbage):
        assert r.status_code == 401
    strip = lambda r: {k: v for k, v in r.json().items() if k != "requestId"}  # noqa: E731
    assert strip(unknown) == strip(wrong) == strip(malformed) == strip(garbage)
    assert strip(wrong)["type"] == "/problems/invalid-credentials"
    assert unknown.headers["WWW-Authenticate"] == wrong.headers["WWW-Authenticate"]


def test_disabled_and_expired_look_alike(server, admin):
    a = create_access(admin, server.url, "disabled-alike")
    admin.patch(server.url + "/api/v1/accesses/" + a["accessKey"], json={"enabled": False})
    r = me(server.url, auth=(a["accessKey"], a["secretKey"]))
    assert r.status_code == 401 and r.json()["type"] == "/problems/invalid-credentials"


def test_credentials_in_query_string_ignored(server, admin):
    a = create_access(admin, server.url, "query")
    r = requests.get(server.url + "/api/v1/me",
                     params={"accessKey": a["accessKey"], "secretKey": a["secretKey"],
                             "access_key": a["accessKey"], "secret_key": a["secretKey"],
                             "client_id": a["accessKey"], "client_secret": a["secretKey"]})
    assert r.status_code == 401
    token = token_for(server.url, a)
    r = requests.get(server.url + "/api/v1/me", params={"access_token": token, "token": token})
    assert r.status_code == 401


def test_unknown_scheme_refused(server):
    r = requests.get(server.url + "/api/v1/me", headers={"Authorization": "Digest abc"})
    assert r.status_code == 401


def test_key_throttle_then_backoff(fresh_server):
    srv = fresh_server()
    admin = srv.login()
    a = create_access(admin, srv.url, "throttled")
    good = (a["accessKey"], a["secretKey"])
    bad = (a["accessKey"], wrong_secret(a))
    for _ in range(5):
        assert me(srv.url, auth=bad).status_code == 401
    r = me(srv.url, auth=bad)
    assert r.status_code == 429 and r.headers["Retry-After"] == "3"
    assert r.json()["type"] == "/problems/too-many-attempts"
    # Even the right secret waits (it is not in the success cache), without running the hash.
    assert me(srv.url, auth=good).status_code == 429
    # Refused attempts do not extend the back-off: after 3 s the right secret works.
    time.sleep(3.1)
    assert me(srv.url, auth=good).status_code == 200
    # The success reset the count.
    assert me(srv.url, auth=bad).status_code == 401
    assert me(srv.url, auth=bad).status_code == 401


def test_cached_credential_served_while_throttled(fresh_server):
    srv = fresh_server()
    admin = srv.login()
    a = create_access(admin, srv.url, "cached")
    good = (a["accessKey"], a["secretKey"])
    assert me(srv.url, auth=good).status_code == 200
    for _ in range(5):
        me(srv.url, auth=(a["accessKey"], wrong_secret(a)))
    assert me(srv.url, auth=(a["accessKey"], wrong_secret(a))).status_code == 429
    assert me(srv.url, auth=good).status_code == 200


def test_address_throttle(fresh_server):
    srv = fresh_server(["--basic-address-failures", "3"])
    admin = srv.login()
    a = create_access(admin, srv.url, "sprayed")
    for i in range(3):
        key = "ordo_ak_" + f"{i:020d}"
        assert me(srv.url, auth=(key, wrong_secret(a))).status_code == 401
    r = me(srv.url, auth=(a["accessKey"], a["secretKey"]))
    assert r.status_code == 429 and r.headers["Retry-After"] == "3"
    # Another address is not affected; the same address is, for every key.
    assert me(srv.url, auth=("ordo_ak_" + "9" * 20, wrong_secret(a))).status_code == 429


def test_burst_gets_503_and_tokens_keep_working(fresh_server):
    srv = fresh_server(["--hash-threads", "1", "--hash-queue", "2",
                        "--basic-key-failures", "1000", "--basic-address-failures", "100000"])
    admin = srv.login()
    a = create_access(admin, srv.url, "burst")
    token = token_for(srv.url, a)
    secrets = [wrong_secret(a)]

    def basic(i):
        key = "ordo_ak_" + f"{i:020d}"  # distinct unknown keys: never cached
        return me(srv.url, auth=(key, secrets[0]))

    def with_token(_):
        return me(srv.url, headers=bearer(token))

    with concurrent.futures.ThreadPoolExecutor(max_workers=32) as pool:
        basic_futures = [pool.submit(basic, i) for i in range(60)]
        token_futures = [pool.submit(with_token, i) for i in range(60)]
        basic_codes = [f.result() for f in basic_futures]
        token_codes = [f.result().status_code for f in token_futures]
    overloaded = [r for r in basic_codes if r.status_code == 503]
    assert overloaded, [r.status_code for r in basic_codes]
    assert all(r.status_code in (401, 503) for r in basic_codes)
    for r in overloaded:
        assert r.headers["Retry-After"] == "1"
        assert r.json()["type"] == "/problems/overloaded"
    assert token_codes == [200] * 60


def test_timing_parity_unknown_key_vs_wrong_secret(fresh_server):
    srv = fresh_server(["--basic-key-failures", "1000", "--basic-address-failures", "100000"])
    admin = srv.login()
    a = create_access(admin, srv.url, "timing")
    s = requests.Session()
    unknown, wrong = [], []
    for i in range(3):  # warm-up: the first dummy hash is made once, on first use
        s.get(srv.url + "/api/v1/me", auth=("ordo_ak_" + f"{i + 900:020d}", wrong_secret(a)))
        s.get(srv.url + "/api/v1/me", auth=(a["accessKey"], wrong_secret(a)))
    # Interleaved so that load from elsewhere on the machine hits both alike.
    for i in range(25):
        for bucket, auth in ((unknown, ("ordo_ak_" + f"{i:020d}", wrong_secret(a))),
                             (wrong, (a["accessKey"], wrong_secret(a)))):
            start = time.perf_counter()
            r = s.get(srv.url + "/api/v1/me", auth=auth)
            bucket.append(time.perf_counter() - start)
            assert r.status_code == 401
    mu, mw = statistics.median(unknown), statistics.median(wrong)
    assert abs(mu - mw) / max(mu, mw) < 0.30, (mu, mw)
    assert min(mu, mw) > 0.004  # both really paid an argon2id hash


def test_auth_outcomes_in_metrics(server, admin):
    a = create_access(admin, server.url, "metered")
    auth = (a["accessKey"], a["secretKey"])
    me(server.url, auth=auth)
    me(server.url, auth=auth)
    me(server.url, auth=(a["accessKey"], wrong_secret(a)))
    text = requests.get(server.url + "/metrics").text
    samples = {}
    for line in text.splitlines():
        if line.startswith("ordo_auth_total{"):
            name, value = line.rsplit(" ", 1)
            samples[name] = float(value)
    assert samples['ordo_auth_total{method="basic",outcome="ok"}'] >= 1
    assert samples['ordo_auth_total{method="basic",outcome="cached"}'] >= 1
    assert samples['ordo_auth_total{method="basic",outcome="denied"}'] >= 1
    assert "ordo_credential_cache_entries" in text and "ordo_live_accesses" in text
    assert a["secretKey"] not in text and a["accessKey"] not in text
