"""The private ``adl-notification`` channel over a real WebSocket: subscription accepted (the page's spelling of
the topic, not its example's typo), and no push while no auto-deleveraging happens (docs/decisions.md, "ADL")."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from ws_support import login, open_ws, recv, subscribe

from support import Server

ADL = {"instType": "UTA", "topic": "adl-notification"}
ORDER = {"instType": "UTA", "topic": "order"}


def test_adl_notification_accepts_subscription_and_pushes_nothing_without_adl(ws_venue: Server) -> None:
    creds = ws_venue.new_user({"USDT": "100000"})
    client = ws_venue.client(creds)

    async def run() -> None:
        async with open_ws(ws_venue) as ws:
            await login(ws, creds)
            assert await subscribe(ws, ADL, ORDER) == [{"event": "subscribe", "arg": ADL},
                                                       {"event": "subscribe", "arg": ORDER}]
            placed = client.post("/api/v3/trade/place-order", {
                "category": "USDT-FUTURES", "symbol": "BTCUSDT", "side": "buy", "orderType": "limit",
                "qty": "0.01", "price": "1000"})
            client.post("/api/v3/trade/cancel-order", {"orderId": placed["orderId"]})
            seen: list[Any] = []
            while sum(1 for m in seen if m.get("arg", {}).get("topic") == "order") < 2:  # the order pushes ...
                seen.append(await recv(ws))
            assert not [m for m in seen if m.get("arg") == ADL]  # ... and nothing on the ADL channel
            await ws.send(json.dumps({"op": "unsubscribe", "args": [ADL]}))
            assert await recv(ws) == {"event": "unsubscribe", "arg": ADL}
            await ws.send(json.dumps({"op": "subscribe", "args": [{"instType": "UTA", "topic": "adl-notificatio"}]}))
            err = await recv(ws)
            assert err["event"] == "error" and err["code"] == 30001, err  # a number (live-behaviour.md)

    try:
        asyncio.run(run())
    finally:
        client.close()
