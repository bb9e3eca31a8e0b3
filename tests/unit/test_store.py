"""Tests for utaex.store: one suite run against both history stores, SQLite (real database files) and
PostgreSQL (a real server, a fresh database per test; skipped with a message where none runs, failed
under CI=true)."""

from __future__ import annotations

import itertools
import random
import sqlite3
import threading
import time
from pathlib import Path

import msgspec
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import utaex.store as store_pkg
from services import pg_database
from utaex.store import ENDED_STATUSES, MAX_LIMIT, HistoryStore, SQLiteHistoryStore, StoreError, open_store
from utaex.store.postgresql import PostgreSQLHistoryStore

FUT, SPOT = "USDT-FUTURES", "SPOT"
BASE = 1_300_000_000_000_000_000  # order/exec ids look like Bitget's 19-digit ids


def odoc(order_id: int, status: str, version: int = 0, **extra: object) -> bytes:
    return msgspec.json.encode({"orderId": str(order_id), "orderStatus": status, "v": version, **extra})


def fdoc(uid: int, exec_id: int, order_id: int) -> bytes:
    return msgspec.json.encode({"execId": str(exec_id), "orderId": str(order_id), "uid": uid})


def dec(doc: bytes | None) -> dict:
    assert doc is not None
    return msgspec.json.decode(doc)


def put(s: HistoryStore, uid: int, oid: int, status: str = "filled", *, cat: str = FUT, sym: str = "BTCUSDT",
        created: int = 1000, updated: int | None = None, coid: str | None = None, v: int = 0) -> None:
    s.put_order(uid, oid, coid if coid is not None else f"c{oid}", cat, sym, status, created,
                created if updated is None else updated, odoc(oid, status, v))


def all_pages(s: HistoryStore, uid: int, cat: str = FUT, sym: str | None = None, start: int | None = None,
              end: int | None = None, limit: int = 100, statuses: tuple[str, ...] = ENDED_STATUSES) -> list[int]:
    ids: list[int] = []
    cursor: str | None = None
    while True:
        docs, cursor = s.history_orders(uid, cat, sym, start, end, limit, cursor, statuses)
        assert len(docs) <= limit
        ids += [int(dec(d)["orderId"]) for d in docs]
        if not cursor:
            return ids
        assert docs and cursor == str(ids[-1])


def all_fills(s: HistoryStore, uid: int, cat: str | None = None, order_id: int | None = None,
              start: int | None = None, end: int | None = None, limit: int = 100) -> list[int]:
    ids: list[int] = []
    cursor: str | None = None
    while True:
        docs, cursor = s.fills(uid, cat, order_id, start, end, limit, cursor)
        ids += [int(dec(d)["execId"]) for d in docs]
        if not cursor:
            return ids


def db_count(path: Path, table: str) -> int:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
    finally:
        conn.close()


class Backend:
    """Where a test's store lives: one SQLite file or one PostgreSQL database; ``open`` may be called
    again (reopen), ``fresh`` moves to an empty location (one per hypothesis example)."""

    def __init__(self, kind: str, tmp: Path, url: str | None) -> None:
        self.kind, self.tmp, self.url = kind, tmp, url
        self._n = itertools.count()
        self.path = tmp / "h.sqlite3"

    def open(self, **options: object) -> HistoryStore:
        if self.kind == "sqlite":
            return SQLiteHistoryStore(self.path, **options)
        assert self.url is not None
        return PostgreSQLHistoryStore(self.url, **options)

    def fresh(self) -> None:
        if self.kind == "sqlite":
            self.path = self.tmp / f"h{next(self._n)}.sqlite3"
        else:
            import psycopg

            with psycopg.connect(self.url, autocommit=True) as conn:
                conn.execute("DROP TABLE IF EXISTS orders, fills, bars, hour_bars, records, utaex_schema")

    def count(self, table: str) -> int:
        if self.kind == "sqlite":
            return db_count(self.path, table)
        import psycopg

        with psycopg.connect(self.url, autocommit=True) as conn:
            return conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest, tmp_path: Path):
    if request.param == "sqlite":
        yield Backend("sqlite", tmp_path, None)
        return
    with pg_database() as url:
        yield Backend("postgresql", tmp_path, url)


@pytest.fixture
def store(backend: Backend):
    s = backend.open()
    yield s
    s.close()


# --------------------------------------------------------------------------- API shape


def test_public_api_and_open_store(tmp_path: Path) -> None:
    assert set(store_pkg.__all__) == {"ENDED_STATUSES", "MAX_LIMIT", "BarRow", "HistoryStore", "SQLiteHistoryStore",
                                      "StoreError", "open_store"}
    with open_store(tmp_path / "data") as s:
        assert isinstance(s, HistoryStore)
        assert (tmp_path / "data" / "history.sqlite3").exists()
        conn = sqlite3.connect(tmp_path / "data" / "history.sqlite3")
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        conn.close()


def test_put_after_close_raises_and_close_is_idempotent(backend: Backend) -> None:
    s = backend.open()
    put(s, 1, BASE)
    s.close()
    s.close()
    with pytest.raises(StoreError):
        put(s, 1, BASE + 1)
    with pytest.raises(StoreError):
        s.get_order(1, BASE)
    assert backend.count("orders") == 1  # close flushed


def test_bad_cursor_and_limit_clamp(store: HistoryStore) -> None:
    for i in range(150):
        put(store, 1, BASE + i)
    for bad in ("abc", "-5", "1.5", " 12"):
        with pytest.raises(ValueError):
            store.history_orders(1, FUT, None, None, None, 10, bad)
        with pytest.raises(ValueError):
            store.fills(1, None, None, None, None, 10, bad)
    assert len(store.history_orders(1, FUT, None, None, None, 1000, None)[0]) == MAX_LIMIT
    assert len(store.history_orders(1, FUT, None, None, None, 0, None)[0]) == 1
    assert store.history_orders(1, FUT, None, None, None, 10, "")[1] == str(BASE + 140)


# --------------------------------------------------------------------------- orders


@pytest.mark.parametrize("flush_between", [False, True])
def test_upsert_latest_wins(backend: Backend, store: HistoryStore, flush_between: bool) -> None:
    put(store, 1, BASE, "live", updated=1, v=1)
    if flush_between:
        store.flush()
    put(store, 1, BASE, "partially_filled", updated=5, v=2)
    if flush_between:
        store.flush()
    put(store, 1, BASE, "live", updated=3, v=3)  # late, older version: ignored
    if not flush_between:  # (against a committed newer version it is visible until flushed, then dropped)
        assert dec(store.get_order(1, BASE))["v"] == 2
    store.flush()
    assert dec(store.get_order(1, BASE))["v"] == 2
    put(store, 1, BASE, "filled", updated=5, v=4)  # equal `updated` replaces
    assert dec(store.get_order(1, BASE))["v"] == 4
    store.flush()
    assert dec(store.get_order(1, BASE))["v"] == 4
    assert store.history_orders(1, FUT, None, None, None, 10, None)[0] == [odoc(BASE, "filled", 4)]
    assert backend.count("orders") == 1


def test_read_your_writes_before_flush(backend: Backend) -> None:
    s = backend.open(linger=60.0)  # the writer holds small batches back: rows stay in the overlay
    try:
        put(s, 1, BASE, "live", v=1)
        s.flush()
        put(s, 1, BASE, "filled", updated=2000, v=2)  # newer version of a committed row, overlay only
        put(s, 1, BASE + 1, "cancelled", coid="x")
        s.put_fill(1, BASE + 5, BASE, FUT, "BTCUSDT", 1000, fdoc(1, BASE + 5, BASE))
        assert backend.count("fills") == 0  # really not flushed
        assert dec(s.get_order(1, BASE))["v"] == 2
        assert dec(s.get_order(1, client_oid="x"))["orderId"] == str(BASE + 1)
        assert all_pages(s, 1) == [BASE + 1, BASE]
        assert all_fills(s, 1) == [BASE + 5]
        assert all_pages(s, 1, statuses=("live",)) == []  # the committed "live" version is superseded
        s.flush()
        assert backend.count("fills") == 1 and backend.count("orders") == 2
        assert all_pages(s, 1) == [BASE + 1, BASE]
    finally:
        s.close()


def test_get_order_by_id_and_client_oid(store: HistoryStore) -> None:
    put(store, 1, BASE + 1, "cancelled", coid="reused")
    put(store, 1, BASE + 2, "filled", coid="other")
    store.flush()
    put(store, 1, BASE + 3, "live", coid="reused")  # clientOid reused once the first order ended
    assert dec(store.get_order(1, client_oid="reused"))["orderId"] == str(BASE + 3)
    store.flush()
    assert dec(store.get_order(1, client_oid="reused"))["orderId"] == str(BASE + 3)
    put(store, 1, BASE + 4, "filled", coid="reused")
    assert dec(store.get_order(1, client_oid="reused"))["orderId"] == str(BASE + 4)
    assert dec(store.get_order(1, BASE + 1))["orderStatus"] == "cancelled"
    assert dec(store.get_order(1, BASE + 2, client_oid="reused"))["orderId"] == str(BASE + 2)  # orderId wins
    assert store.get_order(1, BASE + 99) is None
    assert store.get_order(1, client_oid="nope") is None
    assert store.get_order(1) is None and store.get_order(1, client_oid="") is None


def test_other_users_rows_never_returned(store: HistoryStore) -> None:
    put(store, 1, BASE + 1, coid="same")
    store.put_fill(1, BASE + 10, BASE + 1, FUT, "BTCUSDT", 1000, fdoc(1, BASE + 10, BASE + 1))
    store.flush()
    put(store, 2, BASE + 2, coid="same")
    store.put_fill(2, BASE + 10, BASE + 2, FUT, "BTCUSDT", 1000, fdoc(2, BASE + 10, BASE + 2))  # other side
    for uid, mine, other in ((1, BASE + 1, BASE + 2), (2, BASE + 2, BASE + 1)):
        assert store.get_order(uid, other) is None
        assert dec(store.get_order(uid, mine))["orderId"] == str(mine)
        assert dec(store.get_order(uid, client_oid="same"))["orderId"] == str(mine)
        assert all_pages(store, uid) == [mine]
        assert [dec(d)["uid"] for d in store.fills(uid, None, None, None, None, 10, None)[0]] == [uid]
        assert store.fills(uid, None, other, None, None, 10, None) == ([], "")
    assert store.get_order(3, BASE + 1) is None and all_pages(store, 3) == [] and all_fills(store, 3) == []
    store.flush()
    assert store.get_order(1, BASE + 2) is None and all_fills(store, 2) == [BASE + 10]


def test_history_filters_category_symbol_time_and_live_excluded(store: HistoryStore) -> None:
    rng = random.Random(7)
    rows = []
    for i in range(600):
        cat, sym = rng.choice([FUT, SPOT]), rng.choice(["BTCUSDT", "ETHUSDT"])
        status = rng.choice(["live", "partially_filled", "filled", "cancelled"])
        rows.append((BASE + i * 3, cat, sym, status, 10_000 + i * 10))
        put(store, 1, BASE + i * 3, status, cat=cat, sym=sym, created=10_000 + i * 10)
        if i == 300:
            store.flush()  # half committed, half (possibly) still buffered

    def expect(cat: str, sym: str | None, start: int | None, end: int | None,
               statuses: tuple[str, ...] = ENDED_STATUSES) -> list[int]:
        return sorted((oid for oid, c, s, st_, cr in rows if c == cat and (sym is None or s == sym)
                       and (not statuses or st_ in statuses) and (start is None or cr >= start)
                       and (end is None or cr <= end)), reverse=True)

    cases = [(FUT, None, None, None), (SPOT, "ETHUSDT", None, None), (FUT, "BTCUSDT", 12_000, 14_000),
             (SPOT, None, None, 11_500), (FUT, None, 15_990, None), (FUT, None, 13_000, 13_000)]
    for _ in range(2):
        for cat, sym, start, end in cases:
            assert all_pages(store, 1, cat, sym, start, end, limit=37) == expect(cat, sym, start, end)
        assert all_pages(store, 1, FUT, None, statuses=("live",)) == expect(FUT, None, None, None, ("live",))
        assert all_pages(store, 1, SPOT, None, statuses=()) == expect(SPOT, None, None, None, ())
        store.flush()


def test_history_paging_5000_orders_while_rows_arrive(backend: Backend) -> None:
    s = backend.open(max_pending=300)  # small buffer: constant batch churn
    rng = random.Random(11)
    ended_at_start: set[int] = set()
    live: list[int] = []
    cats: dict[int, str] = {}
    for i in range(5000):
        oid = BASE + i * 5
        cat = FUT if i % 4 else SPOT
        status = "live" if i % 10 == 3 else rng.choice(ENDED_STATUSES)
        cats[oid] = cat
        put(s, 1, oid, status, cat=cat, created=1_000 + i)
        if cat == FUT and status == "live":
            live.append(oid)
        elif cat == FUT:
            ended_at_start.add(oid)
        if i == 2500:
            s.flush()
    assert len(ended_at_start) > 3000

    stop = threading.Event()

    def churn() -> None:  # other writers keep the overlay/writer busy: re-puts and other users' orders
        n = 0
        r = random.Random(3)
        while not stop.is_set():
            oid = BASE + r.randrange(5000) * 5
            if oid in ended_at_start:  # another ended version of an ended order
                put(s, 1, oid, "filled", cat=cats[oid], created=1_000 + (oid - BASE) // 5)
            put(s, 2, BASE + 10_000_000 + n, "filled")
            n += 1
            if n % 2000 == 0:
                time.sleep(0.001)

    newly_ended: set[int] = set()
    t = threading.Thread(target=churn)
    t.start()
    try:
        seen: list[int] = []
        cursor: str | None = None
        top = None
        new_id = BASE + 5_000_000
        while True:
            docs, cursor = s.history_orders(1, FUT, None, None, None, 100, cursor)
            for d in docs:
                o = dec(d)
                assert o["orderStatus"] in ENDED_STATUSES
                seen.append(int(o["orderId"]))
            top = seen[0] if top is None else top
            if not cursor:
                break
            for _ in range(20):  # new ended orders arrive between pages (ids above the first page)
                put(s, 1, new_id, "filled", created=9_999_999)
                new_id += 1
            if live:  # and a live order below the cursor may end meanwhile
                oid = live.pop()
                put(s, 1, oid, "cancelled", created=1_000 + (oid - BASE) // 5, updated=10**12)
                newly_ended.add(oid)
    finally:
        stop.set()
        t.join()
    assert seen == sorted(seen, reverse=True) and len(seen) == len(set(seen))  # ordered, no overlap
    assert ended_at_start <= set(seen)  # complete
    assert set(seen) <= ended_at_start | newly_ended and top < BASE + 5_000_000
    s.close()


# --------------------------------------------------------------------------- fills


def test_fills_paging_and_filters(backend: Backend, store: HistoryStore) -> None:
    expected = []
    for i in range(1500):
        exec_id, order_id = BASE + i * 2, BASE + (i // 3)
        cat = SPOT if i % 5 == 0 else FUT
        store.put_fill(1, exec_id, order_id, cat, "BTCUSDT", 5_000 + i, fdoc(1, exec_id, order_id))
        store.put_fill(2, exec_id, order_id + 1, cat, "BTCUSDT", 5_000 + i, fdoc(2, exec_id, order_id + 1))
        expected.append((exec_id, order_id, cat, 5_000 + i))
        if i == 700:
            store.flush()
    store.put_fill(1, BASE, BASE, SPOT, "BTCUSDT", 5_000, fdoc(1, BASE, BASE))  # repeated put: still one row
    for _ in range(2):
        assert all_fills(store, 1) == sorted((e for e, *_ in expected), reverse=True)
        assert all_fills(store, 1, FUT, limit=33) == sorted((e for e, _, c, _ in expected if c == FUT), reverse=True)
        assert all_fills(store, 1, None, BASE + 100) == sorted((e for e, o, *_ in expected if o == BASE + 100),
                                                                reverse=True)
        assert all_fills(store, 1, SPOT, BASE + 100) == [e for e, o, c, _ in expected if o == BASE + 100
                                                         and c == SPOT][::-1]
        assert all_fills(store, 1, None, None, 5_100, 5_199, limit=7) == [BASE + i * 2 for i in range(199, 99, -1)]
        store.flush()
    assert backend.count("fills") == 3000


def rdoc(rid: int, kind: str) -> bytes:
    return msgspec.json.encode({"id": str(rid), "kind": kind})


def all_records(s: HistoryStore, uid: int, kind: str, cat: str, sym: str | None = None, coin: str | None = None,
                type_: str | None = None, start: int | None = None, end: int | None = None,
                limit: int = 100) -> list[int]:
    ids: list[int] = []
    cursor: str | None = None
    while True:
        docs, cursor = s.records(uid, kind, cat, sym, coin, type_, start, end, limit, cursor)
        assert len(docs) <= limit
        ids += [int(dec(d)["id"]) for d in docs]
        if not cursor:
            return ids
        assert cursor == str(ids[-1])


def test_records_paging_filters_persistence_and_prune(backend: Backend) -> None:
    """Financial records and closed positions: one table, kept apart by kind, filtered by category, symbol,
    coin, type and time, paged newest first, read before and after the writer commits, kept across a reopen
    and pruned with the rest."""
    rows, expected = [], []
    for i in range(600):
        rid = BASE + i * 3
        cat, sym, coin = (SPOT, "BTCUSDT", "BTC") if i % 4 == 0 else (FUT, "ETHUSDT" if i % 3 else "BTCUSDT", "USDT")
        typ = "ORDER_DEALT_IN" if cat == SPOT else ("SOME_NEW_TYPE" if i % 5 == 0 else "BUY_DEAL")
        rows.append((1, "ledger", rid, cat, sym, coin, typ, 10_000 + i, rdoc(rid, "ledger")))
        rows.append((2, "ledger", rid, cat, sym, coin, typ, 10_000 + i, rdoc(rid, "other user")))
        expected.append((rid, cat, sym, coin, typ, 10_000 + i))
    with backend.open() as s:
        s.put_records(rows[:500])
        s.flush()
        s.put_records(rows[500:])  # not yet committed: read from the overlay, merged with the database
        s.put_records([(1, "position", BASE + 1, FUT, "BTCUSDT", "USDT", "", 10_000, rdoc(BASE + 1, "position"))])
        s.put_records(rows[:2])  # a repeat replaces, never duplicates

        def want(pred: object) -> list[int]:
            return sorted((e[0] for e in expected if pred(e)), reverse=True)  # type: ignore[operator]

        for _ in range(2):
            assert all_records(s, 1, "ledger", FUT) == want(lambda e: e[1] == FUT)
            assert all_records(s, 1, "ledger", FUT, "BTCUSDT", limit=7) == want(lambda e: e[1] == FUT
                                                                                  and e[2] == "BTCUSDT")
            assert all_records(s, 1, "ledger", SPOT, coin="BTC", limit=13) == want(lambda e: e[1] == SPOT)
            assert all_records(s, 1, "ledger", FUT, type_="SOME_NEW_TYPE") == want(lambda e: e[4] == "SOME_NEW_TYPE")
            assert all_records(s, 1, "ledger", FUT, start=10_100, end=10_199, limit=9) == want(
                lambda e: e[1] == FUT and 10_100 <= e[5] <= 10_199)
            assert all_records(s, 1, "position", FUT) == [BASE + 1]
            assert all_records(s, 3, "ledger", FUT) == []
            s.flush()
        assert backend.count("records") == 1201
    with backend.open() as s:
        assert all_records(s, 1, "ledger", SPOT) == want(lambda e: e[1] == SPOT)
        assert s.prune(10_300) == 2 * 300 + 1
        assert all_records(s, 1, "ledger", FUT) == want(lambda e: e[1] == FUT and e[5] >= 10_300)
        assert all_records(s, 1, "position", FUT) == []


# --------------------------------------------------------------------------- durability and retention


def test_persistence_across_close_and_reopen(backend: Backend) -> None:
    with backend.open() as s:
        s.put_orders([(1, BASE + i, f"c{i}", FUT, "BTCUSDT", "filled", 1000 + i, 1000 + i, odoc(BASE + i, "filled"))
                      for i in range(250)])
        s.put_fill(1, BASE + 7, BASE + 1, FUT, "BTCUSDT", 1001, fdoc(1, BASE + 7, BASE + 1))
        put(s, 1, BASE + 1, "cancelled", updated=5000, v=9, coid="c1")
        before = all_pages(s, 1)
    with backend.open() as s:
        assert all_pages(s, 1) == before == [BASE + i for i in range(249, -1, -1)]
        assert dec(s.get_order(1, client_oid="c1")) == {"orderId": str(BASE + 1), "orderStatus": "cancelled",
                                                        "v": 9}
        assert all_fills(s, 1) == [BASE + 7]


def test_prune(store: HistoryStore) -> None:
    for i in range(5000):
        put(store, 1, BASE + i, "live" if i % 100 == 0 else "filled", created=i)
        store.put_fill(1, BASE + i, BASE + i, FUT, "BTCUSDT", i, fdoc(1, BASE + i, BASE + i))
    # not flushed on purpose: prune covers rows still buffered
    deleted = store.prune(4000)
    assert deleted == (4000 - 40) + 4000
    assert all_pages(store, 1) == [BASE + i for i in range(4999, 3999, -1) if i % 100]
    assert len(all_pages(store, 1, statuses=("live",))) == 50  # live orders are never pruned
    assert all_fills(store, 1) == [BASE + i for i in range(4999, 3999, -1)]
    assert store.prune(4000) == 0


def bar(ts: int, close: int = 100, *, cat: str = SPOT, sym: str = "BTCUSDT", last: int = 0) -> tuple:
    return (cat, sym, ts, 100, 120, 90, close, 7, 10**30 + ts, last or BASE + ts)  # turnover beyond 64 bits


def test_minute_bars_read_your_writes_replace_and_persist(backend: Backend) -> None:
    m = 60_000
    with backend.open() as s:
        s.put_bars([bar(m * k) for k in range(1, 6)])
        s.put_bars([bar(m * 3, close=111), bar(m * 2, cat="USDT-FUTURES")])
        got = s.bars(SPOT, "BTCUSDT", 2 * m, 5 * m)  # before any flush: the overlay answers
        assert [b.start for b in got] == [2 * m, 3 * m, 4 * m] and got[1].close == 111
        assert got[0].turnover == 10**30 + 2 * m and isinstance(got[0], store_pkg.BarRow)
        assert s.last_bar(SPOT, "BTCUSDT") == store_pkg.BarRow(*bar(5 * m))
        assert s.last_bar(SPOT, "BTCUSDT", before=3 * m).start == 2 * m
        assert s.last_bar(SPOT, "BTCUSDT", before=m) is None and s.last_bar(SPOT, "ETHUSDT") is None
        s.flush()
        s.put_bars([bar(m * 4, close=99)])  # a buffered row over a committed one
        assert [b.close for b in s.bars(SPOT, "BTCUSDT", 0, 10 * m)] == [100, 100, 111, 99, 100]
    with backend.open() as s:  # committed, exactly
        assert [(b.start, b.close, b.turnover) for b in s.bars(SPOT, "BTCUSDT", 0, 10 * m)] == [
            (k * m, {3: 111, 4: 99}.get(k, 100), 10**30 + k * m) for k in range(1, 6)]
        assert [b.symbol for b in s.bars("USDT-FUTURES", "BTCUSDT", 0, 10 * m)] == ["BTCUSDT"]
        assert s.prune(3 * m) == 2 + 1
        assert [b.start for b in s.bars(SPOT, "BTCUSDT", 0, 10 * m)] == [3 * m, 4 * m, 5 * m]


def test_hour_bars_are_kept_apart_from_minute_bars(backend: Backend) -> None:
    h = 3_600_000
    with backend.open() as s:
        s.put_bars([bar(h), bar(2 * h)], h)
        s.put_bars([bar(h, close=1)])
        assert [b.close for b in s.bars(SPOT, "BTCUSDT", 0, 3 * h, h)] == [100, 100]
        assert [b.close for b in s.bars(SPOT, "BTCUSDT", 0, 3 * h)] == [1]
        assert s.last_bar(SPOT, "BTCUSDT", span=h).start == 2 * h
        s.flush()
    with backend.open() as s:
        assert [b.start for b in s.bars(SPOT, "BTCUSDT", 0, 3 * h, h)] == [h, 2 * h]
        assert s.last_bar(SPOT, "BTCUSDT", before=2 * h, span=h).start == h
        assert s.prune(2 * h) == 2  # one minute bar, one hour bar
        with pytest.raises(ValueError):
            s.bars(SPOT, "BTCUSDT", 0, 1, 5)


# --------------------------------------------------------------------------- engineering properties


def test_backpressure_bounds_the_buffer(backend: Backend) -> None:
    with backend.open(max_pending=50) as s:
        for i in range(20_000):
            put(s, i % 7, BASE + i)
            assert s._pending <= 50
        assert sum(len(all_pages(s, u)) for u in range(7)) == 20_000


def test_queries_are_index_scans(tmp_path: Path) -> None:  # SQLite's planner
    store = SQLiteHistoryStore(tmp_path / "h.sqlite3")
    put(store, 1, BASE)
    store.put_fill(1, BASE, BASE, FUT, "BTCUSDT", 1, fdoc(1, BASE, BASE))
    store.flush()
    statements: list[str] = []
    store._reader.set_trace_callback(statements.append)
    for sym in (None, "BTCUSDT"):
        for start, end in ((None, None), (1, 2), (None, 5)):
            store.history_orders(1, FUT, sym, start, end, 10, None)
            store.history_orders(1, FUT, sym, start, end, 10, str(BASE + 1))
    for cat in (None, SPOT):
        for oid in (None, BASE):
            store.fills(1, cat, oid, 1, 9, 10, None)
            store.fills(1, cat, oid, None, None, 10, str(BASE + 1))
    store.get_order(1, client_oid="x")
    store.get_order(1, BASE)
    store._reader.set_trace_callback(None)
    conn = sqlite3.connect(store.path)
    try:
        assert len(statements) >= 20
        for sql in statements:
            plan = " / ".join(row[3] for row in conn.execute("EXPLAIN QUERY PLAN " + sql))
            assert "SEARCH" in plan and "SCAN" not in plan, (sql, plan)
            if "client_oid" not in sql:  # a clientOid names a handful of orders: sorting them is free
                assert "TEMP B-TREE" not in plan, (sql, plan)
    finally:
        conn.close()
        store.close()


@settings(max_examples=max(1, settings.default.max_examples * 2 // 5),  # each example opens a store
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.lists(st.one_of(
    st.tuples(st.just("order"), st.integers(1, 2), st.integers(0, 25), st.sampled_from(["live", "filled", "cancelled"]),
              st.sampled_from([FUT, SPOT]), st.sampled_from(["A", "B"])),
    st.tuples(st.just("fill"), st.integers(1, 2), st.integers(0, 25), st.sampled_from([FUT, SPOT])),
    st.tuples(st.just("flush")),
), max_size=80), st.integers(1, 7))
def test_matches_reference_model(backend: Backend, ops: list[tuple], limit: int) -> None:
    backend.fresh()  # one empty location per example
    with backend.open(max_pending=8) as s:
        orders: dict[int, tuple] = {}
        fills: dict[tuple[int, int], str] = {}
        for n, op in enumerate(ops):
            if op[0] == "order":
                _, uid, k, status, cat, sym = op
                oid = BASE + k
                uid, cat, sym = orders[oid][:3] if oid in orders else (uid, cat, sym)  # immutable columns
                orders[oid] = (uid, cat, sym, status, n)
                s.put_order(uid, oid, f"c{k % 5}", cat, sym, status, k, n, odoc(oid, status, n))
            elif op[0] == "fill":
                _, uid, k, cat = op
                fills.setdefault((uid, BASE + k), cat)
                s.put_fill(uid, BASE + k, BASE, fills[(uid, BASE + k)], "A", k, fdoc(uid, BASE + k, BASE))
            else:
                s.flush()
        for uid in (1, 2):
            for cat in (FUT, SPOT):
                for sym in (None, "A"):
                    want = sorted((o for o, (u, c, y, stt, _) in orders.items() if u == uid and c == cat
                                   and (sym is None or y == sym) and stt in ENDED_STATUSES), reverse=True)
                    assert all_pages(s, uid, cat, sym, limit=limit) == want
                assert all_fills(s, uid, cat, limit=limit) == sorted(
                    (e for (u, e), c in fills.items() if u == uid and c == cat), reverse=True)
            for oid, (u, _, _, _, n) in orders.items():
                got = s.get_order(uid, oid)
                assert (dec(got)["v"] == n) if u == uid else got is None
            for c in range(5):
                mine = [o for o, row in orders.items() if row[0] == uid and (o - BASE) % 5 == c]
                got = s.get_order(uid, client_oid=f"c{c}")
                assert (int(dec(got)["orderId"]) == max(mine)) if mine else got is None


def test_throughput_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    n = 100_000
    docs = [msgspec.json.encode({
        "orderId": str(BASE + i), "clientOid": f"cid-{i}", "category": FUT, "symbol": "BTCUSDT",
        "orderType": "limit", "side": "buy", "price": "50000.1", "qty": "0.001", "amount": "0",
        "cumExecQty": "0.001", "cumExecValue": "50.0001", "avgPrice": "50000.1", "timeInForce": "gtc",
        "orderStatus": "filled", "feeDetail": [{"feeCoin": "USDT", "fee": "0.03"}],
        "createdTime": str(1_730_000_000_000 + i), "updatedTime": str(1_730_000_000_000 + i)}) for i in range(n)]
    with SQLiteHistoryStore(tmp_path / "h.sqlite3", max_pending=n) as s:  # room for all: time the API alone
        t0 = time.perf_counter()
        for i in range(n):
            s.put_order(i % 500, BASE + i, f"cid-{i}", FUT, "BTCUSDT", "filled", 1_730_000_000_000 + i,
                        1_730_000_000_000 + i, docs[i])
        t1 = time.perf_counter()
        s.flush()
        t2 = time.perf_counter()
        # sustained: 3x the buffer, so puts run into backpressure and measure the writer's pace
        # (the putting thread competes with the writer for the GIL, as the event loop would)
        for r in range(3):
            for i in range(n):
                s.put_order(i % 500, BASE + (r + 1) * n + i, f"cid-{i}", FUT, "BTCUSDT", "filled",
                            1_730_000_000_000 + i, 1_730_000_000_000 + i, docs[i])
        s.flush()
        t3 = time.perf_counter()
        q0 = time.perf_counter()
        for k in range(2000):
            s.history_orders(k % 500, FUT, None, None, None, 100, None)
        q1 = time.perf_counter()
        cursor, total = None, 0
        while cursor != "":
            docs, cursor = s.history_orders(7, FUT, None, None, None, 100, cursor)
            total += len(docs)
        assert total == 800
    with capsys.disabled():
        print(f"\n[store throughput] put_order accepted {n / (t1 - t0):,.0f}/s; flush of {n:,} rows {t2 - t1:.2f}s; "
              f"sustained put+commit {3 * n / (t3 - t2):,.0f} rows/s; history page (100) {(q1 - q0) / 2:.2f} ms")


# --------------------------------------------------------------------------- PostgreSQL schema


def test_postgresql_open_store_schema_and_migration(tmp_path: Path) -> None:
    import psycopg

    from utaex.store import postgresql as pgmod

    with pg_database() as url:
        with open_store(tmp_path / "data", url) as s:  # a URL names the store; nothing written to the data dir
            assert isinstance(s, PostgreSQLHistoryStore) and not (tmp_path / "data" / "history.sqlite3").exists()
            put(s, 1, BASE)
        with psycopg.connect(url, autocommit=True) as conn:
            assert conn.execute("SELECT version FROM utaex_schema").fetchall() == [(pgmod.SCHEMA_VERSION,)]
            conn.execute("DROP INDEX orders_by_client_oid")  # as version 1 left it
            conn.execute("UPDATE utaex_schema SET version = 1")
        with open_store(tmp_path, url) as s:  # migrated in place, rows kept
            assert dec(s.get_order(1, client_oid=f"c{BASE}"))["orderId"] == str(BASE)
        with psycopg.connect(url, autocommit=True) as conn:
            assert conn.execute("SELECT version FROM utaex_schema").fetchall() == [(pgmod.SCHEMA_VERSION,)]
            assert conn.execute("SELECT count(*) FROM pg_indexes WHERE indexname = 'orders_by_client_oid'"
                                ).fetchone()[0] == 1
            conn.execute("UPDATE utaex_schema SET version = 99")
        with pytest.raises(StoreError, match="newer"):
            open_store(tmp_path, url)
    with pytest.raises(StoreError, match="unsupported"):
        open_store(tmp_path, "mysql://x/y")
