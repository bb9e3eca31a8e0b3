"""The WebSocket ``modify-order`` and ``batch-modify`` trade topics against the real server: the pages'
request shapes (message-level category, ``clientId``), answers as REST's plus WS codes, the order push of a
modify (and of the fill of a crossing one), errors as ``error`` events, and the shared rate limit."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from ws_support import collect, login, open_ws, order_docs, place, subscribe

from support import Server, start_server
from utaex.client import BitgetError

OK = {"code": "0", "msg": "Success"}


@pytest.fixture(scope="module")
def venue(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    srv = start_server(Path(tmp_path_factory.mktemp("ws-modify")), "--no-rate-limit")
    yield srv
    srv.stop()


async def trade(ws: Any, topic: str, args: list[dict[str, Any]], category: str | None = None,
                rid: str = "r1") -> dict[str, Any]:
    msg: dict[str, Any] = {"op": "trade", "id": rid, "topic": topic, "args": args}
    if category is not None:
        msg["category"] = category
    await ws.send(json.dumps(msg))
    got = await collect(ws, lambda g: any(isinstance(m, dict) and m.get("id") == rid for m in g))
    reply: dict[str, Any] = next(m for m in got if isinstance(m, dict) and m.get("id") == rid)
    return reply


def test_modify_order_answers_and_pushes(venue: Server) -> None:
    maker, creds = venue.new_user(), venue.new_user()
    with venue.client(creds) as c, venue.client(maker) as mk:
        a = place(c, "USDT-FUTURES", "ETHUSDT", "buy", "0.5", "2000", clientOid="ws-mod-a")
        ask = place(mk, "USDT-FUTURES", "ETHUSDT", "sell", "0.2", "2100")

        async def main() -> None:
            async with open_ws(venue) as ws:
                await login(ws, creds)
                await subscribe(ws, {"instType": "UTA", "topic": "order"})
                # the page's request: category at message level, symbol and autoCancel per item
                reply = await trade(ws, "modify-order", [{"orderId": a["orderId"], "price": "1990", "qty": "0.6",
                                                          "autoCancel": "no", "symbol": "ETHUSDT"}],
                                    category="usdt-futures", rid="m1")
                assert (reply["event"], reply["id"], reply["topic"], reply["category"]) == (
                    "trade", "m1", "modify-order", "usdt-futures")
                assert reply["code"] == "0" and reply["msg"] == "Success" and isinstance(reply["ts"], str)
                assert reply["args"] == [a]
                got = await collect(ws, lambda g: len(order_docs(g)) >= 1)
                [doc] = order_docs(got)
                assert (doc["orderId"], doc["price"], doc["qty"], doc["orderStatus"]) == (
                    a["orderId"], "1990", "0.6", "live")

                # by clientId (the pages' example spelling), crossing the ask: a fill and an order push
                reply = await trade(ws, "modify-order", [{"clientId": "ws-mod-a", "price": "2100"}], rid="m2")
                assert reply["code"] == "0" and reply["args"] == [a]
                got = await collect(ws, lambda g: any(d["cumExecQty"] == "0.2" for d in order_docs(g)))
                doc = next(d for d in order_docs(got) if d["orderId"] == a["orderId"])
                assert (doc["orderStatus"], doc["price"], doc["cumExecQty"]) == ("partially_filled", "2100", "0.2")

                # failures are error events with Bitget's code; nothing changes
                same = await trade(ws, "modify-order", [{"orderId": a["orderId"], "price": "2100"}], rid="m3")
                assert (same["event"], same["code"], same["id"]) == ("error", "25571", "m3")
                below = await trade(ws, "modify-order", [{"orderId": a["orderId"], "qty": "0.2"}], rid="m4")
                assert below["event"] == "error" and below["code"] == "25568"
                gone = await trade(ws, "modify-order", [{"orderId": ask["orderId"], "price": "1"}], rid="m5")
                assert gone["event"] == "error" and gone["code"] == "25204"
                two = await trade(ws, "modify-order", [{"orderId": "1", "price": "1"}] * 2, rid="m6")
                assert two["event"] == "error" and two["code"] == "40017"
                bad = await trade(ws, "modify-order", [{"orderId": a["orderId"], "price": {"v": "1"}}],
                                  rid="m7")
                assert bad["event"] == "error" and bad["code"] == "40017"

        asyncio.run(main())
        assert mk.get("/api/v3/trade/order-info", orderId=ask["orderId"])["orderStatus"] == "filled"
        info = c.get("/api/v3/trade/order-info", orderId=a["orderId"])
        assert (info["price"], info["qty"], info["cumExecQty"]) == ("2100", "0.6", "0.2")


def test_batch_modify_answers_each_item(venue: Server) -> None:
    creds, other = venue.new_user(), venue.new_user()
    with venue.client(creds) as c, venue.client(other) as o:
        a = place(c, "SPOT", "ETHUSDT", "buy", "0.01", "150")
        b = place(c, "SPOT", "ETHUSDT", "buy", "0.01", "151", clientOid="ws-bm-b")
        theirs = place(o, "SPOT", "ETHUSDT", "buy", "0.01", "152")
        rest = c.post("/api/v3/trade/batch-modify-order", [{"orderId": a["orderId"], "price": "149"},
                                                           {"orderId": theirs["orderId"], "price": "149"}])
        assert rest[0] == a and rest[1]["code"] == "25204"

        async def main() -> dict[str, Any]:
            async with open_ws(venue) as ws:
                await login(ws, creds)
                return await trade(ws, "batch-modify", [
                    {"autoCancel": "yes", "orderId": a["orderId"], "price": "148", "qty": "0.02"},
                    {"autoCancel": "yes", "clientId": "ws-bm-b", "price": "147", "qty": "0.01"},
                    {"orderId": theirs["orderId"], "price": "148"},
                    {"orderId": a["orderId"], "price": "146"},  # a again in this batch
                    {"orderId": b["orderId"], "price": "147", "autoCancel": "yes"},  # b again
                ], rid="bm")

        reply = asyncio.run(main())
        assert (reply["event"], reply["topic"], reply["code"]) == ("trade", "batch-modify", "0")
        args = reply["args"]
        assert args[:2] == [{**OK, **a}, {**OK, **b}]
        assert args[2] == {"orderId": theirs["orderId"], "clientOid": "", "code": "25204",
                           "msg": "Order does not exist"}
        assert args[3]["code"] == "40017" and args[4]["code"] == "40017" and len(args) == 5
        assert c.get("/api/v3/trade/order-info", orderId=a["orderId"])["price"] == "148"
        assert c.get("/api/v3/trade/order-info", orderId=b["orderId"])["orderStatus"] == "live"
        assert o.get("/api/v3/trade/order-info", orderId=theirs["orderId"])["price"] == "152"


def test_batch_modify_refused_as_a_whole(venue: Server) -> None:
    creds = venue.new_user()

    async def main() -> None:
        async with open_ws(venue) as ws:
            await login(ws, creds)
            for rid, args in (("e1", []), ("e2", [{"orderId": "1", "price": "1"}] * 21),
                              ("e3", [{"orderId": "1", "price": "1", "autoCancel": "perhaps"}])):
                reply = await trade(ws, "batch-modify", args, rid=rid)
                assert reply["event"] == "error" and reply["code"] == "40017" and reply["id"] == rid

    asyncio.run(main())


def test_modify_shares_the_rest_rate_limit(limited_server: Server) -> None:
    creds = limited_server.new_user()
    with limited_server.client(creds) as c:

        async def main() -> None:
            async with open_ws(limited_server) as ws:
                await login(ws, creds)
                for _ in range(10):  # modify-order: 10 requests/s per UID, REST and WS together
                    with pytest.raises(BitgetError, match="25204"):  # a refused request counts too
                        c.post("/api/v3/trade/modify-order", {"orderId": "1", "price": "1"})
                reply = await trade(ws, "modify-order", [{"orderId": "1", "price": "1"}], rid="limited")
                assert reply["event"] == "error" and reply["code"] == "429", reply
                other = await trade(ws, "batch-modify", [{"orderId": "1", "price": "1"}], rid="batch")
                assert other["code"] == "0" and other["args"][0]["code"] == "25204"  # its own budget

        asyncio.run(main())
