"""History rows are recorded off the acknowledgement path (docs/decisions.md, "History store under load"):
a read always sees every acknowledged change, and an idle venue hands the rows to the store by itself."""

from __future__ import annotations

import time

from support import Server

ORDER = {"category": "SPOT", "symbol": "BTCUSDT", "side": "buy", "orderType": "limit", "qty": "0.001"}


def test_idle_venue_records_history_without_a_read(fresh: Server) -> None:
    creds = fresh.new_user({"USDT": "10000"})
    with fresh.client(creds) as c:
        placed = c.post("/api/v3/trade/place-batch", [{**ORDER, "price": str(30000 + i)} for i in range(5)])
        cancelled = c.post("/api/v3/trade/cancel-batch", [
            {"orderId": p["orderId"], "category": "SPOT", "symbol": "BTCUSDT"} for p in placed])
        assert [r["orderId"] for r in cancelled] == [p["orderId"] for p in placed]
        time.sleep(0.5)  # idle: the venue records by itself (the audit would record too, so it is read once)
        audit = fresh.admin("GET", "/admin/v1/audit")
        assert audit["historyUnrecorded"] == "0", audit
        assert audit["problems"] == []
        history = c.get("/api/v3/trade/history-orders", category="SPOT", limit=100)["list"]
        assert sorted(o["orderId"] for o in history) == sorted(p["orderId"] for p in placed)
        assert {o["orderStatus"] for o in history} == {"cancelled"}


def test_read_right_after_acknowledgement_sees_the_cancel(fresh: Server) -> None:
    creds = fresh.new_user({"USDT": "10000"})
    with fresh.client(creds) as c:
        for round_ in range(20):  # no pause between the acknowledgement and the read
            placed = c.post("/api/v3/trade/place-order", {**ORDER, "price": str(31000 + round_)})
            c.post("/api/v3/trade/cancel-batch", [
                {"orderId": placed["orderId"], "category": "SPOT", "symbol": "BTCUSDT"}])
            doc = c.get("/api/v3/trade/order-info", orderId=placed["orderId"])
            assert doc["orderStatus"] == "cancelled" and doc["cancelReason"] == "normal_cancel"
            first = c.get("/api/v3/trade/history-orders", category="SPOT", limit=1)["list"][0]
            assert first["orderId"] == placed["orderId"]
