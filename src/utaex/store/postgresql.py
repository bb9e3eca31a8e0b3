"""PostgreSQL history store: the SQLite store's buffered, read-your-writes overlay in front of a PostgreSQL
database (``--store postgresql://USER@HOST:PORT/DB``).

Everything above the database is shared with ``SQLiteHistoryStore`` (same overlay, same backpressure,
same deferral while the venue is busy, same keyset paging), so both stores keep one contract and one
test suite. What differs:

* The writer is a thread with its own connection, not a child process: PostgreSQL does the work in
  its own server process and psycopg releases the interpreter lock while it waits on the socket, so
  a commit costs the venue only the encoding of the rows. Each batch is one transaction
  (``executemany`` in pipeline mode: one round trip per batch, not per row).
* Reads use one autocommit connection (each query its own snapshot), serialised by a lock, like
  SQLite's reader. The shared query text uses SQLite's planner hints (``INDEXED BY``, unary ``+``);
  they are stripped here and ``?`` becomes ``%s``.
* Schema: tables ``orders`` and ``fills`` with the same columns and keys as the SQLite file, plus
  ``utaex_schema(version)``. The venue creates them on first start and migrates older versions in
  place; a database newer than this code is refused.

Invariants: as ``SQLiteHistoryStore`` (an older order version never overwrites a newer committed
one: the upsert's ``WHERE excluded.updated >= orders.updated``).
"""

from __future__ import annotations

import re
import threading
from pathlib import Path
from typing import Any

from .base import ENDED_STATUSES, StoreError
from .overlay import BAR_TABLES, _bar_rows, _BarOverlay, _Overlay, _RecordOverlay
from .sqlite import SQLiteHistoryStore

__all__ = ["SCHEMA_VERSION", "PostgreSQLHistoryStore"]

SCHEMA_VERSION = 4

_SCHEMA = """
CREATE TABLE IF NOT EXISTS utaex_schema (version INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS orders (
    uid        BIGINT NOT NULL,
    category   TEXT NOT NULL,
    order_id   BIGINT NOT NULL,
    client_oid TEXT NOT NULL,
    symbol     TEXT NOT NULL,
    status     TEXT NOT NULL,
    created    BIGINT NOT NULL,
    updated    BIGINT NOT NULL,
    doc        BYTEA NOT NULL,
    PRIMARY KEY (uid, category, order_id)
);
CREATE INDEX IF NOT EXISTS orders_by_client_oid ON orders (uid, client_oid);
CREATE TABLE IF NOT EXISTS fills (
    uid      BIGINT NOT NULL,
    exec_id  BIGINT NOT NULL,
    order_id BIGINT NOT NULL,
    category TEXT NOT NULL,
    symbol   TEXT NOT NULL,
    created  BIGINT NOT NULL,
    doc      BYTEA NOT NULL,
    PRIMARY KEY (uid, exec_id)
);
CREATE INDEX IF NOT EXISTS fills_by_order ON fills (uid, order_id);
CREATE TABLE IF NOT EXISTS records (
    uid      BIGINT NOT NULL,
    kind     TEXT NOT NULL,
    id       BIGINT NOT NULL,
    category TEXT NOT NULL,
    symbol   TEXT NOT NULL,
    coin     TEXT NOT NULL,
    type     TEXT NOT NULL,
    created  BIGINT NOT NULL,
    doc      BYTEA NOT NULL,
    PRIMARY KEY (uid, kind, id)
);
""" + "".join(f"""
CREATE TABLE IF NOT EXISTS {table} (
    category  TEXT NOT NULL,
    symbol    TEXT NOT NULL,
    ts        BIGINT NOT NULL,
    o         BIGINT NOT NULL,
    h         BIGINT NOT NULL,
    l         BIGINT NOT NULL,
    c         BIGINT NOT NULL,
    vol       BIGINT NOT NULL,
    turnover  TEXT NOT NULL,
    last_exec BIGINT NOT NULL,
    PRIMARY KEY (category, symbol, ts)
);""" for table in ("bars", "hour_bars"))
# Migrations: version -> statements that bring the previous version to it (version 1 had no clientOid index,
# version 2 no minute bars, version 3 no records; the schema text above already creates missing tables on every start).
_MIGRATIONS: dict[int, str] = {2: "CREATE INDEX IF NOT EXISTS orders_by_client_oid ON orders (uid, client_oid);"}

_UPSERT_ORDER = (
    "INSERT INTO orders (order_id, uid, client_oid, category, symbol, status, created, updated, doc)"
    " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)"
    " ON CONFLICT (uid, category, order_id) DO UPDATE SET status = excluded.status, updated = excluded.updated,"
    " doc = excluded.doc WHERE excluded.updated >= orders.updated"
)
_UPSERT_FILL = (
    "INSERT INTO fills (uid, exec_id, order_id, category, symbol, created, doc) VALUES (%s, %s, %s, %s, %s, %s, %s)"
    " ON CONFLICT (uid, exec_id) DO UPDATE SET doc = excluded.doc"
)
_UPSERT_BAR = (
    "INSERT INTO {table} (category, symbol, ts, o, h, l, c, vol, turnover, last_exec)"
    " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
    " ON CONFLICT (category, symbol, ts) DO UPDATE SET o = excluded.o, h = excluded.h, l = excluded.l,"
    " c = excluded.c, vol = excluded.vol, turnover = excluded.turnover, last_exec = excluded.last_exec"
)
_UPSERT_RECORD = (
    "INSERT INTO records (uid, kind, id, category, symbol, coin, type, created, doc)"
    " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s) ON CONFLICT (uid, kind, id) DO UPDATE SET doc = excluded.doc"
)
_PRUNE_CHUNK = 2000
_HINTS = re.compile(r" INDEXED BY \w+|\+(?=[a-z_])")


def _psycopg() -> Any:
    try:
        import psycopg
    except ImportError as exc:  # an optional extra: the embedded default never needs it
        raise StoreError("a postgresql:// store needs psycopg: pip install 'utaex[postgresql]'") from exc
    return psycopg


def translate(sql: str) -> str:
    """The shared (SQLite-flavoured) query text in PostgreSQL's dialect."""
    return _HINTS.sub("", sql).replace("?", "%s")


class PostgreSQLHistoryStore(SQLiteHistoryStore):
    """History store in a PostgreSQL database named by a ``postgresql://`` URL (see the module docstring)."""

    def __init__(self, url: str, **options: Any) -> None:
        self.url = url
        self._sql: dict[str, str] = {}
        super().__init__(Path(url.rsplit("/", 1)[-1] or "postgresql"), **options)

    def _connect(self, **kw: Any) -> Any:
        try:
            return _psycopg().connect(self.url, **kw)
        except StoreError:
            raise
        except Exception as exc:
            raise StoreError(f"cannot connect to the history database {self.url}: {exc}") from exc

    def _init_db(self) -> None:
        conn = self._connect(autocommit=True)
        try:
            with conn.transaction():
                conn.execute("SELECT pg_advisory_xact_lock(7275697)")  # two venues starting at once
                conn.execute(_SCHEMA)
                row = conn.execute("SELECT max(version) FROM utaex_schema").fetchone()
                version = row[0] if row and row[0] is not None else None
                if version is None:
                    conn.execute("INSERT INTO utaex_schema (version) VALUES (%s)", (SCHEMA_VERSION,))
                elif version > SCHEMA_VERSION:
                    raise StoreError(f"{self.url}: schema version {version} is newer than supported {SCHEMA_VERSION}")
                elif version < SCHEMA_VERSION:
                    for v in range(version + 1, SCHEMA_VERSION + 1):
                        if v in _MIGRATIONS:
                            conn.execute(_MIGRATIONS[v])
                    conn.execute("UPDATE utaex_schema SET version = %s", (SCHEMA_VERSION,))
        finally:
            conn.close()

    def _open_backend(self) -> None:
        self._reader = self._connect(autocommit=True)
        self._writer = self._connect(autocommit=True)
        self._writer_lock = threading.Lock()

    def _stop_writer(self) -> None:
        with self._writer_lock:
            self._writer.close()

    def _ship(self, orders: _Overlay, fills: _Overlay, bars: _BarOverlay, recs: _RecordOverlay) -> None:
        order_rows = [row for per in orders.values() for row in per.values()]
        fill_rows = [row for per in fills.values() for row in per.values()]
        rec_rows = [row for per in recs.values() for row in per.values()]
        bar_rows = _bar_rows(bars)
        if not order_rows and not fill_rows and not bar_rows and not rec_rows:
            return
        with self._writer_lock:
            conn = self._writer
            try:
                with conn.transaction(), conn.cursor() as cur:
                    if order_rows:
                        cur.executemany(_UPSERT_ORDER, order_rows)
                    if fill_rows:
                        cur.executemany(_UPSERT_FILL, fill_rows)
                    for table, rows in bar_rows.items():
                        cur.executemany(_UPSERT_BAR.format(table=table), rows)
                    if rec_rows:
                        cur.executemany(_UPSERT_RECORD, rec_rows)
            except Exception as exc:
                raise StoreError(f"history database write failed: {exc}") from exc

    def _read(self, sql: str, params: tuple | list) -> list:
        text = self._sql.get(sql)
        if text is None:
            text = self._sql[sql] = translate(sql)
        with self._rlock:
            if self._closed:
                raise StoreError("history store is closed")
            return self._reader.execute(text, params).fetchall()

    def prune(self, older_than_ms: int) -> int:
        self.flush()
        steps = (
            ("DELETE FROM orders WHERE (uid, category, order_id) IN (SELECT uid, category, order_id FROM orders"
             f" WHERE created < %s AND status = ANY(%s) LIMIT {_PRUNE_CHUNK})", (older_than_ms, list(ENDED_STATUSES))),
            (f"DELETE FROM fills WHERE (uid, exec_id) IN (SELECT uid, exec_id FROM fills WHERE created < %s"
             f" LIMIT {_PRUNE_CHUNK})", (older_than_ms,)),
            (f"DELETE FROM records WHERE (uid, kind, id) IN (SELECT uid, kind, id FROM records WHERE created < %s"
             f" LIMIT {_PRUNE_CHUNK})", (older_than_ms,)),
            *((f"DELETE FROM {t} WHERE (category, symbol, ts) IN (SELECT category, symbol, ts FROM {t} WHERE ts < %s"
               f" LIMIT {_PRUNE_CHUNK})", (older_than_ms,)) for t in BAR_TABLES.values()),
        )
        deleted = 0
        conn = self._connect(autocommit=True)
        try:
            for sql, params in steps:
                while True:  # small transactions: the writer never waits long on a row lock
                    n = conn.execute(sql, params).rowcount
                    deleted += n
                    if n < _PRUNE_CHUNK:
                        break
        finally:
            conn.close()
        return deleted
