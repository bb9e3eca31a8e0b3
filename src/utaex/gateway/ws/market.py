"""Public market feeds: ``books`` (snapshot + incremental), ``books1/5/15/50``, ``ticker``, ``publicTrade``.

Invariants:
- Work happens only for books somebody watches. Changes are coalesced and pushed at most once per
  ``market_interval_s`` (Bitget pushes books every 150-200 ms; 50 ms here by default), and never
  more often than keeps these rounds under ~10% of the event loop (a full-depth diff of a huge book
  is O(resting orders)).
- ``books``: a mirror per book holds exactly the levels its subscribers have been sent. An update is
  the diff between the mirror and the engine's book (size ``"0"`` deletes a level), applied to the
  mirror as it is sent; ``pseq`` of an update is the ``seq`` of the previous push of that book, and a
  new subscriber's snapshot is the mirror itself, so snapshot + updates always rebuild the book.
- ``checksum`` covers the top 25 levels of the state after the push, over the strings sent.
- ``publicTrade`` data is newest first (ccxt walks it backwards); a trade is pushed once.
- ``ticker`` documents are the REST ticker documents (same handler), less category/symbol/ts, plus
  ``nextFundingTime`` after ``fundingRate`` on futures (the channel's page lists it, the REST one does not).
- ``kline`` (1m .. 1D): the snapshot holds the bars REST ``candles`` answers by default (the newest 100);
  a round with trades pushes the live bar of each subscribed interval (``kline.py``).
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import TYPE_CHECKING, Any

from ...core.funding import next_funding_time
from ..convert import price_str, qty_str
from .frames import checksum, push, push_prefix
from .kline import INTERVALS, candles

if TYPE_CHECKING:
    from ...core.book import Book
    from ...core.instruments import Instrument
    from .hub import Hub

log = logging.getLogger("utaex.ws")

DEPTHS = (1, 5, 15, 50)
BUSY_FACTOR = 9  # the next round waits at least 9x the last one's cost: feeds take <= ~10% of the loop
PUBLIC_TOPICS = ("ticker", "books", "publicTrade", "kline", *(f"books{n}" for n in DEPTHS))
MARKET_KINDS = ("ticker", "books", "booksN", "publicTrade", "kline")
BookKey = tuple[str, str]
Levels = list[list[str]]


def public_arg(topic: str, book_key: BookKey, interval: str | None = None) -> dict[str, str]:
    arg = {"instType": book_key[0].lower(), "topic": topic, "symbol": book_key[1]}
    if interval is not None:
        arg["interval"] = interval
    return arg


def key_arg(key: tuple[Any, ...]) -> dict[str, str]:
    """The ``arg`` of pushes for a hub key (the same for every subscriber of it)."""
    if key[0] == "booksN":
        return public_arg(f"books{key[2]}", key[1])
    if key[0] == "kline":
        return public_arg("kline", key[1], key[2])
    return public_arg(key[0], key[1])


class Mirror:
    __slots__ = ("asks", "bids", "seq")

    def __init__(self, bids: list[tuple[int, int]], asks: list[tuple[int, int]], seq: int) -> None:
        self.bids = dict(bids)
        self.asks = dict(asks)
        self.seq = seq


def _diff(old: dict[int, int], new: list[tuple[int, int]]) -> list[tuple[int, int]]:
    fresh = dict(new)
    out = [(p, q) for p, q in new if old.get(p) != q]
    out += [(p, 0) for p in old if p not in fresh]
    return out


class MarketFeeds:
    def __init__(self, hub: Hub) -> None:
        self.hub = hub
        self.watched: dict[BookKey, int] = {}  # book -> number of public keys subscribed on it
        self.dirty: set[BookKey] = set()
        self.trades: dict[BookKey, list[tuple[int, int, int, str, int]]] = {}
        self.traded: set[BookKey] = set()
        self.mirrors: dict[BookKey, Mirror] = {}
        self.last_top: dict[tuple[BookKey, int], tuple[Levels, Levels]] = {}
        self.seq: dict[BookKey, int] = {}
        self.last_ticker: dict[BookKey, dict[str, Any]] = {}
        self._handle: asyncio.TimerHandle | None = None
        self._task: asyncio.Task[None] | None = None
        self._last_cost = 0.0  # seconds the last push round took

    # ---- bookkeeping ----------------------------------------------------------------------------------
    def track(self, key: tuple[Any, ...]) -> None:
        if key[0] not in MARKET_KINDS:
            return
        bk = key[1]
        self.watched[bk] = self.watched.get(bk, 0) + 1

    def forget(self, key: tuple[Any, ...]) -> None:
        if key[0] not in MARKET_KINDS:
            return
        bk = key[1]
        left = self.watched.get(bk, 1) - 1
        if left > 0:
            self.watched[bk] = left
        else:
            self.watched.pop(bk, None)
        if key[0] == "books":
            self.mirrors.pop(bk, None)
        elif key[0] == "booksN":
            self.last_top.pop((bk, key[2]), None)
        elif key[0] == "ticker":
            self.last_ticker.pop(bk, None)

    def on_book(self, bk: BookKey) -> None:
        if bk in self.watched:
            self.dirty.add(bk)
            self._schedule()

    def on_trade(self, payload: tuple[Any, ...]) -> None:
        bk = payload[0]
        if bk in self.watched:
            self.dirty.add(bk)
            self.traded.add(bk)
            if ("publicTrade", bk) in self.hub.subs:
                self.trades.setdefault(bk, []).append(payload[1:])
            self._schedule()

    def _schedule(self) -> None:
        if self._handle is None and self._task is None:
            loop = asyncio.get_running_loop()
            delay = max(self.hub.limits.market_interval_s, BUSY_FACTOR * self._last_cost)
            self._handle = loop.call_later(delay, self._start)

    def _start(self) -> None:
        self._handle = None
        self._task = asyncio.ensure_future(self._run())

    def stop(self) -> None:
        if self._handle is not None:
            self._handle.cancel()
            self._handle = None
        if self._task is not None:
            self._task.cancel()

    # ---- levels -----------------------------------------------------------------------------------------
    def _book(self, bk: BookKey) -> tuple[Book, Instrument]:
        venue = self.hub.venue
        inst = venue.instruments.get(*bk)
        assert inst is not None
        return venue.engine.book(inst), inst

    @staticmethod
    def _strings(inst: Instrument, levels: list[tuple[int, int]]) -> Levels:
        return [[price_str(inst, p), qty_str(inst, q)] for p, q in levels]

    def _next_seq(self, bk: BookKey) -> int:
        seq = self.seq[bk] = self.seq.get(bk, 0) + 1
        return seq

    def _top(self, book: Book, inst: Instrument, n: int) -> tuple[Levels, Levels]:
        return self._strings(inst, book.depth("buy", n)), self._strings(inst, book.depth("sell", n))

    @staticmethod
    def _data(bids: Levels, asks: Levels, seq: int, pseq: int, ts: int) -> dict[str, Any]:
        return {"a": asks, "b": bids, "checksum": checksum(bids, asks), "pseq": pseq, "seq": seq, "ts": str(ts)}

    # ---- snapshots on subscribe -------------------------------------------------------------------------
    async def snapshot(self, key: tuple[Any, ...]) -> bytes | None:
        """The first push a new subscriber of ``key`` gets (None: nothing to send)."""
        kind, bk = key[0], key[1]
        ts = int(time.time() * 1000)
        prefix = push_prefix(key_arg(key), "snapshot")
        book, inst = self._book(bk)
        if kind == "books":
            mirror = self.mirrors.get(bk)
            if mirror is None:
                seq = self._next_seq(bk)
                mirror = self.mirrors[bk] = Mirror(book.depth("buy", len(book.bid_prices)),
                                                   book.depth("sell", len(book.ask_prices)), seq)
            bids = self._strings(inst, sorted(mirror.bids.items(), reverse=True))
            asks = self._strings(inst, sorted(mirror.asks.items()))
            return push(prefix, [self._data(bids, asks, mirror.seq, 0, ts)], ts)
        if kind == "booksN":
            bids, asks = self._top(book, inst, key[2])
            return push(prefix, [self._data(bids, asks, self.seq.get(bk, 0), 0, ts)], ts)
        if kind == "ticker":
            return push(prefix, [await self.ticker_doc(bk)], ts)
        if kind == "publicTrade":
            recent = self.hub.venue.market.recent_trades(bk, 50)
            return push(prefix, [self._trade_doc(inst, t) for t in recent], ts)
        if kind == "kline":
            return push(prefix, candles(self.hub.venue, inst, key[2], self.hub.venue.now_ms()), ts)
        return None

    async def ticker_doc(self, bk: BookKey) -> dict[str, Any]:
        from ..app import Request  # the REST ticker is the single source of these figures

        route = self.hub.app_routes[("GET", "/api/v3/market/tickers")]
        req = Request("GET", "/api/v3/market/tickers", f"category={bk[0]}&symbol={bk[1]}", {}, b"", "ws")
        rest = (await route.handler(req))[0]
        doc: dict[str, Any] = {}
        for name, value in rest.items():
            if name not in ("category", "symbol", "ts"):
                doc[name] = value
            if name == "fundingRate":  # the push (not the REST ticker) carries the next funding time
                inst = self.hub.venue.instruments.by_key[bk]
                doc["nextFundingTime"] = str(next_funding_time(inst, self.hub.venue.now_ms()))
        return doc

    @staticmethod
    def _trade_doc(inst: Instrument, t: tuple[int, int, int, str, int]) -> dict[str, str]:
        exec_id, price, lots, side, ts = t
        return {"i": str(exec_id), "L": str(exec_id), "p": price_str(inst, price), "v": qty_str(inst, lots),
                "S": side, "T": str(ts)}

    # ---- periodic push ------------------------------------------------------------------------------------
    async def _run(self) -> None:
        started = time.perf_counter()
        try:
            dirty, self.dirty = self.dirty, set()
            trades, self.trades = self.trades, {}
            traded, self.traded = self.traded, set()
            for bk in sorted(dirty):
                if bk in self.watched:
                    await self._push_book(bk, trades.pop(bk, None), bk in traded)
        except Exception:  # pragma: no cover - a feed bug must not kill the hub
            log.exception("market feed push failed")
        finally:
            self._task = None
            self._last_cost = time.perf_counter() - started
            if self.dirty:
                self._schedule()

    async def _push_book(self, bk: BookKey, trades: list[tuple[int, int, int, str, int]] | None,
                         traded: bool) -> None:
        subs = self.hub.subs
        fanout = self.hub.fanout
        book, inst = self._book(bk)
        ts = int(time.time() * 1000)
        seq = self._next_seq(bk)
        mirror = self.mirrors.get(bk)
        if mirror is not None and ("books", bk) in subs:
            bids_now = book.depth("buy", len(book.bid_prices))
            asks_now = book.depth("sell", len(book.ask_prices))
            db, da = _diff(mirror.bids, bids_now), _diff(mirror.asks, asks_now)
            if db or da:
                db.sort(reverse=True)
                da.sort()
                mirror.bids, mirror.asks = dict(bids_now), dict(asks_now)
                data = {"a": self._strings(inst, da), "b": self._strings(inst, db),
                        "checksum": checksum(self._strings(inst, bids_now[:25]), self._strings(inst, asks_now[:25])),
                        "pseq": mirror.seq, "seq": seq, "ts": str(ts)}
                mirror.seq = seq
                fanout(("books", bk), [push(push_prefix(public_arg("books", bk), "update"), [data], ts)])
        for n in DEPTHS:
            key: tuple[Any, ...] = ("booksN", bk, n)
            if key in subs:
                top = self._top(book, inst, n)
                if self.last_top.get((bk, n)) != top:
                    self.last_top[(bk, n)] = top
                    prefix = push_prefix(public_arg(f"books{n}", bk), "snapshot")
                    fanout(key, [push(prefix, [self._data(top[0], top[1], seq, 0, ts)], ts)])
        if trades and ("publicTrade", bk) in subs:
            prefix = push_prefix(public_arg("publicTrade", bk), "update")
            fanout(("publicTrade", bk), [push(prefix, [self._trade_doc(inst, t) for t in reversed(trades)], ts)])
        if traded:
            for interval in INTERVALS:
                key = ("kline", bk, interval)
                if key in subs:
                    now = candles(self.hub.venue, inst, interval, self.hub.venue.now_ms(), live_only=True)
                    if now:
                        fanout(key, [push(push_prefix(key_arg(key), "update"), now[-1:], ts)])
        if ("ticker", bk) in subs:
            doc = await self.ticker_doc(bk)
            if self.last_ticker.get(bk) != doc:
                self.last_ticker[bk] = doc
                prefix = push_prefix(public_arg("ticker", bk), "snapshot")
                fanout(("ticker", bk), [push(prefix, [doc], ts)])
