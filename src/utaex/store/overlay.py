"""The buffered, read-your-writes overlay in front of a history database, and its background writer.

``BufferedHistoryStore`` holds what every database-backed store shares: rows put on the event-loop
thread wait in an in-memory overlay, a writer thread hands them to the database in batches, and reads
merge the overlay over the database. A subclass provides the database (``_init_db``,
``_open_backend``, ``_stop_writer``, ``_ship``) and the queries (``sqlite.SQLiteHistoryStore``).

Invariants:

* Every row ever put is, at any instant, in exactly one of: the *dirty* overlay (put, not yet taken
  by the writer), the *in-flight* overlay (taken, being written) or the committed database, or in
  several of them with the newer version in the earlier place (dirty before in-flight before disk).
  The writer swaps dirty -> in-flight under the lock, commits the batch in one transaction with
  ``executemany``, and only then (under the lock) drops the in-flight overlay, so a row leaves the
  overlay only once its version, or a newer one, is committed.
* Readers snapshot the overlay (under the lock) *before* querying the database. A row missing from that
  snapshot was committed before the snapshot, so the query (a later read transaction) sees it: no
  row is ever invisible. Where a key is in both, the overlay version wins.
* Overlays are keyed by uid first, so a query only ever looks at its own user's buffered rows.
* Memory is bounded: when ``max_pending`` distinct keys are dirty, ``put_*`` waits for the writer
  to take the batch (backpressure); repeated puts of one key coalesce into one row.
"""

from __future__ import annotations

import threading
from abc import abstractmethod
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from .base import HistoryStore, StoreError

BAR_TABLES = {60_000: "bars", 3_600_000: "hour_bars"}  # bar span (ms) -> table

# Overlay row layouts (the insert statements' column order, so a batch goes to executemany as is).
# order: (order_id, uid, client_oid, category, symbol, status, created, updated, doc)
# fill:  (uid, exec_id, order_id, category, symbol, created, doc)
# record: (uid, kind, id, category, symbol, coin, type, created, doc), overlaid per (uid, kind) by id
# bar:   (category, symbol, ts, o, h, l, c, vol, turnover as text, last_exec)
_Row = tuple
_Overlay = dict[int, dict[int, _Row]]  # uid -> key (order_id / exec_id) -> row
_BarOverlay = dict[tuple[str, str, str], dict[int, _Row]]  # (table, category, symbol) -> ts -> row
_RecordOverlay = dict[tuple[int, str], dict[int, _Row]]  # (uid, kind) -> id -> row


class BufferedHistoryStore(HistoryStore):
    """The overlay and the writer thread (see the module docstring); the database is the subclass's.

    ``max_pending`` bounds the dirty overlay (distinct keys) before ``put_*`` waits for the writer;
    ``linger`` is how long the idle writer waits after the first row of a small batch for more rows
    (coalescing repeated updates of an order into one write).
    """

    _reader: Any  # the reader connection, opened by ``_open_backend``

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

    # ---- backend hooks (a subclass on another database provides these) --------------------------------
    @abstractmethod
    def _init_db(self) -> None:
        """Create or migrate the schema (called first, before the writer starts)."""

    @abstractmethod
    def _open_backend(self) -> None:
        """Open the reader connection (``self._reader``) and whatever the writer writes through."""

    @abstractmethod
    def _stop_writer(self) -> None:
        """Called on the writer thread as it ends."""

    @abstractmethod
    def _ship(self, orders: _Overlay, fills: _Overlay, bars: _BarOverlay, recs: _RecordOverlay) -> None:
        """Write one batch to the database and return once it is committed."""

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

    # ---- reads (event-loop thread) ------------------------------------------------------------------
    def _overlay(self, dirty: _Overlay, inflight: _Overlay, uid: int) -> dict[int, _Row]:
        """This user's buffered rows by key, dirty over in-flight; call BEFORE querying the database."""
        with self._lock:
            older, newer = inflight.get(uid), dirty.get(uid)
            if not older:
                return dict(newer) if newer else {}
            merged = dict(older)
            if newer:
                merged.update(newer)
            return merged

    def _bar_overlay(self, table: str, cat: str, sym: str) -> dict[int, _Row]:
        """This book's buffered bars by start, dirty over in-flight; call BEFORE querying the database."""
        with self._lock:
            merged = dict(self._inflight_bars.get((table, cat, sym)) or {})
            merged.update(self._dirty_bars.get((table, cat, sym)) or {})
            return merged


def _bar_table(span: int) -> str:
    table = BAR_TABLES.get(span)
    if table is None:
        raise ValueError(f"no bars of span {span} ms (spans: {sorted(BAR_TABLES)})")
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
