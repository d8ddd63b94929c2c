"""Web login (API.md section 5, issue 2 item 6) against the real binary: cookie attributes,
CSRF on unsafe methods, logout, throttling, and the same answer for an unknown user."""

import time

import requests


def login(server, username="admin", password=None):
    return requests.post(server.url + "/api/auth/login",
                         json={"username": username,
                               "password": password or server.admin_password})


def test_login_sets_a_strict_http_only_cookie(server):
    r = login(server)
    assert r.status_code == 200, r.text
    cookie = r.headers["Set-Cookie"]
    assert cookie.startswith("ordo_session=")
    for attribute in ["HttpOnly", "SameSite=Strict", "Path=/"]:
        assert attribute in cookie
    assert "Secure" not in cookie  # plain HTTP here; TLS adds it
    assert r.headers["Cache-Control"] == "no-store"
    body = r.json()
    assert len(body["csrfToken"]) >= 40
    assert body["user"]["username"] == "admin" and body["user"]["admin"] is True
    assert "password" not in str(body).lower()


def test_session_works_and_unsafe_methods_need_csrf(server):
    s = requests.Session()
    r = s.post(server.url + "/api/auth/login",
               json={"username": "admin", "password": server.admin_password})
    csrf = r.json()["csrfToken"]
    me = s.get(server.url + "/api/v1/me")
    assert me.status_code == 200 and me.json()["type"] == "user"
    body = {"name": "csrf-check", "right": "reader"}
    r = s.post(server.url + "/api/v1/accesses", json=body)
    assert r.status_code == 403 and r.json()["type"] == "/problems/csrf-token-invalid"
    r = s.post(server.url + "/api/v1/accesses", json=body, headers={"X-CSRF-Token": "wrong"})
    assert r.status_code == 403
    r = s.post(server.url + "/api/v1/accesses", json=body, headers={"X-CSRF-Token": csrf})
    assert r.status_code == 201
    # Another session's token does not fit this session.
    other = login(server).json()["csrfToken"]
    r = s.delete(server.url + "/api/v1/accesses/" + r.json()["accessKey"],
                 headers={"X-CSRF-Token": other})
    assert r.status_code == 403


def test_logout_ends_the_session(server):
    s = requests.Session()
    csrf = s.post(server.url + "/api/auth/login",
                  json={"username": "admin", "password": server.admin_password}).json()["csrfToken"]
    cookie = s.cookies.get("ordo_session")
    assert s.post(server.url + "/api/auth/logout").status_code == 403  # CSRF needed
    r = s.post(server.url + "/api/auth/logout", headers={"X-CSRF-Token": csrf})
    assert r.status_code == 204
    assert "Max-Age=0" in r.headers["Set-Cookie"]
    replay = requests.get(server.url + "/api/v1/me", cookies={"ordo_session": cookie})
    assert replay.status_code == 401


def test_wrong_password_and_unknown_user_look_alike(server):
    wrong = login(server, "admin", "not-the-password")
    unknown = login(server, "nobody-here", "not-the-password")
    assert wrong.status_code == unknown.status_code == 401
    strip = lambda r: {k: v for k, v in r.json().items() if k != "requestId"}  # noqa: E731
    assert strip(wrong) == strip(unknown)
    assert wrong.json()["type"] == "/problems/invalid-credentials"
    assert "Set-Cookie" not in wrong.headers


def test_bad_login_body_is_400(server):
    r = requests.post(server.url + "/api/auth/login", json={"username": "admin"})
    assert r.status_code == 400
    r = requests.post(server.url + "/api/auth/login", data="username=admin",
                      headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert r.status_code == 415


def test_forged_cookie_refused(server):
    r = requests.get(server.url + "/api/v1/me", cookies={"ordo_session": "A" * 43})
    assert r.status_code == 401


def test_login_throttled_per_username(fresh_server):
    srv = fresh_server()
    for _ in range(5):
        assert login(srv, "admin", "wrong-password").status_code == 401
    r = login(srv, "admin", "wrong-password")
    assert r.status_code == 429 and r.headers["Retry-After"] == "3"
    assert login(srv).status_code == 429  # the right password waits too
    time.sleep(3.1)
    assert login(srv).status_code == 200


def test_logins_are_audited(server, admin):
    login(server, "admin", "definitely-wrong")
    r = admin.get(server.url + "/api/v1/audit-events", params={"action": "login."})
    actions = [(e["action"], e["outcome"]) for e in r.json()["items"]]
    assert ("login.failed", "failure") in actions and ("login.succeeded", "success") in actions
    assert "definitely-wrong" not in r.text
