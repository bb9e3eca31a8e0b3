"""Queryable order/fill history fed by the engine's event stream (SQLite by default, or PostgreSQL).

The gateway turns each order change and fill into a row (a Bitget-shaped JSON document plus index
columns) and calls ``put_order`` / ``put_fill``; ``history-orders``, ``fills`` and ``order-info`` (for
orders no longer open) read back through ``history_orders``, ``fills`` and ``get_order``.
"""

from pathlib import Path
from typing import Any

from .base import ENDED_STATUSES, MAX_LIMIT, BarRow, HistoryStore, StoreError
from .sqlite import SQLiteHistoryStore

__all__ = [
    "ENDED_STATUSES",
    "MAX_LIMIT",
    "BarRow",
    "HistoryStore",
    "SQLiteHistoryStore",
    "StoreError",
    "open_store",
]

HISTORY_FILE = "history.sqlite3"


def open_store(data_dir: Path, url: str | None = None, **options: Any) -> HistoryStore:
    """The history store ``url`` names (``postgresql://USER@HOST:PORT/DB``), or by default the data
    directory's SQLite file ``data_dir/history.sqlite3`` (created if missing)."""
    if url:
        if url.startswith(("postgresql://", "postgres://")):
            from .postgresql import PostgreSQLHistoryStore  # optional dependency, imported only when used

            return PostgreSQLHistoryStore(url, **options)
        raise StoreError(f"unsupported history store {url!r} (expected postgresql://USER@HOST:PORT/DB)")
    return SQLiteHistoryStore(Path(data_dir) / HISTORY_FILE, **options)
