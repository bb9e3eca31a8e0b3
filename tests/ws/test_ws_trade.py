"""Trading over the private WebSocket (``op: "trade"``): same logic, results and limits as REST."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from ws_support import collect, login, open_ws, order_docs, place, place_many, recv, subscribe

from support import Server

OK = {"code": "0", "msg": "Success"}


async def trade(ws: Any, topic: str, args: list[dict[str, Any]], category: str | None = None,
                rid: str = "r1") -> dict[str, Any]:
    msg: dict[str, Any] = {"op": "trade", "id": rid, "topic": topic, "args": args}
    if category is not None:
        msg["category"] = category
    await ws.send(json.dumps(msg))
    got = await collect(ws, lambda g: any(isinstance(m, dict) and m.get("id") == rid for m in g))
    reply: dict[str, Any] = next(m for m in got if isinstance(m, dict) and m.get("id") == rid)
    return reply


def scenario(c: Any, other: Any, ids_of: str) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """A batch-cancel covering every GUIDE §4 case; returns (items without category/symbol, the placed orders).

    ``ids_of`` makes the clientOids of the two runs distinct."""
    placed = place_many(c, "SPOT", "ETHUSDT", "buy", "0.01", ["150.01", "150.02", "150.03", "150.04"])
    named = place(c, "SPOT", "ETHUSDT", "buy", "0.01", "150.05", clientOid=f"{ids_of}-named")
    gone = place(c, "SPOT", "ETHUSDT", "buy", "0.01", "150.06")
    c.post("/api/v3/trade/cancel-order", {"orderId": gone["orderId"]})
    foreign = place(other, "SPOT", "ETHUSDT", "buy", "0.01", "150.07")
    items = [
        {"orderId": placed[0]["orderId"]},                                  # by orderId
        {"clientOid": f"{ids_of}-named"},                                   # by clientOid
        {"orderId": placed[1]["orderId"], "clientOid": placed[2]["clientOid"]},  # orderId wins
        {"orderId": "1234567890123456789"},                                 # no such order
        {"orderId": foreign["orderId"]},                                    # another user's: same as missing
        {"orderId": gone["orderId"]},                                       # already cancelled
        {"orderId": placed[3]["orderId"]},                                  # cancelled ...
        {"orderId": placed[3]["orderId"]},                                  # ... then again in the same batch
        {},                                                                 # neither id
    ]
    return items, [*placed, named]


def normalize(item: dict[str, str], ids: dict[str, str]) -> dict[str, str]:
    """An answer item with this run's ids replaced by role names, and WS's success code made explicit."""
    out = {k: ids.get(v, v) for k, v in item.items()}
    if "code" not in out:
        out = {**OK, **out}
    return out


def test_ws_batch_cancel_answers_exactly_like_rest(ws_venue: Server) -> None:
    creds, stranger = ws_venue.new_user(), ws_venue.new_user()
    with ws_venue.client(creds) as c, ws_venue.client(stranger) as other:
        rest_items, rest_orders = scenario(c, other, "rest")
        rest = c.post("/api/v3/trade/cancel-batch",
                      [{"category": "SPOT", "symbol": "ETHUSDT", **i} for i in rest_items])
        ws_items, ws_orders = scenario(c, other, "ws")

        async def main() -> dict[str, Any]:
            async with open_ws(ws_venue) as ws:
                await login(ws, creds)
                await subscribe(ws, {"instType": "UTA", "topic": "order"})
                reply = await trade(ws, "batch-cancel", ws_items, rid="bc-1")
                got = await collect(ws, lambda g: len(order_docs(g)) >= 4)
                reply["pushed"] = [(d["orderId"], d["orderStatus"]) for d in order_docs(got)]
                return reply

        reply = asyncio.run(main())
        assert reply["event"] == "trade" and reply["topic"] == "batch-cancel" and reply["id"] == "bc-1"
        assert reply["code"] == "0" and isinstance(reply["ts"], str)

        def roles(orders: list[dict[str, str]], items: list[dict[str, str]]) -> dict[str, str]:
            names = {}
            for n, o in enumerate(orders):
                names[o["orderId"]] = f"order{n}"
                names[o["clientOid"]] = f"client{n}"
            for n, i in enumerate(items):
                for v in i.values():
                    names.setdefault(v, f"given{n}")
            return names

        want = [normalize(i, roles(rest_orders, rest_items)) for i in rest]
        got = [normalize(i, roles(ws_orders, ws_items)) for i in reply["args"]]
        assert got == want
        assert [i["code"] for i in got] == ["0", "0", "0", "25204", "25204", "25204", "0", "25204", "40017"]
        cancelled = [ws_orders[k]["orderId"] for k in (0, 4, 1, 3)]
        assert reply["pushed"] == [(oid, "cancelled") for oid in cancelled]  # one push each, in item order
        left = {o["orderId"] for o in c.get("/api/v3/trade/unfilled-orders", category="SPOT")["list"]}
        assert ws_orders[2]["orderId"] in left and not set(cancelled) & left


def test_place_cancel_batch_place_and_modify(ws_venue: Server) -> None:
    creds = ws_venue.new_user()
    with ws_venue.client(creds) as c:

        async def main() -> None:
            async with open_ws(ws_venue) as ws:
                await login(ws, creds)
                placed = await trade(ws, "place-order", [{"symbol": "ETHUSDT", "orderType": "limit", "price": "120",
                                                         "qty": "0.05", "side": "buy", "timeInForce": "gtc",
                                                         "clientOid": "ws-p1"}], category="spot", rid="p1")
                assert placed["event"] == "trade" and placed["category"] == "spot" and placed["code"] == "0"
                [res] = placed["args"]
                assert res["symbol"] == "ETHUSDT" and res["clientOid"] == "ws-p1" and res["cTime"].isdigit()
                info = await asyncio.to_thread(c.get, "/api/v3/trade/order-info", orderId=res["orderId"])
                assert info["orderStatus"] == "live" and info["price"] == "120" and info["category"] == "SPOT"

                poor = await trade(ws, "place-order", [{"symbol": "ETHUSDT", "orderType": "limit", "price": "120",
                                                       "qty": "100000", "side": "buy"}], category="spot", rid="p2")
                assert poor["event"] == "error" and poor["code"] == "25202" and poor["id"] == "p2"

                batch = await trade(ws, "batch-place", [
                    {"symbol": "ETHUSDT", "orderType": "limit", "price": "121", "qty": "0.05", "side": "buy"},
                    {"symbol": "ETHUSDT", "orderType": "limit", "price": "121", "qty": "0.00001", "side": "buy"},
                ], category="spot", rid="bp")
                ok, bad = batch["args"]
                assert ok["code"] == "0" and ok["msg"] == "Success" and ok["orderId"] and ok["symbol"] == "ETHUSDT"
                assert bad["code"] != "0" and bad["orderId"] == ""

                gone = await trade(ws, "cancel-order", [{"clientOid": "ws-p1"}], rid="c1")
                assert gone["code"] == "0" and gone["args"] == [{"orderId": res["orderId"], "clientOid": "ws-p1"}]
                again = await trade(ws, "cancel-order", [{"clientOid": "ws-p1"}], rid="c2")
                assert again["event"] == "error" and again["code"] == "25204"

                modify = await trade(ws, "batch-modify", [{"orderId": ok["orderId"], "price": "122", "qty": "0.05"}],
                                     rid="m1")
                assert modify["code"] == "0"
                assert modify["args"] == [{**OK, "orderId": ok["orderId"], "clientOid": ok["clientOid"]}]

                too_many = await trade(ws, "batch-cancel", [{"orderId": "1"}] * 21, rid="bc")
                assert too_many["event"] == "error" and too_many["code"] == "40017"
                unknown = await trade(ws, "teleport", [{}], rid="t")
                assert unknown["event"] == "error" and unknown["code"] == "30001"

        asyncio.run(main())


def test_read_only_key_cannot_trade(ws_venue: Server) -> None:
    creds = ws_venue.new_user(read_only=True)

    async def main() -> None:
        async with open_ws(ws_venue) as ws:
            await login(ws, creds)
            reply = await trade(ws, "batch-cancel", [{"orderId": "1"}])
            assert reply["event"] == "error" and reply["code"] == "40014"

    asyncio.run(main())


def test_ws_and_rest_share_the_per_uid_rate_limit(limited_server: Server) -> None:
    creds = limited_server.new_user()
    with limited_server.client(creds) as c:

        async def main() -> None:
            async with open_ws(limited_server) as ws:
                await login(ws, creds)
                for _ in range(5):  # cancel-batch: 5 requests/s per UID, REST and WS together
                    c.post("/api/v3/trade/cancel-batch",
                           [{"category": "SPOT", "symbol": "ETHUSDT", "orderId": "1"}])
                reply = await trade(ws, "batch-cancel", [{"orderId": "1"}], rid="limited")
                assert reply["event"] == "error" and reply["code"] == "429", reply
                await asyncio.sleep(1.1)
                reply = await trade(ws, "batch-cancel", [{"orderId": "1"}], rid="later")
                assert reply["code"] == "0" and reply["args"][0]["code"] == "25204"
                await ws.send("ping")
                assert await recv(ws) == "pong"

        asyncio.run(main())
