"""Private channels over the real server: order, fill, account, position pushes reach only their owner."""

from __future__ import annotations

import asyncio
from decimal import Decimal

from ws_support import collect, login, open_ws, order_docs, place, place_many, pushes, recv, subscribe

from support import Server

ORDER = {"instType": "UTA", "topic": "order"}
FILL = {"instType": "UTA", "topic": "fill"}
ACCOUNT = {"instType": "UTA", "topic": "account"}
POSITION = {"instType": "UTA", "topic": "position"}


def test_rest_batch_cancel_of_20_pushes_20_cancelled_orders_in_order(ws_venue: Server) -> None:
    creds = ws_venue.new_user()
    with ws_venue.client(creds) as c:
        placed = place_many(c, "SPOT", "ETHUSDT", "buy", "0.01", [f"{100 + i}.5" for i in range(20)])

        async def main() -> None:
            async with open_ws(ws_venue) as ws:
                await login(ws, creds)
                await subscribe(ws, ORDER)
                wanted = list(reversed(placed))  # cancel in a different order than placed
                items = [{"category": "SPOT", "symbol": "ETHUSDT", "orderId": p["orderId"]} for p in wanted]
                result = await asyncio.to_thread(c.post, "/api/v3/trade/cancel-batch", items)
                assert [r["orderId"] for r in result] == [p["orderId"] for p in wanted]
                msgs = await collect(ws, lambda got: len(order_docs(got)) >= 20)
                docs = order_docs(msgs)
                assert len(pushes(msgs, "order")) == 20  # one push per order
                assert [d["orderId"] for d in docs] == [p["orderId"] for p in wanted]
                for d, p in zip(docs, wanted, strict=True):
                    assert d["orderStatus"] == "cancelled" and d["cancelReason"] == "normal_cancel"
                    assert d["category"] == "spot" and d["symbol"] == "ETHUSDT"  # lower-case in WS pushes
                    assert d["clientOid"] == p["clientOid"] and d["reduceOnly"] == "no"
                    assert d["qty"] == "0.01" and d["cumExecQty"] == "0"
                msg = pushes(msgs, "order")[0]
                assert msg["arg"] == ORDER and msg["action"] == "snapshot" and isinstance(msg["ts"], int)

        asyncio.run(main())


def test_another_users_pushes_never_arrive(ws_venue: Server) -> None:
    alice, bob = ws_venue.new_user(), ws_venue.new_user()
    with ws_venue.client(alice) as a, ws_venue.client(bob) as b:

        async def main() -> None:
            async with open_ws(ws_venue) as wa, open_ws(ws_venue) as wb:
                await login(wa, alice)
                await login(wb, bob)
                await subscribe(wa, ORDER, FILL, POSITION)
                await subscribe(wb, ORDER, FILL, ACCOUNT, POSITION, snapshots=2)
                # alice trades with herself (spot and futures) and cancels: orders, fills, positions, balances
                mine = place(a, "SPOT", "BTCUSDT", "sell", "0.001", "71000")
                await asyncio.to_thread(place, a, "SPOT", "BTCUSDT", "buy", "0.001", "71000")
                await asyncio.to_thread(place, a, "USDT-FUTURES", "ETHUSDT", "buy", "0.1", "3000")
                await asyncio.to_thread(place, a, "USDT-FUTURES", "ETHUSDT", "sell", "0.1", "3000")
                rest = await asyncio.to_thread(place, a, "SPOT", "BTCUSDT", "buy", "0.001", "2000")
                await asyncio.to_thread(a.post, "/api/v3/trade/cancel-batch",
                                        [{"category": "SPOT", "symbol": "BTCUSDT", "orderId": rest["orderId"]}])
                # alice sees her own activity ...
                got_a = await collect(wa, lambda g: rest["orderId"] in [d["orderId"] for d in order_docs(g)]
                                      and any(d["orderStatus"] == "cancelled" for d in order_docs(g)))
                assert mine["orderId"] in [d["orderId"] for d in order_docs(got_a)]
                # ... bob's first message after all that is his own sentinel order
                sentinel = await asyncio.to_thread(place, b, "SPOT", "ETHUSDT", "buy", "0.01", "200")
                got_b = await collect(wb, lambda g: len(order_docs(g)) >= 1)
                assert [d["orderId"] for d in order_docs(got_b)] == [sentinel["orderId"]]
                assert all(m["arg"]["topic"] in ("order", "account") for m in got_b), got_b

        asyncio.run(main())


def test_fill_account_and_position_pushes(ws_venue: Server) -> None:
    maker, taker = ws_venue.new_user(), ws_venue.new_user()
    with ws_venue.client(maker) as m, ws_venue.client(taker) as t:

        async def main() -> None:
            async with open_ws(ws_venue) as ws:
                await login(ws, taker)
                first = await subscribe(ws, FILL, ACCOUNT, POSITION, snapshots=2)
                account = next(x for x in pushes(first, "account"))
                coins = {c["coin"]: c for c in account["data"][0]["coin"]}
                assert coins["USDT"]["available"] == "1000000" and coins["USDT"]["locked"] == "0"
                assert {"coin", "balance", "available", "locked", "equity", "usdValue", "borrow", "debts"} <= set(
                    coins["USDT"])
                assert pushes(first, "position")[0]["data"] == []
                await asyncio.to_thread(place, m, "USDT-FUTURES", "BTCUSDT", "sell", "0.01", "65000.5")
                taken = await asyncio.to_thread(place, t, "USDT-FUTURES", "BTCUSDT", "buy", "0.01", "65000.5")
                got = await collect(ws, lambda g: pushes(g, "fill") and pushes(g, "position") and len(
                    pushes(g, "account")) >= 1)
                fill = pushes(got, "fill")[0]["data"][0]
                assert fill["orderId"] == taken["orderId"] and fill["category"] == "USDT-FUTURES"
                assert fill["execPrice"] == "65000.5" and fill["execQty"] == "0.01" and fill["tradeScope"] == "taker"
                assert fill["side"] == "buy" and Decimal(fill["feeDetail"][0]["fee"]) > 0 and fill["execTime"]
                pos = pushes(got, "position")[0]["data"]
                assert [(p["symbol"], p["posSide"], p["size"]) for p in pos] == [("BTCUSDT", "long", "0.01")]
                with ws_venue.client(taker) as again:
                    rest_pos = again.get("/api/v3/position/current-position", category="USDT-FUTURES")["list"]
                assert rest_pos[0]["avgPrice"] == pos[0]["avgPrice"] and rest_pos[0]["total"] == pos[0]["size"]
                acct = pushes(got, "account")[-1]["data"][0]
                usdt = {c["coin"]: c for c in acct["coin"]}["USDT"]
                with ws_venue.client(taker) as again:
                    rest_usdt = {x["coin"]: x for x in again.get("/api/v3/account/assets")["assets"]}["USDT"]
                assert usdt["available"] == rest_usdt["available"] and usdt["locked"] == rest_usdt["locked"]
                await ws.send("ping")
                assert (await collect(ws, lambda g: "pong" in g))[-1] == "pong"

        asyncio.run(main())


def test_duplicate_subscription_is_acked_once_registered(ws_venue: Server) -> None:
    creds = ws_venue.new_user()
    with ws_venue.client(creds) as c:

        async def main() -> None:
            async with open_ws(ws_venue) as ws:
                await login(ws, creds)
                await subscribe(ws, ORDER)
                await subscribe(ws, ORDER)
                placed = await asyncio.to_thread(place, c, "SPOT", "ETHUSDT", "buy", "0.01", "201")
                got = await collect(ws, lambda g: len(order_docs(g)) >= 1)
                assert [d["orderId"] for d in order_docs(got)] == [placed["orderId"]]
                await ws.send("ping")
                assert await recv(ws) == "pong"  # no second copy of the push came before the pong

        asyncio.run(main())
