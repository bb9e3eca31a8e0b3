"""SQLite history store: a buffered, read-your-writes overlay in front of one WAL-mode database file.

Durability: the database runs in WAL mode with ``synchronous=NORMAL`` and rows are committed by a
background thread, so a crash (or power loss) may lose the unflushed tail and the last commits. That
is by design: the command journal, not this store, is the source of truth; after a crash the gateway
rebuilds/refreshes store rows from journal replay (``put_order`` / ``put_fill``).

Invariants:

* Every row ever put is, at any instant, in exactly one of: the *dirty* overlay (put, not yet taken
  by the writer), the *in-flight* overlay (taken, being written) or the committed database, or in
  several of them with the newer version in the earlier place (dirty before in-flight before disk).
  The writer swaps dirty -> in-flight under the lock, commits the batch in one transaction with
  ``executemany``, and only then (under the lock) drops the in-flight overlay, so a row leaves the
  overlay only once its version, or a newer one, is committed.
* Readers snapshot the overlay (under the lock) *before* querying SQLite. A row missing from that
  snapshot was committed before the snapshot, so the query (a later read transaction) sees it: no
  row is ever invisible. Where a key is in both, the overlay version wins.
* Overlays are keyed by uid first, so a query only ever looks at its own user's buffered rows.
* Memory is bounded: when ``max_pending`` distinct keys are dirty, ``put_*`` waits for the writer
  to take the batch (backpressure); repeated puts of one key coalesce into one row.
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
import threading
from collections.abc import Callable, Sequence
from multiprocessing.connection import Connection
from pathlib import Path

import msgspec

from ..core.enums import CATEGORIES
from .base import ENDED_STATUSES, BarRow, HistoryStore, StoreError, clamp_limit, parse_cursor

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
BAR_TABLES = {60_000: "bars", 3_600_000: "hour_bars"}  # bar span (ms) -> table
_UPSERT_BAR = (
    "INSERT INTO {table} (category, symbol, ts, o, h, l, c, vol, turnover, last_exec)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
    " ON CONFLICT (category, symbol, ts) DO UPDATE SET o = excluded.o, h = excluded.h, l = excluded.l,"
    " c = excluded.c, vol = excluded.vol, turnover = excluded.turnover, last_exec = excluded.last_exec"
)
_BAR_COLUMNS = "ts, o, h, l, c, vol, turnover, last_exec"
_PRUNE_CHUNK = 2000

# Overlay row layouts (the insert statements' column order, so a batch goes to executemany as is).
# order: (order_id, uid, client_oid, category, symbol, status, created, updated, doc)
# fill:  (uid, exec_id, order_id, category, symbol, created, doc)
# record: (uid, kind, id, category, symbol, coin, type, created, doc), overlaid per (uid, kind) by id
# bar:   (category, symbol, ts, o, h, l, c, vol, turnover as text, last_exec)
_Row = tuple
_Overlay = dict[int, dict[int, _Row]]  # uid -> key (order_id / exec_id) -> row
_BarOverlay = dict[tuple[str, str, str], dict[int, _Row]]  # (table, category, symbol) -> ts -> row
_RecordOverlay = dict[tuple[int, str], dict[int, _Row]]  # (uid, kind) -> id -> row


def _connect(path: Path, *, check_same_thread: bool = True) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None, timeout=30.0, check_same_thread=check_same_thread)
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute("PRAGMA temp_store = MEMORY")
    conn.execute("PRAGMA cache_size = -32768")
    return conn


class SQLiteHistoryStore(HistoryStore):
    """History store on one SQLite file (see the module and ``HistoryStore`` docstrings).

    ``max_pending`` bounds the dirty overlay (distinct keys) before ``put_*`` waits for the writer;
    ``linger`` is how long the idle writer waits after the first row of a small batch for more rows
    (coalescing repeated updates of an order into one write).
    """

    def __init__(self, path: Path | str, *, max_pending: int = 50_000, linger: float = 0.002,
                 busy: Callable[[], bool] | None = None, defer_below: int = 0) -> None:
        self.path = Path(path)
        #: While ``busy()`` is true and fewer than ``defer_below`` rows are pending, the writer waits:
        #: history writes yield to the trading path under load and catch up when it is quiet.
        self.busy = busy
        self._defer_below = defer_below
        self._max_pending = max(1, max_pending)
        self._linger = max(0.0, linger)
        self._init_db()
        self._lock = threading.Lock()
        self._work = threading.Condition(self._lock)  # wakes the writer
        self._done = threading.Condition(self._lock)  # wakes flushers and backpressured putters
        self._dirty_orders: _Overlay = {}
        self._dirty_fills: _Overlay = {}
        self._inflight_orders: _Overlay = {}
        self._inflight_fills: _Overlay = {}
        self._dirty_bars: _BarOverlay = {}
        self._inflight_bars: _BarOverlay = {}
        self._dirty_records: _RecordOverlay = {}
        self._inflight_records: _RecordOverlay = {}
        self._pending = 0  # distinct dirty keys
        self._swap_gen = 0  # batches taken by the writer
        self._done_gen = 0  # batches committed
        self._flush_req = False
        self._writer_idle = False
        self._stopping = False
        self._refuse: str | None = None  # why put_* is refused (closed / writer failed)
        self._error: BaseException | None = None
        self._rlock = threading.Lock()
        self._closed = False  # reader connection closed
        self._open_backend()
        self._thread = threading.Thread(target=self._run, name=f"history-writer:{self.path.name}", daemon=True)
        self._thread.start()

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

    # ---- writes (event-loop thread) ---------------------------------------------------------------
    def put_order(self, uid: int, order_id: int, client_oid: str, category: str, symbol: str, status: str,
                  created: int, updated: int, doc: bytes) -> None:
        self.put_orders(((uid, order_id, client_oid, category, symbol, status, created, updated, doc),))

    def put_orders(self, rows: Sequence[tuple[int, int, str, str, str, str, int, int, bytes]]) -> None:
        with self._lock:
            if self._pending >= self._max_pending:
                self._wait_for_room()
            if self._refuse is not None:
                raise StoreError(self._refuse)
            dirty = self._dirty_orders
            added = 0
            for uid, order_id, client_oid, category, symbol, status, created, updated, doc in rows:
                per = dirty.get(uid)
                if per is None:
                    per = dirty[uid] = {}
                old = per.get(order_id)
                if old is None:
                    added += 1
                elif old[7] > updated:
                    continue  # an older version arriving late never replaces a newer one
                per[order_id] = (order_id, uid, client_oid, category, symbol, status, created, updated, doc)
            self._pending += added
            if self._writer_idle:
                self._writer_idle = False
                self._work.notify()

    def put_fill(self, uid: int, exec_id: int, order_id: int, category: str, symbol: str, created: int,
                 doc: bytes) -> None:
        row = (uid, exec_id, order_id, category, symbol, created, doc)
        with self._lock:
            if self._pending >= self._max_pending:
                self._wait_for_room()
            if self._refuse is not None:
                raise StoreError(self._refuse)
            per = self._dirty_fills.get(uid)
            if per is None:
                per = self._dirty_fills[uid] = {}
            if exec_id not in per:
                self._pending += 1
            per[exec_id] = row
            if self._writer_idle:
                self._writer_idle = False
                self._work.notify()

    def put_bars(self, rows: Sequence[tuple[str, str, int, int, int, int, int, int, int, int]],
                 span: int = 60_000) -> None:
        table = _bar_table(span)
        with self._lock:
            if self._pending >= self._max_pending:
                self._wait_for_room()
            if self._refuse is not None:
                raise StoreError(self._refuse)
            for cat, sym, ts, o, h, lo, c, vol, turnover, last_exec in rows:
                per = self._dirty_bars.get((table, cat, sym))
                if per is None:
                    per = self._dirty_bars[(table, cat, sym)] = {}
                if ts not in per:
                    self._pending += 1
                per[ts] = (cat, sym, ts, o, h, lo, c, vol, str(turnover), last_exec)
            if self._writer_idle:
                self._writer_idle = False
                self._work.notify()

    def put_records(self, rows: Sequence[tuple[int, str, int, str, str, str, str, int, bytes]]) -> None:
        with self._lock:
            if self._pending >= self._max_pending:
                self._wait_for_room()
            if self._refuse is not None:
                raise StoreError(self._refuse)
            dirty = self._dirty_records
            for row in rows:
                per = dirty.get((row[0], row[1]))
                if per is None:
                    per = dirty[(row[0], row[1])] = {}
                if row[2] not in per:
                    self._pending += 1
                per[row[2]] = row
            if self._writer_idle:
                self._writer_idle = False
                self._work.notify()

    def _wait_for_room(self) -> None:  # lock held
        while self._pending >= self._max_pending and self._refuse is None:
            self._writer_idle = False
            self._work.notify()
            self._done.wait()

    def backlog(self) -> int:
        """Rows put but not yet committed (dirty plus in flight)."""
        with self._lock:
            inflight = sum(len(v) for v in self._inflight_orders.values())
            inflight += sum(len(v) for v in self._inflight_fills.values())
            inflight += sum(len(v) for v in self._inflight_bars.values())
            inflight += sum(len(v) for v in self._inflight_records.values())
            return self._pending + inflight

    def flush(self) -> None:
        with self._lock:
            target = self._swap_gen + (1 if self._pending else 0)
            while self._done_gen < target and self._error is None:
                if not self._thread.is_alive():
                    break
                self._flush_req = True
                self._writer_idle = False
                self._work.notify()
                self._done.wait()
            if self._error is not None:
                raise StoreError(f"history writer failed: {self._error!r}") from self._error

    def close(self) -> None:
        with self._lock:
            already = self._stopping
            self._stopping = True
            if self._refuse is None:
                self._refuse = "history store is closed"
            self._work.notify()
            self._done.notify_all()
        if already:
            return
        self._thread.join()
        with self._rlock:
            self._closed = True
            self._reader.close()
        if self._error is not None:
            raise StoreError(f"history writer failed: {self._error!r}") from self._error

    # ---- background writer --------------------------------------------------------------------------
    def _run(self) -> None:
        try:
            while True:
                with self._lock:
                    while not self._pending and not self._stopping and not self._flush_req:
                        self._writer_idle = True
                        self._work.wait()
                    self._writer_idle = False
                    if self._linger and not (self._stopping or self._flush_req) and self._pending < 1000:
                        self._work.wait(self._linger)  # puts do not notify while we are not idle
                    busy = self.busy
                    while (busy is not None and busy() and self._pending < self._defer_below
                           and not (self._stopping or self._flush_req)):
                        self._work.wait(0.002)  # yield the CPU to the trading path while it is busy
                    if self._stopping and not self._pending:
                        return
                    orders, fills, bars = self._dirty_orders, self._dirty_fills, self._dirty_bars
                    self._inflight_orders, self._inflight_fills, self._inflight_bars = orders, fills, bars
                    self._dirty_orders, self._dirty_fills, self._dirty_bars = {}, {}, {}
                    recs = self._inflight_records = self._dirty_records
                    self._dirty_records = {}
                    self._pending = 0
                    self._flush_req = False
                    self._swap_gen += 1
                    gen = self._swap_gen
                    self._done.notify_all()  # room again for backpressured putters
                self._ship(orders, fills, bars, recs)
                with self._lock:
                    self._inflight_orders, self._inflight_fills, self._inflight_bars = {}, {}, {}
                    self._inflight_records = {}
                    self._done_gen = gen
                    self._done.notify_all()
                _release(orders)
                _release(fills)
        except BaseException as exc:  # keep the in-flight overlay: its rows stay readable
            with self._lock:
                self._error = exc
                self._refuse = f"history writer failed: {exc!r}"
                self._done.notify_all()
        finally:
            self._stop_writer()
            with self._lock:
                self._done.notify_all()

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
    def _overlay(self, dirty: _Overlay, inflight: _Overlay, uid: int) -> dict[int, _Row]:
        """This user's buffered rows by key, dirty over in-flight; call BEFORE querying SQLite."""
        with self._lock:
            older, newer = inflight.get(uid), dirty.get(uid)
            if not older:
                return dict(newer) if newer else {}
            merged = dict(older)
            if newer:
                merged.update(newer)
            return merged

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
    def _bar_overlay(self, table: str, cat: str, sym: str) -> dict[int, _Row]:
        """This book's buffered bars by start, dirty over in-flight; call BEFORE querying the database."""
        with self._lock:
            merged = dict(self._inflight_bars.get((table, cat, sym)) or {})
            merged.update(self._dirty_bars.get((table, cat, sym)) or {})
            return merged

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


def _bar_table(span: int) -> str:
    table = BAR_TABLES.get(span)
    if table is None:
        raise ValueError(f"no bars of span {span} ms (spans: {sorted(BAR_TABLES)})")
    return table


def _bar_table_named(table: str) -> str:
    if table not in BAR_TABLES.values():  # only our own names reach the SQL text
        raise ValueError(f"unknown bar table {table!r}")
    return table


def _bar_rows(bars: _BarOverlay) -> dict[str, list[_Row]]:
    out: dict[str, list[_Row]] = {}
    for (table, _, _), per in bars.items():
        out.setdefault(table, []).extend(per.values())
    return out


def _release(overlay: _Overlay) -> None:
    """Free a committed overlay row by row. Dropped at once, a large one (say 900,000 rows after a long
    burst) is one deallocation that holds the interpreter lock throughout (~0.15 s), stalling the venue."""
    while overlay:
        _, per = overlay.popitem()
        while per:
            per.popitem()


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
