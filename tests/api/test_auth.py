"""Authentication over real HTTP: every ACCESS-* error code, the GET query forms a signature may cover,
read-only keys, the admin bearer token and RSA keys."""

from __future__ import annotations

import json
import time
from typing import Any

import httpx
import pytest
from uta_helpers import READ_POSTS, WRITE_ENDPOINTS, envelope, failure, order, raw, state

from support import ADMIN_TOKEN, Server
from utaex.client import BitgetError
from utaex.wire.signing import generate_rsa_keypair, prehash, sign_hmac, sign_rsa

ASSETS = "/api/v3/account/assets"
PLACE = "/api/v3/trade/place-order"
FUNDS = {"USDT": "100000", "BTC": "10"}
BUY = {"category": "SPOT", "symbol": "BTCUSDT", "side": "buy", "orderType": "limit", "qty": "0.001",
       "price": "20000"}


def now_ms() -> int:
    return time.time_ns() // 1_000_000


def headers(creds: dict[str, str], method: str, path: str, query: str = "", body: bytes = b"",
            ts: int | None = None, sign_query: str | None = None) -> dict[str, str]:
    """ACCESS-* headers; the signature covers ``sign_query`` when given (else the query as sent)."""
    stamp = str(now_ms() if ts is None else ts)
    message = prehash(stamp, method, path, query if sign_query is None else sign_query, body)
    return {"ACCESS-KEY": creds["apiKey"], "ACCESS-SIGN": sign_hmac(creds["secretKey"], message),
            "ACCESS-TIMESTAMP": stamp, "ACCESS-PASSPHRASE": creds["passphrase"],
            "Content-Type": "application/json"}


def send(srv: Server, method: str, path: str, hdrs: dict[str, Any], query: str = "",
         body: bytes = b"") -> httpx.Response:
    with httpx.Client(base_url=srv.base_url, timeout=10) as http:
        return http.request(method, path + ("?" + query if query else ""), headers=hdrs, content=body or None)


@pytest.fixture(scope="module")
def user(server: Server) -> dict[str, str]:
    return server.new_user(FUNDS)


def ok(resp: httpx.Response) -> Any:
    env = envelope(resp)
    assert (resp.status_code, env["code"], env["msg"]) == (200, "00000", "success"), env
    return env["data"]


# ---- the error codes, one by one ----------------------------------------------------------------------
def _drop(name: str) -> Any:
    return lambda h, c: {k: v for k, v in h.items() if k != name}


def _blank(name: str) -> Any:
    return lambda h, c: {**h, name: ""}


def _set(name: str, value: Any) -> Any:
    return lambda h, c: {**h, name: value}


def _stamp(offset_ms: int) -> Any:
    def make(h: dict[str, str], creds: dict[str, str]) -> dict[str, str]:
        return headers(creds, "GET", ASSETS, ts=now_ms() + offset_ms)
    return make


CASES = {
    "no-key": (_drop("ACCESS-KEY"), "40001"),
    "blank-key": (_blank("ACCESS-KEY"), "40001"),
    "no-sign": (_drop("ACCESS-SIGN"), "40003"),
    "blank-sign": (_blank("ACCESS-SIGN"), "40003"),
    "no-timestamp": (_drop("ACCESS-TIMESTAMP"), "40004"),
    "no-passphrase": (_drop("ACCESS-PASSPHRASE"), "40011"),
    "unknown-key": (_set("ACCESS-KEY", "bg_00000000000000000000000000000000"), "40006"),
    "timestamp-letters": (_set("ACCESS-TIMESTAMP", "yesterday"), "40005"),
    "timestamp-negative": (_set("ACCESS-TIMESTAMP", "-1700000000000"), "40005"),
    "timestamp-float": (_set("ACCESS-TIMESTAMP", "1.7e12"), "40005"),
    "timestamp-too-long": (_set("ACCESS-TIMESTAMP", "1" * 17), "40005"),
    "timestamp-superscript": (_set("ACCESS-TIMESTAMP", b"\xb2"), "40005"),  # '²'.isdigit() is True
    "timestamp-31s-old": (_stamp(-31_000), "40008"),
    "timestamp-31s-ahead": (_stamp(31_000), "40008"),
    "timestamp-seconds": (_set("ACCESS-TIMESTAMP", str(int(time.time()))), "40008"),
    "wrong-passphrase": (_set("ACCESS-PASSPHRASE", "not-the-passphrase"), "40012"),
    "bad-signature": (_set("ACCESS-SIGN", "bm90IHRoZSBzaWduYXR1cmU="), "40009"),
    "not-base64": (_set("ACCESS-SIGN", "%%%"), "40009"),
    "other-secret": (lambda h, c: headers({**c, "secretKey": "0" * 64}, "GET", ASSETS), "40009"),
    "other-path": (lambda h, c: headers(c, "GET", "/api/v3/account/settings"), "40009"),
    "other-method": (lambda h, c: headers(c, "POST", ASSETS), "40009"),
    "signed-with-?": (lambda h, c: headers(c, "GET", ASSETS, sign_query="x=1"), "40009"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_auth_error_codes(server: Server, user: dict[str, str], case: str) -> None:
    change, code = CASES[case]
    resp = send(server, "GET", ASSETS, change(headers(user, "GET", ASSETS), user))
    failure(resp, 400, code)


def test_timestamp_within_30_seconds_is_accepted(server: Server, user: dict[str, str]) -> None:
    for offset in (-25_000, 0, 25_000):
        assert ok(send(server, "GET", ASSETS, headers(user, "GET", ASSETS, ts=now_ms() + offset)))["assets"]


def test_unsigned_private_request_fails_and_public_needs_no_key(server: Server) -> None:
    failure(raw(server, "GET", ASSETS), 400, "40001")
    failure(raw(server, "POST", PLACE, body=json.dumps(BUY)), 400, "40001")
    assert ok(raw(server, "GET", "/api/v3/market/tickers", query="category=SPOT&symbol=BTCUSDT"))


def test_extra_headers_are_harmless(server: Server, user: dict[str, str]) -> None:
    hdrs = {**headers(user, "GET", ASSETS), "X-CHANNEL-API-CODE": "p4sve", "locale": "zh-CN", "PAPTRADING": "1"}
    assert ok(send(server, "GET", ASSETS, hdrs))


# ---- what a signature covers ----------------------------------------------------------------------------
def test_get_signature_over_decoded_or_raw_query(server: Server) -> None:
    creds = server.new_user(FUNDS)
    with server.client(creds) as c:
        placed = order(c, "SPOT", "BTCUSDT", "buy", "0.001", "20000", clientOid="a/b:c.d_e-f")
    path = "/api/v3/trade/order-info"
    sent = "clientOid=a%2Fb%3Ac.d_e-f"
    for signed_over in ("clientOid=a/b:c.d_e-f", sent):  # as ccxt signs (decoded) and as sent (raw)
        data = ok(send(server, "GET", path, headers(creds, "GET", path, sent, sign_query=signed_over), sent))
        assert data["orderId"] == placed["orderId"] and data["clientOid"] == "a/b:c.d_e-f"
    failure(send(server, "GET", path, headers(creds, "GET", path, sent, sign_query="clientOid=a%2fb%3ac.d_e-f"),
                 sent), 400, "40009")
    # several parameters: the signature covers them in the order sent (ccxt sorts them, then sends them so)
    query = "symbol=BTCUSDT&category=SPOT"
    assert ok(send(server, "GET", "/api/v3/trade/unfilled-orders",
                   headers(creds, "GET", "/api/v3/trade/unfilled-orders", query), query))["list"]
    failure(send(server, "GET", "/api/v3/trade/unfilled-orders",
                 headers(creds, "GET", "/api/v3/trade/unfilled-orders", query, sign_query="category=SPOT"), query),
            400, "40009")


def test_post_signature_covers_the_raw_body_bytes(server: Server) -> None:
    creds = server.new_user(FUNDS)
    pretty = json.dumps(BUY, indent=2).encode()
    placed = ok(send(server, "POST", PLACE, headers(creds, "POST", PLACE, body=pretty), body=pretty))
    assert set(placed) == {"orderId", "clientOid"}
    compact = json.dumps(BUY, separators=(",", ":")).encode()
    failure(send(server, "POST", PLACE, headers(creds, "POST", PLACE, body=pretty), body=compact), 400, "40009")
    cancel = json.dumps({"orderId": placed["orderId"]}).encode()
    failure(send(server, "POST", "/api/v3/trade/cancel-order",
                 headers(creds, "POST", "/api/v3/trade/cancel-order", query="x=1", body=cancel), body=cancel),
            400, "40009")
    with server.client(creds) as c:
        assert [o["orderId"] for o in c.get("/api/v3/trade/unfilled-orders", category="SPOT")["list"]] == [
            placed["orderId"]]


# ---- read-only keys ------------------------------------------------------------------------------------
WRITE_BODIES: dict[str, Any] = {
    "/api/v3/trade/place-order": BUY,
    "/api/v3/trade/place-batch": [BUY],
    "/api/v3/trade/cancel-order": {"orderId": "{oid}"},
    "/api/v3/trade/cancel-batch": [{"category": "SPOT", "symbol": "BTCUSDT", "orderId": "{oid}"}],
    "/api/v3/trade/cancel-symbol-order": {"category": "SPOT", "symbol": "BTCUSDT"},
    "/api/v3/trade/countdown-cancel-all": {"countdown": "5"},
    "/api/v3/trade/modify-order": {"orderId": "{oid}", "price": "21000"},
    "/api/v3/trade/batch-modify-order": [{"orderId": "{oid}", "price": "21000"}],
    "/api/v3/account/set-leverage": {"category": "USDT-FUTURES", "symbol": "BTCUSDT", "leverage": "20"},
    "/api/v3/account/set-hold-mode": {"holdMode": "hedge_mode"},
    "/api/v3/trade/close-positions": {"category": "USDT-FUTURES"},
    "/api/v3/trade/place-strategy-order": {"category": "USDT-FUTURES", "symbol": "BTCUSDT", "tpslMode": "full",
                                           "stopLoss": "19000"},
    "/api/v3/trade/modify-strategy-order": {"orderId": "{oid}", "stopLoss": "18000"},
    "/api/v3/trade/cancel-strategy-order": {"orderId": "{oid}"},
}


def test_every_write_endpoint_is_listed(server: Server) -> None:
    paths = httpx.get(server.base_url + "/openapi.json").json()["paths"]
    posts = {p for p, ops in paths.items() if "post" in ops and p.startswith("/api/")}
    assert posts - set(READ_POSTS) == set(WRITE_ENDPOINTS) == set(WRITE_BODIES)


@pytest.mark.parametrize("how", ["extra-key", "read-only-user"])
def test_read_only_key_reads_but_cannot_write(server: Server, how: str) -> None:
    trader = server.new_user(FUNDS)
    if how == "extra-key":
        reader = server.admin("POST", f"/admin/v1/users/{trader['uid']}/api-keys", {"readOnly": True})
    else:
        reader = trader = server.new_user(FUNDS, read_only=True)
    assert reader["permissions"] == ["uta_read"] and reader["uid"] == trader["uid"]
    with server.client(reader) as r:
        live = None
        if how == "extra-key":
            with server.client(trader) as t:
                live = order(t, "SPOT", "BTCUSDT", "buy", "0.001", "20000")
                order(t, "USDT-FUTURES", "BTCUSDT", "buy", "0.01", "20000")
        before = state(r)
        for path in WRITE_ENDPOINTS:
            body = json.dumps(WRITE_BODIES[path]).replace("{oid}", live["orderId"] if live else "1").encode()
            failure(raw(server, "POST", path, creds=reader, body=body), 400, "40014")
            failure(raw(server, "POST", path, creds=reader, body=b"{broken"), 400, "40014")
        assert state(r) == before
        # the reads all work with the read-only key
        assert r.get("/api/v3/account/assets")["assets"]
        assert r.get("/api/v3/account/settings")["uid"] == trader["uid"]
        assert r.get("/api/v3/account/fee-rate", category="SPOT", symbol="BTCUSDT")["makerFeeRate"] == "0.001"
        r.get("/api/v3/trade/history-orders", category="SPOT")
        r.get("/api/v3/trade/fills")
        r.get("/api/v3/position/current-position", category="USDT-FUTURES")
        if live is not None:
            assert r.get("/api/v3/trade/order-info", orderId=live["orderId"])["orderStatus"] == "live"
            assert len(r.get("/api/v3/trade/unfilled-orders", category="SPOT")["list"]) == 1
        else:
            with pytest.raises(BitgetError, match="40014"):
                r.post(PLACE, BUY)


# ---- admin API -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("auth", [None, "Bearer wrong-token", f"Basic {ADMIN_TOKEN}", ADMIN_TOKEN,
                                  f"Bearer {ADMIN_TOKEN}x"])
def test_admin_api_needs_the_bearer_token(server: Server, auth: str | None) -> None:
    creds = server.new_user({"USDT": "5"})
    hdrs = {"Authorization": auth} if auth is not None else {}
    with httpx.Client(base_url=server.base_url, timeout=10, headers=hdrs) as http:
        for path, body in (("/admin/v1/users", {"balances": {"USDT": "1"}}),
                           (f"/admin/v1/users/{creds['uid']}/deposits", {"coin": "USDT", "amount": "1000"}),
                           (f"/admin/v1/users/{creds['uid']}/api-keys", {})):
            resp = http.post(path, json=body)
            env = envelope(resp)
            assert resp.status_code == 401 and env["code"] != "00000" and env["data"] is None, (path, env)
    with server.client(creds) as c:
        assert [a["available"] for a in c.get(ASSETS)["assets"] if a["coin"] == "USDT"] == ["5"]


def test_admin_api_with_the_token(server: Server) -> None:
    creds = server.new_user({"USDT": "5"})
    for uid in ("%C2%B2", "abc", "9" * 40, "1"):  # '²'.isdigit() is True but int('²') raises
        resp = server.admin_http.post(f"/admin/v1/users/{uid}/deposits", json={"coin": "USDT", "amount": "1"})
        assert (resp.status_code, resp.json()["code"]) == (400, "25005"), uid
    assert server.admin("POST", f"/admin/v1/users/{creds['uid']}/deposits", {"coin": "USDT", "amount": "1.5"}) == (
        "success")
    with server.client(creds) as c:
        assert [a["available"] for a in c.get(ASSETS)["assets"] if a["coin"] == "USDT"] == ["6.5"]


# ---- RSA keys ------------------------------------------------------------------------------------------
def test_rsa_key_signs_requests(server: Server) -> None:
    owner = server.new_user(FUNDS)
    private_pem, public_pem = generate_rsa_keypair()
    key = server.admin("POST", f"/admin/v1/users/{owner['uid']}/api-keys", {"rsaPublicKey": public_pem})
    assert key["uid"] == owner["uid"] and key["apiKey"] != owner["apiKey"]

    def rsa_headers(method: str, path: str, query: str = "", body: bytes = b"",
                    pem: str = private_pem) -> dict[str, str]:
        stamp = str(now_ms())
        return {"ACCESS-KEY": key["apiKey"], "ACCESS-SIGN": sign_rsa(pem, prehash(stamp, method, path, query, body)),
                "ACCESS-TIMESTAMP": stamp, "ACCESS-PASSPHRASE": key["passphrase"],
                "Content-Type": "application/json"}

    assert ok(send(server, "GET", ASSETS, rsa_headers("GET", ASSETS)))["assets"]
    body = json.dumps(BUY).encode()
    placed = ok(send(server, "POST", PLACE, rsa_headers("POST", PLACE, body=body), body=body))
    query = f"orderId={placed['orderId']}"
    info = ok(send(server, "GET", "/api/v3/trade/order-info", rsa_headers("GET", "/api/v3/trade/order-info", query),
                   query))
    assert info["orderStatus"] == "live"
    with server.client(owner) as c:  # the same account as the HMAC key's
        assert c.get("/api/v3/trade/order-info", orderId=placed["orderId"])["orderId"] == placed["orderId"]

    other_private, _ = generate_rsa_keypair()
    failure(send(server, "GET", ASSETS, rsa_headers("GET", ASSETS, pem=other_private)), 400, "40009")
    failure(send(server, "POST", PLACE, rsa_headers("POST", PLACE, body=b"{}"), body=body), 400, "40009")
    # an RSA key verifies RSA signatures only, not an HMAC made with the secret the admin API returned
    failure(send(server, "GET", ASSETS, headers(key, "GET", ASSETS)), 400, "40009")
    bare = "".join(public_pem.strip().splitlines()[1:-1])  # the base64 body alone, as users paste it
    key2 = server.admin("POST", f"/admin/v1/users/{owner['uid']}/api-keys", {"rsaPublicKey": bare})
    stamp = str(now_ms())
    hdrs = {"ACCESS-KEY": key2["apiKey"], "ACCESS-SIGN": sign_rsa(private_pem, prehash(stamp, "GET", ASSETS, "", b"")),
            "ACCESS-TIMESTAMP": stamp, "ACCESS-PASSPHRASE": key2["passphrase"]}
    assert ok(send(server, "GET", ASSETS, hdrs))["assets"]
