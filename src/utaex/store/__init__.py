"""Queryable order/fill history fed by the engine's event stream (SQLite now; PostgreSQL later).

The gateway turns each order change and fill into a row (a Bitget-shaped JSON document plus index
columns) and calls ``put_order`` / ``put_fill``; ``history-orders``, ``fills`` and ``order-info`` (for
orders no longer open) read back through ``history_orders``, ``fills`` and ``get_order``.
"""

from pathlib import Path
from typing import Any

from .base import ENDED_STATUSES, MAX_LIMIT, FillRow, HistoryStore, OrderRow, StoreError
from .sqlite import SQLiteHistoryStore

__all__ = [
    "ENDED_STATUSES",
    "MAX_LIMIT",
    "FillRow",
    "HistoryStore",
    "OrderRow",
    "SQLiteHistoryStore",
    "StoreError",
    "open_store",
]

HISTORY_FILE = "history.sqlite3"


def open_store(data_dir: Path, **options: Any) -> HistoryStore:
    """The default history store of a data directory: ``data_dir/history.sqlite3`` (created if missing)."""
    return SQLiteHistoryStore(Path(data_dir) / HISTORY_FILE, **options)
