"""Users and groups (API.md section 5) against the real binary, logged in as the admin."""

import requests


def test_create_get_list_patch_delete_user(server, admin):
    u = server.url + "/api/v1/users"
    r = admin.post(u, json={"username": "ada", "password": "correct horse", "displayName": "Ada",
                            "email": "ada@example.org"})
    assert r.status_code == 201, r.text
    assert r.headers["Location"] == "/api/v1/users/ada"
    body = r.json()
    assert body["username"] == "ada" and body["enabled"] is True and body["admin"] is False
    assert "password" not in body and "passwordHash" not in body
    assert admin.get(u + "/ada").json()["displayName"] == "Ada"
    names = [x["username"] for x in admin.get(u).json()["items"]]
    assert "ada" in names and "admin" in names
    r = admin.patch(u + "/ada", json={"enabled": False, "displayName": "Ada L."})
    assert r.status_code == 200 and r.json()["enabled"] is False and r.json()["displayName"] == "Ada L."
    assert admin.delete(u + "/ada").status_code == 204
    assert admin.get(u + "/ada").status_code == 404


def test_duplicate_username_is_409(server, admin):
    u = server.url + "/api/v1/users"
    assert admin.post(u, json={"username": "bob", "password": "12345678"}).status_code == 201
    r = admin.post(u, json={"username": "bob", "password": "12345678"})
    assert r.status_code == 409 and r.json()["type"] == "/problems/already-exists"


def test_bad_user_input_is_400(server, admin):
    u = server.url + "/api/v1/users"
    for body, detail in [
        ({"password": "12345678"}, "'username' is required"),
        ({"username": "x y", "password": "12345678"}, "'username' must be 1 to 64 of letters, digits and . _ @ -"),
        ({"username": "short", "password": "1234"}, "'password' must have 8 to 1024 characters"),
        ({"username": "typo", "password": "12345678", "admn": True}, "unknown field 'admn'"),
        ({"username": "t", "password": "12345678", "admin": "yes"}, "'admin' must be true or false"),
    ]:
        r = admin.post(u, json=body)
        assert r.status_code == 400 and r.json()["detail"] == detail, (body, r.text)


def test_password_change_lets_the_user_log_in(server, admin):
    u = server.url + "/api/v1/users"
    assert admin.post(u, json={"username": "carol", "password": "first-password"}).status_code == 201
    assert admin.patch(u + "/carol", json={"password": "second-password"}).status_code == 200
    r = requests.post(server.url + "/api/auth/login", json={"username": "carol", "password": "second-password"})
    assert r.status_code == 200


def test_groups_and_membership(server, admin):
    u = server.url
    assert admin.post(u + "/api/v1/users", json={"username": "dave", "password": "12345678"}).status_code == 201
    r = admin.post(u + "/api/v1/groups", json={"groupId": "ops", "name": "Operations", "members": ["dave"]})
    assert r.status_code == 201 and r.json()["members"] == ["dave"]
    assert admin.get(u + "/api/v1/users/dave").json()["groups"] == ["ops"]
    r = admin.patch(u + "/api/v1/groups/ops", json={"members": []})
    assert r.status_code == 200 and r.json()["members"] == []
    r = admin.post(u + "/api/v1/groups", json={"groupId": "ops"})
    assert r.status_code == 409
    r = admin.post(u + "/api/v1/groups", json={"groupId": "ghosts", "members": ["nobody"]})
    assert r.status_code == 400 and r.json()["detail"] == "no user 'nobody'"
    assert admin.get(u + "/api/v1/groups/ghosts").status_code == 404  # nothing half-written
    assert admin.delete(u + "/api/v1/groups/ops").status_code == 204
    assert admin.delete(u + "/api/v1/groups/ops").status_code == 404


def test_lists_page_with_cursor(server, admin):
    u = server.url + "/api/v1/groups"
    for i in range(5):
        assert admin.post(u, json={"groupId": f"page-{i}"}).status_code == 201
    seen, cursor = [], None
    while True:
        params = {"limit": 2}
        if cursor:
            params["cursor"] = cursor
        page = admin.get(u, params=params).json()
        assert len(page["items"]) <= 2
        seen += [g["groupId"] for g in page["items"]]
        cursor = page["nextCursor"]
        if cursor is None:
            break
    assert [g for g in seen if g.startswith("page-")] == [f"page-{i}" for i in range(5)]
    assert admin.get(u, params={"limit": 501}).status_code == 400


def test_me_for_a_logged_in_user(server, admin):
    r = admin.get(server.url + "/api/v1/me")
    assert r.status_code == 200
    me = r.json()
    assert me["type"] == "user" and me["username"] == "admin" and me["admin"] is True


def test_non_admin_user_cannot_manage_people(server, admin):
    assert admin.post(server.url + "/api/v1/users", json={"username": "erin", "password": "12345678"}).status_code == 201
    erin = server.login("erin", "12345678")
    r = erin.get(server.url + "/api/v1/users")
    assert r.status_code == 403 and r.json()["type"] == "/problems/insufficient-scope"
    assert erin.get(server.url + "/api/v1/me").json()["admin"] is False


def test_user_and_group_changes_are_audited(server, admin):
    u = server.url
    assert admin.post(u + "/api/v1/users", json={"username": "frank", "password": "12345678"}).status_code == 201
    assert admin.patch(u + "/api/v1/users/frank", json={"password": "87654321"}).status_code == 200
    assert admin.post(u + "/api/v1/groups", json={"groupId": "audited"}).status_code == 201
    assert admin.delete(u + "/api/v1/groups/audited").status_code == 204
    assert admin.delete(u + "/api/v1/users/frank").status_code == 204
    events = admin.get(u + "/api/v1/audit-events", params={"actor": "admin", "limit": 500}).json()["items"]
    mine = [(e["action"], e["target"]) for e in events
            if e["target"] in ("frank", "audited") and e["action"].split(".")[0] in ("user", "group")]
    assert mine == [("user.deleted", "frank"), ("group.deleted", "audited"), ("group.created", "audited"),
                    ("user.password_changed", "frank"), ("user.created", "frank")]
    assert all("87654321" not in str(e) and "12345678" not in str(e) for e in events)


def test_password_change_and_disable_end_sessions(server, admin):
    u = server.url + "/api/v1/users"
    assert admin.post(u, json={"username": "gina", "password": "first-password"}).status_code == 201
    gina = server.login("gina", "first-password")
    assert gina.get(server.url + "/api/v1/me").status_code == 200
    assert admin.patch(u + "/gina", json={"password": "second-password"}).status_code == 200
    assert gina.get(server.url + "/api/v1/me").status_code == 401
    gina = server.login("gina", "second-password")
    assert admin.patch(u + "/gina", json={"enabled": False}).status_code == 200
    assert gina.get(server.url + "/api/v1/me").status_code == 401
    r = server.request("POST", "/api/auth/login", json={"username": "gina", "password": "second-password"})
    assert r.status_code == 401
