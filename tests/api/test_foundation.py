"""Issue 2: the HTTP conventions of API.md section 1, start-up, shutdown and persistence,
against the real binary."""

import os
import socket
import stat
import threading
import time

import requests

from ordo_server import OrdoServer, run_ordo

PROBLEM = "application/problem+json"


def assert_problem(r, status, type_suffix=None):
    assert r.status_code == status, r.text
    assert r.headers["Content-Type"] == PROBLEM
    body = r.json()
    assert body["status"] == status
    assert body["type"].startswith("/problems/")
    if type_suffix:
        assert body["type"] == "/problems/" + type_suffix
    assert body["title"] and body["detail"]
    assert body["requestId"] == r.headers["X-Request-Id"]
    return body


def raw(server, data, read_until_close=True):
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as s:
        s.sendall(data)
        chunks = []
        while True:
            try:
                chunk = s.recv(65536)
            except ConnectionResetError:
                break
            if not chunk:
                break
            chunks.append(chunk)
            if not read_until_close and b"\r\n\r\n" in b"".join(chunks):
                break
        return b"".join(chunks).decode(errors="replace")


def test_health_and_ready(server):
    r = server.get("/healthz")
    assert r.status_code == 200 and r.json() == {"status": "ok"}
    r = server.get("/readyz")
    assert r.status_code == 200 and r.json() == {"status": "ready"}


def test_metrics_count_requests_by_route_template(server):
    server.get("/healthz")
    text = server.get("/metrics").text
    assert 'ordo_http_requests_total{method="GET",route="/healthz",status="200"}' in text
    assert "ordo_http_request_duration_seconds_bucket" in text


def test_unknown_route_is_404_problem(server):
    assert_problem(server.get("/api/v1/nothing-here"), 404, "not-found")


def test_wrong_method_is_405_with_allow(server):
    r = server.request("DELETE", "/healthz")
    assert_problem(r, 405, "method-not-allowed")
    assert r.headers["Allow"] == "GET"


def test_request_id_is_echoed_or_generated(server):
    assert server.get("/healthz", headers={"X-Request-Id": "trace-42"}).headers["X-Request-Id"] == "trace-42"
    generated = server.get("/healthz", headers={"X-Request-Id": "bad id with spaces"}).headers["X-Request-Id"]
    assert generated != "bad id with spaces" and len(generated) >= 8


def test_body_over_the_limit_is_413_before_it_is_sent(server):
    # Only the headers go out; the server must answer without waiting for 2 MiB.
    response = raw(server, b"POST /api/v1/users HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                           b"Content-Length: 2097152\r\n\r\n")
    assert response.startswith("HTTP/1.1 413 "), response
    assert PROBLEM in response


def test_large_body_sent_whole_still_gets_413(server):
    r = server.request("POST", "/api/v1/users", data=b"x" * (2 << 20),
                       headers={"Content-Type": "application/json"})
    assert_problem(r, 413, "payload-too-large")


def test_huge_headers_are_431(server):
    r = server.get("/healthz", headers={"X-Filler": "a" * 20000})
    assert_problem(r, 431, "headers-too-large")


def test_huge_request_line_is_414(server):
    r = server.get("/healthz?q=" + "a" * 10000)
    assert_problem(r, 414, "uri-too-long")


def test_garbage_is_400(server):
    response = raw(server, b"HELLO\r\n\r\n")
    assert response.startswith("HTTP/1.1 400 "), response


def test_protected_route_without_credentials_is_401(server):
    r = server.get("/api/v1/users")
    assert_problem(r, 401)
    assert r.headers["WWW-Authenticate"]


def test_bad_json_is_400_and_wrong_type_415(admin, server):
    r = admin.post(server.url + "/api/v1/groups", data="{not json",
                   headers={"Content-Type": "application/json"})
    assert_problem(r, 400, "invalid-request")
    r = admin.post(server.url + "/api/v1/groups", data="groupId=x",
                   headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert_problem(r, 415, "unsupported-media-type")


def test_bootstrap_admin_password_file_and_message(tmp_path):
    srv = OrdoServer(tmp_path / "boot", env={"ORDO_ADMIN_PASSWORD": ""})
    srv.start()
    try:
        log = srv.log_text()
        pw_file = tmp_path / "boot" / "admin-password"
        password = pw_file.read_text().strip()
        assert stat.S_IMODE(os.stat(pw_file).st_mode) == 0o600
        assert f"created user 'admin' with password: {password}" in log
        assert log.count(password) == 1  # printed once, never logged again
        srv.login("admin", password)
        srv.restart()
        assert "created user 'admin'" not in srv.log_text().split("ordo ready:")[-1]
    finally:
        srv.stop()


def test_data_survives_a_restart(fresh_server):
    srv = fresh_server()
    admin = srv.login()
    r = admin.post(srv.url + "/api/v1/groups", json={"groupId": "finance", "name": "Finance"})
    assert r.status_code == 201, r.text
    srv.restart()
    admin = srv.login()
    r = admin.get(srv.url + "/api/v1/groups/finance")
    assert r.status_code == 200 and r.json()["name"] == "Finance"


def test_sigterm_finishes_requests_in_flight(fresh_server):
    srv = fresh_server()
    results = []
    stop = threading.Event()

    def client():
        s = requests.Session()
        while not stop.is_set():
            try:
                results.append(s.get(srv.url + "/readyz", timeout=10).status_code)
            except requests.ConnectionError:
                results.append("refused")
                return

    threads = [threading.Thread(target=client) for _ in range(4)]
    for t in threads:
        t.start()
    time.sleep(0.5)
    code = srv.stop()
    stop.set()
    for t in threads:
        t.join()
    assert code == 0
    answered = [r for r in results if r != "refused"]
    assert len(answered) > 10
    assert set(answered) == {200}  # every request that got an answer got a whole, good one
    assert "event=stopped" in srv.log_text()


def test_bad_flag_is_one_line_and_exit_2():
    code, out, err = run_ordo(["serve", "--listen", "nowhere"])
    assert code == 2
    assert err == "ordo: error: --listen must be HOST:PORT, got 'nowhere'\n"


def test_unknown_flag_exit_2():
    code, _, err = run_ordo(["serve", "--no-such-flag"])
    assert code == 2 and err.startswith("ordo: error: ") and err.count("\n") == 1


def test_unreadable_config_exit_2(tmp_path):
    code, _, err = run_ordo(["serve", "--config", str(tmp_path / "missing.toml")])
    assert code == 2
    assert "cannot read config file" in err and err.count("\n") == 1


def test_port_in_use_exit_2(server, tmp_path):
    code, _, err = run_ordo(["serve", "--listen", f"127.0.0.1:{server.port}", "--data", str(tmp_path / "d")],
                            env={"ORDO_ADMIN_PASSWORD": "x" * 12})
    assert code == 2
    assert err.startswith(f"ordo: error: cannot listen on 127.0.0.1:{server.port}") and err.count("\n") == 1


def test_unopenable_database_exit_2(tmp_path):
    code, _, err = run_ordo(["serve", "--data", str(tmp_path / "d"), "--db", "sqlite:/nonexistent/dir/x.db"])
    assert code == 2
    assert err.startswith("ordo: error: cannot open database") and err.count("\n") == 1


def test_toml_config_file_is_used(tmp_path):
    port = OrdoServer(tmp_path / "unused").port
    cfg = tmp_path / "ordo.toml"
    cfg.write_text(f'listen = "127.0.0.1:{port}"\n')
    srv = OrdoServer(tmp_path / "cfg", port=port)
    srv.extra_args = ["--config", str(cfg)]
    # The flag from OrdoServer wins over the file; both name the same port here.
    srv.start()
    try:
        assert srv.get("/healthz").status_code == 200
    finally:
        assert srv.stop() == 0


def test_tls_serves_https(tmp_path):
    import subprocess
    import warnings
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                    "-nodes", "-keyout", str(key), "-out", str(cert), "-days", "1",
                    "-subj", "/CN=127.0.0.1"], check=True, capture_output=True)
    srv = OrdoServer(tmp_path / "tls", extra_args=["--tls-cert", str(cert), "--tls-key", str(key)])
    srv.url = srv.url.replace("http://", "https://")
    srv.start()
    try:
        assert f"ordo ready: serving https://127.0.0.1:{srv.port}" in srv.log_text()
        r = requests.get(srv.url + "/healthz", verify=str(cert), timeout=10)
        assert r.status_code == 200
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            r = requests.post(srv.url + "/api/auth/login", verify=str(cert), timeout=10,
                              json={"username": "admin", "password": srv.admin_password})
        assert r.status_code == 200
        cookie = r.headers["Set-Cookie"]
        assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Strict" in cookie
    finally:
        assert srv.stop() == 0


def test_missing_tls_file_exit_2(tmp_path):
    code, _, err = run_ordo(["serve", "--data", str(tmp_path / "d"), "--tls-cert", str(tmp_path / "no.pem"),
                             "--tls-key", str(tmp_path / "no.key")])
    assert code == 2
    assert err.startswith("ordo: error: cannot use TLS certificate") and err.count("\n") == 1


def test_connection_cap_closes_extra_connections(fresh_server):
    srv = fresh_server(extra_args=["--max-connections", "2"])
    held = [socket.create_connection(("127.0.0.1", srv.port)) for _ in range(2)]
    time.sleep(0.2)  # both accepted
    extra = socket.create_connection(("127.0.0.1", srv.port))
    extra.settimeout(5)
    extra.sendall(b"GET /healthz HTTP/1.1\r\n\r\n")
    try:
        assert extra.recv(100) == b""  # closed without an answer
    except ConnectionResetError:
        pass
    for s in held + [extra]:
        s.close()
    time.sleep(0.2)
    assert srv.get("/healthz").status_code == 200  # room again once they are gone


def test_forwarded_for_is_believed_only_from_trusted_proxies(fresh_server):
    def failed_login_address(srv):
        r = srv.request("POST", "/api/auth/login", json={"username": "nobody", "password": "wrong-password"},
                        headers={"X-Forwarded-For": "203.0.113.9"})
        assert r.status_code == 401
        admin = srv.login()
        events = admin.get(srv.url + "/api/v1/audit-events", params={"action": "login.failed"}).json()["items"]
        return events[0]["clientAddress"]

    assert failed_login_address(fresh_server()) == "127.0.0.1"  # a client cannot claim another address
    assert failed_login_address(fresh_server(extra_args=["--trusted-proxies", "127.0.0.1"])) == "203.0.113.9"


def test_random_garbage_never_crashes_the_server(server):
    import random
    rng = random.Random(20261129)  # fixed seed: a failure can be replayed
    prefixes = [b"", b"GET / HTTP/1.1\r\n", b"POST /api/v1/users HTTP/1.1\r\nContent-Length: 5\r\n\r\n",
                b"GET /healthz HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"]
    for _ in range(300):
        junk = rng.choice(prefixes) + bytes(rng.randrange(256) for _ in range(rng.randrange(1, 400)))
        with socket.create_connection(("127.0.0.1", server.port), timeout=5) as s:
            try:
                s.sendall(junk)
                s.shutdown(socket.SHUT_WR)
                s.recv(4096)
            except (ConnectionResetError, BrokenPipeError, socket.timeout):
                pass
    assert server.get("/healthz").status_code == 200
    assert server.proc.poll() is None


def test_no_credentials_get_401_before_the_body_is_sent(server):
    # Only the headers of a 5 MiB upload go out: the answer comes without waiting for the body.
    response = raw(server, b"POST /api/v1/process-definitions HTTP/1.1\r\nHost: x\r\n"
                           b"Content-Type: application/xml\r\nContent-Length: 5242880\r\n\r\n")
    assert response.startswith("HTTP/1.1 401 "), response
    assert "WWW-Authenticate: Basic" in response
    # The same 401 body as a request whose body was read.
    late = server.request("POST", "/api/v1/users", json={"username": "x"})
    early_body = response.split("\r\n\r\n", 1)[1]
    import json
    early, late_json = json.loads(early_body), late.json()
    for k in ("type", "title", "status", "detail"):
        assert early[k] == late_json[k]
