"""Helpers for the auth black-box tests: REST accesses, Basic, tokens, and (for the JWT attack
tests) reading the server's HS256 signing key back from the store with the known master key."""

import base64
import ctypes
import json
import sqlite3

import requests

from ordo_server import postgres_url_of, psql

MASTER_KEY_HEX = "6f" * 32  # given to the server as ORDO_MASTER_KEY in the JWT attack tests


def create_access(admin, base, name, right="operator", **extra):
    body = {"name": name, "right": right}
    body.update(extra)
    r = admin.post(base + "/api/v1/accesses", json=body)
    assert r.status_code == 201, r.text
    return r.json()


def me(base, auth=None, headers=None):
    return requests.get(base + "/api/v1/me", auth=auth, headers=headers or {}, timeout=30)


def token_for(base, access, **body):
    r = requests.post(base + "/api/auth/jwt", auth=(access["accessKey"], access["secretKey"]),
                      json=body or None, timeout=30)
    assert r.status_code == 200, r.text
    return r.json()["token"]


def bearer(token):
    return {"Authorization": "Bearer " + token}


def b64url(data):
    if isinstance(data, str):
        data = data.encode()
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64url_decode(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _sodium():
    lib = ctypes.CDLL("libsodium.so.23")
    assert lib.sodium_init() >= 0
    return lib


def signing_key(data_dir):
    """(kid, raw HS256 key) of the active key, unsealed with MASTER_KEY_HEX."""
    query = "SELECT kid, alg, secret_box FROM signing_keys WHERE active = 1"
    pg_url = postgres_url_of(data_dir)  # the suite also runs on PostgreSQL (issue 7)
    if pg_url:
        kid, alg, box = psql(pg_url, query)[0]
    else:
        db = sqlite3.connect(str(data_dir / "ordo.db"))
        kid, alg, box = db.execute(query).fetchone()
        db.close()
    assert alg == "HS256"
    raw = b64url_decode(box)
    nonce, cipher = raw[:24], raw[24:]
    out = ctypes.create_string_buffer(len(cipher) - 16)
    key = bytes.fromhex(MASTER_KEY_HEX)
    lib = _sodium()
    rc = lib.crypto_secretbox_open_easy(out, cipher, ctypes.c_ulonglong(len(cipher)), nonce, key)
    assert rc == 0, "cannot unseal the signing key"
    return kid, out.raw


def hs256_token(key, header, claims):
    import hashlib
    import hmac
    signing_input = b64url(json.dumps(header, separators=(",", ":"))) + "." + \
        b64url(json.dumps(claims, separators=(",", ":")))
    sig = hmac.new(key, signing_input.encode(), hashlib.sha256).digest()
    return signing_input + "." + b64url(sig)


def decode_unverified(token):
    h, p, _ = token.split(".")
    return json.loads(b64url_decode(h)), json.loads(b64url_decode(p))
