"""Injected faults on the real server (POST/GET/DELETE /admin/v1/faults) and the venue reset
(POST /admin/v1/reset), over real HTTP with signed requests and ccxt."""

from __future__ import annotations

import signal
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import ccxt
import httpx
import pytest

from support import Server, free_port, start_server
from utaex.client import BitgetError, Client

SPOT = {"category": "SPOT", "symbol": "BTCUSDT"}


@pytest.fixture(scope="module")
def srv(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    server = start_server(tmp_path_factory.mktemp("faults"), "--no-rate-limit")
    yield server
    server.stop()


@pytest.fixture
def user(srv: Server) -> Iterator[dict[str, str]]:
    srv.admin("DELETE", "/admin/v1/faults")
    yield srv.new_user({"USDT": "100000", "BTC": "10"})
    srv.admin("DELETE", "/admin/v1/faults")


def fault(srv: Server, **spec: Any) -> str:
    return str(srv.admin("POST", "/admin/v1/faults", spec)["id"])


def limit_buy(price: str, client_oid: str | None = None) -> dict[str, str]:
    body = {**SPOT, "side": "buy", "orderType": "limit", "qty": "0.001", "price": price}
    if client_oid:
        body["clientOid"] = client_oid
    return body


def open_oids(c: Client) -> list[str]:
    return [o["clientOid"] for o in c.get("/api/v3/trade/unfilled-orders", category="SPOT")["list"]]


def test_429_fault_answers_bitgets_rate_limit_and_applies_nothing(srv: Server, user: dict[str, str]) -> None:
    fid = fault(srv, path="/api/v3/trade/place-order", effect="429", count=2, uid=user["uid"])
    with srv.client(user) as c:
        for i in range(2):
            with pytest.raises(BitgetError) as err:
                c.post("/api/v3/trade/place-order", limit_buy("20000", f"r429-{i}"))
            assert (err.value.status, err.value.code, err.value.msg) == (429, "429", "Too Many Requests")
        assert open_oids(c) == []  # nothing applied
        listed = srv.admin("GET", "/admin/v1/faults")["list"]
        assert listed == [], listed  # used up after two hits, and gone
        c.post("/api/v3/trade/place-order", limit_buy("20000", "r429-ok"))
        assert open_oids(c) == ["r429-ok"]
    assert fid


def test_fault_for_one_uid_leaves_the_others_alone(srv: Server, user: dict[str, str]) -> None:
    other = srv.new_user({"USDT": "1000"})
    fault(srv, path="/api/v3/trade/place-order", effect="error", status=503, code="40010", msg="system busy",
          uid=user["uid"])
    with srv.client(user) as c, srv.client(other) as o:
        with pytest.raises(BitgetError) as err:
            c.post("/api/v3/trade/place-order", limit_buy("20000", "mine"))
        assert (err.value.status, err.value.code, err.value.msg) == (503, "40010", "system busy")
        o.post("/api/v3/trade/place-order", limit_buy("20000", "theirs"))
        assert open_oids(c) == [] and open_oids(o) == ["theirs"]
    audit = srv.admin("GET", "/admin/v1/audit")
    assert [f["effect"] for f in audit["faults"]] == ["error"] and audit["problems"] == []


def test_latency_fault_delays_the_reply(srv: Server, user: dict[str, str]) -> None:
    with srv.client(user) as c:
        started = time.perf_counter()
        c.get("/api/v3/account/assets")
        plain = time.perf_counter() - started
        fault(srv, path="/api/v3/account/assets", effect="latency", ms=400, count=1)
        started = time.perf_counter()
        c.get("/api/v3/account/assets")
        delayed = time.perf_counter() - started
    assert delayed >= 0.4 > plain


def test_lost_reply_applies_the_order_and_a_retry_with_the_same_client_oid_makes_no_duplicate(
        srv: Server, user: dict[str, str]) -> None:
    fault(srv, path="/api/v3/trade/place-order", effect="lost_reply", count=1, uid=user["uid"])
    with srv.client(user) as c:
        with pytest.raises(httpx.TransportError):
            c.post("/api/v3/trade/place-order", limit_buy("20000", "lost-1"))
        # the client retries with the same clientOid, as it must after a lost reply
        with pytest.raises(BitgetError) as err:
            c.post("/api/v3/trade/place-order", limit_buy("20000", "lost-1"))
        assert err.value.code == "25212"  # duplicate clientOid: the first attempt is there
        assert open_oids(c) == ["lost-1"]  # exactly one order
        info = c.get("/api/v3/trade/order-info", clientOid="lost-1")
        assert info["orderStatus"] == "live"


def test_item_error_fails_chosen_items_and_runs_the_rest(srv: Server, user: dict[str, str]) -> None:
    with srv.client(user) as c:
        placed = c.post("/api/v3/trade/place-batch", [limit_buy(str(20000 + i), f"ie-{i}") for i in range(4)])
        fault(srv, path="/api/v3/trade/cancel-batch", effect="item_error", items=[1, 3], code="25204",
              msg="Order does not exist", count=1)
        out = c.post("/api/v3/trade/cancel-batch", [{**SPOT, "orderId": p["orderId"]} for p in placed])
        assert [o.get("code") for o in out] == [None, "25204", None, "25204"]
        assert [o["orderId"] for o in out] == [p["orderId"] for p in placed]
        assert sorted(open_oids(c)) == ["ie-1", "ie-3"]  # the failed items were not cancelled


def test_probability_fault_is_seeded_and_reproducible(tmp_path: Path) -> None:
    outcomes = []
    for run in range(2):
        server = Server(tmp_path / f"data{run}", free_port(), ("--no-rate-limit", "--seed", "7")).start()
        try:
            creds = server.new_user({"USDT": "1000"})
            server.admin("POST", "/admin/v1/faults", {"path": "/api/v3/account/assets", "effect": "429",
                                                      "probability": 0.5})
            seen = []
            with server.client(creds) as c:
                for _ in range(30):
                    try:
                        c.get("/api/v3/account/assets")
                        seen.append(0)
                    except BitgetError as err:
                        assert err.status == 429
                        seen.append(1)
            outcomes.append(seen)
        finally:
            server.stop()
    assert outcomes[0] == outcomes[1] and 0 < sum(outcomes[0]) < 30


def test_ccxt_retries_a_429_storm_and_places_once(srv: Server, user: dict[str, str]) -> None:
    fault(srv, path="/api/v3/trade/place-order", effect="429", count=3, uid=user["uid"])
    ex = ccxt.bitget({"apiKey": user["apiKey"], "secret": user["secretKey"], "password": user["passphrase"],
                      "options": {"uta": True, "maxRetriesOnFailure": 5, "maxRetriesOnFailureDelay": 10}})
    for key, value in list(ex.urls["api"].items()):
        if isinstance(value, str):
            ex.urls["api"][key] = srv.base_url
    ex.load_markets()
    order = ex.create_order("BTC/USDT", "limit", "buy", 0.001, 20000, {"clientOid": "ccxt-storm"})
    assert order["id"]
    with srv.client(user) as c:
        assert open_oids(c) == ["ccxt-storm"]
    assert srv.admin("GET", "/admin/v1/faults")["list"] == []  # all three 429s were spent on ccxt's retries


def test_fault_admin_api_validates_lists_and_deletes(srv: Server, user: dict[str, str]) -> None:
    bad = [{"path": "/api/v3/trade/place-order", "effect": "explode"},
           {"path": "place-order", "effect": "429"},
           {"path": "/api/v3/trade/place-order", "effect": "ws_drop"},
           {"path": "/api/v3/trade/place-order", "effect": "item_error", "items": [0], "code": "1"},
           {"path": "/api/v3/trade/place-order", "effect": "429", "probability": 2},
           {"path": "/api/v3/trade/place-order", "effect": "latency"},
           {"path": "/api/v3/trade/place-order", "effect": "429", "bogus": 1}]
    for spec in bad:
        r = srv.admin_http.post("/admin/v1/faults", json=spec)
        assert r.status_code == 400 and r.json()["code"] == "40017", (spec, r.text)
    a = fault(srv, path="/api/v3/account/assets", effect="latency", ms=1)
    b = fault(srv, path="/api/v3/trade/place-order", effect="429")
    assert [f["id"] for f in srv.admin("GET", "/admin/v1/faults")["list"]] == [a, b]
    assert srv.admin("DELETE", f"/admin/v1/faults/{a}") == {"removed": "1"}
    r = srv.admin_http.delete(f"/admin/v1/faults/{a}")
    assert r.status_code == 400 and r.json()["code"] == "40034"
    assert [f["id"] for f in srv.admin("GET", "/admin/v1/faults")["list"]] == [b]
    assert srv.admin("DELETE", "/admin/v1/faults") == {"removed": "1"}


def test_faults_are_journaled_and_survive_kill_9(tmp_path: Path) -> None:
    data = tmp_path / "data"
    server = Server(data, free_port(), ("--no-rate-limit",)).start()
    creds = server.new_user({"USDT": "1000"})
    server.admin("POST", "/admin/v1/faults", {"path": "/api/v3/account/assets", "effect": "error",
                                              "code": "40010", "status": 500, "count": 5})
    server.stop(signal.SIGKILL)
    server = Server(data, free_port(), ("--no-rate-limit",)).start()
    try:
        listed = server.admin("GET", "/admin/v1/faults")["list"]
        assert [(f["effect"], f["remaining"]) for f in listed] == [("error", 5)]
        with server.client(creds) as c, pytest.raises(BitgetError) as err:
            c.get("/api/v3/account/assets")
        assert err.value.code == "40010"
    finally:
        server.stop()


def test_reset_returns_to_the_start_state_and_survives_restart(tmp_path: Path) -> None:
    data = tmp_path / "data"
    server = Server(data, free_port(), ("--no-rate-limit",)).start()
    alice = server.new_user({"USDT": "100000", "BTC": "5"})
    bob = server.new_user({"USDT": "100000", "BTC": "5"})
    with server.client(alice) as a, server.client(bob) as b:
        start_assets = a.get("/api/v3/account/assets")["assets"]
        a.post("/api/v3/trade/place-order", {**SPOT, "side": "sell", "orderType": "limit", "qty": "1",
                                             "price": "30000"})
        b.post("/api/v3/trade/place-order", {**SPOT, "side": "buy", "orderType": "limit", "qty": "0.5",
                                             "price": "30000"})
        a.post("/api/v3/trade/place-order", limit_buy("20000", "resting"))
        assert a.get("/api/v3/trade/fills", category="SPOT")["list"]
        assert a.get("/api/v3/account/assets")["assets"] != start_assets
    server.admin("POST", "/admin/v1/faults", {"path": "/api/v3/account/assets", "effect": "latency", "ms": 5})
    out = server.admin("POST", "/admin/v1/reset", {})
    assert out == {"removedOrders": "2", "users": "3"}  # with the demo account

    def check(srv: Server) -> None:
        with srv.client(alice) as a:
            assert a.get("/api/v3/account/assets")["assets"] == start_assets
            assert a.get("/api/v3/trade/unfilled-orders", category="SPOT")["list"] == []
            assert a.get("/api/v3/trade/fills", category="SPOT")["list"] == []
            assert a.get("/api/v3/trade/history-orders", category="SPOT")["list"] == []
            with pytest.raises(BitgetError) as err:
                a.get("/api/v3/trade/order-info", clientOid="resting")
            assert err.value.code == "25204"
            book = a.get("/api/v3/market/orderbook", category="SPOT", symbol="BTCUSDT")
            assert book["a"] == [] and book["b"] == []
            assert a.get("/api/v3/market/fills", category="SPOT", symbol="BTCUSDT") == []
        assert srv.admin("GET", "/admin/v1/faults")["list"] == []
        audit = srv.admin("GET", "/admin/v1/audit")
        assert audit["problems"] == [] and audit["fees"] == {}

    check(server)
    server.stop(signal.SIGKILL)
    server = Server(data, free_port(), ("--no-rate-limit",)).start()
    try:
        check(server)
        assert server.admin("POST", "/admin/v1/reset", {"users": False}) == {"removedOrders": "0", "users": "0"}
        with server.client(alice) as a, pytest.raises(BitgetError):
            a.get("/api/v3/account/assets")
    finally:
        server.stop()


def test_saved_state_is_restored_by_name_and_survives_kill_9(tmp_path: Path) -> None:
    data = tmp_path / "data"
    server = Server(data, free_port(), ("--no-rate-limit",)).start()
    alice = server.new_user({"USDT": "100000", "BTC": "5"})
    with server.client(alice) as a:
        a.post("/api/v3/trade/place-order", limit_buy("20000", "kept"))
        saved_assets = a.get("/api/v3/account/assets")["assets"]
    assert server.admin("POST", "/admin/v1/states", {"name": "one-bid"}) == {"name": "one-bid", "openOrders": "1"}
    assert server.admin("GET", "/admin/v1/states") == {"list": [{"name": "one-bid"}]}
    with server.client(alice) as a:
        a.post("/api/v3/trade/place-order", limit_buy("21000", "later"))
        a.post("/api/v3/trade/cancel-symbol-order", {"category": "SPOT"})
    bob = server.new_user({"USDT": "7"})
    server.stop(signal.SIGKILL)
    server = Server(data, free_port(), ("--no-rate-limit",)).start()
    try:
        assert server.admin("POST", "/admin/v1/reset", {"name": "one-bid"})["removedOrders"] == "1"
        with server.client(alice) as a:
            assert open_oids(a) == ["kept"]
            assert a.get("/api/v3/account/assets")["assets"] == saved_assets
            nxt = a.post("/api/v3/trade/place-order", limit_buy("19000", "after"))
            assert int(nxt["orderId"]) > 0
        with server.client(bob) as b, pytest.raises(BitgetError):  # bob came after the save: gone
            b.get("/api/v3/account/assets")
        book = server.admin("GET", "/admin/v1/audit")
        assert book["problems"] == [] and book["openOrders"] == "2"
        r = server.admin_http.post("/admin/v1/reset", json={"name": "nope"})
        assert r.status_code == 400 and r.json()["code"] == "40034"
        r = server.admin_http.post("/admin/v1/states", json={"name": ""})
        assert r.status_code == 400 and r.json()["code"] == "40017"
    finally:
        server.stop()
