"""TP/SL over the real WebSocket: a WS place-order with a preset stop-loss (``stoploss``, as the WS pages spell
it), and the order channel pushing the closing order a trigger placed, from the step of the crossing trade."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from typing import Any

import pytest
from ws_support import collect, collect_orders, login, open_ws, place, subscribe

from support import Server, start_server

ORDER = {"instType": "UTA", "topic": "order"}
FUNDS = {"USDT": "1000000"}


@pytest.fixture(scope="module")
def quiet(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A venue of this module's own: the prices it moves are its alone."""
    srv = start_server(tmp_path_factory.mktemp("ws-tpsl"), "--no-rate-limit")
    yield srv
    srv.stop()


async def trade(ws: Any, args: list[dict[str, Any]]) -> dict[str, Any]:
    await ws.send(json.dumps({"op": "trade", "id": "t1", "topic": "place-order", "category": "usdt-futures",
                              "args": args}))
    got = await collect(ws, lambda g: any(isinstance(m, dict) and m.get("id") == "t1" for m in g))
    reply: dict[str, Any] = next(m for m in got if isinstance(m, dict) and m.get("id") == "t1")
    return reply


def test_ws_preset_stop_loss_and_the_triggered_order_push(quiet: Server) -> None:
    me, other, mover = (quiet.new_user(FUNDS) for _ in range(3))
    with quiet.client(me) as a, quiet.client(other) as b, quiet.client(mover) as c:
        place(b, "USDT-FUTURES", "BTCUSDT", "sell", "0.01", "50000")

        async def main() -> None:
            async with open_ws(quiet) as ws:
                await login(ws, me)
                await subscribe(ws, ORDER)
                reply = await trade(ws, [{"symbol": "BTCUSDT", "orderType": "market", "qty": "0.01", "side": "buy",
                                          "stoploss": "45000", "slOrderType": "market"}])
                assert reply["code"] == "0", reply
                [opened] = await collect_orders(ws, 1)
                assert (opened["side"], opened["orderStatus"]) == ("buy", "filled")
                [armed] = await asyncio.to_thread(a.get, "/api/v3/trade/unfilled-strategy-orders",
                                                  category="USDT-FUTURES")
                assert armed["stopLoss"] == "45000"
                await asyncio.to_thread(place, b, "USDT-FUTURES", "BTCUSDT", "buy", "0.02", "44000")
                await asyncio.to_thread(place, c, "USDT-FUTURES", "BTCUSDT", "sell", "0.005")
                [closing] = await collect_orders(ws, 1)
                assert (closing["side"], closing["orderType"], closing["orderStatus"], closing["cumExecQty"],
                        closing["reduceOnly"]) == ("sell", "market", "filled", "0.01", "yes")

        asyncio.run(main())
