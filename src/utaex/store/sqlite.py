"""SQLite history store: a buffered, read-your-writes overlay in front of one WAL-mode database file.

Durability: the database runs in WAL mode with ``synchronous=NORMAL`` and rows are committed by a
background thread, so a crash (or power loss) may lose the unflushed tail and the last commits. That
is by design: the command journal, not this store, is the source of truth; after a crash the gateway
rebuilds/refreshes store rows from journal replay (``put_order`` / ``put_fill``).

Invariants:

* The buffered overlay in front of the database and its writer thread are ``overlay.py``'s
  (``BufferedHistoryStore``, with the invariants of what is buffered and when it becomes visible).
* Reads on the event-loop thread are index scans pinned with ``INDEXED BY`` and ``LIMIT <= 101``.
* One connection per role: the writer process owns its own; readers share one (serialised by a
  lock); ``prune`` opens a short-lived one and deletes in small transactions.
"""

from __future__ import annotations

import contextlib
import itertools
import multiprocessing
import os
import sqlite3
from collections.abc import Callable, Sequence
from multiprocessing.connection import Connection
from pathlib import Path

import msgspec

from ..core.enums import CATEGORIES
from .base import ENDED_STATUSES, BarRow, StoreError, clamp_limit, parse_cursor
from .overlay import (
    BAR_TABLES,
    BufferedHistoryStore,
    _bar_rows,
    _bar_table,
    _BarOverlay,
    _Overlay,
    _RecordOverlay,
    _Row,
)

__all__ = ["SQLiteHistoryStore"]

SCHEMA_VERSION = 4

_SCHEMA = """
CREATE TABLE IF NOT EXISTS orders (
    uid        INTEGER NOT NULL,
    category   TEXT NOT NULL,
    order_id   INTEGER NOT NULL,
    client_oid TEXT NOT NULL,
    symbol     TEXT NOT NULL,
    status     TEXT NOT NULL,
    created    INTEGER NOT NULL,
    updated    INTEGER NOT NULL,
    doc        BLOB NOT NULL,
    PRIMARY KEY (uid, category, order_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS orders_by_client_oid ON orders (uid, client_oid);
CREATE TABLE IF NOT EXISTS fills (
    uid      INTEGER NOT NULL,
    exec_id  INTEGER NOT NULL,
    order_id INTEGER NOT NULL,
    category TEXT NOT NULL,
    symbol   TEXT NOT NULL,
    created  INTEGER NOT NULL,
    doc      BLOB NOT NULL,
    PRIMARY KEY (uid, exec_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS fills_by_order ON fills (uid, order_id);
CREATE TABLE IF NOT EXISTS records (
    uid      INTEGER NOT NULL,
    kind     TEXT NOT NULL,
    id       INTEGER NOT NULL,
    category TEXT NOT NULL,
    symbol   TEXT NOT NULL,
    coin     TEXT NOT NULL,
    type     TEXT NOT NULL,
    created  INTEGER NOT NULL,
    doc      BLOB NOT NULL,
    PRIMARY KEY (uid, kind, id)
) WITHOUT ROWID;
""" + "".join(f"""
CREATE TABLE IF NOT EXISTS {table} (
    category  TEXT NOT NULL,
    symbol    TEXT NOT NULL,
    ts        INTEGER NOT NULL,
    o         INTEGER NOT NULL,
    h         INTEGER NOT NULL,
    l         INTEGER NOT NULL,
    c         INTEGER NOT NULL,
    vol       INTEGER NOT NULL,
    turnover  TEXT NOT NULL,
    last_exec INTEGER NOT NULL,
    PRIMARY KEY (category, symbol, ts)
) WITHOUT ROWID;""" for table in ("bars", "hour_bars"))
# Index notes. Writes dominate (tens of thousands of ended orders per second under load), so each row
# touches two b-trees only: the clustered primary key, which also pages a user's history per category
# newest first, and one secondary index (clientOid lookups / a fill's order). Symbol and time filters
# are checked while walking the primary key; prune scans (it runs rarely, off the hot path). Documents
# are compact (the gateway formats them when read), which keeps WITHOUT ROWID rows small.
SHIP_ROWS = 4000  # rows per message to the writer process
_SHIP_ENCODE = msgspec.msgpack.Encoder().encode

_UPSERT_ORDER = (
    "INSERT INTO orders (order_id, uid, client_oid, category, symbol, status, created, updated, doc)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
    " ON CONFLICT (uid, category, order_id) DO UPDATE SET status = excluded.status, updated = excluded.updated,"
    " doc = excluded.doc WHERE excluded.updated >= orders.updated"
)
_UPSERT_FILL = (
    "INSERT INTO fills (uid, exec_id, order_id, category, symbol, created, doc) VALUES (?, ?, ?, ?, ?, ?, ?)"
    " ON CONFLICT (uid, exec_id) DO UPDATE SET doc = excluded.doc"
)
_UPSERT_RECORD = (
    "INSERT INTO records (uid, kind, id, category, symbol, coin, type, created, doc) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
    " ON CONFLICT (uid, kind, id) DO UPDATE SET doc = excluded.doc"
)
_UPSERT_BAR = (
    "INSERT INTO {table} (category, symbol, ts, o, h, l, c, vol, turnover, last_exec)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
    " ON CONFLICT (category, symbol, ts) DO UPDATE SET o = excluded.o, h = excluded.h, l = excluded.l,"
    " c = excluded.c, vol = excluded.vol, turnover = excluded.turnover, last_exec = excluded.last_exec"
)
_BAR_COLUMNS = "ts, o, h, l, c, vol, turnover, last_exec"
_PRUNE_CHUNK = 2000


def _connect(path: Path, *, check_same_thread: bool = True) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None, timeout=30.0, check_same_thread=check_same_thread)
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute("PRAGMA temp_store = MEMORY")
    conn.execute("PRAGMA cache_size = -32768")
    return conn


class SQLiteHistoryStore(BufferedHistoryStore):
    """History store on one SQLite file (see the module, ``BufferedHistoryStore`` and ``HistoryStore`` docstrings)."""

    # ---- backend hooks (a subclass on another database overrides these and the SQL below) ---------------
    def _open_backend(self) -> None:
        """Open the reader connection and start the writer process."""
        self._reader = _connect(self.path, check_same_thread=False)
        self._reader.execute("PRAGMA query_only = ON")
        ctx = multiprocessing.get_context("spawn")
        self._pipe, child_end = ctx.Pipe()
        self._proc = ctx.Process(target=_writer_process, args=(str(self.path), child_end),
                                 name=f"utaex-history-writer:{self.path.name}", daemon=True)
        self._proc.start()
        child_end.close()

    def _stop_writer(self) -> None:
        """Called on the writer thread as it ends."""
        try:
            self._pipe.send_bytes(b"")  # stop
            self._proc.join(30)
        except (OSError, ValueError):
            pass

    def _init_db(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        conn = _connect(self.path)
        try:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise StoreError(f"{self.path}: schema version {version} is newer than supported {SCHEMA_VERSION}")
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA journal_size_limit = 67108864")
            conn.executescript(_SCHEMA)
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        finally:
            conn.close()

    def _ship(self, orders: _Overlay, fills: _Overlay, bars: _BarOverlay, recs: _RecordOverlay) -> None:
        """Hand one batch to the writer process and wait until it is committed."""
        order_rows = (row for per in orders.values() for row in per.values())
        fill_rows = (row for per in fills.values() for row in per.values())
        rec_rows = (row for per in recs.values() for row in per.values())
        bar_rows = _bar_rows(bars)  # a few per minute
        # in slices, so that serializing a large backlog never holds the interpreter lock for long;
        # MessagePack (msgspec) rather than pickle: about a third of the time under the lock per slice
        while True:
            batch = (list(itertools.islice(order_rows, SHIP_ROWS)), list(itertools.islice(fill_rows, SHIP_ROWS)),
                     bar_rows, list(itertools.islice(rec_rows, SHIP_ROWS)))
            bar_rows = {}
            if not batch[0] and not batch[1] and not batch[2] and not batch[3]:
                return
            self._pipe.send_bytes(_SHIP_ENCODE(batch))
            if not self._pipe.poll(300):
                raise StoreError("history writer process did not answer")
            error = self._pipe.recv()
            if error is not None:
                raise StoreError(f"history writer process failed: {error}")

    @staticmethod
    def _write(conn: sqlite3.Connection, order_rows: list[_Row], fill_rows: list[_Row],
               bar_rows: dict[str, list[_Row]], rec_rows: list[_Row]) -> None:
        conn.execute("BEGIN IMMEDIATE")
        try:
            if order_rows:
                conn.executemany(_UPSERT_ORDER, order_rows)
            if fill_rows:
                conn.executemany(_UPSERT_FILL, fill_rows)
            for table, rows in bar_rows.items():
                conn.executemany(_UPSERT_BAR.format(table=_bar_table_named(table)), rows)
            if rec_rows:
                conn.executemany(_UPSERT_RECORD, rec_rows)
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise

    # ---- reads (event-loop thread) ------------------------------------------------------------------
    def _read(self, sql: str, params: tuple | list) -> list:
        with self._rlock:
            if self._closed:
                raise StoreError("history store is closed")
            return self._reader.execute(sql, params).fetchall()

    def get_order(self, uid: int, order_id: int | None = None, client_oid: str | None = None) -> bytes | None:
        if order_id is not None:
            with self._lock:
                row = self._dirty_orders.get(uid, {}).get(order_id) or self._inflight_orders.get(uid, {}).get(order_id)
            if row is not None:
                return row[8]
            found = self._read("SELECT doc FROM orders WHERE uid = ? AND category IN (?, ?, ?, ?, ?) AND order_id = ?",
                               (uid, *CATEGORIES, order_id))
            return found[0][0] if found else None
        if not client_oid:
            return None
        best: _Row | None = None
        for row in self._overlay(self._dirty_orders, self._inflight_orders, uid).values():
            if row[2] == client_oid and (best is None or row[0] > best[0]):
                best = row
        found = self._read("SELECT order_id, doc FROM orders INDEXED BY orders_by_client_oid"
                           " WHERE uid = ? AND client_oid = ? ORDER BY +order_id DESC LIMIT 1", (uid, client_oid))
        if found and (best is None or found[0][0] > best[0]):
            return found[0][1]
        return best[8] if best is not None else None

    def history_orders(self, uid: int, category: str, symbol: str | None, start: int | None, end: int | None,
                       limit: int, cursor: str | None,
                       statuses: tuple[str, ...] = ENDED_STATUSES) -> tuple[list[bytes], str]:
        bound, limit = parse_cursor(cursor), clamp_limit(limit)
        overlay = self._overlay(self._dirty_orders, self._inflight_orders, uid)
        status_set = frozenset(statuses)

        def keep(r: _Row) -> bool:
            return (r[3] == category and (not symbol or r[4] == symbol) and (not status_set or r[5] in status_set)
                    and (start is None or r[6] >= start) and (end is None or r[6] <= end))

        where, params = ["uid = ?", "category = ?"], [uid, category]
        if symbol:
            where.append("+symbol = ?")
            params.append(symbol)
        if statuses:
            where.append(f"+status IN ({', '.join('?' * len(statuses))})")
            params.extend(statuses)
        self._time_filter(where, params, start, end)
        head = f"SELECT order_id, doc FROM orders WHERE {' AND '.join(where)}"
        return self._page(overlay, keep, 0, 8, head, "order_id", params, bound, limit)

    def fills(self, uid: int, category: str | None, order_id: int | None, start: int | None, end: int | None,
              limit: int, cursor: str | None) -> tuple[list[bytes], str]:
        bound, limit = parse_cursor(cursor), clamp_limit(limit)
        overlay = self._overlay(self._dirty_fills, self._inflight_fills, uid)

        def keep(r: _Row) -> bool:
            return ((not category or r[3] == category) and (order_id is None or r[2] == order_id)
                    and (start is None or r[5] >= start) and (end is None or r[5] <= end))

        where: list[str] = ["uid = ?"]
        params: list[object] = [uid]
        if order_id is not None:
            where.append("order_id = ?")
            params.append(order_id)
        if category:
            where.append("+category = ?")
            params.append(category)
        self._time_filter(where, params, start, end)
        index = " INDEXED BY fills_by_order" if order_id is not None else ""
        head = f"SELECT exec_id, doc FROM fills{index} WHERE {' AND '.join(where)}"
        return self._page(overlay, keep, 1, 6, head, "exec_id", params, bound, limit)

    @staticmethod
    def _time_filter(where: list[str], params: list, start: int | None, end: int | None) -> None:
        # unary +: checked while walking the key order, never a reason to pick another plan
        if start is not None:
            where.append("+created >= ?")
            params.append(start)
        if end is not None:
            where.append("+created <= ?")
            params.append(end)

    def _page(self, overlay: dict[int, _Row], keep: Callable[[_Row], bool], key_at: int, doc_at: int, head: str,
              key: str, params: list, bound: int | None, limit: int) -> tuple[list[bytes], str]:
        """Merge the overlay and SQLite into one keyset page: keys below ``bound``, descending."""
        want = limit + 1  # one more than the page, to know whether a next page exists
        mine = [(k, r[doc_at]) for k, r in overlay.items() if (bound is None or k < bound) and keep(r)]
        mine.sort(key=lambda kv: kv[0], reverse=True)
        merged = mine[:want]
        below, fetch, from_sql = bound, want, 0
        while True:  # SQLite rows the overlay supersedes are skipped: read on until `want` survive
            if below is None:
                rows = self._read(f"{head} ORDER BY {key} DESC LIMIT ?", [*params, fetch])
            else:
                rows = self._read(f"{head} AND {key} < ? ORDER BY {key} DESC LIMIT ?", [*params, below, fetch])
            survivors = [r for r in rows if r[0] not in overlay] if overlay else rows
            merged.extend(survivors)
            from_sql += len(survivors)
            if len(rows) < fetch or from_sql >= want:
                break
            below, fetch = rows[-1][0], min(fetch * 2, 4096)
        merged.sort(key=lambda kv: kv[0], reverse=True)
        page = merged[:limit]
        next_cursor = str(page[-1][0]) if len(merged) > limit else ""
        return [doc for _, doc in page], next_cursor

    def records(self, uid: int, kind: str, category: str, symbol: str | None, coin: str | None, type_: str | None,
                start: int | None, end: int | None, limit: int, cursor: str | None) -> tuple[list[bytes], str]:
        bound, limit = parse_cursor(cursor), clamp_limit(limit)
        with self._lock:
            older, newer = self._inflight_records.get((uid, kind)), self._dirty_records.get((uid, kind))
            overlay = dict(older) if older else {}
            if newer:
                overlay.update(newer)

        def keep(r: _Row) -> bool:
            return (r[3] == category and (not symbol or r[4] == symbol) and (not coin or r[5] == coin)
                    and (not type_ or r[6] == type_) and (start is None or r[7] >= start)
                    and (end is None or r[7] <= end))

        where, params = ["uid = ?", "kind = ?"], [uid, kind]
        for column, value in (("category", category), ("symbol", symbol), ("coin", coin), ("type", type_)):
            if value:
                where.append(f"+{column} = ?")
                params.append(value)
        self._time_filter(where, params, start, end)
        head = f"SELECT id, doc FROM records WHERE {' AND '.join(where)}"
        return self._page(overlay, keep, 2, 8, head, "id", params, bound, limit)

    # ---- minute bars ----------------------------------------------------------------------------------
    @staticmethod
    def _bar(cat: str, sym: str, r: Sequence) -> BarRow:
        return BarRow(cat, sym, r[0], r[1], r[2], r[3], r[4], r[5], int(r[6]), r[7])

    def bars(self, category: str, symbol: str, start: int, end: int, span: int = 60_000) -> list[BarRow]:
        table = _bar_table(span)
        overlay = {ts: r[2:] for ts, r in self._bar_overlay(table, category, symbol).items() if start <= ts < end}
        rows = self._read(f"SELECT {_BAR_COLUMNS} FROM {table} WHERE category = ? AND symbol = ? AND ts >= ?"
                          " AND ts < ? ORDER BY ts", (category, symbol, start, end))
        if overlay:
            merged = {r[0]: r for r in rows}
            merged.update(overlay)
            rows = [merged[ts] for ts in sorted(merged)]
        return [self._bar(category, symbol, r) for r in rows]

    def last_bar(self, category: str, symbol: str, before: int | None = None, span: int = 60_000) -> BarRow | None:
        bound = 2**62 if before is None else before
        table = _bar_table(span)
        mine = [r[2:] for ts, r in self._bar_overlay(table, category, symbol).items() if ts < bound]
        rows = self._read(f"SELECT {_BAR_COLUMNS} FROM {table} WHERE category = ? AND symbol = ? AND ts < ?"
                          " ORDER BY ts DESC LIMIT 1", (category, symbol, bound))
        best = max([*mine, *rows], key=lambda r: r[0], default=None)
        return None if best is None else self._bar(category, symbol, best)

    # ---- retention ----------------------------------------------------------------------------------
    def prune(self, older_than_ms: int) -> int:
        self.flush()
        statuses = ", ".join("?" * len(ENDED_STATUSES))
        steps = (
            (f"DELETE FROM orders WHERE (uid, category, order_id) IN (SELECT uid, category, order_id FROM orders"
             f" WHERE created < ? AND status IN ({statuses}) LIMIT {_PRUNE_CHUNK})", (older_than_ms, *ENDED_STATUSES)),
            (f"DELETE FROM fills WHERE (uid, exec_id) IN (SELECT uid, exec_id FROM fills"
             f" WHERE created < ? LIMIT {_PRUNE_CHUNK})", (older_than_ms,)),
            (f"DELETE FROM records WHERE (uid, kind, id) IN (SELECT uid, kind, id FROM records"
             f" WHERE created < ? LIMIT {_PRUNE_CHUNK})", (older_than_ms,)),
            *((f"DELETE FROM {t} WHERE (category, symbol, ts) IN (SELECT category, symbol, ts FROM {t}"
               f" WHERE ts < ? LIMIT {_PRUNE_CHUNK})", (older_than_ms,)) for t in BAR_TABLES.values()),
        )
        deleted = 0
        conn = _connect(self.path)
        try:
            for sql, params in steps:
                while True:  # small transactions, so the writer process never waits long for the lock
                    n = conn.execute(sql, params).rowcount
                    deleted += n
                    if n < _PRUNE_CHUNK:
                        break
        finally:
            conn.close()
        return deleted



def _bar_table_named(table: str) -> str:
    if table not in BAR_TABLES.values():  # only our own names reach the SQL text
        raise ValueError(f"unknown bar table {table!r}")
    return table



def _writer_process(path: str, pipe: Connection) -> None:
    """The history writer: its own process (own interpreter lock), at a lower CPU priority than the
    venue, committing each batch it receives and answering ``None`` or the error text."""
    with contextlib.suppress(OSError):
        os.nice(10)
    conn = _connect(Path(path))
    try:
        while True:
            try:
                data = pipe.recv_bytes()
            except EOFError:
                return
            if not data:
                return
            try:
                order_rows, fill_rows, bar_rows, rec_rows = msgspec.msgpack.decode(data)  # rows arrive as lists
                SQLiteHistoryStore._write(conn, order_rows, fill_rows, bar_rows, rec_rows)
            except Exception as exc:  # answered, the parent raises it
                pipe.send(repr(exc))
            else:
                pipe.send(None)
    finally:
        conn.close()
