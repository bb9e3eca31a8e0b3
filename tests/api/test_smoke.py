"""The vertical slice: a signed batch cancel through the real server."""

from __future__ import annotations

from support import Server
from utaex.client import Client


def test_signed_batch_cancel_end_to_end(server: Server) -> None:
    creds = server.new_user({"USDT": "10000"})
    with server.client(creds) as c:
        _run(c)


def _run(c: Client) -> None:
    placed = [c.post("/api/v3/trade/place-order", {"category": "SPOT", "symbol": "BTCUSDT", "side": "buy",
                                                   "orderType": "limit", "qty": "0.01", "price": str(40000 + i)})
              for i in range(3)]
    assert c.get("/api/v3/account/assets")["assets"][-1]["locked"] == "1200.03"
    result = c.post("/api/v3/trade/cancel-batch", [
        {"orderId": placed[0]["orderId"], "category": "spot", "symbol": "BTCUSDT"},
        {"clientOid": placed[1]["clientOid"], "category": "SPOT", "symbol": "BTCUSDT"},
        {"orderId": placed[0]["orderId"], "category": "SPOT", "symbol": "BTCUSDT"},
    ])
    assert result[0] == placed[0]
    assert result[1] == placed[1]
    assert result[2]["code"] == "25204"
    open_orders = c.get("/api/v3/trade/unfilled-orders", category="SPOT")["list"]
    assert [o["orderId"] for o in open_orders] == [placed[2]["orderId"]]
    usdt = next(a for a in c.get("/api/v3/account/assets")["assets"] if a["coin"] == "USDT")
    assert usdt["locked"] == "400.02"
    assert usdt["available"] == "9599.98"
