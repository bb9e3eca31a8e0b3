"""Clean shutdown and resume: SIGTERM drains, snapshots and exits 0; a restart on the same data
directory resumes users, keys, balances, orders and ids; history pages across thousands of orders."""

from __future__ import annotations

import signal
from pathlib import Path

from support import Server, free_port


def test_sigterm_snapshots_and_resume_keeps_everything(tmp_path: Path) -> None:
    data = tmp_path / "data"
    server = Server(data, free_port(), ("--no-rate-limit",)).start()
    user = server.new_user({"USDT": "100000", "BTC": "5"})
    with server.client(user) as c:
        live = [c.post("/api/v3/trade/place-order", {"category": "SPOT", "symbol": "BTCUSDT", "side": "buy",
                                                     "orderType": "limit", "qty": "0.01", "price": str(20000 + i)})
                for i in range(5)]
        c.post("/api/v3/trade/cancel-batch", [{"orderId": live[0]["orderId"], "category": "SPOT",
                                               "symbol": "BTCUSDT"}])
        assets_before = c.get("/api/v3/account/assets")
        open_before = c.get("/api/v3/trade/unfilled-orders", category="SPOT")["list"]
    audit_before = server.admin("GET", "/admin/v1/audit")
    assert server.stop(signal.SIGTERM) == 0
    assert list(data.glob("snapshot-*.bin")), "no snapshot written on clean shutdown"

    server = Server(data, free_port(), ("--no-rate-limit",)).start()
    try:
        audit_after = server.admin("GET", "/admin/v1/audit")
        assert audit_after["stateHash"] == audit_before["stateHash"]
        assert audit_after["problems"] == []
        with server.client(user) as c:  # the same key still signs
            assert c.get("/api/v3/account/assets")["assets"] == assets_before["assets"]
            assert c.get("/api/v3/trade/unfilled-orders", category="SPOT")["list"] == open_before
            assert c.get("/api/v3/trade/order-info", orderId=live[0]["orderId"])["orderStatus"] == "cancelled"
            nxt = c.post("/api/v3/trade/place-order", {"category": "SPOT", "symbol": "BTCUSDT", "side": "buy",
                                                       "orderType": "limit", "qty": "0.01", "price": "19000"})
            assert int(nxt["orderId"]) > max(int(o["orderId"]) for o in live), "ids must continue"
    finally:
        assert server.stop() == 0


def test_history_pages_across_thousands_of_orders(tmp_path: Path) -> None:
    server = Server(tmp_path / "data", free_port(), ("--no-rate-limit",)).start()
    try:
        user = server.new_user({"USDT": "10000000"})
        ended: set[str] = set()
        with server.client(user) as c:
            for batch in range(150):  # 3,000 orders, placed and batch-cancelled 20 at a time
                placed = c.post("/api/v3/trade/place-batch", [
                    {"category": "SPOT", "symbol": "BTCUSDT", "side": "buy", "orderType": "limit", "qty": "0.0001",
                     "price": str(10000 + batch * 20 + j)} for j in range(20)])
                done = c.post("/api/v3/trade/cancel-batch", [
                    {"orderId": p["orderId"], "category": "SPOT", "symbol": "BTCUSDT"} for p in placed])
                assert all("code" not in d for d in done)
                ended.update(d["orderId"] for d in done)
            seen: list[str] = []
            cursor = None
            while True:
                page = c.get("/api/v3/trade/history-orders", category="SPOT", limit=100, cursor=cursor)
                assert len(page["list"]) <= 100
                seen += [o["orderId"] for o in page["list"]]
                assert all(o["orderStatus"] == "cancelled" for o in page["list"])
                cursor = page["cursor"] or None
                if cursor is None:
                    break
        assert len(seen) == len(set(seen)) == 3000
        assert set(seen) == ended
        assert seen == sorted(seen, key=int, reverse=True)
    finally:
        server.stop()
