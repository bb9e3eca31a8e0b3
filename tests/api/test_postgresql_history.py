"""The venue with its history store in a real PostgreSQL database (``--store postgresql://...``)."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest

from services import pg_database
from support import start_server

ORDER = {"category": "SPOT", "symbol": "BTCUSDT", "side": "buy", "orderType": "limit", "qty": "0.001"}


@pytest.fixture
def pg_url():
    with pg_database() as url:
        yield url


def test_history_in_postgresql_survives_kill_9(tmp_path: Path, pg_url: str) -> None:
    server = start_server(tmp_path, "--store", pg_url)
    try:
        creds = server.new_user({"USDT": "10000"})
        with server.client(creds) as c:
            placed = c.post("/api/v3/trade/place-batch", [{**ORDER, "price": str(30000 + i)} for i in range(6)])
            c.post("/api/v3/trade/cancel-batch", [
                {"orderId": p["orderId"], "category": "SPOT", "symbol": "BTCUSDT"} for p in placed[:4]])
            history = c.get("/api/v3/trade/history-orders", category="SPOT", limit=100)["list"]
            assert sorted(o["orderId"] for o in history) == sorted(p["orderId"] for p in placed[:4])
            assert server.admin("GET", "/admin/v1/audit")["problems"] == []
    finally:
        server.kill()
    assert not (tmp_path / "data" / "history.sqlite3").exists()  # nothing went to the embedded store
    server.start()  # rows not yet written when killed come back from the journal's replay
    try:
        with server.client(creds) as c:
            history = c.get("/api/v3/trade/history-orders", category="SPOT", limit=100)["list"]
            assert sorted(o["orderId"] for o in history) == sorted(p["orderId"] for p in placed[:4])
            assert c.get("/api/v3/trade/order-info", orderId=placed[0]["orderId"])["orderStatus"] == "cancelled"
            assert server.admin("GET", "/admin/v1/audit")["problems"] == []
    finally:
        assert server.stop() == 0
    with psycopg.connect(pg_url) as conn:  # a clean stop flushed every row to the database
        rows = conn.execute("SELECT order_id::text, status FROM orders").fetchall()
    assert sorted(rows) == sorted((p["orderId"], "cancelled") for p in placed[:4])  # (live orders: in memory)


def test_unreachable_postgresql_is_a_clear_startup_error(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError, match="cannot connect to the history database"):
        start_server(tmp_path, "--store", "postgresql://postgres@127.0.0.1:1/nowhere")
