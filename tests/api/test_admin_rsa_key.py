"""The admin API refuses, at creation, an ``rsaPublicKey`` that could never verify a signature."""

from __future__ import annotations

import time

import httpx
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from uta_helpers import envelope, failure, raw

from support import Server
from utaex.wire.signing import generate_rsa_keypair, prehash, sign_rsa


def ec_public_pem() -> str:
    key = ec.generate_private_key(ec.SECP256R1()).public_key()
    return key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def private_pem() -> str:
    return generate_rsa_keypair()[0]


GARBAGE = {
    "text": lambda: "not a key",
    "broken-pem": lambda: "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n",
    "base64-noise": lambda: "QUJDREVGR0g=" * 20,
    "ec-key": ec_public_pem,
    "private-key": private_pem,
    "truncated": lambda: generate_rsa_keypair()[1][:200],
}


def create_key(srv: Server, uid: str, body: object) -> httpx.Response:
    return srv.admin_http.post(f"/admin/v1/users/{uid}/api-keys", json=body)


@pytest.fixture(scope="module")
def uid(server: Server) -> str:
    return str(server.new_user({"USDT": "1"})["uid"])


@pytest.mark.parametrize("case", list(GARBAGE))
def test_garbage_rsa_public_key_is_refused(server: Server, uid: str, case: str) -> None:
    resp = create_key(server, uid, {"rsaPublicKey": GARBAGE[case]()})
    env = failure(resp, 400, "40017")
    assert "rsaPublicKey" in env["msg"], env


def test_a_real_key_pem_or_bare_body_is_accepted_and_authenticates(server: Server, uid: str) -> None:
    private, public = generate_rsa_keypair()
    bare = "".join(line for line in public.splitlines() if "-----" not in line)
    for given in (public, bare):
        resp = create_key(server, uid, {"rsaPublicKey": given})
        env = envelope(resp)
        assert (resp.status_code, env["code"]) == (200, "00000"), env
        key = env["data"]
        stamp = str(time.time_ns() // 1_000_000)
        path = "/api/v3/account/assets"
        sig = sign_rsa(private, prehash(stamp, "GET", path, "", b""))
        ok = raw(server, "GET", path, headers={"ACCESS-KEY": key["apiKey"], "ACCESS-SIGN": sig,
                                               "ACCESS-TIMESTAMP": stamp, "ACCESS-PASSPHRASE": key["passphrase"]})
        assert envelope(ok)["code"] == "00000"
