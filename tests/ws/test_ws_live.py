"""Private pushes as the live venue sends them (reference/live-behaviour.md, WebSocket), over the real server:
snapshot/update actions, the order push's extra keys and detailed ``tradeSide``, the IOC cancel, the position
close in two steps, the account item, the fill push's ``execLinkId``/``tradeSide``/``holdSide``."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from ws_support import collect, collect_orders, login, open_ws, order_docs, place, pushes, recv, subscribe

from support import Server, start_server

ORDER = {"instType": "UTA", "topic": "order"}
FILL = {"instType": "UTA", "topic": "fill"}
ACCOUNT = {"instType": "UTA", "topic": "account"}
POSITION = {"instType": "UTA", "topic": "position"}
FUNDS = {"USDT": "1000000"}
USDC = {"USDC": "1000000"}
ORDER_KEYS = {"category", "symbol", "orderId", "clientOid", "price", "qty", "amount", "holdMode", "holdSide",
              "tradeSide", "orderType", "timeInForce", "side", "marginMode", "marginCoin", "reduceOnly", "leverage",
              "cumExecQty", "cumExecValue", "avgPrice", "totalProfit", "orderStatus", "cancelReason", "feeDetail",
              "createdTime", "updatedTime", "stpMode", "tpTriggerBy", "slTriggerBy", "takeprofit", "stoploss",
              "tpOrderType", "slOrderType", "tpLimitPrice", "slLimitPrice", "matchType"}
POSITION_KEYS = {"category", "symbol", "marginCoin", "marginSize", "marginMode", "posSide", "holdMode",
                 "positionStatus", "size", "available", "frozen", "avgPrice", "leverage", "curRealisedPnl",
                 "unrealisedPnl", "liqPrice", "mmr", "breakEvenPrice", "markPrice", "profitRate", "totalFundingFee",
                 "openFeeTotal", "closeFeeTotal", "createdTime", "updatedTime"}


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A venue of this module's own: fills happen only between this module's orders."""
    srv = start_server(tmp_path_factory.mktemp("ws-live"), "--no-rate-limit")
    yield srv
    srv.stop()


async def quiet_until_pong(ws: Any) -> list[Any]:
    """Everything received before the answer to a ``ping`` (the server answers in order)."""
    await ws.send("ping")
    got = await collect(ws, lambda g: "pong" in g)
    return got[:-1]


def test_snapshots_on_every_subscription_then_updates(live: Server) -> None:
    me, maker = live.new_user(FUNDS), live.new_user(FUNDS)
    with live.client(me) as c, live.client(maker) as m:

        async def main() -> None:
            async with open_ws(live) as ws:
                await login(ws, me)
                first = await subscribe(ws, ORDER, ACCOUNT, POSITION, snapshots=2)
                acked, snap = ("subscribe", None), (None, "snapshot")
                assert [(x.get("event"), x.get("action")) for x in first] == [acked, acked, snap, acked, snap]
                account, position = pushes(first, "account")[0], pushes(first, "position")[0]
                assert account["action"] == "snapshot" and account["arg"] == ACCOUNT
                assert position == {"action": "snapshot", "arg": POSITION, "data": [], "ts": position["ts"]}
                [item] = account["data"]  # one item, absolute balances, only non-zero coins
                assert [c["coin"] for c in item["coin"]] == ["USDT"]
                assert item["totalEquity"] == item["accountEquity"] == "1000000"
                assert set(item["coin"][0]) == {"coin", "balance", "available", "locked", "equity", "usdValue",
                                                 "borrow", "debts"}
                assert await quiet_until_pong(ws) == []  # order: nothing on subscription
                # a repeated subscription and a re-subscription each get their snapshots again
                again = await subscribe(ws, ACCOUNT, POSITION, snapshots=2)
                assert [(x.get("event"), x.get("action")) for x in again] == [
                    ("subscribe", None), (None, "snapshot"), ("subscribe", None), (None, "snapshot")]
                await ws.send(json.dumps({"op": "unsubscribe", "args": [POSITION]}))
                assert (await recv(ws))["event"] == "unsubscribe"
                back = await subscribe(ws, POSITION, snapshots=1)
                assert back[1]["action"] == "snapshot" and back[1]["data"] == []
                # later changes are updates
                await asyncio.to_thread(place, m, "USDT-FUTURES", "ETHUSDT", "sell", "0.1", "3000")
                await asyncio.to_thread(place, c, "USDT-FUTURES", "ETHUSDT", "buy", "0.1", "3000")
                got = await collect(ws, lambda g: pushes(g, "position") and pushes(g, "account")
                                    and len(order_docs(g)) >= 1)
                assert {x["action"] for x in pushes(got, "position") + pushes(got, "account")} == {"update"}
                assert {x["action"] for x in pushes(got, "order")} == {"snapshot"}

        asyncio.run(main())


def test_order_push_keys_trade_side_and_market_ioc(live: Server) -> None:
    me, maker = live.new_user(FUNDS), live.new_user(FUNDS)
    with live.client(me) as c, live.client(maker) as m:

        async def main() -> None:
            async with open_ws(live) as ws:
                await login(ws, me)
                await ws.send(json.dumps({"op": "subscribe", "args": [{**ORDER, "symbol": "BTCUSDT"}]}))
                assert (await recv(ws))["arg"] == {**ORDER, "symbol": "BTCUSDT"}  # the ack echoes the arg ...
                await asyncio.to_thread(place, c, "USDT-FUTURES", "BTCUSDT", "buy", "0.01", "40000.5",
                                        takeProfit="90000", stopLoss="30000")
                got = await collect(ws, lambda g: len(order_docs(g)) >= 1)
                msg = pushes(got, "order")[0]
                assert msg["arg"] == ORDER and msg["action"] == "snapshot"  # ... the push never the symbol
                [o] = msg["data"]
                assert set(o) == ORDER_KEYS, set(o) ^ ORDER_KEYS
                assert (o["category"], o["tradeSide"], o["holdMode"], o["timeInForce"]) == (
                    "usdt-futures", "buy_single", "one_way_mode", "gtc")
                assert (o["takeprofit"], o["stoploss"], o["matchType"], o["totalProfit"]) == (
                    "90000", "30000", "0", "0")
                assert o["leverage"] and int(o["leverage"]) >= 1 and o["tpOrderType"] and o["slLimitPrice"] == ""
                # a market order shows timeInForce ioc; a sell in one-way mode is sell_single
                await asyncio.to_thread(place, m, "USDT-FUTURES", "BTCUSDT", "buy", "0.01", "41000.5")
                await asyncio.to_thread(place, c, "USDT-FUTURES", "BTCUSDT", "sell", "0.01")
                [sold] = [d for d in await collect_orders(ws, 1)]
                assert (sold["orderType"], sold["timeInForce"], sold["tradeSide"], sold["orderStatus"]) == (
                    "market", "ioc", "sell_single", "filled")
                # REST order-info carries the same tradeSide
                info = await asyncio.to_thread(c.get, "/api/v3/trade/order-info", orderId=sold["orderId"])
                assert info["tradeSide"] == "sell_single"
                # an IOC limit that fills nothing: one cancelled push, ioc_not_full_cancel
                ioc = await asyncio.to_thread(place, c, "USDT-FUTURES", "BTCUSDT", "buy", "0.01", "1000",
                                              timeInForce="ioc")
                got = await collect(ws, lambda g: len(order_docs(g)) >= 1)
                got += await quiet_until_pong(ws)
                assert [(d["orderId"], d["orderStatus"], d["cancelReason"]) for d in order_docs(got)] == [
                    (ioc["orderId"], "cancelled", "ioc_not_full_cancel")]

        asyncio.run(main())


def test_fills_position_close_in_two_steps_and_total_profit(live: Server) -> None:
    me, maker = live.new_user(USDC), live.new_user(USDC)
    with live.client(me) as c, live.client(maker) as m:

        async def main() -> None:
            async with open_ws(live) as ws:
                await login(ws, me)
                await subscribe(ws, ORDER, FILL, POSITION, snapshots=1)
                await asyncio.to_thread(place, m, "USDC-FUTURES", "BTCPERP", "sell", "0.01", "65000.5")
                opened = await asyncio.to_thread(place, c, "USDC-FUTURES", "BTCPERP", "buy", "0.01", "65000.5")
                got = await collect(ws, lambda g: pushes(g, "fill") and pushes(g, "position"))
                [fill] = pushes(got, "fill")[0]["data"]
                assert fill["orderId"] == opened["orderId"] and fill["execLinkId"] == fill["execId"]
                assert (fill["tradeSide"], fill["holdSide"]) == ("buy_single", "long")
                [pos] = pushes(got, "position")[-1]["data"]
                assert set(pos) == POSITION_KEYS and "marginRate" not in pos
                assert (pos["positionStatus"], pos["size"], pos["available"]) == ("opening", "0.01", "0.01")
                assert Decimal(pos["openFeeTotal"]) < 0  # a fee paid shows negative
                # REST fills: execLinkId and tradeSide too; public fills: execLinkId
                mine = await asyncio.to_thread(c.get, "/api/v3/trade/fills", category="USDC-FUTURES")
                assert (mine["list"][0]["execLinkId"], mine["list"][0]["tradeSide"]) == (fill["execId"], "buy_single")
                public = await asyncio.to_thread(c.get, "/api/v3/market/fills", category="USDC-FUTURES",
                                                 symbol="BTCPERP")
                assert public[0]["execLinkId"] == public[0]["execId"] == fill["execId"]
                # closing at a higher price: the size moves to frozen first, then the position ends
                await asyncio.to_thread(place, m, "USDC-FUTURES", "BTCPERP", "buy", "0.01", "66000.5")
                closed = await asyncio.to_thread(place, c, "USDC-FUTURES", "BTCPERP", "sell", "0.01", None,
                                                 reduceOnly="YES")
                got = await collect(ws, lambda g: any(d["positionStatus"] == "ended"
                                                      for p in pushes(g, "position") for d in p["data"])
                                    and any(d["orderId"] == closed["orderId"] for d in order_docs(g)))
                steps = [d for p in pushes(got, "position") for d in p["data"]]
                assert {p["action"] for p in pushes(got, "position")} == {"update"}
                assert [(d["positionStatus"], d["size"], d["available"], d["frozen"]) for d in steps] == [
                    ("opening", "0.01", "0", "0.01"), ("ended", "0", "0", "0")]
                assert all(set(d) == POSITION_KEYS for d in steps)
                assert steps[1]["openFeeTotal"] == steps[1]["liqPrice"] == ""
                [order] = [d for d in order_docs(got) if d["orderId"] == closed["orderId"]]
                assert (order["tradeSide"], order["reduceOnly"], order["totalProfit"]) == ("sell_single", "yes", "10")

        asyncio.run(main())


def test_hedge_mode_trade_sides(live: Server) -> None:
    me, maker = live.new_user(USDC), live.new_user(USDC)
    with live.client(me) as c, live.client(maker) as m:
        c.post("/api/v3/account/set-hold-mode", {"holdMode": "hedge_mode"})

        async def main() -> None:
            async with open_ws(live) as ws:
                await login(ws, me)
                await subscribe(ws, ORDER, FILL)
                await asyncio.to_thread(place, m, "USDC-FUTURES", "ETHPERP", "sell", "1", "150")
                await asyncio.to_thread(place, c, "USDC-FUTURES", "ETHPERP", "buy", "1", "150", posSide="long")
                await asyncio.to_thread(place, m, "USDC-FUTURES", "ETHPERP", "buy", "1", "151")
                await asyncio.to_thread(place, c, "USDC-FUTURES", "ETHPERP", "sell", "1", "151", posSide="long")
                got = await collect(ws, lambda g: len(pushes(g, "fill")) >= 2 and len(order_docs(g)) >= 2)
                assert [d["tradeSide"] for d in order_docs(got)] == ["open_long", "close_long"]
                assert [(p["data"][0]["tradeSide"], p["data"][0]["holdSide"]) for p in pushes(got, "fill")] == [
                    ("open_long", "long"), ("close_long", "long")]

        asyncio.run(main())
