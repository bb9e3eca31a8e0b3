"""Injected faults on the WebSocket side (``ws:<trade op>`` and ``ws:<channel>`` paths of /admin/v1/faults),
against the real server with the ``websockets`` client."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from typing import Any

import pytest
from websockets.exceptions import ConnectionClosed
from ws_support import AsyncRest, collect, login, open_ws, order_docs, recv, subscribe

from support import Server, start_server

ORDER = {"instType": "UTA", "topic": "order"}
BOOKS5 = {"instType": "spot", "topic": "books5", "symbol": "BTCUSDT"}
TICKER = {"instType": "spot", "topic": "ticker", "symbol": "BTCUSDT"}


@pytest.fixture(scope="module")
def srv(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    server = start_server(tmp_path_factory.mktemp("ws-faults"), "--no-rate-limit")
    yield server
    server.stop()


@pytest.fixture
def user(srv: Server) -> Iterator[dict[str, str]]:
    yield srv.new_user({"USDT": "100000", "BTC": "10"})
    srv.admin("DELETE", "/admin/v1/faults")


def fault(srv: Server, **spec: Any) -> str:
    return str(srv.admin("POST", "/admin/v1/faults", spec)["id"])


def buy(price: str, client_oid: str | None = None) -> dict[str, str]:
    item = {"symbol": "BTCUSDT", "side": "buy", "orderType": "limit", "qty": "0.001", "price": price}
    if client_oid:
        item["clientOid"] = client_oid
    return item


async def trade(ws: Any, topic: str, args: list[dict[str, Any]], rid: str) -> dict[str, Any]:
    await ws.send(json.dumps({"op": "trade", "id": rid, "topic": topic, "category": "spot", "args": args}))
    got = await collect(ws, lambda g: any(isinstance(m, dict) and m.get("id") == rid for m in g))
    reply: dict[str, Any] = next(m for m in got if isinstance(m, dict) and m.get("id") == rid)
    return reply


async def open_oids(srv: Server, user: dict[str, str]) -> list[str]:
    def read() -> list[str]:
        with srv.client(user) as c:
            return sorted(o["clientOid"] for o in c.get("/api/v3/trade/unfilled-orders", category="SPOT")["list"])

    return await asyncio.to_thread(read)


async def until_closed(ws: Any, timeout: float = 5.0) -> list[Any]:
    """Every message received until the server closes the connection (fails if it stays open)."""
    got: list[Any] = []
    with pytest.raises(ConnectionClosed):
        while True:
            got.append(await recv(ws, timeout))
    return got


async def private_ws(srv: Server, user: dict[str, str], *args: dict[str, str]) -> Any:
    ws = await open_ws(srv)
    await login(ws, user)
    if args:
        acks = await subscribe(ws, *args)
        assert [a["event"] for a in acks] == ["subscribe"] * len(args), acks
    return ws


def test_ws_429_and_error_faults_answer_an_error_event_and_apply_nothing(srv: Server, user: dict[str, str]) -> None:
    fault(srv, path="ws:place-order", effect="429", count=1, uid=user["uid"])
    fault(srv, path="ws:batch-place", effect="error", code="40010", msg="system busy", count=1)
    fault(srv, path="ws:cancel-order", effect="error", count=1)

    async def main() -> None:
        ws = await private_ws(srv, user)
        r = await trade(ws, "place-order", [buy("20000", "w429")], "a")
        assert (r["event"], r["id"], r["topic"], r["code"], r["msg"]) == ("error", "a", "place-order", "429",
                                                                          "Too Many Requests")
        r = await trade(ws, "batch-place", [buy("20000", "werr")], "b")
        assert (r["event"], r["code"], r["msg"]) == ("error", "40010", "system busy")
        assert await open_oids(srv, user) == []  # nothing applied
        r = await trade(ws, "place-order", [buy("20000", "wok")], "c")  # both faults used up
        assert r["event"] == "trade" and r["args"][0]["clientOid"] == "wok"
        r = await trade(ws, "cancel-order", [{"clientOid": "wok"}], "d")
        assert (r["event"], r["code"], r["msg"]) == ("error", "40015", "System is abnormal, please try again later")
        assert await open_oids(srv, user) == ["wok"]
        await ws.close()

    asyncio.run(main())
    assert srv.admin("GET", "/admin/v1/faults")["list"] == []


def test_ws_fault_for_one_uid_leaves_the_others_alone(srv: Server, user: dict[str, str]) -> None:
    other = srv.new_user({"USDT": "10000"})
    fault(srv, path="ws:place-order", effect="429", uid=user["uid"])

    async def main() -> None:
        mine, theirs = await private_ws(srv, user), await private_ws(srv, other)
        assert (await trade(mine, "place-order", [buy("20000")], "m"))["code"] == "429"
        assert (await trade(theirs, "place-order", [buy("20000", "t1")], "t"))["event"] == "trade"
        await mine.close()
        await theirs.close()

    asyncio.run(main())
    assert srv.admin("GET", "/admin/v1/faults")["list"][0]["hits"] == 1


def test_ws_latency_fault_delays_the_answer(srv: Server, user: dict[str, str]) -> None:
    fault(srv, path="ws:place-order", effect="latency", ms=250, count=1, uid=user["uid"])

    async def main() -> float:
        ws = await private_ws(srv, user)
        loop = asyncio.get_running_loop()
        started = loop.time()
        r = await trade(ws, "place-order", [buy("20000", "slow")], "l")
        took = loop.time() - started
        assert r["event"] == "trade" and r["code"] == "0"
        await ws.close()
        return took

    assert asyncio.run(main()) >= 0.25


def test_ws_item_error_fails_chosen_items_and_runs_the_rest(srv: Server, user: dict[str, str]) -> None:
    fault(srv, path="ws:batch-place", effect="item_error", items=[1, 3], code="25000", msg="boom", count=1)
    fault(srv, path="ws:batch-cancel", effect="item_error", items=[0], code="25204", msg="Order does not exist",
          count=1)

    async def main() -> None:
        ws = await private_ws(srv, user)
        r = await trade(ws, "batch-place", [buy(str(20000 + i), f"ie-{i}") for i in range(4)], "bp")
        assert r["event"] == "trade" and r["code"] == "0"
        assert [(a["clientOid"], a["code"]) for a in r["args"]] == [("ie-0", "0"), ("ie-1", "25000"),
                                                                   ("ie-2", "0"), ("ie-3", "25000")]
        assert r["args"][1] == {"symbol": "BTCUSDT", "orderId": "", "clientOid": "ie-1", "code": "25000",
                                "msg": "boom"}
        assert await open_oids(srv, user) == ["ie-0", "ie-2"]
        r = await trade(ws, "batch-cancel", [{"clientOid": "ie-0"}, {"clientOid": "ie-2"}], "bc")
        assert [(a["clientOid"], a["code"]) for a in r["args"]] == [("ie-0", "25204"), ("ie-2", "0")]
        assert await open_oids(srv, user) == ["ie-0"]  # the failed item was not cancelled
        await ws.close()

    asyncio.run(main())


def test_ws_lost_reply_applies_the_order_and_a_retry_after_reconnect_makes_no_duplicate(
        srv: Server, user: dict[str, str]) -> None:
    fault(srv, path="ws:place-order", effect="lost_reply", count=1, uid=user["uid"])

    async def main() -> None:
        ws = await private_ws(srv, user)
        await ws.send(json.dumps({"op": "trade", "id": "lost", "topic": "place-order", "category": "spot",
                                  "args": [buy("20000", "ws-lost-1")]}))
        got = await until_closed(ws)
        assert not [m for m in got if isinstance(m, dict) and m.get("id") == "lost"], got  # no answer
        assert ws.close_code == 1006  # closed under the client's feet, no close frame
        assert await open_oids(srv, user) == ["ws-lost-1"]  # but applied (and durable)
        # the client reconnects, logs in again and retries with the same clientOid
        ws = await private_ws(srv, user)
        r = await trade(ws, "place-order", [buy("20000", "ws-lost-1")], "retry")
        assert (r["event"], r["code"]) == ("error", "25212")  # duplicate clientOid: the first attempt is there
        assert await open_oids(srv, user) == ["ws-lost-1"]  # exactly one order
        await ws.close()

    asyncio.run(main())


def test_ws_drop_closes_the_matching_connections_now_and_the_client_resubscribes(
        srv: Server, user: dict[str, str]) -> None:
    other = srv.new_user({"USDT": "10000"})

    async def main() -> None:
        mine = await private_ws(srv, user, ORDER)
        plain = await private_ws(srv, user)  # same user, not subscribed to order: not matched
        theirs = await private_ws(srv, other, ORDER)
        await asyncio.to_thread(fault, srv, path="ws:order", effect="ws_drop", uid=user["uid"], count=1)
        await until_closed(mine)
        assert mine.close_code == 1006
        for ws in (plain, theirs):
            await ws.send("ping")
            assert await recv(ws) == "pong"
        # reconnect, log in, re-subscribe: pushes flow again (the fault was used up)
        again = await private_ws(srv, user, ORDER)
        rest = AsyncRest(srv, user)
        await rest.post("/api/v3/trade/place-order", {"category": "SPOT", **buy("20000", "after-drop")})
        [doc] = order_docs(await collect(again, lambda g: len(order_docs(g)) >= 1))
        assert (doc["clientOid"], doc["orderStatus"]) == ("after-drop", "live")
        await rest.aclose()
        for ws in (plain, theirs, again):
            await ws.close()

    asyncio.run(main())
    assert srv.admin("GET", "/admin/v1/faults")["list"] == []


def test_ws_drop_in_force_drops_new_subscribers_of_a_public_channel(srv: Server, user: dict[str, str]) -> None:
    async def main() -> None:
        books = await open_ws(srv, private=False)
        ticker = await open_ws(srv, private=False)
        await subscribe(books, TICKER, BOOKS5, snapshots=2)
        await subscribe(ticker, TICKER, snapshots=1)
        fid = await asyncio.to_thread(fault, srv, path="ws:books5", effect="ws_drop")
        await until_closed(books)
        await ticker.send("ping")
        assert await recv(ticker) == "pong"
        late = await open_ws(srv, private=False)
        await late.send(json.dumps({"op": "subscribe", "args": [BOOKS5]}))
        got = await until_closed(late)
        assert got[0] == {"event": "subscribe", "arg": BOOKS5}  # acknowledged, then dropped
        await asyncio.to_thread(srv.admin, "DELETE", f"/admin/v1/faults/{fid}")
        back = await open_ws(srv, private=False)
        acks = await subscribe(back, BOOKS5, snapshots=1)
        assert acks[1]["action"] == "snapshot"
        for ws in (ticker, back):
            await ws.close()

    asyncio.run(main())


def test_ws_drop_after_frames_lets_exactly_that_many_pushes_through(srv: Server, user: dict[str, str]) -> None:
    async def main() -> None:
        ws = await private_ws(srv, user, ORDER)
        await asyncio.to_thread(fault, srv, path="ws:order", effect="ws_drop", afterFrames=2, uid=user["uid"],
                                count=1)
        rest = AsyncRest(srv, user)
        for i in range(3):
            await rest.post("/api/v3/trade/place-order", {"category": "SPOT", **buy("20000", f"af-{i}")})
        got = await until_closed(ws)
        await rest.aclose()
        assert [d["clientOid"] for d in order_docs(got)] == ["af-0", "af-1"]

    asyncio.run(main())


def test_ws_delay_holds_pushes_and_never_reorders(srv: Server, user: dict[str, str]) -> None:
    async def main() -> None:
        ws = await private_ws(srv, user, ORDER)
        await asyncio.to_thread(fault, srv, path="ws:order", effect="ws_delay", ms=300, uid=user["uid"])
        rest = AsyncRest(srv, user)
        loop = asyncio.get_running_loop()
        started = loop.time()
        await rest.post("/api/v3/trade/place-batch", [{"category": "SPOT", **buy("20000", f"d-{i}")}
                                                      for i in range(3)])
        await rest.post("/api/v3/trade/place-order", {"category": "SPOT", **buy("20000", "d-3")})
        await ws.send("ping")  # its pong queues behind the held pushes
        got = await collect(ws, lambda g: "pong" in g)
        took = loop.time() - started
        await rest.aclose()
        assert got[-1] == "pong" and [d["clientOid"] for d in order_docs(got)] == ["d-0", "d-1", "d-2", "d-3"]
        assert took >= 0.3
        await ws.close()

    asyncio.run(main())


def test_ws_fault_validation(srv: Server) -> None:
    bad = [{"path": "ws:bogus", "effect": "ws_drop"},
           {"path": "ws:trade", "effect": "ws_drop"},  # the public trades channel is publicTrade
           {"path": "ws:order", "effect": "429"},
           {"path": "ws:place-order", "effect": "ws_drop"},
           {"path": "ws:place-order", "effect": "error", "status": 503},
           {"path": "ws:place-order", "effect": "item_error", "items": [0], "code": "1"},
           {"path": "ws:books", "effect": "ws_drop", "uid": "1"},
           {"path": "ws:order", "effect": "ws_delay"},
           {"path": "ws:order", "effect": "ws_delay", "ms": 5, "afterFrames": 1},
           {"path": "ws:order", "effect": "ws_drop", "ms": 5},
           {"path": "/api/v3/trade/place-order", "effect": "429", "afterFrames": 1},
           {"path": "/api/v3/trade/place-order", "effect": "lost_reply", "ms": 5}]
    for spec in bad:
        r = srv.admin_http.post("/admin/v1/faults", json=spec)
        assert r.status_code == 400 and r.json()["code"] == "40017", (spec, r.text)
    assert srv.admin("GET", "/admin/v1/faults")["list"] == []


def test_ws_channel_names_are_the_served_topics() -> None:
    from utaex.gateway.faults import WS_CHANNELS, WS_PRIVATE_CHANNELS, WS_TRADE_OPS
    from utaex.gateway.ws.hub import PRIVATE_TOPICS
    from utaex.gateway.ws.market import PUBLIC_TOPICS
    from utaex.gateway.ws.trade import REST_PATH

    assert set(WS_CHANNELS) == {*PRIVATE_TOPICS, *PUBLIC_TOPICS} and WS_PRIVATE_CHANNELS == PRIVATE_TOPICS
    assert set(REST_PATH) <= set(WS_TRADE_OPS)


def test_ws_modify_faults(srv: Server, user: dict[str, str]) -> None:
    fault(srv, path="ws:batch-modify", effect="item_error", items=[1], code="25204", msg="Order does not exist",
          count=1)
    fault(srv, path="ws:modify-order", effect="error", code="40010", msg="system busy", count=1, uid=user["uid"])

    async def main() -> None:
        ws = await private_ws(srv, user)
        r = await trade(ws, "batch-place", [buy("20000", "m-0"), buy("20001", "m-1")], "bp")
        assert [a["code"] for a in r["args"]] == ["0", "0"]
        r = await trade(ws, "batch-modify", [{"clientOid": "m-0", "price": "19990"},
                                             {"clientOid": "m-1", "price": "19991"}], "bm")
        assert [(a["clientOid"], a["code"]) for a in r["args"]] == [("m-0", "0"), ("m-1", "25204")]
        r = await trade(ws, "modify-order", [{"clientOid": "m-1", "price": "19992"}], "mo")
        assert (r["event"], r["code"], r["msg"]) == ("error", "40010", "system busy")

        def prices() -> dict[str, str]:
            with srv.client(user) as c:
                return {o["clientOid"]: o["price"]
                        for o in c.get("/api/v3/trade/unfilled-orders", category="SPOT")["list"]}

        assert await asyncio.to_thread(prices) == {"m-0": "19990", "m-1": "20001"}  # only m-0 was modified
        await ws.close()

    asyncio.run(main())
