"""WebSocket trade args read as REST bodies are (gateway/bodies.py): unknown keys ignored, JSON numbers where a
string is documented read as their exact decimal text (the frame is decoded with numbers as ``Decimal``, never as
``float``), wrong types that cannot be read refused with 40017. Frames are hand-written JSON text."""

from __future__ import annotations

import asyncio
from typing import Any

from ws_support import collect, login, open_ws

from support import Server


async def trade(ws: Any, rid: str, frame: str) -> dict[str, Any]:
    await ws.send(frame)
    got = await collect(ws, lambda g: any(isinstance(m, dict) and m.get("id") == rid for m in g))
    reply: dict[str, Any] = next(m for m in got if isinstance(m, dict) and m.get("id") == rid)
    return reply


def test_ws_trade_args_take_numbers_exactly_and_ignore_unknown_keys(ws_venue: Server) -> None:
    creds = ws_venue.new_user({"USDT": "1000000", "BTC": "10"})

    async def main() -> list[dict[str, Any]]:
        async with open_ws(ws_venue) as ws:
            await login(ws, creds)
            placed = await trade(ws, "p1", (
                '{"op": "trade", "id": "p1", "topic": "place-order", "category": "spot", "args": [{"symbol": "BTCUSDT",'
                ' "side": "buy", "orderType": "limit", "qty": 0.001, "price": 10000.50, '
                '"clientOid": 123456789012345678901234567890, "createMarketBuyOrderRequiresPrice": false}]}'))
            assert placed["event"] == "trade", placed
            batch = await trade(ws, "b1", (
                '{"op": "trade", "id": "b1", "topic": "batch-place", "category": "spot", "args": ['
                '{"symbol": "BTCUSDT", "side": "buy", "orderType": "limit", "qty": 2e-3, "price": 9000, "x": 1},'
                '{"symbol": "BTCUSDT", "side": "buy", "orderType": "limit", "qty": "0.003", "price": 9001.25}]}'))
            assert batch["event"] == "trade" and all(str(a["code"]) == "0" for a in batch["args"]), batch
            first, second = (a["orderId"] for a in batch["args"])
            modified = await trade(ws, "m1", (
                '{"op": "trade", "id": "m1", "topic": "modify-order", "category": "spot", "args": ['
                f'{{"orderId": {first}, "price": 8999.5, "autoCancel": "no", "y": [1]}}]}}'))
            assert modified["event"] == "trade", modified
            bad = await trade(ws, "e1", (
                '{"op": "trade", "id": "e1", "topic": "place-order", "category": "spot", "args": [{"symbol": "BTCUSDT",'
                ' "side": "buy", "orderType": "limit", "qty": {"v": 1}, "price": 10000}]}'))
            assert bad["event"] == "error" and str(bad["code"]) == "40017", bad
            cancelled = await trade(ws, "c1", (
                '{"op": "trade", "id": "c1", "topic": "cancel-order", "category": "spot", "args": ['
                f'{{"orderId": {second}, "z": 0.5}}]}}'))
            assert cancelled["event"] == "trade", cancelled
            return [placed["args"][0], first, second]

    placed, first, second = asyncio.run(main())
    assert placed["clientOid"] == "123456789012345678901234567890"
    with ws_venue.client(creds) as c:
        got = c.get("/api/v3/trade/order-info", orderId=placed["orderId"])
        assert (got["qty"], got["price"], got["clientOid"]) == ("0.001", "10000.5", "123456789012345678901234567890")
        one = c.get("/api/v3/trade/order-info", orderId=first)
        assert (one["qty"], one["price"], one["orderStatus"]) == ("0.002", "8999.5", "live")
        two = c.get("/api/v3/trade/order-info", orderId=second)
        assert (two["price"], two["orderStatus"]) == ("9001.25", "cancelled")
