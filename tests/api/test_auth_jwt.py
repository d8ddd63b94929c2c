"""Bearer tokens (API.md section 3.2) against the real binary: the RFC 8725 attack list. The
server runs with a known ORDO_MASTER_KEY so that the test can read the HS256 signing key back
from the store and forge tokens that differ from a valid one in exactly one respect."""

import json
import time

import jwt
import pytest
import requests

from auth_helpers import (MASTER_KEY_HEX, b64url, bearer, create_access, decode_unverified, me,
                          hs256_token, signing_key, token_for)


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    from ordo_server import OrdoServer
    srv = OrdoServer(tmp_path_factory.mktemp("ordo-jwt") / "data",
                     env={"ORDO_MASTER_KEY": MASTER_KEY_HEX}).start()
    admin = srv.login()
    access = create_access(admin, srv.url, "jwt-tests", "operator")
    token = token_for(srv.url, access)
    kid, key = signing_key(srv.data_dir)
    header, claims = decode_unverified(token)
    yield {"srv": srv, "admin": admin, "access": access, "token": token, "kid": kid, "key": key,
           "header": header, "claims": claims}
    assert srv.stop() == 0


def refused(env, token):
    r = me(env["srv"].url, headers=bearer(token))
    assert r.status_code == 401, r.text
    assert r.json()["type"] == "/problems/invalid-token"
    challenges = r.headers["WWW-Authenticate"]
    assert 'Bearer realm="ordo", error="invalid_token"' in challenges
    assert "Basic" not in challenges  # a token was sent: no browser login box
    return r


def forged(env, header_changes=None, claim_changes=None, key=None, drop=()):
    header = dict(env["header"], **(header_changes or {}))
    claims = dict(env["claims"], **(claim_changes or {}))
    for name in drop:
        header.pop(name, None)
        claims.pop(name, None)
    return hs256_token(key or env["key"], header, claims)


def test_valid_token_and_its_shape(env):
    assert me(env["srv"].url, headers=bearer(env["token"])).status_code == 200
    h, c = env["header"], env["claims"]
    assert h == {"alg": "HS256", "typ": "at+jwt", "kid": env["kid"]}
    assert set(c) == {"iss", "sub", "aud", "iat", "nbf", "exp", "jti", "scope", "gen"}
    assert c["sub"] == env["access"]["accessKey"] and c["gen"] == 1
    assert c["scope"] == "processes:read processes:run"
    assert c["exp"] - c["iat"] == 900
    # A token re-signed by the test with the extracted key is accepted: the forgeries below
    # fail for the one thing they change, not for the way they are made.
    assert me(env["srv"].url, headers=bearer(forged(env))).status_code == 200


def test_alg_none_refused(env):
    for alg in ["none", "None", "NONE"]:
        h = dict(env["header"], alg=alg)
        token = b64url(json.dumps(h)) + "." + env["token"].split(".")[1] + "."
        refused(env, token)


def test_other_algorithms_refused(env):
    refused(env, forged(env, {"alg": "HS512"}))
    refused(env, forged(env, {"alg": "RS256"}))
    refused(env, forged(env, {"alg": "EdDSA"}))


def test_stripped_signature_refused(env):
    head, body, _ = env["token"].split(".")
    refused(env, f"{head}.{body}.")
    refused(env, f"{head}.{body}")


def test_altered_signature_refused(env):
    head, body, sig = env["token"].split(".")
    flipped = ("A" if sig[0] != "A" else "B") + sig[1:]
    refused(env, f"{head}.{body}.{flipped}")


def test_altered_claims_refused(env):
    head, _, sig = env["token"].split(".")
    claims = dict(env["claims"], scope="processes:read processes:run admin")
    refused(env, f"{head}.{b64url(json.dumps(claims))}.{sig}")


def test_wrong_key_refused(env):
    refused(env, forged(env, key=b"k" * 32))


def test_expired_beyond_skew_refused(env):
    now = int(time.time())
    refused(env, forged(env, claim_changes={"iat": now - 1000, "nbf": now - 1000, "exp": now - 61}))
    # Within the 60 s skew it still passes.
    ok = forged(env, claim_changes={"iat": now - 1000, "nbf": now - 1000, "exp": now - 30})
    assert me(env["srv"].url, headers=bearer(ok)).status_code == 200


def test_future_nbf_and_iat_refused(env):
    now = int(time.time())
    refused(env, forged(env, claim_changes={"nbf": now + 120}))
    refused(env, forged(env, claim_changes={"iat": now + 120}))


def test_wrong_issuer_or_audience_refused(env):
    refused(env, forged(env, claim_changes={"iss": "someone-else"}))
    refused(env, forged(env, claim_changes={"aud": "another-api"}))
    refused(env, forged(env, claim_changes={"aud": [env["claims"]["aud"]]}))


def test_unknown_kid_refused(env):
    refused(env, forged(env, {"kid": "unknown-kid"}))
    refused(env, forged(env, drop=("kid",)))


def test_wrong_typ_refused(env):
    refused(env, forged(env, {"typ": "JWT"}))


def test_crit_refused(env):
    refused(env, forged(env, {"crit": ["exp"]}))


def test_jku_and_jwk_headers_ignored(env):
    attacker = b"a" * 32
    evil = {"jku": "http://127.0.0.1:1/jwks.json",
            "jwk": {"kty": "oct", "k": b64url(attacker)}}
    refused(env, forged(env, evil, key=attacker))
    # With Ordo's key the same headers change nothing: they are never used.
    assert me(env["srv"].url, headers=bearer(forged(env, evil))).status_code == 200


def test_oversized_refused(env):
    refused(env, forged(env, claim_changes={"pad": "x" * 9000}))


def test_outdated_generation_refused(env):
    refused(env, forged(env, claim_changes={"gen": env["claims"]["gen"] + 1}))
    refused(env, forged(env, claim_changes={"gen": 0}))


def test_missing_claims_refused(env):
    for name in ["sub", "exp", "gen", "scope"]:
        claims = dict(env["claims"])
        del claims[name]
        refused(env, hs256_token(env["key"], env["header"], claims))


def test_token_for_unknown_access_refused(env):
    refused(env, forged(env, claim_changes={"sub": "ordo_ak_AAAAAAAAAAAAAAAAAAAA"}))


def test_garbage_refused(env):
    for token in ["", "abc", "a.b.c", "....", "eyJ.eyJ.sig", "é.é.é"]:
        r = requests.get(env["srv"].url + "/api/v1/me",
                         headers={"Authorization": "Bearer " + token})
        assert r.status_code == 401, token


def test_token_in_query_string_ignored(env):
    r = requests.get(env["srv"].url + "/api/v1/me", params={"access_token": env["token"]})
    assert r.status_code == 401 and r.json()["type"] != "/problems/invalid-token"


def test_jwt_endpoint_bad_credentials(env):
    u = env["srv"].url + "/api/auth/jwt"
    a = env["access"]
    r1 = requests.post(u, auth=(a["accessKey"], "ordo_sk_" + "A" * 49))
    r2 = requests.post(u, json={"accessKey": "ordo_ak_BBBBBBBBBBBBBBBBBBBB",
                                "secretKey": a["secretKey"]})
    r3 = requests.post(u)
    for r in (r1, r2, r3):
        assert r.status_code == 401
        assert r.headers["Content-Type"] == "application/problem+json"
    assert r1.json()["type"] == r2.json()["type"] == "/problems/invalid-credentials"
    assert r1.json()["detail"] == r2.json()["detail"]


def test_oauth_client_credentials(env):
    u = env["srv"].url + "/api/auth/token"
    a = env["access"]
    r = requests.post(u, data={"grant_type": "client_credentials"},
                      auth=(a["accessKey"], a["secretKey"]))
    assert r.status_code == 200 and r.headers["Cache-Control"] == "no-store"
    body = r.json()
    assert body["token_type"] == "Bearer" and body["expires_in"] == 900
    assert body["scope"] == "processes:read processes:run"
    assert me(env["srv"].url, headers=bearer(body["access_token"])).status_code == 200
    r = requests.post(u, data={"grant_type": "client_credentials", "scope": "processes:read",
                               "client_id": a["accessKey"], "client_secret": a["secretKey"]})
    assert r.status_code == 200 and r.json()["scope"] == "processes:read"


def test_oauth_errors(env):
    u = env["srv"].url + "/api/auth/token"
    a = env["access"]
    good = (a["accessKey"], a["secretKey"])
    r = requests.post(u, data={"grant_type": "password"}, auth=good)
    assert r.status_code == 400 and r.json()["error"] == "unsupported_grant_type"
    r = requests.post(u, data={"grant_type": "client_credentials", "scope": "admin"}, auth=good)
    assert r.status_code == 400 and r.json()["error"] == "invalid_scope"
    r = requests.post(u, data={"grant_type": "client_credentials", "scope": "nope"}, auth=good)
    assert r.status_code == 400 and r.json()["error"] == "invalid_scope"
    r = requests.post(u, data={"grant_type": "client_credentials"},
                      auth=(a["accessKey"], "ordo_sk_" + "A" * 49))
    assert r.status_code == 401 and r.json()["error"] == "invalid_client"
    assert r.headers["WWW-Authenticate"].startswith("Basic")
    r = requests.post(u, data={"grant_type": "client_credentials"})
    assert r.status_code == 401 and r.json()["error"] == "invalid_client"
    r = requests.post(u, json={"grant_type": "client_credentials"}, auth=good)
    assert r.status_code == 400 and r.json()["error"] == "invalid_request"
    r = requests.post(u, data={}, auth=good)
    assert r.status_code == 400 and r.json()["error"] == "invalid_request"


def test_jwks_empty_for_hs256(env):
    r = requests.get(env["srv"].url + "/.well-known/jwks.json")
    assert r.status_code == 200 and r.json() == {"keys": []}


def test_eddsa_tokens_verify_with_jwks(fresh_server):
    srv = fresh_server(["--jwt-alg", "EdDSA"])
    admin = srv.login()
    a = create_access(admin, srv.url, "ed", "reader")
    token = token_for(srv.url, a)
    header, _ = decode_unverified(token)
    assert header["alg"] == "EdDSA"
    keys = requests.get(srv.url + "/.well-known/jwks.json").json()["keys"]
    assert len(keys) == 1 and keys[0]["kty"] == "OKP" and keys[0]["crv"] == "Ed25519"
    assert keys[0]["kid"] == header["kid"]
    public = jwt.PyJWK(keys[0]).key
    claims = jwt.decode(token, public, algorithms=["EdDSA"], audience="ordo-api", issuer="ordo")
    assert claims["sub"] == a["accessKey"]
    assert me(srv.url, headers=bearer(token)).status_code == 200


def test_switching_algorithm_keeps_old_tokens(fresh_server, tmp_path):
    srv = fresh_server()
    admin = srv.login()
    a = create_access(admin, srv.url, "switch", "reader")
    token = token_for(srv.url, a)
    assert srv.stop() == 0
    srv.extra_args += ["--jwt-alg", "EdDSA"]  # keep --db when the suite runs on PostgreSQL
    srv.start()
    from test_accesses import wait_ready
    wait_ready(srv)
    assert me(srv.url, headers=bearer(token)).status_code == 200
    new = token_for(srv.url, a)
    assert decode_unverified(new)[0]["alg"] == "EdDSA"
