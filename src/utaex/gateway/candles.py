"""``GET /api/v3/market/candles`` and ``/history-candles``, and the bars the WS ``kline`` topic pushes.

Both endpoints and the WebSocket read one minute-bar feed (``marketdata``: the last day in memory,
older minutes from the history store) and aggregate it with ``core.candles``, so a bar is the same
wherever it is read. Rules (reference/live-behaviour.md, "REST"; docs/decisions.md, "Candles"):

- ``candles``: ``limit`` default 100, at most 1000; ``startTime`` exclusive, ``endTime`` inclusive
  (on the bar's open time); the rows are the newest ``limit`` bars in that range, oldest first; the
  last one may be the live, unclosed bar.
- ``history-candles``: closed bars only, ``limit`` at most 100, ``startTime`` inclusive, ``endTime``
  exclusive, a window of at most 90 days (``00001``), 90 days before ``endTime`` (or now) by default.
- Rows are ``[ts, open, high, low, close, volume, turnover]``, all strings. ``type`` ``mark`` and
  ``index`` are bars of the contract's mark / index series (``marketdata.series_key``, fed by every market
  tick that moves them), or of the last price where the contract never had an index; their volume and
  turnover are 0; ``premium`` is 0.
- An interval outside ``core.candles.INTERVALS`` (case matters), a bad ``limit`` or ``type``: HTTP 400
  ``40020`` "Parameter <value> error".
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..core import enums as E
from ..core.candles import DAY, HOUR, INTERVALS, MINUTE, Bar, Interval, MinuteBar, aggregate, roll
from ..core.numbers import fmt_amount
from . import params as P
from .convert import price_str, qty_str
from .errors import ApiError, missing
from .marketdata import series_key

if TYPE_CHECKING:
    from ..core.instruments import Instrument
    from .app import App, Request
    from .venue import Venue

__all__ = ["bars", "kline_doc", "register", "row_strings"]

PUBLIC_LIMIT = 20
HISTORY_WINDOW = 90 * DAY
TYPES = ("market", "mark", "index", "premium")


def bad(value: str) -> ApiError:
    return ApiError("40020", f"Parameter {value} error")


def minutes(venue: Venue, bk: tuple[str, str], lo: int, hi: int, now: int,
            span: int = MINUTE) -> tuple[list[MinuteBar], int | None]:
    """The bars of ``span`` (MINUTE, or HOUR for hour-aligned intervals) in ``[lo, hi)`` and the last
    close before ``lo`` (None: no trade before it).

    Recent ranges (the WS pushes, default pages) are read from the newest in-memory minute bars
    backwards without touching the store; older hours come from the store's hourly rollup, so a long
    interval reads at most one row per hour."""
    market = venue.market
    dq = market.buckets.get(bk, ())
    got: list[MinuteBar] = []
    prev: MinuteBar | None = None
    for b in reversed(dq):
        if b.start >= hi:
            continue
        if b.start < lo:
            prev = b
            break
        got.append(b)
    got.reverse()
    reset = venue.engine.reset_at - venue.engine.reset_at % MINUTE  # bars before a venue reset's minute: hidden
    complete = market.complete_from(now)
    if span == HOUR:
        cut = -(-complete // HOUR) * HOUR  # from here the minutes in memory make whole hours
        got = roll([b for b in got if b.start >= cut], HOUR)
        if lo < cut:
            got = [MinuteBar.from_row(r[2:]) for r in venue.store.bars(*bk, max(lo, reset), min(hi, cut), HOUR)] + got
    elif lo < complete:  # older than the day kept in memory: the store, memory over it
        merged = {r.start: MinuteBar.from_row(r[2:]) for r in venue.store.bars(*bk, max(lo, reset), hi)}
        merged.update((b.start, b) for b in got)
        got = [merged[k] for k in sorted(merged)]
    if prev is not None:
        return got, prev.close
    if dq and bk not in market.older:
        return got, None
    before = venue.store.last_bar(*bk, before=lo, span=span)
    return got, None if before is None or before.start < reset else before.close


def bars(venue: Venue, inst: Instrument, iv: Interval, lo: int, hi: int, now: int, kind: str = "market") -> list[Bar]:
    """Bars of ``iv`` opening in ``[lo, hi]`` (slot starts), oldest first: of the trades, or of the mark or
    index series of a contract that has an index (without one, mark and index follow the last trade)."""
    if lo > hi:
        return []
    span = HOUR if iv.length % HOUR == 0 else MINUTE  # every grid of 1H and longer falls on whole hours
    key = inst.book_key
    if kind in ("mark", "index") and inst.is_futures:
        prices = venue.engine.market.by_key.get((inst.category, inst.symbol))
        if prices is not None and prices.index:
            key = series_key(inst.category, inst.symbol, kind)
    got, prev = minutes(venue, key, lo, iv.next(hi), now, span)
    return aggregate(got, iv, lo, hi, prev)


def row_strings(inst: Instrument, b: Bar, kind: str = "market") -> list[str]:
    if kind == "premium":
        return [str(b.start), "0", "0", "0", "0", "0", "0"]
    vol, turn = (qty_str(inst, b.volume), fmt_amount(b.turnover)) if kind == "market" else ("0", "0")
    return [str(b.start), price_str(inst, b.open), price_str(inst, b.high), price_str(inst, b.low),
            price_str(inst, b.close), vol, turn]


def _ms(q: dict[str, str], name: str) -> int | None:
    return P.opt_int(q, name)


def _limit(q: dict[str, str], default: int, hi: int) -> int:
    raw = q.get("limit")
    if raw is None or raw == "":
        return default
    if not P.is_uint(raw) or len(raw) > 18 or not 1 <= int(raw) <= hi:
        raise bad(raw)
    return int(raw)


def _common(venue: Venue, q: dict[str, str]) -> tuple[Instrument, Interval, str]:
    cat = P.category(q.get("category"))
    if cat == E.MARGIN:
        raise bad(q.get("category", ""))
    inst = P.instrument(venue.instruments, cat, q.get("symbol"))
    name = q.get("interval")
    if name is None or name == "":
        name = q.get("granularity")  # the pages' curl examples spell it so
    if not name:
        raise missing("interval")
    iv = INTERVALS.get(name)
    if iv is None:
        raise bad(name)
    kind = (q.get("type") or "market").lower()
    if kind not in TYPES:
        raise bad(q["type"])
    return inst, iv, kind


def first_after(iv: Interval, ts: int, inclusive: bool) -> int:
    """The first slot start ``> ts`` (``>= ts`` when inclusive)."""
    s = iv.start(ts)
    return s if (s > ts or (inclusive and s == ts)) else iv.next(s)


def register(app: App) -> None:
    venue = app.venue

    @app.route("GET", "/api/v3/market/candles", limit=PUBLIC_LIMIT)
    async def candles(req: Request) -> Any:
        q = req.query
        inst, iv, kind = _common(venue, q)
        limit = _limit(q, 100, 1000)
        start, end = _ms(q, "startTime"), _ms(q, "endTime")
        now = venue.now_ms()
        live = iv.start(now)
        hi = live if end is None else min(iv.start(end), live)
        lo = iv.back(hi, limit - 1)
        if start is not None:
            lo = max(lo, first_after(iv, start, inclusive=False))
        return [row_strings(inst, b, kind) for b in bars(venue, inst, iv, lo, hi, now, kind)]

    @app.route("GET", "/api/v3/market/history-candles", limit=PUBLIC_LIMIT)
    async def history_candles(req: Request) -> Any:
        q = req.query
        inst, iv, kind = _common(venue, q)
        limit = _limit(q, 100, 100)
        start, end = _ms(q, "startTime"), _ms(q, "endTime")
        now = venue.now_ms()
        end = now if end is None else end
        if start is None:
            start = max(0, end - HISTORY_WINDOW)
        elif end - start > HISTORY_WINDOW:
            raise ApiError("00001", "startTime and endTime interval cannot be greater than 90 days")
        if end <= 0:
            return []
        hi = min(iv.start(end - 1), iv.prev(iv.start(now)))  # bars opening before endTime, closed by now
        lo = max(iv.back(hi, limit - 1), first_after(iv, start, inclusive=True))
        return [row_strings(inst, b, kind) for b in bars(venue, inst, iv, lo, hi, now, kind)]


def kline_doc(inst: Instrument, b: Bar) -> dict[str, str]:
    """A bar as the WS ``kline`` topic pushes it."""
    ts, o, h, lo, c, vol, turn = row_strings(inst, b)
    return {"start": ts, "open": o, "high": h, "low": lo, "close": c, "volume": vol, "turnover": turn}

