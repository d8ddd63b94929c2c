"""No secret, token, password, cookie or Authorization value is ever written: not to the log,
not to the database (which keeps only argon2id hashes and SHA-256 digests)."""

import base64

import requests

from auth_helpers import bearer, create_access, token_for


def test_no_secret_reaches_log_or_database(fresh_server):
    srv = fresh_server(["--log-level", "debug"])
    s = requests.Session()
    login = s.post(srv.url + "/api/auth/login",
                   json={"username": "admin", "password": srv.admin_password})
    csrf = login.json()["csrfToken"]
    cookie = s.cookies.get("ordo_session")
    s.headers["X-CSRF-Token"] = csrf
    s.base = srv.url
    a = create_access(s, srv.url, "secretive", "admin")
    regenerated = s.post(srv.url + f"/api/v1/accesses/{a['accessKey']}/secret",
                         json={"previousSecretValidFor": 60}).json()
    token = token_for(srv.url, regenerated)
    oauth = requests.post(srv.url + "/api/auth/token",
                          data={"grant_type": "client_credentials",
                                "client_id": a["accessKey"],
                                "client_secret": regenerated["secretKey"]}).json()["access_token"]
    basic = "Basic " + base64.b64encode(
        f"{a['accessKey']}:{regenerated['secretKey']}".encode()).decode()
    requests.get(srv.url + "/api/v1/me", headers={"Authorization": basic})
    requests.get(srv.url + "/api/v1/me", auth=(a["accessKey"], a["secretKey"]))  # grace secret
    requests.get(srv.url + "/api/v1/me", headers=bearer(token))
    requests.get(srv.url + "/api/v1/me", headers=bearer(token + "x"))  # a failure, logged
    requests.get(srv.url + "/api/v1/me", auth=(a["accessKey"], "ordo_sk_" + "Q" * 49))
    requests.post(srv.url + "/api/auth/login", json={"username": "admin", "password": "typo-pw-1"})
    requests.get(srv.url + "/api/v1/me", params={"secretKey": regenerated["secretKey"]})
    srv.stop()  # its exit code is the foundation tests' concern; here only what was written

    log = srv.log_text()
    db = b"".join(p.read_bytes() for p in srv.data_dir.glob("ordo.db*"))
    forbidden = {
        "first secret": a["secretKey"],
        "regenerated secret": regenerated["secretKey"],
        "token": token,
        "oauth token": oauth,
        "token signature": token.split(".")[2],
        "basic header": basic.split(" ")[1],
        "session cookie": cookie,
        "csrf token": csrf,
        "admin password": srv.admin_password,
        "mistyped password": "typo-pw-1",
    }
    for what, value in forbidden.items():
        assert value not in log, f"{what} in the log"
        if what not in ("admin password",):  # the bootstrap prints it once by design
            assert value.encode() not in db, f"{what} in the database"
    assert "authorization" not in log.lower().replace("unauthorized", "")
    assert "ordo_sk_" not in log
