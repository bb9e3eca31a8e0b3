"""The history-store interface: what the gateway needs to answer order/fill history queries.

The engine runs in memory; every order change and every fill it reports becomes one row here.
The gateway encodes the Bitget-shaped JSON document itself and hands it over as opaque ``doc``
bytes together with a few index columns; a store never parses a document.

Contract shared by every implementation (SQLite now, PostgreSQL later):

* ``put_order`` / ``put_fill`` are called on the event-loop thread, tens of thousands of times a
  second. They never wait for disk: rows are buffered and a background writer commits them in
  batches. They may block briefly when the buffer is full (backpressure), never indefinitely.
* Read-your-writes: every read sees every row put before it, flushed or not.
* Orders are keyed by ``order_id`` (global). The caller puts an order's versions with ``updated``
  non-decreasing; an equal ``updated`` replaces (the latest put wins). A late, older version (as
  when replaying the journal over a store that already holds newer rows) never overwrites a newer
  committed or buffered one; it may be visible only until the next flush.
* Fills are keyed by ``(uid, exec_id)``: both sides of a trade share an ``exec_id``; a repeated put
  of the same key replaces the document (fills are immutable, so this only makes replays idempotent).
* A user only ever sees their own rows: another user's order answers exactly like a missing one.
* Paging is keyset paging on the id, newest first: a page holds rows with id strictly below the
  cursor; the returned cursor is the last returned id as a decimal string, or ``""`` when no row
  is left. Pages never overlap and, for rows that keep matching, never skip one, however many
  rows arrive meanwhile (ids grow with time, so new rows land above the first page).
* Time bounds (``start``/``end``, milliseconds, inclusive) filter on ``created``. The 90-day access
  window and the 30-day maximum range of Bitget's history endpoints are validated by the gateway,
  not here: a store answers any range it is given.
* ``limit`` is clamped to ``1..MAX_LIMIT``; a cursor that is not a non-negative integer raises
  ``ValueError`` (the gateway maps it to a parameter error).
* Minute bars (the candle feed, ``utaex.core.candles``) are keyed by ``(category, symbol, start)``,
  ``category`` being the order book's (SPOT for SPOT and MARGIN); a repeated put replaces the bar. A
  bar row is ``BarRow``; the turnover (value units, beyond 64 bits) is kept exactly as decimal text.
  Reads see every put (read-your-writes, like orders); ``prune`` also removes bars older than its bound.
* Records (financial records and closed positions, ``kind`` ``"ledger"`` / ``"position"``) are keyed by
  ``(uid, kind, id)`` with ``id`` unique and growing with time; a repeated put replaces the document. They
  are paged like fills (newest first, keyset on ``id``), filtered on category (exact) and optionally on
  symbol, coin and type; the store never interprets a type, so any new type is recorded and filtered as is.
* The store is not the durability source of truth: the command journal is. A store may lose rows
  that were not yet flushed when the process died; the gateway refreshes them from replay.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from types import TracebackType
from typing import NamedTuple

__all__ = [
    "ENDED_STATUSES",
    "MAX_LIMIT",
    "BarRow",
    "HistoryStore",
    "StoreError",
    "clamp_limit",
    "parse_cursor",
]

MAX_LIMIT = 100
"""Largest page a history query returns (Bitget's maximum ``limit``)."""

ENDED_STATUSES: tuple[str, ...] = ("filled", "cancelled")
"""Order statuses that end an order: the default filter of ``history_orders`` and what ``prune`` may delete."""


class StoreError(RuntimeError):
    """The store cannot accept rows: it is closed, or its background writer failed."""


class BarRow(NamedTuple):
    """One minute bar of one book, in ``put_bars`` order: ticks, lots and value units (ints)."""

    category: str
    symbol: str
    start: int
    open: int
    high: int
    low: int
    close: int
    volume: int
    turnover: int
    last_exec: int


def parse_cursor(cursor: str | None) -> int | None:
    """The id bound a cursor names (``None``/``""`` = first page); ``ValueError`` if malformed."""
    if cursor is None or cursor == "":
        return None
    if not cursor.isascii() or not cursor.isdigit():
        raise ValueError(f"invalid cursor {cursor!r}")
    return int(cursor)


def clamp_limit(limit: int) -> int:
    """``limit`` forced into ``1..MAX_LIMIT``."""
    return 1 if limit < 1 else min(limit, MAX_LIMIT)


class HistoryStore(ABC):
    """Queryable history of orders and fills (see the module docstring for the contract)."""

    def backlog(self) -> int:
        """Rows put but not yet committed; 0 for stores that write synchronously."""
        return 0

    @abstractmethod
    def put_order(self, uid: int, order_id: int, client_oid: str, category: str, symbol: str, status: str,
                  created: int, updated: int, doc: bytes) -> None:
        """Upsert one order version by ``order_id`` (newest ``updated`` wins; equal replaces). Non-blocking."""

    def put_orders(self, rows: Sequence[tuple[int, int, str, str, str, str, int, int, bytes]]) -> None:
        """``put_order`` for each row, given as ``put_order``'s arguments in order (one call per command)."""
        for row in rows:
            self.put_order(*row)

    @abstractmethod
    def put_fill(self, uid: int, exec_id: int, order_id: int, category: str, symbol: str, created: int,
                 doc: bytes) -> None:
        """Insert one fill keyed by ``(uid, exec_id)`` (a repeat replaces the doc). Non-blocking."""

    @abstractmethod
    def get_order(self, uid: int, order_id: int | None = None, client_oid: str | None = None) -> bytes | None:
        """The latest doc of ``uid``'s order, by ``order_id`` (which wins when both are given) or else by
        ``client_oid`` (the most recent order, i.e. the greatest ``order_id``, with that clientOid).

        ``None`` when no such order of this user exists or when neither id is given (``""`` counts as
        not given). Live orders are returned too; the caller decides what to do with them.
        """

    @abstractmethod
    def history_orders(self, uid: int, category: str, symbol: str | None, start: int | None, end: int | None,
                       limit: int, cursor: str | None,
                       statuses: tuple[str, ...] = ENDED_STATUSES) -> tuple[list[bytes], str]:
        """One page of ``uid``'s orders of ``category`` (and ``symbol``) whose status is in ``statuses``
        (an empty tuple matches every status) and whose ``created`` lies within ``[start, end]``,
        ordered by ``order_id`` descending, below ``cursor``. Returns ``(docs, next_cursor)``.
        """

    @abstractmethod
    def fills(self, uid: int, category: str | None, order_id: int | None, start: int | None, end: int | None,
              limit: int, cursor: str | None) -> tuple[list[bytes], str]:
        """One page of ``uid``'s fills (optionally of one ``category`` / one ``order_id``) whose ``created``
        lies within ``[start, end]``, ordered by ``exec_id`` descending, below ``cursor``.
        """

    @abstractmethod
    def put_records(self, rows: Sequence[tuple[int, str, int, str, str, str, str, int, bytes]]) -> None:
        """Upsert records given as ``(uid, kind, id, category, symbol, coin, type, created, doc)`` by
        ``(uid, kind, id)``. Non-blocking."""

    @abstractmethod
    def records(self, uid: int, kind: str, category: str, symbol: str | None, coin: str | None, type_: str | None,
                start: int | None, end: int | None, limit: int, cursor: str | None) -> tuple[list[bytes], str]:
        """One page of ``uid``'s records of ``kind`` and ``category`` (and ``symbol``, ``coin``, ``type_`` when
        given) whose ``created`` lies within ``[start, end]``, ordered by ``id`` descending, below ``cursor``."""

    @abstractmethod
    def put_bars(self, rows: Sequence[tuple[str, str, int, int, int, int, int, int, int, int]],
                 span: int = 60_000) -> None:
        """Upsert bars (``BarRow``-shaped tuples) of ``span`` ms (a minute, or an hour: the hourly rollup
        long candle intervals read) by ``(category, symbol, start)``. Non-blocking."""

    @abstractmethod
    def bars(self, category: str, symbol: str, start: int, end: int, span: int = 60_000) -> list[BarRow]:
        """The book's bars of ``span`` with ``start <= bar.start < end``, oldest first."""

    @abstractmethod
    def last_bar(self, category: str, symbol: str, before: int | None = None,
                 span: int = 60_000) -> BarRow | None:
        """The book's newest bar of ``span`` (opening before ``before`` when given), or None."""

    @abstractmethod
    def flush(self) -> None:
        """Block until every row put before this call is committed. Raises ``StoreError`` if the writer failed."""

    @abstractmethod
    def close(self) -> None:
        """Flush, stop the background writer and release the database. Idempotent."""

    @abstractmethod
    def prune(self, older_than_ms: int) -> int:
        """Retention: delete ended orders (``ENDED_STATUSES``), fills and minute bars created before ``older_than_ms``.

        Returns the number of rows deleted. Blocking (it flushes first and may take a while): call it
        off the event loop, e.g. with ``asyncio.to_thread``.
        """

    def __enter__(self) -> HistoryStore:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()
