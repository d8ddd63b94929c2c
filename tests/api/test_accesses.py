"""REST accesses (API.md section 2) against the real binary: the whole lifecycle, and that every
change bites on the very next request."""

import re
import time

import requests

from auth_helpers import bearer, create_access, me, token_for

ACCESS_KEY = re.compile(r"^ordo_ak_[A-Za-z0-9]{20}$")
SECRET_KEY = re.compile(r"^ordo_sk_[A-Za-z0-9]{49}$")
FIELDS = {"accessKey", "name", "right", "scopes", "enabled", "createdAt", "createdBy",
          "secretUpdatedAt", "secretHint", "lastUsedAt", "lastUsedFrom", "expiresAt"}


def test_create_returns_secret_once(server, admin):
    r = admin.post(server.url + "/api/v1/accesses", json={"name": "ci-create", "right": "operator"})
    assert r.status_code == 201, r.text
    body = r.json()
    assert set(body) == FIELDS | {"secretKey"}
    assert ACCESS_KEY.match(body["accessKey"]) and SECRET_KEY.match(body["secretKey"])
    assert r.headers["Location"] == "/api/v1/accesses/" + body["accessKey"]
    assert r.headers["Cache-Control"] == "no-store"
    assert body["right"] == "operator"
    assert body["scopes"] == ["processes:read", "processes:run"]
    assert body["enabled"] is True and body["createdBy"] == "admin"
    assert body["secretHint"] == body["secretKey"][-4:]
    assert body["lastUsedAt"] is None and body["lastUsedFrom"] is None and body["expiresAt"] is None
    got = admin.get(server.url + "/api/v1/accesses/" + body["accessKey"])
    assert got.status_code == 200 and set(got.json()) == FIELDS
    listed = admin.get(server.url + "/api/v1/accesses").json()["items"]
    mine = [a for a in listed if a["accessKey"] == body["accessKey"]]
    assert len(mine) == 1 and set(mine[0]) == FIELDS
    assert body["secretKey"] not in got.text and "argon2" not in got.text


def test_custom_scopes_and_validation(server, admin):
    u = server.url + "/api/v1/accesses"
    r = admin.post(u, json={"name": "custom", "scopes": ["processes:run"]})
    assert r.status_code == 201 and r.json()["right"] == "custom"
    assert r.json()["scopes"] == ["processes:run"]
    for body in [{"name": "x", "right": "root"}, {"name": "", "right": "reader"},
                 {"name": "y" * 101, "right": "reader"}, {"right": "reader"},
                 {"name": "z", "scopes": ["processes:write"]}, {"name": "w"},
                 {"name": "v", "right": "reader", "expiresAt": "2000-01-01T00:00:00Z"},
                 {"name": "u", "right": "reader", "colour": "red"}]:
        r = admin.post(u, json=body)
        assert r.status_code == 400, (body, r.text)
        assert r.headers["Content-Type"] == "application/problem+json"
    assert admin.post(u, json={"name": "é" * 100, "right": "reader"}).status_code == 201


def test_duplicate_name_is_409(server, admin):
    create_access(admin, server.url, "dup")
    r = admin.post(server.url + "/api/v1/accesses", json={"name": "dup", "right": "reader"})
    assert r.status_code == 409


def test_unknown_access_is_404(server, admin):
    for key in ["ordo_ak_AAAAAAAAAAAAAAAAAAAA", "not-a-key"]:
        assert admin.get(server.url + "/api/v1/accesses/" + key).status_code == 404
        assert admin.delete(server.url + "/api/v1/accesses/" + key).status_code == 404


def test_accesses_need_admin(server, admin):
    op = create_access(admin, server.url, "not-admin", "designer")
    for method, path in [("GET", "/api/v1/accesses"), ("POST", "/api/v1/accesses"),
                         ("GET", "/api/v1/audit-events")]:
        r = requests.request(method, server.url + path, auth=(op["accessKey"], op["secretKey"]),
                             json={"name": "x", "right": "reader"})
        assert r.status_code == 403, r.text
        assert r.json()["type"] == "/problems/insufficient-scope"
        assert 'error="insufficient_scope"' in r.headers["WWW-Authenticate"]


def test_basic_and_token_work(server, admin):
    a = create_access(admin, server.url, "user-of-api")
    r = me(server.url, auth=(a["accessKey"], a["secretKey"]))
    assert r.status_code == 200, r.text
    assert r.json() == {"type": "access", "accessKey": a["accessKey"], "name": "user-of-api",
                        "right": "operator", "scopes": ["processes:read", "processes:run"]}
    t = requests.post(server.url + "/api/auth/jwt", auth=(a["accessKey"], a["secretKey"]))
    assert t.status_code == 200 and t.headers["Cache-Control"] == "no-store"
    body = t.json()
    assert body["tokenType"] == "Bearer" and body["expiresIn"] == 900
    assert me(server.url, headers=bearer(body["token"])).json() == r.json()
    # The JSON body form of the exchange, with a shorter lifetime.
    t2 = requests.post(server.url + "/api/auth/jwt",
                       json={"accessKey": a["accessKey"], "secretKey": a["secretKey"],
                             "expiresIn": 60})
    assert t2.status_code == 200 and t2.json()["expiresIn"] == 60


def test_last_used_is_recorded(server, admin):
    a = create_access(admin, server.url, "used")
    assert me(server.url, auth=(a["accessKey"], a["secretKey"])).status_code == 200
    deadline = time.time() + 5
    while time.time() < deadline:
        got = admin.get(server.url + "/api/v1/accesses/" + a["accessKey"]).json()
        if got["lastUsedAt"]:
            break
        time.sleep(0.1)  # written by a background thread, off the request path
    assert got["lastUsedAt"] is not None and got["lastUsedFrom"] == "127.0.0.1"


def test_regenerate_kills_old_secret_and_tokens(server, admin):
    a = create_access(admin, server.url, "regen")
    old_auth = (a["accessKey"], a["secretKey"])
    token = token_for(server.url, a)
    assert me(server.url, auth=old_auth).status_code == 200  # now in the success cache
    r = admin.post(server.url + f"/api/v1/accesses/{a['accessKey']}/secret")
    assert r.status_code == 200 and r.headers["Cache-Control"] == "no-store"
    new = r.json()
    assert new["secretKey"] != a["secretKey"] and new["accessKey"] == a["accessKey"]
    assert me(server.url, auth=old_auth).status_code == 401
    t = me(server.url, headers=bearer(token))
    assert t.status_code == 401 and 'error="invalid_token"' in t.headers["WWW-Authenticate"]
    assert me(server.url, auth=(a["accessKey"], new["secretKey"])).status_code == 200


def test_grace_period_keeps_old_secret_not_old_tokens(server, admin):
    a = create_access(admin, server.url, "grace")
    old_auth = (a["accessKey"], a["secretKey"])
    token = token_for(server.url, a)
    r = admin.post(server.url + f"/api/v1/accesses/{a['accessKey']}/secret",
                   json={"previousSecretValidFor": 2})
    assert r.status_code == 200
    new_auth = (a["accessKey"], r.json()["secretKey"])
    assert me(server.url, auth=old_auth).status_code == 200
    assert me(server.url, auth=new_auth).status_code == 200
    assert me(server.url, headers=bearer(token)).status_code == 401
    time.sleep(2.2)  # the real clock: black-box tests cannot move the server's time
    assert me(server.url, auth=old_auth).status_code == 401
    assert me(server.url, auth=new_auth).status_code == 200


def test_grace_over_seven_days_is_400(server, admin):
    a = create_access(admin, server.url, "grace-limit")
    r = admin.post(server.url + f"/api/v1/accesses/{a['accessKey']}/secret",
                   json={"previousSecretValidFor": 7 * 24 * 3600 + 1})
    assert r.status_code == 400


def test_disable_and_enable(server, admin):
    a = create_access(admin, server.url, "toggle")
    auth = (a["accessKey"], a["secretKey"])
    token = token_for(server.url, a)
    assert me(server.url, auth=auth).status_code == 200
    u = server.url + "/api/v1/accesses/" + a["accessKey"]
    assert admin.patch(u, json={"enabled": False}).json()["enabled"] is False
    assert me(server.url, auth=auth).status_code == 401
    assert me(server.url, headers=bearer(token)).status_code == 401
    assert admin.patch(u, json={"enabled": True}).status_code == 200
    assert me(server.url, auth=auth).status_code == 200
    assert me(server.url, headers=bearer(token)).status_code == 200


def test_narrowed_right_is_403_at_once(server, admin):
    a = create_access(admin, server.url, "narrow", "admin")
    auth = (a["accessKey"], a["secretKey"])
    token = token_for(server.url, a)
    assert requests.get(server.url + "/api/v1/users", auth=auth).status_code == 200
    assert requests.get(server.url + "/api/v1/users", headers=bearer(token)).status_code == 200
    r = admin.patch(server.url + "/api/v1/accesses/" + a["accessKey"], json={"right": "reader"})
    assert r.status_code == 200 and r.json()["scopes"] == ["processes:read"]
    assert requests.get(server.url + "/api/v1/users", auth=auth).status_code == 403
    assert requests.get(server.url + "/api/v1/users", headers=bearer(token)).status_code == 403
    assert me(server.url, headers=bearer(token)).status_code == 200


def test_rename_and_name_conflict(server, admin):
    a = create_access(admin, server.url, "first-name")
    create_access(admin, server.url, "taken-name")
    u = server.url + "/api/v1/accesses/" + a["accessKey"]
    assert admin.patch(u, json={"name": "taken-name"}).status_code == 409
    assert admin.patch(u, json={"name": "second-name"}).json()["name"] == "second-name"


def test_expiry(server, admin):
    expires = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 3))
    a = create_access(admin, server.url, "short-lived", expiresAt=expires)
    assert a["expiresAt"] == expires
    auth = (a["accessKey"], a["secretKey"])
    assert me(server.url, auth=auth).status_code == 200
    t = requests.post(server.url + "/api/auth/jwt", auth=auth).json()
    assert t["expiresIn"] <= 3  # a token never outlives its access
    time.sleep(3.2)
    assert me(server.url, auth=auth).status_code == 401
    assert me(server.url, headers=bearer(t["token"])).status_code == 401
    # Clearing the expiry revives it.
    r = admin.patch(server.url + "/api/v1/accesses/" + a["accessKey"], json={"expiresAt": None})
    assert r.status_code == 200 and r.json()["expiresAt"] is None
    assert me(server.url, auth=auth).status_code == 200


def test_delete(server, admin):
    a = create_access(admin, server.url, "doomed")
    auth = (a["accessKey"], a["secretKey"])
    token = token_for(server.url, a)
    assert me(server.url, auth=auth).status_code == 200
    assert admin.delete(server.url + "/api/v1/accesses/" + a["accessKey"]).status_code == 204
    assert me(server.url, auth=auth).status_code == 401
    assert me(server.url, headers=bearer(token)).status_code == 401
    assert admin.get(server.url + "/api/v1/accesses/" + a["accessKey"]).status_code == 404


def test_list_paging(server, admin):
    for i in range(3):
        create_access(admin, server.url, f"page-{i}", "reader")
    seen, cursor = [], None
    while True:
        params = {"limit": 2}
        if cursor:
            params["cursor"] = cursor
        body = admin.get(server.url + "/api/v1/accesses", params=params).json()
        seen += [a["accessKey"] for a in body["items"]]
        cursor = body["nextCursor"]
        if not cursor:
            break
    assert len(seen) == len(set(seen)) and seen == sorted(seen)
    everything = admin.get(server.url + "/api/v1/accesses", params={"limit": 500}).json()
    assert [a["accessKey"] for a in everything["items"]] == seen


def test_changes_are_audited(server, admin):
    a = create_access(admin, server.url, "audited")
    admin.post(server.url + f"/api/v1/accesses/{a['accessKey']}/secret")
    admin.delete(server.url + "/api/v1/accesses/" + a["accessKey"])
    r = admin.get(server.url + "/api/v1/audit-events",
                  params={"target": a["accessKey"], "action": "access."})
    assert r.status_code == 200
    actions = [e["action"] for e in r.json()["items"]]
    assert actions == ["access.deleted", "access.secret_regenerated", "access.created"]
    for e in r.json()["items"]:
        assert e["actor"] == "admin" and e["clientAddress"] == "127.0.0.1" and e["requestId"]
    assert a["secretKey"] not in r.text


def wait_ready(srv, timeout=20):
    # OrdoServer.start() finds "ordo ready:" of the previous run in the appended log, so after
    # a restart it may return before the new process listens.
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            if requests.get(srv.url + "/healthz", timeout=1).status_code == 200:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.05)
    raise AssertionError("server did not come back")


def test_restart_keeps_accesses_and_tokens(fresh_server):
    srv = fresh_server()
    admin = srv.login()
    a = create_access(admin, srv.url, "persistent")
    token = token_for(srv.url, a)
    srv.restart()
    wait_ready(srv)
    assert me(srv.url, auth=(a["accessKey"], a["secretKey"])).status_code == 200
    assert me(srv.url, headers=bearer(token)).status_code == 200
